"""The embedded ArcadeDB server program: ``python -m graph.embedded_server --home … --bolt-port …``.

Started, waited for and stopped by :mod:`graph.embedded` (the process manager); this module is
what runs inside that process, the JVM included. Everything ArcadeDB-specific that cannot go
through Bolt lives here: creating the database, its full-text indexes (made with ArcadeDB SQL,
queried with Neo4j's ``db.index.fulltext.queryNodes``), the server's security settings, and the
read-only user the console connects as.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from .embedded import BOLT_PLUGIN, CJK_ANALYZER, Paths, ServerState, _read_state_file
from .model import get_model
from .settings import secret_file

#: The console's database user and its group: read records, nothing else (no schema, no security,
#: no settings; procedures that write or read files are refused by the server for this user).
CONSOLE_USER = "chengxin_console"
CONSOLE_GROUP = "chengxin_reader"
CONSOLE_PASSWORD_FILE = "console-password"


def console_password_path(home: Path) -> Path:
    return Path(home) / CONSOLE_PASSWORD_FILE


def security_jvm_args(home: Path) -> list[str]:
    """System properties the server's Cypher engine reads (it reads the JVM-wide configuration,
    not the server's start config, so these must be ``-D`` flags): no LOAD CSV from files or URLs,
    and an empty import directory in case a later version turns file URLs back on."""
    empty = Path(home) / "data" / "no-import"
    empty.mkdir(parents=True, exist_ok=True)
    return [
        "-Darcadedb.opencypher.loadCsv.allowFileUrls=false",
        "-Darcadedb.opencypher.loadCsv.allowRemoteUrls=false",
        f"-Darcadedb.opencypher.loadCsv.importDirectory={empty}",
    ]


def _admin(http_port: int, root_password: str, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
    """ArcadeDB's HTTP admin API on loopback, as root."""
    auth = base64.b64encode(f"root:{root_password}".encode()).decode()
    req = urllib.request.Request(
        f"http://127.0.0.1:{http_port}/api/v1{path}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def ensure_console_user(home: Path, http_port: int, root_password: str, database: str, timeout_ms: int) -> None:
    """The console's read-only database user: group ``chengxin_reader`` may read records of every
    type of ``database`` and nothing else, with the analysts' time limit as its read timeout;
    user ``chengxin_console`` is in that group only, its password in ``HOME/console-password``
    (0600). Made or brought up to date on every start."""
    group = {"database": database, "name": CONSOLE_GROUP, "access": [], "resultSetLimit": -1,
             "readTimeout": timeout_ms, "types": {"*": {"access": ["readRecord"]}}}
    status, text = _admin(http_port, root_password, "POST", "/server/groups", group)
    if status >= 300:
        raise RuntimeError(f"could not make the console's read-only group: {status} {text}")
    password = secret_file(console_password_path(home))
    user = {"name": CONSOLE_USER, "password": password, "databases": {database: [CONSOLE_GROUP]}}
    status, text = _admin(http_port, root_password, "POST", "/server/users", user)
    if status >= 300:  # it exists: bring its password and groups up to date
        status, text = _admin(http_port, root_password, "PUT", f"/server/users?name={CONSOLE_USER}",
                              {"password": password, "databases": {database: [CONSOLE_GROUP]}})
    if status >= 300:
        raise RuntimeError(f"could not make the console's read-only user: {status} {text}")

def ensure_fulltext(db) -> list[str]:
    """Create the CJK full-text index of every searchable label (ArcadeDB SQL). Idempotent."""
    made = []
    for spec in get_model().search_labels():
        t = spec.name
        db.command("sql", f"CREATE VERTEX TYPE `{t}` IF NOT EXISTS")
        for index, prop in spec.fulltext_props:
            db.command("sql", f"CREATE PROPERTY `{t}`.`{prop}` IF NOT EXISTS STRING")
            db.command(
                "sql",
                f"CREATE INDEX IF NOT EXISTS ON `{t}` (`{prop}`) FULL_TEXT "
                f'METADATA {{"analyzer": "{CJK_ANALYZER}"}}',
            )
            made.append(index)
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
        jvm_kwargs={"heap_size": args.heap, "jvm_args": [
            "-Xrs", f"-Darcadedb.command.timeout={args.command_timeout_ms}", *security_jvm_args(p.home),
            # The page cache, inside the heap: ArcadeDB's own default (a quarter of it) is too small a share.
            *([f"-Darcadedb.maxPageRAM={args.page_cache_mb}"] if args.page_cache_mb > 0 else [])]},
    )
    server.start()
    try:
        try:
            db = server.get_database(args.database)
        except Exception:
            db = server.create_database(args.database)
        ensure_fulltext(db)
        ensure_console_user(p.home, args.http_port, password, args.database, args.command_timeout_ms)
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
    ap.add_argument("--page-cache-mb", type=int, default=0, help="arcadedb.maxPageRAM; 0: ArcadeDB's default")
    # ArcadeDB's only deadline Bolt queries obey (graph.backend); from CHENGXIN_QUERY_TIMEOUT.
    ap.add_argument("--command-timeout-ms", type=int, default=5000)
    ap.add_argument("--database", default="chengxin")
    return _serve(ap.parse_args(argv))


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # The server is down and its database closed: exit now. A normal exit waits for the JVM's
    # threads, which a client that kept its connection open holds for as long as it keeps it.
    os._exit(code)
