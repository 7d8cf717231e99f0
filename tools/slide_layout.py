"""Fit every slide on a 1280×720 screen: split long sections into vertical sub-slides.

Usage (what ``make notebooks`` runs on each executed ``.ipynb``; ``make_slides.py`` applies the
same function to its copy)::

    .venv/bin/python tools/slide_layout.py notebooks/01_loss_functions.ipynb ...

The authors mark only where a section starts (``slideshow.slide_type = "slide"`` in the ``.py``).
This tool estimates the height of every cell as the deck shows it — Markdown lines wrapped at the
slide width, headings, display formulas, tables and images; code lines; text outputs and figures
(their real pixel size, read from the PNG header) — and starts a sub-slide (``"subslide"``) at the
cell that would make the current one overflow. The result is cell metadata only, which JupyterLab's
live slides (jupyterlab-rise) and nbconvert's reveal.js decks both follow; sources and outputs are
untouched. It is idempotent: earlier ``"subslide"`` marks are recomputed, ``"slide"``, ``"skip"``
and ``"notes"`` are the authors' and stay. The Colab install cell and the set-up cell (the first
code cell importing ``course_lib``) are marked ``"skip"``: run all cells before presenting.

A cell taller than a whole slide (a very tall figure) gets a sub-slide of its own; the decks' CSS
caps figure height, so it still fits.
"""

from __future__ import annotations

import argparse
import base64
import math
import re
import struct
import sys
import unicodedata
from pathlib import Path

import nbformat

# The deck geometry (make_slides.py uses the same numbers): reveal.js scales a 1280×720 slide.
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
USABLE_HEIGHT = 640          # minus reveal's margin (3 %) and the slide counter
TEXT_PX, CODE_PX = 20, 17    # nbconvert's --jp-content-font-size1; the decks' --jp-code-font-size
TEXT_LINE, CODE_LINE = 27, 23
TEXT_CHARS = 110             # characters of prose per line at 20 px on ~1220 px (measured)
CODE_CHARS = 122             # monospace characters of 17 px that fit one code line (measured in Chromium)
MAX_FIGURE_HEIGHT = 430      # the decks' CSS caps figures at this height (code + figure fit one slide)
CELL_GAP = 16

# jupyterlab-rise reads these from the notebook metadata: the same slide size as the decks, text
# from the top, and a scrollbar as the last resort for a single cell taller than the screen.
RISE_SETTINGS = {"width": SLIDE_WIDTH, "height": SLIDE_HEIGHT, "center": False, "scroll": True,
                 "slideNumber": "c/t", "controls": True, "progress": True}

IMPORTS_COURSE_LIB = re.compile(r"^\s*(import course_lib|from course_lib[ .])", re.MULTILINE)
HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
IMAGE_RE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)|<img\b")


def png_size(data: str) -> tuple[int, int] | None:
    """(width, height) of a base64 PNG, from its IHDR chunk."""
    try:
        head = base64.b64decode(data[:64] + "=" * (-len(data[:64]) % 4))
    except ValueError:
        return None
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def _figure_height(width: int, height: int) -> float:
    scale = min(1.0, (SLIDE_WIDTH - 80) / width) if width else 1.0
    return min(height * scale, MAX_FIGURE_HEIGHT)


def _wrapped(line: str, chars: int) -> int:
    """Lines a text line wraps into, a full-width character (Japanese) counting as two Latin ones.

    A Japanese character is about twice as wide as a Latin one (20 px at the decks' 20 px text,
    Latin ~11 px): counting characters alone made Japanese slides too tall (11 of 364 sub-slides,
    measured in Chromium). English text has no full-width character, so its count is unchanged.
    """
    width = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)
    return max(1, math.ceil(width / chars))


def markdown_height(source: str) -> float:
    height, in_math, in_code = 0.0, False, False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            height += 12
            continue
        if in_code:
            height += CODE_LINE * _wrapped(line, CODE_CHARS)
            continue
        if stripped.startswith("$$"):
            height += 50 if not in_math else 0
            in_math = not in_math if stripped.count("$$") == 1 else in_math
            continue
        if in_math:
            height += 30
            continue
        heading = HEADING_RE.match(stripped)
        if heading:
            level = len(heading.group(1))
            height += {1: 90, 2: 70, 3: 50}.get(level, 40) * _wrapped(heading.group(2), 60 if level <= 2 else 80)
        elif not stripped:
            height += 12
        elif IMAGE_RE.search(stripped):
            height += MAX_FIGURE_HEIGHT * 0.8
        elif stripped.startswith("|"):
            height += 36 if not set(stripped) <= set("|-: ") else 0
        else:
            height += TEXT_LINE * _wrapped(stripped, TEXT_CHARS)
    return height + 10


def output_height(output) -> float:
    if output.get("output_type") == "stream":
        return sum(22 * _wrapped(line, CODE_CHARS) for line in output.get("text", "").splitlines()) + 10
    data = output.get("data", {})
    if "image/png" in data:
        size = png_size(data["image/png"] if isinstance(data["image/png"], str) else "".join(data["image/png"]))
        meta = output.get("metadata", {}).get("image/png", {})
        width = meta.get("width") or (size[0] if size else 640)
        height = meta.get("height") or (size[1] if size else 480)
        return _figure_height(width, height) + 10
    if "text/html" in data:
        text = data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"])
        if "<tr" in text:
            return 32 * text.count("<tr") + 10
        lines = max(text.count("\n"), text.count("<br")) + 1  # e.g. show_source's highlighted <pre>
        return CODE_LINE * lines + 20
    if "text/markdown" in data:
        return markdown_height(data["text/markdown"] if isinstance(data["text/markdown"], str)
                               else "".join(data["text/markdown"]))
    if "text/plain" in data:
        text = data["text/plain"] if isinstance(data["text/plain"], str) else "".join(data["text/plain"])
        return 22 * len(text.splitlines()) + 10
    if output.get("output_type") == "error":
        return 22 * min(len(output.get("traceback", [])) * 3, 15)
    return 0.0


def cell_height(cell) -> float:
    if cell.cell_type == "markdown":
        return markdown_height(cell.source)
    if cell.cell_type != "code":
        return 0.0
    lines = cell.source.split("\n")
    height = sum(CODE_LINE * _wrapped(line, CODE_CHARS) for line in lines) + 20
    return height + sum(output_height(o) for o in cell.get("outputs", []))


def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def _set_type(cell, kind: str | None) -> None:
    if kind is None:
        show = cell.metadata.get("slideshow", {})
        show.pop("slide_type", None)
        if not show:
            cell.metadata.pop("slideshow", None)
    else:
        cell.metadata.setdefault("slideshow", {})["slide_type"] = kind


def mark_notebook_only_cells(nb) -> None:
    """The Colab install cell and the set-up cell are not slides."""
    first_code = True
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        colab = "google.colab" in cell.source
        if colab or (first_code and IMPORTS_COURSE_LIB.search(cell.source)):
            _set_type(cell, "skip")
        if not colab:
            first_code = False


def _split_table(paragraph: str, budget: float) -> list[str]:
    """A Markdown list or table taller than ``budget`` in pieces (tables repeat their header rows)."""
    lines = paragraph.split("\n")
    if markdown_height(paragraph) <= budget:
        return [paragraph]
    if re.match(r"^\s*([-*+]|\d+\.)\s", lines[0]):  # a long list: cut between items
        items, pieces, current = [], [], []
        for line in lines:
            if re.match(r"^([-*+]|\d+\.)\s", line) and current:
                items.append("\n".join(current))
                current = []
            current.append(line)
        items.append("\n".join(current))
        for item in items:
            if current and markdown_height("\n".join(current + [item])) > budget:
                pieces.append("\n".join(current))
                current = []
            current.append(item)
        return pieces + ["\n".join(current)]
    if len(lines) < 3 or not all(line.lstrip().startswith("|") for line in lines):
        return [paragraph]
    header, rows = lines[:2], lines[2:]
    per_table = max(3, int((budget - 40) // 36) - 1)
    return ["\n".join(header + rows[i:i + per_table]) for i in range(0, len(rows), per_table)]


def split_tall_markdown(nb, budget: float = USABLE_HEIGHT) -> int:
    """Split Markdown cells taller than a slide at paragraph breaks (for a deck's copy only).

    The learner's notebook keeps its cells; a deck built from a copy gets one cell per chunk, the
    first keeping the cell's slide mark. Returns how many cells were split.
    """
    cells, split = [], 0
    for cell in nb.cells:
        if cell.cell_type != "markdown" or markdown_height(cell.source) <= budget:
            cells.append(cell)
            continue
        paragraphs, current, in_math = [], [], False
        for line in cell.source.split("\n"):
            if line.strip().startswith("$$") and line.strip().count("$$") == 1:
                in_math = not in_math
            if not line.strip() and not in_math and current:
                paragraphs.append("\n".join(current))
                current = []
            elif line.strip() or current:
                current.append(line)
        if current:
            paragraphs.append("\n".join(current))
        paragraphs = [piece for paragraph in paragraphs for piece in _split_table(paragraph, budget * 0.85)]
        chunks, chunk = [], []
        for paragraph in paragraphs:
            if chunk and markdown_height("\n\n".join(chunk + [paragraph])) > budget * 0.9:
                chunks.append(chunk)
                chunk = []
            chunk.append(paragraph)
        chunks.append(chunk)
        for index, chunk in enumerate(chunks):
            piece = nbformat.v4.new_markdown_cell("\n\n".join(chunk))
            if index == 0:
                piece.metadata = cell.metadata
            piece["id"] = f"{cell.get('id', 'md')}-{index}"
            cells.append(piece)
        split += len(chunks) > 1
    nb.cells = cells
    return split


def _output_chunks(outputs, budget: float) -> list[list]:
    """Group outputs into slide-sized chunks; a long text stream is cut between lines."""
    pieces = []
    for output in outputs:
        markdown = output.get("data", {}).get("text/markdown")
        markdown = "".join(markdown) if isinstance(markdown, list) else markdown
        if (markdown and markdown.lstrip().startswith("```") and output_height(output) > budget
                and output.get("output_type") == "display_data"):
            # a long listing (show_source): continue it on the next sub-slide, fences repeated
            lines = markdown.strip().split("\n")
            fence, body = lines[0], lines[1:-1] if lines[-1].strip() == "```" else lines[1:]
            per_slide = max(5, int((budget - 60) // CODE_LINE))
            for start in range(0, len(body), per_slide):
                part = "\n".join([fence, *body[start:start + per_slide], "```"])
                pieces.append(nbformat.v4.new_output("display_data", data={"text/markdown": part,
                                                                           "text/plain": part}))
        elif output.get("output_type") == "stream" and output_height(output) > budget:
            lines, chunk = output.get("text", "").splitlines(keepends=True), []
            for line in lines:
                chunk.append(line)
                if 22 * len(chunk) + 30 > budget:
                    pieces.append(nbformat.v4.new_output("stream", name=output.get("name", "stdout"),
                                                         text="".join(chunk)))
                    chunk = []
            if chunk:
                pieces.append(nbformat.v4.new_output("stream", name=output.get("name", "stdout"), text="".join(chunk)))
        else:
            pieces.append(output)
    chunks, chunk, used = [], [], 0.0
    for piece in pieces:
        height = output_height(piece)
        if chunk and used + height > budget:
            chunks.append(chunk)
            chunk, used = [], 0.0
        chunk.append(piece)
        used += height
    if chunk:
        chunks.append(chunk)
    return chunks


def _source_height(source: str) -> float:
    return sum(CODE_LINE * _wrapped(line, CODE_CHARS) for line in source.split("\n")) + 20


def _split_source(source: str, budget: float) -> list[str]:
    """Code taller than a slide in slide-sized pieces, cut at blank lines when possible."""
    lines, pieces, current = source.split("\n"), [], []
    for line in lines:
        current.append(line)
        if _source_height("\n".join(current)) > budget * 0.9:
            blanks = [i for i, text in enumerate(current[:-1]) if not text.strip() and i > len(current) // 3]
            cut = blanks[-1] if blanks else len(current) - 1
            pieces.append("\n".join(current[:cut]).rstrip("\n"))
            current = [text for text in current[cut:]]
            while current and not current[0].strip():
                current.pop(0)
    pieces.append("\n".join(current))
    return [piece for piece in pieces if piece.strip()] or [source]


def split_tall_code(nb, budget: float = USABLE_HEIGHT) -> int:
    """In a deck's copy, show the outputs of a code cell taller than a slide on the next sub-slide(s).

    The code stays in its cell; each following output-only cell has the same source, hidden
    (nbconvert's ``transient.remove_source``). Returns how many cells were split.
    """
    cells, split = [], 0
    for cell in nb.cells:
        if cell.cell_type == "code" and _source_height(cell.source) > budget:
            pieces = _split_source(cell.source, budget)
            for index, piece in enumerate(pieces[:-1]):
                head = nbformat.v4.new_code_cell(piece, metadata=cell.metadata if index == 0 else {})
                head["id"] = f"{cell.get('id', 'code')}-src{index}"
                cells.append(head)
            cell.source = pieces[-1]
            if len(pieces) > 1:
                cell.metadata = {k: v for k, v in cell.metadata.items() if k != "slideshow"}
                split += 1
        cells.append(cell)
        if cell.cell_type != "code" or not cell.get("outputs") or cell_height(cell) <= budget:
            continue
        chunks = _output_chunks(cell.outputs, budget)
        cell.outputs = []
        for chunk in chunks:
            rest = nbformat.v4.new_code_cell(cell.source, outputs=chunk,
                                              metadata={"transient": {"remove_source": True}})
            rest["id"] = f"{cell.get('id', 'code')}-out{len(cells)}"
            cells.append(rest)
        split += 1
    nb.cells = cells
    return split


def cell_height_as_shown(cell) -> float:
    if cell.metadata.get("transient", {}).get("remove_source"):
        return sum(output_height(o) for o in cell.get("outputs", []))
    return cell_height(cell)


def layout(nb, budget: float = USABLE_HEIGHT) -> int:
    """Recompute the sub-slide marks of ``nb`` in place; return how many sub-slides were started."""
    mark_notebook_only_cells(nb)
    used, started = None, 0
    for cell in nb.cells:
        kind = slide_type(cell)
        if kind == "subslide":
            _set_type(cell, None)
            kind = "-"
        if kind in ("skip", "notes"):
            continue
        height = cell_height_as_shown(cell) + CELL_GAP
        if kind == "slide" or used is None:
            used = height
        elif kind in ("-", "fragment") and used + height > budget and used > 0:
            _set_type(cell, "subslide")
            started += 1
            used = height
        else:
            used += height
    return started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
        started = layout(nb)
        nb.metadata["rise"] = dict(RISE_SETTINGS)
        slides = sum(slide_type(c) == "slide" for c in nb.cells)
        if nbformat.writes(nb) != before:
            nbformat.write(nb, path)
        print(f"{path}: {slides} slides, {started} sub-slides added to fit {SLIDE_WIDTH}×{SLIDE_HEIGHT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
