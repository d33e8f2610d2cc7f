"""The one loader: the tables of any source (a folder of the format of docs/input-format.md, OCDS /
OC4IDS, a sanctions list: ``loaders/sources.py``) into the graph.

Every row is validated (loaders.rows); invalid rows go to a rejects file with their file,
line and reason, the rest load in batched ``UNWIND $rows … MERGE`` transactions keyed by the
ids, so loading the same folder twice changes no count and a failed load can simply be run
again. Node tables load before relationship tables; a reference to an id that no node table
holds creates a stub node (``stub = true``) that a later real row completes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import math
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from chengxin.cypher import Query, parse

from chengxin.graph.db import Graph
from chengxin.graph.errors import DatabaseUnavailable, InvalidInput, LoadAborted, QueryRejected, QueryTimeout
from chengxin.graph.integrity import is_restrictive
from chengxin.graph.names import identity_key
from chengxin.graph.privacy import mask_text, record_number_fields

from . import rows as R
from .checks import AGAIN, CONFLICT, Seen, control_problem, header_problem
from .ids import Pseudonyms, mask_id
from .rejects import Rejects, reason_kind
from .sources import FolderSource, Source, TableRows

__all__ = ["FolderLoader", "LoadIncomplete", "LoadReport", "Rejects", "TABLES", "TableReport"]

#: Columns holding a firm's USCC: kept as they are (a valid all-digit USCC is not an ID number).
USCC_COLUMNS = frozenset({"uscc", "owner_uscc", "agency_uscc", "winner_uscc", "from_uscc", "to_uscc"})
#: The database refusing this many rows in a row with one and the same message is the database's
#: fault, not the rows' (a full disk, a read-only or missing database): the load stops.
SAME_ERROR_ROWS = 3
SAME_ERROR_STREAK = 20


@dataclass
class Context:
    pseudonyms: Pseudonyms
    source: str

    def person(self, raw: str) -> str:
        return self.pseudonyms.person_key(raw)

    def __post_init__(self):
        self.person = self.pseudonyms.person_key  # the same call, one frame less a reference


def _text(value):
    """Text as stored: any ID number in it masked (graph.privacy), so no full number is kept; a list
    of texts (a list entry's aliases) as a tuple of them, which the driver sends as a list."""
    if isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value):
        return tuple(mask_text(x) for x in value)
    return mask_text(value) if isinstance(value, str) else value


def _extra(value):
    if isinstance(value, bool) or isinstance(value, dt.date):
        return value
    if isinstance(value, int):
        return value if -(1 << 63) <= value < (1 << 63) else str(value)  # the database's integers are 64-bit
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value):
        return _text(value)
    return mask_text(str(value))


#: Values _text gives back as they are (neither text nor a list of texts): not passed to it.
_AS_THEY_ARE = frozenset({float, int, bool, dt.date, dt.datetime})


@functools.cache
def _kept(exclude: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(the fields left out of a row's properties, the columns stored as they are: USCCs, record numbers)."""
    return exclude | {"source", "source_url"}, USCC_COLUMNS | record_number_fields()


def _props(row: R.Row, exclude: set[str]) -> dict:
    # the build functions' own frozensets (_LEAVE_*): the cache finds them without hashing them again
    left_out, as_is = _kept(exclude if type(exclude) is frozenset else frozenset(exclude))
    extra = row.__pydantic_extra__
    # The model's fields in order (what row.model_dump(exclude=...) gives, without its copy), text masked
    # (mask_text leaves a text shorter than an ID number as it is); then the extra columns, each made a
    # value the database stores (_extra: a JSON object or a list of numbers in a .jsonl cell as masked
    # text, which once went in whole, unmasked, and stopped the load at the repeated-key check).
    out = {k: v if k in as_is else (v if len(v) < 18 else mask_text(v)) if type(v) is str
           else v if type(v) in _AS_THEY_ARE else _text(v)
           for k, v in row.__dict__.items()
           if v is not None and v != "" and k not in left_out}
    if not extra:
        return out
    for k, v in extra.items():
        k = mask_text(str(k).strip())
        if not k or k.startswith("_") or k in out or v in (None, ""):
            continue
        out[k] = _extra(v)
    return out


def _base(row: R.Row, ctx: Context, exclude: set[str], **keys) -> dict:
    # the keys first, then props and provenance (``keys`` is this call's own dict: no copy of it)
    keys["props"] = _props(row, exclude)
    keys["source"] = row.source or ctx.source
    keys["source_url"] = row.source_url
    return keys


def _subject(kind: str, raw: str, ctx: Context, column: str) -> tuple[str, str]:
    if kind == "enterprise":
        try:
            return "Enterprise", R.check_uscc(raw.strip().upper())
        except ValueError as e:
            raise InvalidInput(f"{column}: {e}") from None
    return "Person", ctx.person(raw)


_LEAVE_ENTERPRISE = frozenset({"uscc", "legal_rep_id"})


def build_enterprise(r: R.EnterpriseRow, ctx: Context):
    rep = ctx.person(r.legal_rep_id) if r.legal_rep_id else None
    row = _base(r, ctx, _LEAVE_ENTERPRISE, uscc=r.uscc, legal_rep_id=rep, legal_rep_name=_text(r.legal_rep_name))
    if rep:
        row["props"]["legal_rep_id"] = rep
    return {}, row


_LEAVE_PERSON = frozenset({"person_id", "id_number"})


def build_person(r: R.PersonRow, ctx: Context):
    row = _base(r, ctx, _LEAVE_PERSON, person_id=ctx.person(r.person_id))
    if r.id_number:
        row["props"]["id_number_masked"] = mask_id(r.id_number)
        row["props"]["id_number_hash"] = ctx.pseudonyms.digest(r.id_number)
    return {}, row


_LEAVE_PROJECT = frozenset({"project_code"})


def build_project(r: R.ProjectRow, ctx: Context):
    return {}, _base(r, ctx, _LEAVE_PROJECT, project_code=r.project_code, owner_uscc=r.owner_uscc)


_LEAVE_QUALIFICATION = frozenset({"cert_no"})


def build_qualification(r: R.QualificationRow, ctx: Context):
    row = _base(r, ctx, _LEAVE_QUALIFICATION, cert_no=r.cert_no, uscc=r.uscc, authority=_text(r.authority))
    row["props"]["label"] = " ".join(filter(None, [r.category, r.specialty, r.grade]))
    return {}, row


_LEAVE_AWARD = frozenset({"award_id", "subject_id"})


def build_award(r: R.AwardRow, ctx: Context):
    label, key = _subject(r.subject_type, r.subject_id, ctx, "subject_id")
    row = _base(r, ctx, _LEAVE_AWARD, award_id=r.award_id, subject_key=key,
                project_code=r.project_code, authority=_text(r.authority))
    row["props"]["subject_id"] = key
    return {"subject": label}, row


_LEAVE_PENALTY = frozenset({"penalty_id", "subject_id"})


def build_penalty(r: R.PenaltyRow, ctx: Context):
    label, key = _subject(r.subject_type, r.subject_id, ctx, "subject_id")
    row = _base(r, ctx, _LEAVE_PENALTY, penalty_id=r.penalty_id, subject_key=key,
                project_code=r.project_code, authority=_text(r.authority))
    row["props"]["subject_id"] = key
    # The one rule of graph.integrity, stamped so queries can filter on it.
    row["props"]["restrictive"] = is_restrictive(r.measure)
    return {"subject": label}, row


_LEAVE_TENDER = frozenset({"tender_no"})


def build_tender(r: R.TenderRow, ctx: Context):
    return {}, _base(r, ctx, _LEAVE_TENDER, tender_no=r.tender_no, project_code=r.project_code,
                     agency_uscc=r.agency_uscc, winner_uscc=r.winner_uscc, winning_price=r.winning_price)


_LEAVE_REGISTRATION = frozenset({"person_id", "uscc", "reg_type"})


def build_registration(r: R.RegistrationRow, ctx: Context):
    return {}, _base(r, ctx, _LEAVE_REGISTRATION, person_id=ctx.person(r.person_id),
                     uscc=r.uscc, reg_type=r.reg_type)


_LEAVE_PARTICIPATION = frozenset({"project_code", "uscc", "role"})


def build_participation(r: R.ParticipationRow, ctx: Context):
    return {}, _base(r, ctx, _LEAVE_PARTICIPATION, project_code=r.project_code, uscc=r.uscc, role=r.role)


_LEAVE_PROJECT_STAFF = frozenset({"project_code", "person_id", "role"})


def build_project_staff(r: R.ProjectStaffRow, ctx: Context):
    return {}, _base(r, ctx, _LEAVE_PROJECT_STAFF, project_code=r.project_code,
                     person_id=ctx.person(r.person_id), role=r.role, uscc=r.uscc)


_LEAVE_BID = frozenset({"tender_no", "uscc"})


def build_bid(r: R.BidRow, ctx: Context):
    return {}, _base(r, ctx, _LEAVE_BID, tender_no=r.tender_no, uscc=r.uscc)


_LEAVE_SUBCONTRACT = frozenset({"from_uscc", "to_uscc", "project_code"})


def build_subcontract(r: R.SubcontractRow, ctx: Context):
    return {}, _base(r, ctx, _LEAVE_SUBCONTRACT, project_code=r.project_code,
                     from_uscc=r.from_uscc, to_uscc=r.to_uscc)


_LEAVE_SHAREHOLDING = frozenset({"holder_id", "uscc"})


def build_shareholding(r: R.ShareholdingRow, ctx: Context):
    label, key = _subject(r.holder_type, r.holder_id, ctx, "holder_id")
    return {"holder": label}, _base(r, ctx, _LEAVE_SHAREHOLDING, holder_key=key, uscc=r.uscc)


#: The label of each stage a stage_parties / stage_people row names (the ``stage`` label slot).
STAGE_LABELS = {"contract": "Contract", "drawing_review": "DrawingReview", "permit": "Permit",
                "completion": "Completion", "performance": "Performance", "tender": "Tender"}


_LEAVE_CONTRACT = frozenset({"contract_id", "project_code"})


def build_contract(r: R.ContractRow, ctx: Context):
    return {}, _base(r, ctx, _LEAVE_CONTRACT, contract_id=r.contract_id, project_code=r.project_code)


_LEAVE_DRAWING_REVIEW = frozenset({"review_no", "project_code"})


def build_drawing_review(r: R.DrawingReviewRow, ctx: Context):
    return {}, _base(r, ctx, _LEAVE_DRAWING_REVIEW, review_no=r.review_no, project_code=r.project_code)


_LEAVE_PERMIT = frozenset({"permit_no", "project_code"})


def build_permit(r: R.PermitRow, ctx: Context):
    return {}, _base(r, ctx, _LEAVE_PERMIT, permit_no=r.permit_no, project_code=r.project_code,
                     review_no=r.review_no)


_LEAVE_COMPLETION = frozenset({"completion_no", "project_code"})


def build_completion(r: R.CompletionRow, ctx: Context):
    return {}, _base(r, ctx, _LEAVE_COMPLETION, completion_no=r.completion_no,
                     project_code=r.project_code, permit_no=r.permit_no)


_LEAVE_PERFORMANCE = frozenset({"perf_no", "project_code", "uscc"})


def build_performance(r: R.PerformanceRow, ctx: Context):
    """The firm credited is its USCC (or another register's ``SCHEME:ID``), or, named only (the extra column
    ``enterprise_name``), ``XX-NAME:<SOURCE>:<NAME>`` (a name is a key within its source only, as OCDS's)."""
    name = (r.model_extra or {}).get("enterprise_name")
    name = str(name).strip() if name not in (None, "") else None
    uscc = r.uscc
    if uscc is None and name:
        uscc = f"XX-NAME:{identity_key(r.source or ctx.source)}:{identity_key(name)}"
    row = _base(r, ctx, _LEAVE_PERFORMANCE, perf_no=r.perf_no, project_code=r.project_code,
                uscc=uscc, enterprise_name=_text(name))
    row["props"].pop("enterprise_name", None)
    return {}, row


_LEAVE_STAGE_PARTY = frozenset({"stage", "stage_key", "uscc", "role"})


def build_stage_party(r: R.StagePartyRow, ctx: Context):
    return {"stage": STAGE_LABELS[r.stage]}, _base(r, ctx, _LEAVE_STAGE_PARTY, stage=r.stage,
                                                   stage_key=r.stage_key, uscc=r.uscc, role=r.role)


_LEAVE_STAGE_PERSON = frozenset({"stage", "stage_key", "person_id", "role", "name"})


def build_stage_person(r: R.StagePersonRow, ctx: Context):
    return {"stage": STAGE_LABELS[r.stage]}, _base(r, ctx, _LEAVE_STAGE_PERSON,
                                                   stage=r.stage, stage_key=r.stage_key,
                                                   person_id=ctx.person(r.person_id), name=_text(r.name),
                                                   role=r.role, uscc=r.uscc)


@dataclass(frozen=True)
class Table:
    name: str
    model: type[R.Row]
    build: Callable
    query: str

    @functools.cached_property
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
    # a project's life (issue 16): reviews before the permits resting on them, permits before completions
    Table("contracts", R.ContractRow, build_contract, "load_contracts"),
    Table("drawing_reviews", R.DrawingReviewRow, build_drawing_review, "load_drawing_reviews"),
    Table("permits", R.PermitRow, build_permit, "load_permits"),
    Table("completions", R.CompletionRow, build_completion, "load_completions"),
    Table("performances", R.PerformanceRow, build_performance, "load_performances"),
    Table("registrations", R.RegistrationRow, build_registration, "load_registrations"),
    Table("participations", R.ParticipationRow, build_participation, "load_participations"),
    Table("project_staff", R.ProjectStaffRow, build_project_staff, "load_project_staff"),
    Table("bids", R.BidRow, build_bid, "load_bids"),
    Table("subcontracts", R.SubcontractRow, build_subcontract, "load_subcontracts"),
    Table("shareholdings", R.ShareholdingRow, build_shareholding, "load_shareholdings"),
    Table("stage_parties", R.StagePartyRow, build_stage_party, "load_stage_parties"),
    Table("stage_people", R.StagePersonRow, build_stage_person, "load_stage_people"),
)


#: Bulk path (an empty graph): each node table's own node, as (label, key column of the built row).
NODE_KEYS: dict[str, tuple[str, str]] = {
    "enterprises": ("Enterprise", "uscc"), "persons": ("Person", "person_id"),
    "projects": ("Project", "project_code"), "qualifications": ("Qualification", "cert_no"),
    "tenders": ("Tender", "tender_no"), "awards": ("Award", "award_id"), "penalties": ("Penalty", "penalty_id"),
    "contracts": ("Contract", "contract_id"), "drawing_reviews": ("DrawingReview", "review_no"),
    "permits": ("Permit", "permit_no"), "completions": ("Completion", "completion_no"),
    "performances": ("Performance", "perf_no"),
}
#: The nodes a node table's rows MERGE as stubs: (label, or the label slot that names it; column). A
#: stub made for a node table still to come (the persons a firm names as its legal representative) is
#: noted, so that table MERGEs that key instead of CREATEing a second node.
REFS: dict[str, tuple[tuple[str, str], ...]] = {
    "enterprises": (("Person", "legal_rep_id"),),
    "projects": (("Enterprise", "owner_uscc"),),
    "qualifications": (("Enterprise", "uscc"),),
    "tenders": (("Project", "project_code"), ("Enterprise", "agency_uscc"), ("Enterprise", "winner_uscc")),
    "awards": (("subject", "subject_key"), ("Project", "project_code")),
    "penalties": (("subject", "subject_key"), ("Project", "project_code")),
    "contracts": (("Project", "project_code"),),
    "drawing_reviews": (("Project", "project_code"),),
    "permits": (("Project", "project_code"), ("DrawingReview", "review_no")),
    "completions": (("Project", "project_code"), ("Permit", "permit_no")),
    "performances": (("Project", "project_code"), ("Enterprise", "uscc")),
}
MODES = ("auto", "bulk", "merge", "check")


@functools.lru_cache(maxsize=None)
def bulk_query(name: str, slots: tuple[tuple[str, str], ...]) -> Query:
    """The bulk form of a load statement (``cypher/bulk/NAME.cypher``: CREATE where the MERGE form
    MERGEs the table's own node and its relationships), its label slots filled."""
    text = resources.files("chengxin.cypher").joinpath("bulk", f"{name}.cypher").read_text("utf-8")
    q = parse(name, text)
    return q.fill(**dict(slots)) if q.labels else q


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
    blank_lines: int = 0
    seconds: float = 0.0
    error: str | None = None
    unreadable: bool = False  # the file (or its rest, from a line on) could not be read at all
    warnings: list[str] = field(default_factory=list)
    #: rows refused per kind of reason: {kind: {"count", "line", "example"}} (the first row's line and reason)
    reasons: dict[str, dict] = field(default_factory=dict)

    def refused(self, line: int | None, reason: str) -> None:
        self.rejected += 1
        kind = reason_kind(reason)
        entry = self.reasons.get(kind)
        if entry is None:
            self.reasons[kind] = {"count": 1, "line": line, "example": mask_text(reason)[:500]}
        else:
            entry["count"] += 1

    def problem(self) -> str | None:
        """Why this table counts as not loaded: unreadable, or most of its rows refused (or None)."""
        if self.unreadable:
            return self.error
        if self.read and self.rejected * 2 > self.read:
            kind, top = max(self.reasons.items(), key=lambda kv: kv[1]["count"])
            where = f"line {top['line']}" if top["line"] else "the file"
            return (f"{self.file}: {self.rejected:,} of {self.read:,} rows refused, most for: {kind} "
                    f"({top['count']:,} rows; e.g. {where}: {top['example']})")
        return None


@dataclass
class LoadReport:
    folder: str
    started: str
    rejects_file: str
    tables: list[TableReport] = field(default_factory=list)
    seconds: float = 0.0
    summary: dict = field(default_factory=dict)  # source-specific counts (OCDS: releases, awards …)
    #: "bulk" (CREATE for keys new to an empty graph), "merge" (UNWIND … MERGE, any graph) or "check"
    #: (validated only, nothing written: ``loaded`` counts the rows that would be written)
    mode: str = "merge"

    @property
    def read(self) -> int:
        return sum(t.read for t in self.tables)

    @property
    def loaded(self) -> int:
        return sum(t.loaded for t in self.tables)

    @property
    def rejected(self) -> int:
        return sum(t.rejected for t in self.tables)

    def problems(self) -> list[str]:
        """One line per table that could not be read, or most of whose rows were refused."""
        return [p for p in (t.problem() for t in self.tables) if p]

    def as_dict(self) -> dict:
        return {**asdict(self), "read": self.read, "loaded": self.loaded, "rejected": self.rejected,
                "problems": self.problems()}

    def write(self, path: Path) -> None:
        """The report as JSON (ID-number shapes masked, like everything a load writes)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(mask_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=2, default=str)), "utf-8")


class LoadIncomplete(InvalidInput):
    """Some tables could not be read; every other table was loaded. ``report`` is the load's report."""

    def __init__(self, detail: str, report: LoadReport):
        super().__init__(detail)
        self.report = report


class FolderLoader:
    """``mode``: "auto" (the default) takes the bulk path when the graph holds no node at all and
    MERGE otherwise; "merge" always MERGEs; "bulk" takes the bulk path and is refused on a graph
    that is not empty; "check" reads and validates every row and writes the rejects file, and writes
    nothing to any database (``graph`` may be None): what ``chengxin load --check`` runs, and how the
    bench times the loader's own share of a load. Only the rows a database itself would refuse are
    not found that way.

    The bulk path writes a row whose key is new (to this load, and so to an empty graph) with
    ``cypher/bulk/load_*.cypher``: CREATE for the table's own node and its relationships, MERGE still
    for the nodes they point at (stubs, authorities). A row whose key was met before, and a node
    that an earlier table made as a stub, go through the MERGE statements, so the graph is the one
    the MERGE path makes. Bulk writes are never retried after a lost connection (a retry could
    create twice): the load stops, and running it again finds the graph not empty and MERGEs.
    """

    def __init__(self, graph: Graph, pseudonyms: Pseudonyms, *, batch_size: int = 2000,
                 progress: bool | None = None, mode: str = "auto"):
        if mode not in MODES:
            raise InvalidInput(f"load mode {mode!r}: one of {', '.join(MODES)}")
        self.graph = graph
        self.pseudonyms = pseudonyms
        self.batch_size = batch_size
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.mode = mode
        self._streak: tuple[str, int] = ("", 0)  # the database's last row-level message and how often in a row
        self._bulk = False
        self._stubs: dict[str, set[int]] = {}  # bulk: label -> hashes of keys made as stubs, node table to come
        self._pending: set[str] = set()  # bulk: labels whose node table is still to be loaded

    def _graph_is_empty(self) -> bool:
        try:
            return not self.graph.run("MATCH (n) RETURN 1 AS x LIMIT 1", what="is the graph empty")
        except Exception:  # noqa: BLE001 - no answer: not known to be empty, so MERGE (its errors are reported)
            return False

    def _choose(self) -> bool:
        """Whether this load takes the bulk path (see the class doc)."""
        if self.mode in ("merge", "check") or self.graph is None:
            return False
        empty = self._graph_is_empty()
        if self.mode == "bulk" and not empty:
            raise InvalidInput("--bulk loads only into an empty graph: this one holds nodes (load without "
                               "--bulk to MERGE, which is safe on any graph)")
        return empty

    def load(self, what: Path | Source, rejects_path: Path, source: str | None = None) -> LoadReport:
        """Load every table of ``what``: a folder of tables, or any :class:`loaders.sources.Source`
        (OCDS, a list …). A table that cannot be read is named in the report and the rejects file, the
        others load, and :class:`LoadIncomplete` is raised at the end; a failure of the database itself
        stops the load at once (:class:`graph.errors.LoadAborted`). ``source``: the dataset's name
        for rows that give none (default: the source's own name)."""
        src = FolderSource(Path(what), [t.name for t in TABLES]) if isinstance(what, (str, Path)) else what
        now = dt.datetime.now(dt.timezone.utc)
        report = LoadReport(folder=src.file, started=now.isoformat(timespec="seconds"), rejects_file=str(rejects_path))
        ctx = Context(self.pseudonyms, source or src.name)
        rejects = Rejects(rejects_path)
        found = [(t, src.table(t.name)) for t in TABLES]
        self._bulk = self._choose()
        report.mode = "check" if self.mode == "check" else "bulk" if self._bulk else "merge"
        self._stubs = {}
        self._pending = {NODE_KEYS[t.name][0] for t, rows in found if rows is not None and t.name in NODE_KEYS}
        t0 = time.perf_counter()
        # One writer for the whole source: the next table is read while the last one's batches
        # are still being written (in order, so nodes still come before their relationships).
        writer = _Writer(self, rejects, now.isoformat())
        try:
            for table, rows in found:
                if rows is not None:
                    report.tables.append(self._load_table(table, rows, ctx, rejects, writer))
                    if table.name in NODE_KEYS:
                        self._pending.discard(NODE_KEYS[table.name][0])
                        self._stubs.pop(NODE_KEYS[table.name][0], None)
            writer.close()
        except (LoadAborted, DatabaseUnavailable) as e:
            writer.close(abort=True)
            with contextlib.suppress(LoadAborted):  # the first failure is the one to report
                rejects.close()
            aborted = LoadAborted(
                f"{e.detail} — the load stopped: {report.loaded:,} rows were written before it"
                + (f"; the {rejects.written:,} refused rows written so far are in {rejects.path}" if rejects.written else "")
                + ". Loading is idempotent: run it again once that is fixed.")
            aborted.report = report
            raise aborted from e
        except BaseException:
            writer.close(abort=True)
            raise
        finally:
            if sys.exc_info()[0] is None:
                rejects.close()
            else:
                with contextlib.suppress(LoadAborted):
                    rejects.close()
            report.rejects_file = str(rejects.path)
            report.seconds = round(time.perf_counter() - t0, 3)
        unreadable = [t.error for t in report.tables if t.unreadable]
        if unreadable:
            raise LoadIncomplete("; ".join(unreadable) + f" (the other tables were loaded; rejects: {rejects.path})",
                                 report)
        return report

    def _load_table(self, table: Table, source: TableRows, ctx: Context, rejects: Rejects, writer: _Writer) -> TableReport:
        rep = TableReport(table.name, source.file, source.format)
        t0 = time.perf_counter()
        batches: dict[tuple, list[tuple[str, int | None, dict, dict]]] = {}
        seen = Seen(table.name)
        bulk = self._bulk
        own = NODE_KEYS.get(table.name)
        stubbed = self._stubs.get(own[0]) if bulk and own else None
        refs = [(lab, col) for lab, col in REFS.get(table.name, ())] if bulk and self._pending else []
        later: dict[tuple, list] = {}  # bulk: rows of a key met before, MERGEd after the rows that made it
        conflicts: list[tuple] = []  # rows refused for a repeated key, explained once the table is read
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(desc=f"{table.name:<15}", unit=" rows", leave=True, file=sys.stderr)

        def refuse(file: str, line: int | None, reason: str, raw) -> None:
            rejects.add(file, line, reason, raw)
            rep.refused(line, reason)

        validate, build = R.row_validator(table.model), table.build
        floor = min(self.batch_size, 250)  # no batch is written smaller (writer.next_size): not asked per row
        tf = None
        line = None
        try:
            tf, rows = source.open()
            first = tf is not None  # a file's header is checked; converted rows are checked row by row
            for file, line, raw in rows:
                if first and "_error" not in raw:  # the header as the first readable row has it (jsonl)
                    first = False
                    rep.warnings.extend(tf.warnings)
                    missing = [c for c in table.required if c not in tf.header]
                    bad_name = header_problem(tf.header)
                    if missing:
                        rep.error = (f"{file}: missing required column(s) {', '.join(missing)}; "
                                     f"the whole file is rejected")
                    elif bad_name:
                        rep.error = f"{file}: {bad_name}; the whole file is rejected"
                rep.read += 1
                if bar is not None:
                    bar.update(1)
                if rep.error:
                    refuse(file, line, rep.error, raw)
                    continue
                if "_error" in raw:
                    refuse(file, line, raw["_error"], raw.get("_raw", {k: v for k, v in raw.items() if k != "_error"}))
                    continue
                if "_extra_cells" in raw:
                    refuse(file, line, f"{len(tf.header) + len(raw['_extra_cells'])} cells for {len(tf.header)} "
                           f"columns (unquoted comma?)", raw)
                    continue
                problem = control_problem(raw)
                if problem:
                    refuse(file, line, problem, raw)
                    continue
                try:
                    slots, row = build(validate(raw), ctx)
                except ValidationError as e:
                    refuse(file, line, R.describe(e), raw)
                    continue
                except InvalidInput as e:
                    refuse(file, line, e.detail, raw)
                    continue
                verdict, first_n = seen.check(rep.read, row)
                if verdict == CONFLICT:
                    conflicts.append((file, line, raw, row, first_n))
                    continue
                slot_key = tuple(sorted(slots.items())) if slots else ()
                create = False
                if bulk:
                    for lab, col in refs:
                        lab = slots.get(lab, lab)
                        if lab in self._pending and row.get(col):
                            self._stubs.setdefault(lab, set()).add(hash(row[col]))
                    if verdict == AGAIN:
                        again = later.setdefault(slot_key, [])
                        again.append((file, line, raw, row))
                        if len(again) >= self.batch_size:  # the rows that made these keys go first
                            for key, batch in batches.items():
                                if batch:
                                    writer.submit(table, dict(key[0]), batch, rep, t0, create=key[1])
                                    batches[key] = []
                            writer.submit(table, dict(slot_key), again, rep, t0)
                            later[slot_key] = []
                        continue
                    create = stubbed is None or hash(row[own[1]]) not in stubbed
                key = (slot_key, create)
                batch = batches.setdefault(key, [])
                batch.append((file, line, raw, row))
                if len(batch) >= floor and len(batch) >= writer.next_size(self.batch_size):
                    writer.submit(table, dict(slot_key), batch, rep, t0, create=create)
                    batches[key] = []
            if rep.read == 0 and tf is not None and tf.header:
                missing = [c for c in table.required if c not in tf.header]
                if missing:
                    rep.error = f"{source.file}: missing required column(s) {', '.join(missing)}"
                rep.warnings.extend(w for w in tf.warnings if w not in rep.warnings)
        except InvalidInput as e:
            # The file, or its rest from some line on, cannot be read: say so and go on with the next table.
            rep.unreadable = True
            rep.error = e.detail if not rep.read else (
                f"{e.detail} (reading stopped after line {line}: the {rep.read:,} rows before it were read, "
                "the rest of the file was not)")
            rejects.add(source.file, None, rep.error, "")
        finally:
            if bar is not None:
                bar.close()
        for key, batch in batches.items():  # the rows read so far are written, even when reading stopped
            if batch:
                writer.submit(table, dict(key[0]), batch, rep, t0, create=key[1])
        for key, batch in later.items():
            if batch:
                writer.submit(table, dict(key), batch, rep, t0)
        if conflicts:
            self._refuse_conflicts(table, source, ctx, seen, conflicts, refuse)
        if tf is not None:
            rep.encoding = tf.encoding
            rep.skipped_header_lines = tf.skipped
            rep.blank_lines = tf.blank
        rep.seconds = round(time.perf_counter() - t0, 3)  # until read; the writer adds its writes
        return rep

    def _refuse_conflicts(self, table: Table, source: TableRows, ctx: Context, seen: Seen, conflicts: list,
                          refuse: Callable) -> None:
        """Refuse the rows whose key an earlier row holds with other values, naming that row's line and
        the columns that differ: the earlier rows are found by reading the table a second time (only
        they are validated again), so :class:`Seen` keeps no row, only a hash of it."""
        wanted = {first for *_, first in conflicts}
        firsts: dict[int, tuple] = {}
        with contextlib.suppress(InvalidInput, ValidationError, OSError):
            _, rows = source.open()
            for n, (_, line, raw) in enumerate(rows, 1):
                if n in wanted:
                    firsts[n] = (line, table.build(R.row_validator(table.model)(raw), ctx)[1])
                    if len(firsts) == len(wanted):
                        break
        for file, line, raw, row, first in conflicts:
            if first in firsts:
                reason = seen.explain(firsts[first][0], firsts[first][1], row)
            else:  # the file changed under the load: the earlier row is not where it was
                reason = (f"the same {' + '.join(seen.key)} as an earlier row with other values: the first "
                          "row is kept, this one is not loaded")
            refuse(file, line, reason, raw)

    def _write(self, table: Table, slots: dict, rows: list[dict], loaded_at: str, create: bool = False) -> None:
        if create:
            q = bulk_query(table.query, tuple(sorted(slots.items())))
            # Not idempotent: after a lost connection the load stops rather than create twice.
            self.graph.run(q.text, {"rows": rows, "loaded_at": loaded_at}, write=True,
                           what=f"{table.query} (bulk, a batch of {len(rows):,} rows)", idempotent=False)
        else:
            self.graph.query(table.query, labels=slots, rows=rows, loaded_at=loaded_at)

    def _flush(self, table: Table, slots: dict, batch: list, loaded_at: str, create: bool = False) -> tuple[int, list]:
        """Write one batch; return (rows loaded, [(file, line, raw, reason)] the database refused). Runs on
        the writer thread. Raises LoadAborted when the database refuses rows for a reason of its own.
        A bulk batch (``create``) the database refuses or times out on is written again with MERGE
        (a transaction is all or nothing, so that is safe either way), which finds the rows at fault.
        A check (``mode="check"``) writes nothing: every valid row counts as loaded."""
        if self.mode == "check":
            return len(batch), []
        if create:
            try:
                self._write(table, slots, [r for _, _, _, r in batch], loaded_at, create=True)
                self._streak = ("", 0)
                return len(batch), []
            except DatabaseUnavailable:
                raise
            except (QueryTimeout, QueryRejected, InvalidInput):
                pass
        try:
            self._write(table, slots, [r for _, _, _, r in batch], loaded_at)
            self._streak = ("", 0)
            return len(batch), []
        except DatabaseUnavailable:
            raise
        except QueryTimeout:
            # Too big for the database's command deadline: halve it (MERGE makes a retry safe).
            if len(batch) > 1:
                half = len(batch) // 2
                a, b = self._flush(table, slots, batch[:half], loaded_at), self._flush(table, slots, batch[half:], loaded_at)
                return a[0] + b[0], a[1] + b[1]
            file, line, raw, _ = batch[0]
            return 0, [(file, line, raw, "the database timed out writing this row alone (CHENGXIN_QUERY_TIMEOUT)")]
        except (QueryRejected, InvalidInput) as e:
            batch_error = e.detail
        # The database refused the batch: find the rows it refuses, keep the rest.
        loaded, refused = 0, []
        for file, line, raw, row in batch:
            try:
                self._write(table, slots, [row], loaded_at)
                loaded += 1
                self._streak = ("", 0)
            except (QueryRejected, InvalidInput, QueryTimeout) as e:
                refused.append((file, line, raw, f"database refused the row: {e.detail}"))
                same, n = self._streak
                self._streak = (e.detail, n + 1 if e.detail == same else 1)
                if self._database_wide(batch_error, loaded, refused, len(batch)):
                    raise LoadAborted(
                        f"the database refused every write with the same error ({table.name}: "
                        f"{mask_text(e.detail)[:500]}): not a bad row but the database (a full disk, a read-only "
                        "or missing database?)") from e
        return loaded, refused

    def _database_wide(self, batch_error: str, loaded: int, refused: list, size: int) -> bool:
        """The batch and its first rows alone were refused with one and the same message, or the last
        SAME_ERROR_STREAK rows were, whatever batch they came in."""
        if self._streak[1] >= SAME_ERROR_STREAK:
            return True
        if loaded or len(refused) != SAME_ERROR_ROWS or size < SAME_ERROR_ROWS:
            return False
        return all(reason == f"database refused the row: {batch_error}" for _, _, _, reason in refused)


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

    def submit(self, table: Table, slots: dict, batch: list, rep: TableReport, t0: float, create: bool = False) -> None:
        """Queue ``batch`` for ``table``; its counts go to ``rep``, whose clock started at ``t0``;
        ``create``: with the bulk statement."""
        while len(self.pending) >= 2:
            self._collect(*self.pending.popleft())
        self.pending.append((self.pool.submit(self.loader._flush, table, slots, batch, self.loaded_at, create), rep, t0))
        self.submitted += 1

    def _collect(self, fut: Future, rep: TableReport, t0: float) -> None:
        loaded, refused = fut.result()
        rep.loaded += loaded
        for file, line, raw, reason in refused:
            self.rejects.add(file, line, reason, raw)
            rep.refused(line, reason)
        rep.seconds = round(time.perf_counter() - t0, 3)

    def close(self, abort: bool = False) -> None:
        """Write what was queued (the tables before a file that fails to read are not cut short), then
        stop; ``abort``: drop what was queued (the database failed), keeping the results already in."""
        try:
            while self.pending and not abort:
                self._collect(*self.pending.popleft())
        finally:
            for fut, _, _ in self.pending:
                fut.cancel()
            self.pending.clear()
            self.pool.shutdown(wait=True)
