"""Chapter 6 — validation figures: overfitting, the best epoch, early stopping, input curvature.

Training curves against validation curves show when a network starts to memorise its training
data; the best validation epoch is what early stopping keeps. The eigenvalue spectrum of the
input matrix ``XᵀX/N`` shows why centring the inputs allows larger learning rates (chapter 5:
gradient descent on a quadratic is stable for ``lr < 2/λ_max``).

Text the functions write themselves (axis labels, legends, titles) follows the notebook's
language, ``tr(en, ja)`` (:mod:`course_lib.i18n`); run names and titles passed in are drawn as given.
"""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np

from course_lib.i18n import tr

__all__ = ["plot_best_epoch", "plot_validation_runs", "plot_eigenvalue_spectra"]


def _epochs(history) -> np.ndarray:
    return np.arange(1, history.epochs + 1)


def plot_best_epoch(history, axes=None, shade: bool = True):
    """Training vs validation loss (left) and accuracy (right), the best validation epoch marked.

    Parameters
    ----------
    history : training.History
        Needs ``val_loss`` (``fit(..., validation=...)``); ``best_epoch`` is marked by a vertical
        line, and with ``shade`` the epochs after it (validation loss above its best) are shaded.
    axes : pair of Axes, optional

    Returns
    -------
    axes : array of 2 Axes
    """
    if not history.val_loss or history.best_epoch is None:
        raise ValueError("history has no validation curve: train with fit(..., validation=...)")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10.5, 3.6))
    epochs, best = _epochs(history), history.best_epoch
    curves = [(tr("loss", "損失"), history.train_loss, history.val_loss),
              (tr("accuracy", "認識精度"), history.train_accuracy, history.val_accuracy)]
    for ax, (name, train, val) in zip(axes, curves):
        if train:
            ax.plot(epochs, train, "-", color="tab:blue", label=tr("training", "訓練データ"))
        if val:
            ax.plot(epochs, val, "-", color="tab:orange", label=tr("validation", "検証データ"))
            ax.plot(best, val[best - 1], "*", color="tab:red", ms=13, zorder=3,
                    label=tr(f"best validation loss (epoch {best})",
                             f"検証損失が最小（エポック {best}）"))
        ax.axvline(best, color="tab:red", lw=1, ls=":")
        if shade and best < history.epochs:
            ax.axvspan(best, history.epochs, color="tab:red", alpha=0.06, lw=0)
        ax.set(xlabel=tr("epoch", "エポック"), ylabel=name, xlim=(0.5, history.epochs + 0.5))
        ax.legend(fontsize="small")
    # linear scale, cut above the validation curve: its rise is what matters, not epoch 1
    axes[0].set_ylim(0, 1.25 * max(history.val_loss))
    return axes


def plot_validation_runs(histories: Mapping[str, object], axes=None):
    """Validation loss (left, linear) and training loss (right, log) of several runs.

    One colour per run; each run's best epoch gets a star, and a run that ``fit`` stopped early
    ends with a cross. Earlier runs are drawn wider, so a later run that repeats an earlier one
    (same start, same batches) stays visible on top of it.

    Parameters
    ----------
    histories : mapping name -> training.History (each with validation)
    axes : pair of Axes, optional

    Returns
    -------
    axes : array of 2 Axes
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11.0, 3.8))
    ax_val, ax_train = axes
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, ((name, h), color) in enumerate(zip(histories.items(), colors)):
        if not h.val_loss:
            raise ValueError(f"run {name!r} has no validation loss: train with validation=...")
        epochs, lw = _epochs(h), 1.5 + 1.5 * (len(histories) - 1 - k)
        ax_val.plot(epochs, h.val_loss, "-", color=color, lw=lw, alpha=0.85, label=name)
        ax_val.plot(h.best_epoch, h.val_loss[h.best_epoch - 1], "*", color=color, ms=14,
                    mec="black", mew=0.5, zorder=3)
        if h.stopped_early:
            ax_val.plot(h.epochs, h.val_loss[-1], "X", color=color, ms=10, mec="black",
                        mew=0.5, zorder=3)
        ax_train.plot(epochs, h.train_loss, "-", color=color, lw=lw, alpha=0.85, label=name)
    top = max(max(h.val_loss) for h in histories.values())
    ax_val.set(xlabel=tr("epoch", "エポック"), ylabel=tr("validation loss", "検証データの損失"),
               ylim=(0, 1.2 * top),
               title=tr("validation loss (★ best epoch, ✕ stopped)",
                        "検証データの損失（★ 最良のエポック、× 停止）"))
    ax_train.set(xlabel=tr("epoch", "エポック"),
                 ylabel=tr("training loss (log scale)", "訓練データの損失（対数目盛）"), yscale="log",
                 title=tr("training loss", "訓練データの損失"))
    for ax in axes:
        ax.legend(fontsize="small")
    return axes


def plot_eigenvalue_spectra(spectra: Mapping[str, np.ndarray], k: int = 50, ax=None,
                            title: str = ""):
    """The ``k`` largest eigenvalues of each symmetric matrix (log scale), ``2/λ_max`` in the legend.

    Parameters
    ----------
    spectra : mapping name -> eigenvalues (any order), e.g. ``np.linalg.eigvalsh(X.T @ X / N)``
    k : int
        How many of the largest eigenvalues to draw.

    Returns
    -------
    ax : Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.8))
    for name, values in spectra.items():
        top = np.sort(np.asarray(values, dtype=np.float64))[::-1][:k]
        ax.plot(np.arange(1, len(top) + 1), top, "-o", ms=3,
                label=f"{name}: λ_max = {top[0]:.3g}, 2/λ_max = {2 / top[0]:.3g}")
    ax.set(xlabel=tr("rank of the eigenvalue (1 = largest)", "固有値の順位（1 = 最大）"),
           ylabel=tr("eigenvalue (log scale)", "固有値（対数目盛）"), yscale="log", title=title)
    ax.legend(fontsize="small")
    return ax
