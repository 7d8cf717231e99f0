"""Chapter 2 — figures for the chain rule: secants, finite-difference errors, computational graphs.

``draw_graph`` draws a :class:`~course_lib.autodiff.Value` graph with matplotlib alone (no
Graphviz): inputs on the left, the output on the right, one column per depth, each value node
showing its data and gradient, each operation as a small circle, arrows in the forward direction.
Legends, axis labels and annotations are in the notebook's language (:func:`course_lib.i18n.tr`).
"""

from __future__ import annotations

from typing import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from course_lib.autodiff import Value, topological_order
from course_lib.gradcheck import numerical_derivative
from course_lib.i18n import tr

__all__ = ["draw_graph", "plot_secants", "plot_step_errors", "plot_autodiff_cost", "plot_activation_memory"]

# Geometry of draw_graph, in inches at scale 1 (fonts are _FONT points at scale 1).
_FONT = 12.0
_COL, _ROW = 2.9, 1.0  # distance between columns / rows
_BOX_W, _BOX_H = 1.5, 0.74  # value node
_CONST_W, _CONST_H = 0.7, 0.4  # a number wrapped by an operator (the 2 in 2 * x)
_OP_R, _OP_GAP = 0.25, 0.15  # operation circle radius, gap between circle and its value node
_MAX_FIG_W, _MAX_FIG_H = 13.0, 9.0
_COLORS = {"input": "#dbe9f6", "inner": "#f1f1f1", "output": "#fddcbf", "const": "white", "op": "#fff1b0"}


def _fmt(x: float) -> str:
    text = f"{x:.4g}"
    return "0" if text == "-0" else text


def _label_weight() -> str:
    """``"bold"`` if the current font has a bold face, else ``"normal"``.

    IPAex Gothic, the Japanese font of ``setup_notebook(lang="ja")``, has none: asking it for bold
    would only print matplotlib's "Failed to find font weight bold" under the figure.
    """
    manager = font_manager.fontManager
    path = manager.findfont(font_manager.FontProperties())
    name = next((f.name for f in manager.ttflist if f.fname == path), None)
    bold = font_manager.weight_dict["bold"]
    has_bold = any(f.name == name and (f.weight if isinstance(f.weight, int) else
                                       font_manager.weight_dict.get(f.weight, 400)) >= bold
                   for f in manager.ttflist)
    return "bold" if has_bold else "normal"


def _box_size(node: Value) -> tuple[float, float]:
    return (_CONST_W, _CONST_H) if node._constant else (_BOX_W, _BOX_H)


def _layout(order: list[Value]) -> dict[Value, tuple[float, float]]:
    """Column (depth) and row of every node, in layout units."""
    column: dict[Value, int] = {}
    consumers: dict[Value, list[Value]] = {node: [] for node in order}
    for node in order:
        column[node] = 1 + max(column[c] for c in node.children) if node.children else 0
        for child in node.children:
            consumers[child].append(node)
    for node in order:  # inputs go just left of their first use: short arrows
        if not node.children and consumers[node]:
            column[node] = min(column[p] for p in consumers[node]) - 1
    row: dict[Value, float] = {}
    leaves = [node for node in order if not node.children]
    for i, node in enumerate(leaves):  # inputs top to bottom in the order the expression uses them
        row[node] = -float(i)
    for node in order:
        if node.children:
            row[node] = float(np.mean([row[c] for c in node.children]))
    for col in set(column.values()):  # no two nodes of a column closer than one row
        nodes = sorted((n for n in order if column[n] == col), key=lambda n: -row[n])
        for above, below in zip(nodes, nodes[1:]):
            row[below] = min(row[below], row[above] - 1.0)
    return {node: (column[node] * _COL, row[node] * _ROW) for node in order}


def _expression(node: Value) -> str:
    """A name for an unlabelled node, from its operation and its operands' names (``x1·w1 + x2·w2``).

    Unlabelled operands are named the same way, recursively. Empty for an unlabelled input, or
    when the name would be longer than 18 characters (it would not fit the box).
    """
    names = []
    for child in node.children:
        name = child.label or (_fmt(child.data) if child._constant else _expression(child))
        if not name:
            return ""
        names.append(name)
    text = ""
    if node.op in ("+", "*") and len(names) == 2:
        joiner = " + " if node.op == "+" else "·"
        if node.op == "+" and names[1].startswith("-"):
            text = f"{names[0]} − {names[1][1:]}"
        else:
            text = joiner.join(f"({n})" if node.op == "*" and " " in n else n for n in names)
    elif node.op.startswith("**") and len(names) == 1:
        base = f"({names[0]})" if " " in names[0] else names[0]
        text = f"{base}^{node.op[2:]}"
    elif len(names) == 1 and node.op:
        text = f"{node.op}({names[0]})"
    return text if len(text) <= 18 else ""


def _op_center(node: Value, pos) -> tuple[float, float]:
    x, y = pos[node]
    return x - _BOX_W / 2 - _OP_GAP - _OP_R, y


def _local_grads_or_none(node: Value):
    try:
        return node._local_grads()
    except (ArithmeticError, ValueError):  # e.g. the derivative of sqrt at 0
        return (None,) * len(node.children)


def draw_graph(
    root: Value,
    ax: plt.Axes | None = None,
    *,
    show_grad: bool = True,
    show_local_grads: bool = False,
    max_nodes: int = 40,
    title: str | None = None,
) -> plt.Axes:
    """Draw the computational graph that produced ``root``, inputs left, ``root`` right.

    Each value node shows its label (if any), ``data`` and ``grad``; an operation is a yellow
    circle just left of the node it produced. Numbers wrapped by an operator (the ``2`` in
    ``2 * x``) are small white boxes. Call ``root.backward()`` first to see gradients.

    Parameters
    ----------
    root : Value
        The output node.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure sized to the graph.
    show_grad : bool, default True
        Print each node's ``grad`` under its ``data``.
    show_local_grads : bool, default False
        Write each operation's local gradient d(out)/d(input) on the arrow from that input.
    max_nodes : int, default 40
        Larger graphs are refused (they would not be readable).
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}")
    order = topological_order(root)
    if len(order) > max_nodes:
        raise ValueError(
            f"the graph has {len(order)} nodes, more than max_nodes={max_nodes} that stay readable; "
            "draw a smaller expression or raise max_nodes"
        )
    pos = _layout(order)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    x0 = min(xs) - _BOX_W / 2 - 2 * _OP_R - _OP_GAP - 0.15
    x1, y0, y1 = max(xs) + _BOX_W / 2 + 0.15, min(ys) - _BOX_H / 2 - 0.15, max(ys) + _BOX_H / 2 + 0.15
    if title:
        y1 += 0.35
    width, height = x1 - x0, y1 - y0
    if ax is None:
        scale = min(1.0, _MAX_FIG_W / width, _MAX_FIG_H / height)
        fig = plt.figure(figsize=(width * scale, height * scale))
        ax = fig.add_axes((0, 0, 1, 1))
    else:
        box = ax.get_position()
        ax_w, ax_h = box.width * ax.figure.get_figwidth(), box.height * ax.figure.get_figheight()
        scale = min(ax_w / width, ax_h / height)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        x0, x1 = cx - ax_w / scale / 2, cx + ax_w / scale / 2
        y0, y1 = cy - ax_h / scale / 2, cy + ax_h / scale / 2
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_axis_off()
    font = _FONT * scale
    pt = 72.0 * scale  # points per layout unit
    weight = _label_weight()

    for node in order:
        _draw_value_node(ax, node, pos[node], root, show_grad, font, weight)
        if node.children:
            _draw_op(ax, node, pos, font, pt, show_local_grads)
    if title:
        ax.text((x0 + x1) / 2, y1 - 0.2, title, ha="center", va="center", fontsize=font * 1.15)
    return ax


def _draw_value_node(ax, node: Value, xy, root: Value, show_grad: bool, font: float, weight: str) -> None:
    x, y = xy
    w, h = _box_size(node)
    kind = "const" if node._constant else "output" if node is root else "inner" if node.children else "input"
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.08",
            facecolor=_COLORS[kind], edgecolor="0.55" if kind == "const" else "0.25", linewidth=1.0,
            zorder=2,
        )
    )
    if node._constant:
        ax.text(x, y, _fmt(node.data), ha="center", va="center", fontsize=font, color="0.3", zorder=3)
        return
    lines = [f"data {_fmt(node.data)}"] + ([f"grad {_fmt(node.grad)}"] if show_grad else [])
    label = node.label or _expression(node)
    if label:
        size = font if len(label) <= 10 else font * max(0.7, 10 / len(label))
        ax.text(x, y + h * 0.27, label, ha="center", va="center", fontsize=size,
                fontweight=weight if node.label else "normal", style="normal" if node.label else "italic",
                zorder=3)
        ax.text(x, y - h * 0.12, "\n".join(lines), ha="center", va="center", fontsize=font * 0.9,
                family="monospace", linespacing=1.15, zorder=3)
    else:
        ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=font * 0.9,
                family="monospace", linespacing=1.25, zorder=3)


def _draw_op(ax, node: Value, pos, font: float, pt: float, show_local_grads: bool) -> None:
    ox, oy = _op_center(node, pos)
    ax.add_patch(Circle((ox, oy), _OP_R, facecolor=_COLORS["op"], edgecolor="0.25", zorder=2))
    symbol = {"*": "×", "sigmoid": "σ"}.get(node.op, node.op)
    if node.op.startswith("**"):  # x ** k drawn as x^k
        symbol = f"$x^{{{node.op[2:]}}}$"
    size = font * (1.2 if len(symbol) == 1 else 0.85 if len(symbol) <= 3 or "$" in symbol else 0.7)
    ax.text(ox, oy, symbol, ha="center", va="center", fontsize=size, zorder=3)
    x, y = pos[node]
    ax.add_patch(FancyArrowPatch((ox + _OP_R, oy), (x - _BOX_W / 2, y), arrowstyle="-|>",
                                 mutation_scale=font, color="0.25", zorder=1))
    local = _local_grads_or_none(node) if show_local_grads else (None,) * len(node.children)
    for child, loc in zip(node.children, local):
        cx, cy = pos[child]
        sx, sy = cx + _box_size(child)[0] / 2, cy
        # an arrow that skips columns bends away from the boxes in between (up if it comes from above)
        rad = 0.0 if ox - sx < _COL else (-0.25 if cy >= oy else 0.25)
        ax.add_patch(FancyArrowPatch((sx, sy), (ox, oy), arrowstyle="-|>", mutation_scale=font,
                                     connectionstyle=f"arc3,rad={rad}", shrinkA=0,
                                     shrinkB=_OP_R * pt, color="0.35", zorder=1))
        if loc is not None:  # the local gradient, at the middle of the arrow, on a white background
            lx = (sx + ox) / 2 + rad / 2 * (oy - sy)
            ly = (sy + oy) / 2 - rad / 2 * (ox - sx)
            ax.text(lx, ly, _fmt(loc), ha="center", va="center", fontsize=font * 0.85,
                    color="tab:blue", style="italic", zorder=4,
                    bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none"))


def plot_secants(
    f: Callable[[float], float],
    x0: float,
    hs=(1.0, 0.5, 0.1),
    ax: plt.Axes | None = None,
    xlim: tuple[float, float] | None = None,
) -> plt.Axes:
    """Plot ``f`` near ``x0`` with secants of step ``h`` and the tangent they approach.

    The secant through ``(x0, f(x0))`` and ``(x0 + h, f(x0 + h))`` has slope
    ``(f(x0 + h) - f(x0)) / h``; as ``h`` shrinks it turns into the tangent, whose slope is f'(x0).

    Parameters
    ----------
    f : callable, float -> float
    x0 : float
    hs : sequence of float
        Step sizes of the secants drawn.
    ax : matplotlib Axes, optional
    xlim : (float, float), optional
        Range of x plotted; by default ``x0 - max(hs)`` to ``x0 + 1.3 max(hs)``.

    Returns
    -------
    matplotlib Axes
    """
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}")
    hs = [float(h) for h in hs]
    if not hs or min(hs) <= 0:
        raise ValueError(f"hs must be positive step sizes, got {hs}")
    if ax is None:
        _, ax = plt.subplots()
    lo, hi = xlim if xlim is not None else (x0 - max(hs), x0 + 1.3 * max(hs))
    grid = np.linspace(lo, hi, 300)
    y0 = f(x0)
    ax.plot(grid, [f(x) for x in grid], color="black", linewidth=2, label="f(x)")
    colors = plt.cm.viridis(np.linspace(0.15, 0.8, len(hs)))
    for h, color in zip(hs, colors):
        slope = (f(x0 + h) - y0) / h
        ax.plot(grid, y0 + slope * (grid - x0), color=color, linewidth=1.2,
                label=tr(f"secant h = {h:g}: slope {slope:.3f}", f"割線 h = {h:g}：傾き {slope:.3f}"))
        ax.plot([x0 + h], [f(x0 + h)], "o", color=color, markersize=5)
    slope = numerical_derivative(f, x0)
    ax.plot(grid, y0 + slope * (grid - x0), "--", color="tab:red", linewidth=1.5,
            label=tr(f"tangent: slope f'(x0) = {slope:.3f}", f"接線：傾き f'(x0) = {slope:.3f}"))
    ax.plot([x0], [y0], "o", color="black", markersize=6)
    values = [f(x) for x in grid]
    pad = 0.15 * (max(values) - min(values))
    ax.set_ylim(min(values) - pad, max(values) + pad)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.legend(fontsize=9, loc="upper left")
    return ax


def plot_step_errors(
    hs,
    errors: Mapping[str, np.ndarray],
    models: Mapping[str, np.ndarray] | None = None,
    ax: plt.Axes | None = None,
    default_h: float | None = None,
) -> plt.Axes:
    """Log-log plot of finite-difference error against the step ``h``, best ``h`` marked.

    Parameters
    ----------
    hs : array of float, shape (K,)
        Step sizes (positive).
    errors : dict of str -> array, shape (K,)
        Measured errors (absolute or relative), one curve per method (e.g. ``"forward"``, ``"central"``).
    models : dict of str -> array, shape (K,), optional
        Predicted errors (truncation + round-off) drawn dashed in the colour of the same key.
    ax : matplotlib Axes, optional
    default_h : float, optional
        A step size to mark with a dotted vertical line (e.g. the library's default ``1e-5``).

    Returns
    -------
    matplotlib Axes
    """
    hs = np.asarray(hs, dtype=np.float64)
    if hs.ndim != 1 or np.any(hs <= 0):
        raise ValueError(f"hs must be a 1-D array of positive step sizes, got shape {hs.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.5))
    tiny = np.finfo(np.float64).eps * 1e-2  # an exact 0 would vanish from a log plot
    lowest = np.inf
    for i, (name, err) in enumerate(errors.items()):
        err = np.asarray(err, dtype=np.float64)
        if err.shape != hs.shape:
            raise ValueError(f"errors[{name!r}] has shape {err.shape}, expected {hs.shape} like hs")
        color = f"C{i}"
        ax.loglog(hs, np.maximum(err, tiny), "-", color=color, linewidth=1.3, label=tr(f"{name} difference", f"{name}差分"))
        if models is not None and name in models:
            ax.loglog(hs, models[name], "--", color=color, linewidth=1, alpha=0.8,
                      label=tr(f"{name}: predicted (truncation + round-off)",
                               f"{name}差分の予測（打ち切り誤差 + 丸め誤差）"))
        best = int(np.argmin(err))
        ax.plot(hs[best], err[best], "o", color=color, markersize=9, markeredgecolor="black", zorder=5)
        ax.annotate(tr(f"best h ≈ {hs[best]:.0e}", f"最適な h ≈ {hs[best]:.0e}"), (hs[best], err[best]), textcoords="offset points",
                    xytext=(-10, -3), ha="right", va="top", fontsize=9, color=color,
                    bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"))
        lowest = min(lowest, float(np.min(np.maximum(err, tiny))))
    ax.set_ylim(bottom=lowest / 20)  # room for the labels under the best points
    if default_h is not None:
        ax.axvline(default_h, color="0.35", linestyle=":", linewidth=1.2, zorder=1)
        ax.annotate(tr(f"default h = {default_h:.0e}", f"既定の h = {default_h:.0e}"), (default_h, 0.0), xycoords=("data", "axes fraction"),
                    xytext=(4, 4), textcoords="offset points", ha="left", va="bottom", fontsize=9,
                    color="0.3")
    ax.set_xlabel(tr("step size h", "刻み幅 h"))
    ax.set_ylabel(tr("|numerical − exact derivative|", "|数値微分 − 真の微分|"))
    ax.legend(fontsize=9, loc="upper center")
    return ax


def plot_autodiff_cost(
    n_inputs,
    costs: Mapping[str, np.ndarray],
    ax: plt.Axes | None = None,
    ylabel: str | None = None,
    reference: str | None = None,
) -> plt.Axes:
    """Log-log plot of the work needed for a full gradient against the number of inputs ``n``.

    Parameters
    ----------
    n_inputs : array of int, shape (K,)
    costs : dict of str -> array, shape (K,)
        One curve per method, e.g. ``"reverse mode"``, ``"forward mode"``, ``"central differences"``.
    ax : matplotlib Axes, optional
    ylabel : str, optional
        By default "operations counted" (in the language of the notebook).
    reference : str, optional
        Key of ``costs`` drawn as a grey dashed baseline (e.g. the cost of one function evaluation).

    Returns
    -------
    matplotlib Axes
    """
    n_inputs = np.asarray(n_inputs, dtype=np.float64)
    if n_inputs.ndim != 1 or np.any(n_inputs <= 0):
        raise ValueError(f"n_inputs must be a 1-D array of positive counts, got shape {n_inputs.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.5))
    markers = "osD^v"
    for i, (name, cost) in enumerate(costs.items()):
        cost = np.asarray(cost, dtype=np.float64)
        if cost.shape != n_inputs.shape:
            raise ValueError(f"costs[{name!r}] has shape {cost.shape}, expected {n_inputs.shape}")
        if name == reference:
            ax.loglog(n_inputs, cost, "--", color="0.5", linewidth=1.5, label=name)
        else:
            ax.loglog(n_inputs, cost, "-" + markers[i % len(markers)], markersize=5, label=name)
        ax.annotate(f"{cost[-1]:,.0f}", (n_inputs[-1], cost[-1]), textcoords="offset points",
                    xytext=(6, 0), va="center", fontsize=9)
    ax.set_xlabel(tr("number of inputs n", "入力の数 n"))
    ax.set_ylabel(tr("operations counted", "数えた演算の回数") if ylabel is None else ylabel)
    ax.set_xlim(n_inputs[0] / 1.3, n_inputs[-1] * 2.2)
    ax.legend(fontsize=9, loc="upper left")
    return ax


def plot_activation_memory(
    x,
    curves: Mapping[str, np.ndarray],
    xlabel: str,
    ax: plt.Axes | None = None,
    title: str | None = None,
) -> plt.Axes:
    """Log-log plot of the bytes kept for the backward pass (shown in MiB) against depth or batch size.

    Each curve's growth is read off its slope: 1 (linear), ½ (square root), 0 (constant); the
    factor by which it grows over the plotted range is written at its right end.

    Parameters
    ----------
    x : array of int, shape (K,)
        Depths (number of hidden layers) or batch sizes, positive and increasing.
    curves : dict of str -> array of int, shape (K,)
        Bytes per method, e.g. ``memory_profile`` results for ``"reverse"``, ``"checkpointing"``,
        ``"forward_mode"`` (see :mod:`course_lib.memory`).
    xlabel : str
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size < 2 or np.any(x <= 0) or np.any(np.diff(x) <= 0):
        raise ValueError(f"x must be a 1-D increasing array of positive numbers, got {x}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.2))
    styles = ["-o", "-s", "--D", "-^", "-v"]
    for i, (name, nbytes) in enumerate(curves.items()):
        mib = np.asarray(nbytes, dtype=np.float64) / 2**20
        if mib.shape != x.shape:
            raise ValueError(f"curves[{name!r}] has shape {mib.shape}, expected {x.shape} like x")
        ax.loglog(x, mib, styles[i % len(styles)], markersize=4.5, linewidth=1.6, label=name)
        ax.annotate(f"×{mib[-1] / mib[0]:.3g}", (x[-1], mib[-1]), textcoords="offset points",
                    xytext=(6, 0), va="center", fontsize=9, color=f"C{i}")
    ax.set_xlim(x[0] / 1.3, x[-1] * 2.0)
    ax.set_xticks(x, [f"{v:g}" for v in x])
    ax.xaxis.set_minor_locator(plt.NullLocator())
    ax.set_xlabel(xlabel)
    ax.set_ylabel(tr("memory kept (MiB)", "保持するメモリ (MiB)"))
    if title:
        ax.set_title(title)
    ax.legend(fontsize=9, loc="upper left")
    return ax
