"""The table helper (web/tables.py) on real pages: an authority's penalties paged through all of
them (no capped list), sorted, filtered, and as CSV with formula cells neutralised."""

from __future__ import annotations

import csv
import io

import pytest

from chengxin.web.tables import safe_cell

from .conftest import make_uscc, write_csv

AUTH = "ZZ表格测试住房和城乡建设局"
FIRM = make_uscc("MA0TBL001")
N = 130


@pytest.fixture(scope="module")
def many_penalties(graph, app, tmp_path_factory):
    from chengxin.loaders.ingest import load_folder

    d = tmp_path_factory.mktemp("tables")
    write_csv(d / "enterprises.csv", [{"uscc": FIRM, "name": "表格测试建设有限公司", "type": "施工", "region_code": "420100"}])
    rows = [{"penalty_id": f"ZZ表罚〔2026〕{i}号", "subject_type": "enterprise", "subject_id": FIRM, "measure": "罚款",
             "authority": AUTH, "decision_date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "valid_until": "2025-12-31",
             "description": "=HYPERLINK(\"http://x\")" if i == 7 else f"违法行为{i}"} for i in range(N)]
    write_csv(d / "penalties.csv", rows)
    load_folder(graph, d, progress=False)
    app.extensions["chengxin"]["flag_runs"].detect_all(graph, wait=True, fresh=True)  # the stored run follows the load (tests after rely on it)
    return rows


def test_safe_cell_neutralises_formulas():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+86 10") == "'+86 10"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("施工") == "施工"
    assert safe_cell(-2) == -2  # a number is a number
    assert safe_cell(None) == ""


def test_authority_pages_through_every_penalty(client, many_penalties):
    url = f"/api/authority/{AUTH}"
    first = client.get(url).get_json()
    t = first["tables"]["penalties"]
    assert first["n_penalties"] == N and t["total"] == N and t["pages"] == 3 and t["cap"] is None
    seen = set()
    for page in (1, 2, 3):
        html = client.get(f"/authority/{AUTH}?penalties_page={page}").get_data(as_text=True)
        seen |= {p["penalty_id"] for p in many_penalties if f">{p['penalty_id']}<" in html}
        if page < 3:
            assert "pager-next" in html
    assert len(seen) == N  # every penalty reachable, none only behind a "more" node
    last = client.get(f"/authority/{AUTH}?penalties_page=3").get_data(as_text=True)
    assert "pager-next" not in last and "pager-prev" in last


def test_an_authority_first_view_reads_one_page_the_same_as_the_whole_lists(client, many_penalties, monkeypatch):
    """A first view of the page asks the database for the table's first page only (latest first); its
    rows, totals and pager are those of the whole list's first page, which paging then reads. The
    JSON twin keeps the whole list."""
    from chengxin.graph import queries
    from chengxin.web.views import entity

    def tbody(html: str) -> str:
        return html[html.index("<tbody"):html.index("</tbody>")]

    client.application.extensions["chengxin"]["profile_cache"].clear()
    asked = []
    real = queries.profile
    monkeypatch.setattr(entity.queries, "profile", lambda *a, **k: asked.append(k.get("penalty_limit")) or real(*a, **k))
    first = client.get(f"/authority/{AUTH}").get_data(as_text=True)
    whole = client.get(f"/authority/{AUTH}?penalties_page=1").get_data(as_text=True)
    assert asked == [50, None]  # one page, then the whole list (kept for paging, sorting, filtering)
    assert tbody(first) == tbody(whole) and tbody(first).count("<tr") == 50
    assert "pager-next" in first and f"{N}" in first[first.index('id="rel-ISSUED_BY"'):]
    latest = max(many_penalties, key=lambda p: (p["decision_date"], ""))["decision_date"]
    assert latest in tbody(first)[:tbody(first).index("</tr>")]  # the latest first
    assert tbody(client.get(f"/authority/{AUTH}").get_data(as_text=True)) == tbody(whole) and asked[2:] == []
    data = client.get(f"/api/authority/{AUTH}").get_json()
    assert len(data["penalties"]) == N and data["tables"]["penalties"]["total"] == N


def test_authority_table_sorts_and_filters(client, many_penalties):
    html = client.get(f"/authority/{AUTH}?penalties_sort=decision_date&penalties_size=5").get_data(as_text=True)
    oldest = min(p["decision_date"] for p in many_penalties)
    assert html.index(oldest) < html.index("</tbody>")
    got = client.get(f"/api/authority/{AUTH}?penalties_q=违法行为12").get_json()["tables"]["penalties"]
    assert got["filtered"] == len([p for p in many_penalties if "违法行为12" in p["description"]])
    assert got["total"] == N


def test_table_csv_is_whole_and_safe(client, many_penalties):
    resp = client.get(f"/authority/{AUTH}?csv=penalties&penalties_page=2")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == N + 1  # the header and every row, not the page
    grounds = rows[0].index("违法事实") if "违法事实" in rows[0] else 3
    cells = [r[grounds] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for r in rows[1:] for c in r)


def test_enterprise_tables_and_csv(client, graph):
    uscc = graph.run("MATCH (e:Enterprise)-[:HOLDS]->(:Qualification) RETURN e.uscc AS u LIMIT 1")[0]["u"]
    data = client.get(f"/api/enterprise/{uscc}").get_json()
    assert {"qualifications", "penalties", "registered"} <= set(data["tables"])
    resp = client.get(f"/enterprise/{uscc}?csv=qualifications")
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == len(data["qualifications"]) + 1
    assert {r[0] for r in rows[1:]} == {q["cert_no"] for q in data["qualifications"]}
