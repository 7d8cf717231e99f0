"""Student copies (``tools/make_student.py``, ``make student``) and the Colab install cell.

Unit tests run the solution stripper on small made-up cells; the rest runs on every chapter
notebook that exists in both editions (``notebooks/NN_*.ipynb``, ``notebooks/ja/NN_*.ipynb``):
structure of the student copy, no solution left, and chapter 1's student copy (English and
Japanese) executed up to its first exercise.
"""

from __future__ import annotations

import re
import subprocess
import sys
import types

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tool_loader import IDS, NOTEBOOKS, ROOT, load_tool


ms = load_tool("make_student")
JA_NOTEBOOKS = sorted((ROOT / "notebooks" / "ja").glob("[0-9][0-9]_*.ipynb"))
ALL = NOTEBOOKS + JA_NOTEBOOKS
ALL_IDS = IDS + [f"ja/{p.stem}" for p in JA_NOTEBOOKS]


def lang_of(path) -> str:
    return "ja" if path.parent.name == "ja" else "en"


# ---------------------------------------------------------------- the stripper on made-up cells

FUNCTION_CELL = '''\
def my_grad(x, y):
    """Docstring stays."""
    if x is not None:
        ### BEGIN SOLUTION
        secret = 2.0 * (x - y)
        return secret / 7
        ### END SOLUTION
    return None


check("2.3", my_grad)'''


def test_region_in_function_becomes_indented_raise():
    source, n = ms.strip_solutions(FUNCTION_CELL, "code", "2.3")
    assert n == 1
    lines = source.split("\n")
    assert lines[3] == "        # YOUR CODE HERE"
    assert lines[4] == '        raise NotImplementedError("Exercise 2.3: write your solution here")'
    assert "secret" not in source and "SOLUTION" not in source
    assert lines[:3] == FUNCTION_CELL.split("\n")[:3]
    assert lines[5:] == FUNCTION_CELL.split("\n")[7:]  # everything after END kept, check included


def test_stub_raises_the_exercise_message_when_called():
    source, _ = ms.strip_solutions(FUNCTION_CELL, "code", "2.3")
    calls = []
    namespace = {"check": lambda ex, answer: calls.append((ex, answer))}
    exec(compile(source, "<student cell>", "exec"), namespace)
    assert calls and calls[0][0] == "2.3"
    with pytest.raises(NotImplementedError, match=r"^Exercise 2\.3: write your solution here$"):
        namespace["my_grad"](1.0, 2.0)


def test_top_level_assignment_region_becomes_ellipsis_placeholder():
    cell = "### BEGIN SOLUTION\nanswer = -np.log(0.14)\nsecond: float = 2\n### END SOLUTION\ncheck('1.3', answer)"
    source, n = ms.strip_solutions(cell, "code", "1.3")
    assert n == 1
    assert source.split("\n") == [
        "answer = ...  # YOUR ANSWER HERE (Exercise 1.3)",
        "second = ...  # YOUR ANSWER HERE (Exercise 1.3)",
        "check('1.3', answer)",
    ]
    namespace = {"check": lambda *a: None}
    exec(source, namespace)
    assert namespace["answer"] is Ellipsis


def test_top_level_statements_that_are_not_assignments_raise():
    cell = "### BEGIN SOLUTION\nfor i in range(3):\n    total = i\n### END SOLUTION"
    source, _ = ms.strip_solutions(cell, "code", None)
    assert source == '# YOUR CODE HERE\nraise NotImplementedError("This exercise: write your solution here")'


def test_markdown_region_becomes_your_answer_here():
    cell = "Why does it overflow?\n\n### BEGIN SOLUTION\nBecause exp(1000) > 1.8e308.\n### END SOLUTION"
    source, n = ms.strip_solutions(cell, "markdown")
    assert n == 1 and source == "Why does it overflow?\n\nYOUR ANSWER HERE"


def test_markers_must_be_whole_lines():
    text = "Write between the `### BEGIN SOLUTION` and `### END SOLUTION` lines."
    assert ms.strip_solutions(text, "markdown") == (text, 0)


def test_japanese_stubs():
    source, n = ms.strip_solutions(FUNCTION_CELL, "code", "2.3", lang="ja")
    lines = source.split("\n")
    assert n == 1 and lines[3] == "        # ここに答えを書く"
    assert lines[4] == '        raise NotImplementedError("演習 2.3: ここに解答を書いてください")'
    cell = "### BEGIN SOLUTION\nanswer = -np.log(0.14)\n### END SOLUTION\ncheck('1.3', answer)"
    assert ms.strip_solutions(cell, "code", "1.3", "ja")[0] == "answer = ...  # ここに答えを書く（演習 1.3）\ncheck('1.3', answer)"
    assert ms.strip_solutions("### BEGIN SOLUTION\nfor i in x:\n    y = i\n### END SOLUTION", "code", None, "ja")[0] == \
        '# ここに答えを書く\nraise NotImplementedError("この演習: ここに解答を書いてください")'
    assert ms.strip_solutions("なぜ？\n### BEGIN SOLUTION\n理由。\n### END SOLUTION", "markdown", None, "ja")[0] == \
        "なぜ？\nここに答えを書く"


def test_language_from_the_folder_or_the_setup_cell(tmp_path):
    setup = new_code_cell('rng = course_lib.setup_notebook(seed=0, lang="ja")  # 日本語')
    assert ms.notebook_language(ROOT / "notebooks" / "ja" / "01_loss_functions.ipynb") == "ja"
    assert ms.notebook_language(ROOT / "notebooks" / "01_loss_functions.ipynb") == "en"
    assert ms.notebook_language(tmp_path / "ja" / "x" / "01.ipynb") == "en", "only the notebook's own folder counts"
    assert ms.notebook_language(tmp_path / "01.ipynb", new_notebook(cells=[setup])) == "ja"
    assert ms.notebook_language(nb=new_notebook(cells=[new_code_cell("setup_notebook(seed=0)")])) == "en"
    assert ms.output_path(tmp_path, ROOT / "notebooks" / "ja" / "03_x.ipynb") == tmp_path / "ja" / "03_x.ipynb"
    assert ms.output_path(tmp_path, ROOT / "notebooks" / "03_x.ipynb") == tmp_path / "03_x.ipynb"


def test_japanese_instructions_are_swapped_however_wrapped():
    text = ms.AUTHOR_INSTRUCTIONS_JA
    wrapped = "## 演習\n\n" + text[:30] + "\n" + text[30:70] + "\n" + text[70:] + "\n\n### Exercise 9.1 — 2 倍"
    student, n = ms.swap_instructions(wrapped, lang="ja")
    assert n == 1 and student == "## 演習\n\n" + ms.STUDENT_INSTRUCTIONS_JA + "\n\n### Exercise 9.1 — 2 倍"
    assert "`raise NotImplementedError(…)`" in student and "`...`" in student and "`check`" in student
    assert ms.swap_instructions(wrapped)[1] == 0, "the English paragraph is not looked for in Japanese"
    nb = _toy_notebook()
    nb.cells[1].source = 'setup_notebook(seed=0, lang="ja")'
    nb.cells[2].source = wrapped
    copy, _ = ms.make_student_notebook(nb)
    assert ms.STUDENT_INSTRUCTIONS_JA in copy.cells[2].source
    assert '"演習 9.1: ここに解答を書いてください"' in copy.cells[3].source


@pytest.mark.parametrize("cell, where", [
    ("### BEGIN SOLUTION\nx = 1", "line 1: BEGIN SOLUTION without an END"),
    ("x = 1\n### END SOLUTION", "line 2: END SOLUTION without a BEGIN"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "line 2: BEGIN SOLUTION inside"),
])
def test_broken_markup_is_an_error(cell, where):
    with pytest.raises(ms.SolutionMarkupError, match=where):
        ms.strip_solutions(cell, "code")


def _toy_notebook():
    nb = new_notebook(metadata={"jupytext": {"formats": "ipynb,py:percent"},
                                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [
        new_markdown_cell("# Chapter 9 — Toy", metadata={"slideshow": {"slide_type": "slide"}}),
        new_code_cell("x = 1\nprint(x)", execution_count=1, outputs=[new_output("stream", text="1\n")],
                      metadata={"tags": ["raises-exception"]}),
        new_markdown_cell("### Exercise 9.1 — double it"),
        new_code_cell("def double(v):\n    ### BEGIN SOLUTION\n    return 2 * v\n    ### END SOLUTION\n\n"
                      "check(\"9.1\", double)", execution_count=2,
                      metadata={"nbgrader": {"solution": True}, "tags": ["solution"],
                                "execution": {"iopub.status.busy": "2024"}}),
        new_code_cell("### BEGIN SOLUTION\nthree = 3\n### END SOLUTION\ncheck('9.7', three)"),
        new_markdown_cell("## Glossary"),
        new_code_cell("### BEGIN SOLUTION\nprint('no heading above')\n### END SOLUTION"),
    ]
    return nb


def test_instructions_match_the_copy_the_learner_holds():
    wrapped = "## Exercises\n\n" + ms.AUTHOR_INSTRUCTIONS.replace(" run it:", "\nrun it:").replace(
        "— try", "—\ntry") + "\n\n### Exercise 9.1 — double it"
    student, n = ms.swap_instructions(wrapped)
    assert n == 1 and student == "## Exercises\n\n" + ms.STUDENT_INSTRUCTIONS + "\n\n### Exercise 9.1 — double it"
    assert "reference solution" not in student and "placeholder" in student
    nb = _toy_notebook()
    nb.cells[2].source = wrapped
    copy, _ = ms.make_student_notebook(nb)
    assert ms.STUDENT_INSTRUCTIONS in copy.cells[2].source
    source = ms.make_nbgrader_source(nb)
    assert ms.NBGRADER_INSTRUCTIONS in source.cells[2].source


@pytest.mark.parametrize("path", ALL, ids=ALL_IDS)
def test_student_copy_never_claims_to_hold_solutions(student_dir, path):
    student = nbformat.read(ms.output_path(student_dir, path), as_version=4)
    prose = "\n".join(c.source for c in student.cells if c.cell_type == "markdown")
    assert "already holds a reference solution" not in prose
    assert "BEGIN SOLUTION" not in prose and "END SOLUTION" not in prose, "instructions name absent marker lines"
    if lang_of(path) == "ja":  # the authors' paragraph was found (a reworded one would slip through)
        assert "模範解答がすでに入っています" not in prose and ms.STUDENT_INSTRUCTIONS_JA in prose


def test_exercise_id_from_heading_then_check_call_then_generic():
    student, replaced = ms.make_student_notebook(_toy_notebook())
    assert replaced == ["9.1", "9.1", "?"]  # the heading wins over check('9.7', ...)
    assert "Exercise 9.1: write your solution here" in student.cells[3].source
    assert "three = ...  # YOUR ANSWER HERE (Exercise 9.1)" in student.cells[4].source
    assert "This exercise: write your solution here" in student.cells[6].source


def test_cli_writes_clean_student_copy(tmp_path):
    src = tmp_path / "09_toy.ipynb"
    nbformat.write(_toy_notebook(), src)
    assert ms.main(["--out", str(tmp_path / "student"), str(src)]) == 0
    student = nbformat.read(tmp_path / "student" / "09_toy.ipynb", as_version=4)
    nbformat.validate(student)
    assert "jupytext" not in student.metadata and student.metadata.kernelspec.name == "python3"
    assert student.cells[1].metadata == {"tags": ["raises-exception"]}  # useful tags stay
    assert student.cells[3].metadata == {}  # nbgrader, solution tag and timings gone
    assert student.cells[0].metadata == {"slideshow": {"slide_type": "slide"}}
    for cell in student.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_cli_reports_broken_markup_with_the_cell(tmp_path, capsys):
    nb = _toy_notebook()
    nb.cells[3].source = nb.cells[3].source.replace("    ### END SOLUTION\n", "")
    nbformat.write(nb, tmp_path / "09_toy.ipynb")
    assert ms.main(["--out", str(tmp_path / "out"), str(tmp_path / "09_toy.ipynb")]) == 1
    assert "cell 3: line 2: BEGIN SOLUTION without an END" in capsys.readouterr().err


def test_nbgrader_source_tags_answer_cells_and_adds_locked_tests(tmp_path):
    nbformat.write(_toy_notebook(), tmp_path / "09_toy.ipynb")
    assert ms.main(["--nbgrader-source", str(tmp_path / "src"), str(tmp_path / "09_toy.ipynb")]) == 0
    nb = nbformat.read(tmp_path / "src" / "09_toy.ipynb", as_version=4)
    answer, test = nb.cells[3], nb.cells[4]
    assert "return 2 * v" in answer.source  # solutions stay: nbgrader removes them itself
    assert answer.metadata.nbgrader == {"grade": False, "grade_id": "ex9_1", "locked": False,
                                        "schema_version": 3, "solution": True, "task": False}
    assert test.source == 'assert check("9.1", double), "Exercise 9.1 does not pass yet"'
    assert test.metadata.nbgrader["grade"] and test.metadata.nbgrader["locked"]
    grade_ids = [c.metadata.nbgrader["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(grade_ids) == len(set(grade_ids)), "nbgrader needs unique grade ids"


# ---------------------------------------------------------------- the real chapters

def solution_regions(source: str) -> list[tuple[int, int]]:
    """(begin, end) indices of whole-line marker pairs — written independently of the tool."""
    regions, begin = [], None
    for i, line in enumerate(source.split("\n")):
        if line.strip() == "### BEGIN SOLUTION":
            begin = i
        elif line.strip() == "### END SOLUTION":
            regions.append((begin, i))
    return regions


STUB_LINE = re.compile(r'^\s*(# YOUR CODE HERE|# ここに答えを書く|raise NotImplementedError\("[^"]*"\)|'
                       r'\w+ = \.\.\.  # (YOUR ANSWER HERE|ここに答えを書く).*|YOUR ANSWER HERE|ここに答えを書く)$')
# The stub's message, as it reads in each language.
STUB_MESSAGE = {"en": "Exercise {id}: write your solution here", "ja": "演習 {id}: ここに解答を書いてください"}
VALUE_MARK = {"en": "(Exercise {id})", "ja": "（演習 {id}）"}


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    if not NOTEBOOKS:
        pytest.skip("no chapter notebooks yet")
    out = tmp_path_factory.mktemp("student")
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"), "--out", str(out), *map(str, ALL)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    return out


def test_default_run_writes_both_editions(tmp_path):
    """``make_student.py`` without notebooks (postBuild) does every chapter, Japanese ones into ja/."""
    paths = ms.chapter_notebooks()
    assert [p for p in paths if p.parent.name != "ja"] == NOTEBOOKS and [p for p in paths if p.parent.name == "ja"] == JA_NOTEBOOKS
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^NB +\?=(.*\\\n)*.*notebooks/ja/\[0-9\]\[0-9\]_\*\.py", makefile, re.M), "make student/slides/html: both editions"


def _pair(student_dir, path):
    return nbformat.read(path, as_version=4), nbformat.read(ms.output_path(student_dir, path), as_version=4)


@pytest.mark.parametrize("path", ALL, ids=ALL_IDS)
def test_student_copy_keeps_every_other_line_and_cell(student_dir, path):
    original, student = _pair(student_dir, path)
    nbformat.validate(student)
    assert [c.cell_type for c in student.cells] == [c.cell_type for c in original.cells]
    assert [c.get("id") for c in student.cells] == [c.get("id") for c in original.cells]
    for index, (cell, copy) in enumerate(zip(original.cells, student.cells)):
        regions = solution_regions(cell.source)
        if not regions:
            expected = ms.swap_instructions(cell.source, lang=lang_of(path))[0] if cell.cell_type == "markdown" \
                else cell.source
            assert copy.source == expected, f"cell {index} changed although it holds no solution"
            continue
        lines, kept, pos = cell.source.split("\n"), copy.source.split("\n"), 0
        for begin, end in regions:  # outside lines verbatim, each region → stub lines at its indentation
            n_before = begin - pos
            assert kept[:n_before] == lines[pos:begin], f"cell {index}: lines before a region changed"
            kept = kept[n_before:]
            indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
            n_stub = 0
            while n_stub < len(kept) and STUB_LINE.match(kept[n_stub]) and kept[n_stub].startswith(indent):
                n_stub += 1
            assert n_stub >= 1, f"cell {index}: no stub where the solution was"
            assert all(line[len(indent)] != " " for line in kept[:n_stub]), f"cell {index}: stub mis-indented"
            kept, pos = kept[n_stub:], end + 1
        assert kept == lines[pos:], f"cell {index}: lines after the last region changed"


@pytest.mark.parametrize("path", ALL, ids=ALL_IDS)
def test_no_solution_survives_and_outputs_are_cleared(student_dir, path):
    original, student = _pair(student_dir, path)
    outside, inside = set(), set()
    for cell in original.cells:
        lines, in_region = cell.source.split("\n"), set()
        for begin, end in solution_regions(cell.source):
            in_region.update(range(begin, end + 1))
        for i, line in enumerate(lines):
            (inside if i in in_region else outside).add(line.strip())
    secrets = {line for line in inside - outside if line and not line.startswith("### ")}
    student_lines = {line.strip() for cell in student.cells for line in cell.source.split("\n")}
    assert not secrets & student_lines, "solution lines survived"
    assert "### BEGIN SOLUTION" not in student_lines and "### END SOLUTION" not in student_lines
    for cell in student.cells:
        assert "nbgrader" not in cell.metadata
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert "jupytext" not in student.metadata and "widgets" not in student.metadata


def exercise_cells(nb):
    """(cell index, heading id, check ids) of each code cell holding a solution region."""
    found, heading = [], None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            heading = (re.findall(r"^###\s*(?:Exercise|演習)\s+(\d+\.\d+)", cell.source, re.M) or [heading])[-1]
        elif solution_regions(cell.source):
            found.append((index, heading, re.findall(r"""check\(\s*["'](\d+\.\d+)["']""", cell.source)))
    return found


@pytest.mark.parametrize("path", ALL, ids=ALL_IDS)
def test_every_chapter_has_three_checked_exercises(student_dir, path):
    chapter = int(path.name[:2])
    original, student = _pair(student_dir, path)
    found = exercise_cells(original)
    assert len(found) >= 3, f"{path.name}: {len(found)} exercises with a solution region, expected ≥ 3"
    for index, heading, checks in found:
        assert heading and heading.startswith(f"{chapter}."), f"cell {index}: no '### Exercise {chapter}.k' above"
        assert checks == [heading], f"cell {index}: exercise {heading} must call check({heading!r}, ...) once"
        lang = lang_of(path)
        assert VALUE_MARK[lang].format(id=heading) in student.cells[index].source or \
            f'"{STUB_MESSAGE[lang].format(id=heading)}"' in student.cells[index].source


@pytest.mark.parametrize("path", [*NOTEBOOKS[:1], *JA_NOTEBOOKS[:1]], ids=[*IDS[:1], *(f"ja/{p.stem}" for p in JA_NOTEBOOKS[:1])])
def test_student_chapter_runs_until_its_first_exercise_and_stops_there(student_dir, path):
    """Execute the first chapter's student copy cell by cell up to its first exercise (both editions)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    lang = lang_of(path)
    student_path = ms.output_path(student_dir, path)
    student = nbformat.read(student_path, as_version=4)
    first, exercise, _ = exercise_cells(nbformat.read(path, as_version=4))[0]
    client = NotebookClient(student, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(student_path.parent)}})
    error = None
    with client.setup_kernel():
        for index, cell in enumerate(student.cells[: first + 1]):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as err:
                assert index == first, f"cell {index} failed before the first exercise (cell {first}):\n{err}"
                error = err
    cell = student.cells[first]
    stdout = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    verdict = {"en": f"[NOT YET] Exercise {exercise}:", "ja": f"[まだ] 演習 {exercise}:"}[lang]
    if error is not None:  # the stub raised straight out of the cell (check() re-raises it)
        assert error.ename == "NotImplementedError"
        assert error.evalue == STUB_MESSAGE[lang].format(id=exercise)
    else:  # the stub raised inside the learner's function and check() reported it
        assert verdict in stdout and "NotImplementedError" in stdout, stdout
    assert "[PASS]" not in stdout and "[合格]" not in stdout


# ---------------------------------------------------------------- the Colab install cell

IMPORTS_COURSE_LIB = re.compile(r"^\s*(import course_lib|from course_lib[ .])", re.M)


def colab_cell(nb):
    code = [c for c in nb.cells if c.cell_type == "code"]
    first_import = next((i for i, c in enumerate(code) if IMPORTS_COURSE_LIB.search(c.source)), len(code))
    return code[0], first_import


@pytest.mark.parametrize("path", ALL, ids=ALL_IDS)
def test_first_code_cell_installs_course_lib_only_on_colab(path, monkeypatch):
    from IPython.core.inputtransformer2 import TransformerManager

    nb = nbformat.read(path, as_version=4)
    cell, first_import = colab_cell(nb)
    assert first_import >= 1, "the Colab cell must come before the first `import course_lib`"
    assert '"google.colab" in sys.modules' in cell.source
    assert cell.get("outputs", []) == [], "on a normal run the Colab cell prints nothing"
    code = TransformerManager().transform_cell(cell.source)  # turns %pip / !pip into Python calls

    calls = []

    def record(*args, **kwargs):
        command = args[0] if args and isinstance(args[0], (list, tuple)) else args
        calls.append(" ".join(map(str, command)))

    shell = types.SimpleNamespace(system=record, run_line_magic=lambda *a: record(" ".join(a)))
    for name in ("run", "check_call", "check_output", "call", "Popen"):
        monkeypatch.setattr(subprocess, name, record)
    monkeypatch.setattr("os.system", record)

    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(code, "<colab cell>", "exec"), {"get_ipython": lambda: shell})
    assert calls == [], f"the Colab cell installed something on a normal run: {calls}"

    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    exec(compile(code, "<colab cell>", "exec"), {"get_ipython": lambda: shell})
    assert any("pip" in c and "install" in c for c in calls), f"no pip install on Colab: {calls}"
