"""``chengxin load --format list --mapping FILE PATH``: sanctions and debarment lists, read through a
declarative mapping (TOML or YAML) from the list's columns to penalty fields.

A mapping has four parts (``loaders/mappings/ebrd-ineligible.toml`` is a complete one):

- ``[list]``: ``id`` (stable across editions), ``name``, ``sanctioning_institution`` and ``measure``
  (used when no column gives them), ``url``, ``subject_type`` (enterprise or person);
- ``[read]``: ``sheet`` (xlsx), ``skip_rows`` before the header, ``header_rows`` (a header that spans
  several rows is joined cell by cell, merged cells carried right), ``encoding`` (default: detected);
- ``[columns]``: for each field the header of its column: ``name`` (required), ``alt_name`` (another
  or local-script name), ``address``, ``country``, ``start``, ``end``, ``notice`` (a start to use
  when ``start`` is empty), ``grounds``, ``sanctioning``, ``originating``, ``id`` (the list's own
  entry id, if it has one);
- ``[values]``: ``no_end``, the words that mean a debarment has no end date.

The list is a source for the one loader (:func:`source`): nothing is staged on disk, and a refused
row (no name, no start date) goes to the load's rejects file with the list's file and line.
Each entry becomes a Penalty on an Enterprise (or Person) known by its name (``XX-NAME:…``),
later linked to the firms already in the graph by entity matching. Entries keep stable ids, so
loading a newer edition is an update: entries no longer listed are marked ended on the day that
was noticed (``delisted_noticed``, and ``valid_until`` brought forward to it), never deleted.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import tomllib
from pathlib import Path

from chengxin.graph.errors import InvalidInput
from chengxin.graph.names import fold, identity_key
from chengxin.graph.vocabulary import LIST_DEFAULT_MEASURE

from .readers import check_workbook, detect_encoding
from .sources import RowsSource

FIELDS = ("name", "alt_name", "address", "country", "start", "end", "notice", "grounds", "sanctioning",
          "originating", "id")


def read_mapping(path: Path) -> dict:
    text = Path(path).read_text(encoding="utf-8")
    try:
        if Path(path).suffix.lower() in (".yaml", ".yml"):
            import yaml

            mapping = yaml.safe_load(text)
        else:
            mapping = tomllib.loads(text)
    except Exception as e:  # both parsers' errors, said the same way
        raise InvalidInput(f"mapping {Path(path).name} cannot be read: {e}") from None
    if not isinstance(mapping, dict):
        raise InvalidInput(f"mapping {Path(path).name}: expected sections [list], [read], [columns]")
    lst, cols = mapping.get("list") or {}, mapping.get("columns") or {}
    if not lst.get("id"):
        raise InvalidInput(f"mapping {Path(path).name}: [list] needs an id (stable across editions)")
    if not cols.get("name"):
        raise InvalidInput(f"mapping {Path(path).name}: [columns] needs name (the column of the subject's name)")
    unknown = set(cols) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"mapping {Path(path).name}: unknown fields in [columns]: {', '.join(sorted(unknown))} "
                           f"(known: {', '.join(FIELDS)})")
    if (lst.get("subject_type") or "enterprise") not in ("enterprise", "person"):
        raise InvalidInput(f"mapping {Path(path).name}: subject_type must be enterprise or person")
    return mapping


def _key(header: str) -> str:
    return fold(str(header or "")).lower()


def _grid(path: Path, read: dict) -> list[list]:
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        with open(path, "rb") as f:
            check_workbook(f, path.name)  # a zip bomb is refused before openpyxl reads it
            try:
                wb = load_workbook(f, read_only=True, data_only=True)
                ws = wb[read["sheet"]] if read.get("sheet") else wb.worksheets[0]
                ws.reset_dimensions()
                rows = [list(r) for r in ws.iter_rows(values_only=True)]
                wb.close()
            except KeyError:
                raise InvalidInput(f"{path.name}: no sheet {read.get('sheet')!r}") from None
            except Exception as e:  # zip, XML and key errors of a damaged workbook
                raise InvalidInput(f"{path.name}: not a readable .xlsx workbook ({type(e).__name__}: {e})") from e
        return rows
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        raise InvalidInput(f"{path.name}: a list is read from .csv or .xlsx")
    encoding = read.get("encoding") or detect_encoding(path)
    try:
        text = path.read_bytes().decode(encoding)
    except UnicodeDecodeError as e:
        line = path.read_bytes()[:e.start].count(b"\n") + 1
        raise InvalidInput(f"{path.name}: not valid {encoding} at byte {e.start:,} (line {line}): the file's "
                           "encoding changes there; save it in one encoding") from None
    except LookupError:
        raise InvalidInput(f"{path.name}: unknown encoding {encoding!r} in the mapping") from None
    dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
    try:
        return [row for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), dialect=dialect)]
    except csv.Error as e:
        raise InvalidInput(f"{path.name}: cannot be read as CSV ({e})") from None


def _header(rows: list[list], n: int) -> list[str]:
    parts: list[list[str]] = []
    for depth, row in enumerate(rows[:n]):
        filled, last = [], ""
        for cell in row:
            cell = "" if cell is None else str(cell).strip()
            # A group cell above the last header row spans the cells to its right (merged cells).
            last = cell or (last if depth < n - 1 else "")
            filled.append(last)
        parts.append(filled)
    width = max(len(p) for p in parts)
    return [" ".join(dict.fromkeys(p[i] for p in parts if i < len(p) and p[i])) for i in range(width)]


def entries(path: Path, mapping: dict) -> tuple[list[dict], list[tuple[int, str, dict]]]:
    """The list's entries as penalty fields, and the rows refused (line, reason, cells)."""
    read = mapping.get("read") or {}
    cols = mapping["columns"]
    rows = _grid(path, read)
    skip, n = int(read.get("skip_rows") or 0), int(read.get("header_rows") or 1)
    if len(rows) < skip + n:
        raise InvalidInput(f"{Path(path).name}: fewer lines than the mapping's header")
    header = _header(rows[skip:], n)
    index = {_key(h): i for i, h in enumerate(header) if h}
    where = {}
    for field, column in cols.items():
        if not column:
            continue
        if _key(column) not in index:
            raise InvalidInput(f"{Path(path).name}: no column {column!r} (for {field}); the header has: "
                               f"{', '.join(h for h in header if h)}")
        where[field] = index[_key(column)]
    no_end = {_key(v) for v in (mapping.get("values") or {}).get("no_end", [])}
    out, refused = [], []
    first = skip + n + 1
    for line, row in enumerate(rows[skip + n:], start=first):
        cells = {header[i] or f"column {i + 1}": ("" if v is None else str(v).strip()) for i, v in enumerate(row)}
        if not any(cells.values()):
            continue
        value = {f: (str(row[i]).strip() if i < len(row) and row[i] is not None else "") for f, i in where.items()}
        name = " ".join(value.get("name", "").split())
        if not name:
            refused.append((line, "no name in the name column", cells))
            continue
        end = value.get("end") or ""
        entry = {f: v or None for f, v in value.items()}
        entry["name"] = name
        entry["end"] = None if _key(end) in no_end or not end else end
        entry["start"] = value.get("start") or value.get("notice") or None
        if not entry["start"]:
            refused.append((line, "no start date (neither the start nor the notice column has one)", cells))
            continue
        entry["line"] = line
        out.append(entry)
    return out, refused


def entry_id(list_id: str, e: dict) -> str:
    if e.get("id"):
        return f"{list_id}:{e['id']}"
    basis = "|".join([identity_key(e["name"]), (e.get("start") or "")[:10], identity_key(e.get("originating") or "")])
    return f"{list_id}:{hashlib.sha1(basis.encode('utf-8')).hexdigest()[:12]}"


def source(path: Path, mapping_path: Path, name: str) -> RowsSource:
    """One edition of a list as a source for the loader: its subjects and penalties, and the rows it
    refuses (no name, no start) as rows the loader counts and writes to the rejects file with their
    line. Once loaded, the entries the edition no longer has are marked ended (:func:`mark_ended`)."""
    mapping = read_mapping(mapping_path)
    lst = mapping["list"]
    items, refused = entries(path, mapping)
    subject_type = lst.get("subject_type") or "enterprise"
    file = Path(path).name
    seen, subjects, penalties = [], {}, {}
    for e in items:
        pid = entry_id(lst["id"], e)
        seen.append(pid)
        key = f"XX-NAME:{identity_key(e['name'])}"
        if subject_type == "enterprise":
            subjects.setdefault(key, (file, e["line"], {
                "uscc": key, "name": e["name"], "address": e.get("address"), "country": e.get("country"),
                "alt_name": e.get("alt_name"), "id_scheme": "XX-NAME", "source": name, "source_url": lst.get("url")}))
        else:
            subjects.setdefault(key, (file, e["line"], {"person_id": key, "name": e["name"], "source": name}))
        # Entries with one id (same name, start and originating institution) are one penalty: the
        # list's last line of it is kept, as the loader would refuse a second row with other values.
        penalties.pop(pid, None)
        penalties[pid] = (file, e["line"], {
            "penalty_id": pid, "subject_type": subject_type, "subject_id": key,
            "measure": lst.get("measure") or LIST_DEFAULT_MEASURE,
            "authority": e.get("sanctioning") or lst.get("sanctioning_institution") or lst.get("name"),
            "decision_date": e["start"], "valid_until": e.get("end"), "description": e.get("grounds"),
            "originating_institution": e.get("originating"), "list_id": lst["id"], "list_name": lst.get("name"),
            "listed_name": e["name"], "alt_name": e.get("alt_name"), "country": e.get("country"),
            "source": name, "source_url": lst.get("url"), "list_line": e["line"],
        })
    table = "enterprises" if subject_type == "enterprise" else "persons"
    refusals = [(file, line, {"_error": reason, "_raw": cells}) for line, reason, cells in refused]
    rows = {
        table: [(f, n, _present(r)) for f, n, r in subjects.values()],
        "penalties": sorted([(f, n, _present(r)) for f, n, r in penalties.values()] + refusals, key=lambda x: x[1]),
    }
    summary = {"entries": len(items), "refused": len(refused), "subjects": len(subjects), "list_id": lst["id"]}
    return RowsSource(name, "list", file, rows, summary, after=lambda graph: mark_ended(graph, lst["id"], seen))


def _present(row: dict) -> dict:
    return {k: v for k, v in row.items() if v not in (None, "")}


def mark_ended(graph, list_id: str, seen: list[str]) -> dict:
    """After an edition is loaded: its entries that earlier editions had and it no longer has are marked
    ended today; entries listed again are marked listed."""
    ended = graph.query("list_mark_ended", list_id=list_id, seen=seen, today=dt.date.today())[0]["n"]
    relisted = graph.query("list_mark_listed", list_id=list_id, seen=seen)[0]["n"]
    return {"ended_now": ended, "listed_again": relisted}
