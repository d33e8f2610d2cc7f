"""Translation: one gettext catalogue (English msgids, zh_Hans the default, en), complete and compiled;
services return messages that the web and the CLI say in the chosen language; JSON says which; the
old mechanisms (t(zh, en), {"zh", "en"} pairs, " / "-split headers) cannot come back."""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from chengxin.cypher import library, names
from chengxin.graph import flags
from chengxin.graph.messages import N_, listing, msg, pick_lang, render

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "chengxin" / "translations" / "zh_Hans" / "LC_MESSAGES"
FULL_WIDTH = re.compile(r"[，。：；（）「」、！？【】《》]")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _catalogue():
    with open(CATALOGUE / "messages.po", "rb") as f:
        return read_po(f, abort_invalid=True)


def _extracted() -> set[tuple[str | None, str]]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(str(ROOT), method_map, options_map,
                                                                       keywords=keywords):
        found.add((context, message))
    return found


def test_every_message_in_code_templates_headers_and_model_is_translated():
    extracted = _extracted()
    # The extractors reach every source: a template, a service, a Cypher header, the model.
    ids = {m for _, m in extracted}
    assert {"Recent penalties", "{person}: suspected certificate lending", "Enterprises", "Enterprise"} <= ids
    assert ("REGISTERED_AT", "{a} is registered at {b} ({reg_type})") in extracted
    assert all(render(msg(q.purpose), "en") in ids for q in library())
    cat = _catalogue()
    missing = [(c, m) for c, m in extracted if cat.get(m, context=c) is None]
    assert not missing, f"msgids missing from the zh_Hans catalogue (pybabel update, then translate): {missing}"
    undone = [(c, m) for c, m in extracted if not cat.get(m, context=c).string or cat.get(m, context=c).fuzzy]
    assert not undone, f"untranslated or fuzzy: {undone}"
    stale = [(x.context, x.id) for x in cat if x.id and (x.context, x.id) not in extracted]
    assert not stale, f"in the catalogue but no longer in the code: {stale}"
    assert not cat.fuzzy


def test_english_reads_as_english():
    bad = [msgid for _, msgid in _extracted() if FULL_WIDTH.search(msgid)]  # Chinese examples (南昌 建设) are fine
    assert not bad, bad


def test_the_shipped_mo_is_the_compiled_po(tmp_path):
    fresh = tmp_path / "messages.mo"
    with open(fresh, "wb") as f:
        write_mo(f, _catalogue())
    with open(fresh, "rb") as a, open(CATALOGUE / "messages.mo", "rb") as b:
        compiled, shipped = gettext.GNUTranslations(a), gettext.GNUTranslations(b)
    assert compiled._catalog == shipped._catalog, "run: pybabel compile -d chengxin/translations"
    assert shipped.gettext("Recent penalties") == "最新处罚"


def test_the_old_mechanisms_cannot_come_back():
    bad = []
    for path in [*(ROOT / "web" / "templates").rglob("*.html"),
                 *(p for d in ("graph", "web", "chengxin", "cypher", "loaders") for p in (ROOT / d).rglob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\bt\(\s*['\"]", r"\bt\(\s*\w+\.zh\b",
                        r"[\"']zh[\"']\s*:[^,}]*,\s*[\"']en[\"']\s*:", r"\[[\"'](zh|en)[\"']\]",
                        r"\b\w+_zh\s*,\s*\w+_en\b", r"\b(purpose|say|title)_(zh|en)\b"):
            for m in re.finditer(pattern, text):
                bad.append(f"{path.relative_to(ROOT)}: {text[max(0, m.start() - 20):m.end() + 20]!r}")
    for name in names():
        for line in (ROOT / "cypher" / f"{name}.cypher").read_text(encoding="utf-8").splitlines():
            said = re.match(r"^//\s*(?:purpose|library)\s*:?(.*)$|^//\s*param\s.*?--(.*)$", line)
            if said and (CJK.search(said.group(1) or said.group(2) or "") or " / " in (said.group(1) or said.group(2))):
                bad.append(f"cypher/{name}.cypher: {line}")
    model = (ROOT / "graph" / "model.toml").read_text(encoding="utf-8")
    bad += [f"model.toml: {m.group(0)}" for m in re.finditer(r"^(zh|say_zh|en|say_en)\s*=.*$", model, re.M)]
    assert not bad, bad


def test_a_message_is_said_in_either_language_with_nested_parts():
    m = msg(N_("holds {qualifications}"), qualifications=listing(
        [msg(N_("{category} {cert} ({start} to {end})"), category="施工总承包", cert="Q1", start="2020-01-01", end=None)]
        * 2))
    assert render(m, "zh") == "持有 施工总承包 Q1（2020-01-01至—）、施工总承包 Q1（2020-01-01至—）"
    assert render(m, "en") == "holds 施工总承包 Q1 (2020-01-01 to —); 施工总承包 Q1 (2020-01-01 to —)"
    assert str(m) == render(m, "en")
    assert [pick_lang(x) for x in ("zh", "zh_Hans", "zh-CN", "ZH-hans", "en", "fr", None)] == \
           ["zh_Hans", "zh_Hans", "zh_Hans", "zh_Hans", "en", None, None]


def test_language_choice_is_remembered_and_said_on_every_response(client):
    r = client.get("/")
    assert r.headers["Content-Language"] == "zh-Hans" and "最新处罚" in r.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in r.get_data(as_text=True)
    r = client.get("/?lang=en")
    page = r.get_data(as_text=True)
    assert r.headers["Content-Language"] == "en" and "Recent penalties" in page and '<html lang="en">' in page
    assert "lang=en" in r.headers["Set-Cookie"]
    again = client.get("/search?q=x")  # remembered in the cookie
    assert again.headers["Content-Language"] == "en" and "最新处罚" not in again.get_data(as_text=True)
    missing = client.get("/enterprise/nope")
    assert missing.status_code == 404 and missing.headers["Content-Language"] == "en"
    assert "Enterprise nope not found" in missing.get_data(as_text=True)
    for choice in ("zh", "zh_Hans", "zh-CN"):
        r = client.get(f"/?lang={choice}")
        assert r.headers["Content-Language"] == "zh-Hans" and "最新处罚" in r.get_data(as_text=True), choice
    assert "没有找到企业 nope" in client.get("/enterprise/nope").get_data(as_text=True)
    static = client.get("/static/chengxin.css")
    static.close()
    assert static.headers.get("Content-Language") == "zh-Hans"
    links = client.get("/").get_data(as_text=True)
    assert 'href="/?lang=zh"' in links and 'href="/?lang=en"' in links


def test_json_carries_facts_parameters_text_and_its_language(client, plant_manifest):
    kind = "cert_lending"
    key = plant_manifest["flags"][kind]["planted"][0]
    zh = client.get(f"/api/flags/{kind}").get_json()
    en = client.get(f"/api/flags/{kind}?lang=en").get_json()
    assert zh["lang"] == "zh_Hans" and en["lang"] == "en"
    assert zh["name"]["text"] == "挂证" and en["name"]["text"] == "Certificate lending"
    hit_zh = next(h for h in zh["hits"] if h["key"] == key)
    hit_en = next(h for h in en["hits"] if h["key"] == key)
    assert hit_zh["title"]["msgid"] == hit_en["title"]["msgid"] == "{person}: suspected certificate lending"
    assert hit_zh["title"]["params"] == hit_en["title"]["params"] and hit_zh["title"]["params"]["person"]
    assert hit_zh["title"]["text"].endswith("涉嫌挂证") and hit_en["title"]["text"].endswith("suspected certificate lending")
    assert "项目经理" in hit_zh["facts"][0]["text"] and "while registered at" in hit_en["facts"][0]["text"]
    assert not FULL_WIDTH.search(hit_en["facts"][0]["text"].replace(hit_en["facts"][0]["params"]["project"], ""))
    err = client.get("/api/flags/nope?lang=en")
    assert err.status_code == 404 and err.headers["Content-Language"] == "en" and "no red flag" in err.get_json()["error"]
    assert err.get_json()["lang"] == "en"
    q = client.get("/api/queries?lang=en").get_json()
    assert q["lang"] == "en" and {g["group"]["text"] for g in q["groups"]} >= {"Enterprises"}
    assert {g["group"]["text"] for g in client.get("/api/queries?lang=zh").get_json()["groups"]} >= {"企业"}


def test_path_sentences_in_both_languages(client, plant_manifest):
    expect = plant_manifest["path"][0]
    args = {"from": expect["from"], "to": expect["to"]}
    zh = client.get("/api/path", query_string=args).get_json()
    en = client.get("/api/path", query_string={**args, "lang": "en"}).get_json()
    assert "，并担任" in zh["result"]["paths"][0]["text"] and zh["lang"] == "zh_Hans"
    assert "is registered at" in en["result"]["paths"][0]["text"] and en["lang"] == "en"
    page = client.get("/path", query_string={**args, "lang": "en"}).get_data(as_text=True)
    assert "is registered at" in page and "注册于" not in page


def test_pages_in_english_have_no_chinese_interface_text(client, plant_manifest):
    """Data may be Chinese (names, measures); the interface around it must not be."""
    uscc = plant_manifest["eligibility"][0]["uscc"]
    for url in ("/", "/flags", "/queries", "/risk", "/sources", f"/eligibility/{uscc}?date=2025-06-01"):
        page = client.get(url + ("&" if "?" in url else "?") + "lang=en").get_data(as_text=True)
        visible = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", page, flags=re.S)
        assert "最新处罚" not in visible and "风险信号" not in visible and "查询" not in visible.replace("查询为空", ""), url


@pytest.mark.parametrize("lang,expect", [(None, "挂证"), ("en", "Certificate lending"), ("zh-CN", "挂证")])
def test_cli_prints_in_its_language(cli, monkeypatch, lang, expect):
    monkeypatch.delenv("CHENGXIN_LANG", raising=False)
    out = cli(*(["--lang", lang] if lang else []), "flags", "--list")
    assert out.exit_code == 0 and expect in out.stdout, out.output
    monkeypatch.setenv("CHENGXIN_LANG", "en")
    assert "Phoenix firm" in cli("flags", "--list").stdout
    listing_ = cli("query", "--list").stdout
    assert "Enterprise profile" in listing_ and "企业档案" not in listing_
    assert cli("--lang", "fr", "flags", "--list").exit_code != 0


def test_cli_json_says_its_language(cli, graph):
    out = cli("--lang", "en", "flags", "--kind", "phoenix", "--format", "json")
    body = json.loads(out.stdout)
    assert body["lang"] == "en" and body["phoenix"][0]["title"]["text"].endswith("and then won tenders")
    assert body["phoenix"][0]["title"]["msgid"].startswith("{new}") and flags.DETECTORS["phoenix"].name == "Phoenix firm"
