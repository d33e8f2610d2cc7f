"""The domain's vocabulary, each term once: enterprise types, qualification categories,
participation roles, project staff roles, registration types and penalty measures.

The terms are data (``vocabulary.toml`` beside this module), loaded and checked once. Each has a
stable ``code``, the Chinese name the data carries (``zh``) and an English name (``en``), so a page
can render either. The rules that hang on a term (which roles need which qualification, which
measures ban bidding, a measure's risk points) are written on the term, and the constants below
are derived from them; :mod:`graph.integrity`, :mod:`graph.eligibility`, :mod:`graph.flags`, the
settings' defaults, the row models and the sample generator all read them from here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Term:
    code: str
    zh: str
    en: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def get(self, key: str, default=None):
        return self.extra.get(key, default)

    def render(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


GROUPS = ("enterprise_types", "qualification_categories", "participation_roles", "staff_roles",
          "registration_types", "measures", "stage_roles")


def _load() -> tuple[dict[str, tuple[Term, ...]], dict]:
    raw = tomllib.loads(resources.files(__package__).joinpath("vocabulary.toml").read_text("utf-8"))
    groups: dict[str, tuple[Term, ...]] = {}
    for group in GROUPS:
        terms = []
        for item in raw.get(group, []):
            item = dict(item)
            try:
                code, zh, en = item.pop("code"), item.pop("zh"), item.pop("en")
            except KeyError as e:
                raise ValueError(f"vocabulary.toml: a term of [{group}] has no {e.args[0]}") from None
            terms.append(Term(code, zh, en, item))
        for attr in ("code", "zh", "en"):
            values = [getattr(t, attr) for t in terms]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"vocabulary.toml: [{group}] repeats {attr} {', '.join(dupes)}")
        groups[group] = tuple(terms)
    categories = {t.code for t in groups["qualification_categories"]}
    for t in groups["participation_roles"] + groups["enterprise_types"]:
        unknown = set(t.get("qualifications", []) + ([t.get("qualification")] if t.get("qualification") else [])) - categories
        if unknown:
            raise ValueError(f"vocabulary.toml: {t.code} names unknown categories {', '.join(sorted(unknown))}")
    return groups, raw.get("measure_defaults", {})


_GROUPS, _MEASURE_DEFAULTS = _load()


def _authority_levels() -> dict[str, tuple[str, ...]]:
    raw = tomllib.loads(resources.files(__package__).joinpath("vocabulary.toml").read_text("utf-8"))
    return {level: tuple(words) for level, words in raw.get("authority_levels", {}).items()}


#: Words naming authorities of a level beyond the name-based rule (``international``: development banks …).
AUTHORITY_LEVELS: dict[str, tuple[str, ...]] = _authority_levels()

ENTERPRISE_TYPES: tuple[Term, ...] = _GROUPS["enterprise_types"]
QUALIFICATION_CATEGORIES: tuple[Term, ...] = _GROUPS["qualification_categories"]
PARTICIPATION_ROLES: tuple[Term, ...] = _GROUPS["participation_roles"]
STAFF_ROLES: tuple[Term, ...] = _GROUPS["staff_roles"]
REGISTRATION_TYPES: tuple[Term, ...] = _GROUPS["registration_types"]
MEASURES: tuple[Term, ...] = _GROUPS["measures"]
STAGE_ROLES: tuple[Term, ...] = _GROUPS["stage_roles"]


def terms(group: str) -> tuple[Term, ...]:
    if group not in _GROUPS:
        raise KeyError(f"no vocabulary group {group!r} (known: {', '.join(GROUPS)})")
    return _GROUPS[group]


def term(group: str, code_or_zh: str | None) -> Term | None:
    """The term of ``group`` whose code or Chinese name is ``code_or_zh``."""
    for t in terms(group):
        if code_or_zh in (t.code, t.zh):
            return t
    return None


def zh(group: str, code: str) -> str:
    """The Chinese name (the value in the data) of a term known by its code; KeyError if none."""
    for t in terms(group):
        if t.code == code:
            return t.zh
    raise KeyError(f"no {group} term with code {code!r}")


def names(group: str) -> tuple[str, ...]:
    """The Chinese names of a group, in its order."""
    return tuple(t.zh for t in terms(group))


def render(group: str, value: str | None, lang: str = "zh") -> str | None:
    """A value of the data in the language asked for (unknown values as they are)."""
    t = term(group, value)
    return t.render(lang) if t else value


#: code -> Chinese name, per group, for code that writes the data (the sample, the planted cases).
ETYPE = {t.code: t.zh for t in ENTERPRISE_TYPES}
CATEGORY = {t.code: t.zh for t in QUALIFICATION_CATEGORIES}
ROLE = {t.code: t.zh for t in PARTICIPATION_ROLES}
STAFF = {t.code: t.zh for t in STAFF_ROLES}
REGISTRATION = {t.code: t.zh for t in REGISTRATION_TYPES}

# --- enterprise types -------------------------------------------------------------------------

ENTERPRISE_TYPE_NAMES = names("enterprise_types")
#: Enterprise types that need a valid qualification (graph.eligibility).
NEEDS_QUALIFICATION = frozenset(t.zh for t in ENTERPRISE_TYPES if t.get("needs_qualification"))
#: Enterprise type -> the qualification category such a firm holds.
TYPE_QUALIFICATION = {t.zh: CATEGORY[t.get("qualification")] for t in ENTERPRISE_TYPES if t.get("qualification")}

# --- roles --------------------------------------------------------------------------------------

ROLE_NAMES = names("participation_roles")
#: Participation role -> the qualification categories that allow it (any one suffices).
ROLE_QUALIFICATIONS: dict[str, tuple[str, ...]] = {
    r.zh: tuple(zh("qualification_categories", c) for c in r.get("qualifications"))
    for r in PARTICIPATION_ROLES if r.get("qualifications")
}
#: The role of a subcontractor whose participation does not name one.
SUBCONTRACT_DEFAULT_ROLE = next(r.zh for r in PARTICIPATION_ROLES if r.get("subcontract_default"))
#: OCDS party roles -> participation roles.
OCDS_ROLES = {r.get("ocds"): r.zh for r in PARTICIPATION_ROLES if r.get("ocds")}

PROJECT_MANAGER = zh("staff_roles", "project_manager")


def _code_of(group: str, value: str | None, words: bool = False) -> str | None:
    """The code of the term of ``group`` whose code, Chinese name (or, ``words``, one of its words) is
    ``value``; None if none is."""
    if value is None:
        return None
    value = value.strip()
    for t in terms(group):
        if value in (t.code, t.zh) or (words and value in (t.get("words") or ())):
            return t.code
    return None


#: The codes of the roles a firm takes on a stage of a project's life (PARTY_TO.role).
STAGE_ROLE_CODES = tuple(t.code for t in STAGE_ROLES)
#: The codes of the roles a person is named in on a stage (NAMED_ON.role).
STAFF_ROLE_CODES = tuple(t.code for t in STAFF_ROLES)


def stage_role(value: str | None) -> str | None:
    """A stage role's code from its code, Chinese name or one of its words (建设单位, 发包单位 -> owner)."""
    return _code_of("stage_roles", value, words=True)


def staff_role(value: str | None) -> str | None:
    """A staff role's code from its code or Chinese name (项目经理 -> project_manager)."""
    return _code_of("staff_roles", value)


def role_rank(role: str | None) -> int:
    """Where a participation role sorts on a project page (unknown roles last)."""
    return ROLE_NAMES.index(role) if role in ROLE_NAMES else len(ROLE_NAMES)


def needs_param() -> list[dict]:
    """The role -> categories table as a Cypher parameter ``[{role, categories}]``."""
    return [{"role": r, "categories": list(c)} for r, c in ROLE_QUALIFICATIONS.items()]


# --- measures -----------------------------------------------------------------------------------

def _words(t: Term) -> tuple[str, ...]:
    return tuple(t.get("words") or [t.zh])


def measure_words(flag: str) -> tuple[str, ...]:
    """Every word that identifies a measure with ``flag`` set (restrictive, bans_bidding, loss_of_standing)."""
    return tuple(w for t in MEASURES if t.get(flag) for w in _words(t))


#: Measures that take away the right to bid or to work.
RESTRICTIVE = measure_words("restrictive")
#: Measures that take away the right to bid (red flag 3 and bidding eligibility).
BID_BANS = measure_words("bans_bidding")
#: Measures by which a firm loses its standing altogether (red flag 6, phoenix firms).
LOSS_OF_STANDING = measure_words("loss_of_standing")
#: The measure a sanctions list's entries carry when the list does not say.
LIST_DEFAULT_MEASURE = f"{zh('measures', 'blacklisting')} / {term('measures', 'blacklisting').en}"


def measure_of(text: str | None) -> Term | None:
    """The first measure term (in vocabulary order) one of whose words occurs in ``text``."""
    if not text:
        return None
    for t in MEASURES:
        if any(w in text for w in _words(t)):
            return t
    return None


def risk_measure_points() -> dict[str, float]:
    """The risk score's default points per measure word (first word found wins; ``*`` any other)."""
    points = {w: t.get("risk_points") for t in MEASURES if t.get("risk_points") is not None for w in _words(t)}
    points["*"] = _MEASURE_DEFAULTS.get("other_risk_points", 5)
    return points
