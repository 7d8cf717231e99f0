"""Chapter 1 figures: they draw, and their text follows the notebook's language (English or Japanese)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import course_lib  # noqa: E402
from course_lib.plotting import losses as figs  # noqa: E402
from figure_checks import bilingual_figure_tests, english_afterwards  # noqa: E402,F401  (english_afterwards: a fixture)

pytestmark = pytest.mark.usefixtures("english_afterwards")

FIGURES = {
    "plot_sigmoid": lambda: figs.plot_sigmoid(),
    "plot_softmax_steps": lambda: figs.plot_softmax_steps([2.0, 1.0, 0.1, -1.0]),
    "plot_mse_vs_cross_entropy": lambda: figs.plot_mse_vs_cross_entropy(),
    "plot_class_probabilities": lambda: figs.plot_class_probabilities(np.full(10, 0.1), true_class=3),
    "plot_losses_through_sigmoid": lambda: figs.plot_losses_through_sigmoid(),
    "plot_saturation": lambda: figs.plot_saturation(),
}

test_figure_text_in_japanese_with_every_glyph, test_figure_text_in_english_by_default = \
    bilingual_figure_tests(FIGURES)


def test_bad_inputs_are_still_clear_errors():
    with pytest.raises(ValueError, match="1-D"):
        figs.plot_softmax_steps([[1.0, 2.0]])
    with pytest.raises(ValueError, match="1-D"):
        figs.plot_class_probabilities([[0.5, 0.5]], true_class=0)
