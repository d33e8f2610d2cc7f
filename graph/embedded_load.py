"""The embedded database's native first load: rows written in this process with ArcadeDB's own
batch API (``GraphBatch``: rows cross into the JVM as JSON, relationships are buffered and
connected in bulk), with no server, no Bolt and no Cypher for the rows whose keys are new.

Only for a first load into an empty embedded home whose server this process started (a server
someone else started may be serving pages): :func:`session` stops that server, holds the start
lock so nothing starts it meanwhile, opens the database here, and starts the server again at the
end. What a row writes comes as data (graph.shapes, the same graph as ``cypher/bulk/``); the rows
the loader sends to its MERGE statements (a key met again, a stub to complete) run as the same
Cypher in process (:meth:`NativeWriter.cypher`), after the buffered relationships are written.

Nodes are found by key in a map of this load's own nodes (an empty graph holds no other); once a
Cypher statement has written, a key the map lacks is looked for in the database before a stub is
made. ``tests/test_bulk.py`` compares the graph with the MERGE path's, node by node.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path

from . import embedded
from .errors import DatabaseUnavailable, LoadAborted, QueryRejected
from .model import get_model
from .settings import Settings
from .shapes import Link, Ref, Shape

_RID = re.compile(r"^#\d+:\d+$")
#: A property name that can be declared without quoting (a model field; any other keeps its date object).
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
#: Labels whose nodes may lack a name that a later row gives them (``coalesce_name``).
NAMED = ("Enterprise", "Person")
#: Buffered relationships connected at a time; incoming ends held before they are connected.
EDGE_FLUSH = 100_000
DEFERRED_IN = 500_000


def _clean(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


class NativeWriter:
    """Writes the loader's batches into a database opened in this process (see the module doc).
    Used from one thread at a time (the loader's writer thread)."""

    def __init__(self, db, expected_edges: int = 1_000_000):
        self.db = db
        self.keys = {name: spec.key for name, spec in get_model().labels.items()}
        self.rids: dict[str, dict] = {}  # label -> key -> RID of the nodes this load made or found
        self.unnamed: dict[str, set] = {lab: set() for lab in NAMED}  # keys of nodes known to have no name
        self.renames: list[tuple[str, str, str]] = []  # (label, key, name): coalesce once the batch is flushed
        self.foreign = False  # a Cypher statement wrote: the map may lack nodes that exist
        self.types: set[str] = set()
        # (type, property) -> its declared type: a date crosses as ISO text into a property declared
        # DATE (the engine stores a date, as Bolt does); a date object would take the batch API's
        # slow path, a conversion per value.
        self.declared: dict[tuple[str, str], str] = {}
        for rec in db.query("sql", "SELECT name, properties FROM schema:types"):
            d = rec.to_dict()
            for prop in d.get("properties") or []:
                get = prop.get if isinstance(prop, dict) else prop.getProperty
                self.declared[(d["name"], str(get("name")))] = str(get("type"))
        self.expected_edges = expected_edges
        self._batch = None
        self._shape: Shape | None = None  # the table being written: its batch is closed when the next begins
        self.written = {"nodes": 0, "relationships": 0}

    # --- the batch API ---------------------------------------------------------------------

    def _gb(self):
        if self._batch is None:
            # Relationships are connected every EDGE_FLUSH buffered, on the writer thread while the
            # loader reads on (the JVM runs without Python's lock), not all at the end.
            # Incoming ends are connected in bulk too, at most DEFERRED_IN held at a time (all of a
            # scale-700 load's, held to the end, did not fit a 6 GB heap).
            self._batch = self.db.graph_batch(expected_edge_count=self.expected_edges, batch_size=EDGE_FLUSH,
                                              bidirectional=True, max_deferred_incoming_edges=DEFERRED_IN)
        return self._batch

    def _type(self, kind: str, name: str) -> None:
        if name not in self.types:
            self.db.command("sql", f"CREATE {kind} TYPE `{name}` IF NOT EXISTS")
            self.types.add(name)

    def _dates(self, type_name: str, items: list[dict]) -> None:
        """Dates as ISO text, each property declared DATE the first time (see ``declared``)."""
        for d in items:
            for k, v in d.items():
                if type(v) is dt.date:
                    kind = self.declared.get((type_name, k))
                    if kind is None and _PLAIN.match(k):
                        self.db.command("sql", f"CREATE PROPERTY `{type_name}`.`{k}` IF NOT EXISTS DATE")
                        kind = self.declared[(type_name, k)] = "DATE"
                    if kind == "DATE":
                        d[k] = v.isoformat()

    def flush(self) -> None:
        """Connect the buffered relationships, then give the names a later row supplied."""
        try:
            self._flush()
        except Exception as e:  # noqa: BLE001 - ArcadeDB's own errors, whatever their class
            raise LoadAborted(f"the embedded database could not write the native load's relationships: "
                              f"{str(e)[:500]}") from e

    def _flush(self) -> None:
        if self._batch is not None:
            self._batch.close()
            self._batch = None
        if self.renames:
            with self.db.transaction():
                for label, key, name in self.renames:
                    rid = self.rids.get(label, {}).get(key)
                    if rid and _RID.match(rid):
                        self.db.command("sql", f"UPDATE {rid} SET name = :n WHERE name IS NULL", {"n": name})
            self.renames = []

    def close(self) -> None:
        self.flush()

    # --- rows ------------------------------------------------------------------------------

    def _label(self, ref: Ref, slots: dict) -> str:
        return slots[ref.label[1:-1]] if ref.label.startswith("{") else ref.label

    def _lookup(self, label: str, keys: list) -> None:
        """Find in the database the nodes of ``keys`` the map lacks (after a Cypher write)."""
        key = self.keys[label]
        named = label in NAMED
        for i in range(0, len(keys), 1000):
            part = keys[i:i + 1000]
            rs = self.db.query("sql", f"SELECT @rid AS rid, `{key}` AS k{', name AS nm' if named else ''} "
                                      f"FROM `{label}` WHERE `{key}` IN :keys", {"keys": part})
            for rec in rs:
                d = rec.to_dict() if hasattr(rec, "to_dict") else dict(rec)
                self.rids.setdefault(label, {})[d["k"]] = str(d["rid"])
                if named and d.get("nm") is None:
                    self.unnamed[label].add(d["k"])

    def can_write(self, shape: Shape, rows: list[dict]) -> bool:
        """Every row names the keys its shape needs (else its MERGE statement says what is wrong)."""
        return all(r.get(ref.field) is not None for r in rows for ref in shape.refs if not ref.optional)

    def create(self, shape: Shape, slots: dict, rows: list[dict], loaded_at: str) -> int:
        """Write ``rows`` (built rows whose own key is new to the graph) as ``shape`` says. A batch
        the database refuses stops the load (part of it may be written: running the load again
        finds the graph not empty and MERGEs, which completes it)."""
        try:
            if shape is not self._shape:  # a new table: the last one's relationships are connected first
                self._flush()
                self._shape = shape
            return self._create(shape, slots, rows, loaded_at)
        except Exception as e:  # noqa: BLE001 - ArcadeDB's own errors, whatever their class
            raise LoadAborted(f"the embedded database refused a batch of the native load: {str(e)[:500]}") from e

    def _create(self, shape: Shape, slots: dict, rows: list[dict], loaded_at: str) -> int:
        gb = self._gb()
        own_rids: list[str | None] = [None] * len(rows)
        if shape.own is not None:
            label, field = shape.own
            self._type("VERTEX", label)
            key = self.keys[label]
            vertices = []
            for r in rows:
                v = {key: r[field], **r["props"], "stub": False, "source": r["source"],
                     "source_url": r.get("source_url"), "loaded_at": loaded_at}
                vertices.append(_clean(v))
            self._dates(label, vertices)
            made = gb.create_vertices(label, vertices)
            self.written["nodes"] += len(made)
            kept = self.rids.setdefault(label, {})
            unnamed = self.unnamed.get(label)
            for r, v, rid in zip(rows, vertices, made):
                kept[r[field]] = rid
                if unnamed is not None and "name" not in v:
                    unnamed.add(r[field])
            own_rids = made
        # The nodes the rows point at: found in the map (or the database), else made as stubs by the
        # first row that names them, as MERGE … ON CREATE does.
        refs = [(ref, self._label(ref, slots)) for ref in shape.refs]
        wanted: dict[str, dict] = {}  # label -> key -> (row, ref) of the first row naming a key not in the map
        for r in rows:
            for ref, label in refs:
                k = r.get(ref.field)
                if k is None:
                    continue
                if k not in self.rids.get(label, ()) and k not in wanted.setdefault(label, {}):
                    wanted[label][k] = (r, ref)
        for label, first in wanted.items():
            if not first:
                continue
            if self.foreign:
                self._lookup(label, list(first))
                first = {k: v for k, v in first.items() if k not in self.rids.get(label, ())}
                if not first:
                    continue
            self._type("VERTEX", label)
            key = self.keys[label]
            stubs = []
            for k, (r, ref) in first.items():
                v = {key: k}
                if ref.stub:
                    v["stub"] = True
                if ref.name_on_create:
                    v["name"] = r.get(ref.name_on_create)
                v.update(source=r["source"], source_url=r.get("source_url"), loaded_at=loaded_at)
                stubs.append(_clean(v))
            made = gb.create_vertices(label, stubs)
            self.written["nodes"] += len(made)
            kept = self.rids.setdefault(label, {})
            unnamed = self.unnamed.get(label)
            for k, v, rid in zip(first, stubs, made):
                kept[k] = rid
                if unnamed is not None and "name" not in v:
                    unnamed.add(k)
        # Names from rows (coalesce): the first row with a name gives it to a node that has none.
        for ref, label in refs:
            if ref.coalesce_name and label in self.unnamed:
                unnamed = self.unnamed[label]
                for r in rows:
                    k, name = r.get(ref.field), r.get(ref.coalesce_name)
                    if k is not None and name is not None and k in unnamed:
                        unnamed.discard(k)
                        self.renames.append((label, k, name))
        # The relationships, one call per type.
        ends = {ref.var: (label, ref.field) for ref, label in refs}
        for link in shape.links:
            self._type("EDGE", link.type)
            src, dst, props = [], [], []
            for i, r in enumerate(rows):
                a, b = self._end(link.start, ends, r, own_rids[i]), self._end(link.end, ends, r, own_rids[i])
                if a is None or b is None:
                    continue
                p = {name: r.get(field) for name, field in link.fixed}
                p.update(link.const)
                if link.props:
                    p.update(r["props"])
                p.update(source=r["source"], source_url=r.get("source_url"), loaded_at=loaded_at)
                src.append(a)
                dst.append(b)
                props.append(_clean(p))
            if src:
                self._dates(link.type, props)
                gb.new_edges(src, link.type, dst, props)
                self.written["relationships"] += len(src)
        return len(rows)

    def _end(self, var: str, ends: dict, row: dict, own: str | None) -> str | None:
        if var == "own":
            return own
        label, field = ends[var]
        k = row.get(field)
        return None if k is None else self.rids[label][k]

    def cypher(self, text: str, params: dict) -> None:
        """Run a (MERGE) load statement in process, after what is buffered is written."""
        self.flush()
        self.foreign = True
        try:
            with self.db.transaction():
                self.db.command("opencypher", text, params)
        except Exception as e:  # noqa: BLE001 - ArcadeDB's own errors: the loader finds the rows at fault
            raise QueryRejected(f"the database refused the statement: {str(e)[:500]}") from e


def launched_here(settings: Settings) -> bool:
    """The running embedded server was started by this process (nobody else is known to use it),
    or none is running."""
    state = embedded.status(settings)
    return state is None or any(p.pid == state.pid for p in embedded._launched)


@contextlib.contextmanager
def session(settings: Settings, expected_edges: int = 1_000_000) -> Iterator[NativeWriter]:
    """Stop the embedded server (this process's own), open its database here, yield the writer,
    and close it and start the server again however the load ends. Starting the server elsewhere
    waits for the end (the start lock is held)."""
    embedded.stop(settings)
    try:
        with _opened(settings, expected_edges) as writer:
            yield writer
    finally:
        embedded.start(settings)


@contextlib.contextmanager
def _opened(settings: Settings, expected_edges: int) -> Iterator[NativeWriter]:
    import arcadedb_embedded as arcadedb

    p = embedded.paths(settings)
    path = Path(p.data) / "databases" / (settings.database_name or "chengxin")
    writer = None
    with embedded._locked(settings):
        if embedded.status(settings) is not None:  # started by someone else in between
            raise DatabaseUnavailable("the embedded database was started by another process during the load")
        with _in_log_folder(p):
            db = arcadedb.open_database(str(path), jvm_kwargs={
                "heap_size": embedded.heap_size(settings),
                "jvm_args": ["-Xrs", *([f"-Darcadedb.maxPageRAM={embedded.page_cache_mb(settings)}"]
                                       if embedded.page_cache_mb(settings) > 0 else [])]})
        _quiet()
        try:
            writer = NativeWriter(db, expected_edges)
            yield writer
            writer.close()
        finally:
            with contextlib.suppress(Exception):
                if writer is not None and writer._batch is not None:
                    writer._batch.close()
            db.close()


@contextlib.contextmanager
def _in_log_folder(p: embedded.Paths) -> Iterator[None]:
    """Start the JVM (if this is its first use in this process) from the home's log folder, with its
    start-up chatter in the server's log: the JVM and ArcadeDB write their files relative to the
    working folder, and their first lines straight to the process's standard streams."""
    p.log_dir.mkdir(parents=True, exist_ok=True)
    here = os.getcwd()
    saved = [os.dup(1), os.dup(2)]
    try:
        with open(p.log, "ab") as log:
            for fd in (1, 2):
                os.dup2(log.fileno(), fd)
        os.chdir(p.log_dir)
        yield
    finally:
        os.chdir(here)
        for fd, old in zip((1, 2), saved):
            os.dup2(old, fd)
            os.close(old)


def _quiet() -> None:
    """ArcadeDB logs through java.util.logging: errors only, in this process (its notes and warnings
    are about its own workings; a failure reaches the loader as an exception)."""
    import jpype

    level = jpype.JClass("java.util.logging.Level").SEVERE
    root = jpype.JClass("java.util.logging.Logger").getLogger("")
    root.setLevel(level)
    for handler in root.getHandlers():
        handler.setLevel(level)
