"""Chapter 6 digit figures: their own text follows the notebook's language, with every glyph drawn."""

import re
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import course_lib  # noqa: E402
from course_lib import plotting  # noqa: E402

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
IMAGES = np.random.default_rng(0).integers(0, 256, size=(4, 784), dtype=np.uint8)
FIGURES = {
    "plot_digit_grid with mistakes": lambda: plotting.plot_digit_grid(
        IMAGES, labels=[1, 2, 3, 4], predictions=[1, 7, 3, 9], ncols=4),
    "plot_class_balance": lambda: plotting.plot_class_balance([0, 1, 1, 2], [3, 3]),
    "plot_digit_probabilities": lambda: plotting.plot_digit_probabilities(np.full(10, 0.1), label=3),
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


def test_english_captions_unchanged():
    ax = plotting.plot_digit_grid(IMAGES[:2], labels=[1, 2], predictions=[1, 7])
    assert [t.get_text() for t in ax.texts] == ["1", "7 (true 2)"]
    ax = plotting.plot_digit_probabilities(np.full(10, 0.1), label=3)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["true digit", "predicted digit"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("digit", "probability")
