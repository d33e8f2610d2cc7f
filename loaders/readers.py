"""Reading one table from a file: ``.csv`` (UTF-8 with or without BOM, GB18030/GBK, or what
charset-normalizer finds), ``.jsonl`` and ``.xlsx`` (first sheet, header row).

Rows come out as ``(line, {column: raw value})`` with the line number a person would find in
the file (the header is line 1). A line that repeats the header, as scrapes that append a
second page do, is skipped and counted, not loaded as data.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import InvalidInput

FORMATS = (".csv", ".jsonl", ".xlsx")
SAMPLE_BYTES = 1 << 20


@dataclass
class TableFile:
    path: Path
    header: list[str] = field(default_factory=list)
    encoding: str | None = None
    skipped: int = 0  # repeated header lines

    @property
    def format(self) -> str:
        return self.path.suffix.lower().lstrip(".")


def find_table(folder: Path, name: str) -> Path | None:
    for ext in FORMATS:
        for candidate in (folder / f"{name}{ext}", folder / f"{name}{ext.upper()}"):
            if candidate.is_file():
                return candidate
    return None


def detect_encoding(path: Path) -> str:
    with open(path, "rb") as f:
        sample = f.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(sample, final=False)
            return enc
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None:
        raise InvalidInput(f"{path.name}: cannot tell the text encoding (tried UTF-8, GB18030 and detection)")
    return best.encoding


def _clean(header: list) -> list[str]:
    return [str(h).strip().lstrip("\ufeff") if h is not None else "" for h in header]


def read_table(path: Path) -> tuple[TableFile, Iterator[tuple[int, dict]]]:
    table = TableFile(path)
    ext = path.suffix.lower()
    if ext == ".csv":
        table.encoding = detect_encoding(path)
        return table, _read_csv(table)
    if ext == ".jsonl":
        table.encoding = "utf-8"
        return table, _read_jsonl(table)
    if ext == ".xlsx":
        return table, _read_xlsx(table)
    raise InvalidInput(f"{path.name}: unsupported format (use {', '.join(FORMATS)})")


def _read_csv(table: TableFile) -> Iterator[tuple[int, dict]]:
    try:
        with open(table.path, encoding=table.encoding, newline="") as f:
            reader = csv.reader(f)
            try:
                header = next(reader)
            except StopIteration:
                return
            table.header = _clean(header)
            while True:
                line = reader.line_num + 1
                try:
                    values = next(reader)
                except StopIteration:
                    return
                if not any(v.strip() for v in values):
                    continue
                if _clean(values) == table.header:
                    table.skipped += 1
                    continue
                row = dict(zip(table.header, values))
                if len(values) > len(table.header):
                    row["_extra_cells"] = values[len(table.header):]
                yield line, row
    except UnicodeDecodeError as e:
        raise InvalidInput(
            f"{table.path.name}: not valid {table.encoding} at byte {e.start} (file encoding mixed?)"
        ) from e


def _read_jsonl(table: TableFile) -> Iterator[tuple[int, dict]]:
    seen: dict[str, None] = {}
    with open(table.path, encoding="utf-8-sig") as f:
        for line_no, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as e:
                yield line_no, {"_raw": text.rstrip("\n"), "_error": f"not a JSON object: {e.msg}"}
                continue
            if not isinstance(obj, dict):
                yield line_no, {"_raw": text.rstrip("\n"), "_error": "not a JSON object"}
                continue
            for k in obj:
                seen.setdefault(k, None)
            table.header = list(seen)
            yield line_no, obj


def _read_xlsx(table: TableFile) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(table.path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises zip, XML and key errors for a damaged or misnamed file
        raise InvalidInput(f"{table.path.name}: not a readable .xlsx workbook ({type(e).__name__}: {e})") from e
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        try:
            table.header = _clean(list(next(rows)))
        except StopIteration:
            return
        for line_no, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            if _clean(list(values)) == table.header:
                table.skipped += 1
                continue
            yield line_no, {h: v for h, v in zip(table.header, values) if h}
    finally:
        wb.close()
