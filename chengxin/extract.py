"""Babel extractors for the texts that live outside Python and templates (registered in babel.cfg).

- ``extract_cypher``: a catalog statement's header, ``// purpose: …``, ``// library: …`` and the
  description after ``--`` on each ``// param …`` line;
- ``extract_model``: ``graph/model.toml``'s label ``title``, and each relationship's ``title`` and
  ``say`` with the relationship type as message context (two types may share an English name).

Each yields Babel's ``(lineno, funcname, message, comments)``; a context is passed as
``pgettext``'s ``(context, message)`` pair.
"""

from __future__ import annotations

import re
import tomllib

_HEADER = re.compile(r"^//\s*(?:(?:purpose|library)\s*:?\s*(?P<text>.*)|param\s.*?--\s*(?P<desc>.*))$")


def extract_cypher(fileobj, keywords, comment_tags, options):
    for lineno, raw in enumerate(fileobj, 1):
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        m = _HEADER.match(line.strip())
        if m and (m.group("text") or m.group("desc")):
            yield lineno, "_", (m.group("text") or m.group("desc")).strip(), []


def extract_model(fileobj, keywords, comment_tags, options):
    raw = fileobj.read()
    model = tomllib.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    for spec in model["labels"].values():
        yield 0, "_", spec["title"], []
    for name, spec in model["relationships"].items():
        for key in ("title", "say"):
            if key in spec:
                yield 0, "pgettext", (name, spec[key]), []
