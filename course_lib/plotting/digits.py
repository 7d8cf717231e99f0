"""Chapter 6 — pictures of MNIST: digit grids, class balance, probabilities, first-layer weights.

A grid of many digits is drawn as ONE image (a mosaic with white gaps) on one axes, with a
caption above each tile: fast to draw and easy to place in a larger figure via ``ax``.

Text the functions write themselves (captions, axis labels, legends) follows the notebook's
language, ``tr(en, ja)`` (:mod:`course_lib.i18n`); titles and names passed in are drawn as given.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from course_lib.i18n import tr

__all__ = [
    "plot_digit",
    "plot_digit_grid",
    "plot_class_balance",
    "plot_digit_probabilities",
    "plot_weight_images",
]

SIDE = 28
_GAP = 2  # white pixels between tiles
_CAPTION = 9  # extra pixels above each tile row for its captions


def _as_images(images, name: str = "images") -> np.ndarray:
    """Return ``images`` as float ``(n, 28, 28)``; accepts ``(n, 784)``, ``(n, 28, 28)``, one image."""
    arr = np.asarray(images)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if (arr.ndim == 1 and arr.size == SIDE * SIDE) or arr.shape == (SIDE, SIDE):
        arr = arr[None]  # one image
    if arr.ndim == 2 and arr.shape[1] == SIDE * SIDE:
        arr = arr.reshape(-1, SIDE, SIDE)
    if arr.ndim != 3 or arr.shape[1:] != (SIDE, SIDE) or len(arr) == 0:
        raise ValueError(
            f"{name} must have shape (n, 784) or (n, 28, 28) with n >= 1, got {np.shape(images)}"
        )
    return arr.astype(np.float64)


def _mosaic(tiles: np.ndarray, ncols: int, caption_rows: bool) -> np.ndarray:
    """Place ``tiles (n, 28, 28)`` on a NaN canvas (NaN is drawn white) in rows of ``ncols``."""
    n = len(tiles)
    nrows = math.ceil(n / ncols)
    top = _CAPTION if caption_rows else 0
    cell_h, cell_w = SIDE + _GAP + top, SIDE + _GAP
    canvas = np.full((nrows * cell_h - _GAP, ncols * cell_w - _GAP), np.nan)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, ncols)
        y, x = r * cell_h + top, c * cell_w
        canvas[y : y + SIDE, x : x + SIDE] = tile
    return canvas


def _new_ax(ax, canvas: np.ndarray, inches_per_tile: float = 0.75):
    """A new axes sized to the mosaic (about ``inches_per_tile`` per 28-pixel tile) unless given."""
    if ax is None:
        per_pixel = inches_per_tile / (SIDE + _GAP)
        width, height = canvas.shape[1] * per_pixel, canvas.shape[0] * per_pixel
        _, ax = plt.subplots(figsize=(max(2.0, width), max(1.0, height) + 0.4))
    return ax


def _finish(ax, title: str | None):
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title)
    return ax


def plot_digit(image, title: str | None = None, ax=None):
    """Draw one digit (``(784,)`` or ``(28, 28)`` pixels, dark ink on white) and return the axes."""
    tile = _as_images(image, "image")
    if len(tile) != 1:
        raise ValueError(f"image must be ONE digit of 784 pixels, got shape {np.shape(image)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(2.4, 2.4))
    ax.imshow(tile[0], cmap="gray_r", interpolation="nearest")
    return _finish(ax, title)


def plot_digit_grid(images, labels=None, predictions=None, captions=None, ncols: int = 10,
                    title: str | None = None, ax=None):
    """Draw digits in a grid with a caption above each one; return the axes.

    Parameters
    ----------
    images : array_like, shape (n, 784) or (n, 28, 28)
        Pixel values (uint8 0…255 or floats); each tile is drawn with the same grey scale.
    labels : array_like of int, shape (n,), optional
        True digits, written above the tiles.
    predictions : array_like of int, shape (n,), optional
        Predicted digits; with ``labels`` the caption reads ``"7 (true 3)"`` in red when wrong.
    captions : sequence of str, optional
        Your own captions (override ``labels``/``predictions``).
    ncols : int, default 10
        Tiles per row.
    title : str, optional
    ax : matplotlib Axes, optional
        Draw here; by default a new figure sized to the grid.
    """
    tiles = _as_images(images)
    n = len(tiles)
    texts, colors = _captions(n, labels, predictions, captions)
    ncols = max(1, min(int(ncols), n))
    canvas = _mosaic(tiles, ncols, caption_rows=texts is not None)
    long_captions = texts is not None and max(len(t) for t in texts) > 4
    ax = _new_ax(ax, canvas, inches_per_tile=1.0 if long_captions else 0.75)
    vmax = 255.0 if tiles.max() > 1.0 else 1.0
    cmap = plt.get_cmap("gray_r").with_extremes(bad="white")
    ax.imshow(canvas, cmap=cmap, vmin=0.0, vmax=vmax, interpolation="nearest")
    if texts is not None:
        for i, (text, color) in enumerate(zip(texts, colors)):
            r, c = divmod(i, ncols)
            x = c * (SIDE + _GAP) + SIDE / 2
            y = r * (SIDE + _GAP + _CAPTION) + _CAPTION - 1.5
            ax.text(x, y, text, ha="center", va="bottom", fontsize=9, color=color)
    return _finish(ax, title)


def _captions(n: int, labels, predictions, captions):
    """Caption texts and colours for ``n`` tiles (``None`` when there is nothing to write)."""
    if captions is not None:
        captions = [str(c) for c in captions]
        if len(captions) != n:
            raise ValueError(f"captions has {len(captions)} entries for {n} images")
        return captions, ["black"] * n
    arrays = {}
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None:
            values = np.asarray(values).astype(np.int64).ravel()
            if len(values) != n:
                raise ValueError(f"{name} has {len(values)} entries for {n} images")
            arrays[name] = values
    if not arrays:
        return None, None
    if len(arrays) == 1:
        return [str(v) for v in next(iter(arrays.values()))], ["black"] * n
    texts, colors = [], []
    for true, pred in zip(arrays["labels"], arrays["predictions"]):
        right = true == pred
        texts.append(f"{pred}" if right else tr(f"{pred} (true {true})", f"{pred} (正解{true})"))
        colors.append("black" if right else "crimson")
    return texts, colors


def plot_class_balance(*label_sets, names=None, ax=None):
    """Bar chart of how many examples each digit has, one group of bars per label set.

    Parameters
    ----------
    *label_sets : array_like of int, shape (n_i,)
        E.g. ``y_train, y_test``.
    names : sequence of str, optional
        Legend entries, e.g. ``["training", "test"]``.
    ax : matplotlib Axes, optional
    """
    if not label_sets:
        raise ValueError("give at least one array of labels, e.g. plot_class_balance(y_train)")
    names = list(names) if names is not None else [tr(f"set {i + 1}", f"データ {i + 1}")
                                                   for i in range(len(label_sets))]
    if len(names) != len(label_sets):
        raise ValueError(f"names has {len(names)} entries for {len(label_sets)} label sets")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.2))
    width = 0.8 / len(label_sets)
    digits = np.arange(10)
    for i, (labels, name) in enumerate(zip(label_sets, names)):
        counts = np.bincount(np.asarray(labels).astype(np.int64).ravel(), minlength=10)[:10]
        ax.bar(digits + (i - (len(label_sets) - 1) / 2) * width, counts, width, label=name)
    ax.set_xticks(digits)
    ax.set_xlabel(tr("digit", "数字"))
    ax.set_ylabel(tr("number of images", "画像の枚数"))
    ax.set_ylim(0, ax.get_ylim()[1] * 1.2)  # head room for the legend
    if len(label_sets) > 1:
        ax.legend(loc="upper center", ncol=len(label_sets), framealpha=0.9)
    return ax


def plot_digit_probabilities(probs, label=None, ax=None, title: str | None = None):
    """Bar chart of the 10 class probabilities of one image; the true ``label`` in green.

    The predicted digit (largest probability) is outlined in black, and the probabilities of the
    true and the predicted digit are written above their bars; a small legend explains the colours.

    Parameters
    ----------
    probs : array_like, shape (10,)
        Softmax output for one image.
    label : int, optional
        The true digit (its bar is green, the others grey).
    ax : matplotlib Axes, optional
    title : str, optional
    """
    p = np.asarray(probs, dtype=np.float64).ravel()
    if p.shape != (10,):
        raise ValueError(
            f"probs must hold 10 probabilities (one per digit), got shape {np.shape(probs)}"
        )
    if label is not None:
        label = int(label)
        if not 0 <= label <= 9:
            raise ValueError(f"label must be a digit 0…9, got {label}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.0, 2.8))
    predicted = int(np.argmax(p))
    colors = ["tab:green" if k == label else "tab:gray" for k in range(10)]
    bars = ax.bar(np.arange(10), p, color=colors)
    bars[predicted].set_edgecolor("black")
    bars[predicted].set_linewidth(2)
    for k in sorted({predicted} | ({label} if label is not None else set())):
        ax.text(k, p[k] + 0.02, f"{p[k]:.2f}", ha="center", va="bottom", fontsize=9)
    handles = [Patch(facecolor="white", edgecolor="black", linewidth=2,
                     label=tr("predicted digit", "予測した数字"))]
    if label is not None:
        handles.insert(0, Patch(facecolor="tab:green", label=tr("true digit", "正解の数字")))
    ax.legend(handles=handles, loc="best", fontsize=9, framealpha=0.9)
    ax.set_xticks(np.arange(10))
    ax.set_ylim(0, 1)
    ax.set_xlabel(tr("digit", "数字"))
    ax.set_ylabel(tr("probability", "確率"))
    if title:
        ax.set_title(title)
    return ax


def plot_weight_images(W, n: int | None = None, ncols: int = 8, title: str | None = None, ax=None):
    """Show the weights INTO each hidden unit as a 28×28 image (red positive, blue negative).

    Column ``j`` of the first layer's ``W`` (shape ``(784, hidden)``) is the pattern unit ``j``
    responds to: its activation is the dot product of the image with this template. Each tile
    is scaled to its own largest ``|w|``, so the colours show the pattern, not the size.

    Parameters
    ----------
    W : array_like, shape (784, hidden)
    n : int, optional
        Number of units to show (the first ``n``); default all, at most 64.
    ncols : int, default 8
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[0] != SIDE * SIDE:
        raise ValueError(
            f"W must be a first-layer weight matrix of shape (784, hidden), got {W.shape}"
        )
    n = min(W.shape[1], 64) if n is None else int(n)
    if not 1 <= n <= W.shape[1]:
        raise ValueError(f"n must be between 1 and {W.shape[1]}, got {n}")
    tiles = W[:, :n].T.reshape(n, SIDE, SIDE)
    scale = np.abs(tiles).max(axis=(1, 2), keepdims=True)
    tiles = tiles / np.where(scale > 0, scale, 1.0)
    ncols = max(1, min(int(ncols), n))
    canvas = _mosaic(tiles, ncols, caption_rows=False)
    ax = _new_ax(ax, canvas, inches_per_tile=0.9)
    cmap = plt.get_cmap("RdBu_r").with_extremes(bad="white")
    ax.imshow(canvas, cmap=cmap, vmin=-1.0, vmax=1.0, interpolation="nearest")
    return _finish(ax, title)
