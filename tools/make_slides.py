"""Reveal.js decks of the chapters: one ``<out>/NN_slug.slides.html`` per notebook, offline.

Usage (what ``make slides`` and ``make slides-instructor`` run)::

    .venv/bin/python tools/make_slides.py --out build/slides notebooks/01_loss_functions.ipynb ...
    .venv/bin/python tools/make_slides.py --with-solutions --out build/slides-instructor ...

With no notebook arguments every chapter of both editions is converted (``notebooks/NN_*.ipynb`` and
the Japanese ``notebooks/ja/NN_*.ipynb``, whose decks go to ``<out>/ja/``). This is nbconvert's
``SlidesExporter`` on the stored, executed notebooks (nothing is re-run), with these choices:

* Student decks by default: every exercise solution is replaced by the student copy's placeholder
  (``make_student.py``), the exercise cells' outputs are dropped and the exercises' instructions
  match the student copy. ``--with-solutions`` keeps the solutions (instructor decks; build them
  into another folder).
* Slides follow the authors' ``slideshow.slide_type = "slide"`` marks (one section, one slide);
  ``slide_layout.py`` splits a section that would not fit a 1280×720 screen into vertical
  sub-slides (down arrow / space), and the Colab install and set-up cells are skipped.
* Speaker notes from ``teaching/NN_slug.md`` (``teaching_notes.py``) are attached to each section's
  first sub-slide: ``s`` opens reveal's speaker view with them (and a timer and the next slide).
  The Japanese decks get the English notes of their English counterparts, slide by slide: cell ``i``
  of a Japanese chapter translates English cell ``i`` (``teaching_notes.notes_headings``).
* Japanese decks: ``lang="ja"``, a stack of Japanese fonts the presenter's system has
  (``offline_assets.language_css``), the student placeholders and instructions in Japanese; they
  share the reveal.js and MathJax copies (``../reveal.js/``, ``../mathjax/``).
* Offline: reveal.js 5 (from the installed ``sphinx-revealjs``) and MathJax 2.7 (from
  ``jupyter-server-mathjax``) are copied into ``<out>/reveal.js/`` and ``<out>/mathjax/`` and
  referenced relatively; everything else (code, outputs, figures as PNG data URIs) is inside each
  HTML file. Copy the whole folder to present elsewhere. ``--reveal-prefix`` / ``--mathjax-url``
  point at other copies (a URL, or a local reveal.js folder that is then copied).
* Long code lines wrap instead of being cut; figures are capped to the slide height.
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

# reveal's own template, minus the require.js/jQuery loaders: reveal.js 4/5 works with plain
# <script> tags, which also lets the deck degrade to one readable page when reveal.js is missing.
TEMPLATE = r"""
{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}
{{ super() }}
{{ resources.mathjax_font_config }}
{%- endblock html_head_js_mathjax -%}
{%- block html_head_css -%}
<style type="text/css">
  html.no-reveal .reveal .slides > section { display: block; margin: 0 auto 2em; max-width: 960px;
    border-bottom: 2px solid #ccc; padding-bottom: 1em; }
  html.no-reveal aside.notes { display: none; }
  #no-reveal-banner { display: none; }
  html.no-reveal #no-reveal-banner { display: block; background: #fff3cd; padding: 0.5em 1em;
    font-family: sans-serif; }
  /* 1280x720 slides: text from the top, long code lines wrap instead of being cut, figures fit */
  .reveal .slides { text-align: left; }
  .reveal .slides section { top: 0; }
  .reveal pre, .reveal .highlight pre, .reveal .jp-OutputArea-output pre {
    white-space: pre-wrap; overflow-wrap: anywhere; word-break: normal; }
  .reveal .jp-OutputArea-output img { max-height: {{ resources.max_figure_height }}px; width: auto;
    max-width: 100%; }
  .reveal .jp-RenderedHTMLCommon table { font-size: 0.85em; }
  .reveal .jp-RenderedMarkdown pre { font-size: var(--jp-code-font-size); width: 100%; box-shadow: none; }
  /* code at 17 px: 121 characters fit the slide width (measured; tests/test_slides_html.py) */
  :root { --jp-code-font-size: {{ resources.code_font_px }}px; }
{{ resources.language_css }}
</style>
{%- endblock html_head_css -%}
{% block body_header %}
{{ super() }}
<div id="no-reveal-banner">{{ resources.no_reveal_banner }}</div>
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
    controls: true, progress: true, hash: true, slideNumber: "c/t", center: false,
    transition: "{{ resources.reveal.transition }}",
    width: {{ resources.reveal.width }}, height: {{ resources.reveal.height }}, margin: 0.03,
    plugins: window.RevealNotes ? [RevealNotes] : []
  });
  function scrollTallSlide() {  // the last resort when a slide is still taller than the screen
    var slide = Reveal.getCurrentSlide();
    if (slide && slide.scrollHeight > {{ resources.reveal.height }} * 1.02) {
      slide.style.height = "{{ resources.reveal.height }}px"; slide.style.overflowY = "auto";
    }
  }
  function typeset() {  // MathJax measures wrongly in hidden slides: typeset the shown one again
    if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(["Rerender", MathJax.Hub, Reveal.getCurrentSlide()]); }
  }
  Reveal.on("ready", function () { scrollTallSlide(); typeset(); });
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


layout_tool = _load_tool("slide_layout")
notes_tool = _load_tool("teaching_notes")


NO_REVEAL_BANNER = {"en": "reveal.js could not be loaded: the slides are shown as one page.",
                    "ja": "reveal.js を読み込めませんでした。スライドを 1 ページにまとめて表示しています。"}


def add_speaker_notes(nb, notes: dict[str, str]) -> list[str]:
    """Put each section's notes right after its ``"slide"`` cell; return the headings without notes.

    A cell's notes are those filed under its metadata ``speaker_notes_key`` (set by :func:`prepare`
    for a translation: the English cell's heading), else under its own heading.
    """
    cells, missing = [], []
    for cell in nb.cells:
        cells.append(cell)
        key = cell.metadata.pop("speaker_notes_key", None)
        if cell.metadata.get("slideshow", {}).get("slide_type") != "slide":
            continue
        heading = key or notes_tool.slide_heading(cell)
        if heading in notes:
            cells.append(nbformat.v4.new_markdown_cell(notes[heading],
                                                       metadata={"slideshow": {"slide_type": "notes"}}))
        else:
            missing.append(heading or "(a slide without heading)")
    nb.cells = cells
    return missing


def prepare(nb, with_solutions: bool = False, notes: dict[str, str] | None = None, lang: str = "en",
            english=None):
    """A copy of ``nb`` arranged for slides (see the module docstring).

    ``english``: the English notebook that ``nb`` translates cell for cell; its headings key the notes.
    """
    nb = copy.deepcopy(nb)
    if english is not None:  # before the layout splits cells: cell i still translates English cell i
        for cell, key in zip(nb.cells, notes_tool.notes_headings(nb, english)):
            if key and cell.metadata.get("slideshow", {}).get("slide_type") == "slide":
                cell.metadata["speaker_notes_key"] = key
    layout_tool.split_tall_markdown(nb)
    layout_tool.split_tall_code(nb)
    layout_tool.layout(nb)
    site = _load_tool("make_html")
    site.describe_widgets(nb, lang)
    if not with_solutions:
        student = _load_tool("make_student")
        for cell, exercise_id in zip(nb.cells, student.exercise_ids(nb)):
            source, n = student.strip_solutions(cell.source, cell.cell_type, exercise_id, lang)
            if n:
                cell.source = source
                if cell.cell_type == "code":
                    cell.outputs = []
            if cell.cell_type == "markdown":
                cell.source, _ = student.swap_instructions(cell.source, lang=lang)
    if notes is not None:
        nb.metadata["slides_without_notes"] = add_speaker_notes(nb, notes)
    for cell in nb.cells:
        cell.metadata.pop("speaker_notes_key", None)
    title = site.chapter_title(nb, fallback="")
    if title:
        nb.metadata["title"] = title
    return nb


def _local_reveal(prefix: str, out: Path) -> str:
    """Copy a local reveal.js folder next to the slides; return the relative prefix to use."""
    src = Path(prefix)
    if not (src / "dist" / "reveal.js").is_file():
        raise SystemExit(f"make_slides: --reveal-prefix {prefix}: no dist/reveal.js in that folder")
    return _load_tool("offline_assets").copy_reveal(out, source=src)


def make_exporter(reveal_prefix: str, mathjax_url: str, lang: str = "en") -> SlidesExporter:
    exporter = SlidesExporter(raw_template=TEMPLATE)
    exporter.language_code = lang
    exporter.reveal_url_prefix = reveal_prefix
    exporter.reveal_theme = "white"
    exporter.reveal_width = str(layout_tool.SLIDE_WIDTH)
    exporter.reveal_height = str(layout_tool.SLIDE_HEIGHT)
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.mathjax_url = mathjax_url
    return exporter


def build(paths, out: Path, reveal_prefix: str | None = None, mathjax_url: str | None = None,
          with_solutions: bool = False, teaching_root: Path = ROOT) -> list[Path]:
    """Convert each notebook (a Japanese one into ``out/ja/``); return the written ``.slides.html`` paths."""
    assets = _load_tool("offline_assets")
    student = _load_tool("make_student")
    out.mkdir(parents=True, exist_ok=True)
    if reveal_prefix is None:
        reveal_prefix = assets.copy_reveal(out)
    elif not re.match(r"^[a-z]+://", reveal_prefix) and Path(reveal_prefix).exists():
        reveal_prefix = _local_reveal(reveal_prefix, out)
    if mathjax_url is None:
        mathjax_url = assets.copy_mathjax(out)
    exporters = {"en": make_exporter(reveal_prefix, mathjax_url, "en"),  # ja/: one folder down, same copies
                 "ja": make_exporter(assets.relative_to_subfolder(reveal_prefix),
                                     assets.relative_to_subfolder(mathjax_url), "ja")}
    written = []
    for path in paths:
        start = time.perf_counter()
        source = nbformat.read(path, as_version=4)
        lang = student.notebook_language(path, source)
        english_path = notes_tool.english_notebook(path)
        english = nbformat.read(english_path, as_version=4) if english_path and english_path.is_file() else None
        notes = notes_tool.notes_for(path, teaching_root)
        nb = prepare(source, with_solutions, notes, lang, english)
        resources = {"metadata": {"name": path.stem}, "max_figure_height": layout_tool.MAX_FIGURE_HEIGHT,
                     "mathjax_font_config": assets.MATHJAX_FONT_CONFIG,
                     "code_font_px": layout_tool.CODE_PX, "language_css": assets.language_css(lang),
                     "no_reveal_banner": NO_REVEAL_BANNER[lang]}
        body, _ = exporters[lang].from_notebook_node(nb, resources=resources)
        target = out / ("ja" if lang == "ja" else "") / f"{path.stem}.slides.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        kinds = [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in nb.cells]
        shown = [k for k in kinds if k not in ("skip", "notes")]
        n_slides = 1 + shown[1:].count("slide")
        without = nb.metadata.get("slides_without_notes", [])
        print(f"{target}: {n_slides} slides, {shown[1:].count('subslide')} sub-slides, "
              f"{target.stat().st_size / 1024:.0f} KiB, "
              + (f"{len(without)} slide(s) without speaker notes" if without else "speaker notes on every slide")
              + f" ({time.perf_counter() - start:.1f} s)")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="default: notebooks/NN_*.ipynb and notebooks/ja/NN_*.ipynb")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: build/slides, or build/slides-instructor with solutions)")
    parser.add_argument("--reveal-prefix", default=None,
                        help="URL of reveal.js 4/5, or a local reveal.js folder to copy "
                             "(default: the copy in the installed sphinx-revealjs package)")
    parser.add_argument("--mathjax-url", default=None,
                        help="MathJax 2 URL (default: a copy of the installed jupyter-server-mathjax)")
    parser.add_argument("--with-solutions", action="store_true",
                        help="keep exercise solutions (instructor decks: never hand these to students)")
    args = parser.parse_args(argv)
    paths = args.notebooks or _load_tool("make_student").chapter_notebooks(ROOT)
    if not paths:
        print("make_slides: no notebooks found", file=sys.stderr)
        return 1
    out = args.out or ROOT / "build" / ("slides-instructor" if args.with_solutions else "slides")
    build(paths, out, args.reveal_prefix, args.mathjax_url, args.with_solutions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
