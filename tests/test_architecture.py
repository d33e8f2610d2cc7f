"""The shape of the code: one import root, layers that only point down, no import hidden in a
function to dodge a cycle. The layer contract lives in pyproject.toml ([tool.importlinter]).

import-linter reads a package from its folder, and the repository's folders (graph/, web/ …)
become ``chengxin.*`` only when installed, so the contract is checked against an installed copy:
the same files a wheel holds.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("chengxin", "graph", "loaders", "web", "cypher")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """chengxin installed (no dependencies) into a folder of its own, as a wheel would be."""
    target = tmp_path_factory.mktemp("installed")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    return target


def test_the_installed_package_has_one_top_level_name(installed):
    names = {p.name for p in installed.iterdir() if not p.name.endswith(".dist-info") and p.name != "bin"}
    assert names == {"chengxin"}
    for sub in ("graph", "loaders", "web", "cypher"):
        assert (installed / "chengxin" / sub / "__init__.py").is_file()
    assert (installed / "chengxin" / "graph" / "model.toml").is_file()
    assert any((installed / "chengxin" / "cypher").glob("*.cypher"))


def test_generic_names_are_not_importable_outside_the_repository(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    ok = subprocess.run([sys.executable, "-c", "import chengxin.web, chengxin.graph.db"], cwd=tmp_path, env=env,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    for name in ("web", "graph", "loaders", "cypher"):
        r = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=tmp_path, env=env,
                           capture_output=True, text=True)
        assert r.returncode != 0 and "ModuleNotFoundError" in r.stderr, name


def lint_imports(installed: Path, cwd: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` with the repository's contracts, against the installed copy."""
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(installed)}, capture_output=True, text=True, timeout=300)



def lint_with_import(installed: Path, cwd: Path, module: str, line: str) -> subprocess.CompletedProcess:
    """``lint-imports`` after adding an import, on purpose, to one module of the installed copy."""
    path = installed / "chengxin" / module
    original = path.read_text("utf-8")
    path.write_text(original + f"\n{line}  # on purpose\n", "utf-8")
    try:
        return lint_imports(installed, cwd)
    finally:
        path.write_text(original, "utf-8")

def test_layers_point_down(installed, tmp_path):
    """`lint-imports` with the contract in pyproject.toml, from outside the repository so that
    ``chengxin`` is the installed copy."""
    r = lint_imports(installed, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 kept, 0 broken" in r.stdout


def test_an_upward_import_breaks_the_contract(installed, tmp_path):
    """The contract can fail: a model module importing the command line is caught."""
    r = lint_with_import(installed, tmp_path, "loaders/rows.py", "from chengxin.cli import main")
    assert r.returncode != 0
    assert "chengxin.loaders.rows is not allowed to import chengxin.cli" in r.stdout


def test_the_sample_generator_stays_out_of_the_runtime_import_graph(installed, tmp_path):
    """The second contract can fail too: the export taking the table columns from the sample generator
    again (as it once did) breaks it, though the layers allow a service to import a module of its layer."""
    r = lint_with_import(installed, tmp_path, "graph/export.py",
                         "from chengxin.loaders.sample import COLUMNS as SAMPLE_COLUMNS")
    assert r.returncode != 0
    assert "1 kept, 1 broken" in r.stdout
    assert "chengxin.graph is not allowed to import chengxin.loaders.sample" in r.stdout
    assert "chengxin.graph.export -> chengxin.loaders.sample" in r.stdout


def test_no_chengxin_import_is_hidden_inside_a_function():
    """Imports of chengxin's own modules sit at the top of the module (third-party libraries that are
    heavy or optional may be imported where they are used)."""
    hidden = []
    for folder in FOLDERS:
        for f in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(f.read_text("utf-8"))
            for fn in ast.walk(tree):
                if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for node in ast.walk(fn):
                    if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("chengxin")):
                        hidden.append(f"{f.relative_to(ROOT)}:{node.lineno}")
                    elif isinstance(node, ast.Import) and any(a.name.startswith("chengxin") for a in node.names):
                        hidden.append(f"{f.relative_to(ROOT)}:{node.lineno}")
    assert hidden == []
