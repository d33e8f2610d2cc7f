"""Checks on whole rows that no one column's validation makes: control characters, and a key seen
twice with different values.

Control characters are refused, not stripped. A NUL byte in a name means binary data or a UTF-16
file read as UTF-8, and other control characters (and the bidirectional overrides) make two names
that print alike differ, or a name print as something it is not: a person should see such a row,
so it goes to the rejects file with the column and the character named, unchanged. Tab, line feed
and carriage return are text and pass.

A table's rows are upserts keyed by their ids, so a second row with the same key and other values
would silently overwrite the first. :class:`Seen` keeps, per key, the first row's line and a hash of
each of its columns (a few bytes a row, not the row), and refuses a later row that differs, naming the
columns; a repeat with the same values is harmless and loads.
"""

from __future__ import annotations

import re
import struct

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMES = {0: "NUL", 0x7F: "DEL", 0x1B: "ESC", 0x202E: "RIGHT-TO-LEFT OVERRIDE", 0x202D: "LEFT-TO-RIGHT OVERRIDE"}


def control_problem(row: dict) -> str | None:
    """Why the row's cells may not be loaded as text, or None."""
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
}


class Seen:
    """The keys of one table met so far (see the module doc)."""

    def __init__(self, table: str):
        self.key, self.free = KEYS[table]
        self.columns: dict[str, int] = {}  # column -> position in the packed hashes
        self.first: dict[int, tuple[int, bytes]] = {}  # hash of the key -> (line, packed column hashes)

    def check(self, line: int, row: dict) -> str | None:
        """None if the row may load; else why not (a conflict with an earlier row of the same key)."""
        flat = {k: v for k, v in row.items() if k != "props" and v not in (None, "")}
        flat.update({k: v for k, v in row["props"].items() if v not in (None, "")})
        key = hash(tuple(str(flat.get(k)) for k in self.key))
        for k in flat:
            if k not in self.columns and k not in self.free:
                self.columns[k] = len(self.columns)
        hashes = [0] * len(self.columns)
        for k, v in flat.items():
            if k not in self.free:
                hashes[self.columns[k]] = hash((k, str(v))) & 0xFFFFFFFF or 1
        packed = struct.pack(f"{len(hashes)}I", *hashes)
        earlier = self.first.get(key)
        if earlier is None:
            self.first[key] = (line, packed)
            return None
        first_line, first = earlier
        if first == packed[:len(first)] and not any(packed[len(first):]):
            return None  # the same row again
        a = struct.unpack(f"{len(first) // 4}I", first)
        names = {i: k for k, i in self.columns.items()}
        differ = [names[i] for i, h in enumerate(hashes) if (a[i] if i < len(a) else 0) != h]
        return (f"the same {' + '.join(self.key)} as line {first_line} with other values "
                f"({', '.join(differ)}): the first row is kept, this one is not loaded")
