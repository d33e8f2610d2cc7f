"""The national platform's records (``chengxin load --format jzsc``) turned into the folder tables.

:class:`Builder` holds the rows of the tables of ``docs/input-format.md`` as they are made: values,
codes, firms, projects and people, merged and de-duplicated at the end; ``loaders/jzsc_kinds.py`` adds
one method per record type (told by its fields: :func:`kind_of`), ``loaders/jzsc.py`` finds the records
in the files and ``loaders/jzsc_exports.py`` reads the Chinese-header CSV exports into the same builder.

- Dates are epoch milliseconds (numbers or strings; 0 or null is unknown), read as the date in China
  (UTC+8); ISO dates pass as they are, and anything else goes to the row as given, so the row model
  refuses it with its reason.
- Codes become words through ``jzsc_codes.toml`` (docs/jzsc.md); an unknown code is kept as given and
  counted (``unknown_codes``).
- Firms: a valid 统一社会信用代码 is the key; else an old 9-character 组织机构代码 ``XX-ORGCODE:<code>``
  (kept as ``org_code`` too, the identifier entity matching compares); else the platform's own id
  ``XX-JZSC:<QY_ID>``; else the name, ``XX-JZSCNAME:<name>``. None of these merges with another source
  by name: entity matching links them (``graph/matching.py``).
- People: a full ID number is the person id (the loader keeps only its keyed pseudonym, so the same
  person is one node across records and loads); a masked one (``3201**********1234``) never merges
  people: the person is keyed by the platform's RY_ID, else within the record that names them.
- Regions: a project's 省 / 市 / 区 names (JSON PROVINCE, CITY, COUNTY; the exports' 项目属地
  ``浙江省-杭州市-西湖区``) are kept and coded through :func:`graph.regions.resolve` as deep as they name
  one place for certain; a name that names none or several is counted (``regions_not_coded``), never guessed.
- Firms and projects met in several records are one row (fields filled from each, the first value kept
  when two differ, counted as ``conflicting_values``); identical rows of other tables (the same page
  collected twice) are one row (``duplicates_collapsed``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tomllib
from collections import Counter, defaultdict
from functools import lru_cache
from importlib import resources

from chengxin.graph.names import identity_key
from chengxin.graph.regions import resolve

from .ids import looks_like_id_number, uscc_problem
from .rows import parse_date, parse_number
from .sources import SourceRow

CHINA = dt.timezone(dt.timedelta(hours=8))
#: The authority that publishes the false-performance list.
MOHURD = "住房和城乡建设部"
_ORG_CODE = re.compile(r"^[0-9A-Z]{8}[0-9X]$")
_SPLIT = re.compile(r"[、,，;；/]+")
NATURES = ("新建", "改建", "扩建", "迁建", "恢复", "其他")


@lru_cache(maxsize=1)
def codes() -> dict[str, dict[str, str]]:
    """The code tables of ``jzsc_codes.toml``."""
    return tomllib.loads(resources.files(__package__).joinpath("jzsc_codes.toml").read_text("utf-8"))


# --- the type of a record, by its fields ----------------------------------------------------------

#: (record type, the fields any one of which tells it), tried in this order.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("false_performance", ("FAKE_NUM", "FAKETYPE")),
    ("bad_record", ("BADBEHAVIOR", "BEHAVIOR", "BADCONTENT", "CREDITCONTENT", "BLACKLISTTYPE", "DECISIONNUM",
                    "PUNISHNUM", "INBLACKDATE", "OUTBLACKDATE", "PUBLISHEND", "PUBLISHENDDATE")),
    ("perf_staff", ("PRJDUTY",)),
    ("performance", ("PERFNUM",)),
    ("completion", ("PRJFINISHNUM", "PROVINCEPRJFINISHNUM")),
    ("permit", ("BUILDERLICENCENUM",)),
    ("drawing_review", ("CENSORNUM",)),
    ("contract", ("CONTRACTNUM", "RECORDNUM", "CONTRACTTYPENUM")),
    ("tender", ("TENDERNUM", "TENDERCLASSNUM", "TENDERCORPNAME")),
    ("qualification", ("APT_CERTNO", "APT_NAME")),
    ("person", ("RY_ID", "RY_NAME", "RY_CARDNO")),
    ("enterprise", ("QY_ID", "QY_NAME", "QY_ORG_CODE")),
    ("project", ("PRJNAME", "PRJNUM")),
)
#: The published lists (不良行为记录, 黑名单: a decision on a firm or person, with the behaviour, the decision's
#: number, body and date, the period it is published for and the measure): each meaning, and the fields that
#: may carry it, JSON (upper case) and the Chinese headers of a table, any one of them read (docs/jzsc.md). The
#: spec names the contents, not the platform's fields: these are the names collectors use or may use.
LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "subject": ("CORPNAME", "QY_NAME", "SUBJECTNAME", "ENTNAME", "诚信记录主体", "黑名单记录主体", "记录主体",
                "主体名称", "企业名称"),
    "subject_code": ("CORPCODE", "QY_ORG_CODE", "CREDITCODE", "USCC", "统一社会信用代码", "组织机构代码"),
    "person": ("PERSONNAME", "RY_NAME", "人员姓名", "姓名"),
    "person_id": ("PERSONIDCARD", "RY_CARDNO", "IDCARD", "身份证号", "身份证号码"),
    "ry_id": ("RY_ID",),
    "behaviour": ("BADBEHAVIOR", "BEHAVIOR", "BADCONTENT", "CREDITCONTENT", "BLACKLISTTYPE", "不良行为",
                  "不良行为内容", "诚信记录内容", "黑名单类型"),
    "decision_no": ("DECISIONNUM", "PUNISHNUM", "FILENUM", "决定文号", "处罚决定文号", "处罚决定书文号", "文号"),
    "body": ("DECISIONDEPT", "PUNISHDEPT", "DEPTNAME", "IMPLEMENTDEPT", "实施部门", "决定机关", "认定部门", "处罚机关"),
    "date": ("DECISIONDATE", "PUNISHDATE", "INBLACKDATE", "决定日期", "处罚日期", "列入黑名单日期", "认定日期"),
    "period_start": ("PUBLISHBEGIN", "PUBLISHSTARTDATE", "发布开始日期", "发布起始日期"),
    "period_end": ("PUBLISHEND", "PUBLISHENDDATE", "OUTBLACKDATE", "发布截止日期", "发布结束日期", "移除黑名单日期"),
    "period": ("PUBLISHPERIOD", "发布有效期", "公开期限", "发布期限"),
    "measure": ("MEASURE", "PUNISHRESULT", "PUNISHTYPE", "处理措施", "处罚结果", "处罚措施", "处理结果"),
    "basis": ("LEGALBASIS", "BASIS", "处罚依据", "认定依据", "黑名单认定依据"),
    "list": ("LISTTYPE", "RECORDTYPE", "记录类型", "名单类型"),
    "project": ("PRJNUM", "项目编号"),
    "project_name": ("PRJNAME", "项目名称"),
}
#: Fields only a 黑名单 (blacklist) record has.
BLACKLIST_FIELDS = frozenset({"INBLACKDATE", "OUTBLACKDATE", "BLACKLISTTYPE", "黑名单记录主体", "黑名单类型",
                              "列入黑名单日期", "移除黑名单日期", "黑名单认定依据"})


def list_field(rec: dict, meaning: str):
    """The first non-empty value of a published-list field (:data:`LIST_FIELDS`) in ``rec``."""
    for f in LIST_FIELDS[meaning]:
        v = rec.get(f)
        if v not in (None, "") and not isinstance(v, (dict, list)):
            return v
    return None


#: A firm (and the person it names) listed on a permit or completion page.
PARTICIPANT = ("CORPROLENUM", "CORPROLE")


def kind_of(rec: dict) -> str | None:
    """The record type of ``rec`` (its keys in upper case), or None."""
    if "CORPNAME" in rec and any(f in rec for f in PARTICIPANT):
        return "participant"
    if "PERSONNAME" in rec and "PERFNUM" in rec:
        return "perf_staff"
    for kind, fields in KINDS:
        if any(rec.get(f) not in (None, "") for f in fields):
            return kind
    return None


# --- values ---------------------------------------------------------------------------------------

def text(value) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    s = " ".join(str(value).split())
    return s or None


def jdate(value):
    """An epoch-millisecond date (number or string; 0/null unknown) as ISO text; anything else as given."""
    if value is None or value == "" or value == 0 or value == "0":
        return None
    if isinstance(value, bool):
        return str(value)
    s = str(value).strip()
    m = re.fullmatch(r"/Date\((-?\d+)\)/", s)
    if m:
        s = m.group(1)
    if re.fullmatch(r"-?\d+(\.\d+)?", s):
        n = float(s)
        if n <= 0:
            return s  # refused by the row model as not a date
        seconds = n / 1000 if n >= 1e11 else n  # a collector that stored seconds
        try:
            return dt.datetime.fromtimestamp(seconds, CHINA).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return s
    return s


def org_code(code: str | None) -> str | None:
    if not code:
        return None
    c = code.replace("-", "").replace(" ", "").upper()
    return c if _ORG_CODE.match(c) else None


class BadRecord(ValueError):
    """A field of a record that must be a date or a number and is not."""


#: The table a record of each type is refused into.
TABLE_OF = {"enterprise": "enterprises", "qualification": "qualifications", "person": "persons",
            "project": "projects", "tender": "tenders", "contract": "contracts", "drawing_review": "drawing_reviews",
            "permit": "permits", "completion": "completions", "performance": "performances",
            "perf_staff": "stage_people", "false_performance": "penalties", "participant": "stage_parties",
            "bad_record": "penalties"}


def day(rec: dict, field: str):
    """A record's date field as a date (for the columns the row models do not check themselves)."""
    value = jdate(rec.get(field))
    try:
        return parse_date(value)
    except ValueError as e:
        raise BadRecord(f"{field}: {e}") from None


def number(rec: dict, field: str):
    """A record's number field as a number (for the columns the row models do not check themselves)."""
    value = text(rec.get(field))
    try:
        return parse_number(value)
    except ValueError as e:
        raise BadRecord(f"{field}: {e}") from None


class Builder:
    """Rows of the folder tables from the platform's records; :meth:`tables` gives them at the end."""

    def __init__(self, source: str):
        self.source = source
        self.rows: dict[str, list[SourceRow]] = defaultdict(list)
        self.firms: dict[str, tuple[str, int | None, dict]] = {}
        self.projects: dict[str, tuple[str, int | None, dict]] = {}
        self.persons: dict[str, tuple[str, int | None, dict]] = {}
        self.qy_ids: dict[str, str] = {}  # platform firm id -> the firm's key
        self.origin: tuple[str, int | None] = ("", None)
        self.counts: Counter = Counter()
        self.unknown: dict[str, Counter] = defaultdict(Counter)
        self.regions_not_coded: dict[str, Counter] = defaultdict(Counter)
        self.conflicts = 0

    # --- output -----------------------------------------------------------------------------
    def add(self, table: str, **row) -> None:
        row.setdefault("source", self.source)
        self.rows[table].append((*self.origin, {k: v for k, v in row.items() if v not in (None, "")}))

    def refuse(self, table: str, reason: str, raw) -> None:
        self.rows[table].append((*self.origin, {"_error": reason, "_raw": raw}))
        self.counts["records_refused"] += 1

    def _merge(self, store: dict, key: str, row: dict) -> None:
        row = {k: v for k, v in row.items() if v not in (None, "")}
        if key not in store:
            store[key] = (*self.origin, {**row, "source": self.source})
            return
        kept = store[key][2]
        for k, v in row.items():
            if k not in kept:
                kept[k] = v
            elif kept[k] != v and k not in ("name",):
                self.conflicts += 1

    def tables(self) -> dict[str, list[SourceRow]]:
        out = {"enterprises": list(self.firms.values()), "projects": list(self.projects.values()),
               "persons": list(self.persons.values())}
        names_of: dict[str, set] = defaultdict(set)
        for _, _, r in self.rows.get("qualifications", []):
            if "_error" not in r:
                names_of[r["cert_no"]].add(r.get("qualification_name"))
        for _, _, r in self.rows.get("qualifications", []):
            # One certificate (资质证书) lists several qualifications: each is keyed by number and name.
            if "_error" not in r and len(names_of[r["cert_no"]]) > 1 and r.get("qualification_name"):
                r["cert_no"] = f"{r['cert_no']}/{r['qualification_name']}"
        for table, rows in self.rows.items():
            seen, kept = set(), []
            for item in rows:
                if "_error" in item[2]:
                    kept.append(item)
                    continue
                mark = json.dumps(item[2], sort_keys=True, ensure_ascii=False, default=str)
                if mark in seen:
                    self.counts["duplicates_collapsed"] += 1
                    continue
                seen.add(mark)
                kept.append(item)
            out[table] = out.get(table, []) + kept
        return {t: r for t, r in out.items() if r}

    def summary(self) -> dict:
        out = {k: v for k, v in sorted(self.counts.items())}
        out["firms"] = len(self.firms)
        out["firms_by_key"] = dict(Counter(r["id_scheme"] for _, _, r in self.firms.values()).most_common())
        out["projects"] = len(self.projects)
        out["people"] = len(self.persons)
        if self.conflicts:
            out["conflicting_values"] = self.conflicts
        if self.unknown:
            out["unknown_codes"] = {f: dict(c.most_common(10)) for f, c in sorted(self.unknown.items())}
        if self.regions_not_coded:
            out["regions_not_coded"] = {why: dict(c.most_common(10)) for why, c in sorted(self.regions_not_coded.items())}
        return out

    # --- regions ----------------------------------------------------------------------------
    def region(self, province=None, city=None, county=None, code=None) -> dict:
        """A project's region properties: the names as given, and ``region_code``: ``code`` if it is a 6-digit
        code, else what the names give (:func:`graph.regions.resolve`); names that name no place, or several,
        are counted in ``regions_not_coded`` (``unknown`` / ``ambiguous``) with the text as given."""
        province, city, county, code = text(province), text(city), text(county), text(code)
        out = {"province": province, "city": city, "county": county}
        code = code or next((n for n in (county, city, province) if n and re.fullmatch(r"\d{6}", n)), None)
        if code and re.fullmatch(r"\d{6}", code):
            return {**out, "region_code": code}  # a code as given (also in a name field)
        if not (province or city or county):
            return out
        found = resolve(province, city, county)
        given = "-".join(p for p in (province, city, county) if p)
        if found.unknown:
            self.regions_not_coded["unknown"][given] += 1
        if found.ambiguous:
            self.regions_not_coded["ambiguous"][given] += 1
        if found.code is None and not (found.unknown or found.ambiguous):
            self.regions_not_coded["unknown"][given] += 1
        return {**out, "region_code": found.code}

    # --- codes ------------------------------------------------------------------------------
    def word(self, table: str, value) -> str | None:
        """The word of a code of ``table`` (jzsc_codes.toml); an unknown code as given, counted."""
        v = text(value)
        if v is None:
            return None
        known = codes()[table]
        if v in known:
            return known[v]
        if v.isdigit():
            for k, w in known.items():
                if k.isdigit() and int(k) == int(v):
                    return w
        if v in known.values():
            return v  # already the word
        self.unknown[table][v] += 1
        return v

    # --- firms, projects, people ----------------------------------------------------------------
    def firm(self, name=None, code=None, qy_id=None, **props) -> str | None:
        """The key of a firm named by a record (and its enterprises row, merged with what is known)."""
        name, code, qy_id = text(name), text(code), text(qy_id)
        code = code.upper().replace(" ", "") if code else None
        key, extra = None, {}
        if code and not uscc_problem(code):
            key = code
        elif org_code(code):
            key = f"XX-ORGCODE:{org_code(code)}"
            extra["org_code"] = org_code(code)
        elif code and len(code) == 18:
            self.counts["invalid_firm_codes"] += 1
            extra["code_as_given"] = code
        elif code:
            extra["code_as_given"] = code
        if key is None and qy_id and qy_id in self.qy_ids:
            key = self.qy_ids[qy_id]
        if key is None and qy_id:
            key = f"XX-JZSC:{qy_id}"
        if key is None and name:
            key = f"XX-JZSCNAME:{identity_key(name)}"
        if key is None:
            return None
        if qy_id:
            self.qy_ids.setdefault(qy_id, key)
            extra["qy_id"] = qy_id
        row = {"uscc": key, "name": name or key, "id_scheme": key.split(":", 1)[0] if ":" in key else "CN-USCC",
               **extra, **{k: v for k, v in props.items() if v not in (None, "")}}
        if name is None:
            row.pop("name")
            row["name"] = key
        self._merge(self.firms, key, row)
        return key

    def project(self, code, **props) -> str | None:
        code = text(code)
        if code is None:
            return None
        self._merge(self.projects, code, {"project_code": code, **props})
        return code

    def person(self, name, id_number=None, ry_id=None, scope: str = "") -> str | None:
        """The person id of someone a record names: a full ID number (pseudonymised by the loader),
        else the platform's RY_ID, else a key of the name within ``scope`` (the record)."""
        name, idn, ry_id = text(name), text(id_number), text(ry_id)
        if not name and not idn and not ry_id:
            return None
        full = idn.upper() if idn and looks_like_id_number(idn) else None
        if full:
            pid = full
        elif ry_id:
            pid = f"JZSC-RY:{ry_id}"
        else:
            basis = f"{idn or ''}|{name or ''}|{scope}"
            pid = "JZSC-P:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16].upper()
            self.counts["person_mentions_without_full_id"] += 1
        row = {"person_id": pid, "name": name or "（姓名未公开）"}
        if full:
            row["id_number"] = full
        if ry_id:
            row["ry_id"] = ry_id
        self._merge(self.persons, pid, row)
        return pid

    def parties(self, rec: dict, stage: str, key: str) -> None:
        """The firms a stage record names through its <PREFIX>NAME / <PREFIX>CODE fields."""
        for prefix, role in codes()["party_fields"].items():
            names = _SPLIT.split(text(rec.get(prefix + "NAME")) or "") if rec.get(prefix + "NAME") else []
            ids = _SPLIT.split(text(rec.get(prefix + "CODE")) or "") if rec.get(prefix + "CODE") else []
            for i, name in enumerate(n for n in names if n.strip()):
                firm = self.firm(name, ids[i] if i < len(ids) else None)
                if firm:
                    self.add("stage_parties", stage=stage, stage_key=key, uscc=firm, role=role)

    def participants(self, rec: dict, stage: str, key: str, people: bool = True) -> None:
        """The firms (and the person each names) listed in a record's nested lists."""
        for value in rec.values():
            if not isinstance(value, list):
                continue
            for item in value:
                if not isinstance(item, dict):
                    continue
                p = {str(k).upper(): v for k, v in item.items()}
                if kind_of(p) != "participant":
                    continue
                self.counts["participants"] += 1
                role = self.word("CORPROLENUM", p.get("CORPROLENUM") or p.get("CORPROLE"))
                if role not in codes()["person_for_role"] and role not in ("owner", "union_member", "reviewer"):
                    continue  # a role that is not a stage role (质量检测机构, 其他): the firm is counted only
                firm = self.firm(p.get("CORPNAME"), p.get("CORPCODE"))
                if firm:
                    self.add("stage_parties", stage=stage, stage_key=key, uscc=firm, role=role)
                staff = codes()["person_for_role"].get(role)
                if people and staff and (p.get("PERSONNAME") or p.get("PERSONIDCARD") or p.get("IDCARD")):
                    pid = self.person(p.get("PERSONNAME"), p.get("PERSONIDCARD") or p.get("IDCARD"), scope=key)
                    self.add("stage_people", stage=stage, stage_key=key, person_id=pid,
                             name=text(p.get("PERSONNAME")), role=staff, uscc=firm)
