"""Datasette's habit: a setting missing from the README fails the build."""

from pathlib import Path

from chengxin.graph.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"CHENGXIN_{name.upper()}" in README, f"CHENGXIN_{name.upper()} is not in the README"


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text("utf-8")
    command = ci.strip().splitlines()[-1]
    assert command in README
