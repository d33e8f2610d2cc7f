"""``chengxin sample OUT --plant``: known cases of every red flag, each beside a clean look-alike.

The planted rows are appended to the CSV folder (or written alone into an empty one) and a
manifest, ``planted.json``, names for every detector the hits it must report (``planted``) and
the look-alikes it must not (``controls``), by the detector's hit key. It also names the
connection the path finder must find and the eligibility answers on the days around a ban.
Everything planted is its own island (ids ``PLANT…``), so a detector's result on the planted
entities does not depend on the background sample.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from chengxin.graph.vocabulary import CATEGORY, ROLE, STAFF, TYPE_QUALIFICATION

from .ids import uscc_check_char
from .rows import COLUMNS

SOURCE = "chengxin 植入案例 (planted cases)"
DEMO_SOURCE = "chengxin 演示案例 (synthetic demo cases)"
REGION = "320500"
D = dt.date.fromisoformat


def firm_id(n: int, ordinary: bool = False) -> str:
    first = f"91{REGION}MA1W{n:05d}" if ordinary else f"91{REGION}PLANT{n:04d}"
    return first + uscc_check_char(first)


# ``ordinary=True`` (the demo): the same cases under names and numbers like the market's own, so
# search, the flags and the risk ranking do not read like a test database. The tests keep the
# marked names (植…, PLANT…) their assertions use.
_FIRM_HEADS = ("华夏", "恒远", "鼎盛", "中联", "金桥", "瑞丰", "宏基", "东吴", "姑苏", "新港", "正泰", "长江",
               "泰和", "德信", "远大", "安居", "天成", "广厦", "嘉诚", "永固", "万通", "隆兴", "国信", "锦程")
_FIRM_TAILS = ("建工", "建设工程", "建筑工程", "市政工程")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
_GIVEN = ("建国", "志强", "海峰", "晓东", "国华", "明辉", "永清", "德胜", "文杰", "春生", "立新", "振华", "小红",
          "丽娟", "雪梅", "秀英", "伟", "磊", "军", "勇", "涛", "斌", "洁", "静")
_DISTRICTS = ("工业园区", "吴中区", "相城区", "姑苏区", "吴江区", "高新区", "常熟", "昆山", "太仓", "张家港")
_WORKS = ("厂房", "住宅小区", "学校教学楼", "道路改造", "综合楼", "污水管网", "医院门诊楼", "体育馆")


def ordinary_firm(n: int) -> str:
    return f"苏州{_FIRM_HEADS[(n - 1) % len(_FIRM_HEADS)]}{_FIRM_TAILS[(n - 1) // len(_FIRM_HEADS) % len(_FIRM_TAILS)]}"


def ordinary_person(n: int) -> str:
    return _SURNAMES[(n * 7) % len(_SURNAMES)] + _GIVEN[(n * 5) % len(_GIVEN)]


class Planter:
    def __init__(self, ordinary: bool = False):
        self.ordinary = ordinary
        self.rows: dict[str, list[dict]] = {t: [] for t in COLUMNS}
        self.manifest: dict = {"flags": {}, "path": [], "eligibility": []}
        self.n = 0

    def add(self, table: str, **values) -> None:
        values.setdefault("source", DEMO_SOURCE if self.ordinary else SOURCE)
        self.rows[table].append(values)

    def expect(self, kind: str, key: str, control: bool = False) -> None:
        entry = self.manifest["flags"].setdefault(kind, {"planted": [], "controls": []})
        entry["controls" if control else "planted"].append(key)

    # --- entities ----------------------------------------------------------------------
    def firm(self, name: str, kind: str = "施工", qualified: bool = True, rep: str | None = None,
             phone: str | None = None, address: str | None = None) -> str:
        self.n += 1
        uscc = firm_id(self.n, self.ordinary)
        rep = rep or self.person(f"法人{self.n}")
        if self.ordinary:
            name = ordinary_firm(self.n)[2:]
            address = (address or f"苏州市植入路{self.n}号").replace("植入路", "星湖街")
        self.add("enterprises", uscc=uscc, name=f"苏州{name}有限公司", type=kind, legal_rep_id=rep,
                 legal_rep_name=None, region_code=REGION, address=address or f"苏州市植入路{self.n}号",
                 phone=phone or f"0512-6{self.n:07d}", registered_capital=5000, established="2010-05-01")
        if qualified:
            self.qualification(uscc, TYPE_QUALIFICATION.get(kind, CATEGORY["general_contracting"]),
                               "2015-01-01", "2030-12-31")
        return uscc

    def person(self, name: str) -> str:
        n = len(self.rows['persons']) + 1
        if self.ordinary:
            pid, name = f"RY9{n:08d}", ordinary_person(n)
        else:
            pid, name = f"PLANT-P{n:03d}", f"植{name}"
        self.add("persons", person_id=pid, name=name, gender="男")
        return pid

    def qualification(self, uscc: str, category: str, issued: str, expires: str) -> None:
        n = len(self.rows['qualifications']) + 1
        self.add("qualifications", cert_no=f"D232{n:06d}" if self.ordinary else f"PLANT-Q{n:03d}", uscc=uscc,
                 category=category, specialty="建筑工程", grade="二级", authority="江苏省住房和城乡建设厅",
                 issued=issued, expires=expires)

    def project(self, n: int, start: str, end: str, owner: str | None = None) -> str:
        code = f"{start[:4]}-{REGION}-48-01-99{n:04d}"
        name = (f"苏州{_DISTRICTS[n % len(_DISTRICTS)]}{_WORKS[n % len(_WORKS)]}{n}号工程" if self.ordinary
                else f"苏州植入第{n}号工程")
        self.add("projects", project_code=code, name=name, region_code=REGION, category="房屋建筑",
                 start_date=start, completion_date=end, owner_uscc=owner, total_investment=8000)
        return code

    def takes_part(self, code: str, uscc: str, role: str, start: str, end: str) -> None:
        self.add("participations", project_code=code, uscc=uscc, role=role, start=start, end=end)

    def registered(self, pid: str, uscc: str, start: str, end: str, reg_type: str = "一级注册建造师") -> None:
        self.add("registrations", person_id=pid, uscc=uscc, reg_type=reg_type, specialty="建筑工程",
                 valid_from=start, valid_until=end)

    def works(self, pid: str, code: str, uscc: str, start: str, end: str, role: str = STAFF["project_manager"]) -> None:
        self.add("project_staff", project_code=code, person_id=pid, role=role, uscc=uscc, start=start, end=end)

    def tender(self, n: int, code: str, open_date: str, bidders: list[str], winner: str) -> str:
        tno = f"E320500{open_date[:4]}{n:07d}" if self.ordinary else f"PLANT-T{n:03d}"
        self.add("tenders", tender_no=tno, project_code=code, section="施工总承包标段", method="公开招标",
                 open_date=open_date, winner_uscc=winner)
        for rank, uscc in enumerate(sorted(bidders, key=lambda u: u != winner), start=1):
            self.add("bids", tender_no=tno, uscc=uscc, rank=rank, outcome="中标" if uscc == winner else "未中标")
        return tno

    def penalty(self, n: int, uscc: str, measure: str, start: str, end: str | None) -> str:
        pid = f"苏园建罚字〔{start[:4]}〕{100 + n}号" if self.ordinary else f"苏植罚字〔{start[:4]}〕{n}号"
        self.add("penalties", penalty_id=pid, subject_type="enterprise", subject_id=uscc, measure=measure,
                 authority="苏州市住房和城乡建设局", decision_date=start, valid_until=end,
                 description="违反招标投标及资质管理规定" if self.ordinary else "植入案例 planted case")
        return pid

    # --- the cases ----------------------------------------------------------------------
    def cert_lending(self) -> None:
        a, b, c = self.firm("植甲建设"), self.firm("植乙建设"), self.firm("植丙建设")
        x = self.project(1, "2023-03-01", "2024-06-30")
        self.takes_part(x, b, ROLE["general_contractor"], "2023-03-01", "2024-06-30")
        # Registered at A, acting as project manager for B.
        p1 = self.person("挂证甲")
        self.registered(p1, a, "2022-01-01", "2026-12-31")
        self.works(p1, x, b, "2023-03-01", "2024-06-30")
        self.expect("cert_lending", p1)
        # Registered at A and C at once.
        p2 = self.person("挂证乙")
        self.registered(p2, a, "2021-01-01", "2025-12-31")
        self.registered(p2, c, "2023-06-01", "2027-05-31")
        self.expect("cert_lending", p2)
        # Look-alikes: moved from A to B before acting for B; two registrations one after the other.
        p3 = self.person("转注册")
        self.registered(p3, a, "2019-01-01", "2021-12-31")
        self.registered(p3, b, "2022-01-01", "2026-12-31")
        y = self.project(2, "2023-05-01", "2024-04-30")
        self.takes_part(y, b, ROLE["general_contractor"], "2023-05-01", "2024-04-30")
        self.works(p3, y, b, "2023-05-01", "2024-04-30")
        self.expect("cert_lending", p3, control=True)
        p4 = self.person("先后注册")
        self.registered(p4, a, "2018-01-01", "2020-12-31")
        self.registered(p4, c, "2021-01-01", "2024-12-31")
        self.expect("cert_lending", p4, control=True)
        # The path finder: from A to B through the lent certificate.
        self.manifest["path"].append({"from": f"enterprise:{a}", "to": f"project:{x}", "through": [f"person:{p1}"]})
        self.manifest["path"].append({"from": f"enterprise:{a}", "to": f"enterprise:{b}", "through": [f"person:{p3}"]})

    def pm_conflict(self) -> None:
        f = self.firm("植丁建设")
        p5, p6, p7 = self.person("双项目经理"), self.person("接续项目经理"), self.person("兼技术负责人")
        codes = [self.project(n, s, e) for n, s, e in ((3, "2023-01-01", "2024-12-31"), (4, "2024-03-01", "2025-06-30"),
                                                       (5, "2021-01-01", "2022-06-30"), (6, "2022-07-01", "2023-12-31"))]
        for code, (s, e) in zip(codes, (("2023-01-01", "2024-12-31"), ("2024-03-01", "2025-06-30"),
                                        ("2021-01-01", "2022-06-30"), ("2022-07-01", "2023-12-31"))):
            self.takes_part(code, f, ROLE["general_contractor"], s, e)
        for pid in (p5, p6, p7):
            self.registered(pid, f, "2018-01-01", "2027-12-31")
        self.works(p5, codes[0], f, "2023-01-01", "2024-12-31")
        self.works(p5, codes[1], f, "2024-03-01", "2025-06-30")
        self.expect("pm_conflict", p5)
        self.works(p6, codes[2], f, "2021-01-01", "2022-06-30")
        self.works(p6, codes[3], f, "2022-07-01", "2023-12-31")
        self.expect("pm_conflict", p6, control=True)
        self.works(p7, codes[0], f, "2023-01-01", "2024-12-31", role=STAFF["technical_lead"])
        self.works(p7, codes[2], f, "2021-01-01", "2022-06-30")
        self.works(p7, codes[1], f, "2024-03-01", "2025-06-30", role=STAFF["technical_lead"])
        self.expect("pm_conflict", p7, control=True)

    def sanctioned_bidding(self) -> None:
        s, s2, s3, s4, other = (self.firm(n) for n in ("停标甲建设", "停标乙建设", "罚款丙建设", "黑名单丁建设", "植陪标建设"))
        code = self.project(7, "2024-01-01", "2026-12-31")
        self.penalty(1, s, "暂停投标资格", "2025-01-01", "2025-12-31")
        t1 = self.tender(1, code, "2025-06-01", [s, other], other)
        self.expect("sanctioned_bidding", f"{s}|{t1}")
        self.penalty(2, s2, "暂停投标资格", "2024-01-01", "2024-06-30")
        t2 = self.tender(2, code, "2024-09-01", [s2, other], other)
        self.expect("sanctioned_bidding", f"{s2}|{t2}", control=True)
        self.penalty(3, s3, "罚款", "2025-01-01", "2026-12-31")
        t3 = self.tender(3, code, "2025-07-01", [s3, other], s3)
        self.expect("sanctioned_bidding", f"{s3}|{t3}", control=True)
        self.penalty(4, s4, "列入黑名单", "2025-02-01", None)
        t4 = self.tender(4, code, "2025-08-01", [s4, other], s4)
        self.expect("sanctioned_bidding", f"{s4}|{t4}")
        # Eligibility on the days around S's ban.
        for day, eligible in (("2024-12-31", True), ("2025-01-01", False), ("2025-06-01", False),
                              ("2025-12-31", False), ("2026-01-01", True)):
            self.manifest["eligibility"].append({"uscc": s, "date": day, "eligible": eligible})

    def bid_rings(self) -> None:
        code = self.project(8, "2024-01-01", "2026-06-30")
        rep = self.person("共同法人")
        f1, f2 = self.firm("围标甲建设", rep=rep), self.firm("围标乙建设", rep=rep)
        f3, f8, f9 = self.firm("陪标丙建设"), self.firm("独立戊建设"), self.firm("独立己建设")
        r1 = self.tender(11, code, "2024-03-01", [f1, f2, f3], f1)
        self.expect("bid_ring", r1)
        holder = self.person("共同股东")
        f4, f5 = self.firm("持股甲建设"), self.firm("持股乙建设")
        for u in (f4, f5):
            self.add("shareholdings", holder_type="person", holder_id=holder, uscc=u, share_pct=60)
        r2 = self.tender(12, code, "2024-04-01", [f4, f5, f9], f5)
        self.expect("bid_ring", r2)
        f6 = self.firm("同址甲建设", address="苏州市植入路888号", phone="0512-69990001")
        f7 = self.firm("同址乙建设", address="苏州市植入路888号", phone="0512-69990002")
        r3 = self.tender(13, code, "2024-05-01", [f6, f7], f7)
        self.expect("bid_ring", r3)
        staff = self.person("两处注册")
        f10, f11 = self.firm("共用人员甲建设"), self.firm("共用人员乙建设")
        self.registered(staff, f10, "2020-01-01", "2025-12-31", reg_type="二级注册建造师")
        self.registered(staff, f11, "2023-01-01", "2027-12-31", reg_type="二级注册建造师")
        r6 = self.tender(16, code, "2024-06-01", [f10, f11, f8], f8)
        self.expect("bid_ring", r6)
        self.expect("cert_lending", staff)  # registered at both firms at once
        # Look-alikes: independent bidders; the two firms that share a representative, bidding apart.
        r4 = self.tender(14, code, "2024-07-01", [f8, f9], f9)
        r5 = self.tender(15, code, "2024-08-01", [f1, f8], f8)
        r7 = self.tender(17, code, "2024-09-01", [f2, f9], f2)
        for r in (r4, r5, r7):
            self.expect("bid_ring", r, control=True)

    def bid_rotation(self) -> None:
        code = self.project(9, "2022-01-01", "2026-06-30")
        g = [self.firm(f"轮流{c}建设") for c in "甲乙丙"]
        h = [self.firm(f"常胜{c}建设") for c in "甲乙丙"]
        k = [self.firm(f"偶遇{c}建设") for c in "甲乙"]
        n = 20
        for i, winner in enumerate((g[0], g[1], g[2], g[0])):
            self.tender(n + i, code, f"2022-0{i + 2}-01", g, winner)
        for i in range(4):
            self.tender(n + 4 + i, code, f"2023-0{i + 2}-01", h, h[0])
        for i, winner in enumerate(k):
            self.tender(n + 8 + i, code, f"2024-0{i + 2}-01", k, winner)
        self.expect("bid_rotation", "|".join(sorted(g)))
        self.expect("bid_rotation", "|".join(sorted(h)), control=True)
        self.expect("bid_rotation", "|".join(sorted(k)), control=True)

    def subcontracting(self) -> None:
        a, b, c = self.firm("总包甲建设"), self.firm("转包乙建设"), self.firm("末端丙建设")
        q1, q2, q3 = (self.project(n, "2024-03-01", "2025-12-31") for n in (10, 11, 12))
        for code in (q1, q2, q3):
            self.takes_part(code, a, ROLE["general_contractor"], "2024-03-01", "2025-12-31")
        for frm, to, code in ((a, b, q1), (b, c, q1), (a, b, q2), (b, c, q3)):
            self.add("subcontracts", project_code=code, from_uscc=frm, to_uscc=to, scope="机电安装工程", amount=300)
            self.takes_part(code, to, "专业分包", "2024-03-01", "2025-12-31")
        self.expect("subcontract_chain", q1)
        self.expect("subcontract_chain", q2, control=True)
        self.expect("subcontract_chain", q3, control=True)
        # Subcontractors: a supervision firm, one whose qualification expired, one that is valid.
        q4 = self.project(13, "2024-03-01", "2025-12-31")
        self.takes_part(q4, a, ROLE["general_contractor"], "2024-03-01", "2025-12-31")
        d1 = self.firm("无资质甲工程", kind="监理")
        d2 = self.firm("过期乙工程", qualified=False)
        self.qualification(d2, CATEGORY["specialist_contracting"], "2018-01-01", "2023-12-31")
        e = self.firm("合规丙工程", qualified=False)
        self.qualification(e, CATEGORY["specialist_contracting"], "2020-01-01", "2028-12-31")
        for to in (d1, d2, e):
            self.add("subcontracts", project_code=q4, from_uscc=a, to_uscc=to, scope="幕墙工程", amount=200)
            self.takes_part(q4, to, "专业分包", "2024-03-01", "2025-12-31")
        self.expect("unqualified_subcontractor", f"{q4}|{d1}")
        self.expect("unqualified_subcontractor", f"{q4}|{d2}")
        self.expect("unqualified_subcontractor", f"{q4}|{e}", control=True)
        for frm, to, code in ((a, b, q1), (b, c, q1)):
            self.expect("unqualified_subcontractor", f"{code}|{to}", control=True)
        for u in (d1, d2):
            self.expect("unqualified_participation", f"{q4}|{u}|专业分包")
        self.expect("unqualified_participation", f"{q4}|{e}|专业分包", control=True)

    def phoenix(self) -> None:
        code = self.project(14, "2022-01-01", "2026-06-30")
        other = self.firm("凤凰陪标建设")
        rep = self.person("凤凰法人")
        x1 = self.firm("黑名单旧建设", rep=rep)
        x2 = self.firm("新生甲建设", rep=rep)
        self.penalty(11, x1, "列入黑名单", "2024-01-10", "2027-01-09")
        self.tender(41, code, "2024-08-01", [x2, other], x2)
        self.expect("phoenix", f"{x1}|{x2}")
        staff = self.person("凤凰建造师")
        x3, x4 = self.firm("吊销旧建设"), self.firm("新生乙建设")
        self.penalty(12, x3, "吊销资质", "2023-05-01", None)
        self.registered(staff, x3, "2020-01-01", "2023-04-30")
        self.registered(staff, x4, "2023-06-01", "2028-05-31")
        self.tender(42, code, "2024-02-01", [x4, other], x4)
        self.expect("phoenix", f"{x3}|{x4}")
        # Look-alikes: a fine only; a blacklisting after the other firm's only win.
        rep2, rep3 = self.person("罚款法人"), self.person("先胜后黑法人")
        y1, y2 = self.firm("罚款旧建设", rep=rep2), self.firm("罚款新建设", rep=rep2)
        self.penalty(13, y1, "罚款", "2023-01-01", "2025-01-01")
        self.tender(43, code, "2023-06-01", [y2, other], y2)
        self.expect("phoenix", f"{y1}|{y2}", control=True)
        x5, x6 = self.firm("后黑旧建设", rep=rep3), self.firm("先胜新建设", rep=rep3)
        self.penalty(14, x5, "列入黑名单", "2025-03-01", None)
        self.tender(44, code, "2022-09-01", [x6, other], x6)
        self.expect("phoenix", f"{x5}|{x6}", control=True)

    def unqualified_participation(self) -> None:
        u1 = self.firm("过期总包建设", qualified=False)
        self.qualification(u1, CATEGORY["general_contracting"], "2015-01-01", "2024-12-31")
        u2 = self.firm("有效总包建设", qualified=False)
        self.qualification(u2, CATEGORY["general_contracting"], "2015-01-01", "2027-12-31")
        u3 = self.firm("代理招标咨询", kind="招标代理", qualified=False)
        u4 = self.firm("监理冒充建设", kind="监理")
        v1, v2 = self.project(15, "2025-05-01", "2026-12-31"), self.project(16, "2025-05-01", "2026-12-31")
        self.takes_part(v1, u1, ROLE["general_contractor"], "2025-05-01", "2026-12-31")
        self.takes_part(v2, u2, ROLE["general_contractor"], "2025-05-01", "2026-12-31")
        self.takes_part(v1, u3, ROLE["tender_agent"], "2025-01-01", "2025-04-30")
        self.takes_part(v2, u4, ROLE["general_contractor"], "2025-05-01", "2026-12-31")
        self.expect("unqualified_participation", f"{v1}|{u1}|{ROLE['general_contractor']}")
        self.expect("unqualified_participation", f"{v2}|{u4}|{ROLE['general_contractor']}")
        self.expect("unqualified_participation", f"{v2}|{u2}|{ROLE['general_contractor']}", control=True)
        self.expect("unqualified_participation", f"{v1}|{u3}|{ROLE['tender_agent']}", control=True)

    # --- a project's life (issue 16): the stages checked against each other -------------------
    # Stage records name firms (stage_parties) and people (stage_people) by the codes of the
    # vocabulary's stage roles and staff roles; each case's projects are its own.
    def life_project(self, n: int, start: str, end: str, funding: str = "民营", investment: float = 5000) -> str:
        code = f"{start[:4]}-{REGION}-48-01-98{n:04d}"
        names = {1: "吴中区实验小学扩建工程", 2: "相城区污水处理厂提标改造工程", 3: "姑苏区平江路管网改造工程",
                 4: "工业园区邻里中心建设项目", 5: "高新区人才公寓二期工程", 6: "吴江区体育中心游泳馆工程"}
        self.add("projects", project_code=code, name=f"苏州市{names.get(n % 7 or 1, '城市更新')}（{n}标）",
                 region_code=REGION, category="房屋建筑", start_date=start, completion_date=end, funding=funding,
                 total_investment=investment)
        return code

    def party(self, stage: str, key: str, uscc: str, role: str) -> None:
        self.add("stage_parties", stage=stage, stage_key=key, uscc=uscc, role=role)

    def named(self, stage: str, key: str, pid: str, role: str = "project_manager", uscc: str | None = None) -> None:
        name = next(r["name"] for r in self.rows["persons"] if r["person_id"] == pid)
        self.add("stage_people", stage=stage, stage_key=key, person_id=pid, name=name, role=role, uscc=uscc)

    def priced_tender(self, n: int, code: str, open_date: str, winner: str, price: float | None = None,
                      section: str = "施工总承包标段", pm: str | None = None, pm_role: str = "project_manager") -> str:
        tno = f"PLANT-LT{n:03d}"
        self.add("tenders", tender_no=tno, project_code=code, section=section, method="公开招标", open_date=open_date,
                 winner_uscc=winner, winning_price=price)
        self.add("bids", tender_no=tno, uscc=winner, price=price, rank=1, outcome="中标")
        if pm:
            self.named("tender", tno, pm, pm_role, winner)
        return tno

    def contract(self, n: int, code: str, amount: float, signed: str, contractor: str, owner: str | None = None) -> str:
        cid = f"320500{signed[:4]}{n:04d}HT"
        self.add("contracts", contract_id=cid, project_code=code, contract_no=f"SZHT-{signed[:4]}-{n:03d}", record_no=cid,
                 contract_type="施工总承包", amount=amount, signed_date=signed, created=signed)
        self.party("contract", cid, contractor, "contractor")
        if owner:
            self.party("contract", cid, owner, "owner")
        return cid

    def permit(self, n: int, code: str, issued: str, contractor: str | None, start: str | None = None,
               end: str | None = None, pm: str | None = None, amount: float | None = 3000) -> str:
        no = f"{REGION}{issued.replace('-', '')}{n:02d}01"  # 18 digits as the platform's: region, date, sequence
        self.add("permits", permit_no=no, project_code=code, provincial_project_no=f"3205{n:06d}", amount=amount,
                 area=12000, issued=issued, planned_start=start, planned_end=end, created=issued)
        if contractor:
            self.party("permit", no, contractor, "contractor")
        if pm:
            self.named("permit", no, pm, "project_manager", contractor)
        return no

    def completion(self, n: int, code: str, start: str, end: str, permit_no: str | None, contractor: str) -> str:
        no = f"320500{end[:4]}{n:04d}JX"
        self.add("completions", completion_no=no, project_code=code, permit_no=permit_no, fact_cost=2900,
                 fact_area=12000, structure="框架结构", start_date=start, end_date=end, data_source="业务办理",
                 created=end)
        self.party("completion", no, contractor, "contractor")
        return no

    def performance(self, n: int, code: str, uscc: str, start: str, end: str) -> str:
        no = f"PLANT-YJ{n:03d}"
        # the table's uscc makes the firm's PARTY_TO (performer): no stage_parties row for it
        self.add("performances", perf_no=no, project_code=code, uscc=uscc, qualification_standard="建筑工程施工总承包",
                 scale_grade="单体建筑面积1.2万平方米", start_date=start, end_date=end)
        return no

    def pm_changed(self) -> None:
        a, b = self.firm("华润达建设"), self.firm("正泰监理", kind="监理")
        # The tender names one project manager, the permit another; nothing records the change.
        x = self.life_project(1, "2024-03-01", "2025-08-31")
        pm1, pm2 = self.person("周建华"), self.person("钱志明")
        self.priced_tender(1, x, "2024-01-10", a, 4200, pm=pm1)
        self.permit(1, x, "2024-02-20", a, "2024-03-01", "2025-08-31", pm=pm2)
        self.expect("pm_changed", f"{x}|{pm1}|{pm2}")
        # The supervision tender names one chief supervising engineer, the performance record another.
        cs1, cs2 = self.person("孙立新"), self.person("李国庆")
        self.priced_tender(2, x, "2024-01-12", b, 80, section="监理标段", pm=cs1, pm_role="chief_supervisor")
        perf = self.performance(1, x, b, "2024-03-01", "2025-08-31")
        self.named("performance", perf, cs2, "chief_supervisor", b)
        self.expect("pm_changed", f"{x}|{cs1}|{cs2}")
        # Look-alikes: a change that was recorded (the first left before the second started) …
        y = self.life_project(2, "2024-04-01", "2025-10-31")
        pm3, pm4 = self.person("吴海波"), self.person("郑春梅")
        self.priced_tender(3, y, "2024-02-01", a, 3900, pm=pm3)
        self.permit(2, y, "2024-03-20", a, "2024-04-01", "2025-10-31", pm=pm4)
        self.works(pm3, y, a, "2024-04-01", "2024-09-30")
        self.works(pm4, y, a, "2024-10-01", "2025-10-31")
        self.expect("pm_changed", f"{y}|{pm3}|{pm4}", control=True)
        # … and a permit naming the tender's project manager beside another person in another role.
        z = self.life_project(3, "2024-05-01", "2025-12-31")
        pm5, tech = self.person("王德胜"), self.person("冯晓东")
        self.priced_tender(4, z, "2024-03-01", a, 5100, pm=pm5)
        pz = self.permit(3, z, "2024-04-15", a, "2024-05-01", "2025-12-31", pm=pm5)
        self.named("permit", pz, tech, "technical_lead", a)
        self.expect("pm_changed", f"{z}|{pm5}|{tech}", control=True)
        # … and the tender's manager named on the permit under another person record (same name: a platform
        # record with a masked ID number keys the person apart).
        v = self.life_project(24, "2024-06-01", "2025-11-30")
        pm6, pm6b = self.person("沈立新"), self.person("沈立新")
        self.priced_tender(13, v, "2024-04-01", a, 4600, pm=pm6)
        self.permit(18, v, "2024-05-20", a, "2024-06-01", "2025-11-30", pm=pm6b)
        self.expect("pm_changed", f"{v}|{pm6}|{pm6b}", control=True)

    def contract_above_award(self) -> None:
        a, owner = self.firm("中恒建工"), self.firm("城投置业", kind="建设单位")
        x = self.life_project(4, "2024-06-01", "2025-12-31")
        self.priced_tender(5, x, "2024-04-10", a, 6000)
        self.expect("contract_above_award", self.contract(1, x, 6900, "2024-05-06", a, owner))  # 15 % above
        y = self.life_project(5, "2024-06-01", "2025-12-31")
        self.priced_tender(6, y, "2024-04-12", a, 6000)
        self.expect("contract_above_award", self.contract(2, y, 6540, "2024-05-08", a, owner), control=True)  # 9 %
        z = self.life_project(6, "2024-06-01", "2025-12-31")
        self.priced_tender(7, z, "2024-04-15", a, 6000)
        self.expect("contract_above_award", self.contract(3, z, 6600, "2024-05-10", a, owner), control=True)  # 10 %

    def work_before_permit(self) -> None:
        a = self.firm("鸿业建设")
        x = self.life_project(7, "2023-03-01", "2024-06-30")
        px = self.permit(4, x, "2023-03-15", a, "2023-03-15", "2024-06-30")
        self.expect("work_before_permit", self.completion(1, x, "2023-03-01", "2024-06-30", px, a))
        y = self.life_project(8, "2023-04-01", "2024-07-31")
        self.expect("work_before_permit", self.completion(2, y, "2023-04-01", "2024-07-31", None, a))  # no permit at all
        # Look-alikes: work started the day the permit was issued; a completion that does not name its
        # permit, on a project whose permit came before the start.
        z = self.life_project(9, "2023-05-10", "2024-08-31")
        pz = self.permit(5, z, "2023-05-10", a, "2023-05-10", "2024-08-31")
        self.expect("work_before_permit", self.completion(3, z, "2023-05-10", "2024-08-31", pz, a), control=True)
        v = self.life_project(10, "2023-06-01", "2024-09-30")
        self.permit(6, v, "2023-05-20", a, "2023-06-01", "2024-09-30")
        self.expect("work_before_permit", self.completion(4, v, "2023-06-01", "2024-09-30", None, a), control=True)

    def permit_without_tender(self) -> None:
        a, b = self.firm("远大建设"), self.firm("金泰建设")
        x = self.life_project(11, "2024-07-01", "2025-12-31", funding="政府投资", investment=5000)
        self.expect("permit_without_tender", self.permit(7, x, "2024-06-20", a, amount=3000))
        y = self.life_project(12, "2024-07-01", "2025-12-31", funding="国有", investment=5000)
        self.priced_tender(8, y, "2024-05-10", b, 3100)
        self.expect("permit_without_tender", self.permit(8, y, "2024-06-25", a, amount=3100))  # not the winner
        # Look-alikes: a privately funded project awarded directly; a state-funded one below 400 万元;
        # a permit whose contractor won the tender.
        z = self.life_project(13, "2024-07-01", "2025-12-31", funding="民营", investment=5000)
        self.expect("permit_without_tender", self.permit(9, z, "2024-06-20", a, amount=3000), control=True)
        v = self.life_project(14, "2024-07-01", "2025-03-31", funding="政府投资", investment=350)
        self.expect("permit_without_tender", self.permit(10, v, "2024-06-20", a, amount=320), control=True)
        w = self.life_project(15, "2024-07-01", "2025-12-31", funding="政府投资", investment=5000)
        self.priced_tender(9, w, "2024-05-12", a, 3000)
        self.expect("permit_without_tender", self.permit(11, w, "2024-06-28", a, amount=3000), control=True)

    def false_performance(self) -> None:
        a, b, c = self.firm("盛世建设"), self.firm("永安建工"), self.firm("瑞丰建设")
        x = self.life_project(16, "2020-03-01", "2021-06-30")
        y = self.life_project(17, "2024-05-01", "2025-10-31")

        def listed(n: int, uscc: str, code: str, date: str) -> str:
            pid = f"FAKE-PLANT{n:03d}"
            self.add("penalties", penalty_id=pid, subject_type="enterprise", subject_id=uscc, measure="虚假业绩",
                     authority="住房和城乡建设部", decision_date=date, project_code=code,
                     description="虚报工程业绩")
            return pid
        # Listed, then won a tender.
        self.expect("false_performance", f"{a}|{listed(1, a, x, '2023-05-10')}")
        self.priced_tender(10, y, "2024-02-01", a, 4000)
        # Listed, and the marked project is still its performance on a record.
        self.expect("false_performance", f"{b}|{listed(2, b, x, '2023-06-15')}")
        self.performance(2, x, b, "2020-03-01", "2021-06-30")
        # Look-alike: listed, won only before it was listed.
        z = self.life_project(18, "2022-05-01", "2023-04-30")
        self.priced_tender(11, z, "2022-03-01", c, 2500)
        self.expect("false_performance", f"{c}|{listed(3, c, x, '2023-07-20')}", control=True)
        # Look-alike: listed, its performance record is of another, genuine project; and a firm fined (not
        # listed) that won afterwards.
        d, e = self.firm("宏泰建设"), self.firm("兴业建工")
        self.expect("false_performance", f"{d}|{listed(4, d, x, '2023-08-01')}", control=True)
        self.performance(3, z, d, "2022-05-01", "2023-04-30")
        fine = self.penalty(21, e, "罚款", "2023-05-10", "2023-11-10")
        self.priced_tender(12, y, "2024-02-03", e, 3900)
        self.expect("false_performance", f"{e}|{fine}", control=True)

    def pm_overlap_permits(self) -> None:
        a, b = self.firm("新源建设"), self.firm("嘉禾建设")
        m = self.person("陈建国")
        x, y = self.life_project(19, "2024-01-01", "2024-12-31"), self.life_project(20, "2024-06-01", "2025-05-31")
        self.permit(12, x, "2023-12-20", a, "2024-01-01", "2024-12-31", pm=m)
        self.permit(13, y, "2024-05-25", b, "2024-06-01", "2025-05-31", pm=m)
        self.expect("pm_overlap_permits", m)
        # Look-alikes: one after the other (the second starts the day after the first ends); two permits
        # (two sections) of one project.
        n = self.person("刘永红")
        v, w = self.life_project(21, "2024-01-01", "2024-06-30"), self.life_project(22, "2024-07-01", "2025-03-31")
        self.permit(14, v, "2023-12-25", a, "2024-01-01", "2024-06-30", pm=n)
        self.permit(15, w, "2024-06-25", a, "2024-07-01", "2025-03-31", pm=n)
        self.expect("pm_overlap_permits", n, control=True)
        o = self.person("赵玉兰")
        u = self.life_project(23, "2024-02-01", "2025-01-31")
        self.permit(16, u, "2024-01-20", a, "2024-02-01", "2025-01-31", pm=o)
        self.permit(17, u, "2024-01-22", a, "2024-02-15", "2025-01-31", pm=o)
        self.expect("pm_overlap_permits", o, control=True)

    def lifecycle(self) -> None:
        self.pm_changed()
        self.contract_above_award()
        self.work_before_permit()
        self.permit_without_tender()
        self.false_performance()
        self.pm_overlap_permits()

    def run(self) -> None:
        self.cert_lending()
        self.pm_conflict()
        self.sanctioned_bidding()
        self.bid_rings()
        self.bid_rotation()
        self.subcontracting()
        self.phoenix()
        self.unqualified_participation()
        self.lifecycle()


def plant(out: Path, ordinary: bool = False) -> dict:
    """Append the planted cases to the CSV folder ``out`` and write ``out/planted.json``
    (``ordinary``: under ordinary names and numbers, for the demo)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    p = Planter(ordinary)
    p.run()
    for table, rows in p.rows.items():
        if not rows:
            continue
        path = out / f"{table}.csv"
        exists = path.exists() and path.stat().st_size > 0
        with open(path, "a", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS[table], lineterminator="\n")
            if not exists:
                w.writeheader()
            w.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    p.manifest["counts"] = {t: len(rows) for t, rows in p.rows.items() if rows}
    (out / "planted.json").write_text(json.dumps(p.manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return p.manifest
