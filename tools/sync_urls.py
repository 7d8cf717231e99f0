"""One repository URL: write the one in ``pyproject.toml`` everywhere it is copied.

Usage (``make notebooks`` runs it first)::

    .venv/bin/python tools/sync_urls.py           # rewrite every copy that differs
    .venv/bin/python tools/sync_urls.py --check   # only report; exit 1 when a copy differs

The single source is ``[project.urls] Repository`` in ``pyproject.toml``
(``https://github.com/OWNER/NAME``). Generated from it:

* the README's badges (between ``<!-- badges -->`` and ``<!-- /badges -->``): Binder on the
  student copies (Binder runs ``postBuild``, which writes them to ``build/student/``), Binder and
  Colab on the chapters with solutions (Colab can only open committed files);
* the ``git+<URL>`` that each chapter's Colab cell installs (that one line of ``notebooks/NN_*.py``
  and of its ``.ipynb``; nothing else in a notebook is touched).

``tests/test_urls.py`` fails when any copy of a GitHub, Binder or Colab URL of the course, in any
tracked text file, names another repository.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_CHAPTER = "01_loss_functions"
GIT_URL_RE = re.compile(r"git\+https?://[^\s\"'\]\\]+")
BADGES_RE = re.compile(r"(<!-- badges[^>]*-->\n)(.*?)(<!-- /badges -->)", re.DOTALL)


def repository_url(root: Path = ROOT) -> str:
    with open(root / "pyproject.toml", "rb") as fh:
        url = tomllib.load(fh)["project"]["urls"]["Repository"].rstrip("/")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise SystemExit(f"sync_urls: pyproject.toml Repository must be https://github.com/OWNER/NAME, got {url}")
    return url


def slug(url: str) -> str:
    """``https://github.com/a/b`` → ``a/b``."""
    return url.split("github.com/", 1)[1]


def badges(url: str, branch: str = "main") -> str:
    repo = slug(url)
    binder = f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree"
    return (
        f"[![Binder: student copies](https://mybinder.org/badge_logo.svg)]({binder}/build/student/{FIRST_CHAPTER}.ipynb)"
        " student copies (no solutions)\n"
        f"[![Binder: with solutions](https://mybinder.org/badge_logo.svg)]({binder}/notebooks/{FIRST_CHAPTER}.ipynb)"
        " chapters with solutions\n"
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"(https://colab.research.google.com/github/{repo}/blob/{branch}/notebooks/{FIRST_CHAPTER}.ipynb)"
        " chapters with solutions (Colab opens committed files only)\n")


def _colab_cell_index(cells) -> int | None:
    for index, cell in enumerate(cells):
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "code" and "google.colab" in source:
            return index
    return None


def sync_notebook_py(path: Path, url: str, write: bool) -> bool:
    """The ``git+`` URL in the Colab cell of a jupytext ``.py`` (the cell that mentions google.colab)."""
    text = path.read_text(encoding="utf-8")
    cells = re.split(r"(?m)^(?=# %%)", text)
    for index, cell in enumerate(cells):
        if "google.colab" in cell:
            new = GIT_URL_RE.sub(f"git+{url}", cell)
            if new != cell:
                cells[index] = new
                if write:
                    path.write_text("".join(cells), encoding="utf-8")
                return True
            return False
    return False


def sync_notebook_ipynb(path: Path, url: str, write: bool) -> bool:
    """The same line in the ``.ipynb`` (edited as JSON text, so nothing else changes)."""
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    index = _colab_cell_index(nb["cells"])
    if index is None:
        return False
    lines = nb["cells"][index]["source"]
    lines = lines if isinstance(lines, list) else [lines]
    changed = False
    for line in lines:
        new = GIT_URL_RE.sub(f"git+{url}", line)
        if new != line:
            text = text.replace(json.dumps(line, ensure_ascii=False), json.dumps(new, ensure_ascii=False), 1)
            changed = True
    if changed and write:
        path.write_text(text, encoding="utf-8")
    return changed


def sync_readme(path: Path, url: str, write: bool) -> bool:
    text = path.read_text(encoding="utf-8")
    match = BADGES_RE.search(text)
    if not match:
        raise SystemExit(f"sync_urls: {path} has no <!-- badges --> … <!-- /badges --> block")
    new = text[: match.start(2)] + badges(url) + text[match.end(2):]
    if new != text and write:
        path.write_text(new, encoding="utf-8")
    return new != text


def sync(root: Path = ROOT, write: bool = True) -> list[Path]:
    """Bring every copy in line with pyproject.toml; return the files that differed."""
    url = repository_url(root)
    changed = []
    if sync_readme(root / "README.md", url, write):
        changed.append(root / "README.md")
    for path in sorted((root / "notebooks").glob("[0-9][0-9]_*.py")):
        if sync_notebook_py(path, url, write):
            changed.append(path)
    for path in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if sync_notebook_ipynb(path, url, write):
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report copies that differ, change nothing")
    args = parser.parse_args(argv)
    changed = sync(write=not args.check)
    for path in changed:
        print(f"{path.relative_to(ROOT)}: {'differs from' if args.check else 'updated to'} {repository_url()}")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
