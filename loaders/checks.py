"""Checks on whole rows that no one column's validation makes: control characters, and a key seen
twice with different values.

Control characters are refused, not stripped. A NUL byte in a name means binary data or a UTF-16
file read as UTF-8, and other control characters (and the bidirectional overrides) make two names
that print alike differ, or a name print as something it is not: a person should see such a row,
so it goes to the rejects file with the column and the character named, unchanged. Tab, line feed
and carriage return are text and pass.

A table's rows are upserts keyed by their ids, so a second row with the same key and other values
would silently overwrite the first. :class:`Seen` keeps, per key, one number: a hash of the row and
the first row's position (a Python int, about 100 bytes a key with the dict's own share, where it
kept the row's cells' hashes before, ~420 bytes). A later row of the same key that differs is
refused; which columns differ, and the first row's line, are found by reading the table a second
time, for the refused rows only, once the table is read (:meth:`Seen.explain`). A repeat with the
same values is harmless and loads.
"""

from __future__ import annotations

import re
from operator import itemgetter

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMES = {0: "NUL", 0x7F: "DEL", 0x1B: "ESC", 0x202E: "RIGHT-TO-LEFT OVERRIDE", 0x202D: "LEFT-TO-RIGHT OVERRIDE"}


def control_problem(row: dict) -> str | None:
    """Why the row's cells may not be loaded as text, or None."""
    # One look over all the cells (joined by a space, which no rule refuses) for the common clean row: every
    # character _CONTROL refuses is a control or format character, which str.isprintable is false for (a
    # test holds it to that), so printable text needs no search; a tab or line feed in it (text) does.
    try:
        text = " ".join(row.values())  # a row of text only (any CSV row): no copy of the values
    except TypeError:
        text = " ".join([v for v in row.values() if isinstance(v, str)])
    if text.isprintable() or not _CONTROL.search(text):
        return None
    for column, value in row.items():
        if not isinstance(value, str) or str(column).startswith("_"):
            continue
        m = _CONTROL.search(value)
        if m:
            code = ord(m.group())
            what = f"U+{code:04X}" + (f" ({_NAMES[code]})" if code in _NAMES else "")
            hint = ": binary data, or a UTF-16 file read as UTF-8?" if code == 0 else \
                ": invisible characters that make look-alike text are not loaded"
            return f"{column}: contains the control character {what}{hint}"
    return None


def header_problem(header: list[str]) -> str | None:
    """Why a file's column names may not become property names (a control character in one), or None."""
    for i, name in enumerate(header, start=1):
        m = _CONTROL.search(str(name))
        if m:
            code = ord(m.group())
            what = f"U+{code:04X}" + (f" ({_NAMES[code]})" if code in _NAMES else "")
            return f"line 1, column {i}: the column name {str(name)!r} contains the control character {what}"
    return None


#: The columns that identify a row of each table (after building: person ids already pseudonymised),
#: and the columns that may differ between rows of one key (a decision or award naming several subjects,
#: a tender with several winners: each row adds its own relationship).
KEYS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "enterprises": (("uscc",), frozenset()),
    "persons": (("person_id",), frozenset()),
    "projects": (("project_code",), frozenset()),
    "qualifications": (("cert_no",), frozenset()),
    "tenders": (("tender_no",), frozenset({"winner_uscc", "winning_price"})),  # one row per winner
    "awards": (("award_id",), frozenset({"subject_key", "subject_id", "subject_type"})),
    "penalties": (("penalty_id",), frozenset({"subject_key", "subject_id", "subject_type"})),
    "registrations": (("person_id", "uscc", "reg_type"), frozenset()),
    "participations": (("project_code", "uscc", "role"), frozenset()),
    "project_staff": (("project_code", "person_id", "role"), frozenset()),
    "bids": (("tender_no", "uscc"), frozenset()),
    "subcontracts": (("from_uscc", "to_uscc", "project_code"), frozenset()),
    "shareholdings": (("holder_key", "uscc"), frozenset()),
    "contracts": (("contract_id",), frozenset()),
    "drawing_reviews": (("review_no",), frozenset()),
    "permits": (("permit_no",), frozenset()),
    "completions": (("completion_no",), frozenset()),
    "performances": (("perf_no",), frozenset()),
    "stage_parties": (("stage", "stage_key", "uscc", "role"), frozenset()),
    "stage_people": (("stage", "stage_key", "person_id", "role"), frozenset()),
}


#: What :meth:`Seen.check` says of a row: a key not met before, the same key again (the same values,
#: or other values only in the columns that may differ), or a conflict (refused).
NEW, AGAIN, CONFLICT = "new", "again", "conflict"
_LOW = (1 << 64) - 1


def _pairs(row: dict, free: frozenset[str]) -> list[tuple]:
    pairs = [(k, v) for k, v in row.items() if v is not None and v != "" and k != "props" and k not in free]
    pairs += [(k, v) for k, v in row["props"].items() if k not in free]
    return pairs


class Seen:
    """The keys of one table met so far (see the module doc)."""

    def __init__(self, table: str):
        self.key, self.free = KEYS[table]
        # hash of the key -> (position of its first row << 64) | hash of that row's values
        self.first: dict[int, int] = {}
        # the key's values as a tuple (itemgetter gives one key's value bare), made in C
        get = itemgetter(*self.key)
        self._key_of = get if len(self.key) > 1 else lambda row: (get(row),)

    def check(self, n: int, row: dict) -> tuple[str, int]:
        """Whether the row at position ``n`` (the table's n-th row read, from 1) may load: (NEW, n),
        (AGAIN, first) or (CONFLICT, first), ``first`` the position of the key's first row."""
        try:
            key = hash(self._key_of(row))
        except KeyError:  # a key column missing: None, as row.get gives
            key = hash(tuple([row.get(k) for k in self.key]))
        if self.free:
            whole = hash(frozenset(_pairs(row, self.free))) & _LOW
        else:  # _pairs inlined, for the common table whose every column counts
            pairs = [(k, v) for k, v in row.items() if v is not None and v != "" and k != "props"]
            pairs += row["props"].items()
            whole = hash(frozenset(pairs)) & _LOW
        earlier = self.first.get(key)
        if earlier is None:
            self.first[key] = (n << 64) | whole
            return NEW, n
        first = earlier >> 64
        return (AGAIN if earlier & _LOW == whole else CONFLICT), first

    def explain(self, first_line, first_row: dict, row: dict) -> str:
        """Why ``row`` is refused: the columns in which it differs from its key's first row (found
        again by a second read), at ``first_line``."""
        pairs = _pairs(row, self.free)
        first_cells = {hash(p) for p in _pairs(first_row, self.free)}
        n_first = len(_pairs(first_row, self.free))
        differ = [k for k, v in pairs if hash((k, v)) not in first_cells]
        if n_first - (len(pairs) - len(differ)) > len(differ):  # more of the first row's cells unmatched
            differ.append("a value left empty")
        return (f"the same {' + '.join(self.key)} as line {first_line} with other values "
                f"({', '.join(differ)}): the first row is kept, this one is not loaded")
