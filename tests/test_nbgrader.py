"""nbgrader, for real: the course that ``make nbgrader`` writes goes through nbgrader's own CLI.

On every chapter: ``generate_assignment`` (the release holds no solution), ``autograde`` of two
made-up submissions — ``right`` answers every exercise with the reference solution (full marks),
``mixed`` answers its chapter's first exercise wrongly, leaves the second one blank and the rest
right (exactly the right ones score) — and ``generate_feedback``, whose HTML names each failed
exercise with the hint ``check`` printed. Everything happens in a temporary folder. nbgrader runs
``alembic`` as a subprocess, so the folder of this Python's scripts goes first on ``PATH``.

Also here: no notebook's prose holds text nbgrader would parse as a solution marker, and
``.gitignore`` covers whatever the README's nbgrader steps create in the repository root.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tool_loader import IDS, NOTEBOOKS, ROOT, load_tool

BIN = Path(sys.executable).parent
BEGIN = re.compile(r"^([ \t]*)### BEGIN SOLUTION[ \t]*$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
# what nbgrader's ClearSolutions looks for, anywhere in a cell (it is not anchored to whole lines)
MARKER_TEXT = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS|BEGIN MARK SCHEME|"
                         r"END MARK SCHEME")

make_nbgrader = load_tool("make_nbgrader")


# ---------------------------------------------------------------- fast checks

@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_prose_holds_no_solution_marker(path):
    """nbgrader reads the markers anywhere in a cell: in a Markdown cell they break generate_assignment."""
    nb = nbformat.read(path, as_version=4)
    found = [(index, line.strip()) for index, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
             for line in cell.source.splitlines() if MARKER_TEXT.search(line)]
    assert not found, f"{path.name}: marker text in Markdown cells (cell, line): {found}"


def test_code_cells_use_markers_only_as_whole_lines():
    for path in NOTEBOOKS:
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                for line in cell.source.splitlines():
                    if MARKER_TEXT.search(line):
                        assert BEGIN.match(line) or END.match(line), f"{path.name} cell {index}: {line!r}"


NBGRADER_ARTEFACTS = ["gradebook.db", "backprop-course/nbgrader_config.py", "release/ch01/x.ipynb",
                      "submitted/alice/ch01/x.ipynb", "autograded/alice/ch01/x.ipynb", "feedback/alice/ch01/x.html",
                      "source/ch01/x.ipynb", "exchange/backprop-course/inbound/x", ".nbgrader.log",
                      "nbgrader_config.py", "build/nbgrader/gradebook.db"]


def test_gitignore_covers_every_nbgrader_artefact():
    run = subprocess.run(["git", "check-ignore", "--no-index", "--verbose", "--non-matching", *NBGRADER_ARTEFACTS],
                         cwd=ROOT, capture_output=True, text=True)
    if run.returncode == 128:
        pytest.skip(f"not a git work tree: {run.stderr.strip()}")
    not_ignored = [line.split("\t")[-1] for line in run.stdout.splitlines() if line.startswith("::")]
    assert not not_ignored, f"not covered by .gitignore: {not_ignored}"


def test_config_points_everything_into_the_course_folder(tmp_path):
    make_nbgrader.build(NOTEBOOKS[:1], tmp_path / "course")
    config = (tmp_path / "course" / "nbgrader_config.py").read_text()
    assert "c.CourseDirectory.root = HERE" in config and "gradebook.db" in config
    assert (tmp_path / "course" / "source" / "ch01" / NOTEBOOKS[0].name).is_file()


# ---------------------------------------------------------------- the real CLI

def _env() -> dict[str, str]:
    return dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def _checked(args, returncode: int, stderr: str) -> None:
    assert returncode == 0 and "ERROR" not in stderr, f"nbgrader {' '.join(args)}:\n{stderr[-4000:]}"


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    run = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=_env(), capture_output=True, text=True,
                         timeout=900)
    _checked(args, run.returncode, run.stderr)
    return run


def nbgrader_in_parallel(course: Path, *commands: tuple[str, ...]) -> None:
    """Several nbgrader commands at once (each executes notebooks on one core; they share the gradebook)."""
    runs = [(args, subprocess.Popen([str(BIN / "nbgrader"), *args], cwd=course, env=_env(), text=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)) for args in commands]
    for args, process in runs:
        _, stderr = process.communicate(timeout=900)
        _checked(args, process.returncode, stderr)


def answer(source: str, how: str) -> str:
    """A solution cell answered the right way (markers dropped) or wrongly (``return None``)."""
    out, inside = [], False
    for line in source.split("\n"):
        begin = BEGIN.match(line)
        if begin:
            inside = True
            if how == "wrong":
                out.append(begin.group(1) + "return None" if begin.group(1) else "answer = None")
        elif END.match(line):
            inside = False
        elif not (inside and how == "wrong"):
            out.append(line)
    return "\n".join(out)


PLANS = {"right": lambda k: "right", "mixed": lambda k: ("wrong", "blank")[k] if k < 2 else "right"}


def submit(course: Path) -> dict[str, dict[str, dict[str, float]]]:
    """Write both students' submissions; return the expected score of each test cell."""
    expected: dict[str, dict[str, dict[str, float]]] = {}
    for source_path in sorted(course.glob("source/*/*.ipynb")):
        assignment = source_path.parent.name
        source = {c.metadata["nbgrader"]["grade_id"]: c.source
                  for c in nbformat.read(source_path, as_version=4).cells if "nbgrader" in c.metadata}
        for student, plan in PLANS.items():
            nb = nbformat.read(course / "release" / assignment / source_path.name, as_version=4)
            scores, k = expected.setdefault(student, {}).setdefault(assignment, {}), 0
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if cell.cell_type == "code" and meta.get("solution"):
                    how, k = plan(k), k + 1
                    if how != "blank":
                        cell.source = answer(source[meta["grade_id"]], how)
                    scores[meta["grade_id"] + "_test"] = 1.0 if how == "right" else 0.0
            target = course / "submitted" / student / assignment / source_path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)
    return expected


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course after generate_assignment, autograde and generate_feedback (times printed)."""
    pytest.importorskip("nbgrader")
    if not NOTEBOOKS:
        pytest.skip("no chapter notebooks yet")
    course = tmp_path_factory.mktemp("nbgrader") / "course"
    assert make_nbgrader.main(["--out", str(course), *map(str, NOTEBOOKS)]) == 0
    timings = {}
    start = time.perf_counter()
    nbgrader(course, "generate_assignment", "ch*")
    timings["generate_assignment"] = time.perf_counter() - start
    expected = submit(course)
    start = time.perf_counter()
    # one process per student: the notebooks run single-threaded, so two cores grade twice as fast
    nbgrader_in_parallel(course, *[("autograde", "ch*", "--student", student) for student in PLANS])
    timings["autograde"] = time.perf_counter() - start
    start = time.perf_counter()
    nbgrader(course, "generate_feedback", "ch*")
    timings["generate_feedback"] = time.perf_counter() - start
    print("nbgrader timings: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
    return course, expected


def secret_lines(path: Path) -> set[str]:
    inside, outside = set(), set()
    for cell in nbformat.read(path, as_version=4).cells:
        region = False
        for line in cell.source.split("\n"):
            if BEGIN.match(line) or END.match(line):
                region = bool(BEGIN.match(line))
                continue
            (inside if region else outside).add(line.strip())
    return {line for line in inside - outside if len(line) > 3 and not line.startswith("#")}


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_release_has_no_solution_and_keeps_the_tests(course, path):
    course, _ = course
    release = nbformat.read(course / "release" / f"ch{path.name[:2]}" / path.name, as_version=4)
    lines = {line.strip() for cell in release.cells for line in cell.source.split("\n")}
    assert not secret_lines(path) & lines, "a solution line is in nbgrader's release"
    tests = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("locked")]
    assert len(tests) >= 3 and all(c.source.startswith("assert check(") for c in tests)
    assert all(c.outputs == [] for c in release.cells if c.cell_type == "code")
    prose = "\n".join(c.source for c in release.cells if c.cell_type == "markdown")
    assert "reference solution" not in prose, "the release tells students it holds solutions"


@pytest.mark.slow
def test_autograde_scores_exactly_the_right_answers(course):
    from nbgrader.api import Gradebook

    course, expected = course
    got = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student, assignments in expected.items():
            for assignment in assignments:
                submission = gradebook.find_submission(assignment, student)
                got.setdefault(student, {})[assignment] = {
                    grade.name: grade.score for nb in submission.notebooks for grade in nb.grades}
    assert got == expected
    right = sum(sum(scores.values()) for scores in expected["right"].values())
    assert right == sum(len(scores) for scores in expected["right"].values()), "full marks for the right answers"


@pytest.mark.slow
def test_feedback_names_each_failed_exercise_with_its_hint(course):
    course, expected = course
    for assignment, scores in expected["mixed"].items():
        pages = list((course / "feedback" / "mixed" / assignment).glob("*.html"))
        assert len(pages) == 1, f"no feedback for {assignment}"
        text = html.unescape(re.sub(r"<[^>]+>", "", pages[0].read_text(encoding="utf-8")))
        for grade_id, score in scores.items():
            exercise = grade_id[2:-len("_test")].replace("_", ".")
            if score:
                assert f"[PASS] Exercise {exercise}:" in text
                continue
            verdict = re.search(rf"\[NOT YET\] Exercise {re.escape(exercise)}: (.+)", text)
            assert verdict, f"{assignment}: the feedback does not name exercise {exercise}"
            reason = verdict.group(1).strip()
            assert len(reason) > 15 and not reason.startswith("—"), f"no reason for {exercise}: {reason!r}"
