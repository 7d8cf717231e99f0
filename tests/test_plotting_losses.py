"""Chapter 1 figures: they draw, and their text follows the notebook's language (English or Japanese)."""

import re
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import course_lib  # noqa: E402
from course_lib.plotting import losses as figs  # noqa: E402

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
FIGURES = {
    "plot_sigmoid": lambda: figs.plot_sigmoid(),
    "plot_softmax_steps": lambda: figs.plot_softmax_steps([2.0, 1.0, 0.1, -1.0]),
    "plot_mse_vs_cross_entropy": lambda: figs.plot_mse_vs_cross_entropy(),
    "plot_class_probabilities": lambda: figs.plot_class_probabilities(np.full(10, 0.1), true_class=3),
    "plot_losses_through_sigmoid": lambda: figs.plot_losses_through_sigmoid(),
    "plot_saturation": lambda: figs.plot_saturation(),
}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    plt.close("all")
    course_lib.setup_notebook(0)


def _texts(fig):
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_text_in_japanese_with_every_glyph(name):
    course_lib.setup_notebook(0, lang="ja")
    FIGURES[name]()
    fig = plt.gcf()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
        fig.canvas.draw()
    assert any(JAPANESE.search(t) for t in _texts(fig)), _texts(fig)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_text_in_english_by_default(name):
    course_lib.setup_notebook(0, lang="en")
    FIGURES[name]()
    fig = plt.gcf()
    fig.canvas.draw()
    texts = _texts(fig)
    assert texts and not any(JAPANESE.search(t) for t in texts), texts


def test_bad_inputs_are_still_clear_errors():
    with pytest.raises(ValueError, match="1-D"):
        figs.plot_softmax_steps([[1.0, 2.0]])
    with pytest.raises(ValueError, match="1-D"):
        figs.plot_class_probabilities([[0.5, 0.5]], true_class=0)
