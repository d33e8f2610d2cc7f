"""Blueprints: home and search, one per entity kind, and the graph view."""
