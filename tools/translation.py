"""The Japanese edition against the English chapters: same code, translations not behind.

Usage::

    .venv/bin/python tools/translation.py status               # every stale or mismatched cell
    .venv/bin/python tools/translation.py stamp ja/03_backpropagation 17 18
                                                               # after translating cells 17 and 18

``notebooks/ja/NN_slug.py`` mirrors ``notebooks/NN_slug.py`` cell for cell. Two rules, checked by
``tests/test_translation.py``:

1. **One source of code.** Each Japanese code cell equals the English one except for comments and
   string literals: their syntax trees are compared with every string masked (an f-string keeps
   the expressions it formats, in any order, since Japanese word order differs).
2. **No silent drift.** Every Japanese cell records, in its metadata ``translates``, a hash of the
   English cell it translates. When an English cell changes, its hash changes, and the test names
   each Japanese cell that is now behind. Translate it again, then ``stamp`` it.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import sys
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def cell_hash(source: str) -> str:
    """The version stamp of an English cell: the first 12 hex digits of SHA-256 of its source."""
    return hashlib.sha256(source.encode()).hexdigest()[:12]


class _MaskStrings(ast.NodeTransformer):
    """Replace every string literal by ``"…"``; keep an f-string's formatted expressions, sorted."""

    def visit_Constant(self, node):
        return ast.Constant("…") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node):
        parts = sorted(ast.dump(self.visit(v.value)) for v in node.values if isinstance(v, ast.FormattedValue))
        return ast.Constant("f…" + "|".join(parts))


def code_shape(source: str) -> str:
    """A code cell's syntax tree with strings masked (comments vanish in the tree anyway)."""
    lines = [("pass  # " + line) if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    tree = ast.parse("\n".join(lines))
    return ast.dump(_MaskStrings().visit(tree), annotate_fields=False)


def pairs() -> list[tuple[Path, Path]]:
    """(English .py, Japanese .py) for every Japanese chapter."""
    return [(NOTEBOOKS / ja.name, ja) for ja in sorted((NOTEBOOKS / "ja").glob("[0-9][0-9]_*.py"))]


def heading(source: str) -> str:
    first = source.strip().splitlines()[0] if source.strip() else ""
    return first[:60]


def problems(en_path: Path, ja_path: Path) -> list[str]:
    """Everything that keeps the Japanese chapter from mirroring the English one, one line each."""
    en, ja = jupytext.read(en_path).cells, jupytext.read(ja_path).cells
    name = f"ja/{ja_path.name}"
    if len(en) != len(ja):
        return [f"{name}: {len(ja)} cells, the English chapter has {len(en)}: the cells must match one for one"]
    found = []
    for i, (e, j) in enumerate(zip(en, ja)):
        where = f"{name} cell {i} ({heading(e.source)!r})"
        if e.cell_type != j.cell_type:
            found.append(f"{where}: is {j.cell_type}, the English cell is {e.cell_type}")
            continue
        if e.cell_type == "code" and code_shape(e.source) != code_shape(j.source):
            found.append(f"{where}: its code differs from the English cell beyond comments and strings")
        stamp = j.metadata.get("translates")
        if stamp != cell_hash(e.source):
            state = "has no `translates` stamp" if stamp is None else "translates an older version"
            found.append(f"{where}: {state} of the English cell; translate it again, then "
                         f"`tools/translation.py stamp ja/{ja_path.stem} {i}`")
    return found


def stamp(stem: str, indices: list[int]) -> None:
    """Record that the Japanese cells ``indices`` now translate the current English cells."""
    ja_path = NOTEBOOKS / f"{stem}.py"
    en_cells = jupytext.read(NOTEBOOKS / ja_path.name).cells
    nb = jupytext.read(ja_path)
    for i in indices:
        nb.cells[i].metadata["translates"] = cell_hash(en_cells[i].source)
    jupytext.write(nb, ja_path, fmt="py:percent")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status", help="list every Japanese cell that is behind or differs")
    st = sub.add_parser("stamp", help="mark Japanese cells as translating the current English ones")
    st.add_argument("chapter", help="e.g. ja/03_backpropagation")
    st.add_argument("cells", nargs="+", type=int)
    args = parser.parse_args(argv)
    if args.command == "stamp":
        stamp(args.chapter, args.cells)
        return 0
    found = [p for en, ja in pairs() for p in problems(en, ja)]
    print("\n".join(found) if found else f"{len(pairs())} Japanese chapters mirror the English ones.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
