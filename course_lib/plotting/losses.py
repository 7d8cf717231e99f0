"""Chapter 1 figures: sigmoid and softmax, loss curves, class probabilities, the vanishing gradient."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_lib import losses

__all__ = [
    "plot_sigmoid",
    "plot_softmax_steps",
    "plot_mse_vs_cross_entropy",
    "plot_class_probabilities",
    "plot_losses_through_sigmoid",
    "plot_saturation",
]


def _axes(ax, figsize=(7, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def plot_sigmoid(ax=None):
    """The sigmoid ``σ(z)`` and its slope ``σ(z)(1 - σ(z))``, with the flat (saturated) tails shaded."""
    ax = _axes(ax)
    z = np.linspace(-8, 8, 401)
    s = _sigmoid(z)
    ax.plot(z, s, lw=2, label=r"$\sigma(z) = 1/(1 + e^{-z})$")
    ax.plot(z, s * (1 - s), lw=2, ls="--", label=r"slope $\sigma'(z) = \sigma(z)(1 - \sigma(z))$")
    for lo, hi in [(-8, -4), (4, 8)]:
        ax.axvspan(lo, hi, color="tab:gray", alpha=0.12)
    ax.text(-6, 0.62, "saturated:\nslope ≈ 0", ha="center", fontsize=9, color="dimgray")
    ax.text(6, 0.38, "saturated:\nslope ≈ 0", ha="center", fontsize=9, color="dimgray")
    ax.annotate("largest slope 1/4 at z = 0", (0, 0.25), xytext=(1.2, 0.12), fontsize=9,
                arrowprops={"arrowstyle": "->", "color": "dimgray"})
    ax.set(xlabel="logit z", ylabel="value", ylim=(-0.05, 1.05), xlim=(-8, 8),
           title="Sigmoid: one logit becomes a probability")
    ax.legend(loc="upper left", fontsize=9)
    return ax


def plot_softmax_steps(logits, axes=None):
    """Softmax in three panels: the logits ``z``, ``exp(z)``, and ``exp(z) / sum(exp(z))``.

    Parameters
    ----------
    logits : array_like, shape (C,)
        One row of logits.
    axes : sequence of 3 matplotlib axes, optional

    Returns
    -------
    array of 3 axes
    """
    z = np.asarray(logits, dtype=float)
    if z.ndim != 1:
        raise ValueError(f"logits must be 1-D (C,), got shape {z.shape}")
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(10, 3.2))
    classes = np.arange(z.size)
    exp_z = np.exp(z)
    panels = [
        (z, "1. logits z: any real numbers", "tab:gray"),
        (exp_z, r"2. $e^{z}$: positive, same order", "tab:blue"),
        (losses.softmax(z), r"3. $e^{z}$ / sum: probabilities, sum 1", "tab:green"),
    ]
    axes[1].text(0.97, 0.95, f"sum = {exp_z.sum():.2f}", transform=axes[1].transAxes,
                 ha="right", va="top", fontsize=9)
    for ax, (values, title, color) in zip(axes, panels):
        bars = ax.bar(classes, values, color=color)
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=8, padding=2)
        ax.axhline(0, color="black", lw=0.8)
        low, high = min(values.min(), 0), max(values.max(), 0)
        ax.set_ylim(low - 0.15 * (high - low), high + 0.2 * (high - low))
        ax.set(xticks=classes, xlabel="class", title=title)
        ax.title.set_fontsize(10)
    return axes


def plot_mse_vs_cross_entropy(ax=None):
    """Loss of ONE prediction for the true class (target 1): squared error vs cross-entropy.

    The horizontal axis is the probability ``p`` the network gives to the true class; the
    squared error is ``(p - 1)^2``, the cross-entropy ``-log p``.
    """
    ax = _axes(ax)
    p = np.linspace(0.001, 0.999, 400)
    ax.plot(p, (p - 1.0) ** 2, label=r"squared error $(p - 1)^2$", lw=2)
    ax.plot(p, -np.log(p), label=r"cross-entropy $-\log p$", lw=2)
    ax.annotate("confident mistake:\nsquared error ≤ 1,\ncross-entropy → ∞", (0.03, 3.5),
                xytext=(0.18, 3.3), fontsize=9, arrowprops={"arrowstyle": "->", "color": "dimgray"})
    ax.set(xlabel="probability p given to the true class", ylabel="loss", ylim=(0, 5),
           title="Two losses for the same mistake (target: p = 1)")
    ax.legend()
    return ax


def plot_class_probabilities(probs, true_class: int, ax=None, title: str = ""):
    """Bar chart of a 10-class (or C-class) probability vector, the true class highlighted.

    Parameters
    ----------
    probs : array_like, shape (C,)
    true_class : int
    """
    probs = np.asarray(probs, dtype=float)
    if probs.ndim != 1:
        raise ValueError(f"probs must be 1-D (C,), got shape {probs.shape}")
    ax = _axes(ax, (6, 3))
    colors = ["tab:gray"] * probs.size
    colors[int(np.argmax(probs))] = "tab:red"
    colors[true_class] = "tab:green"
    ax.bar(np.arange(probs.size), probs, color=colors)
    ax.set(xticks=np.arange(probs.size), xlabel="class", ylabel="probability", ylim=(0, 1),
           title=title)
    ax.text(0.98, 0.95, "green: truth   red: predicted", transform=ax.transAxes,
            ha="right", va="top", fontsize=9)
    return ax


def plot_losses_through_sigmoid(ax=None):
    """Loss of a sigmoid output with target 1 as a function of its logit: MSE vs cross-entropy.

    ``(σ(z) - 1)^2`` flattens into a plateau at 1 when the unit is confidently wrong (z ≪ 0);
    ``-log σ(z) = log(1 + e^{-z})`` keeps rising in a straight line.
    """
    ax = _axes(ax)
    z = np.linspace(-10, 10, 401)
    ax.plot(z, (_sigmoid(z) - 1) ** 2, lw=2, label=r"MSE $(\sigma(z) - 1)^2$")
    ax.plot(z, np.logaddexp(0, -z), lw=2, label=r"cross-entropy $-\log\sigma(z)$")
    ax.axvspan(-10, -4, color="tab:red", alpha=0.08)
    ax.text(-7, 5.2, "confidently\nwrong", ha="center", color="tab:red")
    ax.annotate("MSE: a plateau,\nnothing to follow", (-7, 1.0), xytext=(-7.5, 2.6), fontsize=9,
                ha="center", arrowprops={"arrowstyle": "->", "color": "dimgray"})
    ax.set(xlabel="logit z (target is 1)", ylabel="loss L", ylim=(0, 6.5),
           title="The loss of one sigmoid output")
    ax.legend(loc="upper right", fontsize=9)
    return ax


def plot_saturation(ax=None):
    """|dL/dz| for a sigmoid output with target 1, as the logit z runs from very wrong to right.

    MSE∘sigmoid has gradient ``2(σ(z) - 1) σ(z)(1 - σ(z))``, which vanishes when the unit is
    confidently wrong (z ≪ 0); binary cross-entropy∘sigmoid has ``σ(z) - 1``, which does not.
    The MSE curve's peak, ``|dL/dz| = 2p(1 - p)² = 8/27`` at ``p = 1/3`` (``z = -ln 2``), is marked:
    left of it, the more wrong the unit, the smaller its gradient.
    """
    ax = _axes(ax)
    z = np.linspace(-10, 10, 401)
    s = _sigmoid(z)
    ax.plot(z, np.abs(2 * (s - 1) * s * (1 - s)), lw=2, label="MSE ∘ sigmoid")
    ax.plot(z, np.abs(s - 1), lw=2, label="cross-entropy ∘ sigmoid")
    z_peak = -np.log(2.0)  # σ(z_peak) = 1/3
    ax.plot([z_peak], [8 / 27], "o", color="C0", markersize=7, markeredgecolor="black", zorder=5)
    ax.annotate("MSE peak: p = 1/3\n(z = −ln 2)", (z_peak, 8 / 27), xytext=(-3.2, 0.33),
                ha="right", va="center", fontsize=9, arrowprops=dict(arrowstyle="->", color="0.4"))
    ax.axvspan(-10, -4, color="tab:red", alpha=0.08)
    ax.text(-7, 0.5, "confidently\nwrong", ha="center", color="tab:red")
    ax.set(xlabel="logit z (target is 1)", ylabel=r"$|\partial L / \partial z|$",
           title="How hard does the loss push a wrong output?")
    ax.legend(loc="upper right", fontsize=9)
    return ax
