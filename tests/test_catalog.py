import re

import pytest

from chengxin.cypher import WRITE_CLAUSES, body_params, get_query, hub_first_merges, names, strip_literals, unanchored_comprehensions
from chengxin.graph.errors import InvalidInput
from chengxin.graph.messages import msg, render


@pytest.mark.parametrize("name", names())
def test_header_matches_body(name):
    from chengxin.cypher import _load

    q = _load(name)
    purpose_zh, purpose_en = render(msg(q.purpose), "zh"), render(msg(q.purpose), "en")  # through the catalogue
    assert purpose_zh != purpose_en, "purpose in Chinese / English"
    assert re.search(r"[\u4e00-\u9fff]", purpose_zh) and re.search(r"[A-Za-z]", purpose_en)
    assert set(q.params) == body_params(q.text), f"{name}: header params vs $params in the body"
    for slot in q.labels:
        assert "{{" + slot + "}}" in q.text
    code = strip_literals(q.text)
    if q.mode == "read":
        assert not WRITE_CLAUSES.search(code), f"{name} is read but writes"
    else:
        assert WRITE_CLAUSES.search(code)
    assert not unanchored_comprehensions(q.text), f"{name}: start comprehensions at a bound node"
    assert not hub_first_merges(q.text), f"{name}: write a relationship MERGE from its non-hub end"
    assert q.returns, "returned columns are declared"
    for col in q.returns:
        assert re.search(rf"\b{re.escape(col)}\b", code), f"{name}: returns {col}?"


def test_strip_literals_hides_strings_and_comments():
    text = "MATCH (n {name: 'CREATE $x'}) // DELETE $y\nRETURN n /* SET */"
    stripped = strip_literals(text)
    assert "CREATE" not in stripped and "DELETE" not in stripped and "SET" not in stripped
    assert len(stripped) == len(text)


def test_label_slots_take_only_allowed_labels():
    q = get_query("load_awards", subject="Person")
    assert "`Person`" in q.text and "`person_id`" in q.text
    with pytest.raises(InvalidInput):
        get_query("load_awards", subject="Person`) DETACH DELETE (n")


def test_bind_rejects_missing_and_unknown_params():
    q = get_query("enterprise_profile")
    with pytest.raises(InvalidInput, match="missing parameter"):
        q.bind({})
    with pytest.raises(InvalidInput, match="unknown parameter"):
        q.bind({"uscc": "x", "extra": 1})


def test_unanchored_comprehension_check():
    assert unanchored_comprehensions("MATCH (e:E) RETURN [(p:Person)-[:R]->(e) | p]")
    assert unanchored_comprehensions("MATCH (e:E) RETURN [(s)-[:R]->(e) | s]")
    assert not unanchored_comprehensions("MATCH (e:E) RETURN [(e)<-[:R]-(p:Person) | p]")
    assert not unanchored_comprehensions("MATCH (e:E) RETURN [x IN [1, 2] | x], '[(s:X)'")


def test_hub_first_merge_check():
    assert hub_first_merges("MERGE (au:Authority {name: 1}) MERGE (p:Penalty {penalty_id: 2}) MERGE (au)<-[:ISSUED_BY]-(p)")
    assert hub_first_merges("MATCH (e:Enterprise), (t:Tender) MERGE (e)-[x:BID_ON {a: 1}]->(t)")
    assert not hub_first_merges("MATCH (e:Enterprise), (t:Tender) MERGE (t)<-[x:BID_ON]-(e)")
    assert not hub_first_merges("MATCH (a:Enterprise), (b:Enterprise) MERGE (a)-[:SAME_AS]->(b)")
    slot = "// label subject: Enterprise|Person\nMERGE (s:{{subject}} {k: 1}) MERGE (a:Award {award_id: 1}) "
    assert hub_first_merges(slot + "MERGE (s)-[:RECEIVED]->(a)")
    assert not hub_first_merges(slot + "MERGE (a)<-[:RECEIVED]-(s)")


def test_export_names_every_label_key():
    """export_rels picks the far end's key by label: every label of the model must be there."""
    from chengxin.cypher import get_query
    from chengxin.graph.model import get_model

    text = get_query("export_rels", kind="Enterprise").text
    for spec in get_model().labels.values():
        assert f"WHEN '{spec.name}' THEN b.{spec.key}" in text, spec.name
