"""Chapter 3 figures: activations and their slopes, matrix shapes, error signals, gradient checks,
Jacobians, initialisation (symmetry, activation and gradient histograms per layer)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from course_lib.i18n import get_language, tr
from course_lib.layers import Linear, ReLU, Sigmoid, Tanh

__all__ = [
    "plot_activations",
    "plot_backward_shapes",
    "plot_gradcheck_errors",
    "plot_error_signals",
    "plot_gradient_cost",
    "plot_gradient_norms",
    "plot_jacobians",
    "collect_layer_signals",
    "plot_layer_histograms",
    "plot_unit_weights",
    "plot_random_functions",
    "plot_unit_activity",
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
        label = {"sigmoid": tr("sigmoid", "シグモイド関数"), "tanh": "tanh", "relu": tr("relu", "ReLU")}[name]
        ax_f.plot(x[0], y[0], lw=2, color=_COLORS[name], label=label)
        ax_d.plot(x[0], slope[0], lw=2, color=_COLORS[name], label=label)
    ax_f.set(xlabel="x", ylabel="f(x)", title=tr("Activation f(x)", "活性化関数 f(x)"), ylim=(-1.2, 2.2))
    ax_d.set(xlabel="x", ylabel="f'(x)",
             title=tr("Slope f'(x): what backward multiplies δ by", "傾き f'(x): backward が δ に掛ける値"),
             ylim=(-0.05, 1.15))
    ax_d.axhline(0.25, color="C0", ls=":", lw=1)
    ax_d.text(x_range * 0.42, 0.28, tr("sigmoid: slope ≤ 0.25", "シグモイド関数: 傾き ≦ 0.25"),
              color="C0", fontsize=9)
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
    # IPAex Gothic, the Japanese font, has no ᵀ or ₙ: in Japanese these are drawn with mathtext
    x_t, w_t = tr("Xᵀ", r"$X^{\top}$"), tr("Wᵀ", r"$W^{\top}$")
    rows = [
        (tr("dW = Xᵀ δ", r"$dW = X^{\top} \delta$"),
         [(n_in, n, x_t, "X"), (n, n_out, "δ", "d"), (n_in, n_out, "dW", "g")], "·"),
        (tr("db = Σₙ δ", r"$db = \Sigma_n \delta$"), [(n, n_out, "δ", "d"), (1, n_out, "db", "g")], "sum"),
        (tr("dX = δ Wᵀ", r"$dX = \delta W^{\top}$"),
         [(n, n_out, "δ", "d"), (n_out, n_in, w_t, "W"), (n, n_in, "dX", "g")], "·"),
    ]
    gap, x0 = 1.0, 0.0
    tallest = max(n, n_in, n_out) * scale
    for title, blocks, op in rows:
        # IPAex Gothic has no bold face: matplotlib would print a findfont message for it
        weight = "bold" if get_language() == "en" else "normal"
        ax.text(x0, 0.45, title, fontsize=12, fontweight=weight, va="bottom")
        x = x0
        for k, (r, c, label, key) in enumerate(blocks):
            if k > 0:
                if op == "sum":  # an arrow labelled "sum over the rows n"
                    ax.annotate("", (x + 1.7, -tallest / 2), (x + 0.2, -tallest / 2),
                                arrowprops=dict(arrowstyle="-|>", color="black", lw=1.2))
                    ax.text(x + 0.95, -tallest / 2 + 0.15, tr("Σ over n", "n で和"), ha="center", va="bottom",
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
    ax.set_title(tr(f"Linear.backward with N = {n}, in = {n_in}, out = {n_out}; shapes are (rows, columns)",
                    f"Linear.backward（N = {n}, in = {n_in}, out = {n_out}）。形状は (行, 列)"),
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
    ax.text(threshold * 1.5, len(names) - 0.6, tr(f"pass ≤ {threshold:.0e}", f"合格 ≦ {threshold:.0e}"),
            fontsize=9, va="bottom")
    ax.set(xlabel=tr("relative error: backprop vs central differences", "相対誤差: 逆伝播と中心差分の比較"),
           title=tr("Gradient check", "勾配確認"))
    ax.grid(axis="y", visible=False)
    return ax


def plot_error_signals(deltas, titles=None, axes=None, max_rows: int = 16):
    """One heatmap per layer of the error signal δ = dL/d(layer output): examples × units.

    Each panel has its own symmetric colour scale (red positive, blue negative), shown by the colour
    bar under it; its title gives the norm ‖δ‖, so shrinking or growing signals are visible even
    though the colours are rescaled.

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
        _, axes = plt.subplots(1, len(deltas), figsize=(12, 4.4), gridspec_kw={"width_ratios": widths},
                               layout="constrained")
    axes = list(np.atleast_1d(axes))
    titles = titles or [f"δ {i}" for i in range(len(deltas))]
    for ax, d, title in zip(axes, deltas, titles):
        d = np.asarray(d)[:max_rows]
        lim = float(np.max(np.abs(d))) or 1.0
        image = ax.imshow(d, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto", interpolation="nearest")
        ax.set_title(f"{title}\n‖δ‖ = {np.linalg.norm(d):.2g}", fontsize=10)
        ax.set_xlabel(tr(f"unit ({d.shape[1]})", f"ユニット ({d.shape[1]})"))
        ax.grid(False)
        ax.set_yticks([])
        bar = ax.figure.colorbar(image, ax=ax, orientation="horizontal", location="bottom",
                                 fraction=0.06, pad=0.04, aspect=12)
        bar.set_ticks([-lim, 0, lim], labels=[f"{-lim:.2g}", "0", f"{lim:.2g}"])
        bar.ax.tick_params(labelsize=8)
    axes[0].set_ylabel(tr(f"example (first {d.shape[0]})", f"データ（最初の {d.shape[0]} 個）"))
    return axes


def plot_gradient_cost(n_params, costs: dict, ax=None, ylabel: str | None = None, title: str = ""):
    """Cost of computing a gradient against the number of parameters, on log-log axes.

    Parameters
    ----------
    n_params : sequence of int
        The parameter counts (x axis).
    costs : dict
        ``{"method": sequence of costs}``, each as long as ``n_params``.
    ax : matplotlib Axes, optional
    ylabel : str, optional
        Default "cost" (in the notebook's language).
    title : str

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots()
    if ylabel is None:
        ylabel = tr("cost", "コスト")
    for k, (label, values) in enumerate(costs.items()):
        ax.loglog(n_params, values, "o-", lw=2, color=f"C{k + 3}", label=label)
    ax.set_xticks(list(n_params), [str(p) for p in n_params], fontsize=9)
    ax.minorticks_off()
    ax.set(xlabel=tr("number of parameters P", "パラメータの数 P"), ylabel=ylabel, title=title)
    ax.legend()
    return ax


def plot_gradient_norms(norms: dict, ax=None, title: str | None = None):
    """``‖dL/dW‖`` per Linear layer, input side on the left, on a log scale.

    Parameters
    ----------
    norms : dict
        ``{"label": sequence of norms, first layer first}``. The colour follows the label's first
        word (``"sigmoid …"``, ``"tanh …"``, ``"relu …"``); a label containing ``"wrong"`` (or
        ``"不適切"``) is drawn dashed.
    ax : matplotlib Axes, optional
    title : str, optional
        Default "Gradient norm per layer" (in the notebook's language).

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots()
    if title is None:
        title = tr("Gradient norm per layer", "層ごとの勾配のノルム")
    for k, (label, values) in enumerate(norms.items()):
        color = _COLORS.get(label.split()[0].strip(",:").lower(), f"C{k}")
        wrong = "wrong" in label or "不適切" in label
        style = "o--" if wrong else "o-"
        ax.semilogy(np.arange(1, len(values) + 1), values, style, lw=2, color=color, label=label,
                    alpha=0.6 if wrong else 1.0)
    count = max(len(v) for v in norms.values())
    ax.set_xticks(np.arange(1, count + 1))
    ax.set(xlabel=tr("Linear layer (1 = next to the input, the last = next to the loss)",
                     "Linearレイヤ（1 = 入力側、最後 = 損失側）"),
           ylabel=tr("‖dL/dW‖ (log scale)", "‖dL/dW‖（対数目盛）"), title=title)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9)
    return ax


def plot_jacobians(jacobians: dict, axes=None):
    """Explicit Jacobian matrices drawn as images: zeros white, positive red, negative blue.

    Parameters
    ----------
    jacobians : dict
        ``{"title": 2-D array}``; each array is ``d(output, flattened) / d(input, flattened)``,
        shape (output size, input size).
    axes : sequence of matplotlib Axes, optional

    Returns
    -------
    list of matplotlib Axes

    Raises
    ------
    ValueError
        If ``jacobians`` is empty or one of its arrays is not 2-D.
    """
    if not isinstance(jacobians, dict) or not jacobians:
        raise ValueError("jacobians must be a non-empty dict {title: 2-D array}")
    for title, jac in jacobians.items():
        if np.ndim(jac) != 2:
            raise ValueError(f"jacobians[{title!r}] must be 2-D (outputs, inputs), got shape {np.shape(jac)}")
    if axes is None:
        widths = [np.shape(j)[1] for j in jacobians.values()]
        _, axes = plt.subplots(1, len(jacobians), figsize=(12, 4.2), layout="constrained",
                               gridspec_kw={"width_ratios": widths})
    axes = list(np.atleast_1d(axes))
    for ax, (title, jac) in zip(axes, jacobians.items()):
        jac = np.asarray(jac, dtype=float)
        lim = float(np.max(np.abs(jac))) or 1.0
        image = ax.imshow(jac, cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
        zeros = np.mean(jac == 0)
        ax.set_title(tr(f"{title}\n{jac.shape[0]} × {jac.shape[1]}, {zeros:.0%} zeros",
                        f"{title}\n{jac.shape[0]} × {jac.shape[1]}、ゼロが {zeros:.0%}"), fontsize=10)
        ax.set(xlabel=tr("input entry (flattened)", "入力の要素（平坦化）"),
               ylabel=tr("output entry (flattened)", "出力の要素（平坦化）"))
        ax.grid(False)
        bar = ax.figure.colorbar(image, ax=ax, orientation="horizontal", location="bottom",
                                 fraction=0.05, pad=0.02, aspect=15)
        bar.ax.tick_params(labelsize=8)
    return axes


def collect_layer_signals(model, loss, X, y) -> dict:
    """Run one forward and one backward pass; keep every activation layer's output and every ``dL/dW``.

    Parameters
    ----------
    model : Sequential
        ``Linear`` layers with activations between them.
    loss : loss layer
        E.g. ``SoftmaxCrossEntropy()``.
    X : ndarray, shape (N, in_features)
    y : targets accepted by ``loss.forward``

    Returns
    -------
    dict
        ``{"activations": [ndarray (N, units) per activation layer, input side first],
        "weight_grads": [dL/dW per Linear layer, input side first]}``.

    Raises
    ------
    TypeError
        If ``model`` has no ``layers`` (it must be a :class:`~course_lib.network.Sequential`).
    """
    if not isinstance(getattr(model, "layers", None), list):
        raise TypeError(f"model must be a Sequential (with .layers), got {type(model).__name__}")
    activations, h = [], X
    for layer in model.layers:
        h = layer.forward(h)
        if not isinstance(layer, Linear):
            activations.append(h)
    loss.forward(h, y)
    model.backward(loss.backward())
    grads = [layer.grads["W"] for layer in model.layers if isinstance(layer, Linear)]
    return {"activations": activations, "weight_grads": grads}


def _depth_colors(count: int):
    return plt.get_cmap("viridis")(np.linspace(0.0, 0.9, count))


def plot_layer_histograms(signals: dict, per_row: int = 2, grad_range=(-11, 2), axes=None):
    """Histograms, one line per hidden layer, of activation values and of ``log10 |dL/dW|``.

    Each configuration takes two panels side by side: its activations (left) and its weight
    gradients (right). Colours go from dark (next to the input) to yellow (next to the loss), so
    a signal that shrinks, grows or piles up at the ends of an activation's range is visible at a
    glance. Exact zeros are left out of the activation histograms (for ReLU about half of the
    values: the units that are off), and zero gradients out of the gradient histograms. The idea
    is that of Glorot & Bengio (2010), Figs. 3-7, for our small network.

    Parameters
    ----------
    signals : dict
        ``{"label": collect_layer_signals(...)}``, drawn row by row, ``per_row`` configurations
        per row.
    per_row : int, default 2
    grad_range : (float, float)
        The x range of the gradient panels, in powers of ten (shared by all of them).
    axes : 2-D array of matplotlib Axes, optional
        Shape (rows, 2 * per_row).

    Returns
    -------
    2-D array of matplotlib Axes

    Raises
    ------
    ValueError
        If ``signals`` is empty or an entry lacks ``"activations"`` or ``"weight_grads"``.
    """
    if not isinstance(signals, dict) or not signals:
        raise ValueError("signals must be a non-empty dict {label: collect_layer_signals(...)}")
    for label, sig in signals.items():
        if not isinstance(sig, dict) or not {"activations", "weight_grads"} <= set(sig):
            raise ValueError(f"signals[{label!r}] must have the keys 'activations' and 'weight_grads' "
                             "(the dict that collect_layer_signals returns)")
    rows = -(-len(signals) // per_row)
    if axes is None:
        _, axes = plt.subplots(rows, 2 * per_row, figsize=(13, 2.7 * rows + 0.6), layout="constrained")
    axes = np.asarray(axes).reshape(rows, 2 * per_row)
    grad_bins = np.linspace(grad_range[0], grad_range[1], 61)
    for k, (label, sig) in enumerate(signals.items()):
        ax_a, ax_g = axes[k // per_row, 2 * (k % per_row)], axes[k // per_row, 2 * (k % per_row) + 1]
        acts = [a[a != 0] for a in sig["activations"]]  # ReLU's exact zeros would swamp the rest
        grads = sig["weight_grads"]
        low = min(float(a.min()) for a in acts)
        high = max(float(np.quantile(a, 0.995)) for a in acts)
        act_bins = np.linspace(low, max(high, low + 1e-3), 41)
        for i, (a, color) in enumerate(zip(acts, _depth_colors(len(acts)))):
            counts, _ = np.histogram(np.clip(a, low, act_bins[-1]), bins=act_bins, density=True)
            ax_a.stairs(counts, act_bins, color=color, lw=1.3, label=tr(f"layer {i + 1}", f"{i + 1} 層目"))
        for g, color in zip(grads, _depth_colors(len(grads))):
            magnitudes = np.log10(np.abs(g[g != 0]))
            counts, _ = np.histogram(np.clip(magnitudes, *grad_range), bins=grad_bins, density=True)
            ax_g.stairs(counts, grad_bins, color=color, lw=1.3)
        ax_a.set_title(tr(f"{label}: activations", f"{label}: アクティベーション"), fontsize=10)
        ax_g.set_title(tr(f"{label}: weight gradients", f"{label}: 重みの勾配"), fontsize=10)
        ax_a.set(xlabel=tr("activation value", "アクティベーションの値"), yticks=[])
        ax_g.set(xlabel=tr("log₁₀ |dL/dW|", r"$\log_{10}$ |dL/dW|"), yticks=[], xlim=grad_range)
    for ax in axes.ravel()[len(signals) * 2:]:
        ax.axis("off")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    axes[0, 0].figure.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize=9,
                             title=tr("hidden layer (dark: next to the input, yellow: next to the loss)",
                                      "隠れ層（暗い色: 入力側、黄色: 損失側）"),
                             title_fontsize=9)
    return axes


def plot_unit_weights(weights: dict, image_shape=(8, 8), axes=None):
    """Each hidden unit's incoming weights drawn as an image, one row of units per label.

    Parameters
    ----------
    weights : dict
        ``{"label": W}`` with ``W`` of shape (pixels, units) — the first ``Linear``'s ``W``.
    image_shape : (int, int), default (8, 8)
        How to fold one column of ``W`` (``pixels`` entries) into an image.
    axes : 2-D array of matplotlib Axes, optional

    Returns
    -------
    2-D array of matplotlib Axes

    Raises
    ------
    ValueError
        If a ``W`` is not 2-D or its number of rows is not ``image_shape[0] * image_shape[1]``.
    """
    for label, W in weights.items():
        if np.ndim(W) != 2 or np.shape(W)[0] != int(np.prod(image_shape)):
            raise ValueError(f"weights[{label!r}] must have shape ({int(np.prod(image_shape))}, units) "
                             f"to fold into {image_shape} images, got {np.shape(W)}")
    units = max(np.shape(w)[1] for w in weights.values())
    if axes is None:
        _, axes = plt.subplots(len(weights), units, figsize=(1.6 * units + 1.2, 1.9 * len(weights)),
                               layout="constrained", squeeze=False)
    axes = np.asarray(axes).reshape(len(weights), units)
    for row, (label, W) in enumerate(weights.items()):
        W = np.asarray(W, dtype=float)
        lim = float(np.max(np.abs(W))) or 1.0
        for j in range(units):
            ax = axes[row, j]
            ax.set_xticks([]), ax.set_yticks([])
            ax.grid(False)
            if j >= W.shape[1]:
                ax.axis("off")
                continue
            ax.imshow(W[:, j].reshape(image_shape), cmap="RdBu_r", vmin=-lim, vmax=lim)
            ax.set_title(tr(f"unit {j + 1}", f"ユニット {j + 1}"), fontsize=9)
        axes[row, 0].set_ylabel(label, fontsize=9)
    return axes


def plot_random_functions(x, curves: dict, axes=None):
    """Functions of one input computed by randomly initialised networks, one panel per label.

    Parameters
    ----------
    x : ndarray, shape (M,)
        The inputs.
    curves : dict
        ``{"label": list of ndarray (M,)}`` — each array one network's output on ``x``.
    axes : sequence of matplotlib Axes, optional

    Returns
    -------
    list of matplotlib Axes

    Raises
    ------
    ValueError
        If a curve does not have the length of ``x``.
    """
    for label, ys in curves.items():
        for y in ys:
            if np.shape(y) != np.shape(x):
                raise ValueError(f"every curve of curves[{label!r}] must have the shape of x "
                                 f"{np.shape(x)}, got {np.shape(y)}")
    if axes is None:
        _, axes = plt.subplots(1, len(curves), figsize=(4 * len(curves), 3.2), layout="constrained")
    axes = list(np.atleast_1d(axes))
    for ax, (label, ys) in zip(axes, curves.items()):
        for k, y in enumerate(ys):
            ax.plot(x, y, lw=1.8, color=f"C{k}")
        ax.set(title=label, xlabel=tr("input x", "入力 x"), ylabel=tr("network output", "ネットワークの出力"))
    return axes


def plot_unit_activity(activity: dict, axes=None):
    """For each hidden unit, the fraction of inputs on which it is active, sorted; dead units in red.

    Parameters
    ----------
    activity : dict
        ``{"label": ndarray (units,)}`` with values in [0, 1], e.g. ``np.mean(Z > 0, axis=0)`` for
        the pre-activations ``Z`` (N, units) of a ReLU layer.
    axes : sequence of matplotlib Axes, optional

    Returns
    -------
    list of matplotlib Axes

    Raises
    ------
    ValueError
        If a fraction lies outside [0, 1] or an entry is not 1-D.
    """
    for label, fractions in activity.items():
        values = np.asarray(fractions, dtype=float)
        if values.ndim != 1 or np.any(~np.isfinite(values)) or np.any((values < 0) | (values > 1)):
            raise ValueError(f"activity[{label!r}] must be a 1-D array of fractions in [0, 1]")
    if axes is None:
        _, axes = plt.subplots(1, len(activity), figsize=(5.5 * len(activity), 3.2), sharey=True,
                               layout="constrained")
    axes = list(np.atleast_1d(axes))
    for ax, (label, fractions) in zip(axes, activity.items()):
        fractions = np.sort(np.asarray(fractions, dtype=float))[::-1]
        dead = fractions == 0
        colors = np.where(dead, "C3", "C2")
        ax.bar(np.arange(1, fractions.size + 1), np.where(dead, 0.02, fractions), color=colors, width=0.8)
        ax.set(title=tr(f"{label}: {dead.sum()} dead units of {fractions.size}",
                        f"{label}: 死んだユニット {dead.sum()} 個（{fractions.size} 個中）"),
               xlabel=tr("hidden unit (sorted)", "隠れ層のユニット（活動の多い順）"), ylim=(0, 1.05))
    axes[0].set_ylabel(tr("fraction of inputs where active", "アクティブになる入力の割合"))
    return axes
