"""An nbgrader course of all six chapters, under ``build/nbgrader/`` (what ``make nbgrader`` runs).

Usage::

    .venv/bin/python tools/make_nbgrader.py --out build/nbgrader [notebooks/NN_*.ipynb ...]

writes a complete nbgrader course folder (never inside the tracked tree: ``build/`` is ignored)::

    build/nbgrader/
        nbgrader_config.py          course id, paths, time-outs, the exchange folder
        source/ch01/01_loss_functions.ipynb
        ...
        source/ch06/06_mnist.ipynb

Each source notebook is the chapter WITH its reference solutions, tagged for nbgrader by
``make_student.make_nbgrader_source``: every exercise cell is an "Autograded answer" (nbgrader
removes the ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region when it releases the assignment),
followed by a locked 1-point "Autograder tests" cell ``assert check("N.k", answer)``. The exercises'
intro paragraph gets wording that matches nbgrader's release.

Then, from ``build/nbgrader/`` (``.venv/bin`` must be on ``PATH``: nbgrader runs ``alembic``)::

    nbgrader generate_assignment ch01        # → release/ch01/ (student version)
    nbgrader release_assignment ch01         # → the exchange, for ``nbgrader fetch_assignment``
    nbgrader collect ch01                    # → submitted/<student>/ch01/
    nbgrader autograde ch01                  # → autograded/ and the grades in gradebook.db
    nbgrader generate_feedback ch01          # → feedback/<student>/ch01/*.html

A second run replaces ``nbgrader_config.py`` and ``source/``; everything nbgrader made (the
gradebook, releases, submissions, grades, feedback) is left alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
COURSE_ID = "backprop-course"

CONFIG = '''\
"""nbgrader configuration of the Backprop from Zero course (written by tools/make_nbgrader.py)."""
import os

c = get_config()  # noqa: F821 (provided by nbgrader)
HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "{course_id}"
c.CourseDirectory.root = HERE
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")
# Chapters execute in seconds to a minute; leave room for a slow machine.
c.ExecutePreprocessor.timeout = 600
# release_assignment / fetch / submit / collect go through this folder. On a shared server
# (JupyterHub) use a folder every user can reach, e.g. /srv/nbgrader/exchange.
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", os.path.join(HERE, "exchange"))
'''


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assignment_name(path: Path) -> str:
    """``01_loss_functions.ipynb`` → ``ch01``."""
    return f"ch{path.name[:2]}"


def build(paths, out: Path) -> list[Path]:
    """Write the course folder; return the source notebooks written."""
    student = _load_tool("make_student")
    out.mkdir(parents=True, exist_ok=True)
    source = out / "source"
    if source.exists():
        shutil.rmtree(source)
    written = []
    for path in paths:
        nb = student.make_nbgrader_source(nbformat.read(path, as_version=4))
        nbformat.validate(nb)
        target = source / assignment_name(path) / path.name
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
        tests = sum(1 for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and
                    c.metadata["nbgrader"].get("locked"))
        print(f"{target}: {tests} graded test cell(s)")
        written.append(target)
    assignments = {assignment_name(p): {} for p in paths}
    (out / "nbgrader_config.py").write_text(CONFIG.format(course_id=COURSE_ID),
                                            encoding="utf-8")
    print(f"{out / 'nbgrader_config.py'}: course {COURSE_ID!r}, assignments {', '.join(assignments)}")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN_*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "nbgrader", help="course folder")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(ROOT.glob("notebooks/[0-9][0-9]_*.ipynb"))
    if not paths:
        print("make_nbgrader: no notebooks found", file=sys.stderr)
        return 1
    build(paths, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
