"""The CSV-folder loader: ``chengxin load DIR`` for the format of shared/spec/input-format.md.

Every row is validated (loaders.rows); invalid rows go to a rejects file with their file,
line and reason, the rest load in batched ``UNWIND $rows … MERGE`` transactions keyed by the
ids, so loading the same folder twice changes no count and a failed load can simply be run
again. Node tables load before relationship tables; a reference to an id that no node table
holds creates a stub node (``stub = true``) that a later real row completes.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import ValidationError

from graph.db import Graph
from graph.errors import DatabaseUnavailable, InvalidInput, QueryRejected, QueryTimeout
from graph.integrity import is_restrictive

from . import rows as R
from .ids import Pseudonyms, mask_id
from .readers import find_table, read_table


@dataclass
class Context:
    pseudonyms: Pseudonyms
    source: str

    def person(self, raw: str) -> str:
        return self.pseudonyms.person_key(raw)


def _props(row: R.Row, exclude: set[str]) -> dict:
    out = {}
    for k, v in row.model_dump(exclude={"source", "source_url", *exclude}).items():
        if v is None or v == "":
            continue
        out[k] = v
    for k, v in (row.model_extra or {}).items():
        k = str(k).strip()
        if not k or k.startswith("_") or k in out or v in (None, ""):
            continue
        out[k] = v if isinstance(v, (int, float, bool, dt.date)) else str(v)
    return out


def _base(row: R.Row, ctx: Context, exclude: set[str], **keys) -> dict:
    return {
        **keys,
        "props": _props(row, exclude),
        "source": row.source or ctx.source,
        "source_url": row.source_url,
    }


def _subject(kind: str, raw: str, ctx: Context, column: str) -> tuple[str, str]:
    if kind == "enterprise":
        try:
            return "Enterprise", R.check_uscc(raw.strip().upper())
        except ValueError as e:
            raise InvalidInput(f"{column}: {e}") from None
    return "Person", ctx.person(raw)


def build_enterprise(r: R.EnterpriseRow, ctx: Context):
    rep = ctx.person(r.legal_rep_id) if r.legal_rep_id else None
    row = _base(r, ctx, {"uscc", "legal_rep_id"}, uscc=r.uscc, legal_rep_id=rep, legal_rep_name=r.legal_rep_name)
    if rep:
        row["props"]["legal_rep_id"] = rep
    return {}, row


def build_person(r: R.PersonRow, ctx: Context):
    row = _base(r, ctx, {"person_id", "id_number"}, person_id=ctx.person(r.person_id))
    if r.id_number:
        row["props"]["id_number_masked"] = mask_id(r.id_number)
        row["props"]["id_number_hash"] = ctx.pseudonyms.digest(r.id_number)
    return {}, row


def build_project(r: R.ProjectRow, ctx: Context):
    return {}, _base(r, ctx, {"project_code"}, project_code=r.project_code, owner_uscc=r.owner_uscc)


def build_qualification(r: R.QualificationRow, ctx: Context):
    row = _base(r, ctx, {"cert_no"}, cert_no=r.cert_no, uscc=r.uscc, authority=r.authority)
    row["props"]["label"] = " ".join(filter(None, [r.category, r.specialty, r.grade]))
    return {}, row


def build_award(r: R.AwardRow, ctx: Context):
    label, key = _subject(r.subject_type, r.subject_id, ctx, "subject_id")
    row = _base(r, ctx, {"award_id", "subject_id"}, award_id=r.award_id, subject_key=key,
                project_code=r.project_code, authority=r.authority)
    row["props"]["subject_id"] = key
    return {"subject": label}, row


def build_penalty(r: R.PenaltyRow, ctx: Context):
    label, key = _subject(r.subject_type, r.subject_id, ctx, "subject_id")
    row = _base(r, ctx, {"penalty_id", "subject_id"}, penalty_id=r.penalty_id, subject_key=key,
                project_code=r.project_code, authority=r.authority)
    row["props"]["subject_id"] = key
    # The one rule of graph.integrity, stamped so queries can filter on it.
    row["props"]["restrictive"] = is_restrictive(r.measure)
    return {"subject": label}, row


def build_tender(r: R.TenderRow, ctx: Context):
    return {}, _base(r, ctx, {"tender_no"}, tender_no=r.tender_no, project_code=r.project_code,
                     agency_uscc=r.agency_uscc, winner_uscc=r.winner_uscc, winning_price=r.winning_price)


def build_registration(r: R.RegistrationRow, ctx: Context):
    return {}, _base(r, ctx, {"person_id", "uscc", "reg_type"}, person_id=ctx.person(r.person_id),
                     uscc=r.uscc, reg_type=r.reg_type)


def build_participation(r: R.ParticipationRow, ctx: Context):
    return {}, _base(r, ctx, {"project_code", "uscc", "role"}, project_code=r.project_code, uscc=r.uscc, role=r.role)


def build_project_staff(r: R.ProjectStaffRow, ctx: Context):
    return {}, _base(r, ctx, {"project_code", "person_id", "role"}, project_code=r.project_code,
                     person_id=ctx.person(r.person_id), role=r.role, uscc=r.uscc)


def build_bid(r: R.BidRow, ctx: Context):
    return {}, _base(r, ctx, {"tender_no", "uscc"}, tender_no=r.tender_no, uscc=r.uscc)


def build_subcontract(r: R.SubcontractRow, ctx: Context):
    return {}, _base(r, ctx, {"from_uscc", "to_uscc", "project_code"}, project_code=r.project_code,
                     from_uscc=r.from_uscc, to_uscc=r.to_uscc)


def build_shareholding(r: R.ShareholdingRow, ctx: Context):
    label, key = _subject(r.holder_type, r.holder_id, ctx, "holder_id")
    return {"holder": label}, _base(r, ctx, {"holder_id", "uscc"}, holder_key=key, uscc=r.uscc)


@dataclass(frozen=True)
class Table:
    name: str
    model: type[R.Row]
    build: Callable
    query: str

    @property
    def required(self) -> list[str]:
        return R.required_columns(self.model)


# Node tables first, so relationship rows find real nodes rather than making stubs.
TABLES: tuple[Table, ...] = (
    Table("enterprises", R.EnterpriseRow, build_enterprise, "load_enterprises"),
    Table("persons", R.PersonRow, build_person, "load_persons"),
    Table("projects", R.ProjectRow, build_project, "load_projects"),
    Table("qualifications", R.QualificationRow, build_qualification, "load_qualifications"),
    Table("tenders", R.TenderRow, build_tender, "load_tenders"),
    Table("awards", R.AwardRow, build_award, "load_awards"),
    Table("penalties", R.PenaltyRow, build_penalty, "load_penalties"),
    Table("registrations", R.RegistrationRow, build_registration, "load_registrations"),
    Table("participations", R.ParticipationRow, build_participation, "load_participations"),
    Table("project_staff", R.ProjectStaffRow, build_project_staff, "load_project_staff"),
    Table("bids", R.BidRow, build_bid, "load_bids"),
    Table("subcontracts", R.SubcontractRow, build_subcontract, "load_subcontracts"),
    Table("shareholdings", R.ShareholdingRow, build_shareholding, "load_shareholdings"),
)


@dataclass
class TableReport:
    table: str
    file: str
    format: str
    encoding: str | None = None
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    skipped_header_lines: int = 0
    seconds: float = 0.0
    error: str | None = None


@dataclass
class LoadReport:
    folder: str
    started: str
    rejects_file: str
    tables: list[TableReport] = field(default_factory=list)
    seconds: float = 0.0
    summary: dict = field(default_factory=dict)  # source-specific counts (OCDS: releases, awards …)

    @property
    def read(self) -> int:
        return sum(t.read for t in self.tables)

    @property
    def loaded(self) -> int:
        return sum(t.loaded for t in self.tables)

    @property
    def rejected(self) -> int:
        return sum(t.rejected for t in self.tables)

    def as_dict(self) -> dict:
        return {**asdict(self), "read": self.read, "loaded": self.loaded, "rejected": self.rejected}


class Rejects:
    """The rejects file: the original row (as JSON of its cells), its file, line and reason."""

    def __init__(self, path: Path):
        self.path = path
        self.count = 0
        self._f = None

    def add(self, file: str, line: int | None, reason: str, row: dict) -> None:
        if self._f is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._f = open(self.path, "w", encoding="utf-8-sig", newline="")
            self._w = csv.writer(self._f)
            self._w.writerow(["file", "line", "reason", "row"])
        self._w.writerow([file, line, reason, json.dumps(row, ensure_ascii=False, default=str)])
        self.count += 1

    def close(self) -> None:
        if self._f is not None:
            self._f.close()


class FolderLoader:
    def __init__(self, graph: Graph, pseudonyms: Pseudonyms, *, batch_size: int = 2000,
                 progress: bool | None = None):
        self.graph = graph
        self.pseudonyms = pseudonyms
        self.batch_size = batch_size
        self.progress = sys.stderr.isatty() if progress is None else progress

    def load(self, folder: Path, rejects_path: Path, source: str | None = None) -> LoadReport:
        folder = Path(folder)
        if not folder.is_dir():
            raise InvalidInput(f"not a folder: {folder}")
        now = dt.datetime.now(dt.timezone.utc)
        report = LoadReport(folder=str(folder), started=now.isoformat(timespec="seconds"),
                            rejects_file=str(rejects_path))
        ctx = Context(self.pseudonyms, source or folder.resolve().name)
        rejects = Rejects(rejects_path)
        found = [(t, find_table(folder, t.name)) for t in TABLES]
        if not any(p for _, p in found):
            raise InvalidInput(
                f"{folder} holds none of the tables "
                f"({', '.join(t.name for t in TABLES)}; as .csv, .jsonl or .xlsx)"
            )
        t0 = time.perf_counter()
        # One writer for the whole folder: the next table is read while the last one's batches
        # are still being written (in order, so nodes still come before their relationships).
        writer = _Writer(self, rejects, now.isoformat())
        try:
            for table, path in found:
                if path is not None:
                    report.tables.append(self._load_table(table, path, ctx, rejects, writer))
        finally:
            writer.close()
            rejects.close()
            report.seconds = round(time.perf_counter() - t0, 3)
        return report

    def _load_table(self, table: Table, path: Path, ctx: Context, rejects: Rejects, writer: _Writer) -> TableReport:
        tf, rows = read_table(path)
        rep = TableReport(table.name, path.name, tf.format)
        t0 = time.perf_counter()
        batches: dict[tuple, list[tuple[int, dict, dict]]] = {}
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(desc=f"{table.name:<15}", unit=" rows", leave=True, file=sys.stderr)
        first = True
        try:
            for line, raw in rows:
                if first:
                    first = False
                    missing = [c for c in table.required if c not in tf.header]
                    if missing:
                        rep.error = (f"{path.name}: missing required column(s) {', '.join(missing)}; "
                                     f"the whole file is rejected")
                rep.read += 1
                if bar is not None:
                    bar.update(1)
                if rep.error:
                    rejects.add(path.name, line, rep.error, raw)
                    rep.rejected += 1
                    continue
                if "_error" in raw:
                    rejects.add(path.name, line, raw["_error"], raw)
                    rep.rejected += 1
                    continue
                if "_extra_cells" in raw:
                    rejects.add(path.name, line, f"{len(tf.header) + len(raw['_extra_cells'])} cells for "
                                f"{len(tf.header)} columns (unquoted comma?)", raw)
                    rep.rejected += 1
                    continue
                try:
                    model = table.model.model_validate({k: (None if v == "" else v) for k, v in raw.items()})
                    slots, row = table.build(model, ctx)
                except ValidationError as e:
                    rejects.add(path.name, line, R.describe(e), raw)
                    rep.rejected += 1
                    continue
                except InvalidInput as e:
                    rejects.add(path.name, line, e.detail, raw)
                    rep.rejected += 1
                    continue
                key = tuple(sorted(slots.items()))
                batch = batches.setdefault(key, [])
                batch.append((line, raw, row))
                if len(batch) >= writer.next_size(self.batch_size):
                    writer.submit(table, dict(key), batch, rep, t0)
                    batches[key] = []
            if rep.read == 0 and tf.header:
                missing = [c for c in table.required if c not in tf.header]
                if missing:
                    rep.error = f"{path.name}: missing required column(s) {', '.join(missing)}"
            for key, batch in batches.items():
                if batch:
                    writer.submit(table, dict(key), batch, rep, t0)
        finally:
            if bar is not None:
                bar.close()
        rep.encoding = tf.encoding
        rep.skipped_header_lines = tf.skipped
        rep.seconds = round(time.perf_counter() - t0, 3)  # until read; the writer adds its writes
        return rep

    def _write(self, table: Table, slots: dict, rows: list[dict], loaded_at: str) -> None:
        self.graph.query(table.query, labels=slots, rows=rows, loaded_at=loaded_at)

    def _flush(self, table: Table, slots: dict, batch: list, loaded_at: str) -> tuple[int, list]:
        """Write one batch; return (rows loaded, [(line, raw, reason)] the database refused)."""
        try:
            self._write(table, slots, [r for _, _, r in batch], loaded_at)
            return len(batch), []
        except DatabaseUnavailable:
            raise
        except QueryTimeout:
            # Too big for the database's command deadline: halve it (MERGE makes a retry safe).
            if len(batch) > 1:
                half = len(batch) // 2
                a, b = self._flush(table, slots, batch[:half], loaded_at), self._flush(table, slots, batch[half:], loaded_at)
                return a[0] + b[0], a[1] + b[1]
            line, raw, _ = batch[0]
            return 0, [(line, raw, "the database timed out writing this row alone (CHENGXIN_QUERY_TIMEOUT)")]
        except (QueryRejected, InvalidInput):
            pass
        # The database refused the batch: find the rows it refuses, keep the rest.
        loaded, refused = 0, []
        for line, raw, row in batch:
            try:
                self._write(table, slots, [row], loaded_at)
                loaded += 1
            except (QueryRejected, InvalidInput, QueryTimeout) as e:
                refused.append((line, raw, f"database refused the row: {e.detail}"))
        return loaded, refused


class _Writer:
    """Writes batches on one background thread while the caller reads and validates the next.

    Parsing and validation are Python work; a write is mostly waiting on the database, so the two
    overlap, across table boundaries too. Batches are written one at a time, in the order given,
    and at most two are in flight, so memory stays bounded. Results (counts, refused rows) are
    applied on the caller's thread.
    """

    def __init__(self, loader: FolderLoader, rejects: Rejects, loaded_at: str):
        self.loader, self.rejects, self.loaded_at = loader, rejects, loaded_at
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chengxin-load")
        self.pending: deque[tuple[Future, TableReport, float]] = deque()
        self.submitted = 0

    def next_size(self, batch_size: int) -> int:
        """Rows for the next batch: small at first, so the database starts while the rest is read."""
        return min(batch_size, 250 << self.submitted)

    def submit(self, table: Table, slots: dict, batch: list, rep: TableReport, t0: float) -> None:
        """Queue ``batch`` for ``table``; its counts go to ``rep``, whose clock started at ``t0``."""
        while len(self.pending) >= 2:
            self._collect(*self.pending.popleft())
        self.pending.append((self.pool.submit(self.loader._flush, table, slots, batch, self.loaded_at), rep, t0))
        self.submitted += 1

    def _collect(self, fut: Future, rep: TableReport, t0: float) -> None:
        loaded, refused = fut.result()
        rep.loaded += loaded
        for line, raw, reason in refused:
            self.rejects.add(rep.file, line, reason, raw)
            rep.rejected += 1
        rep.seconds = round(time.perf_counter() - t0, 3)

    def close(self) -> None:
        """Write what was queued (the tables before a file that fails to read are not cut short), then stop."""
        try:
            while self.pending:
                self._collect(*self.pending.popleft())
        finally:
            for fut, _, _ in self.pending:
                fut.cancel()
            self.pending.clear()
            self.pool.shutdown(wait=True)
