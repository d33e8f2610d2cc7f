"""Schema set-up, and the backend differences pinned where they live."""

import ast
import os
import re
from pathlib import Path

import neo4j
import pytest
from pydantic import SecretStr

from chengxin.graph import backend as backends
from chengxin.graph.backend import ArcadeDBBackend, Backend, Lost, Neo4jBackend, NotManaged, backend_for
from chengxin.graph.errors import DatabaseUnavailable
from chengxin.graph.model import get_model
from chengxin.graph.settings import Settings
from chengxin.graph.schema import ensure_schema, fulltext_statements, show_indexes


def test_schema_setup_is_idempotent(graph):
    first = ensure_schema(graph)
    second = ensure_schema(graph)
    assert first == second > 0
    names = {i["name"] for i in show_indexes(graph)}
    for spec in get_model().search_labels():
        assert spec.fulltext_index in names
    types = {i["name"]: i["type"] for i in show_indexes(graph)}
    assert types["Enterprise[name]"] == "FULLTEXT"


def test_uniqueness_is_enforced(graph):
    from chengxin.graph.errors import ChengxinError

    graph.run("MERGE (:Authority {name: 'TEST-唯一'})", write=True)
    try:
        graph.run("CREATE (:Authority {name: 'TEST-唯一'})", write=True)
        raised = False
    except ChengxinError:
        raised = True
    count = graph.run("MATCH (a:Authority {name: 'TEST-唯一'}) RETURN count(a) AS c")[0]["c"]
    graph.run("MATCH (a:Authority {name: 'TEST-唯一'}) DETACH DELETE a", write=True)
    assert raised and count == 1


def test_fulltext_index_is_created_per_backend(graph):
    statements = fulltext_statements(graph.backend)
    if graph.backend.name == "embedded":
        assert statements == []  # made with ArcadeDB SQL by graph.embedded.ensure_fulltext
    else:
        assert all("fulltext.analyzer`: 'cjk'" in s for s in statements)


def test_nested_map_projection_quirk_is_avoided(graph):
    """ArcadeDB flattens a map projection nested in a map literal ({t: .., m: m{.*}} -> m's
    properties). Page queries use x{.*, extra: ..} or properties(); this pins the safe form."""
    rows = graph.run("MATCH (e:Enterprise)-[r:HOLDS]->(q) WITH e, r, q LIMIT 1 "
                     "RETURN collect(q{.*, holder: e.uscc}) AS safe, {t: type(r), m: properties(q)} AS literal")
    assert "holder" in rows[0]["safe"][0] and rows[0]["literal"]["t"] == "HOLDS"


# --- the backend interface (graph.backend): each method of both implementations -------------------

embedded_only = pytest.mark.skipif(bool(os.environ.get("CHENGXIN_URI")),
                                   reason="embedded server only: CHENGXIN_URI targets Neo4j")


class FakeDriverError(Exception):
    """What the driver raises, as far as the backends look at it: a code and a message."""

    def __init__(self, code: str = "", message: str = ""):
        super().__init__(message)
        self.code, self.message = code, message


def neo4j_backend(**extra) -> Neo4jBackend:
    return Neo4jBackend(Settings(uri="neo4j://db.example:7687", user="neo", password=SecretStr("pw"), **extra))


def test_the_settings_choose_the_backend_once(tmp_path):
    neo = backend_for(Settings(home=tmp_path, uri="bolt://127.0.0.1:7687"))
    arcade = backend_for(Settings(home=tmp_path))
    assert isinstance(neo, Neo4jBackend) and isinstance(arcade, ArcadeDBBackend)
    assert isinstance(neo, Backend) and isinstance(arcade, Backend)  # both satisfy the protocol
    assert (neo.name, arcade.name) == ("neo4j", "embedded")


def test_neo4j_backend_where_and_how_it_connects():
    b = neo4j_backend(database="graphs")
    end = b.endpoint(start=True)  # nothing is started: the operator runs Neo4j
    assert (end.uri, end.auth, end.database) == ("neo4j://db.example:7687", ("neo", "pw"), "graphs")
    assert not end.local and not end.checked  # connect() verifies it
    assert neo4j_backend().endpoint(start=False).database is None  # the server's default database
    assert b.state_stamp() is None and b.running_uri() == "neo4j://db.example:7687"
    assert b.bolt_uri() == "neo4j://db.example:7687"


def test_neo4j_backend_has_nothing_to_start_or_stop():
    b = neo4j_backend()
    for action in (b.start, b.stop):
        with pytest.raises(NotManaged, match="external Neo4j"):
            action()
    assert b.running() is None
    ok, line = b.describe()
    assert ok and line == "external Neo4j at neo4j://db.example:7687 (embedded server not used)"


def test_neo4j_backend_after_a_lost_connection():
    b = neo4j_backend()
    assert b.lost(FakeDriverError(message="defunct connection"), broke=True) == Lost()  # try again at once
    refused = b.lost(FakeDriverError(message="Couldn't connect to db.example:7687"), broke=False)
    assert refused.uri is None and refused.crashed is None and "Couldn't connect" in refused.why


def test_neo4j_backend_query_guards():
    b = neo4j_backend()
    assert b.explain_tells_query_type() is True
    assert b.is_timeout(FakeDriverError("Neo.ClientError.Transaction.TransactionTimedOut"))
    assert b.is_timeout(FakeDriverError("Neo.TransientError.Transaction.Terminated"))
    assert not b.is_timeout(FakeDriverError("Neo.ClientError.Statement.SyntaxError", "Invalid input"))
    assert not b.is_timeout(FakeDriverError("", "arcadedb.command.timeout"))  # ArcadeDB's wording is not Neo4j's
    assert b.console_auth() is None  # no read user: the graph's own connection, READ mode and EXPLAIN
    reader = neo4j_backend(read_user="reader", read_password=SecretStr("rpw"))
    assert reader.console_auth() == ("reader", "rpw")
    assert b.result_columns(["a", "b"], ["x"]) == ["a", "b"] and b.result_columns([], ["x"]) == []


def test_neo4j_backend_makes_each_fulltext_index_with_cypher():
    statements = neo4j_backend().fulltext_statements()
    specs = get_model().search_labels()
    assert len(statements) == len(specs) > 0
    for spec, s in zip(specs, statements):
        assert s.startswith(f"CREATE FULLTEXT INDEX `{spec.fulltext_index}` IF NOT EXISTS")
        assert f"n.`{spec.name_prop}`" in s and "fulltext.analyzer`: 'cjk'" in s


def test_arcadedb_backend_pure_parts(tmp_path):
    b = ArcadeDBBackend(Settings(home=tmp_path / "never-started"))
    assert b.explain_tells_query_type() is False  # ArcadeDB reports every query as a write
    assert b.is_timeout(FakeDriverError("", "Timeout on command execution (arcadedb.command.timeout=5000)"))
    assert b.is_timeout(FakeDriverError("", "java.util.concurrent.TimeoutException"))
    assert b.is_timeout(FakeDriverError("Neo.ClientError.Transaction.TransactionTimedOut"))
    assert not b.is_timeout(FakeDriverError("", "Syntax error"))
    assert b.fulltext_statements() == []  # made in ArcadeDB SQL by the server program
    assert b.result_columns([], ["uscc", "name"]) == ["uscc", "name"]  # none named for an empty result
    assert b.result_columns(["a"], ["uscc"]) == ["a"]


@embedded_only
def test_arcadedb_backend_with_no_server_says_so(tmp_path):
    b = ArcadeDBBackend(Settings(home=tmp_path / "home"))
    assert b.running() is False and b.state_stamp() is None and b.running_uri() is None
    ok, line = b.describe()
    assert not ok and line.startswith("not running: `chengxin db start` starts it")
    assert b.stop() is False
    with pytest.raises(DatabaseUnavailable, match="not running"):
        b.endpoint(start=False)
    with pytest.raises(DatabaseUnavailable, match="not running"):
        b.bolt_uri()
    lost = b.lost(FakeDriverError(message="Couldn't connect"), broke=False)
    assert lost.uri is None and lost.crashed is None and "not running" in lost.why


@embedded_only
def test_arcadedb_backend_against_the_running_server(graph):
    b = graph.backend
    assert isinstance(b, ArcadeDBBackend)
    end = b.endpoint(start=False)
    assert end.local and end.checked and end.auth[0] == "root" and end.database == graph.database
    assert re.fullmatch(r"bolt://127\.0\.0\.1:\d+", end.uri)
    assert b.running() is True and b.running_uri() == end.uri == b.bolt_uri()
    assert isinstance(b.state_stamp(), int)
    state = b.start()  # idempotent: the running server
    assert state.uri == end.uri
    ok, line = b.describe()
    assert ok and line.startswith(f"running: pid {state.pid}, {state.uri}")
    assert b.lost(FakeDriverError(message="defunct"), broke=True) == Lost(uri=end.uri)
    # The console's user: it reads, and the server itself refuses its writes.
    user, password = b.console_auth()
    assert user == "chengxin_console" and password and password != end.auth[1]
    with neo4j.GraphDatabase.driver(b.bolt_uri(), auth=(user, password)) as reader:
        records, _, _ = reader.execute_query("RETURN 1 AS one", database_=graph.database)
        assert records[0]["one"] == 1
        with pytest.raises(neo4j.exceptions.Neo4jError):
            reader.execute_query("CREATE (:ZZBackendProbe)", database_=graph.database)
        # An empty result: whatever the server names, the declared columns stand in when it names none.
        empty = reader.execute_query("MATCH (n:ZZNoSuchLabel) RETURN n.x AS x", database_=graph.database)
        assert b.result_columns(list(empty.keys), ["x"]) == ["x"]
    assert graph.run("MATCH (n:ZZBackendProbe) RETURN count(n) AS c")[0]["c"] == 0
    # Its full-text indexes were made by the server, under the names both backends query.
    names = {r.get("name") for r in graph.run("SHOW INDEXES")}
    assert {spec.fulltext_index for spec in get_model().search_labels()} <= names


# --- nothing outside the backend modules asks which database it is ------------------------------

PACKAGE = Path(__file__).resolve().parent.parent
BACKEND_MODULES = {"graph/backend.py", "graph/embedded.py", "graph/embedded_server.py", "graph/settings.py"}


def branches(source: str) -> list[str]:
    """Where a module asks which database it is: ``x.embedded`` (the old Graph and Settings flag),
    a comparison with "embedded"/"neo4j"/"arcadedb", or the embedded process manager used directly."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "embedded":
            found.append(f"line {node.lineno}: .embedded")
        elif isinstance(node, ast.Compare):
            for c in [node.left, *node.comparators]:
                if isinstance(c, ast.Constant) and c.value in ("embedded", "neo4j", "arcadedb"):
                    found.append(f"line {node.lineno}: compares with {c.value!r}")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {a.name for a in node.names}
            if module.split(".")[-1] in ("embedded", "embedded_server") or names & {"embedded", "embedded_server"}:
                found.append(f"line {node.lineno}: imports the embedded server's modules")
        elif isinstance(node, ast.Import):
            if any(a.name.split(".")[-1] in ("embedded", "embedded_server") for a in node.names):
                found.append(f"line {node.lineno}: imports the embedded server's modules")
    return found


def test_the_branch_finder_catches_what_it_should():
    assert branches("if graph.embedded:\n    pass\n")
    assert branches("x = settings.embedded and y\n")
    assert branches('if graph.backend == "embedded":\n    pass\n')
    assert branches('if b.name != "neo4j":\n    pass\n')
    assert branches("from chengxin.graph import (\n    console, embedded, flags,\n)\n")
    assert branches("from .embedded import start\n") and branches("from . import embedded_server\n")
    assert branches("import chengxin.graph.embedded\n")
    assert not branches("heap = settings.embedded_heap\n")  # a setting of the embedded server, not a branch
    assert not branches('"""the embedded server starts on demand"""\n')
    assert not branches("name = backend.name\n")


def test_no_module_outside_the_backend_branches_on_the_database():
    found = {}
    for folder in ("graph", "web", "loaders", "chengxin", "cypher"):
        for path in (PACKAGE / folder).rglob("*.py"):
            rel = path.relative_to(PACKAGE).as_posix()
            if rel not in BACKEND_MODULES and (hits := branches(path.read_text("utf-8"))):
                found[rel] = hits
    assert found == {}, found
    assert backends.__doc__ and "Backend.console_auth" in backends.__doc__  # the one list of differences


def test_the_db_commands_go_through_the_backend(monkeypatch, tmp_path):
    """``chengxin db``: on Neo4j there is nothing to start or stop (exit 1, said in one line) and
    status names the server; on a home with no embedded server, status says how to start it."""
    from click.testing import CliRunner

    from chengxin.cli import main
    from chengxin.graph.settings import get_settings

    runner = CliRunner()
    monkeypatch.setenv("CHENGXIN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CHENGXIN_URI", "bolt://db.example:7687")
    get_settings.cache_clear()
    try:
        status = runner.invoke(main, ["db", "status"])
        assert status.exit_code == 0 and "external Neo4j at bolt://db.example:7687" in status.output
        for action in ("start", "stop"):
            r = runner.invoke(main, ["db", action])
            assert r.exit_code == 1 and "external Neo4j, not the embedded one" in r.output
        monkeypatch.delenv("CHENGXIN_URI")
        get_settings.cache_clear()
        status = runner.invoke(main, ["db", "status"])
        assert status.exit_code == 1 and "not running: `chengxin db start` starts it" in status.output
        assert runner.invoke(main, ["db", "stop"]).output.strip() == "not running"
    finally:
        get_settings.cache_clear()
