"""The cells of a sanctions list as published: dates in any of the shapes lists use, open ends, named
parts of a mixed cell, honorifics, and an entry's own identity.

Everything here is a pure function of a cell and the mapping's declarations (``loaders/list_mapping.py``);
a cell that cannot be read raises ``ValueError`` with a reason the rejects file can carry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from chengxin.graph.names import fold, identity_key

from .ids import uscc_problem

#: Orders a date written with slashes (``03/07/2024``) may be declared in.
ORDERS = ("day_first", "month_first", "year_first")
#: Excel's day 0 (its serial numbers count from 1900-01-00 with the 1900 leap-year bug, so from 1899-12-30).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serial numbers taken as Excel dates: 1954-10-12 to 2119-01-15; a bare number outside is not a date.
SERIAL_RANGE = (20000, 80000)
#: An end on or after this year is a sentinel for "no end" (2999-12-31, 9999-12-31).
SENTINEL_YEAR = 2900
#: Words that mean a measure has no end, whatever the mapping adds.
NO_END_WORDS = ("ongoing", "permanent", "permanently", "indefinite", "indefinitely", "until further notice",
                "open-ended", "open ended", "no end date", "长期", "永久", "无限期")

_MONTHS = {m: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), 1) for m in names}
_MONTH = r"([A-Za-z]{3,9})\.?"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_CJK = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")
_NAMED_MDY = re.compile(r"^" + _MONTH + r"\s+(\d{1,2}),?\s+(\d{4})$")  # Jul 03, 2024
_NAMED_DMY = re.compile(r"^(\d{1,2})[\s-]+" + _MONTH + r"[\s,-]+(\d{4})$")  # 03 Jul 2024, 3-Jul-2024
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


def _real(y: int, m: int, d: int, raw) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise ValueError(f"not a real date: {raw!r}") from None


def _month(word: str, raw) -> int:
    m = _MONTHS.get(word.lower())
    if m is None:
        raise ValueError(f"not a month name in {raw!r}")
    return m


def parse_date(value, order: str | None = None) -> dt.date:
    """A date from a list's cell: a date cell, an Excel serial, ISO (with a time), ``2024/07/03``,
    ``2024年7月3日``, ``20240703``, ``03.07.2024`` (day first), ``Jul 03, 2024``, ``3 Jul 2024``, or
    ``03/07/2024`` read in the ``order`` the mapping declares (without one, a slashed date whose day and
    month could be swapped is refused as ambiguous)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        if 19000101 <= value <= 29991231 and float(value).is_integer():
            value = str(int(value))
        else:
            raise ValueError(f"not a date: the number {value!r}")
    s = " ".join(str(value).split())
    if m := _ISO.match(s) or _YMD_SLASH.match(s) or _CJK.match(s) or _COMPACT.match(s):
        return _real(int(m.group(1)), int(m.group(2)), int(m.group(3)), value)
    if m := _DOTTED.match(s):
        return _real(int(m.group(3)), int(m.group(2)), int(m.group(1)), value)
    if m := _NAMED_MDY.match(s):
        return _real(int(m.group(3)), _month(m.group(1), value), int(m.group(2)), value)
    if m := _NAMED_DMY.match(s):
        return _real(int(m.group(3)), _month(m.group(2), value), int(m.group(1)), value)
    if m := _SLASHED.match(s):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if order == "day_first":
            return _real(y, b, a, value)
        if order == "month_first":
            return _real(y, a, b, value)
        if a > 12 >= b:
            return _real(y, b, a, value)
        if b > 12 >= a:
            return _real(y, a, b, value)
        if a == b:
            return _real(y, a, b, value)
        raise ValueError(f"ambiguous date {value!r}: day or month first? declare it in the mapping's "
                         "[dates] (day_first or month_first)")
    if _SERIAL.match(s):
        return parse_date(float(s), order)
    raise ValueError(f"not a date: {value!r} (read: date cells, Excel serials, ISO, 2024/07/03, 20240703, "
                     "03.07.2024, Jul 03, 2024, 03/07/2024 with the order declared in [dates])")


def is_open_end(value, words: set[str]) -> bool:
    """The end cell says the measure has no end: a word of the list's or :data:`NO_END_WORDS`."""
    if isinstance(value, str):
        return " ".join(value.split()).lower().rstrip(".") in words
    return False


def parse_end(value, order: str | None, words: set[str]) -> dt.date | None:
    """An end date, or None for an open end (a word, or a sentinel date from :data:`SENTINEL_YEAR` on)."""
    if value is None or (isinstance(value, str) and not value.strip()) or is_open_end(value, words):
        return None
    day = parse_date(value, order)
    return None if day.year >= SENTINEL_YEAR else day


# --- names and mixed cells ------------------------------------------------------------------------

#: Honorifics that mark a person's name (upper-cased, without the dot).
HONORIFICS = ("MR", "MRS", "MS", "MISS", "DR", "PROF", "SIR", "MME", "MLLE", "SR", "SRA", "SRTA", "HERR", "FRAU",
              "ENG", "ING")
_HONORIFIC = re.compile(r"^\s*(" + "|".join(HONORIFICS) + r")\.?\s+(?=\S)", re.IGNORECASE)


#: Words of a firm's name: "MS Gul Construction Co." is a firm (M/S, Messrs), not Ms Gul.
_FIRM_WORDS = re.compile(r"\b(?:co|corp|corporation|company|ltd|limited|llc|inc|plc|gmbh|s\.?a|sarl|group|holdings?|"
                         r"construction|engineering|enterprises?|industries|trading|consult\w*|services|"
                         r"associates|partners|international|jsc|llp|pvt|bhd|tbk)\b\.?|公司|集团", re.IGNORECASE)


def honorific(name: str, extra: tuple[str, ...] = ()) -> str | None:
    """The honorific a person's name opens with (``MR.``, ``Ms``, ``Dr.``), or None (also when the
    rest of the name is a firm's: "MS Gul Construction Co.")."""
    if _FIRM_WORDS.search(name):
        return None
    m = _HONORIFIC.match(name)
    if m:
        return m.group(1).upper()
    head = name.strip().split(" ", 1)[0].rstrip(".").upper() if name.strip() else ""
    return head if head and head in {e.rstrip(".").upper() for e in extra} and " " in name.strip() else None


def strip_markers(text: str | None, marker: re.Pattern) -> str:
    """``text`` with the case-note markers (``*553``) taken out and its spaces and separators tidied."""
    if not text:
        return ""
    out = marker.sub(" ", str(text))
    return " ".join(out.split()).strip(" ;,/|-")


def extract(text: str, patterns: list[re.Pattern], marker: re.Pattern) -> dict[str, list[str]]:
    """Every named group of every pattern found in ``text`` (each pattern as often as it occurs), with
    case-note markers taken out of each value; a value that is only a marker is dropped."""
    found: dict[str, list[str]] = {}
    for pattern in patterns:
        for m in pattern.finditer(text or ""):
            for group, value in m.groupdict().items():
                value = strip_markers(value, marker)
                if value and re.search(r"[^\W\d_]|\d", value):
                    found.setdefault(group, [])
                    if value not in found[group]:
                        found[group].append(value)
    return found


def valid_uscc(value: str | None) -> str | None:
    """The value as a USCC when it is one (check character right), else None."""
    if not value:
        return None
    code = fold(value).upper().replace(" ", "")
    return code if len(code) == 18 and not uscc_problem(code) else None


# --- identity -------------------------------------------------------------------------------------

#: The parts of an entry that make its identity when the list has no key column: who (name, Chinese
#: name, kind), where (address, country), what register (registration number, USCC) and when (start, end).
IDENTITY = ("name", "name_zh", "entity_kind", "address", "country", "registration_no", "registered_uscc",
            "start", "end")


def entry_key(entry: dict) -> str:
    """An entry's own identity: 16 hex digits of a hash of :data:`IDENTITY` (never its line, never its
    name and start alone: one firm at two addresses, or in two countries, is two entries)."""
    parts = []
    for field in IDENTITY:
        v = entry.get(field)
        parts.append(v.isoformat() if isinstance(v, dt.date) else identity_key(str(v)) if v else "")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16].upper()


def clean_key(value) -> str:
    """A key column's value as part of a node key: folded, upper case, spaces made ``_``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "_", identity_key(str(value)))


def fingerprint(row: dict) -> str:
    """A hash of what the graph keeps of an entry, to tell an edition's changed entries from the same ones."""
    def norm(v):
        return v.isoformat() if isinstance(v, dt.date) else v
    text = repr(sorted((k, norm(v)) for k, v in row.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
