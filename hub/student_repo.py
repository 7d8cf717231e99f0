"""The student copies as a git repository that nbgitpuller hands out, and the links that do it.

Usage::

    .venv/bin/python hub/student_repo.py --out build/hub/student-repo      # build or update it
    .venv/bin/python hub/student_repo.py --link --hub https://hub.example.org \\
        --repo https://github.com/you/backprop-student                     # print the links

The repository holds what ``make student`` writes (the six chapters, solutions removed, outputs
cleared) and a short README, on branch ``main``. Running it again commits only what changed, so
the history shows each update an instructor handed out. Push it anywhere learners' hub can read
(``git -C build/hub/student-repo push <url> main``) and give learners the nbgitpuller link:
the first click clones the chapters into ``~/backprop-from-zero``; later clicks merge the
instructor's updates and keep every change the learner made (nbgitpuller merges with the
learner's side winning any conflict, and restores files the learner deleted).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
TARGET = "backprop-from-zero"  # the folder in each learner's home
GIT_ID = ["-c", "user.name=Backprop from Zero", "-c", "user.email=course@localhost"]
README = """# Backprop from Zero — student copies

The six chapters without their reference solutions (日本語版は `ja/` に). Your hub put them in
`~/{target}`. Write your answers in the exercise cells and run them: `check(...)` tells you whether
they pass. Your changes are yours: when your instructor hands out an update, clicking the link
again keeps them.
"""


def git(repo: Path, *args: str) -> str:
    """Run ``git`` in ``repo`` and return its standard output."""
    out = subprocess.run(["git", *GIT_ID, *args], cwd=repo, check=True, capture_output=True, text=True)
    return out.stdout


def build_student_copies(out: Path) -> list[Path]:
    """Write the student copies of both editions into ``out`` (Japanese in ``out/ja/``)."""
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"), "--out", str(out)],
                   check=True, cwd=ROOT, capture_output=True, text=True)
    return sorted([*out.glob("*.ipynb"), *out.glob("ja/*.ipynb")])


def update_repo(repo: Path, message: str = "Update the student copies") -> bool:
    """Create or update the student repository in ``repo``; return True when a commit was made."""
    repo.mkdir(parents=True, exist_ok=True)
    if not (repo / ".git").exists():
        git(repo, "init", "-q", "-b", "main")
    with tempfile.TemporaryDirectory() as tmp:
        copies = build_student_copies(Path(tmp))
        if not copies:
            raise RuntimeError("make_student.py wrote no notebook")
        for old in [*repo.glob("*.ipynb"), *repo.glob("ja/*.ipynb")]:
            old.unlink()
        for nb in copies:
            target = repo / nb.relative_to(tmp)
            target.parent.mkdir(exist_ok=True)
            shutil.copy2(nb, target)
    (repo / "README.md").write_text(README.format(target=TARGET))
    git(repo, "add", "-A")
    if not git(repo, "status", "--porcelain").strip():
        return False
    git(repo, "commit", "-q", "-m", message)
    return True


def nbgitpuller_link(hub: str, repo: str, *, branch: str = "main",
                     notebook: str = "01_loss_functions.ipynb") -> str:
    """The link that clones (first click) or merges (later clicks) ``repo`` into the learner's home.

    ``hub`` is the hub's address (``https://hub.example.org``), ``repo`` any git URL the hub can
    reach; the learner lands on ``notebook`` in JupyterLab.
    """
    query = urlencode({"repo": repo, "branch": branch, "targetpath": TARGET,
                       "urlpath": f"lab/tree/{TARGET}/{notebook}"})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "hub" / "student-repo",
                        help="the student repository to create or update")
    parser.add_argument("--link", action="store_true", help="only print the nbgitpuller links")
    parser.add_argument("--hub", default="http://127.0.0.1:8000", help="the hub's address")
    parser.add_argument("--repo", help="the repository URL learners pull (default: --out)")
    parser.add_argument("--branch", default="main")
    args = parser.parse_args(argv)
    if not args.link:
        changed = update_repo(args.out)
        print(f"{args.out}: {'committed the new student copies' if changed else 'already up to date'}")
    repo = args.repo or args.out.resolve().as_uri()
    for label, nb in (("English", "01_loss_functions.ipynb"), ("日本語", "ja/01_loss_functions.ipynb")):
        print(f"nbgitpuller link ({label}): {nbgitpuller_link(args.hub, repo, branch=args.branch, notebook=nb)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
