"""The platform's Chinese-header CSV exports, and the parser of qualification names.

Collectors save flat tables with Chinese headers (a real one: ``/work/shared/data/real/jzsc-zhongheng``),
recognised by their header, whatever the file is called:

- ``企业名称,企业资质``: a firm's qualifications, each one full name in one cell
  (工程设计市政行业桥梁工程专业甲级), split by :func:`parse_qualification` into category, scope,
  industry, speciality and grade. The export gives no certificate number: the qualification's key
  is ``JZSC-APT:<firm>/<name>``.
- ``注册证,注册人员,企业名称``: how many registered people of each kind a firm has: a head count,
  kept on the firm (``registered_staff_counts``, JSON text; ``registered_staff_total``), not people.
- ``企业名称,项目名称,项目链接,项目属地,项目类别,建设单位``: a firm's performance list: the project
  (its number taken from the link, ``…/projectDetail/4403071705099904``; its region ``省-市-区`` kept
  as ``region_name``, ``province``, ``city`` and ``county``, and coded as ``region_code`` through
  :func:`graph.regions.resolve`; its category; its owner, known by name) and a performance record of the
  firm on it (``<project number>/<firm>``).
- a published list, 不良行为记录 or 黑名单 (a subject column such as ``诚信记录主体`` or ``黑名单记录主体`` and one
  such as ``不良行为``, ``决定文号``, ``发布有效期`` or ``列入黑名单日期``: ``jzsc_records.LIST_FIELDS``): each row
  read as the JSON record (``Converter._bad_record``), a penalty.

A header repeated in the middle (pages appended) is skipped and counted; every other row that cannot
be used goes to the rejects file with its file, line and reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from chengxin.graph.errors import InvalidInput
from chengxin.graph.regions import split_names

from .jzsc_quals import parse_qualification
from .jzsc_records import BLACKLIST_FIELDS, LIST_FIELDS, Builder, text
from .readers import read_table

# --- the CSV exports --------------------------------------------------------------------------------

#: Each export by the columns its header holds.
EXPORTS: dict[str, frozenset[str]] = {
    "qualifications": frozenset({"企业名称", "企业资质"}),
    "head_counts": frozenset({"注册证", "注册人员", "企业名称"}),
    "performances": frozenset({"企业名称", "项目名称", "项目链接"}),
}
_PROJECT_LINK = re.compile(r"/projectDetail/([0-9A-Za-z_-]+)")


def _chinese(*meanings: str) -> frozenset[str]:
    return frozenset(f for m in meanings for f in LIST_FIELDS[m] if not f.isascii())


#: A published list (不良行为记录 / 黑名单) saved as a table: a subject column and one of these.
_LIST_MARKS = _chinese("behaviour", "decision_no", "period", "period_end") | (BLACKLIST_FIELDS - {"黑名单记录主体"})
_LIST_SUBJECTS = _chinese("subject", "subject_code", "person")


def export_kind(header: list[str]) -> str | None:
    cols = {h.strip() for h in header}
    for kind, needed in EXPORTS.items():
        if needed <= cols:
            return kind
    if cols & _LIST_MARKS and cols & _LIST_SUBJECTS:
        return "published_list"
    return None


def sniff(path: Path) -> str | None:
    """The export a CSV file is, by its header (None: not one of them, or not readable)."""
    try:
        tf, rows = read_table(path)
    except (InvalidInput, OSError):
        return None
    try:
        next(rows, None)
        return export_kind(tf.header)
    except (InvalidInput, OSError, UnicodeError):
        return None
    finally:
        rows.close()


def read_export(b: Builder, path: Path, name: str, firm_ids: dict[str, str]) -> dict:
    """Add the rows of one export to ``b``; return its own counts. ``firm_ids``: platform firm ids by
    firm name (a collector's ``urls.json``)."""
    tf, rows = read_table(path)
    kind = export_kind(tf.header) if tf.header else None
    counts = {"rows": 0}
    heads: dict[str, dict] = {}
    try:
        for line, raw in rows:
            if kind is None:
                kind = export_kind(tf.header)
                if kind is None:
                    raise InvalidInput(f"{name}: the header ({', '.join(tf.header)}) is none of the platform's "
                                       "exports (企业名称,企业资质 / 注册证,注册人员,企业名称 / 企业名称,项目名称,项目链接… / "
                                       "诚信记录主体,不良行为,决定文号…)")
            b.origin = (name, line)
            counts["rows"] += 1
            if "_error" in raw:
                b.refuse(_TABLE[kind], raw["_error"], raw.get("_raw"))
                continue
            if "_extra_cells" in raw:
                b.refuse(_TABLE[kind], f"{len(tf.header) + len(raw['_extra_cells'])} cells for {len(tf.header)} "
                         "columns (unquoted comma?)", raw)
                continue
            if kind == "published_list":
                b.record("bad_record", {k.strip(): v for k, v in raw.items() if isinstance(k, str)})
                continue
            firm_name = text(raw.get("企业名称"))
            if not firm_name:
                b.refuse(_TABLE[kind], "企业名称 is empty: the row names no firm", raw)
                continue
            firm = b.firm(firm_name, qy_id=firm_ids.get(firm_name))
            if kind == "qualifications":
                _qualification(b, firm, raw)
            elif kind == "head_counts":
                _head_count(b, firm, raw, heads)
            else:
                _performance(b, firm, raw)
    finally:
        rows.close()
    for firm, counts_of in heads.items():
        b._merge(b.firms, firm, {"uscc": firm, "registered_staff_counts": json.dumps(counts_of, ensure_ascii=False),
                                 "registered_staff_total": sum(counts_of.values())})
    counts["repeated_header_lines"] = tf.skipped
    counts["export"] = kind
    return counts


_TABLE = {"qualifications": "qualifications", "head_counts": "enterprises", "performances": "performances",
          "published_list": "penalties"}


def _qualification(b: Builder, firm: str, raw: dict) -> None:
    name = text(raw.get("企业资质"))
    if not name:
        b.refuse("qualifications", "企业资质 is empty", raw)
        return
    parsed = parse_qualification(name)
    if parsed is None:
        b.counts["qualification_names_not_parsed"] += 1
    p = parsed or {}
    b.add("qualifications", cert_no=f"JZSC-APT:{firm}/{name}", uscc=firm, qualification_name=name,
          category=p.get("category") or name, specialty=p.get("specialty"), grade=p.get("grade"),
          industry=p.get("industry"), scope=p.get("scope"), restriction=p.get("restriction"),
          provisional=p.get("provisional"), derived_key=True)


def _head_count(b: Builder, firm: str, raw: dict, heads: dict) -> None:
    kind, n = text(raw.get("注册证")), text(raw.get("注册人员"))
    try:
        count = float(n) if n is not None else None
    except ValueError:
        count = None
    if not kind or count is None or count < 0 or count != int(count):
        b.refuse("enterprises", f"注册证 {kind!r}, 注册人员 {n!r}: not a registration type and a whole head count",
                 raw)
        return
    known = heads.setdefault(firm, {})
    if kind in known and known[kind] != int(count):
        b.refuse("enterprises", f"注册证 {kind} is counted twice for one firm ({known[kind]} and {int(count)}): "
                 "the first count is kept", raw)
        return
    known[kind] = int(count)


def _performance(b: Builder, firm: str, raw: dict) -> None:
    link = text(raw.get("项目链接")) or ""
    m = _PROJECT_LINK.search(link)
    if not m:
        b.refuse("performances", f"项目链接 {link!r} holds no project number (…/projectDetail/<number>)", raw)
        return
    code = m.group(1)
    names = split_names(text(raw.get("项目属地")))
    owner = text(raw.get("建设单位"))
    owner_key = b.firm(owner, type="建设单位") if owner else None
    b.project(code, name=text(raw.get("项目名称")), category=text(raw.get("项目类别")), owner_uscc=owner_key,
              region_name="-".join(n for n in names if n) or None, **b.region(*names),
              source_url=link if link.startswith(("http://", "https://")) else None)
    b.add("performances", perf_no=f"{code}/{firm}", project_code=code, uscc=firm, enterprise_name=text(raw.get("企业名称")),
          derived_key=True, source_url=link if link.startswith(("http://", "https://")) else None)
