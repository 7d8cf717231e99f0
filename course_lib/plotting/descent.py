"""Chapter 4 figures: loss surfaces with descent paths, loss curves, decision boundaries in training.

Text the functions write themselves (labels, annotations) follows the notebook's language,
``tr(en, ja)`` (:mod:`course_lib.i18n`); titles and legend entries passed in are drawn as given.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_lib import losses
from course_lib.i18n import tr

__all__ = [
    "plot_descent_1d",
    "plot_contours",
    "plot_trajectory",
    "plot_gradient_arrows",
    "plot_directional_slopes",
    "plot_descent_losses",
    "decision_grid",
    "plot_decision_boundary_steps",
]


# A pale box behind a label, so that a curve running under the label does not cross its letters.
_CLEAR = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8)


def _axes(ax, figsize=(6, 4.5)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_descent_1d(f, trajectory, ax=None, xlim=None, label=None, color="tab:red"):
    """A 1-D function ``f`` and the points gradient descent visited on it.

    Parameters
    ----------
    f : callable
        Vectorised ``f(x)`` for an array ``x`` of shape ``(n,)``.
    trajectory : array_like, shape (T, 1) or (T,)
        Points ``x_0 … x_{T-1}``, e.g. from :func:`course_lib.optim.gradient_descent`.
    xlim : (float, float), optional
        Range of the curve; by default the trajectory's range with a margin.
    label : str, optional
        Legend entry for the path.
    """
    ax = _axes(ax, (6, 4))
    xs = np.asarray(trajectory, dtype=float).reshape(-1)
    if xlim is None:
        lo, hi = np.nanmin(xs), np.nanmax(xs)
        pad = 0.2 * (hi - lo) + 0.5
        xlim = (lo - pad, hi + pad)
    grid = np.linspace(*xlim, 400)
    if not ax.lines:  # draw the curve once, even when several paths share the axes
        ax.plot(grid, f(grid), color="0.3", lw=2, zorder=1)
    ys = f(xs)
    ax.plot(xs, ys, "-o", color=color, ms=5, lw=1, alpha=0.85, label=label, zorder=3)
    ax.plot(xs[:1], ys[:1], "s", color=color, ms=9, zorder=4)
    ax.set(xlim=xlim, xlabel="x", ylabel="f(x)")
    return ax


def plot_contours(f, xlim, ylim, ax=None, levels=20, log=False, resolution=200, minimum=None,
                  title=""):
    """Contour lines of a 2-D function ``f`` over a rectangle (the "map" of a loss surface).

    Parameters
    ----------
    f : callable
        ``f(points)`` for points of shape ``(H, W, 2)`` returns shape ``(H, W)`` (like
        :func:`course_lib.optim.quadratic`'s ``f`` or :func:`course_lib.optim.rosenbrock`).
    xlim, ylim : (float, float)
    levels : int or array_like
        Number of contour lines or their values.
    log : bool
        Space the levels logarithmically (for surfaces with a deep narrow valley).
    minimum : array_like of shape (2,), optional
        Marked with a star.
    """
    ax = _axes(ax)
    xs = np.linspace(*xlim, resolution)
    ys = np.linspace(*ylim, resolution)
    xx, yy = np.meshgrid(xs, ys)
    zz = np.asarray(f(np.stack([xx, yy], axis=-1)), dtype=float)
    if log and np.ndim(levels) == 0:
        lo = max(zz.min(), 1e-3 * (zz.max() - zz.min()), 1e-12)
        levels = np.geomspace(lo, zz.max(), int(levels))
    ax.contour(xx, yy, zz, levels=levels, cmap="viridis", linewidths=0.9, alpha=0.8)
    if minimum is not None:
        ax.plot(*np.asarray(minimum, dtype=float), "*", color="k", ms=14, zorder=5,
                label=tr("minimum", "最小点"))
    ax.set(xlim=xlim, ylim=ylim, xlabel=r"$x_1$", ylabel=r"$x_2$", title=title)
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)
    return ax


def plot_trajectory(trajectory, ax=None, label=None, color="tab:red", marker="o", ms=3, lw=1.2,
                    alpha=0.9):
    """Draw a path ``(T, 2)`` of points, its start as a square, on top of a contour map.

    If the axes already hold a drawing (e.g. :func:`plot_contours`), their limits are kept, so a
    path that runs away (``inf``/``nan`` in it) is clipped instead of shrinking the map.
    """
    ax = _axes(ax)
    path = np.asarray(trajectory, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"trajectory must have shape (T, 2), got {path.shape}")
    path = np.where(np.isfinite(path), path, np.nan)
    keep = ax.has_data()
    ax.plot(path[:, 0], path[:, 1], marker=marker, ms=ms, lw=lw, color=color, alpha=alpha,
            label=label, scalex=not keep, scaley=not keep, zorder=3)
    ax.plot(path[0, 0], path[0, 1], "s", color=color, ms=8, scalex=not keep, scaley=not keep,
            zorder=4)
    return ax


def plot_gradient_arrows(grad, points, ax=None, length=0.6, color="tab:red", label=None):
    """Arrows along the gradient at ``points``, all ``length`` long, on top of a contour map.

    Drawn in data units (``angles="xy"``), so on :func:`plot_contours`'s equal-aspect axes an
    arrow that is perpendicular to a contour line also looks perpendicular.

    Parameters
    ----------
    grad : callable
        ``grad(points)`` for points of shape ``(n, 2)`` returns shape ``(n, 2)``.
    points : array_like, shape (n, 2)
        Where to draw the arrows (their tails).
    length : float
        Length of every arrow in data units (only the direction of the gradient is shown).
    """
    ax = _axes(ax)
    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {pts.shape}")
    g = np.asarray(grad(pts), dtype=float)
    u = length * g / np.linalg.norm(g, axis=1, keepdims=True)
    ax.quiver(pts[:, 0], pts[:, 1], u[:, 0], u[:, 1], angles="xy", scale_units="xy", scale=1,
              color=color, width=0.006, zorder=4, label=label)
    ax.plot(pts[:, 0], pts[:, 1], "o", color=color, ms=4, zorder=5)
    return ax


def plot_directional_slopes(gradient, ax=None, num=361):
    """The slope ``∇f·u`` of a function in every direction ``u = (cos φ, sin φ)`` at one point.

    A cosine of amplitude ``‖∇f‖``: largest (``+‖∇f‖``) where ``u`` points along the gradient,
    zero along the contour line, smallest (``−‖∇f‖``) straight downhill (Cauchy–Schwarz).

    Parameters
    ----------
    gradient : array_like, shape (2,)
        The gradient at the point.
    """
    ax = _axes(ax, (6, 4))
    g = np.asarray(gradient, dtype=float)
    if g.shape != (2,):
        raise ValueError(f"gradient must have shape (2,), got {g.shape}")
    phi = np.linspace(-180.0, 180.0, num)
    u = np.stack([np.cos(np.radians(phi)), np.sin(np.radians(phi))], axis=1)
    norm, angle = np.linalg.norm(g), np.degrees(np.arctan2(g[1], g[0]))
    # the Japanese label without $…$: mathtext draws the whole string in a font with no Japanese
    ax.plot(phi, u @ g, color="0.2", lw=2, label=tr(r"slope $\nabla f\cdot u$", "傾き ∇f·u"))
    ax.axhline(norm, color="tab:red", ls="--", lw=1, label=r"$\pm\Vert\nabla f\Vert$")
    ax.axhline(-norm, color="tab:red", ls="--", lw=1)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(angle, color="tab:red", lw=1)
    ax.annotate(tr("along ∇f: steepest up", "勾配の向き: 最も急な上り"), (angle, norm),
                xytext=(6, -16), textcoords="offset points", color="tab:red", fontsize=9, bbox=_CLEAR)
    down = angle - 180 if angle > 0 else angle + 180
    ax.axvline(down, color="tab:blue", lw=1)
    ax.annotate(tr("along −∇f: steepest down", "勾配の逆向き: 最も急な下り"), (down, -norm),
                xytext=(6, 6), textcoords="offset points", color="tab:blue", fontsize=9, bbox=_CLEAR)
    ax.set(xlim=(-180, 180), xticks=np.arange(-180, 181, 90),
           xlabel=tr("direction φ of the unit vector u (degrees)", "単位ベクトル u の向き φ（度）"),
           ylabel=tr("slope in direction u", "u の向きの傾き"))
    ax.legend(loc="upper left", fontsize=9)
    return ax


def plot_descent_losses(curves, ax=None, xlabel=None, ylabel=None, logy=True, title="",
                        colors=None, alpha=0.9):
    """Several loss curves on one axes.

    Parameters
    ----------
    curves : dict
        ``label -> (x, loss)`` (or ``label -> loss``, plotted against 0, 1, 2, …).
    xlabel, ylabel : str, optional
        Axis labels; "step" and "loss" (in the notebook's language) by default.
    logy : bool
        Logarithmic loss axis (the natural scale for convergence).
    colors : list of str, optional
        One colour per curve, in order (to match paths drawn elsewhere).
    """
    ax = _axes(ax, (6, 4))
    colors = list(colors) if colors is not None else [None] * len(curves)
    for (label, curve), color in zip(curves.items(), colors):
        if isinstance(curve, tuple):
            x, y = curve
        else:
            y = curve
            x = np.arange(len(y))
        ax.plot(x, y, lw=1.5, label=label, alpha=alpha, color=color)
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel=tr("step", "ステップ") if xlabel is None else xlabel,
           ylabel=tr("loss", "損失") if ylabel is None else ylabel, title=title)
    ax.legend()
    return ax


def decision_grid(X, resolution=120, margin=0.5):
    """A grid of points covering 2-D data, for evaluating a classifier everywhere.

    Parameters
    ----------
    X : array_like, shape (N, 2)

    Returns
    -------
    xx, yy : ndarray, shape (resolution, resolution)
    points : ndarray, shape (resolution**2, 2) — feed these to ``model.forward``.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2), got {X.shape}")
    (x0, y0), (x1, y1) = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def plot_decision_boundary_steps(xx, yy, snapshots, X, y, ncols=4, panel_size=2.4):
    """A grid of small panels: a 2-class classifier's regions at several moments of training.

    Parameters
    ----------
    xx, yy, : ndarray, shape (H, W)
        The grid from :func:`decision_grid`.
    snapshots : list of (str, ndarray)
        ``(title, scores)`` with ``scores`` of shape ``(H*W, 2)``: the model's logits on the grid
        points at that moment. The background shows the probability of class 1, the black line
        where it is 0.5 (the decision boundary).
    X : array_like, shape (N, 2)
    y : array_like, shape (N,) of 0/1 labels
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    nrows = -(-len(snapshots) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size * ncols, panel_size * nrows),
                             sharex=True, sharey=True, squeeze=False)
    for ax, (title, scores) in zip(axes.flat, snapshots):
        p1 = losses.softmax(np.asarray(scores, dtype=float), axis=1)[:, 1].reshape(xx.shape)
        ax.contourf(xx, yy, p1, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.55)
        if p1.min() < 0.5 < p1.max():
            ax.contour(xx, yy, p1, levels=[0.5], colors="k", linewidths=1.5)
        ax.scatter(X[:, 0], X[:, 1], c=y, cmap="bwr", s=7, edgecolors="k", linewidths=0.2)
        ax.set_title(title, fontsize=10)
        ax.set(xticks=[], yticks=[])
        ax.grid(False)
    for ax in list(axes.flat)[len(snapshots):]:
        ax.axis("off")
    fig.tight_layout()
    return fig
