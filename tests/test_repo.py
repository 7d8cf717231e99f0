"""Repository contracts: dependency lists agree, notebooks match their sources and are executed."""

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

try:
    import tomllib
except ImportError:  # Python 3.10: pip vendors the same parser
    from pip._vendor import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_SOURCES = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.py"))


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _environment_yml_names() -> set[str]:
    """Package names from environment.yml: the conda list and its pip: section (minus python, pip, -e .)."""
    names, in_deps = set(), False
    for line in (REPO / "environment.yml").read_text().splitlines():
        stripped = line.split("#", 1)[0].rstrip()
        in_deps = in_deps or stripped.startswith("dependencies:")
        match = in_deps and re.match(r"^\s+- ([A-Za-z][\w.-]*)(\s|[<>=]|$)", stripped)
        if match and not stripped.endswith(":"):
            names.add(_name(match.group(1)))
    return names - {"python", "pip"}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = {_name(r) for r in project["dependencies"]}
    for extra in ("dev", "instructor", "hub"):
        declared |= {_name(r) for r in project["optional-dependencies"][extra]}
    assert _environment_yml_names() == declared


def test_environment_yml_installs_the_project():
    assert re.search(r"^\s+- -e \.\s*$", (REPO / "environment.yml").read_text(), re.M)


def test_every_chapter_has_a_source_and_a_notebook():
    assert NOTEBOOK_SOURCES, "no notebooks/NN_*.py found"
    for py in NOTEBOOK_SOURCES:
        assert py.with_suffix(".ipynb").exists(), f"{py.name} has no .ipynb: run `make notebooks`"
    for nb in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        assert nb.with_suffix(".py").exists(), f"{nb.name} has no paired .py source"


@pytest.mark.parametrize("py", NOTEBOOK_SOURCES, ids=lambda p: p.stem)
def test_notebook_cells_match_their_py_source(py):
    source = jupytext.read(py)
    stored = nbformat.read(py.with_suffix(".ipynb"), as_version=4)
    src_cells = [(c.cell_type, c.source) for c in source.cells]
    nb_cells = [(c.cell_type, c.source) for c in stored.cells]
    assert len(src_cells) == len(nb_cells), f"{py.name}: cell count differs; run `make notebooks NB={py.stem}`"
    for i, (a, b) in enumerate(zip(src_cells, nb_cells)):
        assert a == b, f"{py.name}: cell {i} differs from the .ipynb; run `make notebooks NB={py.stem}`"


@pytest.mark.parametrize("py", NOTEBOOK_SOURCES, ids=lambda p: p.stem)
def test_every_code_cell_was_executed_in_order(py):
    stored = nbformat.read(py.with_suffix(".ipynb"), as_version=4)
    counts = [c.execution_count for c in stored.cells if c.cell_type == "code" and c.source.strip()]
    assert None not in counts, f"{py.name}: a code cell was never executed; run `make notebooks`"
    assert counts == list(range(1, len(counts) + 1)), f"{py.name}: cells not executed top to bottom"
    assert any(c.get("outputs") for c in stored.cells if c.cell_type == "code"), "no stored outputs"


@pytest.mark.parametrize("py", NOTEBOOK_SOURCES, ids=lambda p: p.stem)
def test_notebook_has_no_error_outputs_except_where_tagged(py):
    stored = nbformat.read(py.with_suffix(".ipynb"), as_version=4)
    for i, cell in enumerate(stored.cells):
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        assert not errors, f"{py.name} cell {i} stored an error: {errors[0].ename}"


@pytest.mark.parametrize("py", NOTEBOOK_SOURCES, ids=lambda p: p.stem)
def test_notebook_structure(py):
    """Every chapter: a title, objectives, a setup cell with the rng, exercises, summary, glossary."""
    text = py.read_text(encoding="utf-8")
    assert re.search(r"^# # Chapter \d — ", text, re.M), "title '# Chapter N — ...'"
    assert "What you will learn" in text
    assert "course_lib.setup_notebook(seed=" in text
    assert len(re.findall(r"^# ### Exercise \d\.\d+", text, re.M)) >= 3, "at least 3 exercises"
    assert text.count("### BEGIN SOLUTION") == text.count("### END SOLUTION") >= 3
    assert re.search(r"^# ## Summary", text, re.M)
    assert re.search(r"^# ## Glossary", text, re.M) and "日本語" in text
