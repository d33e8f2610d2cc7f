"""Ingestion: one entry point for every source format (``chengxin load``, the demo, the tests).

Every format is a source (``loaders/sources.py``) that yields the rows of the folder format's tables:
a folder of tables is read file by file; OCDS / OC4IDS (``loaders/ocds.py``), sanctions lists
(``loaders/lists.py``) and the national platform's records (``loaders/jzsc.py``) are converted in memory. One loader (``loaders/csv_folder.FolderLoader``)
validates and writes them; nothing is staged on disk. Every load is recorded for ``/sources``,
records from another source are then matched to the firms already in the graph, and the report
(the tables, the source's own summary, the matching) is written once, at the end, also when the load
stopped part-way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chengxin.graph import datasets, matching
from chengxin.graph.errors import ChengxinError, InvalidInput

from . import jzsc, lists, ocds
from .csv_folder import TABLES, FolderLoader, LoadIncomplete, LoadReport
from .ids import Pseudonyms
from .readers import find_table
from .sources import FolderSource, Source

FORMATS = ("folder", "ocds", "oc4ids", "list", "jzsc")
#: The mappings shipped with chengxin (``--mapping`` takes any file; these are examples that work).
MAPPINGS = Path(__file__).resolve().parent / "mappings"


def rejects_path(settings, name: str) -> Path:
    """Where a load's refused rows go: ``HOME/loads/<time>-<name>-rejects.csv`` (the rejects file
    itself never writes over another's)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return settings.home_path / "loads" / f"{stamp}-{name}-rejects.csv"


def open_source(path: Path, fmt: str = "folder", name: str | None = None, mapping: Path | None = None,
                id_scheme: str | None = None) -> Source:
    """The source for ``path`` in format ``fmt`` (OCDS and lists are converted here: a file that is
    not what it claims to be fails now, before anything is loaded)."""
    path = Path(path)
    if fmt == "folder":
        names = [t.name for t in TABLES]
        if not (path.is_dir() and not any(find_table(path, n) for n in names) and jzsc.detect(path)):
            return FolderSource(path, names)
        fmt = "jzsc"  # none of the tables, but the national platform's CSV exports (docs/jzsc.md)
    name = name or datasets.dataset_name(path)
    if fmt == "jzsc":
        return jzsc.source(path, name)
    if fmt in ("ocds", "oc4ids"):
        return ocds.source(path, fmt, name, id_scheme)
    if fmt == "list":
        if mapping is None:
            raise InvalidInput("--format list needs --mapping FILE (see the README: writing a mapping)")
        return lists.source(path, mapping, name)
    raise InvalidInput(f"unknown format {fmt!r}")


def _load(graph, src: Source, path: Path, name: str | None, report_path: Path | None, progress: bool | None,
          record: bool, mode: str = "auto") -> LoadReport:
    """Load ``src``, add the source's summary and (records from another source) the matching, and, with
    ``record``, record the dataset for ``/sources``. The report is written once, at the end, whether the
    load went through or stopped part-way. ``mode``: the write path (csv_folder.FolderLoader): "auto"
    takes the bulk path into an empty graph and MERGEs otherwise; "bulk" or "merge" force one."""
    if mode == "check":
        raise InvalidInput("a check is run by check_any(), which needs no database")
    s = graph.settings
    loader = FolderLoader(graph, Pseudonyms.for_settings(s), batch_size=s.batch_size, progress=progress,
                          mode=mode)
    rejects = rejects_path(s, Path(path).resolve().name if src.format == "folder" else src.name)
    report = None
    try:
        try:
            if hasattr(src, "prepare"):  # a list's newer edition: only what changed is written
                src.prepare(graph)
            report = loader.load(src, rejects, source=name)
        except LoadIncomplete as e:  # the tables that could be read are in the graph: record them as loaded
            report = e.report
            report.folder = str(path)
            if record:
                datasets.record(graph, name, src.format, path, report)
            raise
        except ChengxinError as e:  # LoadAborted: the report of what was done goes out too
            report = getattr(e, "report", None)
            raise
        report.folder = str(path)
        report.summary.update(src.finish(graph))
        if src.format != "folder":
            # Records from another source: link them to the firms already in the graph.
            found = matching.run(graph, settings=graph.settings)
            report.summary.update({"matched_links_made": found["made"], "pairs_to_review": found["pending"]})
        if record:
            datasets.record(graph, name, src.format, path, report)
        return report
    finally:
        if report_path is not None and report is not None:
            report.write(report_path)


def check_any(settings, path: Path, fmt: str = "folder", source: str | None = None, mapping: Path | None = None,
              id_scheme: str | None = None, report_path: Path | None = None,
              progress: bool | None = None) -> LoadReport:
    """``chengxin load --check``: read and validate every row of a dataset as a load would, write the
    rejects file and the report, and touch no database (none need be running). A list's edition is
    checked whole (a load writes only what changed since the last edition); the rows a database
    itself would refuse are the only ones a check cannot find."""
    name = source or datasets.dataset_name(path)
    src = open_source(path, fmt, name, mapping, id_scheme)
    loader = FolderLoader(None, Pseudonyms.for_settings(settings), batch_size=settings.batch_size,
                          progress=progress, mode="check")
    rejects = rejects_path(settings, (Path(path).resolve().name if src.format == "folder" else src.name) + "-check")
    report = None
    try:
        try:
            report = loader.load(src, rejects, source=name)
        except LoadIncomplete as e:
            report = e.report
            raise
        report.folder = str(path)
        return report
    finally:
        if report_path is not None and report is not None:
            report.write(report_path)


def load_folder(graph, folder: Path, report_path: Path | None = None, source: str | None = None,
                progress: bool | None = None, mode: str = "auto") -> LoadReport:
    """Load a folder of tables, without recording it as a dataset (the tests, the bench); the rejects
    file is time-stamped under ``HOME/loads/``."""
    return _load(graph, open_source(folder), folder, source, report_path, progress, record=False, mode=mode)


def load_any(graph, path: Path, fmt: str = "folder", source: str | None = None, mapping: Path | None = None,
             id_scheme: str | None = None, report_path: Path | None = None, progress: bool | None = None,
             mode: str = "auto"):
    """Load one dataset of any format and record it for the /sources page."""
    name = source or datasets.dataset_name(path)
    return _load(graph, open_source(path, fmt, name, mapping, id_scheme), path, name, report_path, progress,
                 record=True, mode=mode)
