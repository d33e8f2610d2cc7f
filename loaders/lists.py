"""``chengxin load --format list --mapping FILE PATH``: sanctions and debarment lists as published (an
``.xlsx`` with a title row, a two-row merged header and a wrong stored size; a CSV export), read
through a declarative mapping (TOML or YAML; ``loaders/list_mapping.py`` validates it, docs/lists.md
is its reference) into enterprises or persons and their penalties.

- Every entry is its own record: its subject is keyed ``XX-LIST:<LIST_ID>:<ENTRY_KEY>`` (``uscc`` of an
  enterprise, ``person_id`` of a person, ``id_scheme = "XX-LIST"``) and its penalty
  ``<list_id>:<ENTRY_KEY>``; the entry key is the list's own key column when the mapping names one,
  else a hash of the entry's content (``loaders/list_cells.entry_key``: name, address, country,
  registration, dates), never its line and never its name alone. Records of two sources never share
  a node because their names are equal: sameness across records is a matching link (graph/matching.py).
- An entry's subject and its penalty load together or are refused together: each is checked here with
  its row model before the loader sees either, and a refused entry goes to the rejects file once for
  the subject's table and once for the penalties, with the same reason, the list's file and line.
- Footers and notes under the table are recognised, skipped and counted (``notes``); a repeated header
  row is skipped and counted.
- A newer edition changes only what changed (:meth:`ListSource.prepare`): entries whose stored
  fingerprint is the same are not written again; entries the edition no longer has are marked ended
  on the day that was noticed (``delisted_noticed``, ``valid_until`` brought forward), never deleted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from chengxin.graph.errors import InvalidInput
from chengxin.graph.names import chinese_name, fold
from chengxin.graph.vocabulary import LIST_DEFAULT_MEASURE

from . import rows as R
from .checks import control_problem
from .list_cells import clean_key, entry_key, extract, fingerprint, honorific, parse_date, parse_end, \
    strip_markers, valid_uscc
from .list_mapping import GROUPS, Mapping, read_mapping, stored_measure
from .readers import detect_encoding, read_sheet_grid
from .rejects import reason_kind
from .sources import RowsSource

__all__ = ["ListSource", "entries", "mark_ended", "read_mapping", "source"]

SCHEME = "XX-LIST"
#: Rows looked at for the header when the mapping does not say how many rows come before it.
HEADER_SEARCH = 60


def _key(header) -> str:
    return fold(str(header or "")).lower()


def _text(value) -> str:
    """A cell as text: dates as ISO, whole floats without ``.0``, spaces folded."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _grid(path: Path, m: Mapping) -> tuple[list[list], bool]:
    """The list's rows (a row's index + 1 is its line), and whether merged cells are known (xlsx)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return read_sheet_grid(path, m.read.sheet), True
    if m.read.sheet:
        raise InvalidInput(f"{path.name}: [read] sheet = {m.read.sheet!r} but this is not an .xlsx workbook")
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        raise InvalidInput(f"{path.name}: a list is read from .csv, .tsv or .xlsx")
    encoding = m.read.encoding or detect_encoding(path)
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise InvalidInput(f"{path.name}: not valid {encoding} at byte {e.start:,} (line {line}): the file's "
                           "encoding changes there; save it in one encoding") from None
    except LookupError:
        raise InvalidInput(f"{path.name}: unknown encoding {encoding!r} in the mapping") from None
    dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
    try:
        return [row for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), dialect=dialect)], False
    except csv.Error as e:
        raise InvalidInput(f"{path.name}: cannot be read as CSV ({e})") from None


def _header(rows: list[list], n: int, carry: bool) -> tuple[list[str], list[str]]:
    """The header's columns (the header rows joined cell by cell, a word once) and the last row's own
    cells. Merged cells are already filled in an xlsx; in a CSV a group cell of an upper header row
    stands over the empty cells to its right (``carry``)."""
    parts: list[list[str]] = []
    for depth, row in enumerate(rows[:n]):
        filled, last = [], ""
        for cell in row:
            cell = _text(cell)
            last = cell or (last if carry and depth < n - 1 else "")
            filled.append(last)
        parts.append(filled)
    width = max((len(p) for p in parts), default=0)
    joined = [" ".join(dict.fromkeys(p[i] for p in parts if i < len(p) and p[i])) for i in range(width)]
    own = [parts[-1][i] if parts and i < len(parts[-1]) else "" for i in range(width)]
    return joined, own


@dataclass
class Read:
    """What :func:`entries` found in the list."""

    entries: list[dict] = field(default_factory=list)
    refused: list[tuple[int, str, dict, str]] = field(default_factory=list)  # line, reason, cells, subject table
    notes: list[tuple[int, str]] = field(default_factory=list)  # footer and note rows: line, text
    repeated_headers: int = 0
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (line, line of the same entry before)
    header_line: int = 0


def _locate(rows: list[list], m: Mapping, carry: bool, file: str) -> tuple[int, list[str], list[str]]:
    """Where the header starts, its columns and its last row's cells: at ``[read] skip_rows``, else the
    first of the rows holding the name column's header whose header finds most of the mapping's columns
    (a title row above it, "Downloaded on: …", is not the header)."""
    n = m.read.header_rows
    if m.read.skip_rows is not None:
        if len(rows) < m.read.skip_rows + n:
            raise InvalidInput(f"{file}: fewer lines than the mapping's header ([read] skip_rows + header_rows)")
        return (m.read.skip_rows, *_header(rows[m.read.skip_rows:], n, carry))
    want = _key(m.columns.name)
    best: tuple[int, int, list[str], list[str]] | None = None
    for start in range(min(len(rows), HEADER_SEARCH)):
        joined, own = _header(rows[start:], n, carry)
        if want not in {_key(h) for h in joined} | {_key(h) for h in own}:
            continue
        score = len(_columns(joined, own, m, file, strict=False))
        if best is None or score > best[0]:
            best = (score, start, joined, own)
    if best is not None:
        return best[1], best[2], best[3]
    first = next(([_text(c) for c in r] for r in rows if any(_text(c) for c in r)), [])
    raise InvalidInput(f"{file}: no column {m.columns.name!r} (for name) in a header of its first {HEADER_SEARCH} "
                       f"rows; the first filled row has: {', '.join(c for c in first if c)[:500]} (or give "
                       "[read] skip_rows, the rows above the header, and header_rows)")


def _columns(header: list[str], own: list[str], m: Mapping, file: str, strict: bool = True) -> dict[str, list[int]]:
    """For each field of [columns], the index of its column (a field may name several: ``info``). A
    column is found by the header's joined text, or by its last header row's own text when only one
    column has it ("To Date" under "Ineligibility Period")."""
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        if h:
            index.setdefault(_key(h), i)
    by_own: dict[str, list[int]] = {}
    for i, h in enumerate(own):
        if h:
            by_own.setdefault(_key(h), []).append(i)
    where: dict[str, list[int]] = {}
    for fld, spec in m.columns.model_dump().items():
        if not spec:
            continue
        for column in [spec] if isinstance(spec, str) else spec:
            k = _key(column)
            if k in index:
                where.setdefault(fld, []).append(index[k])
            elif len(by_own.get(k, [])) == 1:
                where.setdefault(fld, []).append(by_own[k][0])
            elif strict:
                raise InvalidInput(f"{file}: no column {column!r} (for {fld}); the header has: "
                                   f"{', '.join(h for h in header if h)}")
    return where


def entries(path: Path, mapping: Mapping | dict) -> Read:
    """The list's entries as fields, the rows refused with their reason, and the rows skipped."""
    m = mapping if isinstance(mapping, Mapping) else Mapping.model_validate(mapping)
    file = Path(path).name
    rows, merged = _grid(path, m)
    start, header, own = _locate(rows, m, carry=not merged, file=file)
    where = _columns(header, own, m, file)
    def trimmed(cells: list) -> list[str]:
        keys = [_key(_text(c)) for c in cells]
        while keys and not keys[-1]:
            keys.pop()
        return keys

    header_keys = [trimmed(r) for r in rows[start:start + m.read.header_rows]]
    notes = m.note_patterns()
    marker = m.marker()
    out = Read(header_line=start + 1)
    names = [f"{h or f'column {i + 1}'}" for i, h in enumerate(header)]
    in_footer = False
    for idx in range(start + m.read.header_rows, len(rows)):
        row, line = rows[idx], idx + 1
        texts = [_text(v) for v in row]
        filled = [t for t in texts if t]
        if not filled:
            continue
        cells = {names[i] if i < len(names) else f"column {i + 1}": t for i, t in enumerate(texts) if t}
        if trimmed(row) in header_keys:  # the header again (a page break in the export)
            out.repeated_headers += 1
            continue
        name_cells = [texts[i] for i in where["name"] if i < len(texts)]
        # A footer or note: a row of one or two filled cells opening as a note does ("Zastosowane filtry: …"),
        # or of one cell outside the name column, or of one cell after the first note. A full row that
        # opens so ("Total Engineering Ltd", with its dates) is an entry.
        if (len(filled) <= 2 and any(p.search(filled[0]) for p in notes)) or (
                len(filled) == 1 and (in_footer or not any(name_cells))):
            out.notes.append((line, filled[0][:200]))
            in_footer = True
            continue
        e, reason = _entry(row, where, m, marker)
        if reason:
            kind = e.get("entity_kind") if e else None
            out.refused.append((line, reason, cells, "persons" if kind == "individual" else "enterprises"))
            continue
        e["line"], e["cells"] = line, cells
        out.entries.append(e)
    return out


def _value(row: list, where: dict[str, list[int]], fld: str) -> object:
    """The cell of ``fld`` (the raw value, a date cell kept as a date), or the cells joined (``info``)."""
    idx = [i for i in where.get(fld, []) if i < len(row) and row[i] not in (None, "")]
    if not idx:
        return None
    if len(idx) == 1:
        v = row[idx[0]]
        return v.strip() if isinstance(v, str) else v
    return " ; ".join(_text(row[i]) for i in idx)


def _entry(row: list, where: dict[str, list[int]], m: Mapping, marker) -> tuple[dict, str | None]:
    """One row as an entry's fields, or the reason it is refused."""
    e: dict = {}
    cols = m.columns
    name = strip_markers(_text(_value(row, where, "name")), marker)
    if not name:
        return e, "no name in the name column"
    e["name"] = name
    # who: a firm or a person
    kind_cell = _text(_value(row, where, "entity_kind"))
    if cols.entity_kind and kind_cell:
        k = kind_cell.lower()
        if k in {w.lower() for w in m.values.firm}:
            e["entity_kind"] = "firm"
        elif k in {w.lower() for w in m.values.individual}:
            e["entity_kind"] = "individual"
        else:
            return e, (f"entity_kind: {kind_cell!r} (column {cols.entity_kind!r}) is neither a firm "
                       f"({', '.join(m.values.firm)}) nor an individual ({', '.join(m.values.individual)}): "
                       "add it to the mapping's [values]")
    elif m.list.subject_type == "person":
        e["entity_kind"] = "individual"
    elif m.list.subject_type == "enterprise":
        e["entity_kind"] = "firm"
    else:
        title = honorific(name, m.honorifics())
        e["entity_kind"] = "individual" if title else "firm"
        if title:
            e["honorific"] = title
    # when: the dates, each in its declared order
    try:
        raw_start = _value(row, where, "start")
        raw_notice = _value(row, where, "notice")
        if raw_start not in (None, ""):
            e["start"] = _date(raw_start, m.order("start"), "start", cols.start)
        elif raw_notice not in (None, ""):
            e["start"] = _date(raw_notice, m.order("notice"), "notice", cols.notice)
        else:
            return e, "decision_date: no start date (neither the start nor the notice column has one)"
        raw_end = _value(row, where, "end")
        try:
            e["end"] = parse_end(raw_end, m.order("end"), m.no_end_words())
        except ValueError as err:
            raise ValueError(f"valid_until (end, column {cols.end!r}): {err}") from None
    except ValueError as err:
        return e, str(err)
    # what: the measure
    measure_cell = _text(_value(row, where, "measure"))
    if cols.measure and measure_cell:
        measure = m.measure_for(measure_cell)
        if measure is None:
            return e, (f"measure: {measure_cell!r} (column {cols.measure!r}) is not in the mapping's [measures] "
                       f"(known: {', '.join(m.measures) or 'none'})")
        e["measure"] = measure
    else:
        e["measure"] = stored_measure(m.list.measure) if m.list.measure else LIST_DEFAULT_MEASURE
    # the plain columns
    for fld in ("alt_name", "address", "country", "grounds", "sanctioning", "originating", "registration_no",
                "name_zh", "id"):
        v = strip_markers(_text(_value(row, where, fld)), marker) if fld != "grounds" else _text(_value(row, where, fld))
        if v:
            e[fld] = v
    aliases = [strip_markers(a, marker) for a in _text(_value(row, where, "aliases")).replace("|", ";").split(";")]
    uscc_cells = [_text(_value(row, where, "uscc"))]
    info = _text(_value(row, where, "info"))
    if info:
        e["info"] = info
    # named parts of mixed cells
    for fld in {r.from_ for r in m.extract}:
        text = _text(_value(row, where, fld))
        for group, values in extract(text, m.patterns(fld), marker).items():
            target = GROUPS[group]
            if target == "aliases":
                aliases += values
            elif target == "uscc":
                uscc_cells += values
            elif not e.get(target):
                e[target] = values[0]
    if not e.get("name_zh"):
        zh = chinese_name(name) or (chinese_name(e["alt_name"]) if e.get("alt_name") else None)
        if zh:
            e["name_zh"] = zh
    e["aliases"] = [a for a in dict.fromkeys(aliases) if a and a != name]
    found = [u for u in uscc_cells if u]
    registered = next((valid_uscc(u) for u in found if valid_uscc(u)), None)
    if registered:
        e["registered_uscc"] = registered
    elif found:
        e["uscc_not_valid"] = found[0]  # kept as written, never as an identifier
    if e.get("entity_kind") == "individual" and e.get("registered_uscc"):
        return e, f"uscc: {registered} is a firm's code on an individual's entry ({name!r})"
    return e, None


def _date(value, order: str | None, fld: str, column: str | None) -> dt.date:
    try:
        return parse_date(value, order)
    except ValueError as err:
        raise ValueError(f"decision_date ({fld}, column {column!r}): {err}") from None


# --- the source -----------------------------------------------------------------------------------

def subject_key(list_id: str, key: str) -> str:
    """The subject's node key: ``XX-LIST:<LIST_ID>:<ENTRY_KEY>`` (upper case, as every scheme's key is stored)."""
    return f"{SCHEME}:{list_id.upper()}:{key}"


def _present(row: dict) -> dict:
    return {k: v for k, v in row.items() if v not in (None, "", [])}


def _rows(e: dict, m: Mapping, name: str) -> tuple[str, dict, dict]:
    """The subject's table and row and the penalty row of an accepted entry."""
    lst = m.list
    key = clean_key(e["id"]) if e.get("id") else entry_key(e)
    node = subject_key(lst.id, key)
    person = e["entity_kind"] == "individual"
    others = [e.get("name_zh"), *e["aliases"]]
    subject = _present({
        ("person_id" if person else "uscc"): node, "name": e["name"], "name_zh": e.get("name_zh"),
        # alt_name: what matching compares beside the name (the mapping's column, else a Chinese name
        # found outside the name cell; one inside it matching finds by itself)
        "alt_name": e.get("alt_name") or (e.get("name_zh") if e.get("name_zh") and e["name_zh"] not in fold(e["name"]) else None),
        "aliases": e["aliases"],
        "other_names": " ; ".join(dict.fromkeys(o for o in others if o)) or None,
        "registration_no": e.get("registration_no"), "registered_uscc": e.get("registered_uscc"),
        "uscc_as_listed": e.get("uscc_not_valid"), "country": e.get("country"), "address": e.get("address"),
        "list_id": lst.id, "entity_kind": e["entity_kind"], "honorific": e.get("honorific"), "id_scheme": SCHEME,
        "source": name, "source_url": lst.url,
    })
    penalty = _present({
        "penalty_id": f"{lst.id}:{key}", "subject_type": "person" if person else "enterprise", "subject_id": node,
        "measure": e["measure"],
        "authority": e.get("sanctioning") or lst.sanctioning_institution or lst.name or lst.id,
        "decision_date": e["start"].isoformat(), "valid_until": e["end"].isoformat() if e.get("end") else None,
        "description": e.get("grounds"), "originating_institution": e.get("originating"), "list_id": lst.id,
        "list_name": lst.name, "listed_name": e["name"], "alt_name": e.get("alt_name"), "country": e.get("country"),
        "listed_info": e.get("info"), "entry_key": key, "source": name, "source_url": lst.url,
    })
    penalty["entry_hash"] = fingerprint({"s": fingerprint(subject), "p": fingerprint(penalty)})
    penalty["list_line"] = e["line"]
    return ("persons" if person else "enterprises"), subject, penalty


def _check(table: str, subject: dict, penalty: dict) -> str | None:
    """Why the entry's subject or penalty would be refused by the loader (so both are refused here), or None."""
    for t, row in ((table, subject), ("penalties", penalty)):
        texts = {k: v for k, v in row.items() if isinstance(v, str)}
        texts.update({f"{k}[{i}]": x for k, v in row.items() if isinstance(v, list) for i, x in enumerate(v)})
        problem = control_problem(texts)
        if problem:
            return problem
        try:
            R.MODELS[t].model_validate(row)
        except ValidationError as err:
            return R.describe(err)
    return None


class ListSource(RowsSource):
    """One edition of a list as a source for the loader; :meth:`prepare` leaves out what the graph has
    already (the same entry with the same fingerprint), and :meth:`finish` marks the entries gone."""

    entry_hashes: dict[str, str]
    list_id: str

    def prepare(self, graph) -> None:
        """Before loading: drop the rows of entries the graph holds unchanged (listed, same fingerprint),
        and clear what the list gave the changed ones (written again by the load: run it again if it stops)."""
        stored = {r["id"]: r["hash"] for r in graph.query("list_entries", list_id=self.list_id) if r["listed"]}
        same = {pid for pid, h in self.entry_hashes.items() if stored.get(pid) == h}
        nodes = {r["subject_id"] for _, _, r in self.rows.get("penalties", []) if r.get("penalty_id") in same}
        for table, rows in list(self.rows.items()):
            self.rows[table] = [
                (f, n, r) for f, n, r in rows
                if r.get("penalty_id") not in same and (r.get("uscc") or r.get("person_id")) not in nodes]
        known = set(stored)
        changed = [pid for pid in self.entry_hashes if pid in stored and pid not in same]
        if changed:  # what a list gives them is written anew: a value the edition dropped does not stay
            graph.query("list_entry_clear", ids=changed)
        self.summary.update({
            "unchanged": len(same),
            "new": sum(1 for pid in self.entry_hashes if pid not in known),
            "changed": sum(1 for pid in self.entry_hashes if pid in known and pid not in same),
        })


def source(path: Path, mapping_path: Path, name: str) -> ListSource:
    """One edition of a list as a source for the loader: its subjects and penalties, and the entries
    it refuses (each twice, for the subject's table and the penalties, with one reason)."""
    m = read_mapping(mapping_path)
    found = entries(path, m)
    file = Path(path).name
    tables: dict[str, list] = {"enterprises": [], "persons": [], "penalties": []}
    hashes: dict[str, str] = {}
    first_line: dict[str, int] = {}
    refused = list(found.refused)
    duplicates = []
    for e in found.entries:
        table, subject, penalty = _rows(e, m, name)
        pid = penalty["penalty_id"]
        if pid in hashes:
            if hashes[pid] == penalty["entry_hash"]:
                duplicates.append((e["line"], first_line[pid]))  # the same entry twice: counted, loaded once
            else:
                refused.append((e["line"], f"the same entry key {penalty['entry_key']!r} as line {first_line[pid]} "
                                f"with other values (column {m.columns.id!r}): the first is kept", e["cells"], table))
            continue
        problem = _check(table, subject, penalty)
        if problem:
            refused.append((e["line"], problem, e["cells"], table))
            continue
        hashes[pid], first_line[pid] = penalty["entry_hash"], e["line"]
        tables[table].append((file, e["line"], subject))
        tables["penalties"].append((file, e["line"], penalty))
    held = _held_back(refused, len(hashes))
    if held:  # most of the edition refused: nothing of it is loaded, nothing marked ended
        refused += [(line, held, cells, table) for table, rows in tables.items() if table != "penalties"
                    for _, line, cells in [(f, n, _cells(found, n)) for f, n, _ in rows]]
        tables = {"enterprises": [], "persons": [], "penalties": []}
    for line, reason, cells, table in refused:
        for t in (table, "penalties"):
            tables[t].append((file, line, {"_error": reason, "_raw": cells}))
    rows = {t: sorted(r, key=lambda x: x[1]) for t, r in tables.items() if r}
    summary = {
        "list_id": m.list.id, "entries": len(hashes), "refused": len(refused),
        "enterprises": len([1 for *_, r in tables["enterprises"] if "_error" not in r]),
        "persons": len([1 for *_, r in tables["persons"] if "_error" not in r]),
        "notes": len(found.notes), "repeated_headers": found.repeated_headers, "duplicates": len(duplicates),
        "header_line": found.header_line,
    }
    if found.notes:
        summary["note_lines"] = ", ".join(f"{line}: {text[:60]}" for line, text in found.notes[:5])
    if duplicates:
        summary["duplicate_lines"] = ", ".join(f"{a} (= {b})" for a, b in duplicates[:10])
    if held:
        summary.update({"entries": 0, "held_back": len(hashes), "not_loaded": held})
    src = ListSource(name, "list", file, rows, summary,
                     after=(lambda graph: {}) if held else (lambda graph: mark_ended(graph, m.list.id, list(hashes))))
    src.entry_hashes, src.list_id = hashes, m.list.id
    return src


def _cells(found: Read, line: int) -> dict:
    return next((e["cells"] for e in found.entries if e["line"] == line), {})


def _held_back(refused: list, accepted: int) -> str | None:
    """When most of an edition's entries are refused (most often for one reason: a date format the
    mapping does not declare, a column mapped wrongly), the reason its other entries are held back
    too: loading the few would mark every entry the graph holds and this edition lacks as ended."""
    if not refused or len(refused) * 2 <= len(refused) + accepted:
        return None
    kinds = Counter(reason_kind(reason) for _, reason, _, _ in refused)
    kind, n = kinds.most_common(1)[0]
    line, example = next((line, reason) for line, reason, _, _ in refused if reason_kind(reason) == kind)
    return (f"not loaded: {len(refused):,} of {len(refused) + accepted:,} entries of this edition were refused, "
            f"{n:,} for: {kind} (e.g. line {line}: {example[:300]}); so none of it is loaded and no entry is "
            "marked ended: fix the mapping or the file and load it again")


def mark_ended(graph, list_id: str, seen: list[str]) -> dict:
    """After an edition is loaded: its entries that earlier editions had and it no longer has are marked
    ended today; entries listed again are marked listed."""
    ended = graph.query("list_mark_ended", list_id=list_id, seen=seen, today=dt.date.today())[0]["n"]
    relisted = graph.query("list_mark_listed", list_id=list_id, seen=seen)[0]["n"]
    return {"ended_now": ended, "listed_again": relisted}
