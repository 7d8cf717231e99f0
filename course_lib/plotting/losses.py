"""Chapter 1 figures: sigmoid and softmax, loss curves, class probabilities, the vanishing gradient.

Titles, axis labels, legends and annotations are written in English and Japanese, ``tr(en, ja)``
(:mod:`course_lib.i18n`): a figure speaks the language the notebook chose with ``setup_notebook``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_lib import losses
from course_lib.i18n import tr

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
    ax.plot(z, s * (1 - s), lw=2, ls="--", label=tr(r"slope $\sigma'(z) = \sigma(z)(1 - \sigma(z))$",
                                                    r"傾き $\sigma'(z) = \sigma(z)(1 - \sigma(z))$"))
    for lo, hi in [(-8, -4), (4, 8)]:
        ax.axvspan(lo, hi, color="tab:gray", alpha=0.12)
    saturated = tr("saturated:\nslope ≈ 0", "飽和:\n傾き ≈ 0")
    ax.text(-6, 0.62, saturated, ha="center", fontsize=9, color="dimgray")
    ax.text(6, 0.38, saturated, ha="center", fontsize=9, color="dimgray")
    ax.annotate(tr("largest slope 1/4 at z = 0", "z = 0 で傾きが最大の 1/4"), (0, 0.25), xytext=(1.0, 0.3),
                fontsize=9, arrowprops={"arrowstyle": "->", "color": "dimgray"})
    ax.set(xlabel=tr("logit z", "ロジット z"), ylabel=tr("value", "値"), ylim=(-0.05, 1.05), xlim=(-8, 8),
           title=tr("Sigmoid: one logit becomes a probability", "シグモイド関数: 1 つのロジットが確率になる"))
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
        (z, tr("1. logits z: any real numbers", "1. ロジット z: 任意の実数"), "tab:gray"),
        (exp_z, tr(r"2. $e^{z}$: positive, same order", r"2. $e^{z}$: 正の数、大小の順はそのまま"), "tab:blue"),
        (losses.softmax(z), tr(r"3. $e^{z}$ / sum: probabilities, sum 1", r"3. $e^{z}$ / 和: 確率（和は 1）"),
         "tab:green"),
    ]
    axes[1].text(0.97, 0.95, tr(f"sum = {exp_z.sum():.2f}", f"和 = {exp_z.sum():.2f}"), transform=axes[1].transAxes,
                 ha="right", va="top", fontsize=9)
    for ax, (values, title, color) in zip(axes, panels):
        bars = ax.bar(classes, values, color=color)
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=8, padding=2)
        ax.axhline(0, color="black", lw=0.8)
        low, high = min(values.min(), 0), max(values.max(), 0)
        ax.set_ylim(low - 0.15 * (high - low), high + 0.2 * (high - low))
        ax.set(xticks=classes, xlabel=tr("class", "クラス"), title=title)
        ax.title.set_fontsize(10)
    return axes


def plot_mse_vs_cross_entropy(ax=None):
    """Loss of ONE prediction for the true class (target 1): squared error vs cross-entropy.

    The horizontal axis is the probability ``p`` the network gives to the true class; the
    squared error is ``(p - 1)^2``, the cross-entropy ``-log p``.
    """
    ax = _axes(ax)
    p = np.linspace(0.001, 0.999, 400)
    ax.plot(p, (p - 1.0) ** 2, label=tr(r"squared error $(p - 1)^2$", r"二乗誤差 $(p - 1)^2$"), lw=2)
    ax.plot(p, -np.log(p), label=tr(r"cross-entropy $-\log p$", r"交差エントロピー誤差 $-\log p$"), lw=2)
    ax.annotate(tr("confident mistake:\nsquared error ≤ 1,\ncross-entropy → ∞",
                   "自信満々の間違い:\n二乗誤差は 1 以下、\n交差エントロピー誤差 → ∞"), (0.03, 3.5),
                xytext=(0.18, 3.3), fontsize=9, arrowprops={"arrowstyle": "->", "color": "dimgray"})
    ax.set(xlabel=tr("probability p given to the true class", "正解のクラスに与えた確率 p"),
           ylabel=tr("loss", "損失"), ylim=(0, 5),
           title=tr("Two losses for the same mistake (target: p = 1)", "同じ間違いに対する 2 つの損失（目標は p = 1）"))
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
    ax.set(xticks=np.arange(probs.size), xlabel=tr("class", "クラス"), ylabel=tr("probability", "確率"),
           ylim=(0, 1), title=title)
    ax.text(0.98, 0.95, tr("green: truth   red: predicted", "緑: 正解   赤: 予測"), transform=ax.transAxes,
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
    ax.plot(z, np.logaddexp(0, -z), lw=2, label=tr(r"cross-entropy $-\log\sigma(z)$",
                                                   r"交差エントロピー誤差 $-\log\sigma(z)$"))
    ax.axvspan(-10, -4, color="tab:red", alpha=0.08)
    ax.text(-8, 5.2, tr("confidently\nwrong", "自信満々の\n間違い"), ha="center", color="tab:red")  # clear of the CE line
    ax.annotate(tr("MSE: a plateau,\nnothing to follow", "MSE: 平らで、\nたどる傾きがない"), (-7, 1.0),
                xytext=(-7.5, 2.6), fontsize=9, ha="center", arrowprops={"arrowstyle": "->", "color": "dimgray"})
    ax.set(xlabel=tr("logit z (target is 1)", "ロジット z（目標は 1）"), ylabel=tr("loss L", "損失 L"),
           ylim=(0, 6.5), title=tr("The loss of one sigmoid output", "シグモイド関数の出力 1 つの損失"))
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
    # IPAex Gothic (lang="ja") has no "∘": the Japanese labels write it in mathtext
    ax.plot(z, np.abs(2 * (s - 1) * s * (1 - s)), lw=2, label=tr("MSE ∘ sigmoid", r"MSE $\circ$ シグモイド関数"))
    ax.plot(z, np.abs(s - 1), lw=2, label=tr("cross-entropy ∘ sigmoid", r"交差エントロピー誤差 $\circ$ シグモイド関数"))
    z_peak = -np.log(2.0)  # σ(z_peak) = 1/3
    ax.plot([z_peak], [8 / 27], "o", color="C0", markersize=7, markeredgecolor="black", zorder=5)
    ax.annotate(tr("MSE peak: p = 1/3\n(z = −ln 2)", "MSE のピーク: p = 1/3\n(z = −ln 2)"), (z_peak, 8 / 27),
                xytext=(-3.2, 0.33),
                ha="right", va="center", fontsize=9, arrowprops=dict(arrowstyle="->", color="0.4"))
    ax.axvspan(-10, -4, color="tab:red", alpha=0.08)
    ax.text(-7, 0.5, tr("confidently\nwrong", "自信満々の\n間違い"), ha="center", color="tab:red")
    ax.set(xlabel=tr("logit z (target is 1)", "ロジット z（目標は 1）"), ylabel=r"$|\partial L / \partial z|$",
           title=tr("How hard does the loss push a wrong output?", "損失は間違った出力をどれだけ強く押すか"))
    ax.legend(loc="upper right", fontsize=9)
    return ax
