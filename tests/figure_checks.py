"""Shared checks for the figures of every chapter in both languages (used by tests/test_plotting_*.py).

``bilingual_figure_tests(FIGURES)`` returns the two tests each plotting module needs: in Japanese
every figure has Japanese text and draws every glyph (no "Glyph … missing" warning, no mathtext
"does not have a glyph" log line, no font log line); in English it has no Japanese at all.
"""

from __future__ import annotations

import logging
import re
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import course_lib  # noqa: E402

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def texts(fig) -> list[str]:
    """Every non-empty text drawn in ``fig`` (titles, labels, ticks, legends, annotations)."""
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def draw_strictly(fig) -> None:
    """Draw ``fig``; fail on a missing glyph (warning or matplotlib log line) or a font fallback."""
    handler = _Records()
    loggers = [logging.getLogger(name) for name in ("matplotlib.mathtext", "matplotlib.font_manager")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
            fig.canvas.draw()
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    assert not handler.messages, handler.messages


def assert_japanese_figures(axes, words) -> None:
    """Every figure of ``axes`` draws strictly in Japanese and, together, they show every one of ``words``."""
    for fig in {ax.figure for ax in axes}:
        draw_strictly(fig)  # no missing glyph, no font log line (e.g. "Failed to find font weight bold")
    text = " ".join(" ".join(texts(fig)) for fig in {ax.figure for ax in axes})
    missing = [word for word in words if word not in text]
    assert not missing, (missing, text)


@pytest.fixture
def english_afterwards():
    """Close the figures and go back to English after a test."""
    yield
    plt.close("all")
    course_lib.setup_notebook(0)


def bilingual_figure_tests(figures: dict):
    """The Japanese and the English test over ``figures`` (name -> function that draws one figure)."""

    @pytest.mark.usefixtures("english_afterwards")
    @pytest.mark.parametrize("name", sorted(figures))
    def test_figure_text_in_japanese_with_every_glyph(name):
        course_lib.setup_notebook(0, lang="ja")
        figures[name]()
        fig = plt.gcf()
        draw_strictly(fig)
        assert any(JAPANESE.search(t) for t in texts(fig)), texts(fig)

    @pytest.mark.usefixtures("english_afterwards")
    @pytest.mark.parametrize("name", sorted(figures))
    def test_figure_text_in_english_by_default(name):
        course_lib.setup_notebook(0, lang="en")
        figures[name]()
        fig = plt.gcf()
        fig.canvas.draw()
        found = texts(fig)
        assert found and not any(JAPANESE.search(t) for t in found), found

    return test_figure_text_in_japanese_with_every_glyph, test_figure_text_in_english_by_default
