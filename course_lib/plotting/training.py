"""Chapter 5 — figures for the learning rate: quadratic runs, contraction factors, loss curves,
schedules, the LR range test and a training history.

Every function draws on a given ``ax`` (or makes its own figure) and returns the axes; none calls
``plt.show()``.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, NullFormatter

from course_lib._validation import as_float_array
from course_lib.i18n import tr
from course_lib.optim import gradient_descent
from course_lib.schedules import critical_learning_rate, smooth_losses

__all__ = [
    "plot_quadratic_descent",
    "plot_quadratic_grid",
    "plot_distance_to_minimum",
    "plot_contraction_factors",
    "plot_loss_curves",
    "plot_schedules",
    "plot_lr_range_test",
    "plot_history",
]


def _axes(ax, figsize=(7.0, 4.0)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _minor_label(value: float, _pos) -> str:
    """Label the minor log ticks 2, 3 and 5 (× a power of ten), not the crowded 4, 6, 7, 8, 9."""
    mantissa = round(value / 10 ** np.floor(np.log10(value)))
    return f"{value:g}" if mantissa in (2, 3, 5) else ""


def _plain_log_ticks(ax) -> None:
    """Label the log y axis with plain numbers (0.5, 1, 2) instead of 5 × 10⁻¹.

    Minor ticks get labels only when the axis spans less than about one and a half decades.
    """
    low, high = ax.get_ylim()
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    if np.log10(high / low) < 1.5:
        ax.yaxis.set_minor_formatter(FuncFormatter(_minor_label))
    else:
        ax.yaxis.set_minor_formatter(NullFormatter())


def _quadratic_run(hessian, x0, lr, steps) -> tuple[np.ndarray, np.ndarray]:
    H = as_float_array(hessian, "hessian", ndim=2)
    x0 = as_float_array(x0, "x0", ndim=1)
    return H, gradient_descent(lambda x: H @ x, x0, lr, steps)


def plot_quadratic_descent(hessian, x0, lr: float, steps: int = 20, ax=None, extent: float | None = None,
                           title: str | None = None):
    """Contours of ``f(x) = ½ xᵀHx`` (2-D) and the gradient-descent path from ``x0`` with rate ``lr``.

    Points that leave the window are clipped; the corner label says whether the run converged
    (``|x_T| < |x_0|``) and gives ``lr`` as a multiple of the critical rate ``2/λ_max``.

    Parameters
    ----------
    hessian : array_like, shape (2, 2), symmetric positive definite
    x0 : array_like, shape (2,)
    lr : float > 0
    steps : int
    ax : matplotlib Axes, optional
    extent : float, optional
        Half-width of the square window (default ``1.3 * max|x0|``).
    title : str, optional
    """
    H, path = _quadratic_run(hessian, x0, lr, steps)
    if H.shape != (2, 2):
        raise ValueError(f"hessian must be 2x2 to draw contours, got shape {H.shape}")
    ax = _axes(ax, (4.0, 4.0))
    r = extent if extent is not None else 1.3 * float(np.max(np.abs(path[0])))
    grid = np.linspace(-r, r, 121)
    U, V = np.meshgrid(grid, grid)
    P = np.stack([U, V], axis=-1)
    F = 0.5 * np.einsum("...i,ij,...j->...", P, H, P)
    ax.contour(U, V, F, levels=np.geomspace(F.max() * 1e-3, F.max(), 8), colors="0.7",
               linewidths=0.8)
    finite = np.all(np.isfinite(path), axis=1)
    ax.plot(path[finite, 0], path[finite, 1], "-o", color="C3", ms=3, lw=1.2, clip_on=True)
    ax.plot(*path[0], "s", color="k", ms=5)
    ax.plot(0, 0, "*", color="C2", ms=12)
    ax.set_xlim(-r, r)
    ax.set_ylim(-r, r)
    ax.set_aspect("equal")
    ratio = lr / critical_learning_rate(H)
    end = float(np.linalg.norm(path[-1])) if finite[-1] else np.inf
    verdict = tr("converges", "収束") if end < np.linalg.norm(path[0]) else tr("diverges", "発散")
    ax.text(0.03, 0.03, f"η = {ratio:.3g} × 2/λmax\n{verdict}", transform=ax.transAxes,
            fontsize=9, va="bottom", bbox=dict(fc="white", ec="0.8", alpha=0.9))
    ax.set_title(title if title is not None else f"η = {lr:g}")
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def plot_quadratic_grid(hessian, x0, lrs: Sequence[float], steps: int = 20,
                        titles: Sequence[str] | None = None, ncols: int | None = None):
    """Small multiples: :func:`plot_quadratic_descent` for each rate in ``lrs``.

    Parameters
    ----------
    ncols : int, optional
        Panels per row (default: all in one row).

    Returns
    -------
    fig, axes (1-D array, one Axes per rate)
    """
    lrs = list(lrs)
    titles = list(titles) if titles is not None else [None] * len(lrs)
    if len(titles) != len(lrs):
        raise ValueError(f"titles must have one entry per rate ({len(lrs)}), got {len(titles)}")
    ncols = len(lrs) if ncols is None else ncols
    nrows = -(-len(lrs) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.0 * ncols, 3.3 * nrows), squeeze=False)
    axes = axes.ravel()
    for ax, lr, title in zip(axes, lrs, titles):
        plot_quadratic_descent(hessian, x0, lr, steps, ax=ax, title=title)
    for ax in axes[len(lrs):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig, axes[: len(lrs)]


def plot_distance_to_minimum(hessian, x0, lrs: Sequence[float], steps: int = 200, ax=None,
                             labels: Sequence[str] | None = None):
    """Distance ``|x_t - x*|`` to the minimum against the step ``t`` (log scale), one line per rate.

    Returns
    -------
    ax
    """
    ax = _axes(ax)
    labels = list(labels) if labels is not None else [f"lr = {lr:g}" for lr in lrs]
    for lr, label in zip(lrs, labels):
        _, path = _quadratic_run(hessian, x0, lr, steps)
        ax.semilogy(np.linalg.norm(path, axis=1), label=label)
    ax.set_xlabel(tr("step t", "ステップ t"))
    ax.set_ylabel(tr("distance to the minimum |x_t − x*|", "最小点までの距離 |x_t − x*|"))
    ax.legend()
    return ax


def plot_contraction_factors(hessian, lr_max: float | None = None, ax=None):
    """``|1 − lr·λ_i|`` against ``lr`` for each eigenvalue ``λ_i`` of ``hessian``.

    A direction shrinks while its curve is below 1; the shaded region, beyond ``2/λ_max``, is
    where the steepest direction grows and gradient descent diverges. A dot marks the best
    constant rate ``2/(λ_min + λ_max)``, where the curves of the two extreme eigenvalues cross.

    Returns
    -------
    ax
    """
    H = as_float_array(hessian, "hessian", ndim=2)
    crit = critical_learning_rate(H)
    lams = np.linalg.eigvalsh(H)[::-1]
    lr_max = 1.5 * crit if lr_max is None else lr_max
    lr = np.linspace(0, lr_max, 400)
    ax = _axes(ax)
    for lam in lams:
        ax.plot(lr, np.abs(1 - lr * lam), label=f"λ = {lam:.3g}")
    ax.axhline(1, color="k", lw=0.8)
    ax.axvline(crit, color="C3", ls="--", lw=1)
    ax.axvspan(crit, lr_max, color="C3", alpha=0.08)
    ax.text(crit, 0.02, f" 2/λmax = {crit:.3g}", color="C3", transform=ax.get_xaxis_transform(),
            va="bottom")
    if lams[0] > lams[-1] > 0:  # two distinct curves: mark where the slowest direction is fastest
        best = 2 / (lams[0] + lams[-1])
        factor = (lams[0] - lams[-1]) / (lams[0] + lams[-1])
        if best < lr_max:
            ax.plot(best, factor, "o", color="k", ms=6, zorder=5)
            ax.annotate(tr(f"best η = {best:.3g}\nfactor {factor:.3g}", f"最良の η = {best:.3g}\n縮小率 {factor:.3g}"),
                        (best, factor),
                        xytext=(0.85 * crit, 0.25), ha="center", va="center", fontsize=9,
                        arrowprops=dict(arrowstyle="-", color="0.3", lw=0.8))
    ax.set_xlim(0, lr_max)
    ax.set_ylim(0, 2)
    ax.set_xlabel(tr("learning rate η", "学習率 η"))
    ax.set_ylabel(tr("factor per step |1 − ηλ|", "1 ステップあたりの縮小率 |1 − ηλ|"))
    ax.legend(loc="upper left")
    return ax


def plot_loss_curves(curves: Mapping[str, Sequence[float]], ax=None, beta: float = 0.9,
                     ylim: tuple[float, float] | None = None):
    """Per-step training losses, one line per run, smoothed (:func:`smooth_losses`), log y axis.

    A run whose last loss is not finite or that ends early is marked with ✕ at its last
    finite point (the run diverged) — on the top edge if that point is above ``ylim``.

    Parameters
    ----------
    curves : dict label -> sequence of per-step losses (e.g. ``history.step_loss``)
    beta : float, smoothing in [0, 1)
    ylim : (low, high), optional

    Returns
    -------
    ax
    """
    ax = _axes(ax)
    longest = max(len(c) for c in curves.values())
    ends = []
    for i, (label, losses) in enumerate(curves.items()):
        losses = np.asarray(losses, dtype=np.float64)
        finite = losses[np.isfinite(losses)]
        line, = ax.semilogy(smooth_losses(finite, beta), color=f"C{i}", label=label)
        if len(losses) < longest or len(finite) < len(losses):
            ends.append((len(finite) - 1, finite[-1], line.get_color()))
    if ylim is not None:
        ax.set_ylim(*ylim)
    top = ax.get_ylim()[1]
    for x, y, color in ends:
        ax.plot(x, min(y, top), "x", color=color, ms=10, mew=2, clip_on=False, zorder=5)
    _plain_log_ticks(ax)
    ax.set_xlabel(tr("step", "ステップ"))
    ax.set_ylabel(tr("training loss (smoothed)", "訓練データの損失（平滑化）"))
    ax.legend(loc="upper right", ncol=2, fontsize=9)
    return ax


def plot_schedules(schedules: Mapping[str, Callable[[int], float]], total_steps: int, ax=None):
    """Learning rate against step for each schedule in ``schedules`` (label -> schedule).

    Returns
    -------
    ax
    """
    ax = _axes(ax)
    steps = np.arange(total_steps)
    for label, schedule in schedules.items():
        ax.plot(steps, [schedule(int(s)) for s in steps], label=label)
    ax.set_xlabel(tr("step", "ステップ"))
    ax.set_ylabel(tr("learning rate", "学習率"))
    ax.set_ylim(0, 1.6 * ax.get_ylim()[1])  # head room for the legend
    ax.legend(loc="upper right", ncol=2, fontsize=9)
    return ax


def plot_lr_range_test(lrs, losses, suggested: float | None = None, ax=None, beta: float = 0.9):
    """Loss against learning rate (log x) from :func:`~course_lib.schedules.lr_range_test`.

    Raw mini-batch losses in light grey, the smoothed curve in colour, and an optional vertical
    line at the ``suggested`` rate.

    Returns
    -------
    ax
    """
    lrs = as_float_array(lrs, "lrs", ndim=1)
    losses = as_float_array(losses, "losses", ndim=1)
    ax = _axes(ax)
    smoothed = smooth_losses(losses, beta)
    ax.semilogx(lrs, losses, color="0.75", lw=0.8, label=tr("mini-batch loss", "ミニバッチの損失"))
    ax.semilogx(lrs, smoothed, color="C0", lw=2, label=tr("smoothed", "平滑化"))
    if suggested is not None:
        ax.axvline(suggested, color="C3", ls="--", lw=1.2, label=tr(f"chosen η = {suggested:.3g}", f"選んだ η = {suggested:.3g}"))
    # the interesting part is the fall, not the explosion at the end: cut the spikes off
    low, high = float(np.min(losses)), float(max(smoothed[0], np.max(smoothed[: np.argmin(smoothed) + 1])))
    ax.set_ylim(low - 0.1 * (high - low), high + 1.0 * (high - low))
    ax.set_xlabel(tr("learning rate (log scale)", "学習率（対数目盛）"))
    ax.set_ylabel(tr("training loss", "訓練データの損失"))
    ax.legend()
    return ax


def plot_history(history, axes=None):
    """Loss (left) and accuracy (right) per epoch, training and validation, from a ``History``.

    Returns
    -------
    axes : array of 2 Axes
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10.0, 3.6))
    epochs = np.arange(1, history.epochs + 1)
    ax_loss, ax_acc = axes
    train, validation = tr("train", "訓練"), tr("validation", "検証")
    ax_loss.plot(epochs, history.train_loss, "-o", ms=3, label=train)
    if history.val_loss:
        ax_loss.plot(epochs, history.val_loss, "-o", ms=3, label=validation)
    ax_loss.set_ylabel(tr("loss", "損失"))
    if history.train_accuracy:
        ax_acc.plot(epochs, history.train_accuracy, "-o", ms=3, label=train)
    if history.val_accuracy:
        ax_acc.plot(epochs, history.val_accuracy, "-o", ms=3, label=validation)
    ax_acc.set_ylabel(tr("accuracy", "認識精度"))
    for ax in axes:
        ax.set_xlabel(tr("epoch", "エポック"))
        if ax.get_lines():
            ax.legend()
    if not ax_acc.get_lines():
        ax_acc.text(0.5, 0.5, tr("no accuracy:\nthe targets are not class labels",
                                 "認識精度はありません:\n正解がクラスのラベルではありません"), ha="center",
                    va="center", transform=ax_acc.transAxes, color="0.4")
    return axes
