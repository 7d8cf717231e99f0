"""One repository URL (``tools/sync_urls.py``): every copy agrees with ``pyproject.toml``."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tool_loader import ROOT, load_tool

sync_urls = load_tool("sync_urls")
URL = sync_urls.repository_url()
# A GitHub repository named by a link: github.com/O/N, Binder's gh/O/N, Colab's github/O/N.
REPO_REF = re.compile(r"(github\.com/|mybinder\.org/v2/gh/|colab\.research\.google\.com/github/)"
                      r"([\w.-]+)/([\w.-]+?)(?:\.git)?(?=[/?#\s\"')\]]|$)")
TEXT_SUFFIXES = {".md", ".py", ".ipynb", ".toml", ".yml", ".yaml", ".cfg", ".txt", ""}


def is_copy_of_ours(kind: str, owner: str, name: str, ours: str) -> bool:
    """Binder and Colab links always open this course; a GitHub link is a copy of our URL when it
    names our owner or our repository (links to other projects, e.g. in credits, are not)."""
    our_owner, our_name = ours.split("/")
    return not kind.startswith("github.com") or owner == our_owner or name == our_name


def tracked_text_files():
    run = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True)
    if run.returncode:
        pytest.skip("not a git work tree")
    for name in run.stdout.split("\0"):
        path = ROOT / name
        # tests/ holds made-up URLs on purpose
        if name and not name.startswith("tests/") and path.is_file() and path.suffix in TEXT_SUFFIXES \
                and path.stat().st_size < 5_000_000:
            yield path


def test_every_copy_of_the_repository_url_agrees_with_pyproject():
    ours = sync_urls.slug(URL)
    wrong = []
    for path in tracked_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in REPO_REF.finditer(text):
            kind, owner, name = match.groups()
            if is_copy_of_ours(kind, owner, name, ours) and f"{owner}/{name}" != ours:
                wrong.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        for match in sync_urls.GIT_URL_RE.finditer(text):
            if match.group(0).rstrip(".,") != f"git+{URL}":
                wrong.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not wrong, "copies that disagree with pyproject.toml's Repository:\n" + "\n".join(wrong)


def test_the_rule_tells_our_links_from_other_projects():
    ours = "backprop-from-zero/backprop-from-zero"
    refs = {m.group(0): is_copy_of_ours(*m.groups(), ours) for m in REPO_REF.finditer(
        "https://github.com/backprop-from-zero/backprop-from-zero https://github.com/someone/backprop-from-zero "
        "https://github.com/karpathy/micrograd https://mybinder.org/v2/gh/x/y/main "
        "https://colab.research.google.com/github/x/y/blob/main/a.ipynb")}
    assert refs == {"github.com/backprop-from-zero/backprop-from-zero": True, "github.com/someone/backprop-from-zero": True,
                    "github.com/karpathy/micrograd": False, "mybinder.org/v2/gh/x/y": True,
                    "colab.research.google.com/github/x/y": True}


def test_nothing_to_sync():
    changed = sync_urls.sync(write=False)
    assert not changed, f"run `.venv/bin/python tools/sync_urls.py`: {changed}"


def test_readme_badges_open_student_copies_and_chapters(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sync_urls.badges(URL) in readme
    assert "lab/tree/build/student/01_loss_functions.ipynb" in readme
    assert "make_student.py --out build/student" in (ROOT / "postBuild").read_text()


def test_a_new_url_reaches_every_copy(tmp_path):
    """Change pyproject.toml in a copy of the repository: the badges and the Colab cells follow."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "ja"))
    toml = (tmp_path / "pyproject.toml").read_text().replace(URL, "https://github.com/someone/fork-of-course")
    (tmp_path / "pyproject.toml").write_text(toml)
    changed = sync_urls.sync(tmp_path)
    notebooks = sorted((tmp_path / "notebooks").glob("[0-9][0-9]_*.py"))
    assert len(changed) == 1 + 2 * len(notebooks)
    assert "mybinder.org/v2/gh/someone/fork-of-course/main" in (tmp_path / "README.md").read_text()
    for path in notebooks:
        assert "git+https://github.com/someone/fork-of-course\"" in path.read_text()
        nb = json.loads(path.with_suffix(".ipynb").read_text())
        assert any("git+https://github.com/someone/fork-of-course" in "".join(c["source"]) for c in nb["cells"][:3])
    assert sync_urls.sync(tmp_path) == [], "a second run changes nothing"
