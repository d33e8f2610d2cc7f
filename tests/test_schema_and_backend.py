"""Schema set-up, and the backend differences pinned where they live."""

from chengxin.graph.model import get_model
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
