"""Reading one table from a file: ``.csv`` (UTF-8 with or without BOM, GB18030/GBK, or what
charset-normalizer finds), ``.jsonl`` and ``.xlsx`` (first sheet, header row).

Rows come out as ``(line, {column: raw value})`` with the line number a person would find in
the file (the header is line 1). A line that repeats the header, as scrapes that append a
second page do, is skipped and counted, not loaded as data. A line that cannot be read (another
encoding, broken quoting, too long, cut short, more cells than columns) comes out as
``{"_error": reason, "_raw": text}`` so the loader refuses it and reads on.

Only regular files inside the folder are opened: a symbolic link that leads out of the folder,
or round in a loop, is refused with the reason, and so is a workbook whose zip parts would inflate
past :data:`MAX_XLSX_PART` / :data:`MAX_XLSX_TOTAL` or at more than :data:`MAX_XLSX_RATIO` to one.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from chengxin.graph.errors import InvalidInput

from .text import CsvRecords, decoded_lines, detect_encoding

__all__ = ["FORMATS", "TableFile", "detect_encoding", "find_table", "open_inside", "read_table", "check_workbook"]

FORMATS = (".csv", ".jsonl", ".xlsx")
#: Workbook limits, checked on the zip's own directory before openpyxl reads a byte of it.
MAX_XLSX_PART = 256 << 20  # one part (a sheet, the shared strings) inflated
MAX_XLSX_TOTAL = 512 << 20  # all parts inflated
MAX_XLSX_RATIO = 200  # inflated : compressed, for parts over 1 MiB (XML compresses 5-30 to one)
MAX_XLSX_PARTS = 10_000


@dataclass
class TableFile:
    path: Path
    header: list[str] = field(default_factory=list)
    encoding: str | None = None
    skipped: int = 0  # repeated header lines
    blank: int = 0  # lines with no cells
    warnings: list[str] = field(default_factory=list)

    @property
    def format(self) -> str:
        return self.path.suffix.lower().lstrip(".")


def find_table(folder: Path, name: str) -> Path | None:
    """The file holding table ``name`` (whatever it is: :func:`open_inside` says if it may be read)."""
    for ext in FORMATS:
        for candidate in (folder / f"{name}{ext}", folder / f"{name}{ext.upper()}"):
            if os.path.lexists(candidate):
                return candidate
    return None


def open_inside(path: Path, root: Path | None = None):
    """``path`` opened for reading in binary, if it is a regular file inside ``root`` (default: its
    folder). A symbolic link out of the folder, a link loop, a dangling link or anything but a regular
    file (a FIFO, a device, a folder) is refused with the reason; nothing is followed out of the folder."""
    root = Path(root or path.parent).resolve()
    try:
        real = path.resolve(strict=True)
    except (RuntimeError, OSError) as e:  # RuntimeError: Python 3.11's "Symlink loop"
        if isinstance(e, RuntimeError) or getattr(e, "errno", None) == errno.ELOOP:
            raise InvalidInput(f"{path.name}: a symbolic link loop ({path.name} -> {_link(path)}): not read") from None
        if path.is_symlink():
            raise InvalidInput(f"{path.name}: a symbolic link to {_link(path)}, which does not exist: not read") from None
        raise InvalidInput(f"{path.name}: cannot be opened ({e.strerror or e})") from None
    if not real.is_relative_to(root):
        raise InvalidInput(f"{path.name}: a symbolic link to {_link(path)}, outside the folder being loaded: "
                           "not followed")
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as e:
        raise InvalidInput(f"{path.name}: cannot be opened ({e.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InvalidInput(f"{path.name}: not a regular file (a folder, FIFO or device): not read")
    return os.fdopen(fd, "rb")


def _link(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def read_table(path: Path) -> tuple[TableFile, Iterator[tuple[int, dict]]]:
    table = TableFile(path)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise InvalidInput(f"{path.name}: unsupported format (use {', '.join(FORMATS)})")
    f = open_inside(path)
    try:
        if ext == ".csv":
            table.encoding = detect_encoding(f, path.name)
            return table, _read_csv(table, f)
        if ext == ".jsonl":
            table.encoding = "utf-8"
            return table, _read_jsonl(table, f)
        check_workbook(f, path.name)
        return table, _read_xlsx(table, f)
    except BaseException:
        f.close()
        raise


def _clean(header: list) -> list[str]:
    return [str(h).strip().lstrip("\ufeff") if h is not None else "" for h in header]


def _note_duplicates(table: TableFile) -> None:
    where: dict[str, list[int]] = {}
    for i, name in enumerate(table.header, start=1):
        if name:
            where.setdefault(name, []).append(i)
    for name, cols in where.items():
        if len(cols) > 1:
            table.warnings.append(f"columns {' and '.join(map(str, cols))} are both {name!r} (spaces trimmed): "
                                  "a row where they hold different values is refused")


def _empty(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _row(header: list[str], values: list) -> dict:
    """The row as {column: value}; a column named twice must hold one value (or one side empty)."""
    row: dict = {}
    first: dict[str, int] = {}
    for i, (name, v) in enumerate(zip(header, values), start=1):
        if name in row:
            if _empty(v) or v == row[name]:
                continue
            if not _empty(row[name]):
                return {"_error": f"columns {first[name]} and {i} are both {name!r} and hold different values",
                        "_raw": list(values)}
        row[name] = v
        first.setdefault(name, i)
    return row


def _unnamed(unnamed: list[int], values: list) -> dict | None:
    """An error row if a column without a header holds a value (it would be dropped unseen)."""
    for i in unnamed:
        if i < len(values) and not _empty(values[i]):
            return {"_error": f"column {i + 1} has no header but holds a value", "_raw": list(values)}
    return None


def _read_csv(table: TableFile, f) -> Iterator[tuple[int, dict]]:
    with f:
        records = CsvRecords(decoded_lines(f, table.encoding))
        it = iter(records)
        head = next(it, None)
        if head is None:
            return
        names = head.values
        if names is None:
            if not head.raw:
                raise InvalidInput(f"{table.path.name}: the header line cannot be read: {head.error}")
            names = next(csv.reader([head.raw]), [])  # the first line alone, leniently
        table.header = _clean(names)
        _note_duplicates(table)
        width = records.width = len(table.header)
        header, first = table.header, table.header[0] if table.header else None
        plain = len(set(header)) == len(header)  # no column named twice: the rows are plain dicts
        unnamed = [i for i, h in enumerate(header) if not h]
        for no, values, error, raw in it:  # a Record
            if values is None:
                yield no, {"_error": error, "_raw": raw}
                continue
            if values[0].strip().lstrip("\ufeff") == first and _clean(values) == header:
                table.skipped += 1
                continue
            row = dict(zip(header, values)) if plain else _row(header, values)
            if len(values) > width:
                row["_extra_cells"] = values[width:]
            elif len(values) < width and "_error" not in row:
                row = {"_error": f"{len(values)} cell{'s' * (len(values) != 1)} for {width} columns: the row is cut short",
                       **row}
            elif unnamed and "_error" not in row:
                row = _unnamed(unnamed, values) or row
            yield no, row
        table.blank = records.blank


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _pairs(pairs: list) -> dict:
    obj: dict = {}
    for k, v in pairs:
        if k in obj and obj[k] != v:
            raise ValueError(f"the key {k!r} appears twice with different values")
        obj[k] = v
    return obj


def _read_jsonl(table: TableFile, f) -> Iterator[tuple[int, dict]]:
    seen: dict[str, None] = {}
    with f:
        for line in decoded_lines(f, "utf-8-sig"):
            if line.text is None:
                yield line.no, {"_raw": line.raw[:2000].decode("utf-8", "replace"), "_error": line.error}
                continue
            text = line.text.strip()
            if not text:
                table.blank += 1
                continue
            try:
                obj = json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
            except json.JSONDecodeError as e:
                yield line.no, {"_raw": text[:2000], "_error": f"not a JSON object: {e.msg}"}
                continue
            except (ValueError, RecursionError) as e:
                yield line.no, {"_raw": text[:2000], "_error": f"not a usable JSON object: {e}"}
                continue
            if not isinstance(obj, dict):
                yield line.no, {"_raw": text[:2000], "_error": "not a JSON object"}
                continue
            for k in obj:
                seen.setdefault(k, None)
            table.header = list(seen)
            yield line.no, obj


def check_workbook(f, name: str) -> None:
    """Refuse a workbook whose zip parts would inflate too far, from the sizes its zip directory declares
    (``zipfile`` never inflates a part past its declared size: a part that lies fails its CRC check)."""
    try:
        zf = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InvalidInput(f"{name}: not a readable .xlsx workbook (BadZipFile: {e})") from None
    infos = zf.infolist()
    if len(infos) > MAX_XLSX_PARTS:
        raise InvalidInput(f"{name}: refused: a workbook of {len(infos):,} zip parts (at most {MAX_XLSX_PARTS:,})")
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        total += size
        if size > MAX_XLSX_PART:
            raise InvalidInput(f"{name}: refused: its part {info.filename} would inflate to {_mb(size)} "
                               f"(at most {_mb(MAX_XLSX_PART)} a part): a zip bomb, or save it as CSV")
        if size > (1 << 20) and size / packed > MAX_XLSX_RATIO:
            raise InvalidInput(f"{name}: refused: its part {info.filename} would inflate {_mb(packed)} to {_mb(size)} "
                               f"({size / packed:,.0f} to 1; at most {MAX_XLSX_RATIO} to 1): a zip bomb?")
    if total > MAX_XLSX_TOTAL:
        raise InvalidInput(f"{name}: refused: its parts would inflate to {_mb(total)} in all (at most "
                           f"{_mb(MAX_XLSX_TOTAL)}): a zip bomb, or save it as CSV")
    f.seek(0)


def _mb(n: int) -> str:
    return f"{n / (1 << 20):,.1f} MiB"


def _read_xlsx(table: TableFile, f) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

    with f:
        try:
            wb = load_workbook(f, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises zip, XML and key errors for a damaged or misnamed file
            raise InvalidInput(f"{table.path.name}: not a readable .xlsx workbook ({type(e).__name__}: {e})") from e
        try:
            ws = wb.worksheets[0]
            ws.reset_dimensions()  # a sheet's declared size is not trusted: rows are not padded to it
            rows = ws.iter_rows(values_only=True)
            try:
                table.header = _clean(list(next(rows)))
            except StopIteration:
                return
            except Exception as e:
                raise InvalidInput(f"{table.path.name}: the header row cannot be read ({type(e).__name__}: {e})") from e
            _note_duplicates(table)
            unnamed = [i for i, h in enumerate(table.header) if not h]
            line_no = 1
            while True:
                try:
                    values = next(rows)
                except StopIteration:
                    return
                except Exception as e:  # damaged sheet XML part-way
                    raise InvalidInput(f"{table.path.name}: the sheet cannot be read after row {line_no} "
                                       f"({type(e).__name__}: {e})") from e
                line_no += 1
                if not any(v not in (None, "") for v in values):
                    table.blank += 1
                    continue
                if _clean(list(values)) == table.header:
                    table.skipped += 1
                    continue
                values = list(values)
                problem = _unnamed(unnamed + list(range(len(table.header), len(values))), values)
                if problem:
                    yield line_no, problem
                    continue
                yield line_no, {h: v for h, v in _row(table.header, values).items() if h}
        finally:
            wb.close()


def read_sheet_grid(path: Path, sheet: str | None = None) -> list[list]:
    """Every row of one sheet of a workbook as a list of cell values, from row 1 (so a row's index + 1 is
    its line in the sheet), read to the sheet's real extent: the size the sheet declares
    (``<dimension ref="A1:A1288">`` where six columns are filled) is not trusted. A merged range's value
    is given to every cell it covers (a header cell merged across or down names each column under it).
    ``sheet``: its name (default: the first); a name the workbook lacks is refused with the ones it has."""
    from openpyxl import load_workbook

    path = Path(path)
    with open(path, "rb") as f:
        check_workbook(f, path.name)  # a zip bomb is refused before openpyxl reads it
        try:
            wb = load_workbook(f, data_only=True)  # not read-only: it needs the merged ranges
        except Exception as e:  # zip, XML and key errors of a damaged workbook
            raise InvalidInput(f"{path.name}: not a readable .xlsx workbook ({type(e).__name__}: {e})") from e
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise InvalidInput(f"{path.name}: no sheet {sheet!r}; its sheets are: "
                               + ", ".join(repr(s) for s in wb.sheetnames))
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        for rng in ws.merged_cells.ranges:
            value = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(rows) else None
            for r in range(rng.min_row, min(rng.max_row, len(rows)) + 1):
                row = rows[r - 1]
                row.extend([None] * (rng.max_col - len(row)))
                for c in range(rng.min_col, rng.max_col + 1):
                    row[c - 1] = value
        return rows
    finally:
        wb.close()


def files_inside(path: Path, keep: Callable[[Path, Path], bool]) -> list[Path]:
    """The files a load reads from ``path``: the file itself, or (a folder) every file below it, in
    name order, that ``keep(p, folder)`` accepts. A symbolic link that loops, leads nowhere or leaves
    the folder is refused, never followed."""
    path = Path(path)
    if not path.exists():
        raise InvalidInput(f"no such file or folder: {path}")
    if not path.is_dir():
        return [path]
    root = path.resolve()
    files = []
    for p in sorted(path.rglob("*")):
        if not keep(p, path):
            continue
        try:
            real = p.resolve(strict=True)
        except (RuntimeError, OSError):  # a link loop or a dangling link
            raise InvalidInput(f"{p}: a symbolic link loop or a link to nothing: not read") from None
        if not real.is_relative_to(root):
            raise InvalidInput(f"{p}: a symbolic link to {real}, outside the folder being loaded: not followed")
        if real.is_file():
            files.append(p)
    return files
