"""The pages people read, in headless Chromium (issue 15, part A): the verdict strip on top and
never green above a "may not bid"; expired registrations marked; an authority's penalties paged
through all of them; a foreign list record shows what it has; a debarment named by its list;
/risk readable and paged, its region by name; search suggestions as you type and the exact name
first; tables sort and filter; the printable report prints without the site's chrome; 390 px."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import HOSTILE_USCC, make_uscc, start_chromium, write_csv

pytestmark = pytest.mark.browser

REAL = Path("/work/shared/data/real")
EBRD = REAL / "mdb-debarment" / "european_bank_for_reconstruction_and_development_ineligible_firms.csv"
MAPPING = Path(__file__).resolve().parents[1] / "loaders" / "mappings" / "ebrd-ineligible.toml"
AUTH = "ZZ浏览测试住房和城乡建设局"
FIRM = make_uscc("MA0BRW001")
LISTED = make_uscc("MA0BRW002")
N = 75


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-read"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def read_data(graph, app, tmp_path_factory):
    """An authority with 75 penalties; a Chinese firm a list names in Chinese (so the list's record is
    matched to it); the real EBRD list."""
    from chengxin.loaders.ingest import load_any, load_folder

    d = tmp_path_factory.mktemp("read")
    write_csv(d / "enterprises.csv", [
        {"uscc": FIRM, "name": "浏览测试建设有限公司", "type": "施工", "region_code": "320505"},
        {"uscc": LISTED, "name": "华东浏览名单建设集团有限公司", "type": "施工", "region_code": "320505"},
    ])
    write_csv(d / "penalties.csv", [
        {"penalty_id": f"ZZ浏罚〔2025〕{i}号", "subject_type": "enterprise", "subject_id": FIRM, "measure": "罚款",
         "authority": AUTH, "decision_date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "valid_until": "2025-12-31",
         "description": f"违法行为{i}"} for i in range(N)])
    load_folder(graph, d, progress=False)
    lst = tmp_path_factory.mktemp("readlist") / "list.csv"
    write_csv(lst, [{"Firm": "East China Browse List Construction Group (华东浏览名单建设集团有限公司)", "From": "2025-01-01",
                     "To": "", "Why": "Fraudulent Practice"}])
    mapping = lst.parent / "m.toml"
    mapping.write_text('[list]\nid = "read-test"\nname = "Read Test Bank debarment list"\nsanctioning_institution = "Read Test Bank"\n'
                       '[columns]\nname = "Firm"\nstart = "From"\nend = "To"\ngrounds = "Why"\n', encoding="utf-8")
    load_any(graph, lst, "list", mapping=mapping, source="read-test-list", progress=False)
    if EBRD.exists():
        load_any(graph, EBRD, "list", mapping=MAPPING, progress=False)
    app.extensions["chengxin"]["flag_runs"].detect_all(graph, wait=True, fresh=True)  # the stored run follows the load (tests after rely on it)
    return True


def js(browser, script, *args):
    return browser.execute_script(script, *args)


def test_the_verdict_is_on_top_and_never_green_above_may_not_bid(browser, base_url, graph, client):
    from selenium.webdriver.common.by import By

    firms = [r["u"] for r in graph.run("MATCH (e:Enterprise) WHERE e.uscc CONTAINS 'PLANT' RETURN e.uscc AS u")]
    target = next(u for u in firms if (lambda d: not d["eligibility"]["eligible"] and not d["sanction"]["in_force"])(
        client.get(f"/api/enterprise/{u}").get_json()))
    browser.get(f"{base_url}/enterprise/{target}")
    head = browser.find_element(By.ID, "verdict-headline")
    assert head.text == "今日不得投标" and "lv-red" in head.get_attribute("class")
    color = js(browser, "return getComputedStyle(arguments[0]).backgroundColor", head)
    assert color != js(browser, "return getComputedStyle(document.querySelector('.lv.lv-green') || document.body).backgroundColor")
    strip = browser.find_element(By.ID, "integrity-panel")
    facts = browser.find_element(By.CSS_SELECTOR, "dl.facts")
    assert strip.location["y"] < facts.location["y"] and strip.location["y"] < 400  # the first thing read
    assert "不得投标" in browser.find_element(By.ID, "eligibility-today").text


def test_expired_registrations_are_marked(browser, base_url, graph):
    from selenium.webdriver.common.by import By

    today = dt.date.today()
    row = graph.run("MATCH (p:Person)-[r:REGISTERED_AT]->(e:Enterprise) WHERE r.valid_until < $d "
                    "RETURN e.uscc AS u, p.name AS n LIMIT 1", {"d": today})
    assert row, "the sample has an expired registration"
    browser.get(f"{base_url}/enterprise/{row[0]['u']}")
    expired = browser.find_elements(By.CSS_SELECTOR, "#rel-REGISTERED_AT tr.expired")
    assert expired and any("已过期" in r.text for r in expired)
    valid = browser.find_elements(By.CSS_SELECTOR, "#rel-REGISTERED_AT tbody tr:not(.expired) td.reg-status")
    assert all(v.text == "有效" for v in valid)


def test_an_authority_pages_through_all_its_penalties(browser, base_url, read_data):
    from selenium.webdriver.common.by import By

    browser.get(f"{base_url}/authority/{quote(AUTH)}")
    seen = set()
    for _ in range(10):
        seen |= {a.text for a in browser.find_elements(By.CSS_SELECTOR, "#tbl-penalties tbody td:first-child a")}
        nxt = browser.find_elements(By.CSS_SELECTOR, "#tbl-penalties .pager-next")
        if not nxt:
            break
        nxt[0].click()
    assert len(seen) == N
    assert "1306" not in browser.page_source and "更多" not in browser.find_element(By.ID, "rel-ISSUED_BY").text


def test_a_table_sorts_filters_and_offers_csv(browser, base_url, read_data):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{base_url}/authority/{quote(AUTH)}")
    heading = [a for a in browser.find_elements(By.CSS_SELECTOR, "#tbl-penalties th a.tbl-sort") if a.text.startswith("决定日期")][0]
    heading.click()
    dates = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#tbl-penalties tbody tr td:nth-child(5)")]
    assert dates == sorted(dates)
    box = browser.find_element(By.CSS_SELECTOR, "#tbl-penalties input.tbl-q")
    box.send_keys("违法行为7", Keys.ENTER)
    rows = browser.find_elements(By.CSS_SELECTOR, "#tbl-penalties tbody tr")
    assert rows and all("违法行为7" in r.text for r in rows)
    csv = browser.find_element(By.CSS_SELECTOR, "#tbl-penalties a.tbl-csv").get_attribute("href")
    assert "csv=penalties" in csv and "penalties_q=" in csv


def test_a_list_record_shows_what_it_has_and_its_list_by_name(browser, base_url, graph, read_data):
    from selenium.webdriver.common.by import By

    rec = graph.run("MATCH (e:Enterprise)-[:PENALIZED]->(p:Penalty {list_id: 'read-test'}) RETURN e.uscc AS u")[0]["u"]
    browser.get(f"{base_url}/enterprise/{quote(rec, safe='')}")
    main = browser.find_element(By.TAG_NAME, "main")
    assert not main.find_elements(By.CSS_SELECTOR, "td.none")  # no empty tables
    assert [dd for dd in main.find_elements(By.CSS_SELECTOR, "dl.facts dd") if dd.text.strip() == "—"] == []
    assert browser.find_element(By.ID, "empty-lists").is_displayed()
    sanctions = browser.find_element(By.ID, "verdict-sanctions").text
    assert "Read Test Bank debarment list" in sanctions and "read-test:" not in sanctions
    # the Chinese firm the record is matched to: the list's record is near the top, named by its list
    browser.get(f"{base_url}/enterprise/{LISTED}")
    matched = browser.find_element(By.ID, "matched-records")
    assert matched.location["y"] < browser.find_element(By.CSS_SELECTOR, "section.graph").location["y"]
    assert "Read Test Bank debarment list" in matched.text and "read-test:" not in matched.text


@pytest.mark.skipif(not EBRD.exists(), reason="the real EBRD list is not on this machine")
def test_an_ebrd_debarment_reads_as_its_list(browser, base_url, graph, read_data):
    from selenium.webdriver.common.by import By

    rec = graph.run("MATCH (e:Enterprise)-[:PENALIZED]->(p:Penalty {list_id: 'ebrd-ineligible'}) WHERE p.valid_until IS NULL "
                    "RETURN e.uscc AS u LIMIT 1")[0]["u"]
    browser.get(f"{base_url}/enterprise/{quote(rec, safe='')}")
    badge = browser.find_element(By.ID, "verdict-sanctions").text
    assert "ebrd-ineligible:" not in badge and "EBRD" in badge


def test_risk_columns_read_and_the_ranking_pages(browser, base_url):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 1000)
    browser.get(f"{base_url}/risk?limit=10")
    heights = js(browser, "return [...document.querySelectorAll('#risk-table th')].map(th => th.getBoundingClientRect().height)")
    line = js(browser, "return parseFloat(getComputedStyle(document.querySelector('#risk-table th')).lineHeight) || 20")
    assert max(heights) < 2.2 * line + 16, heights  # one line each: no 得/分 stacked
    first = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#risk-table tbody td:first-child")]
    browser.find_element(By.CSS_SELECTOR, "#tbl-risk .pager-next").click()
    second = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#risk-table tbody td:first-child")]
    assert first[0] == "1" and second[0] == "11"
    browser.get(f"{base_url}/risk?region={quote('苏州')}")
    regions = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#risk-table tbody td.region")]
    assert regions and all(r.startswith("江苏省 苏州市") for r in regions)


def test_search_suggests_as_you_type_and_puts_the_exact_name_first(browser, base_url, graph):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    name = "湖北东丰建工有限公司"
    uscc = graph.run("MATCH (e:Enterprise {name: $n}) RETURN e.uscc AS u", {"n": name})[0]["u"]
    browser.get(base_url + "/")
    box = browser.find_element(By.CSS_SELECTOR, "form.search input[name=q]")
    box.send_keys(name)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#suggest li a"))
    first = browser.find_element(By.CSS_SELECTOR, "#suggest li a")
    assert first.get_attribute("href").endswith(uscc) and name in first.text
    box.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: "/search" in d.current_url)
    hits = browser.find_elements(By.CSS_SELECTOR, "#search-hits li")
    assert hits[0].get_attribute("data-key") == uscc
    assert browser.find_element(By.ID, "search-jump").is_displayed()
    box = browser.find_element(By.CSS_SELECTOR, "form.search input[name=q]")
    box.clear()
    box.send_keys(name[:4])
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#suggest li a"))
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)  # a suggestion chosen with the keyboard opens its page
    WebDriverWait(browser, 10).until(lambda d: "/search" not in d.current_url)


def test_the_report_prints_without_the_sites_chrome(browser, base_url):
    from selenium.webdriver.common.by import By

    browser.get(f"{base_url}/enterprise/{HOSTILE_USCC}/report")
    assert browser.find_element(By.CSS_SELECTOR, "header.top").is_displayed()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.CSS_SELECTOR, "header.top").is_displayed()
        assert not browser.find_element(By.ID, "print-report").is_displayed()
        assert browser.find_element(By.ID, "integrity-panel").is_displayed()
        assert dt.date.today().isoformat() in browser.find_element(By.ID, "report-dates").text
        for part in ("report-sanctions", "report-flags", "report-risk"):
            assert browser.find_element(By.ID, part).is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert not js(browser, "return window.__xss")


def test_query_results_sort_and_filter_in_the_page(browser, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{base_url}/console")
    area = browser.find_elements(By.CSS_SELECTOR, "textarea[name=cypher]")  # the console's own parameter
    assert area, "the console's query box is missing"
    area[0].clear()
    area[0].send_keys("MATCH (e:Enterprise) RETURN e.name AS name, e.region_code AS region LIMIT 120")
    area[0].submit()
    box = browser.find_element(By.CSS_SELECTOR, "#result .tbl-q")
    rows = browser.find_elements(By.CSS_SELECTOR, "#result-table tbody tr")
    assert len(rows) == 50 and "/ 120" in browser.find_element(By.CSS_SELECTOR, "#result .tbl-count").text
    box.send_keys("湖北")
    rows = browser.find_elements(By.CSS_SELECTOR, "#result-table tbody tr")
    assert all("湖北" in r.text for r in rows)


@pytest.mark.parametrize("path", ["/risk", "/search?q=%E5%BB%BA%E8%AE%BE", f"/enterprise/{HOSTILE_USCC}",
                                  f"/enterprise/{HOSTILE_USCC}/report", "/authority/" + quote(AUTH)])
def test_my_pages_fit_a_390px_phone(browser, base_url, read_data, path):
    browser.set_window_size(390, 844)
    try:
        browser.get(base_url + path)
        wide = js(browser, "return [...document.querySelectorAll('main > *')].filter(e => e.getBoundingClientRect().right > "
                           "document.documentElement.clientWidth + 1).map(e => e.tagName + '#' + e.id + '.' + e.className)")
        assert wide == [], wide
    finally:
        browser.set_window_size(1280, 1000)


def test_risk_keeps_the_chinese_market_first(client, read_data):
    cn = client.get("/api/risk?limit=1000").get_json()
    everyone = client.get("/api/risk?limit=1000&market=all").get_json()
    assert not [r for r in cn["rows"] if ":" in r["uscc"]]
    foreign = [r for r in everyone["rows"] if ":" in r["uscc"]]
    assert foreign and cn["other_markets"] >= len(foreign) and everyone["total"] == cn["total"] + cn["other_markets"]
    page = client.get("/risk").get_data(as_text=True)
    assert str(cn["other_markets"]) in page[page.index('id="risk-summary"'):][:400]
