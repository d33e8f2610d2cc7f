"""Sanctions lists as published (issue 13, part A): the shapes real lists come in, nothing lost and
nothing silent, every entry its own record, editions that change only what changed, Chinese names
searchable and shown.

The fixtures are written by ``tests/data/lists/make_fixtures.py`` (committed with its output): a World
Bank-style workbook and an IDB-style CSV, each row with what it should give (:data:`WB`, :data:`IDB`).
The database tests load them into the session's real embedded database (their own list ids).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import zipfile
from pathlib import Path

import pytest

from chengxin.graph.errors import InvalidInput
from chengxin.loaders import lists
from chengxin.loaders.list_cells import entry_key, parse_date, parse_end
from chengxin.loaders.list_mapping import read_mapping

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "lists"
MAPPINGS = HERE.parent / "loaders" / "mappings"
WB_FILE, WB_MAP = DATA / "wb-ineligible.xlsx", MAPPINGS / "wb-ineligible.toml"
IDB_FILE, IDB_MAP = DATA / "idb-sanctions.csv", MAPPINGS / "idb-sanctions.toml"

_spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)
WB, IDB = fixtures.WB, fixtures.IDB


def load(graph, path, mapping, source):
    from chengxin.loaders.ingest import load_any

    return load_any(graph, Path(path), "list", mapping=Path(mapping), source=source, progress=False)


def read_rejects(report) -> list[dict]:
    with open(report.rejects_file, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


# --- cells ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, order, day", [
    (dt.datetime(2024, 7, 3, 0, 0), None, dt.date(2024, 7, 3)),  # a date cell
    (dt.date(2024, 7, 3), None, dt.date(2024, 7, 3)),
    (45476, None, dt.date(2024, 7, 3)),  # an Excel serial number
    ("45476", None, dt.date(2024, 7, 3)),  # the same, exported as text
    (20240703, None, dt.date(2024, 7, 3)),
    ("20240703", None, dt.date(2024, 7, 3)),
    ("2024-07-03", None, dt.date(2024, 7, 3)),
    ("2024-07-03T12:00:59Z", None, dt.date(2024, 7, 3)),
    ("2024/07/03", None, dt.date(2024, 7, 3)),
    ("2024年7月3日", None, dt.date(2024, 7, 3)),
    ("03.07.2024", None, dt.date(2024, 7, 3)),  # dotted: day first, always
    ("Jul 03, 2024", None, dt.date(2024, 7, 3)),
    ("July 3, 2024", None, dt.date(2024, 7, 3)),
    ("3 Jul 2024", None, dt.date(2024, 7, 3)),
    ("03-Jul-2024", None, dt.date(2024, 7, 3)),
    ("03/07/2024", "day_first", dt.date(2024, 7, 3)),
    ("03/07/2024", "month_first", dt.date(2024, 3, 7)),
    ("13/07/2024", None, dt.date(2024, 7, 13)),  # no other reading
    ("07/13/2024", None, dt.date(2024, 7, 13)),
])
def test_dates_in_every_published_shape(cell, order, day):
    assert parse_date(cell, order) == day


@pytest.mark.parametrize("cell, order, why", [
    ("03/07/2024", None, "ambiguous"),  # day or month first: the mapping must say
    ("07/13/2024", "day_first", "not a real date"),  # declared day first, but 13 is no month
    ("31/31/2024", None, "not a real date"),
    ("Julember 3, 2024", None, "not a month"),
    ("soon", None, "not a date"),
    (12, None, "not a date"),
])
def test_dates_that_are_refused_say_why(cell, order, why):
    with pytest.raises(ValueError, match=why):
        parse_date(cell, order)


def test_open_ends_and_sentinels_are_no_end():
    words = {"ongoing", "permanent", "indefinite", "长期"}
    for cell in ("Ongoing", "PERMANENT", " indefinite ", "长期", None, "", "2999-12-31", dt.datetime(2999, 12, 31),
                 "12/31/2999", "9999-12-31"):
        assert parse_end(cell, "month_first", words) is None, cell
    assert parse_end("2027-05-31", None, words) == dt.date(2027, 5, 31)


# --- the mapping ------------------------------------------------------------------------------------

def _mapping(tmp_path, text: str, name: str = "m.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


GOOD = '[list]\nid = "t"\n[columns]\nname = "Firm Name"\nstart = "From"\n'


@pytest.mark.parametrize("text, said", [
    (GOOD.replace('start = "From"', 'strat = "From"'), r"unknown fields in \[columns\]: strat \('strat': did you mean 'start'\?"),
    (GOOD + '[read]\nheader_row = 2\n', r"in \[read\]: header_row \('header_row': did you mean 'header_rows'\?"),
    (GOOD + '[column]\nname = "x"\n', r"at the top level: column \('column': did you mean 'columns'\?"),
    (GOOD + '[values]\nno_ends = ["x"]\n', r"did you mean 'no_end'\?"),
    (GOOD + '[dates]\nstart = "dayfirst"\n', r"\[dates\] start: .*day_first"),
    (GOOD + '[[extract]]\nfrom = "info"\npattern = "(?P<alias>x)"\n', r"from = 'info' is not a field of \[columns\]"),
    (GOOD + '[[extract]]\nfrom = "name"\npattern = "(?P<chinese_nam>x)"\n', r"unknown group .*did you mean chinese_name\?"),
    (GOOD + '[[extract]]\nfrom = "name"\npattern = "(?P<alias>x"\n', r"not a regular expression"),
    (GOOD + '[[extract]]\nform = "name"\npattern = "(?P<alias>x)"\n', r"\[\[extract\]\] number 1: form \('form': did you mean 'from'\?"),
    (GOOD + '[measures]\n"Debarment" = "debarred"\n', r"not a measure of graph/vocabulary.toml"),
    ('[list]\nname = "x"\n[columns]\nname = "Name"\n', r"\[list\] needs an id"),
    ('[list]\nid = "x"\n', r"\[columns\] is required"),
])
def test_a_mapping_error_names_the_key_and_suggests_the_right_one(tmp_path, text, said):
    with pytest.raises(InvalidInput, match=said):
        read_mapping(_mapping(tmp_path, text))


def test_yaml_mappings_are_validated_the_same_way(tmp_path):
    p = _mapping(tmp_path, "list:\n  id: t\ncolumns:\n  name: Firm Name\n  adress: Address\n", "m.yaml")
    with pytest.raises(InvalidInput, match=r"adress.*did you mean 'address'\?"):
        read_mapping(p)


def test_a_sheet_that_does_not_exist_lists_the_sheets_that_do(tmp_path):
    text = WB_MAP.read_text("utf-8").replace('sheet = "Ineligible Firms"', 'sheet = "Sheet1"')
    with pytest.raises(InvalidInput, match=r"no sheet 'Sheet1'; its sheets are: 'Ineligible Firms', 'About'"):
        lists.source(WB_FILE, _mapping(tmp_path, text), "t")


def test_a_missing_column_names_the_header_found(tmp_path):
    text = WB_MAP.read_text("utf-8").replace('grounds = "Grounds"', 'grounds = "Reason"')
    with pytest.raises(InvalidInput, match=r"no column 'Reason' \(for grounds\); the header has: Firm Name, Entity"):
        lists.source(WB_FILE, _mapping(tmp_path, text), "t")


# --- the World Bank-style workbook ------------------------------------------------------------------

def test_the_workbook_really_has_a_wrong_stored_size():
    """The fixture is as broken as the real downloads: a read-only reader trusting the size sees one column."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(WB_FILE) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert f'<dimension ref="A1:A{len(WB) + 6}"' in sheet
    wb = load_workbook(WB_FILE, read_only=True)
    try:
        ws = wb["Ineligible Firms"]
        assert ws.max_column == 1 and {len(r) for r in ws.iter_rows(min_row=5, max_row=5, values_only=True)} == {1}
    finally:
        wb.close()


def _got(e: dict) -> dict:
    return {"kind": e["entity_kind"], "start": e["start"], "end": e.get("end"), "name_zh": e.get("name_zh"),
            "registration_no": e.get("registration_no"), "registered_uscc": e.get("registered_uscc"),
            "aliases": e["aliases"], "originating": e.get("originating")}


def test_every_shape_of_the_world_bank_style_list_reads_with_its_mapping_alone():
    read = lists.entries(WB_FILE, read_mapping(WB_MAP))
    assert read.header_line == 2 and not read.refused and read.repeated_headers == 0
    assert [e["name"] for e in read.entries] == [r["Firm Name"] for r in WB]
    assert [e["line"] for e in read.entries] == list(range(4, 4 + len(WB)))  # the sheet's own rows
    for e, row in zip(read.entries, WB):
        assert _got(e) == row["expect"], row["Firm Name"]
    # the footers are notes: skipped, counted, not refused and not entries
    assert [text for _, text in read.notes] == fixtures.WB_FOOTERS
    # a case-note marker is never a name, an alias or a Chinese name
    for e in read.entries:
        assert not any("553" in a for a in e["aliases"]) and "553" not in (e.get("name_zh") or "")
        assert "*" not in e["name"]
    # shapes really present in the file
    kinds = {type(r["From Date"]).__name__ for r in WB} | {str(r["To Date"]) for r in WB if isinstance(r["To Date"], str)}
    assert {"datetime", "str", "int", "Ongoing", "Permanent", "Indefinite"} <= kinds


def test_every_shape_of_the_idb_style_export_reads_with_its_mapping_alone():
    read = lists.entries(IDB_FILE, read_mapping(IDB_MAP))
    accepted = [r for r in IDB if not r["expect"]["refused"]]
    assert [e["name"] for e in read.entries] == [r["Name"] for r in accepted]
    for e, row in zip(read.entries, accepted):
        x = row["expect"]
        assert (e["entity_kind"], e["start"], e.get("end"), e["measure"], e.get("originating")) == \
            (x["kind"], x["start"], x["end"], x["measure"], x["originating"]), row["Name"]
    assert {e["measure"] for e in read.entries} == {m for _, m in fixtures.MEASURES}
    assert [text for _, text in read.notes] == fixtures.IDB_NOTES
    refused = {cells["Name"]: reason for _, reason, cells, _ in read.refused}
    assert "'Warning Letter'" in refused["CONSULTORES DEL SUR S.R.L."] and "[measures]" in refused["CONSULTORES DEL SUR S.R.L."]
    assert "31/31/2024" in refused["DR. ELENA MARQUEZ"]


def test_honorifics_make_persons_but_a_firm_behind_ms_stays_a_firm():
    from chengxin.loaders.list_cells import honorific

    assert honorific("MR. JUAN PEREZ") == "MR" and honorific("Dr. Tran Van Minh") == "DR"
    assert honorific("Ms Victoria Slisarenko") == "MS"
    assert honorific("MS Gul Construction Co.") is None  # M/S: a firm (real, on the EBRD list)
    assert honorific("Mrs Smith Trading LLC") is None and honorific("Drake Engineering Ltd") is None


def test_entry_identity_is_content_not_line_nor_name_and_start():
    read = lists.entries(WB_FILE, read_mapping(WB_MAP))
    keys = [entry_key(e) for e in read.entries]
    assert len(set(keys)) == len(keys)  # the same firm at two addresses, two branches of one English name,
    hard = [e for e in read.entries if e["name"] in ("Sino Hydro Bureau 8 Co., Ltd.", "Global Engineering Consultants Ltd.",
                                                        "Third Construction Branch of Weihai Construction Group")]
    assert len(hard) == 6 and len({entry_key(e) for e in hard}) == 6  # one name in two countries: six records
    moved = dict(read.entries[0], line=999, cells={})
    assert entry_key(moved) == keys[0]  # the line is not part of it


# --- loading: nothing lost, nothing silent ------------------------------------------------------------

@pytest.fixture(scope="module")
def wb(graph):
    return load(graph, WB_FILE, WB_MAP, "wb-fixture")


@pytest.fixture(scope="module")
def idb(graph):
    return load(graph, IDB_FILE, IDB_MAP, "idb-fixture")


def test_the_world_bank_style_list_loads_firms_and_persons(graph, wb):
    s = wb.summary
    firms = sum(1 for r in WB if r["expect"]["kind"] == "firm")
    assert (s["entries"], s["refused"], s["enterprises"], s["persons"], s["notes"]) == (len(WB), 0, firms, len(WB) - firms, 2)
    assert wb.rejected == 0
    count = graph.run("MATCH (p:Penalty {list_id: 'wb-ineligible'}) RETURN count(p) AS n")[0]["n"]
    people = graph.run("MATCH (x:Person {list_id: 'wb-ineligible'})-[:PENALIZED]->(:Penalty) RETURN x.name AS name, "
                       "x.person_id AS k, x.entity_kind AS kind")
    assert count == len(WB) and len(people) == len(WB) - firms
    assert all(p["k"].startswith("XX-LIST:WB-INELIGIBLE:") and p["kind"] == "individual" for p in people)
    assert not graph.run("MATCH (e:Enterprise {list_id: 'wb-ineligible', name: 'ZHANG, Wei'}) RETURN e")  # no 企业 page
    sino = graph.run("MATCH (e:Enterprise {list_id: 'wb-ineligible', name: 'Sino Hydro Bureau 8 Co., Ltd.'}) "
                     "RETURN e.uscc AS k, e.name_zh AS zh, e.registration_no AS reg, e.address AS a, e.id_scheme AS s")
    assert len(sino) == 2 and {r["zh"] for r in sino} == {"中国水电八局有限公司"} and {r["reg"] for r in sino} == {"5308"}
    assert {r["s"] for r in sino} == {"XX-LIST"} and len({r["a"] for r in sino}) == 2
    coded = graph.run("MATCH (e:Enterprise {list_id: 'wb-ineligible'}) WHERE e.registered_uscc IS NOT NULL "
                      "RETURN e.registered_uscc AS u")
    assert sorted(r["u"] for r in coded) == sorted(r["expect"]["registered_uscc"] for r in WB if r["expect"]["registered_uscc"])
    cross = graph.run("MATCH (p:Penalty {list_id: 'wb-ineligible'}) WHERE p.originating_institution = 'ADB' RETURN count(p) AS n")
    assert cross[0]["n"] == sum(1 for r in WB if r["expect"]["originating"] == "ADB") > 0
    aliases = graph.run("MATCH (e:Enterprise {list_id: 'wb-ineligible'}) WHERE e.name = $n RETURN e.aliases AS a",
                        {"n": WB[0]["Firm Name"]})
    assert aliases == [{"a": WB[0]["expect"]["aliases"]}]  # a list of strings, as listed


def test_measures_map_to_the_vocabulary_and_a_reprimand_is_not_a_blacklisting(graph, idb):
    rows = graph.run("MATCH (p:Penalty {list_id: 'idb-sanctions'}) RETURN p.measure AS m, p.restrictive AS r, count(p) AS n")
    by = {r["m"]: (r["r"], r["n"]) for r in rows}
    assert by["谴责信 / letter of reprimand"][0] is False and by["附条件不取消资格 / conditional non-debarment"][0] is False
    assert by["列入黑名单 / debarment"][0] is True and by["交叉取消资格 / cross-debarment"][0] is True
    expected = {}
    for r in IDB:
        if not r["expect"]["refused"]:
            expected[r["expect"]["measure"]] = expected.get(r["expect"]["measure"], 0) + 1
    assert {m: n for m, (_, n) in by.items()} == expected
    persons = graph.run("MATCH (x:Person {list_id: 'idb-sanctions'}) RETURN count(x) AS n")[0]["n"]
    assert persons == sum(1 for r in IDB if r["expect"]["kind"] == "individual" and not r["expect"]["refused"])


def test_a_refused_entry_refuses_its_subject_and_its_sanction_together(graph, idb):
    assert idb.summary["refused"] == 2 and idb.summary["notes"] == 2
    rejects = read_rejects(idb)
    by_line: dict[str, list[str]] = {}
    for r in rejects:
        by_line.setdefault(r["line"], []).append(r["reason"])
    lines = {str(i + 2) for i, r in enumerate(IDB) if r["expect"]["refused"]}
    assert set(by_line) == lines
    for line in lines:  # one row for the subject's table, one for the penalties, the same reason
        assert len(by_line[line]) == 2 and len(set(by_line[line])) == 1
    tables = {t.table: t.rejected for t in idb.tables}
    assert tables["penalties"] == 2 and tables["enterprises"] == 1 and tables["persons"] == 1
    for name in ("CONSULTORES DEL SUR S.R.L.", "DR. ELENA MARQUEZ"):  # neither appears, clean and eligible
        assert not graph.run("MATCH (x {name: $n}) RETURN x", {"n": name})
    assert idb.read == idb.loaded + idb.rejected


def test_most_rows_failing_for_one_reason_stops_with_the_reason_an_example_and_the_rejects_file(graph, cli, tmp_path):
    rows = [r for r in IDB if not r["expect"]["refused"]]

    def edition(path: Path, bad: bool) -> Path:
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(fixtures.IDB_COLUMNS)
            for i, r in enumerate(rows):
                day = f"2024.07.{i % 28 + 1:02d}" if bad and i % 10 else f"2024-07-{i % 28 + 1:02d}"
                w.writerow([r["Name"], r["Nationality"], r["Sanction Type"], day, "Ongoing", r["Prohibited Practice"], ""])
        return path

    mapping = _mapping(tmp_path, IDB_MAP.read_text("utf-8").replace('id = "idb-sanctions"', 'id = "idb-bad-dates"'))
    good = cli("load", str(edition(tmp_path / "good.csv", False)), "--format", "list", "--mapping", str(mapping),
               "--source", "idb-bad-dates")
    assert good.exit_code == 0, good.output
    result = cli("load", str(edition(tmp_path / "bad-dates.csv", True)), "--format", "list", "--mapping", str(mapping),
                 "--source", "idb-bad-dates")
    assert result.exit_code != 0
    out = result.output
    assert "not loaded in full" in out and "not a date: '2024.07.02'" in out  # the reason and an example
    path = Path(out.split("Every refused row, with its file, line and reason: ")[1].split()[0])
    assert path.exists() and path.name.endswith("-idb-bad-dates-rejects.csv")
    with open(path, encoding="utf-8-sig") as f:
        refused = list(csv.DictReader(f))
    bad = sum(1 for i in range(len(rows)) if i % 10)
    assert sum(1 for r in refused if "not a date" in r["reason"] and "not loaded" not in r["reason"]) == 2 * bad
    # the few good entries are held back, not loaded alone: nothing of the edition is written and the
    # entries of the last good edition are not marked ended
    assert sum(1 for r in refused if r["reason"].startswith("not loaded:")) == 2 * (len(rows) - bad)
    assert len(refused) == 2 * len(rows)  # every entry is in the file, nothing lost
    state = graph.run("MATCH (p:Penalty {list_id: 'idb-bad-dates'}) RETURN p.listed AS listed, count(p) AS n")
    assert state == [{"listed": True, "n": len(rows)}]


def test_records_from_two_sources_never_share_a_node_by_name(graph, tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("Firm,From\nTwin Name Builders Ltd,2024-01-01\n", "utf-8")
    for n in (1, 2):
        mapping = _mapping(tmp_path, f'[list]\nid = "twin-{n}"\n[columns]\nname = "Firm"\nstart = "From"\n', f"twin{n}.toml")
        load(graph, one, mapping, f"twin-{n}")
    nodes = graph.run("MATCH (e:Enterprise {name: 'Twin Name Builders Ltd'}) RETURN e.uscc AS k, e.source AS s, e.list_id AS l")
    assert len(nodes) == 2 and {r["l"] for r in nodes} == {"twin-1", "twin-2"} and {r["s"] for r in nodes} == {"twin-1", "twin-2"}


# --- editions ---------------------------------------------------------------------------------------

def _state(graph, list_id: str) -> dict:
    rows = graph.run("MATCH (s)-[y:PENALIZED]->(p:Penalty {list_id: $l}) RETURN p.penalty_id AS id, properties(p) AS p, "
                     "properties(s) AS s, properties(y) AS y", {"l": list_id})
    return {r["id"]: (r["p"], r["s"], r["y"]) for r in rows}


def test_a_newer_edition_changes_only_what_changed(graph, tmp_path):
    text = WB_MAP.read_text("utf-8").replace('id = "wb-ineligible"', 'id = "wb-editions"')
    mapping = _mapping(tmp_path, text)
    first = [dict(r) for r in WB[:30]]
    r1 = load(graph, fixtures.write_wb(tmp_path / "e1.xlsx", first), mapping, "wb-editions")
    assert r1.summary["entries"] == 30 and r1.summary["new"] == 30 and r1.summary["ended_now"] == 0
    before = _state(graph, "wb-editions")
    keys = {r["Firm Name"]: pid for pid, (p, _, _) in before.items() for r in first if p["listed_name"] == r["Firm Name"]}
    removed, changed, moved = first[3], first[0], first[7]
    assert changed["expect"]["aliases"] and "AKA" in changed["Additional Firm Info"]
    second = [r for r in first if r is not removed and r is not moved]
    # the grounds change and the alias goes; identity (name, address, registration, dates …) does not
    second[0] = dict(changed, Grounds="Corrupt Practice",
                     **{"Additional Firm Info": changed["Additional Firm Info"].split(" AKA ")[0]})
    second.insert(3, moved)  # another line, the same entry
    added = dict(WB[40])
    second.append(added)
    r2 = load(graph, fixtures.write_wb(tmp_path / "e2.xlsx", second, title="Downloaded on: 2026-12-01"), mapping, "wb-editions")
    s = r2.summary
    assert (s["entries"], s["unchanged"], s["changed"], s["new"], s["ended_now"]) == (30, 28, 1, 1, 1)
    after = _state(graph, "wb-editions")
    assert set(after) == set(before) | {pid for pid in after if after[pid][0]["listed_name"] == added["Firm Name"]}
    assert len(after) == 31  # nothing deleted
    today = dt.date.today()
    for pid, (p, subj, rel) in after.items():
        name = p["listed_name"]
        if pid not in before:
            assert name == added["Firm Name"] and p["listed"] is True
        elif pid == keys[removed["Firm Name"]]:
            assert p["listed"] is False and p["delisted_noticed"] == today
            assert {k: v for k, v in p.items() if k not in ("listed", "delisted_noticed", "valid_until", "valid_until_listed")} == \
                {k: v for k, v in before[pid][0].items() if k not in ("listed", "valid_until")}
            assert (subj, rel) == before[pid][1:]
        elif pid == keys[changed["Firm Name"]]:
            assert p["description"] == "Corrupt Practice" and p["loaded_at"] != before[pid][0]["loaded_at"]
            assert before[pid][1]["aliases"] and "aliases" not in subj and "other_names" in subj  # the alias is gone
            assert subj["registration_no"] == before[pid][1]["registration_no"] and subj["uscc"] == before[pid][1]["uscc"]
        else:  # the same entries, the moved one too: not one property rewritten, provenance included
            assert (p, subj, rel) == before[pid], name
    assert after[keys[moved["Firm Name"]]][0]["list_line"] == before[keys[moved["Firm Name"]]][0]["list_line"]
    # loading the same edition again writes nothing
    r3 = load(graph, fixtures.write_wb(tmp_path / "e3.xlsx", second), mapping, "wb-editions")
    assert r3.summary["unchanged"] == 30 and r3.loaded == 0 and _state(graph, "wb-editions") == after


# --- Chinese names: searchable and shown ------------------------------------------------------------

def test_a_lists_chinese_names_and_aliases_are_searchable_and_shown(graph, wb, client):
    found = client.get("/api/search?q=中国水电八局").get_json()
    hits = [h for g in found["groups"] for h in g["hits"]]
    assert {h["name"] for h in hits} >= {"Sino Hydro Bureau 8 Co., Ltd."}
    alias = WB[0]["expect"]["aliases"][0]
    hits = [h for g in client.get("/api/search", query_string={"q": alias}).get_json()["groups"] for h in g["hits"]]
    assert WB[0]["Firm Name"] in {h["name"] for h in hits}
    key = graph.run("MATCH (e:Enterprise {list_id: 'wb-ineligible', name: $n}) RETURN e.uscc AS k",
                    {"n": "Third Construction Branch of Weihai Construction Group"})
    pages = [client.get(f"/enterprise/{r['k']}").get_data(as_text=True) for r in key]
    assert any('id="name-zh"' in p and "威海建设集团股份有限公司第三建筑分公司" in p for p in pages)
    assert all("553" not in p.split('id="name-zh"')[1][:200] for p in pages if 'id="name-zh"' in p)
    firm = client.get(f"/enterprise/{key[0]['k']}?lang=en").get_data(as_text=True)
    assert "an entry of a sanctions list" in firm
    page = client.get("/enterprise/" + graph.run("MATCH (e:Enterprise {list_id: 'wb-ineligible', name: $n}) RETURN e.uscc AS k",
                                                 {"n": WB[0]["Firm Name"]})[0]["k"] + "?lang=zh").get_data(as_text=True)
    assert 'id="aliases"' in page and alias in page and "又名" in page


# --- OCDS: nothing dropped, name-only parties keyed per source -------------------------------------

def test_ocds_records_that_cannot_be_converted_are_refused_with_their_path(graph, tmp_path):
    from chengxin.loaders.ingest import load_any

    good = {"ocid": "ocds-lists-0001", "id": "r1", "date": "2025-03-01T00:00:00Z",
            "parties": [{"id": "party-1", "name": "Nameonly Supplier SA", "roles": ["supplier"]}],
            "awards": [{"id": "a1", "suppliers": [{"id": "party-1"}]}]}
    pkg = tmp_path / "pkg.json"
    pkg.write_text(json.dumps({"releases": [good, {"id": "no-ocid"}, "not an object"]}), "utf-8")
    for source in ("ocds-a", "ocds-b"):
        report = load_any(graph, pkg, "ocds", source=source, progress=False)
    refused = read_rejects(report)
    paths = sorted(r["reason"] for r in refused)
    assert any("not a release (no ocid) (at releases[1])" in p for p in paths)
    assert all(r["file"] == "pkg.json" for r in refused) and {r["line"] for r in refused} == {"2", "3"}
    assert report.summary["records_not_converted"] == 2
    nodes = graph.run("MATCH (e:Enterprise {name: 'Nameonly Supplier SA'}) RETURN e.uscc AS k")
    assert sorted(r["k"] for r in nodes) == ["XX-NAME:OCDS-A:NAMEONLY SUPPLIER SA", "XX-NAME:OCDS-B:NAMEONLY SUPPLIER SA"]


# --- the reference ----------------------------------------------------------------------------------

def test_the_mapping_reference_documents_every_key_and_the_world_bank_mapping_in_full():
    from chengxin.loaders.list_mapping import GROUPS, Mapping

    doc = (HERE.parent / "docs" / "lists.md").read_text("utf-8")
    readme = (HERE.parent / "README.md").read_text("utf-8")
    assert "(docs/lists.md)" in readme
    for section in ("list", "read", "columns", "dates", "values"):
        assert f"### `[{section}]`" in doc
        model = Mapping.model_fields[section].annotation
        for name, f in model.model_fields.items():
            assert f"`{f.alias or name}`" in doc, f"[{section}] {name} is not in docs/lists.md"
    for group in GROUPS:
        assert f"`{group}`" in doc
    assert "### `[measures]`" in doc and "### `[[extract]]`" in doc
    assert WB_MAP.read_text("utf-8") in doc  # the World Bank-style mapping, written out in full and current


@pytest.mark.browser
def test_a_person_finds_a_list_entry_by_its_chinese_name_and_sees_it_on_the_page(wb, base_url, tmp_path_factory):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    from .conftest import start_chromium

    browser = start_chromium(tmp_path_factory.mktemp("chromium-lists"))
    try:
        browser.get(base_url + "/")
        browser.find_element(By.CSS_SELECTOR, "form.big input[name=q]").send_keys("中国水电八局", Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda d: "/search" in d.current_url)
        assert "Sino Hydro Bureau 8 Co., Ltd." in browser.find_element(By.ID, "search-hits").text  # one ranked list (issue 15)
        browser.find_elements(By.LINK_TEXT, "Sino Hydro Bureau 8 Co., Ltd.")[0].click()
        WebDriverWait(browser, 10).until(lambda d: "/enterprise/" in d.current_url)
        assert browser.find_element(By.ID, "entity-name").text == "Sino Hydro Bureau 8 Co., Ltd."
        assert browser.find_element(By.ID, "name-zh").text == "中国水电八局有限公司"
        assert "制裁名单条目" in browser.page_source and "5308" in browser.page_source
    finally:
        browser.quit()


def test_footers_and_repeated_headers_are_skipped_and_counted_but_an_entry_that_opens_like_a_note_loads(tmp_path):
    path = tmp_path / "paged.csv"
    path.write_text("Firm,From,To\n"
                    "Total Engineering Ltd,2024-01-01,2026-01-01\n"
                    "Firm,From,To\n"  # the header again, after a page break
                    "Note: Engineering Partners,2024-02-01,Ongoing\n"
                    "Zastosowane filtry: Kraj = Chiny\n"
                    "Total: 2 entries\n", "utf-8")
    mapping = _mapping(tmp_path, '[list]\nid = "paged"\n[columns]\nname = "Firm"\nstart = "From"\nend = "To"\n')
    read = lists.entries(path, read_mapping(mapping))
    assert [e["name"] for e in read.entries] == ["Total Engineering Ltd", "Note: Engineering Partners"]
    assert read.repeated_headers == 1 and [line for line, _ in read.notes] == [5, 6] and not read.refused
