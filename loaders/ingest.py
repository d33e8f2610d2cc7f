"""Ingestion: one entry point for every source format (``chengxin load``, the demo, the tests).

A folder of tables goes straight to the folder loader; OCDS / OC4IDS and sanctions lists are
converted to the same tables first. Every load is recorded for ``/sources``, and records from
another source are then matched to the firms already in the graph.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chengxin.graph import datasets, matching
from chengxin.graph.errors import ChengxinError, InvalidInput

from . import lists, ocds
from .csv_folder import FolderLoader, LoadIncomplete, LoadReport
from .ids import Pseudonyms


def load_folder(graph, folder: Path, report_path: Path | None = None, source: str | None = None,
                progress: bool | None = None) -> LoadReport:
    """Load a folder of tables; the rejects file is time-stamped under ``HOME/loads/``."""
    s = graph.settings
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    rejects = s.home_path / "loads" / f"{stamp}-{Path(folder).resolve().name}-rejects.csv"
    loader = FolderLoader(graph, Pseudonyms.for_settings(s), batch_size=s.batch_size, progress=progress)
    try:
        report = loader.load(Path(folder), rejects, source=source)
    except ChengxinError as e:  # LoadIncomplete / LoadAborted: the report of what was done goes out too
        if report_path is not None and getattr(e, "report", None) is not None:
            e.report.write(report_path)
        raise
    if report_path is not None:
        report.write(report_path)
    return report



def load_any(graph, path: Path, fmt: str = "folder", source: str | None = None, mapping: Path | None = None,
             id_scheme: str | None = None, report_path: Path | None = None, progress: bool | None = None):
    """Load one dataset of any format and record it for the /sources page."""
    name = source or datasets.dataset_name(path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    staging = graph.settings.home_path / "imports" / f"{stamp}-{name}"
    try:
        if fmt == "folder":
            report = load_folder(graph, path, report_path, name, progress)
        elif fmt in ("ocds", "oc4ids"):
            conv = ocds.convert(path, fmt, name, id_scheme)
            report = load_folder(graph, ocds.write_folder(conv, staging), None, name, progress)
            report.summary = conv.summary
        elif fmt == "list":
            if mapping is None:
                raise InvalidInput("--format list needs --mapping FILE (see the README: writing a mapping)")
            report = lists.load_list(graph, path, mapping, staging, name, progress=progress, load_folder=load_folder)
        else:
            raise InvalidInput(f"unknown format {fmt!r}")
    except LoadIncomplete as e:  # the tables that could be read are in the graph: record them as loaded
        e.report.folder = str(path)
        datasets.record(graph, name, fmt, path, e.report)
        raise
    report.folder = str(path)
    if fmt != "folder":
        # Records from another source: link them to the firms already in the graph.
        found = matching.run(graph)
        report.summary.update({"matched_links_made": found["made"], "pairs_to_review": found["pending"]})
    if report_path is not None:
        report.write(report_path)
    datasets.record(graph, name, fmt, path, report)
    return report
