"""Dump everything a check-mode load produces, to prove a change to the loader's own work changed nothing.

    python bench/check_dump.py OUT.txt PATH [--format folder|ocds|oc4ids|list|jzsc] [--mapping FILE]
    python bench/check_dump.py OUT.txt --hostile DIR   # writes a folder of hostile tables to DIR first

Runs ``FolderLoader(mode="check")`` over the source, with a fixed pseudonym key, and writes to OUT: every
built row as the writer is handed it (table, label slots, bulk flag, file, line, ``repr`` of the raw and the
built row, so types and key order count), the rejects file's bytes, and the report (its timing fields
left out). Run it on two versions of the code and ``cmp`` the outputs: they must be identical.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
from pathlib import Path


def dump(path: Path, out: Path, fmt: str = "folder", mapping: Path | None = None) -> None:
    from chengxin.loaders import csv_folder
    from chengxin.loaders.csv_folder import FolderLoader, LoadIncomplete
    from chengxin.loaders.ids import Pseudonyms
    from chengxin.loaders.ingest import open_source

    built: list[str] = []

    def flush(self, table, slots, batch, loaded_at, create=False):
        for file, line, raw, row in batch:
            built.append(f"{table.name}\t{sorted(slots.items())!r}\t{create}\t{file}\t{line}\t{raw!r}\t{row!r}")
        return len(batch), []

    original = csv_folder.FolderLoader._flush
    csv_folder.FolderLoader._flush = flush
    try:
        src = open_source(path, fmt, "dump-source", mapping)
        loader = FolderLoader(None, Pseudonyms(b"a fixed key for the dump"), progress=False, mode="check")
        with tempfile.TemporaryDirectory() as tmp:
            rejects = Path(tmp) / "rejects.csv"
            try:
                report = loader.load(src, rejects, source="dump-source")
            except LoadIncomplete as e:
                report = e.report
            rejected = rejects.read_bytes().decode("utf-8-sig") if rejects.exists() else ""
    finally:
        csv_folder.FolderLoader._flush = original
    doc = report.as_dict()
    for key in ("started", "seconds", "rejects_file"):
        doc.pop(key, None)
    for t in doc["tables"]:
        t.pop("seconds", None)
    with open(out, "w", encoding="utf-8") as f:
        f.write("== report\n" + json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True, default=repr) + "\n")
        f.write("== rejects\n" + rejected + "\n")
        f.write(f"== built rows ({len(built)})\n")
        for line in built:
            f.write(line + "\n")


def hostile(folder: Path) -> Path:
    """A folder of tables as bad as the tests make them: control characters, ID numbers in every kind of
    cell, a GBK line in a UTF-8 file, broken quoting, a column named twice, repeated keys with other values,
    extra cells, absurd amounts, impossible dates, a repeated header, blank lines, JSON Lines and a workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    firm = "91110000100000000X"
    ok = ["911100001000000019", "91440300MA5XXXXXXX", "91330106MA2AXXXXX0"]
    from chengxin.loaders.ids import uscc_check_char

    def uscc(n: int) -> str:
        first = f"9111010{n:010d}"
        return first + uscc_check_char(first)

    good = [uscc(i) for i in range(1, 8)]
    ids = ["110101199003074514", "11010119900307451x", "330106201905230101", "110101190001011234", "440301200502305678",
           "1101011990030745141", "a110101199003074514", "110101199003074514b", "x" * 63 + "f" * 64, "ab" * 40]
    lines = ["uscc,name,type,legal_rep_id,legal_rep_name,region_code,registered_capital,established,phone,备注"]
    for i, u in enumerate(good):
        lines.append(f"{u},某某建设{i}有限公司,施工,{ids[i % 5]},张三{ids[(i + 1) % len(ids)]},110101,{i * 100.5},"
                     f"2001-0{i % 9 + 1}-1{i % 9},010-1234567,备注 {ids[(i + 2) % len(ids)]} 与 {ids[i % len(ids)]}")
    lines += [f"{good[0]},某某建设0有限公司,施工,,,110101,1,2001-01-01,,",  # the same key, other values
              f"{good[1]},某某建设1有限公司,施工,{ids[1]},张三{ids[2]},110101,100.5,2001-02-11,010-1234567,备注 {ids[3]} 与 {ids[1]}",
              f"{firm},坏公司,施工,,,110101,1,2001-01-01,,",
              f"{ok[1]},坏公司,施工,,,999999,1e20,2001-13-01,,",
              f"{uscc(20)},\x00零字节,施工,,,110101,1,2001-01-01,,",
              f"{uscc(21)},右\u202e到左,施工,,,110101,inf,2001-01-01,,",
              f"{uscc(22)},\"引号,不闭合,施工,,,110101,1,2001-01-01,,",
              f"{uscc(23)},多列,施工,,,110101,1,2001-01-01,,,额外,再额外",
              f"{uscc(24)},少列",
              "uscc,name,type,legal_rep_id,legal_rep_name,region_code,registered_capital,established,phone,备注",
              "",
              f"{uscc(25)},12345,施工,,,110101,\"1,000\",2001年1月1日,,",
              f"{uscc(26)},  空格公司  ,监理,,,110101,-5,1800-01-01 00:00:00,,\t",
              f"{uscc(27)},数字公司,,,,,,2001/1/1T12:00,,{'9' * 18}"]
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    data += f"{uscc(28)},国标公司,施工,,,110101,1,2001-01-01,,\r\n".encode("gbk")
    data += f"{uscc(29)},最后公司,施工,,,110101,1,2001-01-01,,".encode("utf-8")
    (folder / "enterprises.csv").write_bytes(b"\xef\xbb\xbf" + data)
    people = ["person_id,name,gender,id_number,name,note"]
    for i, pid in enumerate(ids + ["P-1", " 110101199003074514 ", "X" * 18]):
        people.append(f"{pid},李{i},{'男女'[i % 2]},{ids[i % 5]},{'李' + str(i) if i % 3 else ''},{ids[(i + 3) % len(ids)]}")
    people.append(f"{ids[0]},王五,男,,赵六,")  # a column named twice with other values
    people.append(f"{ids[0]},李0,女,,,")
    people.append("P-2,\x1b[31m红,男,,,")
    people.append("P-3,,男,,,")
    (folder / "persons.csv").write_text("\n".join(people) + "\n", encoding="gb18030")
    with open(folder / "projects.jsonl", "w", encoding="utf-8") as f:
        for i in range(6):
            f.write(json.dumps({"project_code": f"PRJ-{i}", "name": f"项目{i} {ids[i]}", "region_code": "110101",
                                "total_investment": [10, "1,5", 1e300, -1, "NaN", True][i], "owner_uscc": good[i % 3],
                                "start_date": ["2020-01-01", "2020-02-30", None, "", 20200101, "2020-01-01T00:00"][i],
                                "extra_num": [1, 2 ** 70, 1.5, float("1e308"), None, "x"][i],
                                "extra_list": ["a", ids[0]]}, ensure_ascii=False) + "\n")
        f.write("not json\n[1, 2]\n{\"project_code\": \"PRJ-9\", \"project_code\": \"PRJ-8\", \"name\": \"n\"}\n")
        f.write("{\"project_code\": \"PRJ-10\", \"name\": \"NaN\", \"total_investment\": NaN}\n\n")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["cert_no", "uscc", "category", "specialty", "grade", "issued", "expires", "", "other"])
    import datetime as dt

    for i in range(6):
        ws.append([f"D{i}{ids[i]}", good[i % 4], "建筑业企业资质", "建筑工程", ["一级", None, 2, 3.5, "", " 特级 "][i],
                   dt.datetime(2020, 1, i + 1), [dt.date(2025, 1, 1), "2025/1/2", None, "bad", 5, ""][i], None, ids[i]])
    ws.append(["D9", good[0], "x", None, None, None, None, "unnamed value", None])
    ws.append(["cert_no", "uscc", "category", "specialty", "grade", "issued", "expires", "", "other"])
    ws.append([None] * 9)
    wb.save(folder / "qualifications.xlsx")
    rel = [["tender_no", "uscc", "price", "rank", "outcome"]]
    for i in range(12):
        rel.append([f"T{i % 5}", good[i % 3], ["1", "x", "-1", "1e10", "", "3,5"][i % 6], ["1", "0", "a", "", "2", "1.5"][i % 6],
                    ["中标", "未中标", "赢", "", "废标", "中标"][i % 6]])
    with open(folder / "bids.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rel)
    with open(folder / "penalties.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["penalty_id", "subject_type", "subject_id", "measure", "amount", "authority", "decision_date",
                    "publish_date", "legal_basis"])
        for i in range(10):
            w.writerow([f"PEN{i % 7}", ["enterprise", "person", "firm"][i % 3], [good[0], ids[i % 5], "bad"][i % 3],
                        ["罚款", "暂停资格", "吊销资质证书", "", "通报批评"][i % 5], [1, "1e12", "", "x"][i % 4],
                        ["住建局", "", " 住建厅 "][i % 3], ["2020-01-01", "1900-01-01", "2999-01-01", "2020-1-1", ""][i % 5],
                        "", f"依据 {ids[i % len(ids)]}"])
    with open(folder / "stage_people.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["stage", "stage_key", "person_id", "name", "role", "uscc"])
        for i in range(8):
            w.writerow([["tender", "permit", "x", "completion"][i % 4], f"K{i}", ids[i % 6], f"名{ids[i % 4]}",
                        ["项目经理", "project_manager", "boss", "总监理工程师"][i % 4], ["", good[1], "bad"][i % 3]])
    with open(folder / "shareholdings.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["holder_type", "holder_id", "uscc", "share_pct"])
        for i in range(6):
            w.writerow([["enterprise", "person"][i % 2], [good[2], ids[i]][i % 2], good[i % 3], ["10", "101", "-1", "50%", "", "3"][i]])
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("path", type=Path, nargs="?")
    ap.add_argument("--format", default="folder")
    ap.add_argument("--mapping", type=Path)
    ap.add_argument("--hostile", type=Path, help="write a folder of hostile tables here and dump it")
    args = ap.parse_args()
    path = hostile(args.hostile) if args.hostile else args.path
    dump(path, args.out, args.format, args.mapping)


if __name__ == "__main__":
    main()
