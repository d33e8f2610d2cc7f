"""The embedded ArcadeDB server program: ``python -m graph.embedded_server --home … --bolt-port …``.

Started, waited for and stopped by :mod:`graph.embedded` (the process manager); this module is
what runs inside that process, the JVM included. Everything ArcadeDB-specific that cannot go
through Bolt lives here: creating the database, its full-text indexes (made with ArcadeDB SQL,
queried with Neo4j's ``db.index.fulltext.queryNodes``), the server's security settings, and the
read-only user the console connects as.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from .embedded import BOLT_PLUGIN, CJK_ANALYZER, Paths, ServerState, _read_state_file

def ensure_fulltext(db) -> list[str]:
    """Create the CJK full-text index of every searchable label (ArcadeDB SQL). Idempotent."""
    from .model import get_model

    made = []
    for spec in get_model().search_labels():
        t, prop = spec.name, spec.name_prop
        db.command("sql", f"CREATE VERTEX TYPE `{t}` IF NOT EXISTS")
        db.command("sql", f"CREATE PROPERTY `{t}`.`{prop}` IF NOT EXISTS STRING")
        db.command(
            "sql",
            f"CREATE INDEX IF NOT EXISTS ON `{t}` (`{prop}`) FULL_TEXT "
            f'METADATA {{"analyzer": "{CJK_ANALYZER}"}}',
        )
        made.append(spec.fulltext_index)
    return made


def _serve(args: argparse.Namespace) -> int:
    from arcadedb_embedded.server import ArcadeDBServer

    p = Paths(Path(args.home))
    password = p.password.read_text("utf-8").strip()
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    server = ArcadeDBServer(
        root_path=str(p.data),
        root_password=password,
        config={
            "host": "127.0.0.1",
            "http_port": args.http_port,
            "server_plugins": BOLT_PLUGIN,
            "bolt_port": args.bolt_port,
            # LOAD CSV must not read local files or fetch URLs through Cypher.
            "opencypher_loadCsv_allowFileUrls": False,
            "opencypher_loadCsv_allowRemoteUrls": False,
        },
        # -Xrs: SIGTERM reaches Python's handler (clean stop) instead of the JVM's.
        jvm_kwargs={"heap_size": args.heap, "jvm_args": ["-Xrs", f"-Darcadedb.command.timeout={args.command_timeout_ms}"]},
    )
    server.start()
    try:
        try:
            db = server.get_database(args.database)
        except Exception:
            db = server.create_database(args.database)
        ensure_fulltext(db)
        state = ServerState(
            pid=os.getpid(), bolt_port=args.bolt_port, http_port=args.http_port,
            database=args.database, started_at=time.time(),
        )
        tmp = p.state.with_suffix(".tmp")
        tmp.write_text(json.dumps(state.__dict__), "utf-8")
        tmp.replace(p.state)
        print(f"chengxin: embedded ArcadeDB ready, Bolt on {state.uri}, database {args.database}", flush=True)
        while not stopping.wait(1.0):
            pass
    finally:
        print("chengxin: stopping embedded ArcadeDB", flush=True)
        server.stop()
        mine = _read_state_file(p)
        if mine is not None and mine.pid == os.getpid():
            with contextlib.suppress(OSError):
                p.state.unlink()
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Run chengxin's embedded ArcadeDB server (Bolt on loopback).")
    ap.add_argument("--home", required=True)
    ap.add_argument("--bolt-port", type=int, required=True)
    ap.add_argument("--http-port", type=int, required=True)
    ap.add_argument("--heap", default="2g")
    # ArcadeDB's only deadline Bolt queries obey (graph.backend); from CHENGXIN_QUERY_TIMEOUT.
    ap.add_argument("--command-timeout-ms", type=int, default=5000)
    ap.add_argument("--database", default="chengxin")
    return _serve(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
