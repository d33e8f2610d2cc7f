"""The pages people look at (issue 15, part B), in headless Chromium and through the JSON twins:
the graph (legend, seeded layout, marks, fitted height, expand in place, open on double click),
the red-flag pages (freshness line, numbering, titles naming firms, linked names, rings, paging
and CSV), the console's own parameter, specific messages for bad parameters, and a 390 px phone
with no sideways scroll on the main pages."""

import json
import re
from urllib.parse import quote

import pytest

from chengxin.graph import flags

from .conftest import start_chromium

TAG = re.compile(r"<[^>]+>")


def firm_id(graph, name: str) -> str:
    return graph.run("MATCH (e:Enterprise) WHERE e.name = $n RETURN e.uscc AS u", {"n": f"苏州{name}有限公司"})[0]["u"]


# --- without a browser ---------------------------------------------------------------------------

def test_flag_pages_keep_markup_out_of_the_title_and_number_detectors_once(client):
    for path in ("/flags", "/flags/bid_rotation"):
        page = client.get(path).get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert "<" not in title and "检测时间" not in title, title
        assert 'id="computed-at"' in page.split("</head>")[1]
    numbers = [k["number"] for k in client.get("/api/flags").get_json()["kinds"]]
    assert numbers == list(range(1, len(flags.DETECTORS) + 1))


def test_flag_titles_name_a_firm_and_names_in_facts_are_links(plant_manifest, client):
    key = next(k for k in plant_manifest["flags"]["bid_rotation"]["planted"])
    api = client.get("/api/flags/bid_rotation").get_json()
    hit = next(h for h in api["hits"] if h["key"] == key)
    first = hit["title"]["params"]["firm"]
    assert first and hit["title"]["text"].startswith(first) and "等 3 家企业" in hit["title"]["text"]
    en = client.get("/api/flags/bid_rotation?lang=en").get_json()
    assert next(h for h in en["hits"] if h["key"] == key)["title"]["text"].startswith(f"{first} and 2 other firms")
    page = client.get("/flags/bid_rotation").get_data(as_text=True)
    block = page.split(f'data-key="{key}"')[1].split("</article>")[0]
    facts = block.split('class="facts-list"')[1].split("</ul>")[0]
    assert facts.count('href="/enterprise/') >= 6  # both firms of each of the three pairs
    assert re.search(r'<h3><a class="ent ent-enterprise" href="/enterprise/[^"]+">' + re.escape(first) + "</a>", block)
    assert f'id="hit-1-ring"' in page or "-ring-data" in block  # the ring drawn as a small graph


def test_bid_ring_facts_say_the_same_and_english_reads_as_english(client):
    en = client.get("/api/flags/bid_ring?lang=en").get_json()
    texts = [f["text"] for h in en["hits"] for f in h["facts"]]
    assert texts and all(" share the same " in t and "share a " not in t for t in texts)
    titles = [h["title"]["text"] for h in en["hits"]]
    assert all(re.search(r" and \d+ other bidders on ", t) for t in titles), titles[:3]


def test_flag_pages_page_and_download_csv(client):
    api = client.get("/api/flags/bid_ring?page=1").get_json()
    assert api["page"] == 1 and api["pages"] >= 1 and len(api["hits"]) <= api["per_page"]
    bad = client.get("/api/flags/bid_ring?page=-2")
    assert bad.status_code == 400 and "page" in bad.get_json()["detail"] and "不小于 1" in bad.get_json()["detail"]
    past = client.get(f"/api/flags/bid_ring?page={api['pages'] + 1}&lang=en")
    assert past.status_code == 400 and "past the last page" in past.get_json()["detail"]
    csv = client.get("/flags/bid_ring/hits.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("键") or lines[0].split(",")[0]
    assert sum(1 for h in client.get("/api/flags/bid_ring").get_json()["hits"]) <= len(lines)


def test_the_graph_json_carries_legend_height_marks_and_readable_fonts(client, graph):
    one = graph.run("MATCH (q:Person)-[r]-() WITH q, count(r) AS d WHERE d = 1 "
                    "MATCH (q)-[]-(m) RETURN q.person_id AS c, labels(m)[0] AS other LIMIT 1")[0]
    cert = one["c"]
    pair = client.get(f"/api/graph/person/{quote(cert, safe='')}").get_json()
    assert len(pair["nodes"]) == 2 and pair["height"] < 300  # a pair does not get the full box
    assert {i["label"] for i in pair["legend"]} == {"Person", one["other"]}
    assert pair["options"]["nodes"]["font"]["size"] >= 12 and pair["options"]["edges"]["font"]["size"] >= 12
    assert pair["options"]["layout"]["randomSeed"] == client.get(
        f"/api/graph/person/{quote(cert, safe='')}").get_json()["options"]["layout"]["randomSeed"]
    banned = firm_id(graph, "黑名单丁建设")
    data = client.get(f"/api/graph/enterprise/{banned}").get_json()
    centre = next(n for n in data["nodes"] if n["id"] == f"Enterprise:{banned}")
    assert centre["mark"] == "sanctioned" and any(i["label"] == "sanctioned" for i in data["legend"])
    titles = " ".join(n["title"] for n in data["nodes"]) + " ".join(e.get("title", "") for e in data["edges"])
    assert "BID_ON" not in titles and "PENALIZED" not in titles and "type:" not in titles


def test_a_more_node_pages_in_place(client, graph, app):
    busy = graph.run("MATCH (a:Authority)<-[r:ISSUED_BY]-() WITH a, count(r) AS c ORDER BY c DESC LIMIT 1 "
                     "RETURN a.name AS n, c")[0]
    data = client.get("/api/graph/authority/" + quote(busy["n"], safe="")).get_json()
    more = next(n for n in data["nodes"] if n["id"].startswith("more:") and n["id"].endswith(":ISSUED_BY"))
    assert "type=ISSUED_BY" in more["expand"] and "skip=" in more["expand"]
    page = client.get(more["expand"]).get_json()
    first = {n["id"] for n in data["nodes"]}
    new = [n for n in page["nodes"] if n["id"] not in first and not n["id"].startswith("more:")]
    assert new and all(n["id"].split(":")[0] in ("Penalty", "Qualification") for n in new)
    assert client.get("/api/graph/authority/x?skip=-1").status_code == 400
    assert client.get("/api/graph/authority/x?type=NOPE").status_code == 400


def test_library_query_refuses_a_negative_limit_in_the_request_language(client):
    zh = client.get("/api/queries/top_penalized?limit=-5")
    assert zh.status_code == 400 and "limit" in zh.get_json()["detail"] and "NegativeInteger" not in zh.get_json()["detail"]
    assert "不小于 0" in zh.get_json()["detail"]
    en = client.get("/api/queries/top_penalized?limit=x&lang=en").get_json()
    assert "limit must be a whole number" in en["detail"]
    page = client.get("/queries/top_penalized?limit=-5&run=1").get_data(as_text=True)
    assert "NegativeInteger" not in page and "limit" in page


def test_the_console_has_its_own_parameter(client):
    page = client.get("/console", query_string={"cypher": "RETURN 1 AS one"}).get_data(as_text=True)
    assert 'id="result-table"' in page
    box = re.search(r'<form class="search"[^>]*>\s*<input name="q" value="([^"]*)"', page).group(1)
    assert box == ""  # the header's search box stays empty
    old = client.get("/console", query_string={"q": "RETURN 1 AS one"}).get_data(as_text=True)
    assert 'id="result-table"' in old  # a link shared before still runs
    assert re.search(r'<form class="search"[^>]*>\s*<input name="q" value=""', old)


# --- in the browser ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-look"))
    yield driver
    driver.quit()


def _frame_ready(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    frame = browser.find_element(By.ID, "graph-frame")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", frame)
    browser.switch_to.frame(frame)
    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return document.body.getAttribute('data-stabilized')") == "1")
    return frame


@pytest.mark.browser
def test_graph_layout_is_stable_fits_and_expands_in_place(browser, base_url, graph):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    code = graph.run("MATCH (p:Project)<-[:PARTICIPATES_IN]-(e:Enterprise)-[:HOLDS]->() "
                     "RETURN p.project_code AS c ORDER BY c LIMIT 1")[0]["c"]
    positions = []
    for _ in range(2):
        browser.get(f"{base_url}/project/{quote(code)}")
        _frame_ready(browser)
        positions.append(browser.execute_script("""
            var net = window.chengxinNetwork, p = net.getPositions(), out = {};
            Object.keys(p).forEach(function (k) { out[k] = [Math.round(p[k].x), Math.round(p[k].y)]; });
            return out;"""))
        browser.switch_to.default_content()
    assert positions[0] == positions[1]  # the same page draws the same way
    assert browser.find_element(By.ID, "graph-frame").size["height"] < 600
    frame = _frame_ready(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "#network-legend li[data-label=Project]")
    font = browser.execute_script("return window.chengxinNetwork.body.nodes[Object.keys(window.chengxinNetwork.body.nodes)[0]].options.font.size")
    assert font >= 12
    target = browser.execute_script("""
        var net = window.chengxinNetwork, ids = net.body.data.nodes.getIds();
        var id = ids.filter(function (i) { return i.indexOf('Enterprise:') === 0; })[0];
        var pos = net.canvasToDOM(net.getPositions([id])[id]);
        return {id: id, x: pos.x, y: pos.y, url: net.body.data.nodes.get(id).url, n: ids.length};""")
    canvas = browser.find_element(By.TAG_NAME, "canvas")
    from selenium.webdriver.common.action_chains import ActionChains

    size = canvas.size
    offset = (int(target["x"] - size["width"] / 2), int(target["y"] - size["height"] / 2))
    ActionChains(browser).move_to_element_with_offset(canvas, *offset).click().perform()
    WebDriverWait(browser, 15).until(
        lambda d: d.execute_script("return window.chengxinNetwork.body.data.nodes.length") > target["n"])
    assert "/project/" in browser.execute_script("return window.top.location.pathname")  # expanded, not navigated
    assert browser.find_element(By.CSS_SELECTOR, "button[data-act=open]").is_enabled()
    browser.find_element(By.CSS_SELECTOR, "button[data-act=open]").click()  # (or a double click)
    browser.switch_to.default_content()
    WebDriverWait(browser, 10).until(lambda d: "/enterprise/" in d.current_url)
    assert browser.current_url.endswith(target["url"])


@pytest.mark.browser
def test_a_ring_is_drawn_and_its_names_link(plant_manifest, browser, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    key = plant_manifest["flags"]["bid_rotation"]["planted"][0]
    browser.get(base_url + "/flags/bid_rotation")
    hit = browser.find_element(By.CSS_SELECTOR, f'article.hit[data-key="{key}"]')
    assert browser.title.startswith("围标串标") and "检测时间" not in browser.title
    assert browser.find_element(By.ID, "computed-at").is_displayed()
    ring = hit.find_element(By.CSS_SELECTOR, ".ring-graph")
    WebDriverWait(browser, 20).until(lambda d: ring.get_attribute("data-stabilized") == "1")
    assert int(ring.get_attribute("data-nodes")) == 3
    link = hit.find_element(By.CSS_SELECTOR, ".facts-list a[href^='/enterprise/']")
    name = link.text
    link.click()
    WebDriverWait(browser, 10).until(lambda d: "/enterprise/" in d.current_url)
    assert browser.find_element(By.ID, "entity-name").text == name


PHONE_PAGES = ["/", "/search?q=建设", "/flags", "/flags/bid_rotation", "/risk", "/queries", "/queries/top_penalized?run=1",
               "/console?cypher=MATCH+(e:Enterprise)+RETURN+e+LIMIT+5", "/path", "/sources"]


@pytest.mark.browser
def test_no_sideways_scroll_at_390_px(browser, base_url, graph):
    firm = firm_id(graph, "黑名单丁建设")
    project = graph.run("MATCH (p:Project)<-[:PARTICIPATES_IN]-() RETURN p.project_code AS c LIMIT 1")[0]["c"]
    person = graph.run("MATCH (p:Person)-[:REGISTERED_AT]->() RETURN p.person_id AS c LIMIT 1")[0]["c"]
    pages = PHONE_PAGES + [f"/enterprise/{firm}", f"/project/{quote(project)}", f"/person/{quote(person)}",
                           f"/risk/{firm}", f"/eligibility/{firm}", "/nope"]
    browser.set_window_size(390, 844)
    try:
        width = browser.execute_script("return window.innerWidth")
        assert width <= 400
        wide = {}
        for lang in ("zh", "en"):
            for path in pages:
                browser.get(base_url + path + ("&" if "?" in path else "?") + "lang=" + lang)
                over = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
                header = browser.execute_script("return document.querySelector('header.top').getBoundingClientRect().height")
                if over > 0 or header > 200:
                    wide[(lang, path)] = (over, header)
        assert not wide, wide
    finally:
        browser.set_window_size(1280, 1000)


# --- charts ----------------------------------------------------------------------------------------

def test_penalty_chart_counts_agree_with_the_graph(client, graph, app):
    import datetime as dt

    since = dt.date(dt.date.today().year - 9, 1, 1)
    expect = graph.run("MATCH (p:Penalty) WHERE p.decision_date >= $s RETURN count(p) AS n", {"s": since})[0]["n"]
    app.extensions["chengxin"]["chart_cache"].clear()
    data = client.get("/api/charts/penalties").get_json()
    assert data["total"] == expect == sum(sum(m["counts"]) for m in data["measures"]) == sum(p["n"] for p in data["provinces"])
    assert len(data["years"]) == 10 and all(m["name"] for m in data["measures"])
    assert any(p["name"].endswith(("省", "市", "区")) for p in data["provinces"])
    en = client.get("/api/charts/penalties?lang=en").get_json()
    assert not any(re.search(r"[\u4e00-\u9fff]", m["name"] + "".join(p["name"] for p in en["provinces"])) for m in en["measures"])
    busy = graph.run("MATCH (a:Authority)<-[:ISSUED_BY]-(p:Penalty) WHERE p.decision_date >= $s "
                     "WITH a, count(p) AS c ORDER BY c DESC LIMIT 1 RETURN a.name AS n, c", {"s": since})[0]
    one = client.get("/api/charts/penalties", query_string={"authority": busy["n"]}).get_json()
    assert one["total"] == busy["c"]


def test_timeline_of_a_firm_holds_each_kind_of_record(client, graph):
    banned = firm_id(graph, "黑名单丁建设")
    data = client.get(f"/api/charts/timeline/enterprise/{banned}?lang=en").get_json()
    kinds = {e["kind"] for e in data["events"]}
    assert {"penalty", "qualification"} <= kinds and data["kinds"]["penalty"] == "Penalties"
    assert [e["start"] for e in data["events"]] == sorted(e["start"] for e in data["events"])
    assert client.get("/api/charts/timeline/project/x").status_code == 404


@pytest.mark.browser
def test_charts_draw_on_the_home_page_and_a_firm(browser, base_url, graph):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base_url + "/")
    for box in ("chart-penalties", "chart-provinces"):
        WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, box).get_attribute("data-chart-drawn") == "1")
        assert browser.find_element(By.CSS_SELECTOR, f"#{box} canvas").size["height"] > 100
    banned = firm_id(graph, "黑名单丁建设")
    browser.get(f"{base_url}/enterprise/{banned}")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.ID, "timeline-chart").get_attribute("data-chart-drawn") == "1")
    assert int(browser.find_element(By.ID, "timeline-chart").get_attribute("data-events")) >= 2
    browser.get(f"{base_url}/risk/{banned}")
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.ID, "risk-chart").get_attribute("data-chart-drawn") == "1")
    assert browser.find_element(By.CSS_SELECTOR, "#risk-chart canvas").size["height"] > 50


def test_sources_page_shows_labels_local_times_and_no_server_paths(client, settings):
    page = client.get("/sources").get_data(as_text=True)
    assert "发布记录" in page or "企业" in page
    assert str(settings.home_path) not in page and "/tmp/" not in page and "rejects_file" not in page
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", TAG.sub(" ", page))  # no ISO UTC stamps
    assert "project_staff" not in TAG.sub(" ", page.split('data-name="chengxin-planted"')[0])
    assert "# 诚信 chengxin" not in page  # a sample's provenance is its own, not the project's README
    data = client.get("/api/sources").get_json()["datasets"]
    assert all("path" not in d and "rejects_file" not in d for d in data)


def test_home_tiles_and_english_enums(client):
    page = client.get("/").get_data(as_text=True)
    tiles = re.findall(r'<span class="l">([^<]*)</span>', page)
    assert tiles and "Dataset" not in tiles


def test_library_query_columns_and_risk_reasons_are_said_in_the_language(client, graph):
    page = client.get("/queries/top_penalized?run=1").get_data(as_text=True)
    head = page.split('id="result-table"')[1].split("</thead>")[0]
    assert "统一社会信用代码" in head or "名称" in head
    assert not re.search(r"<th>[a-z_]+</th>", head)
    en = client.get("/queries/top_penalized?run=1&lang=en").get_data(as_text=True).split('id="result-table"')[1]
    assert not re.search(r"<th[^>]*>[^<]*[\u4e00-\u9fff]", en.split("</thead>")[0])
    banned = firm_id(graph, "黑名单丁建设")
    firm = client.get(f"/risk/{banned}?lang=en").get_data(as_text=True)
    assert ">sanctioned_bidding<" not in firm
    assert "Bidding while banned" in firm
    zh = client.get(f"/risk/{banned}?lang=zh").get_data(as_text=True)
    assert "local" not in TAG.sub(" ", zh.split("<main>")[1]) and "市县级" in zh


def test_a_console_result_of_many_paths_groups_its_end_nodes(client, graph):
    busy = graph.run("MATCH (a:Authority)<-[:ISSUED_BY]-(q:Qualification) WITH a, count(q) AS c ORDER BY c DESC LIMIT 1 "
                     "RETURN a.name AS n, c")[0]
    assert busy["c"] > 10
    q = "MATCH p = (a:Authority {name: $n})<-[:ISSUED_BY]-(:Qualification) RETURN p LIMIT 60"
    page = client.get("/console", query_string={"cypher": q, "params": json.dumps({"n": busy["n"]})}).get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/json" id="result-graph-data">(.*?)</script>', page, re.S).group(1))
    groups = [n for n in data["nodes"] if n["id"].startswith("group:")]
    assert groups and len(data["nodes"]) <= 6 and groups[0]["label"].startswith(str(min(busy["c"], 60)))
    assert all(e["from"] in {n["id"] for n in data["nodes"]} and e["to"] in {n["id"] for n in data["nodes"]}
               for e in data["edges"])
