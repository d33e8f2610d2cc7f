"""A sanctions list's mapping (TOML or YAML), validated by one pydantic model: every section and key
is declared here, and any other key is an error that names it, where it stands, and the key it most
likely meant (``[columns] start_date`` → "did you mean start?"). docs/lists.md is the reference.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from chengxin.graph.errors import InvalidInput
from chengxin.graph.vocabulary import MEASURES

from .list_cells import HONORIFICS, NO_END_WORDS, ORDERS

#: Named groups an [[extract]] pattern may have, and the entry field each fills.
GROUPS = {"chinese_name": "name_zh", "registration_no": "registration_no", "uscc": "uscc", "alias": "aliases",
          "originating": "originating", "sanctioning": "sanctioning", "address": "address", "country": "country"}
#: Footers and notes under a table, whatever the mapping adds: a row whose first filled cell opens so.
DEFAULT_NOTES = (r"^zastosowane filtry", r"^applied filters?\b", r"^filters? applied", r"^filter(?:s|ed)?\s*:",
                 r"^downloaded (?:on|at)\b", r"^source\s*:", r"^notes?\s*[:：]", r"^\*\s", r"^total\b",
                 r"^page \d+ of \d+", r"^数据来源", r"^注[:：]", r"^备注[:：]")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ListSection(_Section):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str | None = None
    sanctioning_institution: str | None = None
    measure: str | None = None  # a vocabulary code, or the text every entry gets when no column says
    url: str | None = None
    subject_type: Literal["auto", "enterprise", "person"] = "auto"


class ReadSection(_Section):
    sheet: str | None = None
    skip_rows: int | None = Field(default=None, ge=0)  # None: the header is found by the name column's header
    header_rows: int = Field(default=1, ge=1, le=5)
    encoding: str | None = None
    notes: list[str] = []  # regular expressions of footer / note rows, added to DEFAULT_NOTES


class ColumnsSection(_Section):
    name: str
    alt_name: str | None = None
    name_zh: str | None = None
    aliases: str | None = None
    address: str | None = None
    country: str | None = None
    start: str | None = None
    end: str | None = None
    notice: str | None = None
    grounds: str | None = None
    sanctioning: str | None = None
    originating: str | None = None
    id: str | None = None
    entity_kind: str | None = None
    measure: str | None = None
    registration_no: str | None = None
    uscc: str | None = None
    info: str | list[str] | None = None


class DatesSection(_Section):
    start: Literal[ORDERS] | None = None  # type: ignore[valid-type]
    end: Literal[ORDERS] | None = None  # type: ignore[valid-type]
    notice: Literal[ORDERS] | None = None  # type: ignore[valid-type]
    default: Literal[ORDERS] | None = None  # type: ignore[valid-type]


class ValuesSection(_Section):
    no_end: list[str] = []
    firm: list[str] = ["firm", "entity", "company", "organisation", "organization", "enterprise", "企业", "单位"]
    individual: list[str] = ["individual", "person", "natural person", "个人", "自然人"]
    honorifics: list[str] = []
    note_marker: str = r"\*\s?\d+\b"

    @field_validator("note_marker")
    @classmethod
    def _regex(cls, v: str) -> str:
        re.compile(v)
        return v


class ExtractRule(_Section):
    from_: str = Field(alias="from")
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _groups(cls, v: str) -> str:
        try:
            compiled = re.compile(v)
        except re.error as e:
            raise ValueError(f"not a regular expression ({e})") from None
        if not compiled.groupindex:
            raise ValueError(f"{v!r} has no named group; use (?P<name>…) with one of: {', '.join(GROUPS)}")
        for g in compiled.groupindex:
            if g not in GROUPS:
                near = difflib.get_close_matches(g, GROUPS, n=1)
                raise ValueError(f"unknown group (?P<{g}>…)" + (f"; did you mean {near[0]}?" if near else "")
                                 + f" (known: {', '.join(GROUPS)})")
        return v


class Mapping(_Section):
    list: ListSection
    read: ReadSection = ReadSection()
    columns: ColumnsSection
    dates: DatesSection = DatesSection()
    values: ValuesSection = ValuesSection()
    measures: dict[str, str] = {}  # the list's own words -> a vocabulary measure (code, zh or en)
    extract: list[ExtractRule] = []

    @model_validator(mode="after")
    def _consistent(self) -> "Mapping":
        fields = {k for k, v in self.columns.model_dump().items() if v}
        for n, rule in enumerate(self.extract, 1):
            if rule.from_ not in fields:
                near = difflib.get_close_matches(rule.from_, sorted(fields), n=1)
                raise ValueError(f"[[extract]] number {n}: from = {rule.from_!r} is not a field of [columns]"
                                 + (f"; did you mean {near[0]}?" if near else "") + f" (set: {', '.join(sorted(fields))})")
        for word, target in self.measures.items():
            if measure_term(target) is None:
                raise ValueError(f"[measures] {word!r} = {target!r}: not a measure of graph/vocabulary.toml "
                                 f"(codes: {', '.join(t.code for t in MEASURES)})")
        if self.list.measure and not measure_term(self.list.measure) and not self.list.measure.strip():
            raise ValueError("[list] measure is empty")
        return self

    # --- what the reader uses ------------------------------------------------------------------
    def order(self, field: str) -> str | None:
        return getattr(self.dates, field, None) or self.dates.default

    def no_end_words(self) -> set[str]:
        return {" ".join(w.split()).lower().rstrip(".") for w in (*NO_END_WORDS, *self.values.no_end)}

    def honorifics(self) -> tuple[str, ...]:
        return tuple(h.upper().rstrip(".") for h in (*HONORIFICS, *self.values.honorifics))

    def note_patterns(self) -> list[re.Pattern]:
        return [re.compile(p, re.IGNORECASE) for p in (*DEFAULT_NOTES, *self.read.notes)]

    def marker(self) -> re.Pattern:
        return re.compile(self.values.note_marker)

    def patterns(self, field: str) -> list[re.Pattern]:
        return [re.compile(r.pattern) for r in self.extract if r.from_ == field]

    def measure_for(self, word: str | None) -> str | None:
        """The measure stored for a row's measure cell (None: not in [measures])."""
        key = " ".join((word or "").split()).lower()
        for w, target in self.measures.items():
            if " ".join(w.split()).lower() == key:
                return stored_measure(target)
        return None


def measure_term(text: str):
    """The vocabulary measure a mapping names by its code, its Chinese or its English name."""
    t = " ".join(str(text).split()).lower()
    for m in MEASURES:
        if t in (m.code.lower(), m.zh.lower(), (m.en or "").lower()):
            return m
    return None


def stored_measure(text: str) -> str:
    """The measure as entries store it: ``zh / en`` of the vocabulary term, or the text as given."""
    m = measure_term(text)
    return f"{m.zh} / {m.en}" if m else text


# --- reading and explaining ---------------------------------------------------------------------------

_SECTIONS = {"list": ListSection, "read": ReadSection, "columns": ColumnsSection, "dates": DatesSection,
             "values": ValuesSection, "extract": ExtractRule}


def _allowed(loc: tuple) -> list[str]:
    """The keys allowed where ``loc`` (a key's path) stands."""
    if len(loc) <= 1:
        return list(Mapping.model_fields)
    model = _SECTIONS.get(str(loc[0]))
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _where(loc: tuple) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "extract" and len(parts) > 1 and parts[1].isdigit():
        return f"[[extract]] number {int(parts[1]) + 1}" + (f" {'.'.join(parts[2:])}" if parts[2:] else "")
    if len(parts) == 1:
        return f"[{parts[0]}]"
    return f"[{parts[0]}] {'.'.join(parts[1:])}"


def explain(error: ValidationError, file: str) -> str:
    """The mapping's errors in one line: each unknown key with where it stands and the key it most
    likely meant, each missing or wrong value with its place."""
    unknown: dict[tuple, list[str]] = {}
    out = []
    for e in error.errors():
        loc = tuple(e["loc"])
        if e["type"] == "extra_forbidden":
            unknown.setdefault(loc[:-1], []).append(str(loc[-1]))
        elif e["type"] == "missing":
            out.append(f"{_where(loc)} is required")
        else:
            out.append(f"{_where(loc) if loc else 'mapping'}: {e['msg'].removeprefix('Value error, ')}")
    for parent, keys in unknown.items():
        allowed = _allowed((*parent, "_"))
        hints = []
        for key in keys:
            near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
            hints.append(f"{key!r}: did you mean {near[0]!r}?" if near else f"{key!r}: no key like it")
        where = "at the top level" if not parent else f"in {_where(parent)}"
        out.insert(0, f"unknown fields {where}: {', '.join(keys)} ({'; '.join(hints)}; known: {', '.join(allowed)})")
    return f"mapping {file}: " + "; ".join(out)


def read_mapping(path: Path) -> Mapping:
    """The mapping at ``path`` (``.toml``, ``.yaml`` or ``.yml``), validated."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InvalidInput(f"mapping {path.name} cannot be read: {e}") from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            raw = yaml.safe_load(text)
        else:
            raw = tomllib.loads(text)
    except Exception as e:  # both parsers' errors, said the same way
        raise InvalidInput(f"mapping {path.name} cannot be read: {e}") from None
    if not isinstance(raw, dict):
        raise InvalidInput(f"mapping {path.name}: expected sections [list], [read], [columns]")
    if isinstance(raw.get("list"), dict) and not raw["list"].get("id"):
        raise InvalidInput(f"mapping {path.name}: [list] needs an id (stable across editions)")
    try:
        return Mapping.model_validate(raw)
    except ValidationError as e:
        raise InvalidInput(explain(e, path.name)) from None
