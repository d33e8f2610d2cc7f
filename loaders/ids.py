"""Identifiers: the USCC check character (GB 32100-2015), ID-card numbers (GB 11643-1999)
masked for display and replaced by a keyed pseudonym wherever they would be a key.

An ID-card number is never stored: a person id that is one becomes ``P`` + 16 hex digits of
HMAC-SHA256 under the installation's secret (``CHENGXIN_ID_SALT`` or ``HOME/id-salt``), so the
same number gives the same id on every load, and the number cannot be read back from it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(rf"^[{USCC_CHARS}]{{18}}$")
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARS)}

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


@lru_cache(maxsize=1 << 16)  # a load checks the same firms again in every relationship table
def uscc_problem(code: str) -> str | None:
    """None if ``code`` is a valid USCC, else what is wrong with it."""
    if len(code) != 18:
        return f"must be 18 characters, got {len(code)}"
    if not _USCC.match(code):
        bad = sorted({c for c in code if c not in USCC_CHARS})
        return f"has characters not used in a USCC: {''.join(bad)} (I, O, S, V, Z are never used)"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"check character should be {expected}, got {code[17]}"
    return None


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def looks_like_id_number(value: str) -> bool:
    """True for anything shaped like an ID-card number with a plausible birth date. The check
    digit is not required: a mistyped number is still somebody's number and must be protected."""
    v = value.strip().upper()
    if _ID18.match(v):
        birth = v[6:14]
    elif _ID15.match(v):
        birth = "19" + v[6:12]
    else:
        return False
    try:
        import datetime as _dt

        year = int(birth[:4])
        _dt.date(year, int(birth[4:6]), int(birth[6:8]))
        return 1900 <= year <= 2099
    except ValueError:
        return False


def mask_id(value: str | None) -> str | None:
    """``360102199001011234`` -> ``3601************34``: never the whole number."""
    if not value:
        return value
    v = value.strip()
    if len(v) <= 6:
        return "*" * len(v)
    return v[:4] + "*" * (len(v) - 6) + v[-2:]


class Pseudonyms:
    """Keyed pseudonyms for ID-card numbers."""

    def __init__(self, key: bytes):
        self._key = key

    @classmethod
    def for_settings(cls, settings) -> "Pseudonyms":
        if settings.id_salt is not None:
            return cls(settings.id_salt.get_secret_value().encode("utf-8"))
        path = Path(settings.home_path) / "id-salt"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_hex(32))
        return cls(path.read_text("utf-8").strip().encode("utf-8"))

    def digest(self, id_number: str) -> str:
        return hmac.new(self._key, id_number.strip().upper().encode(), hashlib.sha256).hexdigest()

    def person_key(self, raw: str) -> str:
        """The person id to store: unchanged, unless it is an ID-card number."""
        raw = raw.strip()
        if looks_like_id_number(raw):
            return "P" + self.digest(raw)[:16].upper()
        return raw
