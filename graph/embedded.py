"""The zero-setup default: an ArcadeDB server (PyPI ``arcadedb-embedded``) speaking Bolt on loopback.

The JVM lives in the process that starts it, so the server runs as its own detached process
(``python -m graph.embedded_server``, the server program) and every other part of chengxin talks Bolt to it with the
neo4j driver. Everything ArcadeDB-specific that cannot go through Bolt lives here: creating
the database, and its full-text indexes (made with ArcadeDB SQL, queried with Neo4j's
``db.index.fulltext.queryNodes``).

Files under the home folder::

    data/            ArcadeDB's root (databases, config, users)
    log/server.log   the server process's output (the JVM writes arcadedb.log.* beside it)
    server.json      pid, ports and database of the running server (removed on clean stop; left
                     behind by a crash, which is how :func:`crashed` tells the two apart)
    ports.json       the Bolt and HTTP ports picked on first start, reused by every later start so
                     a restarted server comes back where its clients look for it
    root-password    generated on first start, mode 0600, never logged

The folder itself is made private (0700) on start: it holds the root password and the data.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import random
import re
import secrets
import signal
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from .errors import DatabaseUnavailable
from .settings import Settings

CJK_ANALYZER = "org.apache.lucene.analysis.cjk.CJKAnalyzer"
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"

log = logging.getLogger("chengxin.embedded")

# What chengxin itself keeps in its home folder; a folder holding only these is tightened to 0700.
_HOME_NAMES = {
    "data", "log", "loads", "planted", "server.json", "server.tmp", "server.lock", "ports.json", "ports.tmp",
    "root-password", "console-password", "id-salt",
}
# Ports picked on first start come from below Linux's ephemeral range (32768-60999 by default), so
# an outgoing connection's local port cannot take a kept port while the server is down.
_PICK_RANGE = (20000, 32767)

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

    @property
    def ports(self) -> Path:
        return self.home / "ports.json"


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
        # A zombie child (started by this very process and exited) still exists until reaped.
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:  # ZombieProcess included
        return False
    except psutil.AccessDenied:
        return True


def _port_open(port: int, timeout: float = 0.5) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=timeout):
        return True
    return False


def _free_port(avoid: frozenset[int] = frozenset()) -> int:
    """A free loopback port, preferably outside the ephemeral range (see ``_PICK_RANGE``)."""
    for port in random.sample(range(*_PICK_RANGE), 50):
        if port not in avoid and _port_free(port):
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command_timeout_ms(settings: Settings) -> int:
    """The embedded server's deadline for any one command: the analysts' query time limit
    (ArcadeDB's only deadline that Bolt queries obey; see graph.backend)."""
    return max(1000, int(settings.query_timeout * 1000))


def _port_free(port: int) -> bool:
    """Whether a server could listen on loopback ``port`` now. SO_REUSEADDR as the JVM sets it:
    connections of a killed server left in TIME_WAIT do not count, another listener does."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_for_old_connections(port: int, limit: float) -> bool:
    """After a crash, the killed server's connections can hold its port for a while (until their
    clients close them, at most the kernel's FIN timeout, 60 s) although nobody listens on it: wait
    for them, up to ``limit`` seconds. A port another process listens on is not waited for."""
    deadline = time.monotonic() + limit
    logged = False
    while time.monotonic() < deadline:
        if _holder(port) or _port_open(port):
            return False
        if not logged:
            log.warning("port %s is still held by the connections of a server that stopped; waiting for them to close", port)
            logged = True
        time.sleep(0.5)
        if _port_free(port):
            return True
    return False


def _holder(port: int) -> str:
    """Who listens on ``port``, when this user may see it: ' (pid N, name)'."""
    with contextlib.suppress(psutil.Error, OSError):
        for c in psutil.net_connections(kind="tcp"):
            if c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN and c.pid:
                with contextlib.suppress(psutil.Error):
                    return f" (pid {c.pid}, {' '.join(psutil.Process(c.pid).cmdline()[:3]) or '?'})"
                return f" (pid {c.pid})"
    return ""


def kept_ports(settings: Settings) -> dict[str, int]:
    """The ports picked on first start (``HOME/ports.json``): ``{"bolt_port": …, "http_port": …}``."""
    try:
        data = json.loads(paths(settings).ports.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if k in ("bolt_port", "http_port") and isinstance(v, int) and 0 < v < 65536}


def _ports(settings: Settings) -> tuple[int, int]:
    """The Bolt and HTTP ports for a start: an explicit setting, else the kept port, else a free one
    (then kept). A port that another process holds is an error naming it and the setting to change;
    a kept port is never silently moved, since clients (a serving app, a load) look for it there."""
    p = paths(settings)
    kept = kept_ports(settings)
    chosen, picked = {}, {}
    for key, setting in (("bolt_port", settings.embedded_bolt_port), ("http_port", settings.embedded_http_port)):
        env = f"CHENGXIN_EMBEDDED_{key.split('_')[0].upper()}_PORT"
        what = f"the embedded server's {'Bolt' if key == 'bolt_port' else 'HTTP'} port"
        if setting:
            port, where = setting, f"set by {env}"
        elif key in kept:
            port, where = kept[key], f"kept in {p.ports} since the first start"
        else:
            chosen[key] = picked[key] = _free_port(frozenset(chosen.values()) | frozenset(kept.values()))
            continue
        if not _port_free(port) and not _wait_for_old_connections(port, settings.start_timeout):
            fix = f"set {env} to a free port" if setting else (
                f"set {env} to another port, or delete {p.ports} to let chengxin pick new ones")
            raise DatabaseUnavailable(
                f"port {port} ({what}, {where}) is in use by another process{_holder(port)}: stop that process, or {fix}"
            )
        chosen[key] = port
    if picked:
        tmp = p.home / "ports.tmp"
        tmp.write_text(json.dumps({**kept, **picked}), "utf-8")
        tmp.replace(p.ports)
    return chosen["bolt_port"], chosen["http_port"]


def _private_home(p: Paths) -> None:
    """Make the home folder (mode 0700), or tighten one that holds only chengxin's own files."""
    made = not p.home.exists()
    p.home.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = stat.S_IMODE(p.home.stat().st_mode)
    if not mode & 0o077:
        return
    if made or set(os.listdir(p.home)) <= _HOME_NAMES:
        os.chmod(p.home, 0o700)
    else:
        log.warning("chengxin home %s is readable by others (mode %o) and holds files that are not chengxin's; "
                    "it keeps the root password and the data: chmod 700 it", p.home, mode)


def read_state(settings: Settings) -> ServerState | None:
    return _read_state_file(paths(settings))


def _read_state_file(p: Paths) -> ServerState | None:
    try:
        return ServerState(**json.loads(p.state.read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def status(settings: Settings) -> ServerState | None:
    """The running server (its pid alive, Bolt answering), or None. A state file left by a crash
    stays until the next start or stop, so :func:`crashed` can still tell."""
    state = read_state(settings)
    if state is None or not _pid_alive(state.pid):
        return None
    return state if _port_open(state.bolt_port) else None


def crashed(settings: Settings) -> ServerState | None:
    """The last state of a server that died without a clean stop (``kill -9``, out of memory):
    its state file is still there and its pid is gone. None if it is running or was stopped."""
    state = read_state(settings)
    return state if state is not None and not _pid_alive(state.pid) else None


def log_tail(settings: Settings, lines: int = 25) -> str:
    try:
        text = paths(settings).log.read_text("utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def _locked(settings: Settings):
    """One start or stop at a time, across processes (a serving app restarting a crashed server,
    a load, ``chengxin db start``)."""
    p = paths(settings)
    _private_home(p)
    with open(p.lock, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


_SIZE = re.compile(r"^\s*(\d+)\s*([kmgt]?)b?\s*$", re.IGNORECASE)
_UNIT_MB = {"k": 1 / 1024, "": 1 / 1024 ** 2, "m": 1, "g": 1024, "t": 1024 ** 2}


def _mb(size: str) -> int | None:
    """``"6g"`` → 6144; None when it is not a size (the JVM is then left to say so)."""
    m = _SIZE.match(size or "")
    return int(int(m.group(1)) * _UNIT_MB[m.group(2).lower()]) if m else None


def heap_size(settings: Settings) -> str:
    """The embedded server's heap: ``embedded_heap``, or with ``auto`` a quarter of the machine's
    memory between 1 GB and 8 GB (6 GB on a 24 GB machine)."""
    if settings.embedded_heap.strip().lower() != "auto":
        return settings.embedded_heap
    quarter = psutil.virtual_memory().total // 4 // 1024 ** 2
    return f"{max(1024, min(8192, quarter))}m"


def page_cache_mb(settings: Settings) -> int:
    """ArcadeDB's page cache (``arcadedb.maxPageRAM``, MB, inside the heap): ``embedded_page_cache``,
    or with ``auto`` half the heap; 0 (ArcadeDB's default) when the heap is not a size."""
    if settings.embedded_page_cache.strip().lower() != "auto":
        return _mb(settings.embedded_page_cache) or 0
    heap = _mb(heap_size(settings))
    return heap // 2 if heap else 0


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
        bolt_port, http_port = _ports(settings)
        cmd = [
            sys.executable, "-m", "chengxin.graph.embedded_server",
            "--home", str(p.home),
            "--bolt-port", str(bolt_port),
            "--http-port", str(http_port),
            "--heap", heap_size(settings),
            "--page-cache-mb", str(page_cache_mb(settings)),
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
