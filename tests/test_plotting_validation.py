"""Chapter 6 validation figures: they draw what they promise and reject histories they cannot draw."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plotting  # noqa: E402
from course_lib.training import History  # noqa: E402


def _history(val=True, stopped=False):
    h = History(train_loss=[1.0, 0.5, 0.2, 0.1], train_accuracy=[0.5, 0.7, 0.9, 0.95])
    if val:
        h.val_loss, h.val_accuracy = [1.1, 0.7, 0.8, 0.9], [0.5, 0.7, 0.68, 0.66]
        h.best_epoch = 2
    h.stopped_early = stopped
    return h


def test_best_epoch_figure_marks_the_best_epoch():
    axes = plotting.plot_best_epoch(_history())
    star = [line for line in axes[0].get_lines() if line.get_marker() == "*"]
    assert len(star) == 1 and star[0].get_xdata()[0] == 2 and star[0].get_ydata()[0] == 0.7
    assert axes[0].get_ylim()[1] == pytest.approx(1.25 * 1.1)
    plt.close("all")


def test_validation_runs_figure_marks_best_and_stop():
    axes = plotting.plot_validation_runs({"a": _history(), "b": _history(stopped=True)})
    markers = [line.get_marker() for line in axes[0].get_lines()]
    assert markers.count("*") == 2 and markers.count("X") == 1
    assert axes[1].get_yscale() == "log"
    plt.close("all")


def test_eigenvalue_spectra_sorts_and_labels():
    ax = plotting.plot_eigenvalue_spectra({"m": np.array([1.0, 4.0, 2.0])}, k=2)
    line = ax.get_lines()[0]
    assert list(line.get_ydata()) == [4.0, 2.0]
    assert "2/λ_max = 0.5" in line.get_label()
    plt.close("all")


@pytest.mark.parametrize("call", [
    lambda: plotting.plot_best_epoch(_history(val=False)),
    lambda: plotting.plot_validation_runs({"no validation": _history(val=False)}),
])
def test_histories_without_validation_are_rejected(call):
    with pytest.raises(ValueError, match="validation"):
        call()
    plt.close("all")


# ------------------------------------------------------------------ text in the notebook's language
import course_lib  # noqa: E402
from figure_checks import bilingual_figure_tests, english_afterwards  # noqa: E402,F401  (english_afterwards: a fixture)

FIGURES = {
    "plot_best_epoch": lambda: plotting.plot_best_epoch(_history()),
    "plot_validation_runs": lambda: plotting.plot_validation_runs({"a": _history(), "b": _history(stopped=True)}),
    "plot_eigenvalue_spectra": lambda: plotting.plot_eigenvalue_spectra({"m": np.array([1.0, 4.0, 2.0])}),
}

test_figure_text_in_japanese_with_every_glyph, test_figure_text_in_english_by_default = \
    bilingual_figure_tests(FIGURES)


def test_english_labels_unchanged(english_afterwards):
    course_lib.setup_notebook(0, lang="en")
    axes = plotting.plot_validation_runs({"a": _history()})
    assert axes[0].get_title() == "validation loss (★ best epoch, ✕ stopped)"
    assert axes[1].get_ylabel() == "training loss (log scale)"
    axes = plotting.plot_best_epoch(_history())
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert labels == ["training", "validation", "best validation loss (epoch 2)"]
