"""Chapter 6 digit figures: their own text follows the notebook's language, with every glyph drawn."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import course_lib  # noqa: E402
from course_lib import plotting  # noqa: E402
from figure_checks import bilingual_figure_tests, english_afterwards  # noqa: E402,F401  (english_afterwards: a fixture)

IMAGES = np.random.default_rng(0).integers(0, 256, size=(4, 784), dtype=np.uint8)
pytestmark = pytest.mark.usefixtures("english_afterwards")

FIGURES = {
    "plot_digit_grid with mistakes": lambda: plotting.plot_digit_grid(
        IMAGES, labels=[1, 2, 3, 4], predictions=[1, 7, 3, 9], ncols=4),
    "plot_class_balance": lambda: plotting.plot_class_balance([0, 1, 1, 2], [3, 3]),
    "plot_digit_probabilities": lambda: plotting.plot_digit_probabilities(np.full(10, 0.1), label=3),
}

test_figure_text_in_japanese_with_every_glyph, test_figure_text_in_english_by_default = \
    bilingual_figure_tests(FIGURES)


def test_english_captions_unchanged():
    ax = plotting.plot_digit_grid(IMAGES[:2], labels=[1, 2], predictions=[1, 7])
    assert [t.get_text() for t in ax.texts] == ["1", "7 (true 2)"]
    ax = plotting.plot_digit_probabilities(np.full(10, 0.1), label=3)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["true digit", "predicted digit"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("digit", "probability")
