"""Every chapter's glossary table, in both editions, generated from ``course_lib/glossary.py``.

Usage::

    .venv/bin/python tools/glossary.py write    # rewrite the tables (what `make notebooks` runs)
    .venv/bin/python tools/glossary.py check    # exit 1 if a table differs from the glossary

The last section of each chapter (``## Glossary`` in English, ``## 用語集`` in Japanese) holds a
Markdown table whose rows come from ``course_lib.glossary.table(chapter, lang)``; text after the
table (the link to the next chapter) is the author's. Writing a Japanese table also re-stamps that
cell's ``translates`` hash: both tables come from the same source, so the translation is current
by construction. The ``.ipynb`` files are updated in place, outputs kept.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jupytext

from course_lib import glossary

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
HEADINGS = {"en": "## Glossary", "ja": "## 用語集"}


def chapters() -> list[tuple[Path, str, int]]:
    """(.py path, language, chapter number) of every chapter, both editions."""
    found = []
    for lang, folder in (("en", NOTEBOOKS), ("ja", NOTEBOOKS / "ja")):
        found += [(py, lang, int(py.name[:2])) for py in sorted(folder.glob("[0-9][0-9]_*.py"))]
    return found


def glossary_cell(nb, lang: str, path: Path) -> int:
    matches = [i for i, c in enumerate(nb.cells)
               if c.cell_type == "markdown" and c.source.lstrip().startswith(HEADINGS[lang])]
    if len(matches) != 1:
        raise ValueError(f"{path}: expected one cell starting with {HEADINGS[lang]!r}, found {len(matches)}")
    return matches[0]


def with_table(source: str, new_table: str) -> str:
    """``source`` with its first Markdown table replaced by ``new_table``."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "\n".join(lines[:start] + new_table.splitlines() + lines[end:])


def sync(path: Path, lang: str, chapter: int, write: bool) -> bool:
    """Bring one chapter's table in line with the glossary; return True if it differed."""
    nb = jupytext.read(path)
    index = glossary_cell(nb, lang, path)
    cell = nb.cells[index]
    wanted = with_table(cell.source, glossary.table(chapter, lang))
    stale = cell.source != wanted
    if lang == "ja":
        english = jupytext.read(NOTEBOOKS / path.name)
        en_source = with_table(english.cells[index].source, glossary.table(chapter, "en"))
        stamp = _translation_tool().cell_hash(en_source)
        stale = stale or cell.metadata.get("translates") != stamp
    if stale and write:
        cell.source = wanted
        if lang == "ja":
            cell.metadata["translates"] = stamp
        jupytext.write(nb, path, fmt="py:percent")
        _update_ipynb(path, index, wanted)
    return stale


def _update_ipynb(path: Path, index: int, source: str) -> None:
    """Put the new table into the paired .ipynb's cell, keeping every output and all metadata."""
    import nbformat

    ipynb = path.with_suffix(".ipynb")
    if ipynb.exists():
        nb = nbformat.read(ipynb, as_version=4)
        nb.cells[index].source = source
        nbformat.write(nb, ipynb)


def _translation_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("translation", ROOT / "tools" / "translation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["write", "check"])
    args = parser.parse_args(argv)
    stale = [f"{p.relative_to(ROOT)}" for p, lang, ch in chapters() if sync(p, lang, ch, args.command == "write")]
    if args.command == "check" and stale:
        print("glossary tables out of date (run `tools/glossary.py write`): " + ", ".join(stale))
        return 1
    if args.command == "write" and stale:
        print("rewrote the glossary tables of " + ", ".join(stale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
