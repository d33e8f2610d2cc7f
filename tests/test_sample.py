import filecmp

from chengxin.loaders.ids import uscc_problem
from chengxin.loaders.sample import generate

from .conftest import SAMPLE, sample_rows


def test_deterministic_and_the_shipped_sample_is_current(tmp_path):
    a = generate(tmp_path / "a", scale=1, seed=7)
    generate(tmp_path / "b", scale=1, seed=7)
    for name in a:
        assert filecmp.cmp(tmp_path / "a" / f"{name}.csv", tmp_path / "b" / f"{name}.csv", shallow=False)
        assert filecmp.cmp(tmp_path / "a" / f"{name}.csv", SAMPLE / f"{name}.csv", shallow=False), (
            f"chengxin/sample/{name}.csv is stale: run chengxin sample chengxin/sample --scale 1 --seed 7")
    c = generate(tmp_path / "c", scale=1, seed=8)
    assert not filecmp.cmp(tmp_path / "a" / "enterprises.csv", tmp_path / "c" / "enterprises.csv", shallow=False)
    assert c["enterprises"] == a["enterprises"]


def test_scale_is_linear(tmp_path):
    one = generate(tmp_path / "one", scale=1, seed=3)
    three = generate(tmp_path / "three", scale=3, seed=3)
    assert three["enterprises"] == 3 * one["enterprises"]
    assert 2.5 * one["bids"] < three["bids"] < 3.5 * one["bids"]


def test_realistic_identifiers_and_vocabulary():
    firms = sample_rows("enterprises")
    assert all(uscc_problem(f["uscc"]) is None for f in firms)
    assert len({f["uscc"] for f in firms}) == len(firms) and len({f["name"] for f in firms}) == len(firms)
    assert all(f["name"].endswith("公司") and "集团集团" not in f["name"] for f in firms)
    penalties = sample_rows("penalties")
    # The platform's false-performance list (issue 16) keeps its own record numbers (FAKE-…); every decision
    # has a decision number.
    listed = [p for p in penalties if p["penalty_id"].startswith("FAKE-")]
    assert listed and all(p["measure"] == "虚假业绩" and p["authority"] == "住房和城乡建设部" for p in listed)
    assert all("罚字〔" in p["penalty_id"] and p["penalty_id"].endswith("号") for p in penalties if p not in listed)
    assert {"暂停投标资格", "列入黑名单"} & {p["measure"] for p in penalties}
    bids = sample_rows("bids")
    per_tender = {}
    for b in bids:
        per_tender[b["tender_no"]] = per_tender.get(b["tender_no"], 0) + 1
    assert min(per_tender.values()) >= 1 and max(per_tender.values()) <= 9
    grades = {q["grade"] for q in sample_rows("qualifications")}
    assert {"一级", "二级", "甲级"} <= grades
