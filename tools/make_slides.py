"""Reveal.js slides for the chapters: one ``<out>/NN_slug.slides.html`` per notebook.

Usage (what ``make slides`` runs)::

    .venv/bin/python tools/make_slides.py --out build/slides notebooks/01_loss_functions.ipynb ...

With no notebook arguments every ``notebooks/[0-9][0-9]_*.ipynb`` is converted. This is
``jupyter nbconvert --to slides`` (nbconvert's ``SlidesExporter``) on the stored, executed
notebooks (nothing is re-run), with these choices:

* Slides follow the authors' cell metadata ``slideshow.slide_type``: ``"slide"`` starts a slide
  (the section titles), ``"subslide"`` a vertical sub-slide, and a cell without metadata joins the
  slide above it, so a section reads as one (scrollable) slide rather than a cell per slide.
* Cells that matter only in a notebook are skipped: the Colab install cell and the set-up cell
  (imports, ``setup_notebook``).
* Exercise solutions are replaced by the student stub (see ``make_student.py``) and the exercise
  cells' outputs dropped, so the deck can be shown to a class; ``--with-solutions`` keeps them.
* No input/output prompts; slides taller than the screen scroll; widgets (which need a live
  kernel) show a one-line note instead of their text fallback.

What needs the network
----------------------
Everything the deck shows (text, code, outputs, figures as embedded PNGs) is inside the HTML file.
The reveal.js engine and MathJax are loaded from a CDN, as nbconvert does by default. Offline,
the deck falls back to one scrolling page with all slides in order (and the formulas as LaTeX
source). For a fully offline deck point ``--reveal-prefix`` at a local reveal.js 4 folder (for
example the ``package`` folder of ``npm pack reveal.js@4.0.2``): its ``dist/`` and ``plugin/notes/``
are copied next to the slides and referenced relatively; ``--mathjax-url`` does the same job for
MathJax 2 (e.g. ``file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS_CHTML`` from
Debian's ``libjs-mathjax``). Present with the arrow keys; ``s`` opens the speaker view.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_GLOB = "notebooks/[0-9][0-9]_*.ipynb"
DEFAULT_REVEAL = "https://unpkg.com/reveal.js@4.0.2"
IMPORTS_COURSE_LIB = re.compile(r"^\s*(import course_lib|from course_lib[ .])", re.MULTILINE)

# reveal's own template, minus the require.js/jQuery loaders: reveal.js 4 works with plain
# <script> tags, which also lets the deck degrade to one readable page when reveal.js is missing.
TEMPLATE = r"""
{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_css -%}
<style type="text/css">
  html.no-reveal .reveal .slides > section { display: block; margin: 0 auto 2em; max-width: 960px;
    border-bottom: 2px solid #ccc; padding-bottom: 1em; }
  html.no-reveal aside.notes { display: none; }
  #no-reveal-banner { display: none; }
  html.no-reveal #no-reveal-banner { display: block; background: #fff3cd; padding: 0.5em 1em;
    font-family: sans-serif; }
</style>
{%- endblock html_head_css -%}
{% block body_header %}
{{ super() }}
<div id="no-reveal-banner">reveal.js could not be loaded (offline?): the slides are shown as one page.</div>
{% endblock body_header %}
{% block footer_js %}
<script src="{{ resources.reveal.url_prefix }}/dist/reveal.js"></script>
<script src="{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"></script>
<script>
(function () {
  if (!window.Reveal) {
    document.documentElement.classList.add("no-reveal");
    document.body.insertBefore(document.getElementById("no-reveal-banner"), document.body.firstChild);
    return;
  }
  Reveal.initialize({
    controls: true, progress: true, history: true, slideNumber: "c/t",
    transition: "{{ resources.reveal.transition }}",
    width: {{ resources.reveal.width | default('960', true) }},
    height: {{ resources.reveal.height | default('700', true) }},
    plugins: window.RevealNotes ? [RevealNotes] : []
  });
  function scrollTallSlide() {  // a section longer than the screen gets a scrollbar
    var limit = document.querySelector(".reveal").clientHeight * 0.95;
    document.querySelectorAll("section.present").forEach(function (s) {
      if (s.querySelector("section")) { return; }
      if (s.scrollHeight > limit) {
        s.style.height = "95vh"; s.style.overflowY = "auto"; s.style.marginTop = "20px";
      }
    });
  }
  function typeset() {
    if (window.MathJax && MathJax.Hub) { MathJax.Hub.Rerender(Reveal.getCurrentSlide()); }
  }
  Reveal.on("ready", scrollTallSlide);
  Reveal.on("slidechanged", function () { scrollTallSlide(); typeset(); });
})();
</script>
{% endblock footer_js %}
"""


def _load_tool(name: str):
    """Import a sibling script of tools/ (tools/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prepare(nb, with_solutions: bool = False):
    """A copy of ``nb`` arranged for slides (see the module docstring)."""
    nb = copy.deepcopy(nb)
    first_code = True
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        colab = "google.colab" in cell.source
        setup = first_code and IMPORTS_COURSE_LIB.search(cell.source)
        if colab or setup:
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "skip"
        if not colab:
            first_code = False
    site = _load_tool("make_html")
    site.describe_widgets(nb)
    if not with_solutions:
        student = _load_tool("make_student")
        for cell, exercise_id in zip(nb.cells, student.exercise_ids(nb)):
            source, n = student.strip_solutions(cell.source, cell.cell_type, exercise_id)
            if n:
                cell.source = source
                if cell.cell_type == "code":
                    cell.outputs = []
    title = site.chapter_title(nb, fallback="")
    if title:
        nb.metadata["title"] = title
    return nb


def _local_reveal(prefix: str, out: Path) -> str:
    """Copy a local reveal.js folder next to the slides; return the relative prefix to use."""
    src = Path(prefix)
    if not (src / "dist" / "reveal.js").is_file():
        raise SystemExit(f"make_slides: --reveal-prefix {prefix}: no dist/reveal.js in that folder")
    dest = out / "reveal.js"
    for part in ("dist", "plugin/notes"):
        shutil.copytree(src / part, dest / part, dirs_exist_ok=True)
    return "reveal.js"


def make_exporter(reveal_prefix: str = DEFAULT_REVEAL, mathjax_url: str | None = None) -> SlidesExporter:
    exporter = SlidesExporter(raw_template=TEMPLATE)
    exporter.reveal_url_prefix = reveal_prefix
    exporter.reveal_theme = "white"
    exporter.reveal_scroll = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    if mathjax_url:
        exporter.mathjax_url = mathjax_url
    return exporter


def build(paths, out: Path, reveal_prefix: str = DEFAULT_REVEAL, mathjax_url: str | None = None,
          with_solutions: bool = False) -> list[Path]:
    """Convert each notebook; return the written ``.slides.html`` paths."""
    out.mkdir(parents=True, exist_ok=True)
    if not re.match(r"^[a-z]+://", reveal_prefix) and Path(reveal_prefix).exists():
        reveal_prefix = _local_reveal(reveal_prefix, out)
    exporter = make_exporter(reveal_prefix, mathjax_url)
    written = []
    for path in paths:
        start = time.perf_counter()
        nb = prepare(nbformat.read(path, as_version=4), with_solutions)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        target = out / f"{path.stem}.slides.html"
        target.write_text(body, encoding="utf-8")
        kinds = [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in nb.cells]
        shown = [k for k in kinds if k not in ("skip", "notes")]
        n_slides = 1 + shown[1:].count("slide")
        print(f"{target}: {n_slides} slides, {target.stat().st_size / 1024:.0f} KiB "
              f"({time.perf_counter() - start:.1f} s)")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN_*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "slides", help="output folder")
    parser.add_argument("--reveal-prefix", default=DEFAULT_REVEAL,
                        help="URL of reveal.js 4, or a local reveal.js folder to copy (offline decks)")
    parser.add_argument("--mathjax-url", default=None, help="MathJax 2 URL (default: nbconvert's CDN)")
    parser.add_argument("--with-solutions", action="store_true", help="keep exercise solutions")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(ROOT.glob(CHAPTER_GLOB))
    if not paths:
        print("make_slides: no notebooks found", file=sys.stderr)
        return 1
    build(paths, args.out, args.reveal_prefix, args.mathjax_url, args.with_solutions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
