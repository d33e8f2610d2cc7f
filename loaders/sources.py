"""Sources of rows: what the one loader (:class:`loaders.csv_folder.FolderLoader`) reads.

A source is anything that gives, for a table name, that table's rows, or None when it has none. The
loader asks for the tables in its own order (nodes before relationships), validates every row with
its row model (``loaders/rows.py``), writes refused rows to the rejects file and the rest to the
database. Nothing is staged on disk between a source and the loader.

- :class:`FolderSource`: a folder of tables (``.csv``, ``.jsonl``, ``.xlsx``), read file by file and
  streamed, line by line, as it always was (``loaders/readers.py``).
- :class:`RowsSource`: tables converted in memory from another format: OCDS / OC4IDS
  (``loaders/ocds.py``) and sanctions lists (``loaders/lists.py``).

Every row comes with its origin, ``(file, line)``, which the rejects file names: for a folder the
table's file and line; for OCDS the JSON file and the record's number in it (its line in a ``.jsonl``
file, its position in a package's ``releases`` / ``records`` / ``projects``); for a list the list's
file and the row's line. A row ``{"_error": reason, "_raw": cells}`` is one the source itself refused
(a line that cannot be read, a list entry without a name): the loader counts it and writes it to the
rejects file with that reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from chengxin.graph.errors import InvalidInput

from .readers import TableFile, find_table, read_table
from .rejects import private_file

#: One row and where it came from: (file, line or record number, {column: value}).
SourceRow = tuple[str, "int | None", dict]


@dataclass
class TableRows:
    """One table of a source. ``open()`` returns the file's reading state (a :class:`TableFile`, whose
    header the loader checks for required columns; None for converted rows) and the rows; it raises
    :class:`graph.errors.InvalidInput` when the table cannot be read at all."""

    table: str
    file: str  # what the report calls the table's file
    format: str  # csv, jsonl, xlsx; ocds, oc4ids, list
    open: Callable[[], tuple[TableFile | None, Iterator[SourceRow]]]


class Source(Protocol):
    """What the loader reads: ``name`` (the dataset's default name), its tables one at a time, and a
    summary of its own for the report once the rows are in the graph."""

    name: str
    format: str
    file: str  # what the report calls the source: the folder or file given

    def table(self, name: str) -> TableRows | None: ...

    def finish(self, graph) -> dict: ...


# --- a folder of tables ------------------------------------------------------------------------

def _file_rows(path: Path) -> tuple[TableFile, Iterator[SourceRow]]:
    tf, rows = read_table(path)
    name = path.name
    return tf, ((name, line, raw) for line, raw in rows)


class FolderSource:
    """The tables of a folder, each read from its file as the loader comes to it."""

    format = "folder"

    def __init__(self, folder: Path, table_names: Iterable[str]):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise InvalidInput(f"not a folder: {self.folder}")
        self.name = self.folder.resolve().name
        self.file = str(self.folder)
        names = list(table_names)
        self.files = {name: find_table(self.folder, name) for name in names}
        if not any(self.files.values()):
            raise InvalidInput(f"{self.folder} holds none of the tables ({', '.join(names)}; as .csv, .jsonl or .xlsx)")

    def table(self, name: str) -> TableRows | None:
        path = self.files.get(name)
        if path is None:
            return None
        return TableRows(name, path.name, path.suffix.lower().lstrip("."), lambda: _file_rows(path))

    def finish(self, graph) -> dict:
        return {}


# --- converted rows ----------------------------------------------------------------------------

@dataclass
class RowsSource:
    """Tables converted from another format, held as the converter built them (it needs them whole:
    parties are merged across releases, list entries by their id), handed to the loader one table at
    a time. ``after`` runs once the rows are in the graph and returns more of the summary."""

    name: str
    format: str
    file: str  # the file or folder converted, for the report
    rows: dict[str, list[SourceRow]] = field(default_factory=dict)
    summary: dict = field(default_factory=dict)
    after: Callable[[object], dict] | None = None

    def table(self, name: str) -> TableRows | None:
        rows = self.rows.get(name)
        if not rows:
            return None
        return TableRows(name, self.file, self.format, lambda: (None, iter(rows)))

    def finish(self, graph) -> dict:
        return {**self.summary, **(self.after(graph) if self.after else {})}


def write_folder(source: RowsSource, out: Path) -> Path:
    """A converted source's tables as a JSON Lines table folder, to look at what a conversion gives
    (the load itself reads the rows straight from the source). Written private: mode 0600 files in a
    0700 folder, since they hold what the graph keeps only masked."""
    out.mkdir(parents=True, exist_ok=True)
    for table, rows in source.rows.items():
        if not rows:
            continue
        with private_file(out / f"{table}.jsonl") as f:
            for _, _, r in rows:
                f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    return out
