"""Chapter 5 — figures for the curvature of the loss: momentum's stability limit, the sharpness of a
network during training (edge of stability), a saddle point, and runs compared per epoch.

Every function draws on given axes (or makes its own figure) and returns them; none calls
``plt.show()``.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from course_lib._validation import as_float_array
from course_lib.i18n import tr
from course_lib.optim import gradient_descent

__all__ = [
    "plot_momentum_limits",
    "plot_sharpness",
    "plot_saddle",
    "plot_epoch_curves",
]


def plot_momentum_limits(momentums, measured: Mapping[str, Sequence[float]],
                         theory: Mapping[str, Callable[[np.ndarray], np.ndarray]], ax=None):
    """Measured stability limits (dots) against formulas (lines), as multiples of ``1/λ_max``.

    Parameters
    ----------
    momentums : array_like, shape (k,)
        The momentum values μ that were measured.
    measured : dict label -> sequence of k limits ``lr·λ_max``
    theory : dict label -> function μ -> ``lr·λ_max`` (vectorised), same labels as ``measured``

    Returns
    -------
    ax
    """
    mus = as_float_array(momentums, "momentums", ndim=1)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.0))
    grid = np.linspace(0.0, max(0.95, float(mus.max())), 200)
    for i, (label, values) in enumerate(measured.items()):
        ax.plot(grid, theory[label](grid), color=f"C{i}", lw=1.5, label=tr(f"{label}: theory", f"{label}: 理論"))
        ax.plot(mus, as_float_array(values, label, ndim=1), "o", color=f"C{i}", ms=7, mfc="none",
                mew=2, label=tr(f"{label}: measured", f"{label}: 実測"))
    ax.set_xlabel(tr("momentum μ", "モーメンタム μ"))
    ax.set_ylabel(tr("largest stable η, in units of 1/λ_max", "安定な最大の η（単位 1/λ_max）"))
    ax.set_ylim(0, None)
    ax.legend(fontsize=9)
    return ax


def plot_sharpness(runs: Mapping[float, tuple], axes=None, log_loss: bool = True):
    """Loss (left) and sharpness λ_max (right) against step for runs at several learning rates.

    Parameters
    ----------
    runs : dict lr -> (losses, steps, sharpness)
        ``losses`` per step; ``sharpness`` measured at the steps ``steps``. The right panel draws
        the level ``2/lr`` of each run as a dashed line of the same colour.

    Returns
    -------
    axes : array of 2 Axes
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11.0, 3.8))
    ax_loss, ax_sharp = axes
    for i, (lr, (losses, steps, sharp)) in enumerate(runs.items()):
        color = f"C{i}"
        losses = as_float_array(losses, "losses", ndim=1)
        (ax_loss.semilogy if log_loss else ax_loss.plot)(losses, color=color, lw=1.2, label=f"η = {lr:.3g}")
        ax_sharp.plot(steps, sharp, color=color, lw=1.5, label=f"η = {lr:.3g}")
        ax_sharp.axhline(2 / lr, color=color, ls="--", lw=1)
        ax_sharp.text(ax_sharp.get_xlim()[1] if i else 0, 2 / lr, f" 2/η = {2 / lr:.2f}",
                      color=color, va="bottom", ha="right" if i else "left", fontsize=9)
    ax_loss.set_xlabel(tr("step", "ステップ"))
    ax_loss.set_ylabel(tr("training loss", "訓練データの損失"))
    ax_loss.legend(fontsize=9)
    ax_sharp.set_xlabel(tr("step", "ステップ"))
    ax_sharp.set_ylabel(tr("sharpness λ_max of the Hessian", "ヘッセ行列の鋭さ λ_max"))
    ax_sharp.set_ylim(0, None)
    return axes


def plot_saddle(starts, lr: float = 0.1, steps: int = 60, axes=None):
    """Gradient descent on the saddle ``f(x, y) = x² − y²`` (left) and its gradient norm (right).

    Parameters
    ----------
    starts : array_like, shape (k, 2)
        Starting points; the closer ``y`` is to 0, the longer the run lingers near the saddle.
    lr : float
    steps : int

    Returns
    -------
    axes : array of 2 Axes
    """
    starts = as_float_array(starts, "starts", ndim=2)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11.0, 4.2))
    ax_path, ax_norm = axes
    grid = np.linspace(-1.6, 1.6, 200)
    U, V = np.meshgrid(grid, grid)
    ax_path.contour(U, V, U**2 - V**2, levels=np.linspace(-2.5, 2.5, 21), cmap="coolwarm", linewidths=0.8)
    ax_path.plot(0, 0, "k+", ms=12, mew=2)

    def grad(p):
        return np.array([2 * p[0], -2 * p[1]])

    start_label = tr("start y = {:g}", "開始点 y = {:g}")
    for i, start in enumerate(starts):
        path = gradient_descent(grad, start, lr, steps)
        inside = np.all(np.abs(path) <= 1.6, axis=1)
        ax_path.plot(*path[inside].T, "o-", color=f"C{i}", ms=2.5, lw=1, label=start_label.format(start[1]))
        norms = np.linalg.norm(2 * path[inside], axis=1)  # |∇f| = 2 |(x, -y)|, while in the picture
        ax_norm.semilogy(np.flatnonzero(inside), norms, color=f"C{i}", lw=1.5,
                         label=start_label.format(start[1]))
    ax_path.set_xlim(-1.6, 1.6)
    ax_path.set_ylim(-1.6, 1.6)
    ax_path.set_aspect("equal")
    ax_path.set_xlabel("x")
    ax_path.set_ylabel("y")
    ax_path.set_title(tr("gradient descent on f(x, y) = x² − y²", "f(x, y) = x² − y² での勾配降下法"))
    ax_path.legend(fontsize=8, loc="lower left")
    ax_norm.set_xlabel(tr("step", "ステップ"))
    ax_norm.set_ylabel(tr("gradient norm |∇f|", "勾配の大きさ |∇f|"))
    ax_norm.set_title(tr("near the saddle the gradient almost vanishes", "鞍点の近くでは勾配がほとんど 0 になる"))
    ax_norm.legend(fontsize=8)
    return axes


def plot_epoch_curves(curves: Mapping[str, Sequence[float]], ax=None, ylabel: str | None = None,
                      logy: bool = False, legend_loc: str = "best"):
    """One line per run against epoch (1, 2, …), e.g. the training loss of several set-ups.

    ``legend_loc`` is a Matplotlib location, or ``"outside"`` for a legend right of the axes;
    ``ylabel`` defaults to "value" (in the notebook's language).

    Returns
    -------
    ax
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    for i, (label, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=np.float64)
        ax.plot(np.arange(1, len(values) + 1), values, "-o", color=f"C{i % 10}", ms=3, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(tr("epoch", "エポック"))
    ax.set_ylabel(ylabel if ylabel is not None else tr("value", "値"))
    if legend_loc == "outside":  # to the right of the axes, clear of every line
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    else:
        ax.legend(fontsize=8, ncol=2, loc=legend_loc)
    return ax
