"""Make student copies of the chapter notebooks: solutions out, self-checks kept.

Usage (what ``make student`` runs)::

    .venv/bin/python tools/make_student.py --out build/student notebooks/01_loss_functions.ipynb ...

With no notebook arguments every chapter of both editions is processed (``notebooks/NN_*.ipynb`` and
the Japanese ``notebooks/ja/NN_*.ipynb``). For each notebook it writes ``<out>/<same name>.ipynb``
(a Japanese chapter: ``<out>/ja/<same name>.ipynb``) in which

* every region of a code cell between a line ``### BEGIN SOLUTION`` and a line ``### END SOLUTION``
  (the nbgrader markup; both marker lines included) is replaced by a stub indented like the BEGIN
  line::

      # YOUR CODE HERE
      raise NotImplementedError("Exercise 1.2: write your solution here")

  The exercise id comes from the nearest preceding ``### Exercise N.k`` heading, else from the
  ``check("N.k", ...)`` call in the same cell, else the message is generic;
* a region that only assigns values at the top level of a cell (``answer = ...`` lines, nothing
  else) becomes ``answer = ...  # YOUR ANSWER HERE (Exercise N.k)`` for each assigned name instead:
  ``check`` recognises the ``...`` placeholder and prints "no answer yet", so the learner gets the
  same friendly ``[NOT YET]`` as for a function that still raises ``NotImplementedError``;
* a ``### BEGIN SOLUTION`` / ``### END SOLUTION`` region in a Markdown cell becomes
  ``YOUR ANSWER HERE``;
* the chapters' exercise instructions, written for the copy with solutions
  (:data:`AUTHOR_INSTRUCTIONS`), become :data:`STUDENT_INSTRUCTIONS`;
* in a Japanese chapter (found by :func:`notebook_language`: a ``ja`` folder in its path, or
  ``lang="ja"`` in its set-up cell) the stubs and that paragraph are in Japanese
  (:data:`STUBS`, :data:`AUTHOR_INSTRUCTIONS_JA` → :data:`STUDENT_INSTRUCTIONS_JA`), e.g.
  ``raise NotImplementedError("演習 1.2: ここに解答を書いてください")``;
* every other line is kept, in particular the ``check(...)`` self-check after the region;
* all outputs and execution counts are cleared; notebook metadata that belongs to the authors
  (``jupytext`` pairing, widget state, nbgrader) and cell metadata that hints at solutions (the
  ``nbgrader`` dict, ``solution`` tags, execution timings) are removed. Slide metadata and the
  ``raises-exception`` tag stay.

Cells without solution regions are copied unchanged (source, order and count) apart from that
paragraph; their outputs are cleared. A marker without its partner, or a nested BEGIN, is an
error that names the notebook and the cell.

Using nbgrader instead
----------------------
The markup is nbgrader's, so an instructor who wants collection and autograding can use nbgrader
(installed by ``make venv`` with the ``instructor`` extra) on the same notebooks: ``make nbgrader``
(``make_nbgrader.py``) writes a complete course to ``build/nbgrader/`` whose source notebooks come
from :func:`make_nbgrader_source` — copies WITH solutions whose exercise cells carry nbgrader's
"Autograded answer" metadata, each followed by a locked "Autograder tests" cell (1 point)
asserting the ``check``. Without that metadata nbgrader refuses cells that contain solution markers.
The commands from there (``generate_assignment`` … ``generate_feedback``) are in TEACHING.md.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_GLOB = "notebooks/[0-9][0-9]_*.ipynb"
CHAPTER_GLOB_JA = "notebooks/ja/[0-9][0-9]_*.ipynb"

BEGIN_RE = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*$")
END_RE = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
EXERCISE_HEADING_RE = re.compile(r"^#{1,6}[ \t]*(?:Exercise|演習)[ \t]+(\d+\.\d+)", re.MULTILINE)
SECTION_HEADING_RE = re.compile(r"^#{1,2}[ \t]+\S", re.MULTILINE)
CHECK_CALL_RE = re.compile(r"""^[ \t]*(?:assert[ \t]+)?check\([ \t]*["'](\d+\.\d+)["'][ \t]*,[ \t]*(.+?)\)[ \t]*$""",
                           re.MULTILINE)

CODE_STUB = ("# YOUR CODE HERE", 'raise NotImplementedError("{what}: write your solution here")')
VALUE_STUB = "{name} = ...  # YOUR ANSWER HERE ({what})"
TEXT_STUB = "YOUR ANSWER HERE"
# The stubs per language: (code stub lines, value stub, text stub, "Exercise {id}", "This exercise").
STUBS = {
    "en": (CODE_STUB, VALUE_STUB, TEXT_STUB, "Exercise {id}", "This exercise"),
    "ja": (("# ここに答えを書く", 'raise NotImplementedError("{what}: ここに解答を書いてください")'),
           "{name} = ...  # ここに答えを書く（{what}）", "ここに答えを書く", "演習 {id}", "この演習"),
}
LANG_RE = re.compile(r"""setup_notebook\([^)]*\blang\s*=\s*["']ja["']""")

NOTEBOOK_METADATA_DROPPED = ("jupytext", "widgets", "nbgrader", "celltoolbar")
CELL_METADATA_DROPPED = ("nbgrader", "execution", "collapsed", "scrolled", "lines_to_next_cell")
SOLUTION_TAGS = frozenset({"solution", "solutions", "hide-solution", "hide_solution", "remove-solution"})


# The chapters' "## Exercises" intro speaks to a reader of the copy WITH solutions; the student
# copies (and nbgrader's release) get wording that matches what their exercise cells hold.
AUTHOR_INSTRUCTIONS = (
    "Write your answer in the exercise cell, then run it: `check` says whether it passes or gives a "
    "hint. In this copy each exercise cell already holds a reference solution — try the exercise "
    "yourself before you read it (`make student` writes copies with a placeholder in its place).")
STUDENT_INSTRUCTIONS = (
    "Write your answer in place of the placeholder (`raise NotImplementedError(…)` or `...`) in each "
    "exercise cell, then run it: `check` says whether it passes or gives a hint.")
NBGRADER_INSTRUCTIONS = (
    "Write your answer in place of the placeholder (`raise NotImplementedError()`) in each exercise "
    "cell, then run it: `check` says whether it passes or gives a hint. Leave the grader's test cell "
    "below each exercise as it is.")
AUTHOR_INSTRUCTIONS_RE = re.compile(r"\s+".join(map(re.escape, AUTHOR_INSTRUCTIONS.split())))
# The same paragraph in the Japanese edition, and the Japanese student wording.
AUTHOR_INSTRUCTIONS_JA = (
    "演習のセルに自分の答えを書いて実行してください。`check` が合格かどうかを判定し、違っていればヒントを出します。"
    "このノートブックでは、各演習のセルに模範解答がすでに入っています。読む前にまず自分で解いてみましょう"
    "（`make student` を実行すると、模範解答の代わりに空欄の入ったコピーが作られます）。")
STUDENT_INSTRUCTIONS_JA = (
    "各演習のセルにあるプレースホルダー（`raise NotImplementedError(…)` または `...`）を自分の答えに書き換えてから、"
    "セルを実行してください。`check` が合格かどうかを判定し、違っていればヒントを出します。")
# Japanese has no spaces between words: a line break (or space) may fall between any two characters.
AUTHOR_INSTRUCTIONS_JA_RE = re.compile(r"\s*".join(map(re.escape, "".join(AUTHOR_INSTRUCTIONS_JA.split()))))
INSTRUCTIONS = {"en": (AUTHOR_INSTRUCTIONS_RE, STUDENT_INSTRUCTIONS),
                "ja": (AUTHOR_INSTRUCTIONS_JA_RE, STUDENT_INSTRUCTIONS_JA)}


def notebook_language(path: Path | str | None = None, nb=None) -> str:
    """``"ja"`` for a chapter of the Japanese edition, else ``"en"``.

    Japanese when the notebook lies in a folder named ``ja`` (``notebooks/ja/03_backpropagation.ipynb``)
    or its set-up cell calls ``setup_notebook(..., lang="ja")``.
    """
    if path is not None and Path(path).parent.name == "ja":
        return "ja"
    if nb is not None and any(c.cell_type == "code" and LANG_RE.search(c.source) for c in nb.cells):
        return "ja"
    return "en"


def swap_instructions(source: str, replacement: str | None = None, lang: str = "en") -> tuple[str, int]:
    """Replace the authors' exercise instructions (however the lines are wrapped) in a Markdown source.

    ``lang`` picks which paragraph is looked for and the student wording that replaces it;
    ``replacement`` overrides that wording.
    """
    pattern, student = INSTRUCTIONS[lang]
    return pattern.subn(lambda _: student if replacement is None else replacement, source)


class SolutionMarkupError(ValueError):
    """A BEGIN/END SOLUTION marker without its partner, or nested regions."""


def find_regions(lines: list[str]) -> list[tuple[int, int]]:
    """Return ``(begin, end)`` line indices of each solution region (marker lines included)."""
    regions, begin = [], None
    for i, line in enumerate(lines):
        if BEGIN_RE.match(line):
            if begin is not None:
                raise SolutionMarkupError(f"line {i + 1}: BEGIN SOLUTION inside another solution region")
            begin = i
        elif END_RE.match(line):
            if begin is None:
                raise SolutionMarkupError(f"line {i + 1}: END SOLUTION without a BEGIN SOLUTION")
            regions.append((begin, i))
            begin = None
    if begin is not None:
        raise SolutionMarkupError(f"line {begin + 1}: BEGIN SOLUTION without an END SOLUTION")
    return regions


def _assigned_names(body: list[str]) -> list[str] | None:
    """Names assigned by a region made only of top-level ``name = value`` statements, else None."""
    try:
        tree = ast.parse(textwrap.dedent("\n".join(body)))
    except SyntaxError:
        return None
    names: list[str] = []
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or not all(isinstance(t, ast.Name) for t in targets):
            return None
        names += [t.id for t in targets if t.id not in names]
    return names or None


def stub_for(body: list[str], indent: str, cell_type: str, exercise_id: str | None,
             lang: str = "en") -> list[str]:
    """Stub lines replacing one solution region whose BEGIN line is indented by ``indent``."""
    code_stub, value_stub, text_stub, named, generic = STUBS[lang]
    if cell_type == "markdown":
        return [indent + text_stub]
    what = named.format(id=exercise_id) if exercise_id else generic
    names = _assigned_names(body) if indent == "" else None
    if names:
        return [value_stub.format(name=name, what=what) for name in names]
    return [indent + line.format(what=what) for line in code_stub]


def strip_solutions(source: str, cell_type: str, exercise_id: str | None = None,
                    lang: str = "en") -> tuple[str, int]:
    """Replace every solution region of one cell's source; return ``(new_source, n_regions)``."""
    lines = source.split("\n")
    regions = find_regions(lines)
    out, pos = [], 0
    for begin, end in regions:
        out += lines[pos:begin]
        indent = BEGIN_RE.match(lines[begin]).group("indent")
        out += stub_for(lines[begin + 1:end], indent, cell_type, exercise_id, lang)
        pos = end + 1
    out += lines[pos:]
    return "\n".join(out), len(regions)


def exercise_ids(nb) -> list[str | None]:
    """For each cell, the id of the exercise it belongs to (nearest ``### Exercise N.k`` above)."""
    ids, current = [], None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            headings = EXERCISE_HEADING_RE.findall(cell.source)
            if headings:
                current = headings[-1]
            elif SECTION_HEADING_RE.search(cell.source):
                current = None
        ids.append(current)
    return ids


def _clean_metadata(metadata, dropped) -> None:
    for key in dropped:
        metadata.pop(key, None)
    tags = [t for t in metadata.get("tags", []) if t not in SOLUTION_TAGS]
    if tags:
        metadata["tags"] = tags
    else:
        metadata.pop("tags", None)


def make_student_notebook(nb, lang: str | None = None):
    """Return ``(student_nb, exercise_ids_replaced)`` for a notebook node (the input is not modified).

    ``lang`` (``"en"`` / ``"ja"``) picks the stubs' and instructions' language; by default it is
    read from the notebook's set-up cell (:func:`notebook_language`).
    """
    lang = lang or notebook_language(nb=nb)
    nb = copy.deepcopy(nb)
    _clean_metadata(nb.metadata, NOTEBOOK_METADATA_DROPPED)
    replaced: list[str] = []
    for index, (cell, heading_id) in enumerate(zip(nb.cells, exercise_ids(nb))):
        checks = CHECK_CALL_RE.findall(cell.source) if cell.cell_type == "code" else []
        exercise_id = heading_id or (checks[0][0] if checks else None)
        try:
            cell.source, n = strip_solutions(cell.source, cell.cell_type, exercise_id, lang)
        except SolutionMarkupError as err:
            raise SolutionMarkupError(f"cell {index}: {err}") from None
        replaced += [exercise_id or "?"] * n
        if cell.cell_type == "markdown":
            cell.source, _ = swap_instructions(cell.source, lang=lang)
        _clean_metadata(cell.metadata, CELL_METADATA_DROPPED)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb, replaced


def make_nbgrader_source(nb):
    """A copy WITH solutions, tagged for nbgrader: answer cells plus one locked test cell each."""
    nb = copy.deepcopy(nb)
    cells, ids, used = [], exercise_ids(nb), set()
    for cell, heading_id in zip(nb.cells, ids):
        cells.append(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        else:
            cell.source, _ = swap_instructions(cell.source, NBGRADER_INSTRUCTIONS)
        if not find_regions(cell.source.split("\n")):
            continue
        checks = CHECK_CALL_RE.findall(cell.source) if cell.cell_type == "code" else []
        exercise_id = heading_id or (checks[0][0] if checks else f"cell{len(cells)}")
        grade_id = base = "ex" + exercise_id.replace(".", "_")
        suffix = "b"
        while grade_id in used:  # nbgrader needs unique ids: a second cell of 1.2 is ex1_2b, ...
            grade_id, suffix = base + suffix, chr(ord(suffix) + 1)
        used.add(grade_id)
        cell.metadata["nbgrader"] = {"grade": cell.cell_type == "markdown", "grade_id": grade_id,
                                     "locked": False, "schema_version": 3, "solution": True,
                                     "task": False, **({"points": 1} if cell.cell_type == "markdown" else {})}
        if checks:
            test = nbformat.v4.new_code_cell("\n".join(
                f'assert check("{ex}", {answer}), "Exercise {ex} does not pass yet"' for ex, answer in checks))
            test.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id + "_test", "locked": True,
                                         "points": len(checks), "schema_version": 3, "solution": False,
                                         "task": False}
            cells.append(test)
    nb.cells = cells
    nb.metadata.pop("jupytext", None)
    return nb


def chapter_notebooks(root: Path = ROOT, japanese: bool = True) -> list[Path]:
    """All chapter notebooks ``notebooks/NN_*.ipynb``, sorted, then the Japanese ``notebooks/ja/NN_*.ipynb``."""
    return sorted(root.glob(CHAPTER_GLOB)) + (sorted(root.glob(CHAPTER_GLOB_JA)) if japanese else [])


def output_path(out: Path, path: Path, nb=None) -> Path:
    """Where the copy of ``path`` goes: ``out/NN_slug.ipynb``, or ``out/ja/NN_slug.ipynb`` for Japanese."""
    return out / ("ja" if notebook_language(path, nb) == "ja" else "") / Path(path).name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="default: notebooks/NN_*.ipynb and notebooks/ja/NN_*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "student",
                        help="output folder (Japanese chapters go to its ja/ folder)")
    parser.add_argument("--nbgrader-source", type=Path, metavar="DIR",
                        help="instead of student copies, write nbgrader-tagged source notebooks to DIR")
    args = parser.parse_args(argv)
    paths = args.notebooks or chapter_notebooks(japanese=not args.nbgrader_source)
    if not paths:
        print("make_student: no notebooks found", file=sys.stderr)
        return 1
    out = args.nbgrader_source or args.out
    out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            if args.nbgrader_source:
                result, replaced = make_nbgrader_source(nb), None
            else:
                result, replaced = make_student_notebook(nb, notebook_language(path, nb))
        except SolutionMarkupError as err:
            print(f"make_student: {path}: {err}", file=sys.stderr)
            return 1
        target = out / path.name if args.nbgrader_source else output_path(out, path, nb)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.validate(result)
        nbformat.write(result, target)
        if replaced is None:
            print(f"{target}: nbgrader source notebook")
        else:
            what = ", ".join(replaced) if replaced else "none (no solution regions!)"
            print(f"{target}: {len(replaced)} solution region(s) replaced: {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
