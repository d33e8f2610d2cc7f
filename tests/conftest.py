"""Fixture strategy (yente's habit: say it first).

One real database for the whole run: the embedded ArcadeDB server started under a temporary
home (or, when CHENGXIN_URI is set, that Neo4j 5 server, so the same tests run there too). It is
wiped once and loaded once with the bundled sample plus a small "edge" folder written here:
hostile names, an ID-card person id, references to missing ids; and the planted red-flag cases
of ``chengxin sample --plant`` (their own island of ids, listed in the ``plant_manifest`` fixture). Tests that write use ids of
their own (prefix ZZ/TEST) and never rely on the graph staying untouched by others except for
the sample's counts, which no test changes. Flask fixtures ``app`` and ``client`` come from
``create_app`` with those settings; the browser tests serve the same app on a free local port.
"""

from __future__ import annotations

import csv
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from chengxin.graph import embedded
from chengxin.graph.db import Graph, connect
from chengxin.graph.schema import ensure_schema
from chengxin.graph.settings import Settings
from chengxin.loaders.ids import uscc_check_char
from chengxin.loaders.plant import plant

SAMPLE = Path(__file__).resolve().parent.parent / "chengxin" / "sample"


def make_uscc(body: str) -> str:
    first = ("91360100" + body)[:17]
    return first + uscc_check_char(first)


HOSTILE_USCC = make_uscc("MA0X55001")
HOSTILE_NAME = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">恶意建设有限公司'
ID_PERSON = "360102199001010237"  # an ID-card number (valid check digit) used as a person id
STUB_USCC = make_uscc("MA0TUB001")


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def edge_folder(root: Path) -> Path:
    d = root / "edge"
    write_csv(d / "enterprises.csv", [
        {"uscc": HOSTILE_USCC, "name": HOSTILE_NAME, "type": "施工", "legal_rep_id": ID_PERSON,
         "legal_rep_name": "<b>赵某</b>", "region_code": "360100", "phone": "0791-88888888"},
    ])
    write_csv(d / "persons.csv", [
        {"person_id": ID_PERSON, "name": "赵某某", "gender": "男", "id_number": ID_PERSON},
    ])
    write_csv(d / "participations.csv", [
        {"project_code": "TEST-STUB-PROJECT", "uscc": STUB_USCC, "role": "施工总承包"},
    ])
    write_csv(d / "penalties.csv", [
        {"penalty_id": "测试罚字〔2026〕1号", "subject_type": "enterprise", "subject_id": HOSTILE_USCC,
         "measure": "暂停投标资格", "authority": "<i>测试</i>住房和城乡建设局", "decision_date": "2026-01-01",
         "valid_until": "2099-12-31", "description": "<script>window.__xss=3</script>串通投标"},
    ])
    return d


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    home = tmp_path_factory.mktemp("chengxin-home")
    return Settings(home=home, uri=os.environ.get("CHENGXIN_URI") or None, start_timeout=180)


@dataclass(frozen=True)
class Loaded:
    """The session's graph and what loading it reported, kept beside the graph, not on it."""

    graph: Graph
    sample_report: object
    edge_report: object
    plant_manifest: dict  # the planted red-flag cases and their look-alikes (loaders/plant.py)
    plant_report: object


@pytest.fixture(scope="session")
def loaded(settings, tmp_path_factory):
    from chengxin.loaders.ingest import load_folder

    g = connect(settings)
    ensure_schema(g)
    g.run("MATCH (n) DETACH DELETE n", write=True)
    sample_report = load_folder(g, SAMPLE, progress=False)
    edge_report = load_folder(g, edge_folder(tmp_path_factory.mktemp("edge")), progress=False)
    planted = tmp_path_factory.mktemp("planted")
    manifest = plant(planted)
    plant_report = load_folder(g, planted, progress=False)
    yield Loaded(g, sample_report, edge_report, manifest, plant_report)
    g.close()
    if settings.embedded:
        embedded.stop(settings)


@pytest.fixture(scope="session")
def graph(loaded):
    return loaded.graph


@pytest.fixture(scope="session")
def sample_report(loaded):
    """The load report of the bundled sample."""
    return loaded.sample_report


@pytest.fixture(scope="session")
def plant_manifest(loaded):
    """``planted.json``: the planted red-flag cases (their own island of ids) and their look-alikes."""
    return loaded.plant_manifest


@pytest.fixture(scope="session")
def read_console(settings):
    """The analysts' console as the app owns one (graph.console.Console): its own read-only driver,
    workers and admission slots, shared by the tests that run console queries directly."""
    from chengxin.graph.console import Console

    with Console(settings) as c:
        yield c


@pytest.fixture()
def flag_runs(settings, tmp_path):
    """A fresh red-flag run cache (graph.flags.FlagRuns), as the app or a command owns one, storing
    its run in a file of its own (not the session home's, which the app's run uses)."""
    from chengxin.graph.flags import FlagRuns

    return FlagRuns(settings, store=tmp_path / "flag-run.json")


@pytest.fixture(scope="session")
def app(settings, graph):
    from chengxin.web import create_app

    application = create_app(settings, graph=graph)
    application.testing = True
    # Pages read the stored red-flag run and never wait for one: make it once, as `chengxin flags --run` does.
    application.extensions["chengxin"]["flag_runs"].detect_all(graph, wait=True)
    return application


@pytest.fixture()
def client(app):
    return app.test_client()


def sample_rows(table: str) -> list[dict]:
    with open(SAMPLE / f"{table}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture()
def cli(settings, monkeypatch):
    """``cli(*args)`` runs the ``chengxin`` command against the session's database."""
    from click.testing import CliRunner

    from chengxin.cli import main
    from chengxin.graph.settings import get_settings

    monkeypatch.setenv("CHENGXIN_HOME", str(settings.home))
    if settings.uri:
        monkeypatch.setenv("CHENGXIN_URI", settings.uri)
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(main, list(args))
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def base_url(app):
    """The app on a free loopback port (Werkzeug in a thread), for the browser tests."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def start_chromium(user_data_dir, *, browser_log: bool = False):
    """Debian's headless Chromium through its chromedriver (no browser download); the flags keep
    it off the network this machine does not have."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,1000", f"--user-data-dir={user_data_dir}"):
        opts.add_argument(flag)
    if browser_log:
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)
    driver.set_page_load_timeout(30)
    return driver
