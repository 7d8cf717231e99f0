"""Speaker notes of the decks, read from the chapters' teaching notes ``teaching/NN_slug.md``.

Each chapter's teaching file ends its plan, answers and common mistakes with a section::

    ## Speaker notes

    ### <exact text of the heading of a cell whose slideshow.slide_type is "slide">
    - **Say:** …
    - **Ask:** …
    - **Watch for:** …

``make_slides.py`` turns each entry into reveal.js notes (``<aside class="notes">``) on the first
sub-slide of that section: the speaker view (``s``) shows them, the learners' notebooks never
contain them.

The Japanese decks get the same (English) notes. A Japanese chapter ``notebooks/ja/NN_slug.ipynb``
translates the English one cell for cell (``tools/translation.py``), so its slide cell ``i`` takes the
notes filed under the heading of English cell ``i`` (:func:`notes_headings`): the teaching notes are
written once, in English, keyed by the English headings.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADING_RE = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
REQUIRED = ("Say", "Ask", "Watch for")


def teaching_file(notebook: Path, root: Path = ROOT) -> Path:
    """``notebooks/01_loss_functions.ipynb`` → ``teaching/01_loss_functions.md``."""
    return root / "teaching" / f"{Path(notebook).stem}.md"


def speaker_notes(text: str) -> dict[str, str]:
    """``{slide heading: Markdown of its notes}`` from the ``## Speaker notes`` section of a teaching file."""
    match = re.search(r"^##[ \t]+Speaker notes[ \t]*$", text, re.MULTILINE)
    if not match:
        return {}
    section = text[match.end():]
    end = re.search(r"^##[ \t]+\S", section, re.MULTILINE)
    section = section[: end.start()] if end else section
    notes: dict[str, str] = {}
    parts = re.split(r"^###[ \t]+(.+?)[ \t]*$", section, flags=re.MULTILINE)
    for heading, body in zip(parts[1::2], parts[2::2]):
        notes[heading.strip()] = body.strip()
    return notes


def missing_parts(body: str) -> list[str]:
    """Which of Say / Ask / Watch for a notes entry lacks."""
    return [part for part in REQUIRED if not re.search(rf"^\s*[-*][ \t]+\*\*{part}:\*\*[ \t]*\S", body, re.MULTILINE)]


def slide_heading(cell) -> str | None:
    """Text of the first Markdown heading of a cell (how the teaching notes name its slide)."""
    if cell.cell_type != "markdown":
        return None
    match = HEADING_RE.search(cell.source)
    return match.group(1).strip() if match else None


def slide_headings(nb) -> list[str | None]:
    """Headings of the cells marked ``"slide"``, in order (None for a slide cell without heading)."""
    return [slide_heading(c) for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") == "slide"]


def english_notebook(notebook: Path) -> Path | None:
    """``notebooks/ja/03_backpropagation.ipynb`` → ``notebooks/03_backpropagation.ipynb`` (None for an English one)."""
    notebook = Path(notebook)
    return notebook.parent.parent / notebook.name if notebook.parent.name == "ja" else None


def notes_headings(nb, english=None) -> list[str | None]:
    """For each cell, the heading its speaker notes are filed under: its own first heading, or, for a
    translation, the heading of the English cell at the same index (cell i translates English cell i)."""
    if english is None:
        return [slide_heading(cell) for cell in nb.cells]
    if len(english.cells) != len(nb.cells):
        raise ValueError(f"the translation has {len(nb.cells)} cells, the English notebook {len(english.cells)}: "
                         f"they must match one for one (tools/translation.py status)")
    return [slide_heading(cell) for cell in english.cells]


def slide_notes_headings(nb, english=None) -> list[str | None]:
    """:func:`notes_headings` of the cells marked ``"slide"``, in order."""
    return [heading for cell, heading in zip(nb.cells, notes_headings(nb, english))
            if cell.metadata.get("slideshow", {}).get("slide_type") == "slide"]


def notes_for(notebook: Path, root: Path = ROOT) -> dict[str, str]:
    path = teaching_file(notebook, root)
    return speaker_notes(path.read_text(encoding="utf-8")) if path.is_file() else {}
