"""The full name of a construction-market qualification split into its parts.

The national platform (and its CSV exports) gives a firm's qualification as one name, as the
qualification standards (建设工程企业资质标准) write it: 建筑工程施工总承包一级, 地基基础工程专业承包二级,
施工劳务不分等级, 房屋建筑工程监理甲级, 工程勘察专业类岩土工程甲级, 工程设计市政行业桥梁工程专业甲级,
工程设计建筑行业（建筑工程）甲级, 工程设计风景园林工程专项甲级. :func:`parse_qualification` splits it.
"""

from __future__ import annotations

import re

from chengxin.graph.vocabulary import zh

GRADES = ("特级", "一级", "二级", "三级", "四级", "甲级", "乙级", "丙级", "丁级", "不分等级")
_GRADE = re.compile(rf"({'|'.join(GRADES)})\s*(?:[（(]\s*暂定\s*[)）]|暂定)?$")
_PROVISIONAL = re.compile(r"暂定\s*[)）]?$")
_BRACKETED = re.compile(r"^[（(](.+)[)）]$")

CATEGORY = {code: zh("qualification_categories", code) for code in
            ("general_contracting", "specialist_contracting", "labour_services", "supervision", "design", "survey")}


def parse_qualification(name: str | None) -> dict | None:
    """A qualification's full name split into ``category`` (the vocabulary's Chinese name: 施工总承包,
    专业承包, 施工劳务, 工程监理, 工程设计, 工程勘察), ``scope`` (综合 / 行业 / 专业 / 专项 / 专业类 /
    劳务类 / 事务所), ``industry`` (…行业), ``specialty``, ``grade`` (特级 … 丙级, 不分等级) and
    ``provisional`` (暂定); None when the name is of no category known."""
    if not name:
        return None
    s = re.sub(r"\s+", "", str(name)).replace("(", "（").replace(")", "）")
    out: dict = {"category": None, "scope": None, "industry": None, "specialty": None, "grade": None}
    m = _GRADE.search(s)
    if m:
        out["grade"] = m.group(1)
        if _PROVISIONAL.search(s):
            out["provisional"] = True
        s = s[: m.start()]
    s = s.removesuffix("资质").removesuffix("资格")
    if s.startswith("工程设计"):
        out["category"] = CATEGORY["design"]
        body = s[4:]
        if body.startswith("综合"):
            out["scope"] = "综合"
        elif "行业" in body:
            industry, _, tail = body.partition("行业")
            out["industry"] = industry + "行业"
            inner = _BRACKETED.match(tail)
            if not tail:
                out["scope"] = "行业"
            elif inner and "除外" in inner.group(1):
                out["scope"], out["restriction"] = "行业", inner.group(1)
            elif inner:
                out["scope"], out["specialty"] = "行业", inner.group(1)
            else:
                out["scope"], out["specialty"] = "专业", tail.removesuffix("专业") or None
        elif body.endswith("专项"):
            out["scope"], out["specialty"] = "专项", body.removesuffix("专项").removesuffix("设计") or None
        else:
            out["specialty"] = body or None
    elif s.startswith("工程勘察"):
        out["category"] = CATEGORY["survey"]
        body = s[4:]
        if body.startswith("综合"):
            out["scope"] = "综合"
        else:
            for scope in ("专业类", "劳务类"):
                if body.startswith(scope):
                    out["scope"], body = scope, body[len(scope):]
            out["specialty"] = body or None
    elif s.endswith("施工总承包") or s.endswith("工程总承包"):
        out["category"] = CATEGORY["general_contracting"]
        out["specialty"] = s[:-5] or None
    elif s.endswith("专业承包"):
        out["category"] = CATEGORY["specialist_contracting"]
        out["specialty"] = s[:-4] or None
    elif "劳务" in s or s.endswith("作业分包"):
        out["category"] = CATEGORY["labour_services"]
        rest = s.replace("施工劳务", "").replace("劳务分包", "").removesuffix("分包")
        out["specialty"] = rest or None
    elif "监理" in s:
        out["category"] = CATEGORY["supervision"]
        if "综合" in s:
            out["scope"] = "综合"
        elif "事务所" in s:
            out["scope"] = "事务所"
        else:
            body = s[4:] if s.startswith("工程监理") else s.removesuffix("监理")
            out["specialty"] = body.removesuffix("专业") or None
    elif s.endswith("设计专项"):  # the 2007 standard's 专项 names: 建筑幕墙工程设计专项
        out["category"], out["scope"] = CATEGORY["design"], "专项"
        out["specialty"] = s[:-4] or None
    else:
        return None
    return out
