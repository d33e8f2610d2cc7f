"""Write the sanctions-list fixtures of tests/test_lists.py from the shapes real lists are published in
(issue 13). Run from the repository: ``python tests/data/lists/make_fixtures.py``; the output is
deterministic and committed beside this script.

- ``wb-ineligible.xlsx``: a World Bank-style listing of ineligible firms and individuals. A title row
  ("Downloaded on: …") merged across the sheet; a two-row header where "Ineligibility Period" is merged
  to the right over "From Date" / "To Date" and the other headers are merged down over both rows; an
  ``Entity`` column (Firm / Individual); an "Additional Firm Info" cell mixing a Chinese legal name, a
  registration number, a USCC, "AKA" aliases and case-note markers (``*553``, shared by unrelated
  entries); dates as date cells, ISO text, ``Jul 03, 2024``, Excel serial numbers; open ends
  (``Ongoing``, ``Permanent``, ``Indefinite``, 2999-12-31); "Cross Debarment: ADB" in the grounds;
  filter footers under the table ("Zastosowane filtry…"); and a stored sheet size that is wrong
  (``<dimension ref="A1:A…">`` while eight columns are filled).
- ``idb-sanctions.csv``: an Inter-American Development Bank-style export: no entity column, individuals
  known by their honorifics (MR., MS., DR.), a measure per row (debarment, letter of reprimand,
  conditional non-debarment, cross debarment), dates in mixed shapes (``03/07/2024`` month first,
  ``Jul 03, 2024``, ISO, ``20240703``, serials as text, ``03.07.2024``), open ends, notes under the table,
  and two rows that must be refused (an unknown measure, an impossible date).

:data:`WB` and :data:`IDB` hold each row with what the test expects of it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from loaders.ids import uscc_check_char  # noqa: E402  (the repository's own, imported by path)


def uscc(body: str) -> str:
    first = ("91110000" + body)[:17]
    return first + uscc_check_char(first)


D = dt.datetime
CITIES = ["Beijing", "Wuhan", "Chengdu", "Nanjing", "Xi'an", "Harbin", "Kunming", "Lagos", "Nairobi", "Dhaka",
          "Lima", "Quito", "Hanoi", "Tashkent", "Tbilisi", "Accra", "Manila", "Jakarta", "Colombo", "Kigali"]
WORDS = ["Road", "Bridge", "Hydro", "Municipal", "Rail", "Water", "Power", "Tunnel", "Harbour", "Survey"]
COUNTRIES = {"Beijing": "China", "Wuhan": "China", "Chengdu": "China", "Nanjing": "China", "Xi'an": "China",
             "Harbin": "China", "Kunming": "China", "Lagos": "Nigeria", "Nairobi": "Kenya", "Dhaka": "Bangladesh",
             "Lima": "Peru", "Quito": "Ecuador", "Hanoi": "Vietnam", "Tashkent": "Uzbekistan", "Tbilisi": "Georgia",
             "Accra": "Ghana", "Manila": "Philippines", "Jakarta": "Indonesia", "Colombo": "Sri Lanka",
             "Kigali": "Rwanda"}
ZH = {"Beijing": "北京", "Wuhan": "武汉", "Chengdu": "成都", "Nanjing": "南京", "Xi'an": "西安", "Harbin": "哈尔滨",
      "Kunming": "昆明"}
ZH_WORD = {"Road": "路桥", "Bridge": "桥梁", "Hydro": "水电", "Municipal": "市政", "Rail": "铁路", "Water": "水务",
           "Power": "电力", "Tunnel": "隧道", "Harbour": "港务", "Survey": "勘察"}


def _wb_rows() -> list[dict]:
    """The World Bank-style rows: cells as written in the sheet, with what each should give."""
    rnd = random.Random(13)
    rows: list[dict] = []
    start_shapes = ["cell", "cell", "cell", "iso", "named", "serial"]
    end_shapes = ["cell", "cell", "Ongoing", "Permanent", "Indefinite", "sentinel", "iso"]
    for i in range(110):
        city, word = CITIES[i % len(CITIES)], WORDS[(i * 7) % len(WORDS)]
        name = f"{city} {word} Engineering Co., Ltd. No. {i + 1}"
        start = dt.date(2015, 1, 1) + dt.timedelta(days=rnd.randrange(0, 3500))
        end = start + dt.timedelta(days=365 * rnd.randrange(1, 8))
        s_shape, e_shape = start_shapes[i % len(start_shapes)], end_shapes[i % len(end_shapes)]
        s_cell = {"cell": D(start.year, start.month, start.day), "iso": start.isoformat(),
                  "named": start.strftime("%b %d, %Y"), "serial": (start - dt.date(1899, 12, 30)).days}[s_shape]
        e_cell = {"cell": D(end.year, end.month, end.day), "iso": end.isoformat(), "sentinel": D(2999, 12, 31)}.get(
            e_shape, e_shape)
        info, zh, reg, code, aliases = [], None, None, None, []
        if city in ZH and i % 2 == 0:
            zh = f"{ZH[city]}{ZH_WORD[word]}工程第{i + 1}有限公司"
            info.append(zh)
        if i % 5 == 0:
            reg = str(1000 + i)
            info.append(f"Reg. No. {reg}")
        if i % 11 == 0:
            code = uscc(f"MA0WB{i:04d}")
            info.append(f"USCC {code}")
        if i % 9 == 0:
            aliases = [f"{city} {word} Eng. Co."]
            info.append(f"AKA {aliases[0]}")
        if i % 13 == 0:
            info.append("*553")  # a case note several unrelated entries share: never a name
        grounds = "Fraudulent Practice" if i % 4 else "Collusive Practice"
        originating = None
        if i % 10 == 3:
            grounds, originating = "Cross Debarment: ADB", "ADB"
        rows.append({"Firm Name": name, "Entity": "Firm", "Additional Firm Info": " ".join(info) or None,
                     "Address": f"{i + 1} {word} Street, {city}", "Country": COUNTRIES[city],
                     "From Date": s_cell, "To Date": e_cell, "Grounds": grounds,
                     "expect": {"kind": "firm", "start": start, "end": None if e_shape in (
                         "Ongoing", "Permanent", "Indefinite", "sentinel") else end, "name_zh": zh,
                         "registration_no": reg, "registered_uscc": code, "aliases": aliases,
                         "originating": originating}})
    people = ["ZHANG, Wei", "LI, Na", "Mr. Ahmed Karim", "Ms. Rosa Quispe", "Dr. Tran Van Minh", "OKAFOR, Emeka",
              "SILVA, Joao", "Mr. Bekzod Rakhimov", "PETROV, Ivan", "WANG, Fang"]
    for j, person in enumerate(people):
        start = dt.date(2019, 3, 1) + dt.timedelta(days=40 * j)
        rows.append({"Firm Name": person, "Entity": "Individual", "Additional Firm Info": "*553" if j % 3 == 0 else None,
                     "Address": None, "Country": "China" if "," in person and j % 2 == 0 else "Kenya",
                     "From Date": D(start.year, start.month, start.day), "To Date": "Ongoing",
                     "Grounds": "Fraudulent Practice",
                     "expect": {"kind": "individual", "start": start, "end": None, "name_zh": None,
                                "registration_no": None, "registered_uscc": None, "aliases": [], "originating": None}})
    # The hard cases of identity: one firm at two addresses, two branches with one English name,
    # two firms with one name in two countries: six entries, six records.
    same = dict(Entity="Firm", Grounds="Fraudulent Practice")
    hard = [
        dict(same, **{"Firm Name": "Sino Hydro Bureau 8 Co., Ltd.", "Address": "8 Jiefang Road, Kunming",
                      "Country": "China", "Additional Firm Info": "中国水电八局有限公司 Reg. No. 5308"}),
        dict(same, **{"Firm Name": "Sino Hydro Bureau 8 Co., Ltd.", "Address": "Plot 12, Kampala Road, Kampala",
                      "Country": "China", "Additional Firm Info": "中国水电八局有限公司 Reg. No. 5308"}),
        dict(same, **{"Firm Name": "Third Construction Branch of Weihai Construction Group",
                      "Address": "3 Haibin Road, Weihai", "Country": "China",
                      "Additional Firm Info": "威海建设集团股份有限公司第三建筑分公司 *553"}),
        dict(same, **{"Firm Name": "Third Construction Branch of Weihai Construction Group",
                      "Address": "7 Tongyi Road, Weihai", "Country": "China",
                      "Additional Firm Info": "威海建设集团第三工程有限公司"}),
        dict(same, **{"Firm Name": "Global Engineering Consultants Ltd.", "Address": "1 Ring Road, Accra",
                      "Country": "Ghana", "Additional Firm Info": None}),
        dict(same, **{"Firm Name": "Global Engineering Consultants Ltd.", "Address": "1 Ring Road, Accra",
                      "Country": "Kenya", "Additional Firm Info": None}),
    ]
    for k, h in enumerate(hard):
        start = dt.date(2022, 6, 1)
        h.update({"From Date": D(2022, 6, 1), "To Date": D(2027, 5, 31)})
        zh = re.search(r"[\u4e00-\u9fff]\S*", h["Additional Firm Info"] or "")
        reg = re.search(r"Reg\. No\. (\d+)", h["Additional Firm Info"] or "")
        h["expect"] = {"kind": "firm", "start": start, "end": dt.date(2027, 5, 31), "name_zh": zh and zh.group(),
                       "registration_no": reg and reg.group(1), "registered_uscc": None, "aliases": [],
                       "originating": None}
        rows.append(h)
    return rows


WB = _wb_rows()
WB_COLUMNS = ["Firm Name", "Entity", "Additional Firm Info", "Address", "Country", "From Date", "To Date", "Grounds"]
WB_FOOTERS = ["Zastosowane filtry: Kraj = wszystkie; Okres = wszystkie",
              "Note: entries marked *553 belong to one sanctions case."]


def write_wb(path: Path, rows: list[dict] = WB, title: str = "Downloaded on: 2026-11-01 09:00 UTC",
             wrong_dimension: bool = True) -> Path:
    """The World Bank-style workbook: title row, two-row merged header, rows, two footers, and (with
    ``wrong_dimension``) a stored sheet size of one column."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Ineligible Firms"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(WB_COLUMNS))
    ws.append(["Firm Name", "Entity", "Additional Firm Info", "Address", "Country", "Ineligibility Period", None,
               "Grounds"])
    ws.append([None, None, None, None, None, "From Date", "To Date", None])
    for col in (1, 2, 3, 4, 5, 8):
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    ws.merge_cells(start_row=2, start_column=6, end_row=2, end_column=7)
    for r in rows:
        ws.append([r.get(c) for c in WB_COLUMNS])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
    ws.append([])
    for note in WB_FOOTERS:
        ws.append([note])
    ws.sheet_properties.tabColor = "1072BA"
    wb.create_sheet("About")["A1"] = "World Bank-style test list (fixture)"
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if wrong_dimension:
        data = _wrong_dimension(data, ws.max_row)
    path.write_bytes(data)
    return path


def _wrong_dimension(data: bytes, rows: int) -> bytes:
    """The workbook with its first sheet's stored size saying one column (``A1:A<rows>``)."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body, n = re.subn(rb'<dimension ref="[^"]+"', f'<dimension ref="A1:A{rows}"'.encode(), body)
                assert n == 1
            z.writestr(info, body)
    return out.getvalue()


# --- the IDB-style export -------------------------------------------------------------------------

IDB_COLUMNS = ["Name", "Nationality", "Sanction Type", "From", "To", "Prohibited Practice", "Notes"]
MEASURES = [("Debarment", "列入黑名单 / debarment"),
            ("Letter of Reprimand", "谴责信 / letter of reprimand"),
            ("Conditional Non-Debarment", "附条件不取消资格 / conditional non-debarment"),
            ("Cross Debarment", "交叉取消资格 / cross-debarment")]


def _idb_rows() -> list[dict]:
    rnd = random.Random(7)
    rows = []
    titles = ["MR.", "MS.", "DR.", "MRS."]
    first = ["JUAN", "MARIA", "CARLOS", "ANA", "LUIS", "SOFIA", "PEDRO", "LUCIA"]
    last = ["PEREZ", "GOMEZ", "RAMIREZ", "TORRES", "FLORES", "VARGAS", "CASTRO", "ROJAS"]
    countries = ["Peru", "Ecuador", "Bolivia", "Colombia", "Honduras", "Guatemala", "Paraguay", "Haiti"]
    shapes = ["mdy", "named", "iso", "compact", "serial", "dotted"]
    for i in range(84):
        person = i % 3 == 0
        if person:
            name = f"{titles[i % 4]} {first[i % 8]} {last[(i * 3) % 8]} {last[(i * 5 + 1) % 8]}"
        else:
            name = f"CONSTRUCTORA {last[i % 8]} {first[(i * 3) % 8]} S.A. No. {i + 1}"
        start = dt.date(2016, 1, 1) + dt.timedelta(days=rnd.randrange(0, 3000))
        shape = shapes[i % len(shapes)]
        cell = {"mdy": start.strftime("%m/%d/%Y"), "named": start.strftime("%b %d, %Y"), "iso": start.isoformat(),
                "compact": start.strftime("%Y%m%d"), "serial": str((start - dt.date(1899, 12, 30)).days),
                "dotted": start.strftime("%d.%m.%Y")}[shape]
        word, stored = MEASURES[i % 4]
        if i % 5 == 0:
            to, end = "Ongoing", None
        elif i % 7 == 0:
            to, end = "12/31/2999", None
        elif i % 11 == 0:
            to, end = "Indefinite", None
        else:
            end = start + dt.timedelta(days=365 * (1 + i % 6))
            to = end.strftime("%m/%d/%Y")
        grounds, originating = "Fraudulent Practice", None
        if word == "Cross Debarment":
            body = ["ADB", "World Bank", "AfDB"][i % 3]
            grounds, originating = f"Cross Debarment: {body}", body
        rows.append({"Name": name, "Nationality": countries[i % 8], "Sanction Type": word, "From": cell, "To": to,
                     "Prohibited Practice": grounds, "Notes": None,
                     "expect": {"kind": "individual" if person else "firm", "start": start, "end": end,
                                "measure": stored, "originating": originating, "refused": None}})
    rows.append({"Name": "CONSULTORES DEL SUR S.R.L.", "Nationality": "Chile", "Sanction Type": "Warning Letter",
                 "From": "2021-04-01", "To": "2023-04-01", "Prohibited Practice": "Fraudulent Practice", "Notes": None,
                 "expect": {"kind": "firm", "refused": "measure"}})
    rows.append({"Name": "DR. ELENA MARQUEZ", "Nationality": "Peru", "Sanction Type": "Debarment",
                 "From": "31/31/2024", "To": "Ongoing", "Prohibited Practice": "Corrupt Practice", "Notes": None,
                 "expect": {"kind": "individual", "refused": "decision_date"}})
    return rows


IDB = _idb_rows()
IDB_NOTES = ["Filters applied: Sanction Type = all", "Source: IDB Office of Sanctions (fixture)"]


def write_idb(path: Path, rows: list[dict] = IDB) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(IDB_COLUMNS)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r[c] for c in IDB_COLUMNS])
        w.writerow([])
        for note in IDB_NOTES:
            w.writerow([note])
    return path


if __name__ == "__main__":
    write_wb(HERE / "wb-ineligible.xlsx")
    write_idb(HERE / "idb-sanctions.csv")
    print(f"written: {HERE / 'wb-ineligible.xlsx'} ({len(WB)} entries), {HERE / 'idb-sanctions.csv'} ({len(IDB)} rows)")
