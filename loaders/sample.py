"""``chengxin sample OUT_DIR --scale N --seed S``: a realistic synthetic dataset in the CSV-folder
format, deterministic for a seed. Scale 1 is about 300 firms; every step adds as many again, so
scale 1000 gives millions of nodes. Rows stream to the files, so large scales fit in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from chengxin.graph.vocabulary import ROLE, STAFF

from .ids import USCC_CHARS, id_check_char, uscc_check_char
from .rows import COLUMNS
from .sample_data import (
    AWARDS_CITY, AWARDS_NATIONAL, AWARDS_PROVINCE, BEHAVIORS, BRAND_CHARS, BUSINESS, DESIGN, GENERAL, GIVEN,
    MEASURES, PERSON_AWARDS, PERSON_MEASURES, PHASES, PROJECT_KINDS, REG_TYPES, REGIONS, SPECIALTY, STREETS,
    SUFFIX, SUPERVISION, SURNAMES, TYPE_WEIGHTS,
)

SOURCE = "chengxin 合成样例数据 (synthetic sample)"
FIRMS_PER_SCALE = 300


@dataclass
class Firm:
    uscc: str
    name: str
    type: str
    region: tuple
    registered: list = field(default_factory=list)  # (person_id, reg_type, specialty)


@dataclass
class Life:
    """What a project's later stages need to know of it (kept while the projects are written)."""

    code: str
    region: tuple
    investment: float
    owner: Firm
    contractor: Firm
    supervisor: Firm
    designer: Firm
    surveyor: Firm
    tenders: list  # (tender_no, winner, winning price, open date): works, then supervision
    start: dt.date
    end: dt.date
    pm: str | None
    chief: str | None
    funding: str | None = None
    permit_no: str | None = None
    status: str | None = None
    category_hint: str = "建筑工程"


class Writer:
    def __init__(self, out: Path):
        out.mkdir(parents=True, exist_ok=True)
        self.files = {}
        self.writers = {}
        self.counts = {}
        self.last: dict[str, dict] = {}
        for name, cols in COLUMNS.items():
            f = open(out / f"{name}.csv", "w", encoding="utf-8", newline="")
            w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
            w.writeheader()
            self.files[name], self.writers[name], self.counts[name] = f, w, 0

    def row(self, table: str, **values) -> None:
        self.writers[table].writerow({k: _fmt(v) for k, v in values.items()})
        self.counts[table] += 1
        self.last[table] = values

    def close(self) -> None:
        for f in self.files.values():
            f.close()


def _years_later(d: dt.date, years: int) -> dt.date:
    return d.replace(year=d.year + years) if not (d.month == 2 and d.day == 29) else dt.date(d.year + years, 2, 28)


def _permit_no(region: str, day: dt.date, draw: int) -> str:
    """A construction-permit number as the platform's: 18 digits, the region, the day, a sequence
    (``330106201905230101``), an ID number's shape (graph/privacy.py keeps it readable). ``draw`` is the
    three-digit number the sample always drew, so the rest of the sample stays as it was."""
    return f"{region}{day:%Y%m%d}{draw % 100:02d}01"


def _fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return v


class Generator:
    def __init__(self, scale: int = 1, seed: int = 7, as_of: dt.date = dt.date(2026, 10, 31)):
        if scale < 1:
            raise ValueError("scale must be at least 1")
        self.scale, self.rng, self.as_of = scale, random.Random(seed), as_of
        self.names: set[str] = set()
        self.usccs: set[str] = set()
        self.firms: list[Firm] = []
        self.by_type: dict[str, list[Firm]] = {}
        self.serial = 0
        self.decision_serials: dict[tuple, int] = {}
        self.persons: list[tuple[str, str]] = []
        self.projects_done: list[tuple] = []  # (code, region, contractor, supervisor, start)
        self.last_staff: dict[tuple[str, str], str] = {}  # (project_code, role) -> person_id
        # A project's later stages (contract, drawing review, permit, completion, performance) come from
        # their own random stream, so adding them moved none of the tables written before.
        self.life_rng = random.Random(seed * 1_000_003 + 16)
        self.lives: list[Life] = []

    # --- identifiers -----------------------------------------------------------------
    def _next(self) -> int:
        self.serial += 1
        return self.serial

    def uscc(self, region: str) -> str:
        """Shaped like real codes: ``91`` + region + ``MA`` and seven characters (firms registered
        since 2015) or a nine-digit organisation code, + the GB 32100 check character."""
        while True:
            if self.rng.random() < 0.55:
                body = "MA" + "".join(self.rng.choice(USCC_CHARS) for _ in range(7))
            else:
                body = "".join(self.rng.choice("0123456789") for _ in range(8)) + self.rng.choice(USCC_CHARS[:12])
            first = "91" + region + body
            code = first + uscc_check_char(first)
            if code not in self.usccs:
                self.usccs.add(code)
                return code

    def id_number(self, region: str) -> str:
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=self.rng.randrange(365 * 36))
        first = f"{region}{birth:%Y%m%d}{self.rng.randrange(1000):03d}"
        return first + id_check_char(first)

    def date_between(self, a: dt.date, b: dt.date) -> dt.date:
        return a + dt.timedelta(days=self.rng.randrange(max(1, (b - a).days)))

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))

    def brand(self) -> str:
        return self.rng.choice(BRAND_CHARS) + self.rng.choice(BRAND_CHARS)

    # --- tables ------------------------------------------------------------------------
    def new_person(self, w: Writer, region: tuple) -> tuple[str, str]:
        pid = f"RY{len(self.persons) + 1:09d}"
        name = self.person_name()
        w.row("persons", person_id=pid, name=name, gender=self.rng.choice("男男男女"),
              id_number=self.id_number(region[0]), source=SOURCE)
        self.persons.append((pid, name))
        return pid, name

    def firm_name(self, region: tuple, kind: str) -> str:
        for _ in range(50):
            place = region[2].removesuffix("市") if self.rng.random() < 0.8 else region[1].removesuffix("省")
            business = self.rng.choice(BUSINESS[kind])
            suffix = self.rng.choice(SUFFIX)
            if business.endswith("集团"):
                suffix = suffix.removeprefix("集团")
            name = place + self.brand() + business + suffix
            if name not in self.names:
                self.names.add(name)
                return name
        name = f"{region[2]}{self.brand()}{self.rng.choice(BUSINESS[kind])}第{self._next()}有限公司"
        self.names.add(name)
        return name

    def enterprises(self, w: Writer) -> None:
        kinds = [k for k, n in TYPE_WEIGHTS for _ in range(n)]
        reps: list[tuple[str, str]] = []
        for _ in range(FIRMS_PER_SCALE * self.scale):
            region = self.rng.choice(REGIONS)
            kind = self.rng.choice(kinds)
            firm = Firm(self.uscc(region[0]), self.firm_name(region, kind), kind, region)
            # About one legal representative in thirty leads two firms.
            if reps and self.rng.random() < 0.035:
                rep = self.rng.choice(reps)
            else:
                rep = self.new_person(w, region)
                reps.append(rep)
            capital = self.rng.choice([500, 1000, 2000, 3000, 5000, 10000, 20000, 50000])
            w.row("enterprises", uscc=firm.uscc, name=firm.name, type=kind, legal_rep_id=rep[0],
                  legal_rep_name=rep[1], region_code=region[0],
                  address=f"{region[1] if region[1] != region[2] else ''}{region[2]}{self.rng.choice(STREETS)}"
                          f"{self.rng.randrange(1, 2000)}号",
                  registered_capital=float(capital),
                  established=self.date_between(dt.date(1995, 1, 1), dt.date(2020, 12, 31)),
                  phone=f"{region[5]}-{self.rng.randrange(8000000, 89999999)}", source=SOURCE,
                  source_url=None)
            if kind != "建设单位" and self.rng.random() < 0.6:
                w.row("shareholdings", holder_type="person", holder_id=rep[0], uscc=firm.uscc,
                      share_pct=float(self.rng.randrange(30, 91)), source=SOURCE)
            self.firms.append(firm)
            self.by_type.setdefault(kind, []).append(firm)
        # Some firms belong to a group: an enterprise shareholder of the same type.
        for firm in self.firms:
            peers = self.by_type[firm.type]
            if len(peers) > 3 and self.rng.random() < 0.08:
                parent = self.rng.choice(peers)
                if parent is not firm:
                    w.row("shareholdings", holder_type="enterprise", holder_id=parent.uscc, uscc=firm.uscc,
                          share_pct=float(self.rng.choice([51, 60, 70, 100])), source=SOURCE)

    def qualifications(self, w: Writer) -> None:
        for firm in self.firms:
            auth_prov = f"{firm.region[1]}住房和城乡建设厅" if firm.region[1] != firm.region[2] else f"{firm.region[2]}住房和城乡建设委员会"
            certs = []
            if firm.type == "施工":
                grade = self.rng.choices(["特级", "一级", "二级", "三级"], [2, 25, 45, 28])[0]
                certs.append(("D", "施工总承包", self.rng.choice(GENERAL), grade))
                for spec in self.rng.sample(SPECIALTY, self.rng.choice([0, 1, 1, 2])):
                    certs.append(("D", "专业承包", spec, self.rng.choice(["一级", "二级"])))
            elif firm.type == "监理":
                if self.rng.random() < 0.1:
                    certs.append(("E", "工程监理", "综合资质", "综合"))
                else:
                    certs.append(("E", "工程监理", self.rng.choice(SUPERVISION), self.rng.choice(["甲级", "乙级"])))
            elif firm.type == "设计":
                certs.append(("A", "工程设计", self.rng.choice(DESIGN), self.rng.choice(["甲级", "乙级"])))
            elif firm.type == "勘察":
                certs.append(("B", "工程勘察", "岩土工程", self.rng.choice(["甲级", "乙级"])))
            for letter, category, spec, grade in certs:
                national = grade in ("特级", "综合") or (grade in ("一级", "甲级") and self.rng.random() < 0.5)
                renewed = self.date_between(dt.date(2017, 1, 1), dt.date(2023, 12, 31))
                cert_no = f"{letter}{self.rng.randrange(1, 4)}{firm.region[0][:2]}{self._next():06d}"
                # First issued eight years before the last renewal, valid five years after it; three
                # firms in four renew again before expiry (decided by serial, so no random draw moves).
                issued = _years_later(renewed, -8)
                expires = _years_later(renewed, 5)
                if expires < self.as_of and self.serial % 4:
                    expires = _years_later(expires, 5)
                w.row("qualifications", cert_no=cert_no,
                      uscc=firm.uscc, category=category, specialty=spec, grade=grade,
                      authority="中华人民共和国住房和城乡建设部" if national else auth_prov, issued=issued,
                      expires=expires, status="有效" if expires >= self.as_of else "已过期", source=SOURCE)

    def registrations(self, w: Writer) -> None:
        for firm in self.firms:
            options = REG_TYPES.get(firm.type)
            if not options:
                continue
            count = {"施工": (3, 9), "监理": (3, 8), "设计": (2, 6), "勘察": (1, 4)}.get(firm.type, (1, 3))
            for _ in range(self.rng.randint(*count)):
                reg_type, specs = self.rng.choice(options)
                pid, _ = self.new_person(w, firm.region)
                spec = self.rng.choice(specs)
                valid_from = self.date_between(dt.date(2019, 1, 1), dt.date(2025, 6, 30))
                valid_until = valid_from + dt.timedelta(days=3 * 365)
                level = "1" if reg_type.startswith("一级") else "2"
                reg_no = (f"{firm.region[4]}{level}{firm.region[0][:4]}{self.rng.randrange(10**7, 10**8)}"
                          if "建造师" in reg_type else f"{firm.region[0][:2]}{self.rng.randrange(10**6, 10**7)}")
                w.row("registrations", person_id=pid, uscc=firm.uscc, reg_type=reg_type, specialty=spec,
                      cert_no=f"{firm.region[4]}{self.rng.randrange(10**9, 10**10)}", reg_no=reg_no,
                      valid_from=valid_from, valid_until=valid_until,
                      status="有效" if valid_until >= self.as_of else "已过期", source=SOURCE)
                firm.registered.append((pid, reg_type, spec))

    def pick(self, kind: str, region: tuple | None = None) -> Firm:
        pool = self.by_type.get(kind) or self.by_type["施工"]
        if region is not None and self.rng.random() < 0.7:
            local = [f for f in self.rng.sample(pool, min(len(pool), 40)) if f.region[1] == region[1]]
            if local:
                return self.rng.choice(local)
        return self.rng.choice(pool)

    def projects(self, w: Writer) -> None:
        n_projects = FIRMS_PER_SCALE * self.scale // 2
        year_serial: dict[tuple, int] = {}
        for _ in range(n_projects):
            region = self.rng.choice(REGIONS)
            category, pattern, industry, (lo, hi) = self.rng.choice(PROJECT_KINDS)
            place = region[2]
            name = pattern.format(place=place, n=self.rng.choice("一二三四五六七八九"), brand=self.brand(),
                                  phase=self.rng.choice(PHASES), street=self.rng.choice(STREETS))
            approval = self.date_between(dt.date(2016, 1, 1), dt.date(2025, 6, 30))
            key = (approval.year, region[0])
            year_serial[key] = year_serial.get(key, 0) + 1
            code = f"{approval.year}-{region[0]}-{industry}-01-{year_serial[key] + self.rng.randrange(100) * 1000:06d}"
            investment = float(self.rng.randrange(lo, hi))
            owner = self.pick("建设单位", region)
            open_date = approval + dt.timedelta(days=self.rng.randrange(30, 200))
            start = open_date + dt.timedelta(days=self.rng.randrange(20, 90))
            months = self.rng.randrange(10, 36)
            completion = start + dt.timedelta(days=30 * months)
            status = "已竣工" if completion < self.as_of else ("在建" if start <= self.as_of else "未开工")
            auth = f"{place}发展和改革委员会"
            w.row("projects", project_code=code, name=name, region_code=region[0], category=category,
                  nature=self.rng.choices(["新建", "改建", "扩建"], [70, 20, 10])[0], total_investment=investment,
                  funding=self.rng.choices(["政府投资", "国有", "民营", "外资"], [55, 25, 18, 2])[0],
                  owner_uscc=owner.uscc, approval_no=f"{region[3]}发改投资〔{approval.year}〕{self.rng.randrange(1, 900)}号",
                  approval_authority=auth, approval_date=approval,
                  permit_no=_permit_no(region[0], start, self.rng.randrange(100, 999)) if start <= self.as_of else None,
                  start_date=start, completion_date=completion, status=status,
                  address=f"{place}{self.rng.choice(STREETS)}", source=SOURCE, source_url=None)
            self.project_parties(w, code, region, category, investment, owner, open_date, start, completion)
            self.lives[-1].funding, self.lives[-1].permit_no = w.last["projects"]["funding"], w.last["projects"]["permit_no"]
            self.lives[-1].status = status

    def project_parties(self, w, code, region, category, investment, owner, open_date, start, completion) -> None:
        rng = self.rng
        contractor = self.pick("施工", region)
        supervisor = self.pick("监理", region)
        designer = self.pick("设计", region)
        surveyor = self.pick("勘察", region)
        agency = self.pick("招标代理", region)
        parties = [(owner, ROLE["owner"], None), (contractor, ROLE["general_contractor"], investment * rng.uniform(0.6, 0.85)),
                   (supervisor, ROLE["supervisor"], investment * rng.uniform(0.01, 0.025)),
                   (designer, ROLE["designer"], investment * rng.uniform(0.015, 0.03)),
                   (surveyor, ROLE["surveyor"], investment * rng.uniform(0.003, 0.008)), (agency, ROLE["tender_agent"], None)]
        for firm, role, amount in parties:
            w.row("participations", project_code=code, uscc=firm.uscc, role=role,
                  contract_no=f"HT-{code[-6:]}-{role[:2]}" if amount else None,
                  contract_amount=round(amount, 2) if amount else None,
                  start=start if role not in (ROLE["designer"], ROLE["surveyor"], ROLE["tender_agent"]) else open_date - dt.timedelta(days=60),
                  end=completion, source=SOURCE)
        # Tenders: works (3-9 bidders) and supervision (3-6 bidders); the winners are the parties above.
        tenders: list[tuple] = []
        for section, winner, kind, n_bidders, share in (("施工总承包", contractor, "施工", (3, 9), 0.75),
                                                         ("监理", supervisor, "监理", (3, 6), 0.018)):
            tender_no = f"E{region[0]}{open_date:%Y}{self._next():08d}"
            base = investment * share
            pool = [winner]
            for _ in range(rng.randint(*n_bidders) - 1):
                other = self.pick(kind, region)
                if other not in pool:
                    pool.append(other)
            prices = sorted(round(base * rng.uniform(0.92, 1.05), 2) for _ in pool)
            tenders.append((tender_no, winner, prices[0], open_date))
            for rank, (firm, price) in enumerate(zip(pool, prices), start=1):
                outcome = "中标" if firm is winner else ("废标" if rng.random() < 0.05 else "未中标")
                w.row("bids", tender_no=tender_no, uscc=firm.uscc, price=price, rank=rank, outcome=outcome,
                      source=SOURCE)
            w.row("tenders", tender_no=tender_no, project_code=code, section=f"{section}标段",
                  method=rng.choices(["公开招标", "邀请招标"], [9, 1])[0], agency_uscc=agency.uscc,
                  open_date=open_date, winner_uscc=winner.uscc, winning_price=prices[0], source=SOURCE)
        self.staff(w, code, contractor, "施工", [STAFF["project_manager"], STAFF["technical_lead"]], start, completion)
        self.staff(w, code, supervisor, "监理", [STAFF["chief_supervisor"]], start, completion)
        self.staff(w, code, designer, "设计", [STAFF["design_lead"]], open_date - dt.timedelta(days=120), start)
        if rng.random() < 0.35:
            sub = self.pick("施工", region)
            if sub is not contractor:
                scope = rng.choice(["钢结构工程", "幕墙工程", "消防工程", "机电安装工程", "土石方工程", "劳务作业"])
                amount = round(investment * rng.uniform(0.05, 0.2), 2)
                w.row("subcontracts", project_code=code, from_uscc=contractor.uscc, to_uscc=sub.uscc, scope=scope,
                      amount=amount, source=SOURCE)
                w.row("participations", project_code=code, uscc=sub.uscc,
                      role=ROLE["labour_subcontractor"] if scope == "劳务作业" else ROLE["specialist_subcontractor"], contract_no=None,
                      contract_amount=amount, start=start, end=completion, source=SOURCE)
        if completion < self.as_of and rng.random() < 0.22:
            self.project_award(w, code, contractor, region, completion)
        self.projects_done.append((code, region, contractor, supervisor, start))
        self.lives.append(Life(code, region, investment, owner, contractor, supervisor, designer, surveyor, tenders,
                               start, completion, self.last_staff.get((code, STAFF["project_manager"])),
                               self.last_staff.get((code, STAFF["chief_supervisor"]))))

    def staff(self, w, code, firm: Firm, kind: str, roles: list[str], start, end) -> None:
        for role in roles:
            if firm.registered and self.rng.random() < 0.95:
                pid = self.rng.choice(firm.registered)[0]
            else:
                pid = self.new_person(w, firm.region)[0]
            w.row("project_staff", project_code=code, person_id=pid, role=role, uscc=firm.uscc, start=start,
                  end=end, source=SOURCE)
            self.last_staff[(code, role)] = pid

    def project_award(self, w, code, firm: Firm, region, completion) -> None:
        rng = self.rng
        date = completion + dt.timedelta(days=rng.randrange(90, 400))
        if date > self.as_of:
            return
        roll = rng.random()
        if roll < 0.12:
            name, authority = rng.choice(AWARDS_NATIONAL)
            level, doc = "国家级", f"建协〔{date.year}〕{rng.randrange(1, 60)}号"
        elif roll < 0.55 and region[4] in AWARDS_PROVINCE:
            name, level = AWARDS_PROVINCE[region[4]], "省级"
            authority = f"{region[1]}住房和城乡建设厅"
            doc = f"{region[4]}建质〔{date.year}〕{rng.randrange(1, 90)}号"
        else:
            name, level = region[2] + rng.choice(AWARDS_CITY).removeprefix("市"), "市级"
            authority = f"{region[2]}住房和城乡建设局"
            doc = f"{region[3]}建字〔{date.year}〕{rng.randrange(1, 200)}号"
        w.row("awards", award_id=f"JL{date:%Y}{self._next():07d}", subject_type="enterprise", subject_id=firm.uscc,
              name=name, level=level, authority=authority, date=date, project_code=code, doc_no=doc, source=SOURCE)
        pm = self.last_staff.get((code, STAFF["project_manager"]))
        if pm and rng.random() < 0.4:
            w.row("awards", award_id=f"JL{date:%Y}{self._next():07d}", subject_type="person", subject_id=pm,
                  name=f"{region[1] if region[1] != region[2] else region[2]}{rng.choice(PERSON_AWARDS)}",
                  level="省级", authority=f"{region[1]}建筑业协会" if region[1] != region[2] else f"{region[2]}建筑业协会",
                  date=date, project_code=code, doc_no=f"{region[4]}建协〔{date.year}〕{rng.randrange(1, 90)}号",
                  source=SOURCE)

    def decision_no(self, region: tuple, provincial: bool, year: int) -> tuple[str, str]:
        if provincial and region[1] != region[2]:
            prefix, authority = f"{region[4]}建罚字", f"{region[1]}住房和城乡建设厅"
        else:
            prefix, authority = f"{region[3]}住建罚字", f"{region[2]}住房和城乡建设局"
        key = (prefix, year)
        self.decision_serials[key] = self.decision_serials.get(key, 0) + self.rng.randrange(1, 6)
        return f"{prefix}〔{year}〕{self.decision_serials[key]}号", authority

    def penalties(self, w: Writer) -> None:
        rng = self.rng
        done = self.projects_done
        firm_measures = [m for m in MEASURES for _ in range(m[1])]
        person_measures = [m for m in PERSON_MEASURES for _ in range(m[1])]
        for _ in range(int(len(self.firms) * 0.16)):
            code, region, contractor, supervisor, start = rng.choice(done)
            subject_is_person = rng.random() < 0.2
            if subject_is_person:
                pid = self.last_staff.get((code, STAFF["project_manager"]))
                if not pid:
                    continue
                behaviors = [b for b in BEHAVIORS if b[2] == "person"]
                measure, _, months = rng.choice(person_measures)
                subject_type, subject_id = "person", pid
            else:
                firm = contractor if rng.random() < 0.8 else supervisor
                behaviors = [b for b in BEHAVIORS if b[2] == "enterprise" and (firm.type == "监理") == b[0].startswith("B")]
                measure, _, months = rng.choice(firm_measures)
                subject_type, subject_id = "enterprise", firm.uscc
            code_b, desc, _, basis = rng.choice(behaviors)
            decision = self.date_between(max(start, dt.date(2019, 1, 1)), self.as_of)
            number, authority = self.decision_no(region, rng.random() < 0.4, decision.year)
            valid_until = decision + dt.timedelta(days=30 * rng.randint(*months))
            amount = round(rng.uniform(1, 50), 1) if measure == "罚款" else None
            w.row("penalties", penalty_id=number, subject_type=subject_type, subject_id=subject_id,
                  behavior_code=code_b, description=desc, measure=measure, amount=amount, authority=authority,
                  decision_date=decision, publish_date=decision + dt.timedelta(days=rng.randrange(3, 15)),
                  valid_until=valid_until, project_code=code, legal_basis=basis, source=SOURCE, source_url=None)

    # --- a project's life: contract, drawing review, permit, completion, performance ------------------
    def person_name_of(self, pid: str) -> str:
        return self.persons[int(pid[2:]) - 1][1]

    def stage_person(self, w: Writer, stage: str, key: str, pid: str | None, role: str, firm: Firm) -> None:
        if pid:
            w.row("stage_people", stage=stage, stage_key=key, person_id=pid, name=self.person_name_of(pid), role=role,
                  uscc=firm.uscc, source=SOURCE)

    def stage_parties(self, w: Writer, stage: str, key: str, parties) -> None:
        for firm, role in parties:
            w.row("stage_parties", stage=stage, stage_key=key, uscc=firm.uscc, role=role, source=SOURCE)

    def lifecycle(self, w: Writer) -> None:
        """The stages after the tender result, mostly consistent with it: the contract close to the winning
        price and signed before the start, the drawing review and the permit before the start, the permit and
        the completion naming the tender's project manager; a few per cent of projects stray (a price raised in
        the contract, a manager changed, a permit after the start) as real data does; and the platform's
        false-performance list (虚假业绩) for a few firms."""
        rng = self.life_rng
        serial: dict[tuple, int] = {}
        permits: set[str] = set()

        def number(region: tuple, year: int) -> int:
            serial[(region[0], year)] = serial.get((region[0], year), 0) + 1
            return serial[(region[0], year)]

        for life in self.lives:
            code, region, start, end = life.code, life.region, life.start, life.end
            works = life.tenders[0]  # (tender_no, winner, price, open_date)
            self.stage_person(w, "tender", works[0], life.pm, "project_manager", life.contractor)
            self.stage_person(w, "tender", life.tenders[1][0], life.chief, "chief_supervisor", life.supervisor)
            # The contract record: signed after the award, before the start, close to the winning price.
            signed = works[3] + dt.timedelta(days=rng.randrange(7, 19))
            raised = rng.random() < 0.02
            amount = round(works[2] * (rng.uniform(1.11, 1.3) if raised else rng.uniform(0.98, 1.04)), 2)
            record_no = f"{region[0]}{signed:%Y%m}{number(region, signed.year):04d}"
            w.row("contracts", contract_id=record_no, project_code=code, contract_no=f"HT-{code[-6:]}-{ROLE['general_contractor'][:2]}",
                  record_no=record_no, contract_type="施工总承包", amount=amount, scale=_scale_word(amount),
                  signed_date=signed, created=signed + dt.timedelta(days=rng.randrange(1, 15)), source=SOURCE)
            self.stage_parties(w, "contract", record_no, ((life.owner, "owner"), (life.contractor, "contractor")))
            if start > self.as_of:
                continue
            # The drawing review, then the permit resting on it, both before the start.
            reviewed = start - dt.timedelta(days=rng.randrange(30, 90))
            review_no = f"{region[0]}{reviewed:%Y}{number(region, reviewed.year):05d}SC"
            w.row("drawing_reviews", review_no=review_no, project_code=code, review_date=reviewed,
                  reviewer_name=f"{region[2]}{self.brand()}施工图审查有限公司", source=SOURCE)
            self.stage_parties(w, "drawing_review", review_no, ((life.owner, "owner"), (life.designer, "designer"),
                                                                (life.surveyor, "surveyor")))
            late = rng.random() < 0.015
            issued = start + dt.timedelta(days=rng.randrange(5, 40)) if late else start - dt.timedelta(days=rng.randrange(0, 21))
            permit_no = life.permit_no or _permit_no(region[0], start, rng.randrange(100, 999))
            while permit_no in permits:  # the project's number, unless another project drew it too
                permit_no = _permit_no(region[0], start, rng.randrange(100, 999))
            permits.add(permit_no)
            w.row("permits", permit_no=permit_no, project_code=code, review_no=review_no,
                  provincial_project_no=f"{region[0][:4]}{start:%y}{number(region, start.year):06d}", amount=amount,
                  area=float(rng.randrange(3000, 80000)), issued=issued, planned_start=start, planned_end=end,
                  created=issued, source=SOURCE)
            self.stage_parties(w, "permit", permit_no, ((life.owner, "owner"), (life.contractor, "contractor"),
                                                        (life.supervisor, "supervisor"), (life.designer, "designer"),
                                                        (life.surveyor, "surveyor")))
            pm = life.pm
            if pm and rng.random() < 0.03 and life.contractor.registered:
                pm = rng.choice(life.contractor.registered)[0]  # a manager changed without a record
            self.stage_person(w, "permit", permit_no, pm, "project_manager", life.contractor)
            self.stage_person(w, "permit", permit_no, life.chief, "chief_supervisor", life.supervisor)
            if life.status != "已竣工":
                continue
            done = end + dt.timedelta(days=rng.randrange(10, 60))
            if done > self.as_of:
                continue
            completion_no = f"{region[0]}{done:%Y%m}{number(region, done.year):04d}JX"
            w.row("completions", completion_no=completion_no, project_code=code, permit_no=permit_no,
                  provincial_no=f"{region[0][:4]}JX{done:%Y}{number(region, done.year):05d}",
                  fact_cost=round(amount * rng.uniform(0.95, 1.08), 2), fact_area=float(rng.randrange(3000, 80000)),
                  fact_size=None, structure=rng.choice(["框架结构", "框架-剪力墙结构", "剪力墙结构", "钢结构", "砖混结构"]),
                  start_date=start, end_date=end, data_source=rng.choices(["业务办理", "信息登记", "历史业绩补录"], [85, 12, 3])[0],
                  remark=None, created=done, source=SOURCE)
            self.stage_parties(w, "completion", completion_no, ((life.owner, "owner"), (life.contractor, "contractor"),
                                                                (life.supervisor, "supervisor")))
            self.stage_person(w, "completion", completion_no, pm, "project_manager", life.contractor)
            if rng.random() < 0.6:
                perf_no = f"YJ{region[0]}{end:%Y}{number(region, end.year):05d}"
                w.row("performances", perf_no=perf_no, project_code=code, uscc=life.contractor.uscc,
                      qualification_standard=f"{life.category_hint}施工总承包",
                      scale_grade=f"建筑面积{rng.randrange(1, 20)}万平方米" if life.investment < 50_000 else "单项合同额1亿元以上",
                      start_date=start, end_date=end, source=SOURCE)
                self.stage_person(w, "performance", perf_no, pm, "project_manager", life.contractor)
        # The false-performance list: a few contractors, each marked on one of its completed projects.
        done = [life for life in self.lives if life.status == "已竣工"]
        for _ in range(max(1, len(self.firms) // 250)):
            life = rng.choice(done)
            first = max(life.end, dt.date(2020, 1, 1))
            marked = first + dt.timedelta(days=rng.randrange(max(1, (self.as_of - first).days)))
            w.row("penalties", penalty_id=f"FAKE-{marked:%Y}{number(('FAKE',), marked.year):06d}", subject_type="enterprise",
                  subject_id=life.contractor.uscc, description=rng.choice(["虚报工程业绩", "业绩信息与实际不符", "提供虚假竣工资料"]),
                  measure="虚假业绩", authority="住房和城乡建设部", decision_date=marked, project_code=life.code,
                  source=SOURCE)

    def run(self, out: Path) -> dict[str, int]:
        w = Writer(Path(out))
        try:
            self.enterprises(w)
            self.qualifications(w)
            self.registrations(w)
            self.projects(w)
            self.penalties(w)
            self.lifecycle(w)
        finally:
            w.close()
        return dict(w.counts)


def _scale_word(amount: float) -> str:
    return "大型" if amount >= 10_000 else ("中型" if amount >= 3_000 else "小型")


def generate(out: Path, scale: int = 1, seed: int = 7, as_of: dt.date = dt.date(2026, 10, 31)) -> dict[str, int]:
    return Generator(scale, seed, as_of).run(Path(out))
