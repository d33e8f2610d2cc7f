"""Each type of the national platform's records turned into rows of the folder tables.

:class:`Converter` adds, to the :class:`loaders.jzsc_records.Builder` (values, codes, firms, people,
the tables at the end), one method per record type (``_tender``, ``_permit`` …), called by
:meth:`Converter.record` with the type :func:`loaders.jzsc_records.kind_of` tells. docs/jzsc.md has
the table of types and fields.
"""

from __future__ import annotations

import hashlib
import re

from chengxin.graph.vocabulary import term, terms, zh

from .ids import mask_id
from .jzsc_quals import parse_qualification
from .jzsc_records import (BLACKLIST_FIELDS, MOHURD, NATURES, TABLE_OF, BadRecord, Builder, codes, day, jdate, kind_of,
                           list_field, number, org_code,
                           text)


class Converter(Builder):
    """A :class:`Builder` that reads whole records."""

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
        region = self.region(rec.get("PROVINCE"), rec.get("CITY"), rec.get("COUNTY"),
                             code=text(rec.get("COUNTYNUM")) or text(rec.get("CITYNUM")))
        self.project(rec.get("PRJNUM"), name=text(rec.get("PRJNAME")), platform_id=text(rec.get("ID")),
                     provincial_project_no=text(rec.get("PROVINCEPRJNUM")), **region,
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

    def _bad_record(self, rec: dict, ctx: dict) -> None:
        """不良行为记录 / 黑名单: a penalty on the firm (or person) it names, keyed by the decision number and the
        subject (``JZSC-BAD:`` / ``JZSC-BLACK:``; without a number, by a hash of subject, date and behaviour,
        ``derived_key``). The measure becomes the vocabulary's (:meth:`measure`)."""
        f = lambda meaning: text(list_field(rec, meaning))  # noqa: E731
        listing = f("list") or ""
        black = bool(BLACKLIST_FIELDS & {k for k, v in rec.items() if v not in (None, "")}) or "黑名单" in listing
        missing = [say for m, say in (("body", "decision body (实施部门 / DECISIONDEPT)"),
                                      ("date", "decision date (决定日期 / DECISIONDATE)")) if not f(m)]
        if missing:
            self.refuse("penalties", f"{' and '.join(missing)} missing", rec)
            return
        subject_type, subject = "enterprise", None
        if f("subject") or f("subject_code"):
            subject = self.firm(f("subject"), f("subject_code"))
        elif f("person") or f("person_id") or f("ry_id"):
            subject_type = "person"
            subject = self.person(f("person"), f("person_id"), f("ry_id"),
                                  scope=f"{f('decision_no') or ''}|{f('body') or ''}")
        if subject is None:
            self.refuse("penalties", "the record names no subject (诚信记录主体 / CORPNAME, or PERSONNAME)", rec)
            return
        start, end = jdate(list_field(rec, "period_start")), jdate(list_field(rec, "period_end"))
        if f("period") and not (start and end):
            parts = [p.strip() for p in re.split(r"至|到|~|～|—|－|\s-\s", f("period")) if p.strip()]
            if len(parts) == 2:
                start, end = start or jdate(parts[0]), end or jdate(parts[1])
            else:
                end = end or jdate(f("period"))
        prefix = "JZSC-BLACK" if black else "JZSC-BAD"
        number_ = f("decision_no")
        # A person's key may hold a full ID number (pseudonymised by the loader, but not inside another key):
        # the penalty is keyed by the person's name and masked number instead.
        who = subject if subject_type == "enterprise" else f"{f('person') or ''}/{mask_id(f('person_id')) or f('ry_id') or ''}"
        if number_:
            key = f"{prefix}:{number_}/{who}"
        else:
            basis = f"{who}|{jdate(list_field(rec, 'date'))}|{f('behaviour') or ''}|{f('body')}"
            key = f"{prefix}:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16].upper()
        given = f("measure")
        measure = self.measure(given, black)
        code = self.project(f("project"), name=f("project_name")) if f("project") else None
        self.add("penalties", penalty_id=key, subject_type=subject_type, subject_id=subject, project_code=code,
                 description=f("behaviour"), measure=measure, measure_as_given=given if given != measure else None,
                 authority=f("body"), decision_date=jdate(list_field(rec, "date")), decision_no=number_,
                 publish_date=start, valid_until=end, legal_basis=f("basis"),
                 list_kind="黑名单" if black else "不良行为记录", derived_key=None if number_ else True)

    def measure(self, given: str | None, black: bool) -> str | None:
        """A published list's measure as the vocabulary's word: a 黑名单 record's is 列入黑名单; else, of the
        measures the text names in the platform's words (jzsc_codes.toml [MEASURES]) or the vocabulary's own
        (``罚款5万元，限制投标6个月``: a fine and a suspension from bidding), the heaviest (most risk points).
        A measure of neither is kept as given and counted with the unknown codes (``MEASURES``)."""
        if black:
            return zh("measures", "blacklisting")
        if not given:
            return None
        found = [term("measures", code) for word, code in codes()["MEASURES"].items() if word in given]
        found += [t for t in terms("measures") if any(w in given for w in t.get("words") or [t.zh])]
        if found:
            return max(found, key=lambda t: t.get("risk_points", 0)).zh
        self.unknown["MEASURES"][given] += 1
        return given

    def _participant(self, rec: dict, ctx: dict) -> None:
        self.refuse("stage_parties", "a firm of a permit or completion page outside its record: "
                    "no record to name it on", rec)
