"""The graph model as data (followthemoney's habit): ``model.toml`` loaded once and validated.

Labels and relationship types cannot be Cypher parameters, so every place that must put
one into query text takes it from here through :func:`label` / :func:`rel_type`, which
refuse anything not declared and return it backticked.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, model_validator

from .errors import InvalidInput, NotFound

_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class LabelSpec(BaseModel):
    name: str
    key: str
    name_prop: str
    route: str
    title: str  # English; the Chinese is in the gettext catalogue
    color: str
    shape: str
    fulltext: bool = False
    fulltext_also: list[str] = []  # more properties searched, each with its own full-text index
    indexes: list[str] = []
    hub: bool = False  # nodes with many relationships each (firms, authorities)
    path_hub: bool = False  # never passed through by the relationship finder unless asked (authorities)
    record_numbers: list[str] = []  # the platform's public record numbers: never masked as ID numbers (graph/privacy.py)

    @property
    def fulltext_index(self) -> str:
        """One index name serves both backends: ArcadeDB names its index ``Label[prop]``."""
        return f"{self.name}[{self.name_prop}]"

    @property
    def fulltext_props(self) -> list[tuple[str, str]]:
        """(index name, property) of every full-text index of the label: the name's, then ``fulltext_also``'s."""
        return [(f"{self.name}[{p}]", p) for p in [self.name_prop, *self.fulltext_also]] if self.fulltext else []


class RelSpec(BaseModel):
    name: str
    source: list[str]
    target: list[str]
    title: str  # English; the Chinese is in the gettext catalogue, with the type as message context
    say: str = "{a} {b}"  # a step of a path as a sentence; {a}, {b} and relationship properties


class Model(BaseModel):
    labels: dict[str, LabelSpec]
    relationships: dict[str, RelSpec]
    record_number_columns: list[str] = []  # catalog result columns that carry a record number under another name

    @model_validator(mode="after")
    def _consistent(self) -> "Model":
        for name in [*self.labels, *self.relationships]:
            if not _IDENT.match(name):
                raise ValueError(f"not a safe identifier: {name!r}")
        for rel in self.relationships.values():
            for end in [*rel.source, *rel.target]:
                if end not in self.labels:
                    raise ValueError(f"{rel.name} refers to undeclared label {end}")
        for spec in self.labels.values():
            # ArcadeDB keeps one index per property: a range index beside the full-text one
            # is refused, so a searchable name is not also range-indexed.
            for _, prop in spec.fulltext_props:
                if prop in spec.indexes:
                    raise ValueError(f"{spec.name}.{prop} has a full-text index; do not range-index it too")
        routes = [spec.route for spec in self.labels.values()]
        if len(set(routes)) != len(routes):
            raise ValueError("label routes must be unique")
        return self

    def by_route(self, route: str) -> LabelSpec:
        for spec in self.labels.values():
            if spec.route == route:
                return spec
        raise NotFound(f"unknown kind of entity: {route!r}")

    def path_hub_labels(self) -> list[str]:
        """Labels the relationship finder never passes through unless asked (``path_hub``)."""
        return [s.name for s in self.labels.values() if s.path_hub]

    def search_labels(self) -> list[LabelSpec]:
        return [spec for spec in self.labels.values() if spec.fulltext]


@lru_cache(maxsize=1)
def get_model() -> Model:
    raw = tomllib.loads(resources.files("chengxin.graph").joinpath("model.toml").read_text("utf-8"))
    labels = {
        name: LabelSpec(name=name, name_prop=spec.pop("name"), **spec)
        for name, spec in raw["labels"].items()
    }
    rels = {name: RelSpec(name=name, **spec) for name, spec in raw["relationships"].items()}
    return Model(labels=labels, relationships=rels, record_number_columns=raw.get("record_number_columns", []))


def label(name: str) -> str:
    """The backticked label, if the model declares it."""
    if name not in get_model().labels:
        raise InvalidInput(f"unknown label: {name!r}")
    return f"`{name}`"


def rel_type(name: str) -> str:
    if name not in get_model().relationships:
        raise InvalidInput(f"unknown relationship type: {name!r}")
    return f"`{name}`"
