"""The embedded database restarting under chengxin: kept ports, a serving app and a load that carry on.

These tests kill and restart a server, so they run one of their own under a fresh home (never the
session's shared server of ``conftest.py``, which other tests use at the same time). One server per
module, started and stopped by the tests in order; the fixture stops whatever is left.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path

import psutil
import pytest

from chengxin.graph import embedded
from chengxin.graph.db import connect
from chengxin.graph.errors import DatabaseUnavailable, LoadAborted
from chengxin.graph.schema import ensure_schema
from chengxin.graph.settings import Settings

from .conftest import SAMPLE

embedded_only = pytest.mark.skipif(bool(os.environ.get("CHENGXIN_URI")), reason="embedded server only")
USCC = "TEST-RESTART-0001"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    s = Settings(home=tmp_path_factory.mktemp("restart") / "home", start_timeout=180)
    yield s
    embedded.stop(s)


def kill9(s: Settings) -> int:
    """``kill -9`` the server and wait until it is gone (a zombie counts as gone)."""
    state = embedded.status(s)
    assert state is not None
    os.kill(state.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while embedded._pid_alive(state.pid):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return state.pid


def up(s: Settings) -> embedded.ServerState:
    """The module's server running, with the one firm the tests read (each test stands alone)."""
    state = embedded.start(s)
    with connect(s, start=False) as g:
        ensure_schema(g)
        g.run("MERGE (e:Enterprise {uscc: $u}) SET e.name = '重启测试有限公司'", {"u": USCC}, write=True)
    return state


def wait_running(s: Settings, seconds: float = 180) -> embedded.ServerState:
    deadline = time.monotonic() + seconds
    while (state := embedded.status(s)) is None:
        assert time.monotonic() < deadline, embedded.log_tail(s)
        time.sleep(0.2)
    return state


# --- without a server -------------------------------------------------------------------------


def test_catalog_writes_are_merges_so_a_lost_batch_may_be_retried():
    """Graph.query retries a catalog write after a lost connection: each must be safe to run twice."""
    root = Path(__file__).resolve().parent.parent / "cypher"
    for f in root.glob("*.cypher"):
        text = f.read_text("utf-8")
        if re.search(r"^//\s*mode:\s*write", text, re.M):
            body = re.sub(r"//.*", "", text)
            bare = re.findall(r"(?<!ON )\bCREATE\b(?! (INDEX|CONSTRAINT))", body, re.I)
            assert not bare, f"{f.name}: a bare CREATE in a catalog write (not safe to retry)"


def test_a_zombie_server_counts_as_dead():
    child = subprocess.Popen(["true"])
    deadline = time.monotonic() + 10
    while psutil.Process(child.pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert embedded._pid_alive(child.pid) is False
    child.wait()
    assert embedded._pid_alive(os.getpid()) is True


def test_the_home_folder_is_private(tmp_path):
    fresh = Settings(home=tmp_path / "a" / "home")
    embedded.stop(fresh)  # any start or stop makes the home (under its lock)
    assert stat.S_IMODE(fresh.home_path.stat().st_mode) == 0o700
    # An existing home that holds only chengxin's files is tightened…
    old = tmp_path / "b"
    old.mkdir(mode=0o755)
    os.chmod(old, 0o755)
    (old / "id-salt").write_text("x")
    embedded.stop(Settings(home=old))
    assert stat.S_IMODE(old.stat().st_mode) == 0o700
    # …a folder with other things in it is left alone (it is someone's, not ours).
    shared = tmp_path / "c"
    shared.mkdir()
    os.chmod(shared, 0o755)
    (shared / "notes.txt").write_text("x")
    embedded.stop(Settings(home=shared))
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755


def test_a_kept_port_taken_by_another_process_is_an_error_naming_it(tmp_path):
    s = Settings(home=tmp_path / "home", start_timeout=30)
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        s.home_path.mkdir(parents=True)
        (s.home_path / "ports.json").write_text(f'{{"bolt_port": {port}, "http_port": {port + 1}}}')
        with pytest.raises(DatabaseUnavailable) as e:
            embedded.start(s)
        assert f"port {port}" in e.value.detail and "CHENGXIN_EMBEDDED_BOLT_PORT" in e.value.detail
        assert "ports.json" in e.value.detail
        explicit = Settings(home=tmp_path / "home2", embedded_bolt_port=port)
        with pytest.raises(DatabaseUnavailable) as e:
            embedded.start(explicit)
        assert f"port {port}" in e.value.detail and "set by CHENGXIN_EMBEDDED_BOLT_PORT" in e.value.detail
    assert embedded.status(s) is None


# --- one server of the module's own, killed and restarted -------------------------------------


@embedded_only
def test_ports_are_kept_across_stop_and_start(home):
    first = up(home)
    assert stat.S_IMODE(home.home_path.stat().st_mode) == 0o700
    kept = embedded.kept_ports(home)
    assert kept == {"bolt_port": first.bolt_port, "http_port": first.http_port}
    assert embedded.stop(home) is True
    assert not (home.home_path / "server.json").exists() and (home.home_path / "ports.json").exists()
    again = embedded.start(home)
    assert (again.bolt_port, again.http_port) == (first.bolt_port, first.http_port) and again.pid != first.pid


@embedded_only
def test_kill_9_then_start_comes_back_on_the_same_port_and_a_graph_carries_on(home):
    before = up(home)
    g = connect(home, start=False)  # made before the kill; no automatic restart
    try:
        name = "MATCH (e:Enterprise {uscc: $u}) RETURN e.name AS n"
        assert g.run(name, {"u": USCC}) == [{"n": "重启测试有限公司"}]
        pid = kill9(home)
        assert embedded.crashed(home).pid == pid and embedded.status(home) is None
        t = time.monotonic()
        with pytest.raises(DatabaseUnavailable) as e:
            g.pages().run("RETURN 1 AS x")
        assert time.monotonic() - t < 3
        assert "stopped unexpectedly" in e.value.detail and "chengxin db start" in e.value.detail
        after = embedded.start(home)
        assert after.bolt_port == before.bolt_port and after.pid != pid
        assert g.run(name, {"u": USCC}) == [{"n": "重启测试有限公司"}]  # the first query after the restart
        assert g.pages().run("RETURN 1 AS x") == [{"x": 1}]
    finally:
        g.close()


@embedded_only
def test_a_graph_follows_the_server_to_a_new_port(home):
    """Someone deleted ports.json: the server comes back elsewhere and the graph finds it."""
    embedded.start(home)
    g = connect(home, start=False)
    try:
        old = embedded.status(home).bolt_port
        embedded.stop(home)
        (home.home_path / "ports.json").unlink()
        new = embedded.start(home)
        assert new.bolt_port != old
        assert g.pages().run("RETURN 1 AS x") == [{"x": 1}]
        assert g.driver is g.pages().driver
    finally:
        g.close()


def _client(home):
    from chengxin.web import create_app

    app = create_app(home)  # no graph passed: the app connects itself
    app.testing = True
    return app.test_client()


def _get(client, path="/api/"):
    t = time.monotonic()
    r = client.get(path)
    return r, time.monotonic() - t


@embedded_only
def test_a_serving_app_answers_503_at_once_and_recovers_when_the_database_is_back(home):
    up(home)
    client = _client(home)
    r, _ = _get(client)
    assert r.status_code == 200 and r.get_json()["stats"]["labels"].get("Enterprise", 0) >= 1

    # kill -9: the page says so at once; the app starts the crashed server again in the background.
    killed = time.monotonic()
    kill9(home)
    r, took = _get(client)
    assert r.status_code == 503 and took < 3, (took, r.get_json())
    assert "starting it again" in r.get_json()["error"]
    print(f"\n503 while the database is down: {took * 1000:.0f} ms")
    wait_running(home)
    r, took = _get(client)
    assert r.status_code == 200, r.get_json()
    print(f"first request after the database answers: 200 in {took * 1000:.0f} ms, "
          f"{time.monotonic() - killed:.1f} s after the kill")
    assert embedded.start(home).bolt_port == embedded.kept_ports(home)["bolt_port"]

    # A clean stop is respected: no automatic start; the page says how to start it.
    embedded.stop(home)
    r, took = _get(client)
    assert r.status_code == 503 and took < 3 and "chengxin db start" in r.get_json()["error"]
    time.sleep(1)
    assert embedded.status(home) is None
    embedded.start(home)  # as `chengxin db start` would
    r, took = _get(client)
    assert r.status_code == 200, r.get_json()
    print(f"after a stop and start: 200 in {took * 1000:.0f} ms")


def _counts(g) -> dict:
    from chengxin.graph import queries

    return queries.stats(g)


def _wipe(g) -> None:
    g.run("MATCH (n) DETACH DELETE n", write=True)


def _kill_before_batch(g, s: Settings, n: int, restart_after: float | None):
    """Hook ``g.query``: just before the ``n``-th write batch, kill -9 the server (and start it
    again ``restart_after`` s later, from another thread, as an operator would)."""
    real, calls, events = g.query, [0], {}

    def query(name, /, labels=None, **params):
        if name.startswith("load_"):
            calls[0] += 1
            if calls[0] == n:
                events["killed"] = time.monotonic()
                kill9(s)
                if restart_after is not None:
                    def later():
                        time.sleep(restart_after)
                        embedded.start(s)
                        events["back"] = time.monotonic()
                    threading.Thread(target=later, daemon=True).start()
        return real(name, labels=labels, **params)

    g.query = query
    return events


@embedded_only
def test_a_load_waits_for_the_database_and_completes(home):
    from chengxin.loaders.ingest import load_folder

    embedded.start(home)
    g = connect(home, start=False)  # no automatic restart: the load must wait for someone to start it
    try:
        ensure_schema(g)
        _wipe(g)
        t = time.monotonic()
        # The MERGE path: its batches are retried after a lost connection (a bulk batch is not, by design:
        # tests/test_bulk.py), and this test is about the retry.
        clean = load_folder(g, SAMPLE, progress=False, mode="merge")
        print(f"\nclean load of the sample: {time.monotonic() - t:.1f} s")
        expected = _counts(g)
        _wipe(g)

        events = _kill_before_batch(g, home, n=4, restart_after=3.0)
        t = time.monotonic()
        report = load_folder(g, SAMPLE, progress=False, mode="merge")
        assert "back" in events, "the load did not wait for the restart"
        print(f"load with a kill -9 before its 4th batch and a start 3 s later: {time.monotonic() - t:.1f} s "
              f"(the server answered again {events['back'] - events['killed']:.1f} s after the kill)")
        del g.query
        assert [(r.table, r.read, r.loaded, r.rejected) for r in report.tables] == \
               [(r.table, r.read, r.loaded, r.rejected) for r in clean.tables]
        assert _counts(g) == expected

        # Nobody starts it: the load stops after the wait with a clear message.
        g.reconnect_wait = 2.0
        _kill_before_batch(g, home, n=2, restart_after=None)
        t = time.monotonic()
        with pytest.raises((DatabaseUnavailable, LoadAborted)) as e:  # the loader may add what it wrote
            load_folder(g, SAMPLE, progress=False, mode="merge")
        assert 2 <= time.monotonic() - t < 15
        detail = e.value.detail
        assert "within 2 s (CHENGXIN_RECONNECT_WAIT)" in detail and "re-running the load is safe" in detail
        assert re.search(r"load_\w+ \(a batch of [\d,]+ rows\)", detail), detail
    finally:
        g.__dict__.pop("query", None)
        g.close()
