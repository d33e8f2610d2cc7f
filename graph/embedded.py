"""The zero-setup default: an ArcadeDB server (PyPI ``arcadedb-embedded``) speaking Bolt on loopback.

The JVM lives in the process that starts it, so the server runs as its own detached process
(``python -m graph.embedded_server``, the server program) and every other part of chengxin talks Bolt to it with the
neo4j driver. Everything ArcadeDB-specific that cannot go through Bolt lives here: creating
the database, and its full-text indexes (made with ArcadeDB SQL, queried with Neo4j's
``db.index.fulltext.queryNodes``).

Files under the home folder::

    data/            ArcadeDB's root (databases, config, users)
    log/server.log   the server process's output (the JVM writes arcadedb.log.* beside it)
    server.json      pid, ports and database of the running server (removed on clean stop)
    root-password    generated on first start, mode 0600, never logged
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .backend import command_timeout_ms
from .errors import DatabaseUnavailable
from .settings import Settings

CJK_ANALYZER = "org.apache.lucene.analysis.cjk.CJKAnalyzer"
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"

# Servers this process launched. The server outlives the command that started it by design;
# holding the Popen keeps it from being collected (and warning) while it runs.
_launched: list[subprocess.Popen] = []


@dataclass(frozen=True)
class Paths:
    home: Path

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def log_dir(self) -> Path:
        return self.home / "log"

    @property
    def log(self) -> Path:
        return self.log_dir / "server.log"

    @property
    def state(self) -> Path:
        return self.home / "server.json"

    @property
    def password(self) -> Path:
        return self.home / "root-password"

    @property
    def lock(self) -> Path:
        return self.home / "server.lock"


@dataclass(frozen=True)
class ServerState:
    pid: int
    bolt_port: int
    http_port: int
    database: str
    started_at: float

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"


def paths(settings: Settings) -> Paths:
    return Paths(settings.home_path)


def root_password(settings: Settings, create: bool = False) -> str:
    """The generated root password (file mode 0600); created on first start."""
    p = paths(settings).password
    if p.exists():
        return p.read_text("utf-8").strip()
    if not create:
        raise DatabaseUnavailable(f"the embedded server has never been started under {p.parent}")
    p.parent.mkdir(parents=True, exist_ok=True)
    pw = secrets.token_urlsafe(24)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(pw)
    return pw


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child (started by this very process and exited) still answers kill(0).
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def _port_open(port: int, timeout: float = 0.5) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=timeout):
        return True
    return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_state(settings: Settings) -> ServerState | None:
    return _read_state_file(paths(settings))


def _read_state_file(p: Paths) -> ServerState | None:
    try:
        return ServerState(**json.loads(p.state.read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def status(settings: Settings) -> ServerState | None:
    """The running server, or None. A stale state file (dead pid) is removed."""
    state = read_state(settings)
    if state is None:
        return None
    if not _pid_alive(state.pid):
        with contextlib.suppress(OSError):
            paths(settings).state.unlink()
        return None
    return state if _port_open(state.bolt_port) else None


def log_tail(settings: Settings, lines: int = 25) -> str:
    try:
        text = paths(settings).log.read_text("utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def _locked(settings: Settings):
    p = paths(settings)
    p.home.mkdir(parents=True, exist_ok=True)
    with open(p.lock, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def start(settings: Settings) -> ServerState:
    """Start the server if it is not running, and wait until Bolt answers. Idempotent."""
    with _locked(settings):
        state = status(settings)
        if state is not None:
            return state
        p = paths(settings)
        for d in (p.data, p.log_dir):
            d.mkdir(parents=True, exist_ok=True)
        root_password(settings, create=True)
        cmd = [
            sys.executable, "-m", "graph.embedded_server",
            "--home", str(p.home),
            "--bolt-port", str(settings.embedded_bolt_port or _free_port()),
            "--http-port", str(settings.embedded_http_port or _free_port()),
            "--heap", settings.embedded_heap,
            "--command-timeout-ms", str(command_timeout_ms(settings)),
            "--database", settings.database_name or "chengxin",
        ]
        with open(p.log, "ab") as log:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, cwd=p.log_dir, env=_child_env(),
            )
        _launched.append(proc)
        deadline = time.monotonic() + settings.start_timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                _launched.remove(proc)
                raise DatabaseUnavailable(
                    f"the embedded database exited during start (code {proc.returncode}); "
                    f"log {p.log}:\n{log_tail(settings)}"
                )
            state = read_state(settings)
            if state is not None and state.pid == proc.pid and _port_open(state.bolt_port):
                return state
            time.sleep(0.25)
        _terminate(proc.pid, grace=5)
        raise DatabaseUnavailable(
            f"the embedded database did not answer on Bolt within {settings.start_timeout:.0f} s "
            f"(setting CHENGXIN_START_TIMEOUT); log {p.log}:\n{log_tail(settings)}"
        )


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The server must import this package the same way the caller did.
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    return env


def _terminate(pid: int, grace: float) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _pid_alive(pid):
        time.sleep(0.1)
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for proc in [p for p in _launched if p.pid == pid]:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        _launched.remove(proc)


def stop(settings: Settings, grace: float = 30.0) -> bool:
    """Stop the server cleanly (SIGTERM, then SIGKILL after ``grace`` s). True if one was running."""
    with _locked(settings):
        state = read_state(settings)
        if state is None or not _pid_alive(state.pid):
            with contextlib.suppress(OSError):
                paths(settings).state.unlink()
            return False
        _terminate(state.pid, grace)
        with contextlib.suppress(OSError):
            paths(settings).state.unlink()
        return True
