"""The console cannot write, administer or read files: every disguise of the reported attacks,
a generated family of them, and each guard on its own against the real database (the token check
alone; the database's read-only user alone, with the token check skipped). Afterwards the
graph's checksum, its labels and its list of indexes and constraints are unchanged, and no file
content came back."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import urllib.error
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis import strategies as st

from chengxin.graph import console, embedded
from chengxin.graph.errors import Busy, ChengxinError, QueryRejected, QueryTimeout
from chengxin.graph.messages import render
from chengxin.graph.readonly import check_read_only, tokens

from .conftest import sample_rows
from .test_console import checksum

# --- the attacks as reported, and their disguises ------------------------------------------

DISGUISES = [
    "CALL `do.when`(true, 'CREATE (:ZZX) RETURN 1 AS x', '', {}) YIELD value RETURN value",
    "CALL `do`.`when`(true, 'CREATE (:ZZX) RETURN 1 AS x', '', {}) YIELD value RETURN value",
    "CALL do . /* hidden */ when(true, 'CREATE (:ZZX) RETURN 1 AS x', '', {}) YIELD value RETURN value",
    "call DO.When(true, 'CREATE (:ZZX) RETURN 1 AS x', '', {}) YIELD value RETURN value",
    "CALL\n`do`\n.\n// a comment\n`when`(true, 'MATCH (n) RETURN n', '', {})",
    "CALL `merge.node`(['ZZMerged'], {k: 1}) YIELD node RETURN node",
    "CALL `merge`.`relationship`(null, 'R', {}, {}, null) YIELD rel RETURN rel",
    "CALL `refactor.mergeNodes`([], {}) YIELD node RETURN node",
    "CALL `db.createLabel`('ZZ')",
    "CALL `dbms.security.createUser`('x', 'y', false)",
    "OPTIONAL CALL `do.when`(true, 'RETURN 1', '', {}) YIELD value RETURN value",
    "MATCH (n) WITH n LIMIT 1 CALL `apoc.cypher.run`('CREATE (:ZZX)', {}) YIELD value RETURN value",
    "RETURN `apoc.cypher.runFirstColumnSingle`('CREATE (:ZZX) RETURN 1', {}) AS x",
    "RETURN apoc . cypher . runFirstColumnSingle('CREATE (:ZZX) RETURN 1', {}) AS x",
    "RETURN `do.when`(true, 'CREATE (:ZZX)') AS x",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "load csv from 'file:///etc/hostname' as l return l",
    "SHOW USERS", "show databases", "SHOW INDEXES", "SHOW CONSTRAINTS", "SHOW PROCEDURES",
    "DROP INDEX `Enterprise[name]`", "DROP CONSTRAINT label_key_unique",
    "CREATE INDEX zz_idx IF NOT EXISTS FOR (n:Enterprise) ON (n.zz)",
    "MATCH (n) RETURN n // a comment\r CREATE (:ZZX)",
    "RETURN 'a\\' CREATE (:ZZX) //' AS s",
    "MATCH (p:Person) RETURN p.id_number_hash AS h",
    "MATCH (p:Person) RETURN p.`id_number_hash` AS h",
    "RETURN file() AS f",
    "MATCH (n) CALL { WITH n RETURN n AS m } IN TRANSACTIONS RETURN m",
    "USE system SHOW USERS",
    "INSERT (:ZZX {x: 1})",
]

FORBIDDEN_PROCEDURES = [
    "do.when", "do.case", "merge.node", "merge.relationship", "refactor.mergeNodes",
    "refactor.cloneNodesWithRelationships", "db.createLabel", "dbms.security.createUser",
    "apoc.load.json", "apoc.load.csv", "apoc.cypher.run", "apoc.create.node", "algo.pagerank",
]


@pytest.mark.parametrize("text", DISGUISES)
def test_every_disguise_is_refused_by_the_token_check(text):
    with pytest.raises(QueryRejected) as e:
        check_read_only(text)
    assert "refused" in render(e.value.message, "en") and "拒绝" in render(e.value.message, "zh")


def test_procedure_names_are_read_as_cypher_reads_them():
    toks = tokens("CALL `do` . /* x */ `when` (1)")
    assert [t.text for t in toks[:4]] == ["CALL", "do", ".", "/"] or [t.text for t in toks[:4]] == ["CALL", "do", ".", "when"]
    with pytest.raises(QueryRejected, match="do.when"):
        check_read_only("CALL `do` . /* x */ `when` (1)")
    # An allowed procedure in disguise is the same allowed procedure.
    check_read_only("CALL `db`.`labels`() YIELD label RETURN label")
    check_read_only("call DB . LABELS ( ) yield label return label")


def _disguise(name: str, draw) -> str:
    """One spelling of a dotted procedure name that Cypher reads as ``name``."""
    parts = name.split(".")
    if draw(st.booleans()):
        parts = ["".join(c.upper() if draw(st.booleans()) else c.lower() for c in p) for p in parts]
    if draw(st.booleans()):
        return f"`{'.'.join(parts)}`"
    seps = [" ", "\n", "\t", "/* c */", "// c\n", "\u3000", ""]
    out = []
    for p in parts:
        out.append(f"`{p}`" if draw(st.booleans()) else p)
    glue = "".join(draw(st.sampled_from(seps)) for _ in range(2))
    return f"{glue}.{glue}".join(out)


@st.composite
def disguised_calls(draw):
    name = draw(st.sampled_from(FORBIDDEN_PROCEDURES))
    spelled = _disguise(name, draw)
    call = draw(st.sampled_from(["CALL", "call", "Call", "OPTIONAL CALL"]))
    space = draw(st.sampled_from([" ", "\n", "/**/", "  \t"]))
    form = draw(st.sampled_from(["{call}{space}{name}(1, 2)", "MATCH (n) WITH n LIMIT 1 {call}{space}{name}(n) YIELD x RETURN x",
                                 "RETURN {name}(1) AS x", "WITH 1 AS a RETURN a, {name}('x') AS y"]))
    return form.format(call=call, space=space, name=spelled)


@hsettings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(disguised_calls())
def test_a_generated_family_of_disguised_procedures_is_refused(text):
    with pytest.raises(QueryRejected):
        check_read_only(text)


@st.composite
def disguised_commands(draw):
    word = draw(st.sampled_from(["SHOW USERS", "SHOW DATABASES", "CREATE INDEX i FOR (n:L) ON (n.p)",
                                 "DROP INDEX i", "DROP CONSTRAINT c", "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
                                 "STOP DATABASE chengxin", "GRANT ROLE r TO u", "ALTER USER u SET PASSWORD 'x'",
                                 "TERMINATE TRANSACTIONS 'x'", "MATCH (n) SET n.x = 1", "MATCH (n) DETACH DELETE n"]))
    words = word.split(" ")
    words[0] = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in words[0])
    lead = draw(st.sampled_from(["", " ", "\n", "/* x */", "// x\n", "RETURN 1 AS one\nUNION\n"]))
    return lead + " ".join(words)


@hsettings(max_examples=200, deadline=None)
@given(disguised_commands())
def test_a_generated_family_of_admin_and_write_commands_is_refused(text):
    with pytest.raises(QueryRejected):
        check_read_only(text)


# --- the database's own guard, alone ----------------------------------------------------------


def indexes(graph) -> list:
    """Every index and constraint, as the database lists them."""
    rows = graph.run("SHOW INDEXES") + graph.run("SHOW CONSTRAINTS")
    return sorted(json.dumps({k: v for k, v in r.items() if k in ("name", "labelsOrTypes", "properties", "type")},
                             sort_keys=True, default=str) for r in rows)


def labels(graph) -> list:
    return sorted(r["label"] for r in graph.run("CALL db.labels() YIELD label RETURN label"))


@pytest.fixture()
def secret_file(tmp_path):
    """A private file whose content must never come back."""
    p = tmp_path / "root-password-copy"
    content = "SECRET-" + secrets.token_hex(12)
    p.write_text(content + "\n")
    p.chmod(0o600)
    return p, content


def _attacks(path) -> list[str]:
    url = f"file://{path}"
    return [
        f"CALL `do.when`(true, 'LOAD CSV FROM \"{url}\" AS l RETURN l', '', {{}}) YIELD value RETURN value",
        f"LOAD CSV FROM '{url}' AS l RETURN l",
        f"LOAD CSV FROM '{path}' AS l RETURN l",
        "CALL `do.when`(true, 'CREATE (:ZZDoWhen {x: 1}) RETURN 1 AS x', '', {}) YIELD value RETURN value",
        "CALL `merge.node`(['ZZMergedLabel'], {k: 1}) YIELD node RETURN node",
        "CREATE INDEX zz_guard_idx IF NOT EXISTS FOR (n:Enterprise) ON (n.zz_guard)",
        "DROP INDEX `Enterprise[name]`",
        "CREATE (:ZZGuard {x: 1}) RETURN 1",
        "MATCH (e:Enterprise) WITH e LIMIT 1 SET e.name = 'pwned' RETURN e.name",
        "SHOW USERS",
    ]


def test_the_read_only_user_alone_refuses_every_attack(read_console, graph, secret_file):
    """The token check is skipped (checked=True): only the database's guard stands."""
    path, content = secret_file
    before = (checksum(graph), labels(graph), indexes(graph))
    for text in _attacks(path):
        try:
            res = read_console.run_read(graph, text, checked=True)
        except ChengxinError as e:
            assert content not in e.detail
        else:
            assert content not in json.dumps(res.rows, default=str), text
            # A SET inside the never-committed transaction may show its own value; nothing else runs.
            assert graph.backend.name != "embedded" or not res.rows or " SET " in text, f"the read-only user ran: {text}"
    assert (checksum(graph), labels(graph), indexes(graph)) == before


def test_the_whole_console_refuses_every_attack(read_console, graph, secret_file):
    path, content = secret_file
    before = (checksum(graph), labels(graph), indexes(graph))
    for text in _attacks(path) + DISGUISES:
        with pytest.raises(ChengxinError) as e:
            read_console.run_read(graph, text)
        assert content not in e.value.detail
    assert (checksum(graph), labels(graph), indexes(graph)) == before


def test_the_console_user_is_the_read_only_one(read_console, graph):
    if graph.backend.name != "embedded":
        pytest.skip("Neo4j: the read-only user is the operator's CHENGXIN_READ_USER")
    driver = read_console.driver(graph)
    assert driver is not graph.driver
    before = checksum(graph)
    for text in ("CREATE (:ZZGuardDirect) RETURN 1", "MATCH (e:Enterprise) WITH e LIMIT 1 SET e.name = 'pwned'",
                 "MATCH (e:Enterprise) WITH e LIMIT 1 DETACH DELETE e"):
        with pytest.raises(Exception, match="not allowed|Forbidden"):  # committed: the server refuses
            driver.execute_query(text, database_=graph.database)
    assert checksum(graph) == before


def test_no_query_reads_a_file_even_as_the_database_administrator(graph, secret_file):
    """File URLs are off in the server itself: the loader's own (root) connection cannot read one,
    through Bolt or through ArcadeDB's HTTP API."""
    path, content = secret_file
    for text in (f"LOAD CSV FROM 'file://{path}' AS l RETURN l", "LOAD CSV FROM 'file:///etc/hostname' AS l RETURN l"):
        try:
            rows = graph.run(text)
        except ChengxinError as e:
            assert content not in e.detail
        else:
            assert rows == [] or content not in json.dumps(rows)
            assert not rows, f"LOAD CSV read a file: {rows!r}"
    if graph.backend.name == "embedded":
        state = embedded.read_state(graph.settings)
        auth = base64.b64encode(f"root:{embedded.root_password(graph.settings)}".encode()).decode()
        body = json.dumps({"language": "cypher", "command": f"LOAD CSV FROM 'file://{path}' AS l RETURN l"}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{state.http_port}/api/v1/command/{graph.database}", data=body,
                                     headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                answer = r.read().decode()
        except urllib.error.HTTPError as e:
            answer = e.read().decode()
        assert content not in answer


# --- private values never come back -------------------------------------------------------------


def test_private_values_are_redacted_in_every_console_result(read_console, graph):
    number = "360102199001010237"
    graph.run("MERGE (n:Award {award_id: 'ZZ-PRIVACY-1'}) SET n.name = $name, n.note = $note",
              {"name": "测试", "note": f"申报人身份证 {number}，联系"}, write=True)
    try:
        res = read_console.run_read(graph, "MATCH (a:Award {award_id: 'ZZ-PRIVACY-1'}) RETURN a, a.note AS note, "
                                      "[k IN keys(a) | a[k]] AS values")
        text = json.dumps(res.rows, default=str, ensure_ascii=False)
        assert number not in text and "3601************37" in text
        rows = graph.run("MATCH (a:Award {award_id: 'ZZ-PRIVACY-1'}) RETURN a.note AS note")
        assert rows[0]["note"].endswith("3601************37，联系")
        hashes = read_console.run_read(graph, "MATCH (p:Person) WHERE p.id_number_masked IS NOT NULL "
                                         "RETURN [k IN keys(p) | p[k]] AS v LIMIT 20").rows
        for row in hashes:
            assert not any(isinstance(v, str) and len(v) == 64 and set(v) <= set("0123456789abcdef") for v in row["v"])
    finally:
        graph.run("MATCH (n:Award {award_id: 'ZZ-PRIVACY-1'}) DETACH DELETE n", write=True)


# --- load: bounded concurrency, nothing left queued -------------------------------------------

HEAVY = ("MATCH (a:Enterprise), (b:Enterprise), (c:Enterprise) WHERE a.name < b.name AND b.name < c.name "
         "RETURN count(*) AS n")


def test_admission_bounds_each_client_and_the_total():
    gate = console.Admission(total=2, per_client=1)
    gate.acquire("a", wait=0)
    with pytest.raises(Busy) as e:
        gate.acquire("a", wait=0)
    assert e.value.status == 429
    gate.acquire("b", wait=0)
    t0 = time.monotonic()
    with pytest.raises(Busy) as e:
        gate.acquire("c", wait=0.3)
    assert e.value.status == 503 and time.monotonic() - t0 >= 0.3
    gate.release("a")
    gate.acquire("c", wait=0)  # a slot came free
    assert sum(gate.running.values()) == 2


def test_a_time_out_is_504_and_a_busy_client_is_told_at_once(read_console, graph):
    results: dict = {}

    def heavy(key, client):
        try:
            read_console.run_read(graph, HEAVY, timeout=2, client=client)
        except ChengxinError as e:
            results[key] = e

    first = threading.Thread(target=heavy, args=("first", "10.0.0.1"))
    first.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    with pytest.raises(Busy) as e:
        read_console.run_read(graph, "RETURN 1 AS x", client="10.0.0.1")
    assert e.value.status == 429 and time.monotonic() - t0 < 1
    first.join(30)
    assert isinstance(results.get("first"), QueryTimeout) and results["first"].status == 504


def test_pages_keep_answering_while_the_console_is_busy(read_console, graph, client):
    """Two heavy console queries fill every console slot; an entity page still answers at once,
    from the graph's own connections."""
    uscc = sample_rows("enterprises")[0]["uscc"]
    threads = [threading.Thread(target=lambda c=c: pytest.raises(ChengxinError, read_console.run_read, graph, HEAVY,
                                                                  timeout=4, client=c)) for c in ("10.0.0.2", "10.0.0.3")]
    for t in threads:
        t.start()
    time.sleep(0.5)
    try:
        with pytest.raises(Busy):
            read_console.run_read(graph, "RETURN 1 AS x", client="10.0.0.4", timeout=1)
        t0 = time.monotonic()
        r = client.get(f"/api/enterprise/{uscc}")
        elapsed = time.monotonic() - t0
        assert r.status_code == 200
        assert elapsed < 3.5, f"the page waited for the console ({elapsed:.1f} s)"
    finally:
        for t in threads:
            t.join(30)
