"""Chapter 3 figures: activations and their slopes, matrix shapes, error signals, gradient checks."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from course_lib.layers import ReLU, Sigmoid, Tanh

__all__ = [
    "plot_activations",
    "plot_backward_shapes",
    "plot_gradcheck_errors",
    "plot_error_signals",
    "plot_gradient_cost",
    "plot_gradient_norms",
]

_COLORS = {"sigmoid": "C0", "tanh": "C1", "relu": "C2"}


def plot_activations(x_range: float = 5.0, axes=None):
    """Sigmoid, tanh and ReLU (left) and their derivatives (right), both from the layer classes.

    The derivative is what ``backward`` returns for ``grad_out = 1``: the local slope that
    multiplies every error signal passing back through the activation.

    Parameters
    ----------
    x_range : float, default 5
        The curves are drawn on ``[-x_range, x_range]``.
    axes : pair of matplotlib Axes, optional

    Returns
    -------
    (ax_values, ax_slopes)
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    ax_f, ax_d = axes
    x = np.linspace(-x_range, x_range, 401)[None, :]
    for name, layer in (("sigmoid", Sigmoid()), ("tanh", Tanh()), ("relu", ReLU())):
        y = layer.forward(x)
        slope = layer.backward(np.ones_like(x))
        if name == "relu":  # undefined at exactly 0: break the line instead of drawing a wall
            slope = np.where(x == 0, np.nan, slope)
        ax_f.plot(x[0], y[0], lw=2, color=_COLORS[name], label=name)
        ax_d.plot(x[0], slope[0], lw=2, color=_COLORS[name], label=name)
    ax_f.set(xlabel="x", ylabel="f(x)", title="Activation f(x)", ylim=(-1.2, 2.2))
    ax_d.set(xlabel="x", ylabel="f'(x)", title="Slope f'(x): what backward multiplies δ by",
             ylim=(-0.05, 1.15))
    ax_d.axhline(0.25, color="C0", ls=":", lw=1)
    ax_d.text(x_range * 0.42, 0.28, "sigmoid: slope ≤ 0.25", color="C0", fontsize=9)
    for ax in axes:
        ax.legend(loc="upper left")
    return ax_f, ax_d


def _block(ax, x0, rows, cols, label, color, scale, shape_text=None):
    """Draw a ``rows × cols`` matrix as a rectangle whose top edge is at y = 0; return its width."""
    w, h = cols * scale, rows * scale
    ax.add_patch(Rectangle((x0, -h), w, h, facecolor=color, edgecolor="black", alpha=0.6))
    ax.text(x0 + w / 2, -h / 2, label, ha="center", va="center", fontsize=11)
    shape_text = shape_text or f"({rows}, {cols})"
    ax.text(x0 + w / 2, -h - 0.2, shape_text, ha="center", va="top", fontsize=10)
    return w


def plot_backward_shapes(n: int, n_in: int, n_out: int, ax=None, scale: float = 0.5):
    """The three products of ``Linear.backward`` drawn to scale, so the shapes can be read off.

    ``dW = Xᵀ δ`` (in, N)·(N, out) → (in, out); ``db = Σ_n δ`` (N, out) → (out,);
    ``dX = δ Wᵀ`` (N, out)·(out, in) → (N, in). Each matrix is a rectangle ``rows × cols``.

    Parameters
    ----------
    n, n_in, n_out : int
        Batch size, input width, output width (keep them ≤ 8 or so).
    ax : matplotlib Axes, optional
    scale : float
        Size of one matrix entry in plot units.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.0))
    colors = {"X": "C0", "d": "C3", "W": "C2", "g": "C1"}
    rows = [
        ("dW = Xᵀ δ", [(n_in, n, "Xᵀ", "X"), (n, n_out, "δ", "d"), (n_in, n_out, "dW", "g")], "·"),
        ("db = Σₙ δ", [(n, n_out, "δ", "d"), (1, n_out, "db", "g")], "sum"),
        ("dX = δ Wᵀ", [(n, n_out, "δ", "d"), (n_out, n_in, "Wᵀ", "W"), (n, n_in, "dX", "g")], "·"),
    ]
    gap, x0 = 1.0, 0.0
    tallest = max(n, n_in, n_out) * scale
    for title, blocks, op in rows:
        ax.text(x0, 0.45, title, fontsize=12, fontweight="bold", va="bottom")
        x = x0
        for k, (r, c, label, key) in enumerate(blocks):
            if k > 0:
                if op == "sum":  # an arrow labelled "sum over the rows n"
                    ax.annotate("", (x + 1.7, -tallest / 2), (x + 0.2, -tallest / 2),
                                arrowprops=dict(arrowstyle="-|>", color="black", lw=1.2))
                    ax.text(x + 0.95, -tallest / 2 + 0.15, "Σ over n", ha="center", va="bottom",
                            fontsize=10)
                    x += 1.9
                else:
                    symbol = "=" if k == len(blocks) - 1 else op
                    ax.text(x + gap / 2, -tallest / 2, symbol, fontsize=16, ha="center", va="center")
                    x += gap
            shape_text = f"({c},)" if label == "db" else None
            x += _block(ax, x, r, c, label, colors[key], scale, shape_text)
        x0 = x + 1.6
    ax.set_xlim(-0.3, x0 - 1.3)
    ax.set_ylim(-tallest - 0.8, 1.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"Linear.backward with N = {n}, in = {n_in}, out = {n_out}; shapes are (rows, columns)",
                 fontsize=11)
    return ax


def plot_gradcheck_errors(errors: dict, threshold: float = 1e-7, ax=None):
    """Relative errors of a gradient check as horizontal bars on a log scale.

    Parameters
    ----------
    errors : dict
        ``{"what was checked": relative error}``, e.g. ``"Linear: W"``. Zero errors are drawn at
        1e-17 (the bottom of float64's range of relative errors).
    threshold : float, default 1e-7
        Drawn as a vertical line: bars to its left pass.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    names = list(errors)
    values = np.maximum(np.array([errors[k] for k in names], dtype=float), 1e-17)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.32 * len(names) + 1.2))
    colors = ["C2" if v <= threshold else "C3" for v in values]
    ax.barh(range(len(names)), values, color=colors, left=1e-17)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(1e-17, 1)
    ax.axvline(threshold, color="black", ls="--", lw=1)
    ax.text(threshold * 1.5, len(names) - 0.6, f"pass ≤ {threshold:.0e}", fontsize=9, va="bottom")
    ax.set(xlabel="relative error: backprop vs central differences", title="Gradient check")
    ax.grid(axis="y", visible=False)
    return ax


def plot_error_signals(deltas, titles=None, axes=None, max_rows: int = 16):
    """One heatmap per layer of the error signal δ = dL/d(layer output): examples × units.

    Each panel has its own symmetric colour scale (red positive, blue negative); its title gives
    the norm ‖δ‖, so shrinking or growing signals are visible even though the colours are rescaled.

    Parameters
    ----------
    deltas : sequence of ndarray, each (N, units)
        In the order to draw them (e.g. from the loss back towards the input).
    titles : sequence of str, optional
    axes : sequence of matplotlib Axes, optional
    max_rows : int, default 16
        Draw only the first ``max_rows`` examples.

    Returns
    -------
    list of matplotlib Axes
    """
    if axes is None:
        widths = [min(d.shape[1], 64) + 8 for d in deltas]
        _, axes = plt.subplots(1, len(deltas), figsize=(12, 3.6), gridspec_kw={"width_ratios": widths})
    axes = list(np.atleast_1d(axes))
    titles = titles or [f"δ {i}" for i in range(len(deltas))]
    for ax, d, title in zip(axes, deltas, titles):
        d = np.asarray(d)[:max_rows]
        lim = float(np.max(np.abs(d))) or 1.0
        ax.imshow(d, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto", interpolation="nearest")
        ax.set_title(f"{title}\n‖δ‖ = {np.linalg.norm(d):.2g}", fontsize=10)
        ax.set_xlabel(f"unit ({d.shape[1]})")
        ax.grid(False)
        ax.set_yticks([])
    axes[0].set_ylabel(f"example (first {d.shape[0]})")
    return axes


def plot_gradient_cost(n_params, costs: dict, ax=None, ylabel: str = "cost", title: str = ""):
    """Cost of computing a gradient against the number of parameters, on log-log axes.

    Parameters
    ----------
    n_params : sequence of int
        The parameter counts (x axis).
    costs : dict
        ``{"method": sequence of costs}``, each as long as ``n_params``.
    ax : matplotlib Axes, optional
    ylabel, title : str

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots()
    for k, (label, values) in enumerate(costs.items()):
        ax.loglog(n_params, values, "o-", lw=2, color=f"C{k + 3}", label=label)
    ax.set_xticks(list(n_params), [str(p) for p in n_params], fontsize=9)
    ax.minorticks_off()
    ax.set(xlabel="number of parameters P", ylabel=ylabel, title=title)
    ax.legend()
    return ax


def plot_gradient_norms(norms: dict, ax=None, title: str = "Gradient norm per layer"):
    """``‖dL/dW‖`` per Linear layer, input side on the left, on a log scale.

    Parameters
    ----------
    norms : dict
        ``{"label": sequence of norms, first layer first}``.
    ax : matplotlib Axes, optional
    title : str

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots()
    for k, (label, values) in enumerate(norms.items()):
        color = _COLORS.get(label.split()[0].lower(), f"C{k}")
        ax.semilogy(np.arange(1, len(values) + 1), values, "o-", lw=2, color=color, label=label)
    count = max(len(v) for v in norms.values())
    ax.set_xticks(np.arange(1, count + 1))
    ax.set(xlabel="Linear layer (1 = next to the input, the last = next to the loss)",
           ylabel="‖dL/dW‖ (log scale)", title=title)
    ax.legend()
    return ax
