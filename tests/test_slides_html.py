"""Slides (``tools/make_slides.py``, ``make slides``) and the static site (``tools/make_html.py``,
``make html``), built from every chapter notebook that exists, in both editions (the Japanese
chapters ``notebooks/ja/NN_slug.ipynb`` become ``ja/NN_slug.slides.html`` and ``ja/NN_slug.html``)."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from tool_loader import IDS, NOTEBOOKS, ROOT, load_tool


make_html = load_tool("make_html")
JA_NOTEBOOKS = sorted((ROOT / "notebooks" / "ja").glob("[0-9][0-9]_*.ipynb"))
JA_IDS = [f"ja/{p.stem}" for p in JA_NOTEBOOKS]
ALL, ALL_IDS = NOTEBOOKS + JA_NOTEBOOKS, IDS + JA_IDS
# A student placeholder as each edition's decks and pages show it.
STUBS = {"en": ('raise NotImplementedError("Exercise', "# YOUR ANSWER HERE"),
         "ja": ('raise NotImplementedError("演習', "# ここに答えを書く")}


def lang_of(path: Path) -> str:
    return "ja" if path.parent.name == "ja" else "en"


def built(folder: Path, path: Path, suffix: str) -> Path:
    """The deck or page of a chapter in a build folder: ``NN_slug<suffix>`` or ``ja/NN_slug<suffix>``."""
    return folder / ("ja" if lang_of(path) == "ja" else "") / f"{path.stem}{suffix}"


class Page(HTMLParser):
    """The parts of an HTML page the tests look at."""

    def __init__(self, text: str):
        super().__init__()
        self.ids, self.links, self.images, self.resources, self.title = set(), [], [], [], ""
        self.slides, self._depth, self._slides_depth, self._stack, self._in_title = 0, 0, None, [], False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if tag == "script" and attrs.get("src"):
            self.resources.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.resources.append(attrs["href"])
        if tag == "title":
            self._in_title = True
        if tag in ("div", "section"):  # count <section>s directly inside <div class="slides">
            self._depth += 1
            if tag == "div" and "slides" in (attrs.get("class") or "").split():
                self._slides_depth = self._depth
            elif tag == "section" and self._slides_depth is not None and self._depth == self._slides_depth + 1:
                self.slides += 1

    def handle_endtag(self, tag):
        if tag in ("div", "section"):
            if self._depth == self._slides_depth:
                self._slides_depth = None
            self._depth -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def chapter_title(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    return next(line[2:].strip() for line in first.source.splitlines() if line.startswith("# "))


def visible_text(page: str) -> str:
    """The text of an HTML page without its tags (code is split into highlighting spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def secret_lines(path: Path) -> set[str]:
    """Stripped lines found only between ### BEGIN SOLUTION and ### END SOLUTION.

    Lines that the notebook also shows elsewhere (other code, outputs such as library source
    shown with ``show_source``) are no secret.
    """
    inside, outside = set(), set()
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            for text in [output.get("text", ""), *output.get("data", {}).values()]:
                if isinstance(text, str):
                    outside.update(line.strip() for line in text.splitlines())
        region = False
        for line in cell.source.split("\n"):
            marker = line.strip() in ("### BEGIN SOLUTION", "### END SOLUTION")
            region = (line.strip() == "### BEGIN SOLUTION") if marker else region
            (inside if region or marker else outside).add(line.strip())
    return {line for line in inside - outside if line and not line.startswith("#")}


def run_tool(name: str, *args: str):
    run = subprocess.run([sys.executable, str(ROOT / "tools" / f"{name}.py"), *args],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr
    return run


# ---------------------------------------------------------------- slides

@pytest.fixture(scope="module")
def slides_dir(tmp_path_factory):
    if not NOTEBOOKS:
        pytest.skip("no chapter notebooks yet")
    out = tmp_path_factory.mktemp("slides")
    run_tool("make_slides", "--out", str(out), *map(str, ALL))
    return out


def expected_slides(path: Path) -> int:
    """1 for the first shown cell, plus one per later cell marked ``"slide"``."""
    types = [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in nbformat.read(path, as_version=4).cells]
    return 1 + sum(t == "slide" for t in types[1:])


@pytest.mark.parametrize("path", ALL, ids=ALL_IDS)
def test_slides_follow_the_slide_metadata(slides_dir, path):
    text = built(slides_dir, path, ".slides.html").read_text(encoding="utf-8")
    page = Page(text)
    title = chapter_title(path)
    assert page.slides == expected_slides(path) >= 5, "a deck of several slides, one per marked section"
    assert title in page.title and f">{html.escape(title, quote=False)}<" in text.replace("\n", "")
    assert "google.colab" not in text, "the Colab install cell is not a slide"
    shown = visible_text(text)
    assert not secret_lines(path) & {line.strip() for line in shown.splitlines()}, "a solution is on a slide"
    assert any(stub in shown for stub in STUBS[lang_of(path)])
    assert text.count("data:image/png;base64,") >= 1, "figures are embedded"
    assert any(r.endswith("/dist/reveal.js") for r in page.resources)
    if lang_of(path) == "ja":  # one copy of reveal.js and MathJax for both editions
        assert "../reveal.js/dist/reveal.js" in page.resources
        assert any(r.startswith("../mathjax/MathJax.js") for r in page.resources)


def test_slides_with_a_local_reveal_copy_need_no_cdn(tmp_path):
    reveal = tmp_path / "reveal-package"
    for name in ("dist/reveal.js", "dist/reveal.css", "dist/theme/white.css", "plugin/notes/notes.js"):
        (reveal / name).parent.mkdir(parents=True, exist_ok=True)
        (reveal / name).write_text("/* stand-in */")
    nb = new_notebook(cells=[new_markdown_cell("# Chapter 9 — Toy"),
                             new_markdown_cell("## Part two", metadata={"slideshow": {"slide_type": "slide"}})])
    nbformat.write(nb, tmp_path / "09_toy.ipynb")
    run_tool("make_slides", "--out", str(tmp_path / "out"), "--reveal-prefix", str(reveal),
             "--mathjax-url", "mathjax/MathJax.js", str(tmp_path / "09_toy.ipynb"))
    page = Page((tmp_path / "out" / "09_toy.slides.html").read_text(encoding="utf-8"))
    assert page.slides == 2
    assert sorted(page.resources) == ["mathjax/MathJax.js", "reveal.js/dist/reveal.css", "reveal.js/dist/reveal.js",
                                      "reveal.js/dist/theme/white.css", "reveal.js/plugin/notes/notes.js"]
    for resource in page.resources:
        if resource.startswith("reveal.js/"):
            assert (tmp_path / "out" / resource).is_file()


# ---------------------------------------------------------------- static site

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not NOTEBOOKS:
        pytest.skip("no chapter notebooks yet")
    out = tmp_path_factory.mktemp("html")
    run_tool("make_html", "--out", str(out))
    return out


def test_index_links_every_chapter(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    links = Page(index).links
    for path in NOTEBOOKS:
        assert f"{path.stem}.html" in links and f"notebooks/{path.name}" in links
        assert chapter_title(path) in index
        assert (site / f"{path.stem}.html").is_file() and (site / "notebooks" / path.name).is_file()
    assert index.count("You will learn ") == len(NOTEBOOKS)
    assert "You will learn &hellip;" not in index, "a chapter without 'What you will learn'"
    for path in JA_NOTEBOOKS:  # the course map links each chapter in both languages
        assert f"ja/{path.stem}.html" in links and chapter_title(path) in index
    assert len({link for link in links if link.endswith(".html") and "index" not in link}) == len(ALL)
    assert "ja/index.html" in links


def test_japanese_index_and_pages_are_japanese(site):
    if not JA_NOTEBOOKS:
        pytest.skip("no Japanese chapters")
    index = (site / "ja" / "index.html").read_text(encoding="utf-8")
    links = Page(index).links
    assert '<html lang="ja">' in index and "目次" in index and "Noto Sans CJK JP" in index
    for path in JA_NOTEBOOKS:
        assert f"{path.stem}.html" in links and f"notebooks/{path.name}" in links and f"../{path.stem}.html" in links
        assert chapter_title(path) in index
    assert index.count("この章で学ぶこと: ") == len(JA_NOTEBOOKS) and "&hellip;" not in index
    for number, path in enumerate(JA_NOTEBOOKS):
        text = (site / "ja" / f"{path.stem}.html").read_text(encoding="utf-8")
        nav = re.search(r'<nav class="course-nav">(.*?)</nav>', text).group(1)
        assert '<html lang="ja">' in text and ":root:lang(ja)" in text and '"Hiragino Sans"' in text
        assert " 目次</a>" in nav and f'href="../{path.stem}.html"' in nav
        assert ("前へ" in nav) == (number > 0) and ("次へ" in nav) == (number + 1 < len(JA_NOTEBOOKS))
        assert "Course map" not in nav
        english = (site / f"{path.stem}.html").read_text(encoding="utf-8")
        assert f'href="ja/{path.stem}.html"' in english and '<html lang="en">' in english
        assert ":root:lang(ja)" not in english, "English pages keep JupyterLab's fonts"


@pytest.mark.parametrize("name", ["index"] + IDS + (["ja/index"] if JA_NOTEBOOKS else []) + JA_IDS)
def test_every_image_and_local_link_resolves(site, name):
    page_path = site / f"{name}.html"
    page = Page(page_path.read_text(encoding="utf-8"))
    for src in page.images:
        assert src.startswith("data:") or (page_path.parent / unquote(urlsplit(src).path)).is_file(), src
    for href in page.links:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https", "mailto"):
            continue
        assert not parts.scheme, f"unexpected link {href}"
        target = page_path.parent / unquote(parts.path) if parts.path else page_path
        assert target.is_file(), f"{name}.html links to missing {href}"
        if parts.fragment and target.suffix == ".html":
            ids = page.ids if target == page_path else Page(target.read_text(encoding="utf-8")).ids
            # a browser tries the fragment as written, then percent-decoded (nbconvert's ids are encoded)
            assert {parts.fragment, unquote(parts.fragment)} & ids, f"{name}.html links to missing anchor {href}"
    external = {r for r in page.resources if urlsplit(r).scheme in ("http", "https")}
    assert not external, f"nothing may come from the network: {external}"
    if not name.endswith("index"):
        assert "index.html" in page.links, "chapter pages link back to the course map"
        assert any(src.startswith("data:image/png") for src in page.images), "no figure on the page"


def test_chapter_links_point_to_pages_or_are_unlinked():
    body = '<a href="02_chain_rule.ipynb#Step-2">2</a> <a href="./03_backprop.ipynb">3</a> <a href="x.ipynb">x</a>'
    out, missing = make_html.rewrite_chapter_links(body, {"02_chain_rule"})
    assert out == ('<a href="02_chain_rule.html#Step-2">2</a> '
                   '<a title="03_backprop is not part of this build">3</a> <a href="x.ipynb">x</a>')
    assert missing == ["03_backprop"]


def test_first_objective_joins_a_wrapped_bullet():
    nb = new_notebook(cells=[new_markdown_cell(
        "# Chapter 4 — GD\n\n**What you will learn**\n- the update rule $\\theta$, and what it does in one\n"
        "  and two dimensions;\n- momentum.\n")])
    assert make_html.first_objective(nb) == "the update rule $\\theta$, and what it does in one and two dimensions."
    assert make_html._inline_markdown("`a<b`, *b* and $x_1 < y$") == "<code>a&lt;b</code>, <em>b</em> and \\(x_1 &lt; y\\)"


def test_widgets_get_a_note_instead_of_their_repr():
    from nbformat.v4 import new_code_cell, new_output

    widget = new_output("display_data", data={"text/plain": "FloatLogSlider(value=0.1, description='η')",
                                              "application/vnd.jupyter.widget-view+json": {"model_id": "x"}})
    nb = new_notebook(cells=[new_code_cell("display(slider)", outputs=[widget])])
    assert make_html.describe_widgets(nb) == 1
    assert widget.data["text/plain"] == "[interactive FloatLogSlider: run this notebook in Jupyter to use it]"


# ---------------------------------------------------------------- student-safe publishing

def solution_lines(path: Path) -> set[str]:
    """Every non-trivial line of every solution region that the notebook shows nowhere else.

    Lines that also appear outside the regions (in other cells' sources or in any output, e.g. the
    library source that ``show_source`` prints) are not secrets of the exercise.
    """
    nb = nbformat.read(path, as_version=4)
    inside, outside_text = [], []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for text in [output.get("text", ""), *output.get("data", {}).values()]:
                if isinstance(text, str):
                    outside_text.append(text)
        region = False
        for line in cell.source.split("\n"):
            if line.strip() in ("### BEGIN SOLUTION", "### END SOLUTION"):
                region = line.strip() == "### BEGIN SOLUTION"
            elif region:
                inside.append(line.strip())
            else:
                outside_text.append(line)
    outside = "\n".join(outside_text)
    return {line for line in inside
            if len(line) >= 8 and not line.startswith("#") and line not in outside}


def artefact_texts(folder: Path):
    """(relative path, searchable text) of every page and notebook in a build folder.

    HTML is tag-stripped and unescaped (Pygments splits code into spans); notebooks are read as
    JSON, so sources, outputs and metadata are all searched.
    """
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".html" and "mathjax" not in path.parts and "reveal.js" not in path.parts:
            yield path.relative_to(folder), visible_text(path.read_text(encoding="utf-8"))
        elif path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            yield path.relative_to(folder), "\n".join(
                [c.source for c in nb.cells] + [str(c.get("outputs", "")) for c in nb.cells] + [str(nb.metadata)])


@pytest.fixture(scope="module")
def instructor_builds(tmp_path_factory):
    if not NOTEBOOKS:
        pytest.skip("no chapter notebooks yet")
    out = tmp_path_factory.mktemp("instructor")
    chapters = NOTEBOOKS + JA_NOTEBOOKS[:2]  # two Japanese chapters show that ja/ is searched too
    run_tool("make_slides", "--with-solutions", "--out", str(out / "slides"), *map(str, chapters))
    run_tool("make_html", "--with-solutions", "--out", str(out / "html"), *map(str, chapters))
    return out


def leaks(folder: Path) -> dict[str, list[str]]:
    """Solution lines found in the artefacts of a build folder (a chapter's pages and notebooks, in
    either language, are searched for that chapter's solutions in both editions; pages of no
    chapter, like the indexes, for all of them)."""
    secrets = {}
    for path in ALL:
        secrets[path.stem] = secrets.get(path.stem, set()) | solution_lines(path)
    found = {}
    for name, text in artefact_texts(folder):
        flat = " ".join(text.split())
        mine = [lines for stem, lines in secrets.items() if stem in str(name)] or list(secrets.values())
        hits = [line for lines in mine for line in lines if " ".join(line.split()) in flat]
        if hits:
            found[str(name)] = sorted(set(hits))
    return found


def test_student_site_and_decks_hold_no_solution(site, slides_dir):
    for paths in (NOTEBOOKS, JA_NOTEBOOKS):
        assert sum(map(len, (solution_lines(p) for p in paths))) >= 3 * len(paths), "too few secrets to test"
    searched = {str(name) for folder in (site, slides_dir) for name, _ in artefact_texts(folder)}
    assert {f"ja/{p.stem}.slides.html" for p in JA_NOTEBOOKS} <= searched
    assert {f"ja/{p.stem}.html" for p in JA_NOTEBOOKS} | {f"ja/notebooks/{p.name}" for p in JA_NOTEBOOKS} <= searched
    for folder in (site, slides_dir):
        assert not leaks(folder), f"solution lines in student artefacts: {leaks(folder)}"
    for folder, paths in ((site, NOTEBOOKS), (site / "ja", JA_NOTEBOOKS)):
        downloads = sorted((folder / "notebooks").glob("*.ipynb"))
        assert [p.name for p in downloads] == [p.name for p in paths]
        for path in downloads:
            nb = nbformat.read(path, as_version=4)
            assert all(c.get("outputs", []) == [] for c in nb.cells), "downloads are the student copies"


def test_instructor_builds_keep_the_solutions(instructor_builds):
    """The leak test can see solutions: the instructor versions show every chapter's."""
    for folder in ("slides", "html"):
        found = leaks(instructor_builds / folder)
        for path in NOTEBOOKS:
            assert any(path.stem in name and not name.startswith("ja/") for name in found), \
                f"{folder}: no solution of {path.name} found"
        for path in JA_NOTEBOOKS[:2]:
            assert any(name.startswith(f"ja/{path.stem}") for name in found), f"{folder}: no solution of ja/{path.name}"


def test_makefile_publishes_student_versions_by_default():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^slides:.*\n\t.*make_slides\.py --out build/slides ", makefile, re.M)
    assert re.search(r"^html:.*\n\t.*make_html\.py --out build/html ", makefile, re.M)
    assert re.search(r"^slides-instructor:.*\n\t.*--with-solutions --out build/slides-instructor", makefile, re.M)
    assert re.search(r"^html-instructor:.*\n\t.*--with-solutions --out build/html-instructor", makefile, re.M)


# ---------------------------------------------------------------- offline

def test_site_and_decks_load_nothing_from_the_network(site, slides_dir):
    for folder in (site, slides_dir):
        pages = [*folder.glob("*.html"), *folder.glob("ja/*.html")]
        assert len(pages) >= len(ALL)
        for path in sorted(pages):
            page = Page(path.read_text(encoding="utf-8"))
            external = [r for r in page.resources if urlsplit(r).scheme or r.startswith("//")]
            assert not external, f"{path.name} loads {external}"
            for resource in page.resources:
                assert (path.parent / unquote(urlsplit(resource).path)).resolve().is_file(), f"{path.name}: missing {resource}"
            css_imports = re.findall(r"@import\s+url\(['\"]?(https?:[^)'\"]+)", path.read_text(encoding="utf-8"))
            assert not css_imports, f"{path.name} imports {css_imports}"
    assert (slides_dir / "mathjax" / "config" / "TeX-AMS-MML_HTMLorMML-full.js").is_file()
    assert (slides_dir / "reveal.js" / "plugin" / "notes" / "notes.js").is_file()
    for folder in (site, slides_dir):  # the Japanese edition uses the same copies
        assert not (folder / "ja" / "mathjax").exists() and not (folder / "ja" / "reveal.js").exists()
    mathjax = {r for p in site.glob("*.html") for r in Page(p.read_text(encoding="utf-8")).resources if "MathJax" in r}
    assert mathjax == {"mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"}, \
        "the only MathJax config jupyter-server-mathjax ships"
    mathjax = {r for p in site.glob("ja/*.html") for r in Page(p.read_text(encoding="utf-8")).resources if "MathJax" in r}
    assert mathjax <= {"../mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"}


# ---------------------------------------------------------------- slide layout and code width

layout = load_tool("slide_layout")
teaching_notes = load_tool("teaching_notes")


def _long_section():
    from nbformat.v4 import new_code_cell, new_output

    cells = [new_markdown_cell("## A long section", metadata={"slideshow": {"slide_type": "slide"}})]
    for i in range(12):
        cells.append(new_markdown_cell(f"Paragraph {i}: " + "words " * 60))
        cells.append(new_code_cell("\n".join(f"x{j} = {j}" for j in range(8)),
                                   outputs=[new_output("stream", text="1\n" * 5)]))
    return new_notebook(cells=cells)


def test_layout_splits_a_long_section_into_subslides_that_fit():
    nb = _long_section()
    started = layout.layout(nb)
    kinds = [layout.slide_type(c) for c in nb.cells]
    assert started >= 3 and kinds.count("subslide") == started and kinds[0] == "slide"
    used = 0.0
    for cell, kind in zip(nb.cells, kinds):
        height = layout.cell_height(cell) + layout.CELL_GAP
        used = height if kind in ("slide", "subslide") else used + height
        assert used <= layout.USABLE_HEIGHT, "a sub-slide overflows"
    again = nbformat.from_dict(nb)
    assert layout.layout(again) == started and again == nb, "idempotent"


def test_layout_measures_figures_from_the_png_header():
    import base64
    import struct
    import zlib

    def png(width, height):
        chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        return base64.b64encode(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))).decode()

    assert layout.png_size(png(1000, 400)) == (1000, 400)
    tall = {"output_type": "display_data", "data": {"image/png": png(800, 2000)}, "metadata": {}}
    assert layout.output_height(tall) == layout.MAX_FIGURE_HEIGHT + 10


def test_deck_copy_splits_cells_taller_than_a_slide():
    from nbformat.v4 import new_code_cell, new_output

    nb = new_notebook(cells=[new_markdown_cell("## S", metadata={"slideshow": {"slide_type": "slide"}}),
                             new_markdown_cell("\n\n".join("para " * 80 for _ in range(10))),
                             new_code_cell("print(1)", outputs=[new_output("stream", text="line\n" * 80)])])
    assert layout.split_tall_markdown(nb) == 1 and layout.split_tall_code(nb) == 1
    hidden = [c for c in nb.cells if c.metadata.get("transient", {}).get("remove_source")]
    assert len(hidden) >= 2 and all(c.outputs for c in hidden)
    assert all(layout.cell_height_as_shown(c) <= layout.USABLE_HEIGHT for c in nb.cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_code_line_is_wider_than_a_slide(path):
    """At the decks' 17 px code font, 122 monospace characters fit the 1280 px slide (measured in
    Chromium: 9.93 px per character, 1217 px of text width at reveal's scale). The decks wrap longer
    lines rather than cut them; this keeps the code as its authors laid it out."""
    nb = nbformat.read(path, as_version=4)
    long = [(index, len(line), line.strip()[:40]) for index, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for line in cell.source.split("\n") if len(line) > layout.CODE_CHARS]
    assert not long, f"{path.name}: code lines longer than {layout.CODE_CHARS} characters (cell, length, start): {long}"


@pytest.mark.parametrize("path", ALL, ids=ALL_IDS)
def test_deck_follows_the_layout(slides_dir, path):
    text = built(slides_dir, path, ".slides.html").read_text(encoding="utf-8")
    assert "width: 1280, height: 720" in text and "white-space: pre-wrap" in text
    assert "Reveal.initialize" in text and 'slideNumber: "c/t"' in text
    japanese = lang_of(path) == "ja"
    assert ('<html lang="ja">' in text) == japanese and (":root:lang(ja)" in text) == japanese
    assert ("--r-main-font: \"Hiragino Sans\"" in text) == japanese, "Japanese decks name Japanese fonts"
    assert ("スライドを 1 ページにまとめて表示" in text) == japanese


# ---------------------------------------------------------------- speaker notes

# Chapters whose teaching/NN_slug.md has not landed yet. Emptied when every chapter has one.
NOTES_PENDING: set[str] = set()

NOTES_FIXTURE = """# Chapter 9 — Toy: teaching notes

## Session plan (90 minutes)
| minutes | what |
|---|---|
| 0–10 | intro |

## Speaker notes

### Chapter 9 — Toy
- **Say:** hello.
- **Ask:** why?
- **Watch for:** sleepy faces.

### Part two
- **Say:** more.
- **Ask:** what next?

## Afterword
### Not a slide
- **Say:** ignored.
"""


def test_speaker_notes_parser():
    notes = teaching_notes.speaker_notes(NOTES_FIXTURE)
    assert list(notes) == ["Chapter 9 — Toy", "Part two"]
    assert teaching_notes.missing_parts(notes["Chapter 9 — Toy"]) == []
    assert teaching_notes.missing_parts(notes["Part two"]) == ["Watch for"]


def test_notes_go_to_the_speaker_view_not_the_slides(tmp_path):
    (tmp_path / "teaching").mkdir()
    (tmp_path / "teaching" / "09_toy.md").write_text(NOTES_FIXTURE, encoding="utf-8")
    nb = new_notebook(cells=[new_markdown_cell("# Chapter 9 — Toy", metadata={"slideshow": {"slide_type": "slide"}}),
                             new_markdown_cell("## Part two", metadata={"slideshow": {"slide_type": "slide"}})])
    nbformat.write(nb, tmp_path / "09_toy.ipynb")
    make_slides = load_tool("make_slides")
    [deck] = make_slides.build([tmp_path / "09_toy.ipynb"], tmp_path / "out", teaching_root=tmp_path)
    text = deck.read_text(encoding="utf-8")
    asides = re.findall(r'<aside class="notes">(.*?)</aside>', text, re.S)
    assert len(asides) == 2 and "hello." in asides[0] and "more." in asides[1]
    assert "sleepy faces" in visible_text(asides[0]) and "ignored" not in text
    assert nbformat.read(tmp_path / "09_toy.ipynb", as_version=4) == nb, "the notebook itself is untouched"


def test_japanese_slides_take_the_notes_of_their_english_cells(tmp_path):
    """Speaker notes are keyed by English headings; a translated deck maps them by cell index."""
    (tmp_path / "teaching").mkdir()
    (tmp_path / "teaching" / "09_toy.md").write_text(NOTES_FIXTURE, encoding="utf-8")
    slide = {"slideshow": {"slide_type": "slide"}}
    english = new_notebook(cells=[new_markdown_cell("# Chapter 9 — Toy", metadata=slide),
                                  new_markdown_cell("text"), new_markdown_cell("## Part two", metadata=slide)])
    japanese = new_notebook(cells=[new_markdown_cell("# 第9章 — おもちゃ", metadata=slide),
                                   new_markdown_cell("本文。" * 400), new_markdown_cell("## 第二部", metadata=slide)])
    (tmp_path / "ja").mkdir()
    nbformat.write(english, tmp_path / "09_toy.ipynb")
    nbformat.write(japanese, tmp_path / "ja" / "09_toy.ipynb")
    assert teaching_notes.slide_notes_headings(japanese, english) == ["Chapter 9 — Toy", "Part two"]
    make_slides = load_tool("make_slides")
    [deck] = make_slides.build([tmp_path / "ja" / "09_toy.ipynb"], tmp_path / "out", teaching_root=tmp_path)
    assert deck == tmp_path / "out" / "ja" / "09_toy.slides.html"
    text = deck.read_text(encoding="utf-8")
    asides = re.findall(r'<aside class="notes">(.*?)</aside>', text, re.S)
    assert len(asides) == 2 and "hello." in asides[0] and "more." in asides[1]
    assert "speaker_notes_key" not in text
    with pytest.raises(ValueError, match="one for one"):
        teaching_notes.notes_headings(japanese, new_notebook(cells=english.cells[:2]))


@pytest.mark.parametrize("path", ALL, ids=ALL_IDS)
def test_every_slide_has_speaker_notes(path):
    notes_file = teaching_notes.teaching_file(path)
    if path.stem in NOTES_PENDING and not notes_file.is_file():
        pytest.xfail(f"{notes_file.name} has not landed yet")
    assert notes_file.is_file(), f"no {notes_file.relative_to(ROOT)}"
    notes = teaching_notes.notes_for(path)
    english = teaching_notes.english_notebook(path)
    english = nbformat.read(english, as_version=4) if english else None
    headings = teaching_notes.slide_notes_headings(nbformat.read(path, as_version=4), english)
    assert None not in headings, "every slide cell starts with a heading (a Japanese one: its English cell)"
    missing = [h for h in headings if h not in notes]
    assert not missing, f"slides without a '### <heading>' entry under '## Speaker notes': {missing}"
    incomplete = {h: teaching_notes.missing_parts(notes[h]) for h in headings if teaching_notes.missing_parts(notes[h])}
    assert not incomplete, f"entries without Say / Ask / Watch for: {incomplete}"


@pytest.mark.parametrize("path", ALL, ids=ALL_IDS)
def test_decks_carry_the_notes(slides_dir, path):
    if not teaching_notes.teaching_file(path).is_file():
        pytest.skip("no teaching notes yet")
    text = built(slides_dir, path, ".slides.html").read_text(encoding="utf-8")
    slides = len(teaching_notes.slide_headings(nbformat.read(path, as_version=4)))
    assert text.count('<aside class="notes">') == slides
    assert "**Say:**" not in text and "<strong>Say:</strong>" in text


def test_make_notebooks_step_lays_out_live_slides(tmp_path):
    """``tools/slide_layout.py`` (run by ``make notebooks`` after executing) writes only metadata:
    sub-slide marks and jupyterlab-rise's settings; sources and outputs stay as they were."""
    nb = _long_section()
    path = tmp_path / "09_toy.ipynb"
    nbformat.write(nb, path)
    assert layout.main([str(path)]) == 0
    laid = nbformat.read(path, as_version=4)
    assert laid.metadata["rise"]["width"] == 1280 and laid.metadata["rise"]["height"] == 720
    assert [c.source for c in laid.cells] == [c.source for c in nb.cells]
    assert [c.get("outputs") for c in laid.cells] == [c.get("outputs") for c in nb.cells]
    assert sum(layout.slide_type(c) == "subslide" for c in laid.cells) >= 3
    makefile = (ROOT / "Makefile").read_text()
    assert "$(EXECUTE) $$nb && \\\n\t  $(BIN)/python tools/slide_layout.py $$nb" in makefile
