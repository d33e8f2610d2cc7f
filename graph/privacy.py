"""The one privacy filter: what may never leave chengxin in full, and the function that hides it.

Applied in the database layer to every result (:meth:`graph.db.Graph.run`, the console's
runner), and by every other place text leaves the process: exports, rejects files, the access
log. Rules:

- **Private properties** (:data:`PRIVATE_PROPERTIES`) are dropped from every node, relationship
  and map: the masked ID number and its keyed hash.
- **ID-card numbers** anywhere in a string (a name, a description, an unknown extra column, a
  person id with an impossible birth date): any 18-character shape ``17 digits + digit or X`` that
  starts with a province code (GB 11643-1999: 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81–83),
  with or without a valid check digit or birth date, is masked as ``3601************34``. A firm's
  all-digit USCC (GB 32100-2015) stays readable, since a firm's key must: most start with 9 (firms
  registered by market regulators), which no ID number does; one that starts like an ID number is
  kept only when it passes the USCC check character and fails the ID-card check digit.
- **Keyed hashes** of ID numbers (64 hex digits) are replaced by ``[redacted]`` wherever they
  appear, so ``RETURN p.id_number_hash`` or ``[k IN keys(p) | p[k]]`` shows nothing.
"""

from __future__ import annotations

import re
from typing import Any

PRIVATE_PROPERTIES = frozenset({"id_number", "id_number_hash"})
REDACTED = "[redacted]"

_ID_SHAPE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_HASH = re.compile(r"(?<![0-9A-Fa-f])[0-9a-f]{64}(?![0-9A-Fa-f])")

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _uscc_ok(code: str) -> bool:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code, _USCC_WEIGHTS))
    return code[17] == _USCC_CHARS[(31 - total % 31) % 31]


def _id_ok(code: str) -> bool:
    return code[17] == _ID_CHECK[sum(int(c) * w for c, w in zip(code, _ID_WEIGHTS)) % 11]


_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


def is_id_number_shape(code: str) -> bool:
    """True for an 18-character ID-number shape that is not a firm's USCC (see the module doc)."""
    code = code.upper()
    if not _ID_SHAPE.fullmatch(code) or code[:2] not in _PROVINCES:
        return False
    return _id_ok(code) or not _uscc_ok(code)


def mask_number(code: str) -> str:
    """``360102199001011234`` -> ``3601************34``."""
    return code[:4] + "*" * (len(code) - 6) + code[-2:]


def _mask_match(m: re.Match) -> str:
    code = m.group(1)
    return mask_number(code) if is_id_number_shape(code) else code


def mask_text(text: str) -> str:
    """The text with every ID-number shape masked and every keyed hash redacted."""
    if len(text) < 18:
        return text
    text = _ID_SHAPE.sub(_mask_match, text)
    if len(text) >= 64:
        text = _HASH.sub(REDACTED, text)
    return text


def redact(value: Any) -> Any:
    """``value`` (plain data: dicts, lists, strings …) with private properties dropped and ID
    numbers and hashes masked in every string, keys of maps included."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {mask_text(k) if isinstance(k, str) else k: redact(v)
                for k, v in value.items() if k not in PRIVATE_PROPERTIES}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    return value
