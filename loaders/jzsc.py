"""``chengxin load --format jzsc PATH``: the national platform's records, as collectors store them.

The platform (全国建筑市场监管公共服务平台, jzsc.mohurd.gov.cn) answers with JSON; collectors keep the
response (an envelope: ``{"code": …, "data": {…}}``) or the bare record, one record or a list, a page
(``data.list``, ``data.pageList.list``), a firm (``data.compMap``), in ``.json`` files or JSON Lines,
named as they like. So a file's name says nothing: every JSON object in it is looked at, and a
record's type is told by its fields (``loaders/jzsc_records.kind_of``: TENDERNUM → tender result,
PRJFINISHNUM → completion record, APT_CERTNO → qualification …). The Chinese-header CSV exports
(``loaders/jzsc_exports.py``) are read from the same folder, recognised by their headers, and a
collector's ``urls.json`` (firm name → its platform pages) gives the firms' platform ids.

Everything becomes rows of the folder tables (docs/input-format.md), handed to the one loader as a
source, as OCDS is; docs/jzsc.md describes the mapping and the code tables. A row the loader refuses
names its file and the record's place in it (``list.json $.data.pageList.list[3]``; in a JSON Lines
file the line, and the place within it), as does a record this converter cannot use (no type known
by its fields, no number to key it by).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

from chengxin.graph.errors import InvalidInput

from . import jzsc_exports
from .jzsc_kinds import Converter
from .jzsc_records import Builder, kind_of
from .readers import FORMATS as TABLE_FORMATS
from .readers import files_inside, open_inside
from .sources import RowsSource

#: A JSON file larger than this is refused with its reason (the others load).
MAX_JSON_BYTES = 256 << 20
#: Objects nested deeper than this are not looked into (the platform's responses are a few levels deep).
MAX_DEPTH = 32
#: The fields of a response envelope: an object with only these holds no record.
ENVELOPE = frozenset({"CODE", "MESSAGE", "MSG", "SUCCESS", "STATUS", "TOTAL", "PAGENUM", "PAGESIZE", "PAGES",
                      "TIMESTAMP", "DATA", "PAGELIST", "LIST", "COMPMAP", "RESULT", "ROWS", "SIZE", "CURRENT"})
#: Where records the converter cannot place are counted: every platform record belongs to a project.
UNPLACED = "projects"
#: The records first converted: firms (so a firm's platform id maps to its USCC everywhere), then the rest.
ORDER = ("enterprise", "project")
_COMP_URL = re.compile(r"/comp/\w+/(\w+)")


def _files(path: Path) -> list[Path]:
    """Every file below a folder but hidden ones (a collector's files carry any name)."""
    return files_inside(path, lambda p, top: not any(part.startswith(".") for part in p.relative_to(top).parts))


def _text(f: Path) -> str:
    with open_inside(f, f.parent) as fh:
        data = fh.read(MAX_JSON_BYTES + 1)
    if len(data) > MAX_JSON_BYTES:
        raise InvalidInput(f"larger than {MAX_JSON_BYTES >> 20} MB: not read")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("neither UTF-8 nor GB18030 text")


def _documents(text: str) -> Iterator[tuple[int | None, object]]:
    """The JSON documents of a file: the whole file, or (JSON Lines) one a line. A line that is not
    JSON comes out as an ``InvalidInput`` in place of its document."""
    try:
        yield None, json.loads(text)
        return
    except RecursionError:
        yield None, InvalidInput("JSON nested too deeply to read")
        return
    except json.JSONDecodeError as whole:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) < 2:
            yield None, InvalidInput(f"not JSON ({whole.msg} at line {whole.lineno})")
            return
    for n, line in lines:
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as e:
            yield n, InvalidInput(f"not JSON ({e.msg})")
        except RecursionError:
            yield n, InvalidInput("JSON nested too deeply to read")


def _firm_urls(doc) -> dict[str, str] | None:
    """A collector's ``urls.json`` (firm name → its page URLs): the platform id of each firm, or None."""
    if not isinstance(doc, dict) or not doc:
        return None
    out = {}
    for name, urls in doc.items():
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            return None
        ids = {m.group(1) for u in urls for m in [_COMP_URL.search(u)] if m}
        if len(ids) == 1:
            out[str(name).strip()] = ids.pop()
    return out or None


def walk(node, path: str = "$", parent: str | None = None, depth: int = 0) -> Iterator[tuple[str | None, dict, str]]:
    """Every record in a document: ``(kind, record with its keys in upper case, its path)``; a leaf
    object that is no record and no envelope (and not part of a record: ``parent``) comes out with
    kind None, and so does an object nested deeper than :data:`MAX_DEPTH`."""
    if depth > MAX_DEPTH:
        yield None, {"_TOO_DEEP": True}, path
        return
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from walk(item, f"{path}[{i}]", parent, depth + 1)
        return
    if not isinstance(node, dict):
        return
    up = {str(k).strip().upper(): v for k, v in node.items()}
    kind = kind_of(up)
    if kind is not None:
        handled = (kind == "participant" and parent in ("permit", "completion", "drawing_review")) or (
            kind == "perf_staff" and parent == "performance")
        if not handled:
            yield kind, up, path
    containers = [(k, v) for k, v in node.items() if isinstance(v, (dict, list))]
    for k, v in containers:
        yield from walk(v, f"{path}.{k}", kind or parent, depth + 1)
    if kind is None and parent is None and not containers and up and not set(up) <= ENVELOPE:
        yield None, up, path


def convert(path: Path, name: str) -> tuple[Builder, dict]:
    """The folder tables of a file or folder of the platform's records; the summary of the conversion."""
    root = Path(path)
    b = Converter(name)
    firm_ids: dict[str, str] = {}
    found: list[tuple[tuple[str, int | None], str | None, dict, dict | None]] = []
    exports: list[tuple[Path, str]] = []
    skipped: list[str] = []
    hint_origin: dict[str, tuple[str, int | None]] = {}
    for f in _files(root):
        label = f.relative_to(root).as_posix() if root.is_dir() else f.name
        if f.suffix.lower() in TABLE_FORMATS and f.suffix.lower() != ".jsonl":
            if f.suffix.lower() == ".csv" and jzsc_exports.sniff(f):
                exports.append((f, label))
            else:
                skipped.append(label)
            continue
        try:
            text = _text(f)
        except InvalidInput as e:
            b.origin = (label, None)
            b.refuse(UNPLACED, f"{label}: {e.detail}", "")
            continue
        if not text.lstrip().startswith(("{", "[")):
            skipped.append(label)  # not JSON: a collector's notes, a page saved as HTML …
            continue
        for line, doc in _documents(text):
            if isinstance(doc, InvalidInput):
                b.origin = (label, line)
                b.refuse(UNPLACED, f"{label}{f' line {line}' if line else ''}: {doc.detail}", "")
                continue
            hint = _firm_urls(doc)
            if hint is not None:
                firm_ids.update(hint)
                hint_origin.setdefault("at", (label, line))
                continue
            records = list(walk(doc))
            firms = [r for k, r, _ in records if k == "enterprise"]
            context = firms[0] if len(firms) == 1 else None
            for kind, rec, where in records:
                found.append(((f"{label} {where}", line), kind, rec, context))
    if not found and not exports:
        raise InvalidInput(f"{path}: no records of the national platform found (JSON with fields such as PRJNUM, "
                           "TENDERNUM, QY_NAME; or its Chinese-header CSV exports)"
                           + (f"; not read: {', '.join(skipped[:5])}" if skipped else ""))
    rank = {k: i for i, k in enumerate(ORDER)}
    hinted = False
    for origin, kind, rec, context in sorted(found, key=lambda x: rank.get(x[1], len(ORDER))):
        if not hinted and kind != "enterprise":  # the firms' own records first: their USCC keys their id
            hinted = True
            _hints(b, firm_ids, hint_origin)
        b.origin = origin
        if kind is None and "_TOO_DEEP" in rec:
            b.refuse(UNPLACED, f"nested more than {MAX_DEPTH} levels deep: not looked into", "")
        elif kind is None:
            b.refuse(UNPLACED, f"not a record of the platform known by its fields ({', '.join(sorted(rec)[:8])})", rec)
        else:
            b.record(kind, rec, context)
    if not hinted:
        _hints(b, firm_ids, hint_origin)
    summary: dict = {}
    for f, label in exports:
        counts = jzsc_exports.read_export(b, f, label, firm_ids)
        summary.setdefault("exports", {})[label] = counts
    summary = {**b.summary(), **summary}
    if firm_ids:
        summary["firm_ids_from_urls"] = len(firm_ids)
    if skipped:
        summary["files_not_read"] = skipped
    return b, summary


def _hints(b: Builder, firm_ids: dict[str, str], origin: dict) -> None:
    """The firms a collector's urls.json names, with their platform ids."""
    b.origin = origin.get("at", ("", None))
    for name, qy in firm_ids.items():
        b.firm(name, qy_id=qy)


def source(path: Path, name: str) -> RowsSource:
    """A file or folder of the platform's records as a source for the loader."""
    b, summary = convert(path, name)
    tables = b.tables()
    summary.update({k: v for k, v in b.summary().items() if k == "duplicates_collapsed"})
    return RowsSource(name, "jzsc", Path(path).name, tables, summary)


def detect(folder: Path) -> bool:
    """The folder holds none of the folder format's tables but the platform's CSV exports (so
    ``chengxin load DIR`` reads it as ``--format jzsc``)."""
    folder = Path(folder)
    if not folder.is_dir():
        return False
    return any(f.suffix.lower() == ".csv" and jzsc_exports.sniff(f) for f in sorted(folder.iterdir()) if f.is_file())


__all__ = ["convert", "detect", "source", "walk"]
