"""One vocabulary (graph/vocabulary.toml), one name normaliser (graph/names.py), the maintained
libraries that replaced hand-written code (rapidfuzz, tabulate with wcwidth), checked against the
shipped sample, the planted cases and the session's database."""

from __future__ import annotations

import csv
import json
import re
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from wcwidth import wcswidth

from chengxin.graph import flags, matching, names, queries, vocabulary as V
from chengxin.graph.integrity import is_restrictive
from chengxin.graph.messages import render
from chengxin.loaders.plant import plant

from .conftest import SAMPLE, sample_rows

ROOT = Path(__file__).resolve().parent.parent


# --- the vocabulary ---------------------------------------------------------------------------

def _column(folder: Path, table: str, column: str) -> set[str]:
    path = folder / f"{table}.csv"
    if not path.exists():
        return set()
    with open(path, encoding="utf-8") as f:
        return {r[column] for r in csv.DictReader(f) if r.get(column)}


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("planted-vocab")
    plant(folder)
    return folder


@pytest.mark.parametrize("table, column, group", [
    ("enterprises", "type", "enterprise_types"),
    ("participations", "role", "participation_roles"),
    ("project_staff", "role", "staff_roles"),
    ("qualifications", "category", "qualification_categories"),
    ("registrations", "reg_type", "registration_types"),
])
def test_every_term_the_sample_and_the_planted_cases_use_is_in_the_vocabulary(planted, table, column, group):
    used = _column(SAMPLE, table, column) | _column(planted, table, column)
    assert used, (table, column)
    assert used <= set(V.names(group)), sorted(used - set(V.names(group)))


def test_every_measure_the_sample_uses_is_a_known_measure(planted):
    used = _column(SAMPLE, "penalties", "measure") | _column(planted, "penalties", "measure")
    assert len(used) >= 5
    unknown = sorted(m for m in used if V.measure_of(m) is None)
    assert not unknown, unknown


def test_every_term_has_a_code_a_chinese_and_an_english_name():
    for group in V.GROUPS:
        ts = V.terms(group)
        assert ts, group
        for t in ts:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", t.code), t
            assert re.search(r"[\u4e00-\u9fff]", t.zh), t
            assert t.en and not re.search(r"[\u4e00-\u9fff]", t.en), t
            assert V.term(group, t.code) is t and V.term(group, t.zh) is t
            assert V.render(group, t.zh, "en") == t.en and V.render(group, t.zh, "zh") == t.zh
    assert V.render("participation_roles", "未知角色", "en") == "未知角色"


def test_rules_read_from_the_terms():
    assert V.ROLE_QUALIFICATIONS["劳务分包"] == ("施工劳务", "专业承包", "施工总承包")
    assert V.ROLE_QUALIFICATIONS["监理"] == ("工程监理",)
    assert "建设单位" not in V.ROLE_QUALIFICATIONS and "招标代理" not in V.ROLE_QUALIFICATIONS
    assert V.NEEDS_QUALIFICATION == {"施工", "监理", "设计", "勘察"}
    assert V.SUBCONTRACT_DEFAULT_ROLE == "专业分包"
    assert V.OCDS_ROLES == {"buyer": "建设单位", "supplier": "中标单位", "funder": "出资方"}
    # a measure is recognised by any of its words, wherever it stands in the text
    assert is_restrictive("责令停业整顿") and is_restrictive("纳入黑名单管理") and not is_restrictive("罚款")
    assert V.measure_of("列入黑名单（禁止参与多边开发银行项目）/ debarment").code == "blacklisting"
    assert set(V.BID_BANS) < set(V.RESTRICTIVE) and "吊销" in V.LOSS_OF_STANDING and "吊销" not in V.BID_BANS
    points = V.risk_measure_points()
    assert points["列入黑名单"] == points["黑名单"] == 40 and points["*"] == 5
    assert list(points)[-1] == "*"


def test_settings_and_row_models_take_the_vocabulary():
    from chengxin.graph.settings import Settings
    from chengxin.loaders.rows import EnterpriseRow, ParticipationRow

    assert Settings().risk_measure_points == V.risk_measure_points()
    assert set(EnterpriseRow.model_fields["type"].annotation.__args__[0].__args__) == set(V.ENTERPRISE_TYPE_NAMES)
    assert set(ParticipationRow.model_fields["role"].annotation.__args__) == set(V.ROLE_NAMES)


def test_no_module_spells_the_role_rules_again():
    """The role order, the role -> qualification table and the restrictive measures live in one file."""
    spelled = re.compile(r'"施工总承包",\s*"专业分包"|"暂停投标资格",\s*"列入黑名单"|\{"施工",\s*"监理",\s*"设计"')
    found = [str(p.relative_to(ROOT)) for folder in ("graph", "loaders", "web", "chengxin")
             for p in (ROOT / folder).rglob("*.py") if spelled.search(p.read_text("utf-8"))]
    assert not found, found
    cypher = [p.name for p in (ROOT / "cypher").glob("*.cypher")
              if re.search(r"'(施工总承包|专业分包|劳务分包|监理|列入黑名单|黑名单)'", p.read_text("utf-8"))]
    assert not cypher, cypher


def test_project_participants_follow_the_vocabulary_order(graph):
    codes = {}
    for r in sample_rows("participations"):
        codes.setdefault(r["project_code"], set()).add(r["role"])
    code = max(codes, key=lambda c: len(codes[c]))
    d = queries.profile(graph, "project", code)
    roles = [p["role"] for p in d["participants"]]
    assert len(set(roles)) >= 4
    assert roles == sorted(roles, key=V.role_rank)
    assert roles[0] == V.ROLE["owner"]


def test_subcontractors_without_a_role_are_checked_as_the_default_role(graph):
    """flag_unqualified_subcontractor takes the default role as a parameter from the vocabulary:
    with another default (one no role needs a qualification for) the hits without a role go."""
    hits = flags.detect(graph, "unqualified_subcontractor", graph.settings)
    assert hits
    every = {"lo": "", "hi": flags.TOP}  # one key range holding every firm
    rows_default = graph.query("flag_unqualified_subcontractor", needs=V.needs_param(),
                               default_role=V.SUBCONTRACT_DEFAULT_ROLE, **every)
    rows_owner = graph.query("flag_unqualified_subcontractor", needs=V.needs_param(), default_role=V.ROLE["owner"],
                             **every)
    assert {r["role"] for r in rows_default} <= set(V.ROLE_QUALIFICATIONS)
    assert len(rows_owner) <= len(rows_default)
    assert not [r for r in rows_owner if r["role"] == V.ROLE["owner"]]


# --- the name normaliser ----------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("ＡＢＣ建设有限公司", "ABC建设有限公司"),                          # full-width letters
    ("中建三局（北京）有限公司", "中建三局(北京)有限公司"),                # full-width brackets
    ("中建三局【北京】有限公司", "中建三局［北京］有限公司"),              # other brackets, after NFKC
    ("江西  建工 集团", "江西建工集团"),                                  # spaces
    ("Acme Construction Co., Ltd.", "ACME CONSTRUCTION"),                 # legal form, case
    ("Acme Construction Company Limited", "acme construction ltd"),
    ("Constructora Alfa S.A. de C.V.", "Constructora Alfa"),
    ("南昌宏达建设股份有限公司", "南昌宏达建设有限责任公司"),              # Chinese legal forms
])
def test_match_key_cases(a, b):
    assert names.normalise(a) == names.normalise(b)
    assert matching.normalise is names.normalise  # matching uses the one normaliser


def test_forms_and_identity_keys():
    assert names.normalise("南昌宏达建设有限公司", keep_form=True) != names.normalise("南昌宏达建设股份有限公司", keep_form=True)
    assert names.normalise("公司") == "公司"  # a name that is only a legal form keeps it
    # the identity key (XX-NAME:…) folds widths and spaces but keeps brackets and legal forms
    assert names.identity_key(" ａｃｍｅ\u3000 Co.,  Ltd. ") == "ACME CO., LTD."
    assert names.identity_key("中建（北京）有限公司") == "中建(北京)有限公司"
    assert names.identity_key("中建【北京】有限公司") == "中建【北京】有限公司"
    assert names.identity_key(None) == ""
    assert names.fold("Ｈｅａｄｅｒ\t Name") == "Header Name"
    assert names.chinese_name("Sinohydro Corporation Limited (中国水利水电建设股份有限公司)") == "中国水利水电建设股份有限公司"
    assert names.branch_parents("中国建筑第八工程局有限公司南昌分公司")[0] == "中国建筑第八工程局有限公司"


def test_the_normaliser_lives_in_one_module():
    found = [str(p.relative_to(ROOT)) for folder in ("graph", "loaders", "web", "chengxin")
             for p in (ROOT / folder).rglob("*.py") if "unicodedata.normalize" in p.read_text("utf-8")]
    assert found == ["graph/names.py"]
    for path in ("loaders/ocds.py", "loaders/lists.py", "graph/matching.py"):
        assert "names import" in (ROOT / path).read_text("utf-8"), path


def test_list_and_ocds_name_keys_are_the_one_identity_key(tmp_path):
    from chengxin.loaders import ocds

    release = {"ocid": "ocds-test-1", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["award"],
               "parties": [{"id": "party-1", "name": "ｔｅｓｔ  Builders（Group） Co., Ltd.", "roles": ["supplier"]}],
               "awards": [{"id": "a1", "suppliers": [{"id": "party-1"}], "date": "2024-01-02T00:00:00Z"}]}
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"releases": [release]}), "utf-8")
    conv = ocds.convert(path, "ocds", "test")
    keys = {row[-1]["uscc"] for row in conv.rows["enterprises"]}  # (file, record, row)
    # keyed within its source (issue 13: two sources naming a firm alike no longer share one node)
    assert "XX-NAME:TEST:" + names.identity_key("ｔｅｓｔ  Builders（Group） Co., Ltd.") in keys
    assert "XX-NAME:TEST:TEST BUILDERS(GROUP) CO., LTD." in keys


# --- rapidfuzz instead of difflib -------------------------------------------------------------

NEAR = [("南昌宏达建设工程", "南昌宏达建筑工程"), ("江西省建工集团", "江西省建工集团第一"), ("acmeconstruction", "acmeconstructions"),
        ("中铁十八局集团", "中铁十八局集团第五工程"), ("constructoraalfa", "constructorabeta")]


@pytest.mark.parametrize("a, b", NEAR)
def test_near_names_score_as_difflib_did(a, b):
    recs = [{"key": "XX-NAME:A", "name": a, "source": "x"}, {"key": "XX-NAME:B", "name": b, "source": "y"}]
    ratio = SequenceMatcher(None, names.normalise(a), names.normalise(b)).ratio()
    links = matching.propose(recs, 0.0)
    near = [link for link in links if render(link["reason"], "en").startswith("similar names")]
    assert len(near) == 1 and near[0]["score"] == round(ratio * 0.9, 3)
    assert "SequenceMatcher" not in (ROOT / "graph" / "matching.py").read_text("utf-8")


# --- tables in the terminal -------------------------------------------------------------------

def _starts(line: str, cells: list[str]) -> list[int]:
    """The display column where each cell starts in a printed line."""
    out, pos = [], 0
    for cell in cells:
        i = line.index(cell, pos)
        out.append(wcswidth(line[:i]))
        pos = i + len(cell)
    return out


def test_text_table_aligns_cjk_by_display_width():
    from chengxin.cli import text_table

    rows = [["中国葛洲坝集团股份有限公司", "施工", "12"], ["ACME", "监理", "3"], ["江西建工", "其他", "1,234"]]
    lines = text_table(["名称 name", "类型", "n"], rows, align=["left", "left", "right"], rule=True)
    assert len(lines) == 5 and set(lines[1]) <= {"-", " "}
    starts = [_starts(line, cells) for line, cells in zip(lines[2:], rows)]
    assert starts[0][:2] == starts[1][:2] == starts[2][:2]
    ends = {wcswidth(line) for line in lines[2:]}
    assert len(ends) == 1  # right-aligned last column: every line ends at the same display column


def test_cli_query_table_aligns_cjk(cli, graph):
    """`chengxin query` prints node cells and names in Chinese; the columns after them line up."""
    from chengxin.cli import _cut

    args = ["query", "top_penalized", "-p", "from=2000-01-01", "-p", "to=2030-12-31", "-p", "limit=8"]
    data = cli(*args, "--format", "json")
    out = cli(*args)
    assert out.exit_code == 0 and data.exit_code == 0, out.output + data.output
    rows = [r for r in json.loads(data.stdout)["rows"] if r.get("name")]
    assert len(rows) >= 3 and any(re.search(r"[\u4e00-\u9fff]", r["name"]) for r in rows)
    lines = out.stdout.splitlines()
    header, rule = lines[0], lines[1]
    assert set(rule) <= {"-", " "}
    want_uscc, want_after_name = _starts(header, ["uscc", "penalties"])
    for r in rows:
        key, shown = _cut(r["uscc"]), _cut(r["name"])  # cells are cut at 40 columns
        cell = f"  {key}  "  # the uscc column (the node cell before it may show the uscc too)
        line = next(line for line in lines[2:] if cell in line)
        at = line.rindex(cell) + 2
        assert wcswidth(line[:at]) == want_uscc, (line, header)
        end = line.index(shown, at + len(key)) + len(shown)
        nxt = end + len(line[end:]) - len(line[end:].lstrip())
        assert wcswidth(line[:nxt]) == want_after_name, (line, header)
