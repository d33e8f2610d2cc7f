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


@pytest.mark.skipif(bool(os.environ.get("CHENGXIN_URI")), reason="embedded server only")
def test_a_failed_start_says_why_with_the_log(tmp_path):
    s = Settings(home=tmp_path / "home", embedded_heap="not-a-size", start_timeout=60)
    with pytest.raises(DatabaseUnavailable) as e:
        embedded.start(s)
    assert "server.log" in e.value.detail
