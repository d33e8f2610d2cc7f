"""The one privacy filter: what may never leave chengxin in full, and the function that hides it.

Applied in the database layer to every result (:meth:`graph.db.Graph.run`, the console's
runner), and by every other place text leaves the process: exports, rejects files, the access
log, and the loader as it stores text. Rules:

- **Private properties** (:data:`PRIVATE_PROPERTIES`) are dropped from every node, relationship
  and map: the masked ID number and its keyed hash.
- **ID-card numbers** anywhere in a string (a name, a description, an unknown extra column, a
  person id) are masked as ``3601************34``. A number is an ID number (GB 11643-1999) when it
  has all of: the shape, 17 digits and a digit or X; a province code as its first two digits (11–15,
  21–23, 31–37, 41–46, 50–54, 61–65, 71, 81–83); a plausible birth date at positions 7–14 (a real
  day from 1900-01-01 to today); and the right ISO 7064 MOD 11-2 check character. The shape alone is
  not enough: construction-permit numbers (``330106201905230101``: a region, a date, a sequence) and
  other public record numbers have it too, and only about one in eleven of them happens to pass the
  check. A firm's all-digit USCC (GB 32100-2015) stays readable, since a firm's key must: most start
  with 9, which no ID number does; one that is a valid ID number and also passes the USCC check
  character is still masked.
- **Record numbers**: the properties the model declares as the platform's public record numbers
  (``record_numbers`` of a label in ``graph/model.toml``: permit, contract record, drawing review,
  completion record and performance record numbers), the catalog's result columns that carry one
  under another name (``record_number_columns``), and the columns a row says hold the key of a node
  of such a label (``key`` and ``name`` beside ``label``, as a search hit; ``b`` beside ``b_label``,
  as an exported relationship) are never masked by shape, even when their digits pass every test above. Everywhere else, in free text too, a number
  that passes them is masked.
- **Keyed hashes** of ID numbers (64 hex digits) are replaced by ``[redacted]`` wherever they
  appear, so ``RETURN p.id_number_hash`` or ``[k IN keys(p) | p[k]]`` shows nothing.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import Any

from .model import get_model

PRIVATE_PROPERTIES = frozenset({"id_number", "id_number_hash"})
REDACTED = "[redacted]"

_ID_SHAPE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_HASH = re.compile(r"(?<![0-9A-Fa-f])[0-9a-f]{64}(?![0-9A-Fa-f])")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _id_ok(code: str) -> bool:
    return code[17] == _ID_CHECK[sum(int(c) * w for c, w in zip(code, _ID_WEIGHTS)) % 11]


_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


def _birth_date_ok(code: str) -> bool:
    try:
        born = _dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    return _dt.date(1900, 1, 1) <= born <= _dt.date.today()


def is_id_number_shape(code: str) -> bool:
    """True for an 18-character ``17 digits + digit or X`` shape with a province code: what a person id
    is taken to be before it is stored (:mod:`loaders.ids` pseudonymises it, a mistyped number too). For
    what is masked on the way out, see :func:`is_id_number`."""
    code = code.upper()
    return bool(_ID_SHAPE.fullmatch(code)) and code[:2] in _PROVINCES


def is_id_number(code: str) -> bool:
    """True for an ID-card number (see the module doc): shape, province, birth date and check character."""
    code = code.upper()
    return is_id_number_shape(code) and _birth_date_ok(code) and _id_ok(code)


def mask_number(code: str) -> str:
    """``360102199001011234`` -> ``3601************34``."""
    return code[:4] + "*" * (len(code) - 6) + code[-2:]


def _mask_match(m: re.Match) -> str:
    code = m.group(1)
    return mask_number(code) if is_id_number(code) else code


def mask_text(text: str) -> str:
    """The text with every ID number (:func:`is_id_number`) masked and every keyed hash redacted."""
    if len(text) < 18:
        return text
    text = _ID_SHAPE.sub(_mask_match, text)
    if len(text) >= 64:
        text = _HASH.sub(REDACTED, text)
    return text


@lru_cache(maxsize=1)
def _record_numbers() -> tuple[frozenset[str], frozenset[str]]:
    """(the keys never masked by shape, the labels whose rows keep their ``key`` and ``name``)."""
    model = get_model()
    fields = {f for spec in model.labels.values() for f in spec.record_numbers} | set(model.record_number_columns)
    labels = {spec.name for spec in model.labels.values() if spec.key in spec.record_numbers}
    return frozenset(fields), frozenset(labels)


def record_number_fields() -> frozenset[str]:
    """The properties and result columns that hold a public record number (never masked by shape)."""
    return _record_numbers()[0]


def is_record_number_field(name: str) -> bool:
    """Whether a property or result column holds a public record number (never masked by shape)."""
    return name in _record_numbers()[0]


def _keeps(value: dict) -> frozenset[str]:
    """The keys of a row kept as they are: the record-number fields, and the columns a row says are the key
    of a record-number label's node: ``key`` and ``name`` beside ``label``, ``b`` beside ``b_label``."""
    fields, labels = _record_numbers()
    extra = []
    for k, v in value.items():
        if isinstance(v, str) and v in labels and isinstance(k, str):
            if k == "label":
                extra += ["key", "name"]
            elif k.endswith("_label"):
                extra.append(k[: -len("_label")])
    return fields.union(extra) if extra else fields


def _record_number(value: Any) -> Any:
    """A record number as it is; a hash in its place is still redacted."""
    if isinstance(value, str):
        return _HASH.sub(REDACTED, value) if len(value) >= 64 else value
    if isinstance(value, (list, tuple)):
        return [_record_number(v) for v in value]
    return redact(value)


def redact(value: Any) -> Any:
    """``value`` (plain data: dicts, lists, strings …) with private properties dropped and ID
    numbers and hashes masked in every string, keys of maps included; record numbers (module doc)
    kept as they are."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        keep = _keeps(value)
        return {mask_text(k) if isinstance(k, str) else k: _record_number(v) if k in keep else redact(v)
                for k, v in value.items() if k not in PRIVATE_PROPERTIES}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    return value
