"""Identifiers: the USCC check character (GB 32100-2015), ID-card numbers (GB 11643-1999)
masked for display and replaced by a keyed pseudonym wherever they would be a key.

An ID-card number is never stored: a person id that is one becomes ``P`` + 16 hex digits of
HMAC-SHA256 under the installation's secret (``CHENGXIN_ID_SALT`` or ``HOME/id-salt``), so the
same number gives the same id on every load, and the number cannot be read back from it.
"""

from __future__ import annotations

import datetime as _dt
import hmac
import re
from functools import lru_cache
from pathlib import Path

from chengxin.graph.privacy import is_id_number_shape
from chengxin.graph.settings import secret_file

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


#: GB 32100-2015 position 1, the registration authority (登记管理部门), and the institution categories
#: (机构类别, position 2) each allows, as the code-assigning authorities publish them.
USCC_AUTHORITIES: dict[str, tuple[str, str]] = {
    "1": ("机构编制 (public-sector establishment)", "1239"),  # 机关, 事业单位, 中央编办管理的群众团体, 其他
    "2": ("外交 (foreign affairs)", "19"),                    # 外国常驻新闻机构, 其他
    "3": ("司法行政 (justice)", "123459"),                    # 律师事务所, 公证处, 基层法律服务所, 司法鉴定, 仲裁委员会, 其他
    "4": ("文化 (culture)", "19"),                            # 外国在华文化中心, 其他
    "5": ("民政 (civil affairs)", "1239"),                    # 社会团体, 民办非企业单位, 基金会, 其他
    "6": ("旅游 (tourism)", "129"),                           # 外国 / 港澳台旅游部门常驻代表机构, 其他
    "7": ("宗教 (religious affairs)", "129"),                 # 宗教活动场所, 宗教院校, 其他
    "8": ("工会 (trade unions)", "19"),                       # 基层工会, 其他
    "9": ("工商 / 市场监管 (market regulation)", "123"),      # 企业, 个体工商户, 农民专业合作社
    "A": ("中央军委改革和编制办公室 (military)", "19"),         # 军队事业单位, 其他
    "N": ("农业 (agriculture)", "1239"),                      # 组 / 村 / 乡镇级集体经济组织, 其他
    "Y": ("其他 (other)", "1"),                               # not divided into categories: always 1
}
#: The first two digits of a GB/T 2260 administrative-division code: the provinces, autonomous regions and
#: municipalities, Taiwan, Hong Kong and Macao. ``100000`` (national level) is allowed as a whole.
PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
                      "61 62 63 64 65 71 81 82".split())


def region_problem(code: str) -> str | None:
    """None if ``code`` may be a 6-digit GB/T 2260 division code (a real province prefix), else why not."""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return "is not 6 digits"
    if code != "100000" and code[:2] not in PROVINCES:
        return f"starts with {code[:2]}, which is no province code (11 北京 … 65 新疆, 71, 81, 82; or 100000)"
    return None


@lru_cache(maxsize=1 << 16)  # a load checks the same firms again in every relationship table
def uscc_problem(code: str) -> str | None:
    """None if ``code`` is a valid USCC, else what is wrong with it: length, characters, the check
    character, then the structure GB 32100-2015 gives it: registration authority (position 1), a
    category that authority uses (2), the registering office's division code (3-8)."""
    if len(code) != 18:
        return f"must be 18 characters, got {len(code)}"
    if not _USCC.match(code):
        bad = sorted({c for c in code if c not in USCC_CHARS})
        return f"has characters not used in a USCC: {''.join(bad)} (I, O, S, V, Z are never used)"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"check character should be {expected}, got {code[17]}"
    authority = USCC_AUTHORITIES.get(code[0])
    if authority is None:
        return (f"position 1 (registration authority) is {code[0]}, which GB 32100 does not assign "
                f"(1-9, A, N, Y)")
    if code[1] not in authority[1]:
        return (f"position 2 (institution category) is {code[1]}, which authority {code[0]} "
                f"{authority[0]} does not use ({', '.join(authority[1])})")
    problem = region_problem(code[2:8])
    if problem:
        return f"positions 3-8 (division code) {code[2:8]} {problem}"
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
        # The same person is named again in every table that refers to them: each raw id is worked out
        # once (a pure function of the key and the id: the cache gives what the call would).
        self.person_key = lru_cache(maxsize=1 << 16)(self._person_key)

    @classmethod
    def for_settings(cls, settings) -> "Pseudonyms":
        if settings.id_salt is not None:
            return cls(settings.id_salt.get_secret_value().encode("utf-8"))
        return cls(secret_file(Path(settings.home_path) / "id-salt").encode("utf-8"))

    def digest(self, id_number: str) -> str:
        # hmac.digest: the one-shot C path of hmac.new(...).hexdigest(), the same bytes
        return hmac.digest(self._key, id_number.strip().upper().encode(), "sha256").hex()

    def _person_key(self, raw: str) -> str:
        """The person id to store: unchanged, unless it is an ID-card number (``person_key``: the same, cached)."""
        raw = raw.strip()
        if looks_like_id_number(raw) or is_id_number_shape(raw):  # an impossible birth date is still a number
            return "P" + self.digest(raw)[:16].upper()
        return raw
