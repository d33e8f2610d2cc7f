"""Every dataset loaded, with its provenance, counts, rejects and time (the ``/sources`` page).

A load records one ``Dataset`` node (key ``name``; loading the same dataset again updates it and
counts the loads). The provenance is the dataset's own ``PROVENANCE.txt`` or ``README`` when one
sits beside it, else what the command line said.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .db import Graph

GENERIC = {"releases", "records", "data", "csv", "json", "files", "export"}


def dataset_name(path: Path) -> str:
    """The folder's name; a generic one (``releases``) or a file in a folder that documents its
    provenance gives the parent folder's name."""
    path = Path(path).resolve()
    stem = path.name if path.is_dir() else path.stem
    if path.parent.name and (stem.lower() in GENERIC or (path.is_file() and (path.parent / "PROVENANCE.txt").exists())):
        return path.parent.name
    return stem


def provenance(path: Path) -> str | None:
    """The dataset's own description: in its folder or the one above (a folder of releases in a
    dataset's folder; a list's file beside its README). No further up: a folder inside a source
    checkout would otherwise take the project's README for its provenance."""
    path = Path(path).resolve()
    for folder in [path, path.parent] if path.is_dir() else [path.parent, path.parent.parent]:
        for name in ("PROVENANCE.txt", "PROVENANCE.md", "README.md", "README.txt"):
            f = folder / name
            if f.is_file():
                return f.read_text(encoding="utf-8", errors="replace")[:4000]
    return None


def record(graph: Graph, name: str, kind: str, path: Path, report, note: str | None = None) -> None:
    props = {
        "kind": kind, "path": str(path), "provenance": provenance(path) or note,
        "loaded_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "read": report.read, "loaded": report.loaded, "rejected": report.rejected,
        # A load that refused rows, or could not read a table, names where the reasons are.
        "rejects_file": report.rejects_file if report.rejected or report.problems() else None,
        "tables": json.dumps({t.table: {"read": t.read, "loaded": t.loaded, "rejected": t.rejected}
                              for t in report.tables}, ensure_ascii=False),
        "summary": json.dumps(report.summary, ensure_ascii=False) if report.summary else None,
    }
    graph.query("record_dataset", name=name, props={k: v for k, v in props.items() if v is not None})


def all_datasets(graph: Graph) -> list[dict]:
    out = []
    for r in graph.query("datasets"):
        d = r["dataset"]
        for k in ("tables", "summary"):
            if isinstance(d.get(k), str):
                d[k] = json.loads(d[k])
        out.append(d)
    return out
