"""A static website of the whole course: ``<out>/index.html`` plus one page per chapter.

Usage (what ``make html`` runs)::

    .venv/bin/python tools/make_html.py --out build/html [notebooks/NN_*.ipynb ...]

With no notebook arguments every chapter of both editions is converted (``notebooks/NN_*.ipynb`` and
the Japanese ``notebooks/ja/NN_*.ipynb``). Each chapter is
converted from its stored, executed notebook with nbconvert's ``HTMLExporter`` (lab template;
nothing is re-run, no kernel is needed to read the pages): figures are PNGs embedded as ``data:``
URIs, images referenced from Markdown are embedded too, links between chapters
(``02_chain_rule.ipynb``) are rewritten to the chapter pages, and every page gets a navigation bar
(course map, previous, next). ``index.html`` is the chapter map: each chapter's title, the first
of its learning objectives, and links to the page and to the ``.ipynb`` (copied to
``notebooks/`` inside the site for download).

Both editions, one site: the Japanese chapters become ``<out>/ja/NN_slug.html`` with their own
chapter map ``<out>/ja/index.html``, Japanese navigation (目次 / 前へ / 次へ), ``lang="ja"`` and a
stack of Japanese fonts the reader's system has (``offline_assets.language_css``). Every page links
to the same chapter in the other language; the top ``index.html`` lists each chapter in both.

Student site by default: every exercise solution is replaced by the student copy's placeholder,
the exercise cells' outputs are dropped, the exercises' instructions match the student copy, and
the downloadable notebooks are the student copies of ``make student``. ``--with-solutions`` builds
the instructor site (solutions, original notebooks): ``make html-instructor`` writes it to
``build/html-instructor/``, never to the folder you publish.

Offline: open ``index.html`` in a browser, no server and no network needed. MathJax 2.7 is copied
from the installed ``jupyter-server-mathjax`` into ``<out>/mathjax/`` and loaded relatively
(``offline_assets.py``; the Japanese pages load the same copy as ``../mathjax/``); ``--mathjax-url``
points at another MathJax 2 instead. require.js and
mermaid (which nbconvert would load from CDNs) are left out: the chapters use neither.
"""

from __future__ import annotations

import argparse
import copy
import html
import importlib.util
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_GLOB = "notebooks/[0-9][0-9]_*.ipynb"
TITLE_RE = re.compile(r"^#[ \t]+(.+)$", re.MULTILINE)
OBJECTIVES_RE = re.compile(r"(?:What you will learn|この章で学ぶこと)\W*\n\s*(?:[-*+]|\d+\.)?[ \t]*(.+(?:\n[ \t]+\S.*)*)")
CHAPTER_LINK_RE = re.compile(r'href="(?:\./)?(\d\d_[\w-]+)\.ipynb(#[^"]*)?"')

TEMPLATE = r"""
{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}
{{ super() }}
{{ resources.mathjax_font_config }}
{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style type="text/css">
  nav.course-nav { display: flex; gap: 1.5em; padding: 0.6em 1em; margin-bottom: 1em;
    border-bottom: 1px solid #ddd; font-family: var(--jp-ui-font-family); font-size: 14px; }
  nav.course-nav a { text-decoration: none; }
  nav.course-nav .spacer { flex: 1; }
{{ resources.language_css }}
</style>
{%- endblock html_head_css -%}
{% block body_header %}
{{ super() }}
{{ resources.course_nav }}
{% endblock body_header %}
{% block body_footer %}
{{ resources.course_nav }}
{{ super() }}
{% endblock body_footer %}
"""

# The course maps' shared rules; each map adds its own body font and line height.
INDEX_CSS = """  h1 { margin-bottom: 0.2em; }
  ol.chapters { padding-left: 0; list-style: none; }
  ol.chapters li { margin: 1.2em 0; padding: 0.8em 1em; border: 1px solid #ddd; border-radius: 6px; }
  ol.chapters a.chapter { font-size: 1.15em; font-weight: 600; text-decoration: none; }
  .objective { color: #555; margin: 0.3em 0; }
  .download { font-size: 0.9em; }
  .other-language { font-size: 0.9em; margin: 0.3em 0 0; }
  code { background: #f3f3f3; padding: 0 0.2em; }
"""

INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Backprop from Zero — course map</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 52em;
    margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }}
{index_css}  [lang="ja"] {{ font-family: {japanese_fonts}; }}
</style>
<script src="{mathjax_url}"></script>
{mathjax_font_config}
</head>
<body>
<h1>Backprop from Zero</h1>
<p>How neural networks learn, from the loss function to training on MNIST: six chapters, each a
Jupyter notebook with the math, the code of the <code>course_lib</code> library, pictures, checks
and exercises. These pages show the notebooks as executed; to run them yourself, clone the
repository and run <code>make lab</code>.</p>
{other_edition}
<h2>Chapter map</h2>
<ol class="chapters">
{items}
</ol>
</body>
</html>
"""

INDEX_JA = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Backprop from Zero（ゼロからの誤差逆伝播法）— 目次</title>
<style>
  body {{ font-family: {japanese_fonts}; max-width: 52em;
    margin: 2em auto; padding: 0 1em; line-height: 1.7; color: #222; }}
{index_css}  [lang="en"] {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }}
</style>
<script src="{mathjax_url}"></script>
{mathjax_font_config}
</head>
<body>
<h1>Backprop from Zero（ゼロからの誤差逆伝播法）</h1>
<p>ニューラルネットワークがどう学習するのかを、損失関数から MNIST での学習まで、6 つの章で学びます。各章は
Jupyter ノートブックで、式の導出、<code>course_lib</code> ライブラリのコード、図、確認、演習が入っています。
このページは実行済みのノートブックをそのまま表示したものです。自分で実行するには、リポジトリを clone して
<code>make lab-ja</code> を実行してください。</p>
{other_edition}
<h2>目次</h2>
<ol class="chapters">
{items}
</ol>
</body>
</html>
"""

ITEM = """<li><a class="chapter" href="{page}">{title}</a>
<p class="objective">You will learn {objective}</p>
<span class="download">download the {what}: <a href="notebooks/{notebook}">{notebook}</a></span>{other}</li>"""
ITEM_JA = """<li><a class="chapter" href="{page}">{title}</a>
<p class="objective">この章で学ぶこと: {objective}</p>
<span class="download">{what}のダウンロード: <a href="notebooks/{notebook}">{notebook}</a></span>{other}</li>"""
# A chapter that only the other edition has in this build.
ITEM_ONLY_OTHER = """<li><a class="chapter" href="{page}" lang="{lang}">{title}</a></li>"""
OTHER_ITEM = {"en": '\n<p class="other-language" lang="ja">日本語: <a href="{page}">{title}</a></p>',
              "ja": '\n<p class="other-language" lang="en">English: <a href="{page}">{title}</a></p>'}
OTHER_EDITION = {"en": '<p lang="ja">日本語版: <a href="ja/index.html">目次（日本語）</a></p>',
                 "ja": '<p lang="en">English edition: <a href="../index.html">course map (English)</a></p>'}

# The words of the pages, per language.
UI = {
    "en": {"map": "Course map", "prev": "&larr; {title}", "next": "{title} &rarr;", "other": "日本語",
           "notebook": "notebook", "notebook_solutions": "notebook with solutions",
           "widget": "[interactive {kind}: run this notebook in Jupyter to use it]"},
    "ja": {"map": "目次", "prev": "&larr; 前へ: {title}", "next": "次へ: {title} &rarr;", "other": "English",
           "notebook": "ノートブック", "notebook_solutions": "模範解答入りのノートブック",
           "widget": "[対話的な {kind}: このノートブックを Jupyter で実行すると使えます]"},
}
OTHER_LANG = {"en": "ja", "ja": "en"}


def _load_tool(name: str):
    """Import a sibling script of tools/ (tools/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def student_view(nb, lang: str = "en"):
    """A copy of an executed chapter as students may see it: outputs kept, solutions out."""
    student = _load_tool("make_student")
    nb = copy.deepcopy(nb)
    for cell, exercise_id in zip(nb.cells, student.exercise_ids(nb)):
        source, n = student.strip_solutions(cell.source, cell.cell_type, exercise_id, lang)
        if n:
            cell.source = source
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        if cell.cell_type == "markdown":
            cell.source, _ = student.swap_instructions(cell.source, lang=lang)
    return nb


def chapter_title(nb, fallback: str) -> str:
    """Text of the notebook's first ``# Heading``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = TITLE_RE.search(cell.source)
            if match:
                return match.group(1).strip()
    return fallback


def first_objective(nb) -> str:
    """The first line under "What you will learn" / 「この章で学ぶこと」 (plain text; an English
    line gets its trailing ``;`` replaced by a full stop)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = OBJECTIVES_RE.search(cell.source)
            if match:
                line = " ".join(match.group(1).split())
                return line.rstrip("；、。") if "この章で学ぶこと" in match.group(0) else line.rstrip(";,.") + "."
    return ""


def _inline_markdown(text: str) -> str:
    """One line of Markdown as inline HTML (nbconvert's renderer); ``$math$`` becomes ``\\(…\\)``."""
    rendered = markdown2html(text).strip()
    rendered = re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.DOTALL)
    return re.sub(r"\$([^$]+)\$", r"\\(\1\\)", rendered)


def _nav(index: int, pages: list[tuple[str, str]], lang: str = "en", other: str | None = None) -> str:
    """The bar above and below a chapter: course map, the other language's page, previous, next."""
    words = UI[lang]
    links = [f'<a href="index.html">&#8962; {words["map"]}</a>']
    if other:
        links.append(f'<a href="{other}" lang="{OTHER_LANG[lang]}" hreflang="{OTHER_LANG[lang]}">{words["other"]}</a>')
    links.append('<span class="spacer"></span>')
    if index > 0:
        links.append(f'<a href="{pages[index - 1][0]}">{words["prev"].format(title=html.escape(pages[index - 1][1]))}</a>')
    if index + 1 < len(pages):
        links.append(f'<a href="{pages[index + 1][0]}">{words["next"].format(title=html.escape(pages[index + 1][1]))}</a>')
    return '<nav class="course-nav">' + "".join(links) + "</nav>"


def rewrite_chapter_links(body: str, available: set[str]) -> tuple[str, list[str]]:
    """Point ``NN_slug.ipynb`` links at ``NN_slug.html``; unlink chapters not in the site."""
    missing = []

    def replace(match):
        stem, anchor = match.group(1), match.group(2) or ""
        if stem in available:
            return f'href="{stem}.html{anchor}"'
        missing.append(stem)
        return f'title="{stem} is not part of this build"'

    return CHAPTER_LINK_RE.sub(replace, body), missing


def describe_widgets(nb, lang: str = "en") -> int:
    """Replace the text fallback of widget outputs (``FloatSlider(value=…)``) by a short note.

    Widget state is not stored in the notebooks, so a static page cannot show the widget itself.
    Returns how many outputs were changed.
    """
    changed = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                kind = str(data.get("text/plain", "widget")).split("(", 1)[0]
                data["text/plain"] = UI[lang]["widget"].format(kind=kind)
                changed += 1
    return changed


def make_exporter(mathjax_url: str | None = None, lang: str = "en") -> HTMLExporter:
    exporter = HTMLExporter(raw_template=TEMPLATE)
    exporter.language_code = lang
    exporter.embed_images = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    if mathjax_url:
        exporter.mathjax_url = mathjax_url
    return exporter


def _language(path: Path, nb) -> str:
    return _load_tool("make_student").notebook_language(path, nb)


def build(paths, out: Path, mathjax_url: str | None = None, with_solutions: bool = False) -> Path:
    """Write the site into ``out`` (Japanese chapters into ``out/ja``); return the path of ``index.html``.

    Pages and notebook copies of an earlier build in ``out`` and ``out/ja`` are removed first (only those).
    """
    assets = _load_tool("offline_assets")
    folders = {"en": out, "ja": out / "ja"}
    for folder in folders.values():
        for stale in [*folder.glob("*.html"), *(folder / "notebooks").glob("*.ipynb")]:
            stale.unlink()
    notebooks = {"en": [], "ja": []}
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        notebooks[_language(path, nb)].append((path, nb))
    if mathjax_url is None:
        mathjax_url = assets.copy_mathjax(out)
    make_student = None if with_solutions else _load_tool("make_student")
    stems = {lang: {path.stem for path, _ in chapters} for lang, chapters in notebooks.items()}
    chapters = {}  # (lang, stem) -> (page relative to out, title, index item)
    for lang, entries in notebooks.items():
        if not entries:
            continue
        folder, other = folders[lang], OTHER_LANG[lang]
        (folder / "notebooks").mkdir(parents=True, exist_ok=True)
        exporter = make_exporter(mathjax_url if lang == "en" else assets.relative_to_subfolder(mathjax_url), lang)
        pages = [(f"{path.stem}.html", chapter_title(nb, path.stem)) for path, nb in entries]
        for index, (path, nb) in enumerate(entries):
            start = time.perf_counter()
            page, title = pages[index]
            nb.metadata["title"] = title
            describe_widgets(nb, lang)
            shown = nb if with_solutions else student_view(nb, lang)
            counterpart = None
            if path.stem in stems[other]:
                counterpart = f"ja/{page}" if lang == "en" else f"../{page}"
            resources = {"metadata": {"name": path.stem, "path": str(path.parent)},
                         "course_nav": _nav(index, pages, lang, counterpart),
                         "mathjax_font_config": assets.MATHJAX_FONT_CONFIG,
                         "language_css": assets.language_css(lang)}
            body, _ = exporter.from_notebook_node(shown, resources=resources)
            body, missing = rewrite_chapter_links(body, stems[lang])
            for stem in sorted(set(missing)):
                print(f"make_html: warning: {path} links to {stem}.ipynb, which is not in this build",
                      file=sys.stderr)
            (folder / page).write_text(body, encoding="utf-8")
            if with_solutions:
                shutil.copy2(path, folder / "notebooks" / path.name)
            else:
                copy_for_students, _ = make_student.make_student_notebook(nbformat.read(path, as_version=4), lang)
                nbformat.write(copy_for_students, folder / "notebooks" / path.name)
            item = ITEM if lang == "en" else ITEM_JA
            what = UI[lang]["notebook_solutions" if with_solutions else "notebook"]
            chapters[lang, path.stem] = (page, title, item.format(
                page=page, title=html.escape(title), notebook=path.name, what=what, other="{other}",
                objective=_inline_markdown(first_objective(nb)) or "&hellip;"))
            print(f"{folder / page}: {(folder / page).stat().st_size / 1024:.0f} KiB ({time.perf_counter() - start:.1f} s)")
    index_path = None
    for lang in ("ja", "en"):
        other = OTHER_LANG[lang]
        if lang == "ja" and not notebooks["ja"]:
            continue
        items = []
        for stem in sorted(stems["en"] | stems["ja"]):
            prefix = "ja/" if other == "ja" else "../"
            if (lang, stem) in chapters:
                mine = chapters[lang, stem][2]
                theirs = chapters.get((other, stem))
                link = OTHER_ITEM[lang].format(page=prefix + theirs[0], title=html.escape(theirs[1])) if theirs else ""
                items.append(mine.replace("{other}", link))
            elif lang == "en":  # the top map lists every chapter built, in whichever language it exists
                page, title, _ = chapters[other, stem]
                items.append(ITEM_ONLY_OTHER.format(page=prefix + page, title=html.escape(title), lang=other))
        template = INDEX if lang == "en" else INDEX_JA
        url = mathjax_url if lang == "en" else assets.relative_to_subfolder(mathjax_url)
        index_path = folders[lang] / "index.html"
        index_path.write_text(template.format(
            items="\n".join(items), mathjax_url=html.escape(url), mathjax_font_config=assets.MATHJAX_FONT_CONFIG,
            index_css=INDEX_CSS,
            japanese_fonts=assets.JAPANESE_FONTS, other_edition=OTHER_EDITION[lang] if notebooks[other] else ""),
            encoding="utf-8")
        print(f"{index_path}: chapter map of {len(items)} chapter(s)")
    return index_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="default: notebooks/NN_*.ipynb and notebooks/ja/NN_*.ipynb")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: build/html, or build/html-instructor with solutions)")
    parser.add_argument("--mathjax-url", default=None,
                        help="MathJax 2 URL (default: a copy of the installed jupyter-server-mathjax)")
    parser.add_argument("--with-solutions", action="store_true",
                        help="keep exercise solutions (instructor site: never publish it to students)")
    args = parser.parse_args(argv)
    paths = args.notebooks or _load_tool("make_student").chapter_notebooks(ROOT)
    if not paths:
        print("make_html: no notebooks found", file=sys.stderr)
        return 1
    out = args.out or ROOT / "build" / ("html-instructor" if args.with_solutions else "html")
    build(paths, out, args.mathjax_url, args.with_solutions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
