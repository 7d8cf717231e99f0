"""The language of learner-facing messages and the Japanese plot font (setup_notebook(lang=...))."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import course_lib  # noqa: E402
from course_lib import i18n  # noqa: E402


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    course_lib.setup_notebook(0)


def test_tr_follows_the_language_chosen_by_setup_notebook():
    course_lib.setup_notebook(0, lang="ja")
    assert i18n.get_language() == "ja"
    assert i18n.tr("the sign is flipped", "符号が逆です") == "符号が逆です"
    course_lib.setup_notebook(0, lang="en")
    assert i18n.tr("the sign is flipped", "符号が逆です") == "the sign is flipped"


@pytest.mark.parametrize("lang", ["fr", "JA", "", None, 1])
def test_unknown_language_is_a_clear_error(lang):
    with pytest.raises(ValueError, match="lang must be one of"):
        course_lib.setup_notebook(0, lang=lang)


def test_japanese_plot_text_has_every_glyph():
    course_lib.setup_notebook(0, lang="ja")
    fig, ax = plt.subplots()
    ax.plot([-1, 0, 1], [1, -2, 3], label="学習率 η = 0.1")
    ax.set(title="損失関数の勾配 −1", xlabel="重み w", ylabel="損失")
    ax.legend()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
        fig.canvas.draw()
    plt.close(fig)


def test_english_after_japanese_restores_the_default_font():
    course_lib.setup_notebook(0, lang="ja")
    course_lib.setup_notebook(0, lang="en")
    assert plt.rcParams["font.family"] == ["sans-serif"]
    assert plt.rcParams["axes.unicode_minus"] is True
