"""Bad files never lose data silently: each damaged row (or file) ends in the rejects file with its
file, line and a specific reason, the rest loads, and a table that could not be read makes the load
fail loudly. Against the real embedded database; every id here is this file's own (persons ZB…,
firms 91360100MA0BF…, projects and penalties ZB-…). Also the rejects file's privacy (0600, masked)
and its size cap, and property-based tests: random garbage never loads as a firm, random byte
corruption never raises a traceback and never loses a row."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from chengxin.loaders.ingest import load_folder
from chengxin.graph.db import Graph
from chengxin.graph.errors import InvalidInput, LoadAborted
from chengxin.loaders import rejects as rejects_module
from chengxin.loaders.csv_folder import FolderLoader, LoadIncomplete
from chengxin.loaders.ids import USCC_CHARS, Pseudonyms, uscc_check_char, uscc_problem
from chengxin.loaders.readers import read_table

from .conftest import make_uscc, write_csv

ID_NUMBER = "11010519491231002X"  # a valid ID-card number (GB 11643 check digit)


def firm(n: int) -> str:
    return make_uscc(f"MA0BF{n:04d}")


def read_rejects(path) -> list[dict]:
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def rejects_of(report) -> list[dict]:
    path = Path(report.rejects_file)
    return read_rejects(path) if path.exists() else []


def count(graph, query: str, **params) -> int:
    return graph.run(query, params)[0]["c"]


def persons_csv(folder: Path, prefix: str, n: int) -> list[str]:
    """``n`` lines of persons (``person_id,name,gender``), the folder made for them."""
    folder.mkdir(parents=True, exist_ok=True)
    return [f"{prefix}{i:04d},测试人员{i},男\n" for i in range(n)]


def loaded_persons(graph, prefix: str) -> int:
    return count(graph, "MATCH (p:Person) WHERE p.person_id STARTS WITH $p AND p.stub = false RETURN count(p) AS c",
                 p=prefix)


def accounted(report) -> None:
    for t in report.tables:
        assert t.read == t.loaded + t.rejected, t  # nothing lost silently


# --- broken quoting, truncation, runaway fields ---------------------------------------------------

def test_an_unterminated_quote_costs_one_row_not_the_rest(graph, tmp_path):
    folder = tmp_path / "quote"
    rows = persons_csv(folder, "ZBQ", 50)
    rows[11] = 'ZBQ0011,"测试人员11,男\n'  # the quote is never closed
    (folder / "persons.csv").write_text("person_id,name,gender\n" + "".join(rows), "utf-8")
    report = load_folder(graph, folder, progress=False)
    t = report.tables[0]
    assert (t.read, t.loaded, t.rejected) == (50, 49, 1)
    accounted(report)
    [bad] = rejects_of(report)
    assert bad["file"] == "persons.csv" and bad["line"] == "13" and "never closed" in bad["reason"]
    assert "ZBQ0011" in bad["row"]
    assert loaded_persons(graph, "ZBQ") == 49


def test_a_quote_closed_rows_later_is_not_one_huge_field(graph, tmp_path):
    folder = tmp_path / "quote2"
    rows = persons_csv(folder, "ZBR", 20)
    rows[3] = 'ZBR0003,"测试人员3,男\n'
    rows[9] = 'ZBR0009,测试人员9",男\n'  # a stray quote closes it 6 lines on, and the cells even add up
    (folder / "persons.csv").write_text("person_id,name,gender\n" + "".join(rows), "utf-8")
    report = load_folder(graph, folder, progress=False)
    accounted(report)
    [bad] = rejects_of(report)
    assert bad["line"] == "5" and "unterminated quote" in bad["reason"]
    assert loaded_persons(graph, "ZBR") == 19


def test_a_truncated_last_row_is_refused_and_makes_no_stub(graph, tmp_path):
    folder = tmp_path / "truncated"
    body = "".join(f"ZBT{i:04d},{firm(1)},一级注册建造师,建筑工程\n" for i in range(5))
    (folder).mkdir()
    (folder / "registrations.csv").write_text("person_id,uscc,reg_type,specialty\n" + body + "ZBT0", "utf-8")
    report = load_folder(graph, folder, progress=False)
    t = report.tables[0]
    assert (t.read, t.loaded, t.rejected) == (6, 5, 1)
    [bad] = rejects_of(report)
    assert bad["line"] == "7" and "1 cell for 4 columns: the row is cut short" in bad["reason"]
    assert count(graph, "MATCH (p:Person {person_id: 'ZBT0'}) RETURN count(p) AS c") == 0


def test_a_ten_megabyte_field_is_refused_with_its_line(graph, tmp_path, cli, settings):
    folder = tmp_path / "runaway"
    rows = persons_csv(folder, "ZBF", 10)
    rows[4] = 'ZBF0004,"' + "长" * 3_500_000 + '",男\n'  # 10.5 MB on one line
    (folder / "persons.csv").write_text("person_id,name,gender\n" + "".join(rows), "utf-8")
    out = cli("load", str(folder))
    assert out.exit_code == 0, out.output  # one row of ten: the load is not failed
    assert "Traceback" not in out.output and "_csv.Error" not in out.output
    assert "1 refused: line … is … bytes long" in out.output
    assert loaded_persons(graph, "ZBF") == 9
    rejects = sorted(settings.home_path.glob("loads/*-runaway-rejects*.csv"), key=lambda p: p.stat().st_mtime)
    [bad] = read_rejects(rejects[-1])
    assert bad["line"] == "6" and "bytes long (at most 1,048,576)" in bad["reason"]
    assert len(bad["row"]) < 5000  # the rejects file keeps a head of the line, not 10 MB


# --- encodings ---------------------------------------------------------------------------------

def test_a_gbk_row_in_a_utf8_file_is_refused_with_its_line_and_byte(graph, tmp_path):
    folder = tmp_path / "mixed"
    head = "person_id,name,gender\n" + "".join(persons_csv(folder, "ZBG", 6))
    bad = "ZBG9999,错码人员,女\n".encode("gbk")
    (folder / "persons.csv").write_bytes(head.encode() + bad + "ZBG0100,测试人员,女\n".encode())
    write_csv(folder / "projects.csv", [{"project_code": "ZB-MIXED-P1", "name": "编码测试项目"}])  # a later table
    report = load_folder(graph, folder, progress=False)
    accounted(report)
    by = {t.table: t for t in report.tables}
    assert by["persons"].encoding == "utf-8" and (by["persons"].loaded, by["persons"].rejected) == (7, 1)
    assert by["projects"].loaded == 1
    [rej] = rejects_of(report)
    offset = len(head.encode()) + len("ZBG9999,".encode())
    assert rej["line"] == "8" and f"not valid UTF-8 at byte {offset:,} of the file" in rej["reason"]
    assert "GB18030/GBK" in rej["reason"]


def test_the_byte_offset_is_right_past_the_first_megabyte(graph, tmp_path):
    folder = tmp_path / "mixed-late"
    folder.mkdir()
    filler = "".join(f"ZBH{i:04d},测试人员,男,{'x' * 120_000}\n" for i in range(9))  # 1.08 MB before the bad row
    head = ("person_id,name,gender,note\n" + filler).encode()
    assert len(head) > 1 << 20
    (folder / "persons.csv").write_bytes(head + "ZBH9999,错码,女,\n".encode("gbk"))
    report = load_folder(graph, folder, progress=False)
    [rej] = rejects_of(report)
    assert rej["line"] == "11"
    assert f"at byte {len(head) + len('ZBH9999,'):,} of the file" in rej["reason"]
    assert report.tables[0].loaded == 9


# --- repeated keys and columns -----------------------------------------------------------------

def test_a_repeated_key_with_other_values_is_refused_and_the_first_kept(graph, tmp_path):
    folder = tmp_path / "dupes"
    write_csv(folder / "enterprises.csv", [
        {"uscc": firm(10), "name": "第一建设有限公司", "type": "施工"},
        {"uscc": firm(10), "name": "第一建设有限公司", "type": "施工"},  # the same row again: harmless
        {"uscc": firm(10), "name": "冒名建设有限公司", "type": "监理"},  # conflicting
    ])
    report = load_folder(graph, folder, progress=False)
    accounted(report)
    t = report.tables[0]
    assert (t.loaded, t.rejected) == (2, 1)
    [rej] = rejects_of(report)
    assert rej["line"] == "4" and "the same uscc as line 2 with other values (name, type)" in rej["reason"]
    assert graph.run("MATCH (e:Enterprise {uscc: $u}) RETURN e.name AS n", {"u": firm(10)}) == [{"n": "第一建设有限公司"}]


def test_a_column_named_twice_must_agree(graph, tmp_path):
    folder = tmp_path / "twice"
    folder.mkdir()
    (folder / "enterprises.csv").write_text(
        "uscc,name,uscc \n"
        f"{firm(11)},双列一致有限公司,{firm(11)}\n"
        f"{firm(12)},双列一空有限公司,\n"
        f"{firm(13)},双列不一有限公司,{firm(14)}\n", "utf-8")
    report = load_folder(graph, folder, progress=False)
    accounted(report)
    t = report.tables[0]
    assert (t.loaded, t.rejected) == (2, 1)
    assert any("columns 1 and 3 are both 'uscc'" in w for w in t.warnings)
    [rej] = rejects_of(report)
    assert rej["line"] == "4" and "columns 1 and 3 are both 'uscc' and hold different values" in rej["reason"]
    assert count(graph, "MATCH (e:Enterprise) WHERE e.uscc IN $u RETURN count(e) AS c", u=[firm(13), firm(14)]) == 0


# --- garbage as firms: GB 32100 structure --------------------------------------------------------

def coded(first17: str) -> str:
    return first17 + uscc_check_char(first17)


GARBAGE = [
    (coded("Q1360100MA0BF0020"), "position 1 (registration authority) is Q"),
    (coded("94360100MA0BF0021"), "position 2 (institution category) is 4, which authority 9"),
    (coded("Y9360100MA0BF0022"), "authority Y 其他 (other) does not use (1)"),
    (coded("9199999999BF00230"), "positions 3-8 (division code) 999999 starts with 99"),
    (coded("91ABCDEF0MA0BF024"), "positions 3-8 (division code) ABCDEF is not 6 digits"),
]


def test_garbage_with_a_right_check_character_is_not_a_firm(graph, tmp_path):
    folder = tmp_path / "garbage"
    write_csv(folder / "enterprises.csv", [{"uscc": u, "name": f"乱码{i}号有限公司"} for i, (u, _) in enumerate(GARBAGE)]
              + [{"uscc": firm(25), "name": "真实建设有限公司"}, {"uscc": firm(26), "name": "%%##!!"}])
    report = load_folder(graph, folder, progress=False)
    accounted(report)
    rejects = rejects_of(report)
    assert report.tables[0].loaded == 1 and len(rejects) == 6
    for (code, reason), rej in zip(GARBAGE, rejects):
        assert reason in rej["reason"] and code in rej["reason"], rej
    assert "has no letter in it: not a name" in rejects[5]["reason"]
    assert count(graph, "MATCH (e:Enterprise) WHERE e.uscc IN $u RETURN count(e) AS c", u=[u for u, _ in GARBAGE]) == 0


def gb32100_ok(code: str) -> bool:
    """An independent statement of GB 32100's structure (the oracle of the property test below)."""
    allowed = {"1": "1239", "2": "19", "3": "123459", "4": "19", "5": "1239", "6": "129", "7": "129", "8": "19",
               "9": "123", "A": "19", "N": "1239", "Y": "1"}
    provinces = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53,
                 54, 61, 62, 63, 64, 65, 71, 81, 82}
    region = code[2:8]
    return (code[1] in allowed.get(code[0], "") and region.isdigit()
            and (region == "100000" or int(region[:2]) in provinces))


@given(st.text(alphabet=USCC_CHARS, min_size=17, max_size=17)
       | st.builds(lambda a, b, r, rest: a + b + r + rest, st.sampled_from("12359ANYQ"), st.sampled_from("1239X"),
                   st.sampled_from(["360100", "100000", "990000", "010101", "820000"]),
                   st.text(alphabet=USCC_CHARS, min_size=9, max_size=9)))
@hsettings(max_examples=400, deadline=None)
def test_a_uscc_is_valid_only_with_gb32100_structure(first17):
    code = first17 + uscc_check_char(first17)
    assert (uscc_problem(code) is None) == gb32100_ok(code)


@given(st.lists(st.tuples(st.text(max_size=20), st.text(max_size=12)), min_size=1, max_size=8))
@hsettings(max_examples=150, deadline=None)
def test_random_garbage_rows_never_validate_as_firms(rows):
    from chengxin.loaders.csv_folder import TABLES, Context

    table = TABLES[0]
    ctx = Context(Pseudonyms(b"t"), "t")
    for uscc, name in rows:
        try:
            model = table.model.model_validate({"uscc": uscc or None, "name": name or None})
            table.build(model, ctx)
        except Exception:
            continue
        code = model.uscc
        assert code.startswith(("XX-", "CN-")) or re.match(r"^[A-Z]{2}-", code) or (
            uscc_problem(code) is None and gb32100_ok(code)), (uscc, name)
        assert re.search(r"[^\W\d_]", model.name)


# --- numbers and dates -------------------------------------------------------------------------

def test_non_finite_and_absurd_amounts_and_implausible_dates_are_refused(graph, tmp_path, client):
    folder = tmp_path / "numbers"
    base = {"subject_type": "enterprise", "subject_id": firm(30), "authority": "测试市住房和城乡建设局",
            "decision_date": "2024-05-01", "valid_until": "2099-12-31", "amount": "2"}
    write_csv(folder / "enterprises.csv", [{"uscc": firm(30), "name": "数值测试建设有限公司", "registered_capital": "inf"},
                                           {"uscc": firm(31), "name": "数值测试二有限公司", "registered_capital": "500"}])
    write_csv(folder / "penalties.csv", [
        base | {"penalty_id": "ZB-NUM-1"},  # valid_until far ahead: "open", allowed
        base | {"penalty_id": "ZB-NUM-2", "amount": "inf"},
        base | {"penalty_id": "ZB-NUM-3", "amount": "1e308"},
        base | {"penalty_id": "ZB-NUM-4", "amount": "NaN"},
        base | {"penalty_id": "ZB-NUM-5", "decision_date": "1800-01-01"},
        base | {"penalty_id": "ZB-NUM-6", "decision_date": "2099-12-31"},
    ])
    (folder / "awards.jsonl").write_text(
        '{"award_id": "ZB-NUM-A1", "subject_type": "enterprise", "subject_id": "%s", "name": "测试奖", "score": Infinity}\n'
        '{"award_id": "ZB-NUM-A2", "subject_type": "enterprise", "subject_id": "%s", "name": "测试奖", "date": "1900-01-01"}\n'
        % (firm(31), firm(31)), "utf-8")
    report = load_folder(graph, folder, progress=False)
    accounted(report)
    reasons = {(r["file"], r["line"]): r["reason"] for r in rejects_of(report)}
    assert "registered_capital: not a finite number: 'inf'" in reasons[("enterprises.csv", "2")]
    assert "amount: not a finite number: 'inf'" in reasons[("penalties.csv", "3")]
    assert "1e+308 万元 is more than 1e+09 万元" in reasons[("penalties.csv", "4")]
    assert "not a finite number: 'NaN'" in reasons[("penalties.csv", "5")]
    assert "1800-01-01 is not a plausible date" in reasons[("penalties.csv", "6")]
    assert "2099-12-31 is not a plausible date" in reasons[("penalties.csv", "7")]
    assert "Infinity is not a number JSON allows" in reasons[("awards.jsonl", "1")]
    assert "1900-01-01 is not a plausible date" in reasons[("awards.jsonl", "2")]
    by = {t.table: t for t in report.tables}
    assert (by["enterprises"].loaded, by["penalties"].loaded, by["awards"].loaded) == (1, 1, 0)
    assert graph.run("MATCH (p:Penalty {penalty_id: 'ZB-NUM-1'}) RETURN toString(p.valid_until) AS v") == [{"v": "2099-12-31"}]
    # the firm's page is valid JSON (inf was what made it emit Infinity)
    for u in (firm(30), firm(31)):
        body = client.get(f"/api/enterprise/{u}").get_data(as_text=True)
        json.loads(body, parse_constant=lambda c: pytest.fail(f"{c} in /api/enterprise/{u}"))


# --- control characters --------------------------------------------------------------------------

def test_control_characters_are_refused_not_stored(graph, tmp_path):
    folder = tmp_path / "nul"
    folder.mkdir()
    (folder / "persons.csv").write_text("person_id,name\nZBN0001,空字\x00符\nZBN0002,反向\u202e字符\n"
                                        "ZBN0003,正常\t人员\nZBN0004,正常人员\n", "utf-8")
    report = load_folder(graph, folder, progress=False)
    accounted(report)
    rejects = rejects_of(report)
    assert [r["line"] for r in rejects] == ["2", "3"]
    assert "name: contains the control character U+0000 (NUL)" in rejects[0]["reason"]
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in rejects[1]["reason"]
    assert loaded_persons(graph, "ZBN") == 2
    assert count(graph, "MATCH (p:Person) WHERE p.name CONTAINS $nul RETURN count(p) AS c", nul="\x00") == 0


# --- workbooks ---------------------------------------------------------------------------------

def zip_bomb(path: Path, inflated: int = 64 << 20) -> None:
    """A workbook whose sheet XML is ``inflated`` bytes of blanks (written in chunks: bounded memory)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["uscc", "name"])
    wb.save(path)
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                out.writestr(name, data)
        with out.open("xl/worksheets/sheet1.xml", "w") as sheet:
            head, tail = parts["xl/worksheets/sheet1.xml"].split(b"<sheetData>")
            sheet.write(head + b"<sheetData>")
            chunk = b" " * (1 << 20)
            for _ in range(inflated >> 20):
                sheet.write(chunk)
            sheet.write(tail)


def test_an_xlsx_zip_bomb_is_refused_before_it_is_inflated(graph, tmp_path, cli):
    folder = tmp_path / "bomb"
    folder.mkdir()
    zip_bomb(folder / "enterprises.xlsx")
    assert (folder / "enterprises.xlsx").stat().st_size < 1 << 20
    write_csv(folder / "persons.csv", [{"person_id": "ZBX0001", "name": "炸弹旁的人员"}])
    with pytest.raises(LoadIncomplete, match=r"enterprises\.xlsx: refused: its part xl/worksheets/sheet1\.xml would "
                                             r"inflate .* to 64\.0 MiB \([\d,]+ to 1; at most 200 to 1\): a zip bomb"):
        load_folder(graph, folder, progress=False)
    assert loaded_persons(graph, "ZBX") == 1  # the other table loaded
    out = cli("load", str(folder))
    assert out.exit_code != 0 and "a zip bomb" in out.output and "enterprises.xlsx" in out.output
    assert "persons" in out.output  # the summary of what did load is printed first


# --- symbolic links --------------------------------------------------------------------------------

def test_symbolic_links_out_of_the_folder_are_not_followed_and_loops_reported(graph, tmp_path, cli):
    folder = tmp_path / "links"
    (folder / "inside").mkdir(parents=True)
    os.symlink("/etc/passwd", folder / "enterprises.csv")
    os.symlink("persons.csv", folder / "persons.csv")  # a loop
    write_csv(folder / "inside" / "projects.csv", [{"project_code": "ZB-LINK-P1", "name": "链接内的项目"}])
    os.symlink("inside/projects.csv", folder / "projects.csv")  # inside the folder: followed
    with pytest.raises(LoadIncomplete) as caught:
        load_folder(graph, folder, progress=False)
    report = caught.value.report
    by = {t.table: t for t in report.tables}
    assert by["enterprises"].unreadable and "a symbolic link to /etc/passwd, outside the folder" in by["enterprises"].error
    assert by["persons"].unreadable and "a symbolic link loop" in by["persons"].error
    assert by["projects"].loaded == 1
    text = Path(report.rejects_file).read_text("utf-8-sig")
    assert "root:" not in text and "outside the folder" in text and "symbolic link loop" in text
    out = cli("load", str(folder))
    assert out.exit_code != 0 and "/etc/passwd" in out.output and "root:x" not in out.output


# --- the database failing, not the rows ------------------------------------------------------------

def test_a_database_that_refuses_every_write_stops_the_load(graph, tmp_path):
    # The failure is real and server-side: the same embedded server, asked for a database it cannot
    # open, refuses every write with one and the same message, as a full disk or a read-only database does.
    folder = tmp_path / "dbdown"
    write_csv(folder / "persons.csv", [{"person_id": "", "name": "缺编号"}, {"person_id": "ZBD0000", "name": ""}]
              + [{"person_id": f"ZBD{i:04d}", "name": f"测试人员{i}"} for i in range(1, 40)])
    broken = Graph(graph.driver, "zb_no_such_database", graph.backend, graph.settings)
    loader = FolderLoader(broken, Pseudonyms(b"t"), batch_size=2000, progress=False)
    rejects = graph.settings.home_path / "loads" / "dbdown-rejects.csv"
    with pytest.raises(LoadAborted) as caught:
        loader.load(folder, rejects)
    detail = caught.value.detail
    assert "the database refused every write with the same error" in detail and "zb_no_such_database" in detail
    assert "not a bad row but the database" in detail and "the load stopped: 0 rows were written" in detail
    assert "the 2 refused rows written so far are in" in detail
    written = read_rejects(caught.value.report.rejects_file)
    assert [r["line"] for r in written] == ["2", "3"]  # the two bad rows, flushed; no "database refused" rows
    assert str(caught.value.report.rejects_file) in detail


def test_a_few_rows_the_database_refuses_do_not_stop_the_load(graph, tmp_path):
    # One write failing alone is a bad row: refused with the database's reason, the rest loads.
    folder = tmp_path / "dbrow"
    write_csv(folder / "persons.csv", [{"person_id": f"ZBE{i:04d}", "name": f"测试人员{i}"} for i in range(30)])

    class OneBadRow(FolderLoader):
        def _write(self, table, slots, rows, loaded_at):
            if any(r["person_id"] == "ZBE0007" for r in rows):
                self.graph.run("RETURN $x.y AS broken", {"x": 1})  # a real server-side error
            super()._write(table, slots, rows, loaded_at)

    report = OneBadRow(graph, Pseudonyms(b"t"), progress=False).load(folder, tmp_path / "rej.csv")
    accounted(report)
    [rej] = rejects_of(report)
    assert rej["line"] == "9" and rej["reason"].startswith("database refused the row")
    assert report.tables[0].loaded == 29


FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from chengxin.graph.errors import LoadAborted
from chengxin.loaders.csv_folder import FolderLoader
from chengxin.loaders.ids import Pseudonyms

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))  # from here on the kernel refuses to grow a file
try:  # every row is invalid, so the database is never written to (no graph needed)
    FolderLoader(None, Pseudonyms(b"t"), progress=False).load(Path(sys.argv[1]), Path(sys.argv[2]))
except LoadAborted as e:
    print(e.detail)
    sys.exit(3)
"""


def test_a_rejects_file_that_cannot_be_written_stops_the_load(tmp_path):
    # A disk that refuses writes, for real, in a child process: RLIMIT_FSIZE makes the kernel refuse to
    # grow the rejects file (EFBIG), the same OSError path as a full disk (ENOSPC).
    import subprocess
    import sys

    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "enterprises.csv").write_text("uscc,name\n" + "".join(f"BAD{i},垃圾{i}\n" for i in range(3000)), "utf-8")
    out = subprocess.run([sys.executable, "-c", FULL_DISK, str(folder), str(tmp_path / "loads" / "full-rejects.csv")],
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert out.returncode == 3, out.stderr
    assert "cannot write the rejects file" in out.stdout and "a full disk?" in out.stdout
    assert "the load stopped" in out.stdout and "Traceback" not in out.stderr
    assert (tmp_path / "loads" / "full-rejects.csv").stat().st_size <= 16384


# --- the rejects file: capped, never rewritten, private ----------------------------------------------

def test_the_rejects_file_is_capped_per_reason(graph, tmp_path, cli):
    folder = tmp_path / "flood"
    folder.mkdir()
    n = rejects_module.PER_REASON + 1500
    lines = [f"BAD{i},垃圾{i}\n" for i in range(n)] + [f"{firm(40)},正常建设有限公司\n", "9136,短码\n"]
    (folder / "enterprises.csv").write_text("uscc,name\n" + "".join(lines), "utf-8")
    out = cli("load", str(folder))
    assert out.exit_code != 0  # most of the table refused
    assert f"{n + 1:,} of {n + 2:,} rows refused" in out.output
    assert re.search(r"e\.g\. line 2: uscc: invalid 统一社会信用代码 'BAD0'", out.output)
    path = Path(re.search(r"reason: (\S+-rejects(?:-\d+)?\.csv)", out.output).group(1))
    written = read_rejects(path)
    short = [r for r in written if r["line"] and "must be 18 characters" in r["reason"]]
    assert len(short) == rejects_module.PER_REASON  # the first 1,000 of that reason, BAD0…BAD999
    summaries = [r for r in written if not r["line"]]
    assert any("more rows refused for: uscc: invalid 统一社会信用代码 …: must be … characters" in r["reason"]
               for r in summaries), summaries
    assert sum(int(re.match(r"([\d,]+) more", r["reason"]).group(1).replace(",", "")) for r in summaries) \
        + len(written) - len(summaries) == n + 1
    assert "refused: uscc: invalid 统一社会信用代码 …: must be … characters" in out.output


def test_rejects_files_are_private_and_never_rewritten(graph, tmp_path):
    folder = tmp_path / "private"
    write_csv(folder / "persons.csv", [
        {"person_id": "ZBP0001", "name": "", "身份证号码": ID_NUMBER, "note": f"证件 {ID_NUMBER} 已核"},
        {"person_id": "ZBP0002", "name": "核验人员", "身份证号码": ID_NUMBER, "note": f"证件 {ID_NUMBER} 已核"},
    ])
    write_csv(folder / "penalties.csv", [
        {"penalty_id": "ZB-PRIV-1", "subject_type": "person", "subject_id": "ZBP0002", "authority": "测试局",
         "decision_date": "2024-01-02", "description": f"当事人（身份证号{ID_NUMBER}）出借证书"}])
    first = load_folder(graph, folder, progress=False)
    second = load_folder(graph, folder, progress=False)  # the same second, very likely: a file of its own
    assert first.rejects_file != second.rejects_file
    for report in (first, second):
        path = Path(report.rejects_file)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        text = path.read_text("utf-8-sig")
        assert ID_NUMBER not in text and "1101************2X" in text
    # stored masked: read past the result filter (the driver itself), so this is what the database holds
    raw, _, _ = graph.driver.execute_query(
        "MATCH (p:Person {person_id: 'ZBP0002'})-[:PENALIZED]->(x:Penalty) "
        "RETURN p.`身份证号码` AS idcard, p.note AS note, x.description AS d", database_=graph.database)
    assert dict(raw[0]) == {"idcard": "1101************2X", "note": "证件 1101************2X 已核",
                            "d": "当事人（身份证号1101************2X）出借证书"}


def test_the_terminal_never_shows_a_full_id_number(tmp_path, cli):
    folder = tmp_path / "terminal"
    write_csv(folder / "enterprises.csv", [{"uscc": ID_NUMBER, "name": "证件号当代码有限公司"},
                                           {"uscc": "110105194912310021", "name": "证件号当代码二有限公司"}])
    out = cli("load", str(folder))
    assert out.exit_code != 0 and "2 of 2 rows refused" in out.output
    assert ID_NUMBER not in out.output and "110105194912310021" not in out.output
    assert "1101************" in out.output


# --- property-based: random corruption ---------------------------------------------------------------

GOOD = ("person_id,name,gender\n" + "".join(f"ZBC{i:04d},测试人员{i},{'男女'[i % 2]}\n" for i in range(30))).encode()
DATA_LINES = 30


def physical_lines_after_header(data: bytes) -> int:
    lines = re.split(rb"\r\n|\r|\n", data)
    if lines and lines[-1] == b"":
        lines.pop()
    return len(lines) - 1


# One byte of any value, or several of any but a quote (two quotes may make a real multi-line field,
# which is one row over several lines: the count below is of lines).
@given(st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255)), min_size=1, max_size=1)
       | st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255).filter(lambda b: b != 0x22)),
                  min_size=2, max_size=6))
@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_byte_corruption_never_raises_and_never_loses_a_row(edits):
    data = bytearray(GOOD)
    for at, byte in edits:
        data[at] = byte
    data = bytes(data)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "persons.csv"
        path.write_bytes(data)
        try:
            table, rows = read_table(path)
            got = list(rows)
        except InvalidInput:  # the whole file refused, with a reason: allowed, never a traceback
            return
    if not table.header:
        return
    # every line after the header is a row (loaded or refused), a repeated header, or blank
    assert len(got) + table.skipped + table.blank == physical_lines_after_header(data), (got, table.skipped, table.blank)
    for line, row in got:
        assert 2 <= line <= DATA_LINES + 40
        assert "_error" in row or all(isinstance(k, str) for k in row)


@given(st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.sampled_from(b'"\x00\n\r,\xff\xe4')), min_size=1, max_size=4))
@hsettings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_corruption_loads_or_refuses_every_row(graph, edits):
    data = bytearray(GOOD)
    for at, byte in edits:
        data[at] = byte
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "persons.csv").write_bytes(bytes(data))
        try:
            report = FolderLoader(graph, Pseudonyms(b"t"), progress=False).load(Path(d), Path(d) / "r.csv")
        except LoadIncomplete as e:
            report = e.report
        for t in report.tables:
            assert t.read == t.loaded + t.rejected
            assert len([r for r in rejects_of(report) if r["line"]]) == t.rejected


def test_refused_rows_are_all_in_the_rejects_file(graph, tmp_path):
    folder = tmp_path / "everything"
    folder.mkdir()
    rows = io.StringIO()
    rows.write("person_id,name,gender\n")
    rows.write("ZBA0001,正常,男\n")
    rows.write('ZBA0002,"未闭合,男\n')
    rows.write("ZBA0003,正常三,男,多余\n")
    rows.write("ZBA0004,正常四,男\n")
    rows.write("ZBA0005\n")
    (folder / "persons.csv").write_text(rows.getvalue(), "utf-8")
    report = load_folder(graph, folder, progress=False)
    accounted(report)
    assert [r["line"] for r in rejects_of(report)] == ["3", "4", "6"]
    assert loaded_persons(graph, "ZBA") == 2


def test_staging_copies_of_a_dataset_are_private(tmp_path):
    from chengxin.loaders import ocds
    from chengxin.loaders.sources import write_folder

    release = {"ocid": "ocds-zb-0001", "id": "r1", "parties": [
        {"id": "s", "name": "测试供应商", "roles": ["supplier"], "identifier": {"scheme": "CN-USCC", "id": firm(50)}}],
        "awards": [{"id": "a1", "suppliers": [{"id": "s"}]}]}
    (tmp_path / "r.json").write_text(json.dumps(release, ensure_ascii=False), "utf-8")
    out = write_folder(ocds.source(tmp_path / "r.json", "ocds", "zb"), tmp_path / "imports" / "stage")
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    files = list(out.glob("*.jsonl"))
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_a_column_name_with_a_control_character_refuses_the_file(graph, tmp_path):
    # Extra columns become properties: a NUL in a column name would become a property name that no
    # export (GraphML is XML) can write. The file is refused with the header's line and column.
    folder = tmp_path / "nul-header"
    folder.mkdir()
    (folder / "persons.csv").write_bytes("person_id,name,g\x00ender\nZNUL0001,正常,男\nZNUL0002,正常二,女\n".encode())
    try:
        report = FolderLoader(graph, Pseudonyms(b"t"), progress=False).load(folder, folder / "r.csv")
    except LoadIncomplete as e:
        report = e.report
    (t,) = report.tables
    assert t.read == 2 and t.loaded == 0 and t.rejected == 2
    reasons = {r["reason"] for r in rejects_of(report)}
    assert any("line 1, column 3" in r and "U+0000 (NUL)" in r for r in reasons), reasons
    assert graph.run("MATCH (p:Person) WHERE p.person_id STARTS WITH 'ZNUL' RETURN count(p) AS n")[0]["n"] == 0


def test_a_json_object_or_list_of_numbers_in_an_extra_jsonl_cell_loads_as_masked_text(graph, tmp_path):
    """A ``.jsonl`` record may hold anything in a column the format does not know: an object (with an
    ID number inside) or a list of numbers goes in as text, masked, and the load goes on (it once went
    in whole, unmasked, and stopped the load with a TypeError)."""
    folder = tmp_path / "jl"
    folder.mkdir()
    a, b = make_uscc("MA0JQNL01"), make_uscc("MA0JQNL02")
    with open(folder / "enterprises.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps({"uscc": a, "name": "对象公司", "type": "施工", "meta": {"id": "110101199001011237"}},
                           ensure_ascii=False) + "\n")
        f.write(json.dumps({"uscc": b, "name": "列表公司", "type": "施工", "scores": [1, 2.5]}, ensure_ascii=False) + "\n")
    report = load_folder(graph, folder, progress=False)
    assert (report.loaded, report.rejected) == (2, 0)
    rows = {r["u"]: r for r in graph.run(
        "MATCH (e:Enterprise) WHERE e.uscc IN $u RETURN e.uscc AS u, e.meta AS meta, e.scores AS scores", {"u": [a, b]})}
    assert isinstance(rows[a]["meta"], str) and "110101199001011237" not in rows[a]["meta"]
    assert "1101" in rows[a]["meta"]  # masked, not dropped
    assert rows[b]["scores"] == "[1, 2.5]"
