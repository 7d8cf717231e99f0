"""Chapter 1 figures: loss curves, class probabilities, and the gradient that vanishes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


__all__ = ["plot_mse_vs_cross_entropy", "plot_class_probabilities", "plot_saturation"]


def _axes(ax, figsize=(7, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_mse_vs_cross_entropy(target: float = 1.0, ax=None):
    """Loss of ONE prediction as it moves away from ``target``: squared error vs cross-entropy.

    Cross-entropy is drawn for a probability ``p`` of the true class (``target`` is ignored
    there, the true class has probability target 1); squared error for a prediction ``y``.
    """
    ax = _axes(ax)
    p = np.linspace(0.001, 0.999, 400)
    ax.plot(p, (p - target) ** 2, label=r"squared error $(y - 1)^2$", lw=2)
    ax.plot(p, -np.log(p), label=r"cross-entropy $-\log p$", lw=2)
    ax.set(xlabel="prediction for the true class (y or p)", ylabel="loss", ylim=(0, 5),
           title="Two losses for the same mistake")
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


def plot_saturation(ax=None):
    """|dL/dz| for a sigmoid output with target 1, as the logit z runs from very wrong to right.

    MSE∘sigmoid has gradient ``2(σ(z) - 1) σ(z)(1 - σ(z))``, which vanishes when the unit is
    confidently wrong (z ≪ 0); binary cross-entropy∘sigmoid has ``σ(z) - 1``, which does not.
    """
    ax = _axes(ax)
    z = np.linspace(-10, 10, 401)
    s = 1 / (1 + np.exp(-z))
    ax.plot(z, np.abs(2 * (s - 1) * s * (1 - s)), lw=2, label="MSE ∘ sigmoid")
    ax.plot(z, np.abs(s - 1), lw=2, label="cross-entropy ∘ sigmoid")
    ax.axvspan(-10, -4, color="tab:red", alpha=0.08)
    ax.text(-7, 0.5, "confidently\nwrong", ha="center", color="tab:red")
    ax.set(xlabel="logit z (target is 1)", ylabel="|dL/dz|",
           title="How hard does the loss push a wrong output?")
    ax.legend(loc="upper right")
    return ax


