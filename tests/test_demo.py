"""The README's main job, ``chengxin demo``, end to end in a process of its own: it starts the embedded
database, loads the demo graph into an empty home, serves it, and a SIGTERM (``kill``, a service manager)
stops the app and the database it started, as Ctrl-C does."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

from chengxin.graph import embedded
from chengxin.graph.settings import Settings

embedded_only = pytest.mark.skipif(bool(os.environ.get("CHENGXIN_URI")), reason="the demo starts the embedded server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except OSError:
        return 0, b""


@embedded_only
def test_the_demo_serves_the_sample_and_a_sigterm_stops_its_database(tmp_path):
    home, port = tmp_path / "home", _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")} | {"CHENGXIN_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-c", "from chengxin.cli import main; main()", "demo", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 600
        status = 0
        while status != 200:
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "the demo did not answer within 10 minutes"
            time.sleep(1)
            status, _ = _get(f"http://127.0.0.1:{port}/")
        _, body = _get(f"http://127.0.0.1:{port}/api/")
        labels = json.loads(body)["stats"]["labels"]
        assert labels["Enterprise"] > 300 and labels["Permit"] > 100  # the sample, with a project's life
        server = json.loads((home / "server.json").read_text("utf-8"))["pid"]
        assert psutil.pid_exists(server)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        leftover = embedded.status(Settings(home=home))
        if leftover is not None:  # a failing test leaves no server behind
            embedded.stop(Settings(home=home))
    assert proc.returncode == 0, out
    assert "stopping the embedded database this demo started" in out and "stopped." in out
    gone = time.monotonic() + 30
    while psutil.pid_exists(server) and psutil.Process(server).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < gone, "the demo's database outlived it"
        time.sleep(0.2)
    assert not (home / "server.json").exists() and leftover is None
