"""The national platform's records (``chengxin load --format jzsc``) turned into the folder tables.

:class:`Builder` takes one record at a time, its type told by its fields (:func:`kind_of`), and adds
rows to the tables of ``docs/input-format.md``; ``loaders/jzsc.py`` finds the records in the files
and ``loaders/jzsc_exports.py`` reads the Chinese-header CSV exports into the same builder.

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
from chengxin.graph.vocabulary import zh

from .ids import looks_like_id_number, uscc_problem
from .jzsc_quals import parse_qualification
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
            "perf_staff": "stage_people", "false_performance": "penalties", "participant": "stage_parties"}


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
        return out

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

    # --- one record ---------------------------------------------------------------------------
    def record(self, kind: str, rec: dict, context: dict | None = None) -> None:
        """Add the rows of one record (keys in upper case). ``context``: the firm a response is about
        (its ``compMap``), for qualification and registration lists that do not repeat it."""
        self.counts[f"records_{kind}"] += 1
        mark = {t: len(r) for t, r in self.rows.items()}
        try:
            getattr(self, f"_{kind}")(rec, context or {})
        except BadRecord as e:
            for t, rows in self.rows.items():  # what the record added before the bad field is taken back
                del rows[mark.get(t, 0):]
            self.refuse(TABLE_OF[kind], str(e), rec)

    def _needs(self, rec: dict, table: str, *fields: str) -> bool:
        missing = [f for f in fields if text(rec.get(f)) is None]
        if missing:
            self.refuse(table, f"{' and '.join(missing)} missing: the record cannot be keyed", rec)
            return False
        return True

    def _enterprise(self, rec: dict, ctx: dict) -> None:
        region = text(rec.get("QY_REGION"))
        self.firm(rec.get("QY_NAME"), rec.get("QY_ORG_CODE") or rec.get("OLD_CODE"), rec.get("QY_ID"),
                  legal_rep_name=text(rec.get("QY_FR_NAME")), region_name=text(rec.get("QY_REGION_NAME")),
                  region_code=region if region and re.fullmatch(r"\d{6}", region) else None,
                  address=text(rec.get("QY_ADDR")), business_licence_no=text(rec.get("QY_YYZZH")),
                  economic_nature=text(rec.get("QY_JJXZ")), phone=text(rec.get("QY_OFFICE_TEL")),
                  org_code=org_code(text(rec.get("OLD_CODE"))))

    def _context_firm(self, rec: dict, ctx: dict, name_f: str, id_f: str, code_f: str | None = None) -> str | None:
        if rec.get(name_f) or rec.get(id_f) or (code_f and rec.get(code_f)):
            return self.firm(rec.get(name_f), rec.get(code_f) if code_f else None, rec.get(id_f))
        if ctx:
            return self.firm(ctx.get("QY_NAME"), ctx.get("QY_ORG_CODE") or ctx.get("OLD_CODE"), ctx.get("QY_ID"))
        return None

    def _qualification(self, rec: dict, ctx: dict) -> None:
        firm = self._context_firm(rec, ctx, "QY_NAME", "QY_ID", "QY_ORG_CODE")
        if firm is None:
            self.refuse("qualifications", "the qualification names no firm (QY_ID / QY_NAME), and its response "
                        "holds no firm (compMap)", rec)
            return
        name = text(rec.get("APT_NAME"))
        parsed = parse_qualification(name) if name else None
        cert = text(rec.get("APT_CERTNO")) or f"JZSC-APT:{firm}/{name}"
        self.add("qualifications", cert_no=cert, uscc=firm, certificate_no=text(rec.get("APT_CERTNO")),
                 qualification_name=name,
                 category=(parsed or {}).get("category") or text(rec.get("APT_TYPE_NAME")) or name,
                 specialty=(parsed or {}).get("specialty"), grade=(parsed or {}).get("grade"),
                 industry=(parsed or {}).get("industry"), scope=(parsed or {}).get("scope"),
                 type_name=text(rec.get("APT_TYPE_NAME")),
                 issued=jdate(rec.get("APT_GET_DATE")), expires=jdate(rec.get("APT_EDATE")),
                 authority=text(rec.get("APT_GRANT_UNIT")))

    def _person(self, rec: dict, ctx: dict) -> None:
        pid = self.person(rec.get("RY_NAME"), rec.get("RY_CARDNO"), rec.get("RY_ID"),
                          scope=text(rec.get("REG_SEAL_CODE")) or "")
        firm = self._context_firm(rec, ctx, "REG_QYMC", "REG_QYID")
        reg_type = text(rec.get("REG_TYPE_NAME"))
        if pid is None:
            self.refuse("persons", "RY_NAME, RY_ID and RY_CARDNO missing: the person cannot be keyed", rec)
            return
        if firm and reg_type:
            profs = rec.get("REG_PROF_NAME") or rec.get("PROFS")
            if isinstance(profs, list):
                profs = "、".join(text(p.get("REG_PROF_NAME") if isinstance(p, dict) else p) or "" for p in profs)
            self.add("registrations", person_id=pid, uscc=firm, reg_type=reg_type, specialty=text(profs),
                     reg_no=text(rec.get("REG_SEAL_CODE")))

    def _project(self, rec: dict, ctx: dict) -> None:
        if not self._needs(rec, "projects", "PRJNUM"):
            return
        nature = self.word("PRJPROPERTYNUM", rec.get("PRJPROPERTYNUM"))
        owner = self.firm(rec.get("BUILDCORPNAME"), rec.get("BUILDCORPCODE"), type="建设单位") \
            if rec.get("BUILDCORPNAME") or rec.get("BUILDCORPCODE") else None
        county = text(rec.get("COUNTYNUM")) or text(rec.get("CITYNUM"))
        self.project(rec.get("PRJNUM"), name=text(rec.get("PRJNAME")), platform_id=text(rec.get("ID")),
                     provincial_project_no=text(rec.get("PROVINCEPRJNUM")),
                     province=text(rec.get("PROVINCE")), city=text(rec.get("CITY")), county=text(rec.get("COUNTY")),
                     region_code=county if county and re.fullmatch(r"\d{6}", county) else None,
                     owner_uscc=owner, category=self.word("PRJTYPENUM", rec.get("PRJTYPENUM")),
                     nature=nature if nature in NATURES else ("其他" if nature else None),
                     nature_detail=nature if nature and nature not in NATURES else None,
                     function=text(rec.get("PRJFUNCTIONNUM")), total_investment=text(rec.get("ALLINVEST")),
                     area=number(rec, "ALLAREA"), approval_level=text(rec.get("PRJAPPROVALLEVELNUM")),
                     approval_no=text(rec.get("PRJAPPROVALNUM")))

    def _tender(self, rec: dict, ctx: dict) -> None:
        if not self._needs(rec, "tenders", "TENDERNUM", "PRJNUM"):
            return
        no, code = text(rec.get("TENDERNUM")), self.project(rec.get("PRJNUM"))
        cls = self.word("TENDERCLASSNUM", rec.get("TENDERCLASSNUM"))
        agency = self.firm(rec.get("AGENCYCORPNAME"), rec.get("AGENCYCORPCODE"))
        winner = self.firm(rec.get("TENDERCORPNAME"), rec.get("TENDERCORPCODE"))
        self.add("tenders", tender_no=no, project_code=code, method=self.word("TENDERTYPENUM", rec.get("TENDERTYPENUM")),
                 tender_class=cls, agency_uscc=agency, winner_uscc=winner, winning_price=text(rec.get("TENDERMONEY")),
                 open_date=jdate(rec.get("TENDERRESULTDATE")),  # the platform gives the result's date only
                 result_date=day(rec, "TENDERRESULTDATE"), provincial_tender_no=text(rec.get("PROVINCETENDERNUM")),
                 area=number(rec, "AREA"), scale=text(rec.get("PRJSIZE")), created=day(rec, "CREATEDATE"),
                 platform_id=text(rec.get("ID")))
        if winner:
            self.add("bids", tender_no=no, uscc=winner, price=text(rec.get("TENDERMONEY")), outcome="中标")
        if rec.get("CONSTRUCTORNAME") or rec.get("CONSTRUCTORIDCARD"):
            role = codes()["tender_person"].get(cls or "", "project_manager")
            pid = self.person(rec.get("CONSTRUCTORNAME"), rec.get("CONSTRUCTORIDCARD"), scope=no)
            self.add("stage_people", stage="tender", stage_key=no, person_id=pid,
                     name=text(rec.get("CONSTRUCTORNAME")), role=role, uscc=winner)

    def _contract(self, rec: dict, ctx: dict) -> None:
        if not self._needs(rec, "contracts", "PRJNUM"):
            return
        code = self.project(rec.get("PRJNUM"))
        key = text(rec.get("RECORDNUM")) or text(rec.get("CONTRACTNUM")) or (
            f"{code}/{text(rec.get('ID'))}" if text(rec.get("ID")) else None)
        if key is None:
            self.refuse("contracts", "RECORDNUM, CONTRACTNUM and ID missing: the contract record cannot be keyed", rec)
            return
        self.add("contracts", contract_id=key, project_code=code, contract_no=text(rec.get("CONTRACTNUM")),
                 record_no=text(rec.get("RECORDNUM")), contract_type=self.word("CONTRACTTYPENUM", rec.get("CONTRACTTYPENUM")),
                 amount=text(rec.get("CONTRACTMONEY")), scale=text(rec.get("PRJSIZE")),
                 signed_date=jdate(rec.get("CONTRACTDATE")), created=jdate(rec.get("CREATEDATE")),
                 provincial_contract_no=text(rec.get("PROVINCECONTRACTNUM")),
                 data_source=self.word("DATASOURCE", rec.get("DATASOURCE")), platform_id=text(rec.get("ID")))
        self.parties(rec, "contract", key)

    def _drawing_review(self, rec: dict, ctx: dict) -> None:
        if not self._needs(rec, "drawing_reviews", "CENSORNUM", "PRJNUM"):
            return
        key = text(rec.get("CENSORNUM"))
        self.add("drawing_reviews", review_no=key, project_code=self.project(rec.get("PRJNUM")),
                 review_date=jdate(rec.get("CENSOREDATE") or rec.get("CENSORDATE")),
                 reviewer_name=text(rec.get("CENSORCORPNAME")), scale=text(rec.get("PRJSIZE")),
                 first_pass=text(rec.get("ONECENSORISPASS")), created=day(rec, "CREATEDATE"))
        self.parties(rec, "drawing_review", key)
        self.participants(rec, "drawing_review", key, people=False)

    def _permit(self, rec: dict, ctx: dict) -> None:
        if not self._needs(rec, "permits", "BUILDERLICENCENUM", "PRJNUM"):
            return
        key = text(rec.get("BUILDERLICENCENUM"))
        self.add("permits", permit_no=key, project_code=self.project(rec.get("PRJNUM")),
                 review_no=text(rec.get("CENSORNUM")), provincial_project_no=text(rec.get("PROVINCEPRJNUM")),
                 amount=text(rec.get("CONTRACTMONEY")), area=text(rec.get("AREA")), issued=jdate(rec.get("RELEASEDATE")),
                 planned_start=jdate(rec.get("PLANBDATE") or rec.get("BDATE")),
                 planned_end=jdate(rec.get("PLANEDATE") or rec.get("EDATE")), created=jdate(rec.get("CREATEDATE")))
        self.parties(rec, "permit", key)
        self.participants(rec, "permit", key)
        if rec.get("CONSTRUCTORNAME") or rec.get("CONSTRUCTORIDCARD"):
            pid = self.person(rec.get("CONSTRUCTORNAME"), rec.get("CONSTRUCTORIDCARD"), scope=key)
            contractor = self.firm(rec.get("CONTRACTORCORPNAME"), rec.get("CONTRACTORCORPCODE")) \
                if rec.get("CONTRACTORCORPNAME") else None
            self.add("stage_people", stage="permit", stage_key=key, person_id=pid,
                     name=text(rec.get("CONSTRUCTORNAME")), role="project_manager", uscc=contractor)

    def _completion(self, rec: dict, ctx: dict) -> None:
        if not self._needs(rec, "completions", "PRJFINISHNUM", "PRJNUM"):
            return
        key = text(rec.get("PRJFINISHNUM"))
        self.add("completions", completion_no=key, project_code=self.project(rec.get("PRJNUM")),
                 permit_no=text(rec.get("BUILDERLICENCENUM")), provincial_no=text(rec.get("PROVINCEPRJFINISHNUM")),
                 fact_cost=text(rec.get("FACTCOST")), fact_area=text(rec.get("FACTAREA")), fact_size=text(rec.get("FACTSIZE")),
                 structure=self.word("PRJSTRUCTURETYPE", rec.get("PRJSTRUCTURETYPE") or rec.get("STRUCTURETYPENUM")),
                 start_date=jdate(rec.get("BDATE")), end_date=jdate(rec.get("EDATE")),
                 data_level=text(rec.get("DATALEVEL")), data_source=self.word("DATASOURCE", rec.get("DATASOURCE")),
                 remark=text(rec.get("MARK")), created=jdate(rec.get("CREATEDATE")))
        self.parties(rec, "completion", key)
        self.participants(rec, "completion", key)

    def _performance(self, rec: dict, ctx: dict) -> None:
        if not self._needs(rec, "performances", "PERFNUM", "PRJNUM"):
            return
        firm = self.firm(rec.get("CORPNAME"), rec.get("CORPCODE"))
        self.add("performances", perf_no=text(rec.get("PERFNUM")), project_code=self.project(rec.get("PRJNUM")),
                 uscc=firm, enterprise_name=text(rec.get("CORPNAME")),
                 qualification_standard=text(rec.get("APTITUDECONTENT")), scale_grade=text(rec.get("TECHPARAMINFO")),
                 start_date=jdate(rec.get("BDATE")), end_date=jdate(rec.get("EDATE")), data_level=text(rec.get("DATALEVEL")))
        for value in rec.values():  # the performance's staff, when a collector kept them inside it
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        p = {str(k).upper(): v for k, v in item.items()}
                        if kind_of(p) == "perf_staff":
                            self.record("perf_staff", {"PERFNUM": rec.get("PERFNUM"), **p})

    def _perf_staff(self, rec: dict, ctx: dict) -> None:
        if not self._needs(rec, "stage_people", "PERFNUM"):
            return
        perf = text(rec.get("PERFNUM"))
        duty = text(rec.get("PRJDUTY"))
        role = self.word("PRJDUTY", duty) if duty else None
        pid = self.person(rec.get("PERSONNAME"), rec.get("PERSONIDCARD"), scope=perf)
        if pid is None:
            self.refuse("stage_people", "PERSONNAME and PERSONIDCARD missing: no one to name", rec)
            return
        self.add("stage_people", stage="performance", stage_key=perf, person_id=pid,
                 name=text(rec.get("PERSONNAME")), role=role or duty or "",
                 uscc=self.firm(rec.get("CORPNAME"), rec.get("CORPCODE")) if rec.get("CORPNAME") else None)

    def _false_performance(self, rec: dict, ctx: dict) -> None:
        if not self._needs(rec, "penalties", "FAKE_NUM"):
            return
        firm = self.firm(rec.get("CORPNAME"), rec.get("CORPCODE"))
        if firm is None:
            self.refuse("penalties", "CORPNAME missing: the false-performance record names no firm", rec)
            return
        code = self.project(rec.get("PRJNUM"), name=text(rec.get("PRJNAME"))) if rec.get("PRJNUM") else None
        self.add("penalties", penalty_id=f"FAKE-{text(rec.get('FAKE_NUM'))}", subject_type="enterprise",
                 subject_id=firm, project_code=code, description=text(rec.get("FAKETYPE")),
                 measure=zh("measures", "false_performance"), decision_date=jdate(rec.get("MARKDATE")),
                 authority=MOHURD, project_name=text(rec.get("PRJNAME")))

    def _participant(self, rec: dict, ctx: dict) -> None:
        self.refuse("stage_parties", "a firm of a permit or completion page outside its record: "
                    "no record to name it on", rec)
