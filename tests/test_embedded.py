"""The embedded server's life cycle, on a home of its own: start (idempotent), stop, restart
keeping data, status, and a clear error when it cannot start."""

import os

import pytest

from chengxin.graph import embedded
from chengxin.graph.db import connect
from chengxin.graph.errors import DatabaseUnavailable
from chengxin.graph.settings import Settings


@pytest.mark.skipif(bool(os.environ.get("CHENGXIN_URI")), reason="embedded server only: CHENGXIN_URI targets Neo4j")
def test_start_stop_restart_keeps_data(tmp_path):
    s = Settings(home=tmp_path / "home", start_timeout=180)
    assert embedded.status(s) is None
    first = embedded.start(s)
    assert embedded.start(s) == first  # idempotent
    cmd = embedded.psutil.Process(first.pid).cmdline()
    assert cmd[cmd.index("--page-cache-mb") + 1] == str(embedded.page_cache_mb(s)) != "0"
    pw = tmp_path / "home" / "root-password"
    assert oct(pw.stat().st_mode & 0o777) == "0o600"
    try:
        with connect(s) as g:
            g.run("CREATE (:Authority {name: 'TEST-重启后仍在'})", write=True)
        assert embedded.stop(s) is True
        assert embedded.status(s) is None and not (tmp_path / "home" / "server.json").exists()
        assert embedded.stop(s) is False
        with connect(s) as g:  # starts on demand
            assert g.run("MATCH (a:Authority {name: 'TEST-重启后仍在'}) RETURN count(a) AS c")[0]["c"] == 1
        log = (tmp_path / "home" / "log" / "server.log").read_text()
        assert pw.read_text().strip() not in log  # the password is never logged
    finally:
        embedded.stop(s)


def test_the_heap_and_page_cache_follow_the_machine_unless_set(monkeypatch, tmp_path):
    class Memory:
        total = 24 * 1024 ** 3

    monkeypatch.setattr(embedded.psutil, "virtual_memory", lambda: Memory)
    s = Settings(home=tmp_path / "home")
    assert (embedded.heap_size(s), embedded.page_cache_mb(s)) == ("6144m", 3072)  # a quarter, half of it
    Memory.total = 2 * 1024 ** 3
    assert (embedded.heap_size(s), embedded.page_cache_mb(s)) == ("1024m", 512)  # never under 1 GB
    Memory.total = 256 * 1024 ** 3
    assert embedded.heap_size(s) == "8192m"  # nor over 8 GB
    s = Settings(home=tmp_path / "home", embedded_heap="3g", embedded_page_cache="1200m")
    assert (embedded.heap_size(s), embedded.page_cache_mb(s)) == ("3g", 1200)
    assert embedded.page_cache_mb(Settings(home=tmp_path / "h", embedded_heap="3g")) == 1536
    assert embedded.page_cache_mb(Settings(home=tmp_path / "h", embedded_heap="not-a-size")) == 0  # the JVM says why


@pytest.mark.skipif(bool(os.environ.get("CHENGXIN_URI")), reason="embedded server only")
def test_a_failed_start_says_why_with_the_log(tmp_path):
    s = Settings(home=tmp_path / "home", embedded_heap="not-a-size", start_timeout=60)
    with pytest.raises(DatabaseUnavailable) as e:
        embedded.start(s)
    assert "server.log" in e.value.detail
