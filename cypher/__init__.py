"""The catalog of named Cypher statements: ``cypher/NAME.cypher``, one statement a file.

Each file opens with a ``//`` header::

    // purpose: Enterprise profile            (English; the Chinese is in the gettext catalogue)
    // mode: read            (or write)
    // library: Enterprises                  (listed for analysts: CLI --list, /queries)
    // param uscc: string = 91360100MA35F0XX1X -- unified social credit code
    // label subject: Enterprise|Person      (a label placeholder {{subject}}, allowlisted)
    // returns: enterprise, qualifications

Values always go in as ``$parameters``. A label cannot be a parameter, so a file may hold a
``{{name}}`` placeholder (and ``{{name.key}}`` for that label's key property) declared by a
``label`` line; :func:`get_query` fills them from the model's allowlist, backticked, and
nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

from chengxin.graph.errors import InvalidInput, NotFound
from chengxin.graph.messages import N_, msg
from chengxin.graph.model import get_model, label

PARAM_TYPES = {"string", "integer", "float", "date", "boolean", "list", "map"}
WRITE_CLAUSES = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|LOAD\s+CSV)\b", re.IGNORECASE
)
_HEADER = re.compile(r"^//\s*(purpose|mode|param|label|returns|library)\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*:\s*(\w+)(\?)?(?:\s*=\s*(.*?))?(?:\s+--\s+(.*))?$")
_LABEL = re.compile(r"^(\w+)\s*:\s*([\w|]+)$")


def strip_literals(text: str) -> str:
    """The query text with string literals, backticked names and comments blanked out,
    so keyword and parameter checks see only the code (positions are kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        two = text[i : i + 2]
        if two == "//":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif two == "/*":
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "'\"`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" and c != "`" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1 : j - 1]) + (c if j - 1 > i else ""))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def body_params(text: str) -> set[str]:
    return set(re.findall(r"\$(\w+)", strip_literals(text)))


def unanchored_comprehensions(text: str) -> list[str]:
    """Pattern comprehensions whose first node is not a variable bound earlier in the query.

    ArcadeDB evaluates ``[(a:L)-[:R]->(b) | …]`` from its first node: written from an unbound
    node it scans the whole label (or graph) once per row, which turned a 3 ms enterprise page into
    1.4 s at scale 100. Neo4j plans either way, so every catalog file starts its comprehensions at
    the bound node; a catalog test holds them to it.
    """
    code = strip_literals(text)
    bad = []
    for m in re.finditer(r"\[\s*\((\w*)([^)]*)\)", code):
        var, rest = m.group(1), m.group(2).strip()
        before = code[: m.start()]
        bound = var and not rest and re.search(rf"\(\s*{var}\b|\bAS\s+{var}\b|\bWITH\b[^;]*\b{var}\b", before)
        if not bound:
            bad.append(code[m.start() : m.end() + 30].strip())
    return bad


def hub_first_merges(text: str) -> list[str]:
    """Relationship MERGEs that start from a hub (a label with ``hub = true`` in the model, or a
    label slot that may be one) towards a node that is not a hub.

    ArcadeDB checks ``MERGE (a)-[:R]->(b)`` by reading the edges of the node written first: from
    an authority with 3,000 penalties that is 3,000 edges per row, and a batch of 1,000 penalties
    to one authority took 3 s instead of 0.04 s. Neo4j starts from the node with fewer
    relationships either way, so every catalog file writes the non-hub end first
    (``MERGE (pn)-[:ISSUED_BY]->(au)``, ``MERGE (t)<-[:BID_ON]-(e)``); a catalog test holds them to it.
    """
    labels = get_model().labels
    code = strip_literals(text)
    bound: dict[str, bool] = {}  # variable -> is a hub
    for m in re.finditer(r"\(\s*(\w+)\s*:\s*(`?\w+`?|\{\{\w+\}\})", code):
        var, label = m.group(1), m.group(2).strip("`")
        if label.startswith("{{"):
            slot = re.search(rf"//\s*label\s+{label[2:-2]}\s*:\s*([\w|]+)", text)
            hub = any(labels[x].hub for x in slot.group(1).split("|")) if slot else True
        else:
            hub = labels[label].hub if label in labels else False
        bound.setdefault(var, hub)
    bad = []
    for m in re.finditer(r"\bMERGE\s*\(\s*(\w+)\s*\)\s*<?-\[[^\]]*\]->?\s*\(\s*(\w+)\s*\)", code):
        first, other = m.group(1), m.group(2)
        if bound.get(first) and not bound.get(other):
            bad.append(m.group(0))
    return bad


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    example: str | None = None
    description: str = ""
    optional: bool = False  # ``type?`` in the header: may be left out (null)


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    purpose: str
    mode: str
    params: dict[str, Param] = field(default_factory=dict)
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    returns: tuple[str, ...] = ()
    library: str = ""  # ``// library: Group``: listed for analysts (CLI --list, /queries)
    # purpose, library and each parameter's description are English msgids: the edges translate
    # them through the gettext catalogue (chengxin/extract.py finds them for ``pybabel extract``).

    def bind(self, values: dict) -> dict:
        """Check the given parameters against the header: none missing, none unknown."""
        values = {k: (None if v == "" and self.params.get(k) and self.params[k].optional else v)
                  for k, v in values.items()}
        for k, p in self.params.items():
            if p.optional:
                values.setdefault(k, None)
        missing = sorted(set(self.params) - set(values))
        extra = sorted(set(values) - set(self.params))
        if missing or extra:
            raise InvalidInput(
                f"query {self.name}: "
                + ("; ".join(filter(None, [
                    missing and f"missing parameter(s) {', '.join(missing)}",
                    extra and f"unknown parameter(s) {', '.join(extra)}",
                ])))
            )
        return {k: coerce(self.params[k], v) for k, v in values.items()}

    def fill(self, **labels: str) -> "Query":
        text = self.text
        for slot, allowed in self.labels.items():
            chosen = labels.get(slot)
            if chosen not in allowed:
                raise InvalidInput(f"query {self.name}: label slot {slot} takes {'|'.join(allowed)}, not {chosen!r}")
            text = text.replace("{{" + slot + "}}", label(chosen))
            text = text.replace("{{" + slot + ".key}}", f"`{get_model().labels[chosen].key}`")
        return replace(self, text=text, labels={})


def coerce(p: Param, value):
    """Parameter values from text (CLI, web forms) to their declared types. Every integer of the
    catalog is a count (a limit, a number of days, rows to skip): a negative one is refused here,
    with the parameter's name, rather than by the database in its own words."""
    if value is None or not isinstance(value, str):
        if p.type == "integer" and isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise InvalidInput(msg(N_("parameter {name} must be a whole number of at least 0, got {value}"),
                                   name=p.name, value=value))
        return value
    try:
        if p.type == "integer":
            number = int(value)
            if number < 0:
                raise ValueError(value)
            return number
        if p.type == "float":
            return float(value)
        if p.type == "date":
            return dt.date.fromisoformat(value)
        if p.type == "boolean":
            return value.strip().lower() in {"1", "true", "yes", "是"}
    except ValueError as e:
        raise InvalidInput(msg(TYPE_ERRORS.get(p.type, N_("parameter {name} has a bad value: {value!r}")),
                               name=p.name, value=value)) from e
    return value


#: What a bad value of each type is told (English msgids, said in the request's language).
TYPE_ERRORS = {
    "integer": N_("parameter {name} must be a whole number of at least 0, got {value!r}"),
    "float": N_("parameter {name} must be a number, got {value!r}"),
    "date": N_("parameter {name} must be a date as YYYY-MM-DD, got {value!r}"),
}


def parse(name: str, text: str) -> Query:
    meta: dict = {"params": {}, "labels": {}, "purpose": "", "mode": "", "returns": ()}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("//"):
            if line:
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, rest = m.group(1), m.group(2).lstrip(":").strip()
        if key == "param":
            pm = _PARAM.match(rest)
            if not pm or pm.group(2) not in PARAM_TYPES:
                raise ValueError(f"{name}.cypher: bad param line {line!r}")
            meta["params"][pm.group(1)] = Param(pm.group(1), pm.group(2), pm.group(4), pm.group(5) or "",
                                                optional=bool(pm.group(3)))
        elif key == "label":
            lm = _LABEL.match(rest)
            if not lm:
                raise ValueError(f"{name}.cypher: bad label line {line!r}")
            meta["labels"][lm.group(1)] = tuple(lm.group(2).split("|"))
        elif key == "returns":
            meta["returns"] = tuple(c.strip() for c in rest.split(",") if c.strip())
        else:
            meta[key] = rest
    if meta["mode"] not in ("read", "write"):
        raise ValueError(f"{name}.cypher: header needs 'mode: read' or 'mode: write'")
    if not meta["purpose"]:
        raise ValueError(f"{name}.cypher: header needs a purpose")
    return Query(name=name, text=text, **meta)


@lru_cache(maxsize=None)
def _load(name: str) -> Query:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise NotFound(f"no such query: {name!r}")
    f = resources.files("chengxin.cypher").joinpath(f"{name}.cypher")
    if not f.is_file():
        raise NotFound(f"no such query: {name!r}")
    return parse(name, f.read_text("utf-8"))


def get_query(name: str, **labels: str) -> Query:
    q = _load(name)
    return q.fill(**labels) if q.labels else q


def library() -> list[Query]:
    """The analysts' queries: read statements with a ``library`` line, by group then name."""
    out = [q for q in map(_load, names()) if q.library and q.mode == "read"]
    return sorted(out, key=lambda q: (q.library, q.name))


def names() -> list[str]:
    return sorted(
        f.name[: -len(".cypher")]
        for f in resources.files("chengxin.cypher").iterdir()
        if f.name.endswith(".cypher")
    )
