"""Slides (``tools/make_slides.py``, ``make slides``) and the static site (``tools/make_html.py``,
``make html``), built from every chapter notebook that exists."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from tool_loader import IDS, NOTEBOOKS, ROOT, load_tool


make_html = load_tool("make_html")


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
    run_tool("make_slides", "--out", str(out), *map(str, NOTEBOOKS))
    return out


def expected_slides(path: Path) -> int:
    """1 for the first shown cell, plus one per later cell marked ``"slide"``."""
    types = [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in nbformat.read(path, as_version=4).cells]
    return 1 + sum(t == "slide" for t in types[1:])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_slides_follow_the_slide_metadata(slides_dir, path):
    text = (slides_dir / f"{path.stem}.slides.html").read_text(encoding="utf-8")
    page = Page(text)
    title = chapter_title(path)
    assert page.slides == expected_slides(path) >= 5, "a deck of several slides, one per marked section"
    assert title in page.title and f">{html.escape(title, quote=False)}<" in text.replace("\n", "")
    assert "google.colab" not in text, "the Colab install cell is not a slide"
    shown = visible_text(text)
    assert not secret_lines(path) & {line.strip() for line in shown.splitlines()}, "a solution is on a slide"
    assert 'raise NotImplementedError("Exercise' in shown or "# YOUR ANSWER HERE" in shown
    assert text.count("data:image/png;base64,") >= 1, "figures are embedded"
    assert any(r.endswith("/dist/reveal.js") for r in page.resources)


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


@pytest.mark.parametrize("name", ["index"] + IDS)
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
    assert all("mathjax" in r for r in external), f"only MathJax may come from the network: {external}"
    if name != "index":
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
