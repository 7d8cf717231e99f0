"""Chapter 6 — the full MNIST run: 60,000 training images, a from-scratch MLP, 10,000 test images.

Run it with ``make mnist``, ``python -m course_lib.mnist`` or ``course-mnist`` (``--help`` lists
the options). It trains an MLP from :mod:`course_lib.network` in float32 with the four steps of
the course — forward, loss, backward, update — written out in :func:`train_epoch`, using
mini-batch SGD with momentum and a cosine learning-rate schedule, and prints one line per epoch
(loss, training and test accuracy, seconds), then the final test accuracy, the training time and
the peak memory.

Two presets (``--preset``; every other flag overrides the preset's value):

``default``
    ``MLP([784, 256, 10])``, 20 epochs, each training image moved by a random whole pixel
    (−1, 0 or +1 in each direction; :func:`random_shift`) every time it is used. About 98.9 % on
    the 10,000 test images in about 20 s of training (measured on a quiet 2-core machine: 98.93 %
    in 19.5 s with one BLAS thread, 98.91 % with two; 311 MB peak memory).
``best``
    ``MLP([784, 1024, 10])``, 25 epochs, each training image given a small random *affine
    distortion* every time it is used (:func:`random_affine`: rotation up to ±10°, size ±10 %,
    shift up to ±2 px, bilinear interpolation). About 99.2 % in about 1.5 minutes of training on
    two cores (measured: 99.23 % in 88 s with two BLAS threads, seed 0; 99.15 % and 99.20 % for
    seeds 0 and 1 with one thread; 311 MB peak memory). 20 epochs save a fifth of the time but
    land at 99.06–99.09 %, too close to 99 %.

Why augmentation works: a digit moved by a pixel, turned by a few degrees or drawn a little
larger is still the same digit, so the network sees endless new variants of every image and cannot
memorise exact pixel positions. ``--augment none`` turns it off (test accuracy drops to ~98.3 %).

Failures end with a message, not a traceback: bad flags are refused when parsed (one message per
flag), missing data says where to get it, a diverging run (loss NaN/inf or absurdly large) says
where it happened and what to try (exit status 1), Ctrl-C says where training stopped (exit
status 130).
"""

from __future__ import annotations

import argparse
import math
import numbers
import os
import sys
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from course_lib.datasets import CorruptFileError, MNISTNotFoundError, load_mnist, normalize
from course_lib.layers import SoftmaxCrossEntropy
from course_lib.network import MLP
from course_lib.optim import SGD, iterate_minibatches
from course_lib.schedules import cosine_annealing

__all__ = [
    "PRESETS",
    "random_shift",
    "random_affine",
    "train_epoch",
    "accuracy",
    "peak_memory_mb",
    "Diverged",
    "TrainingInterrupted",
    "parse_args",
    "main",
]

SIDE = 28
N_CLASSES = 10
DIVERGED_LOSS = 1e3
"""A mini-batch cross-entropy above this counts as diverged (a fresh 10-class net starts at ~2.3;
1000 means the true class's score sits 1000 below the winner's)."""

PRESETS: dict[str, dict] = {
    "default": dict(hidden=[256], epochs=20, batch_size=128, lr=0.1, momentum=0.9,
                    augment="shift", shift=1.0, rotate=0.0, scale=0.0),
    "best": dict(hidden=[1024], epochs=25, batch_size=128, lr=0.1, momentum=0.9,
                 augment="affine", shift=2.0, rotate=10.0, scale=0.1),
}
"""The settings of ``--preset``; any flag given on the command line overrides its entry."""


# --------------------------------------------------------------------------------------------
# Augmentation
# --------------------------------------------------------------------------------------------
def random_shift(X_batch: np.ndarray, rng: np.random.Generator, max_shift: int = 1) -> np.ndarray:
    """Move every image of a batch by its own random whole-pixel offset (zeros fill the border).

    Parameters
    ----------
    X_batch : ndarray, shape (B, 784)
        Flattened 28×28 images.
    rng : numpy.random.Generator
        Draws the offsets ``(dy, dx)``, each uniform in ``[-max_shift, max_shift]``.
    max_shift : int, default 1
        Largest move in pixels; 0 returns a copy unchanged.

    Returns
    -------
    ndarray, shape (B, 784), dtype of ``X_batch``
    """
    B = len(X_batch)
    k = int(max_shift)
    if k == 0:
        return X_batch.copy()
    padded = np.zeros((B, SIDE + 2 * k, SIDE + 2 * k), dtype=X_batch.dtype)
    padded[:, k : k + SIDE, k : k + SIDE] = X_batch.reshape(B, SIDE, SIDE)
    windows = sliding_window_view(padded, (SIDE, SIDE), axis=(1, 2))  # (B, 2k+1, 2k+1, 28, 28)
    dy, dx = rng.integers(0, 2 * k + 1, size=(2, B))
    return windows[np.arange(B), dy, dx].reshape(B, SIDE * SIDE)


def random_affine(X_batch: np.ndarray, rng: np.random.Generator, max_rotation: float = 10.0,
                  max_scale: float = 0.1, max_shift: float = 2.0) -> np.ndarray:
    """Give every image of a batch its own small random rotation, size change and shift.

    For each image an angle ``θ ~ U(−max_rotation, max_rotation)`` degrees, a size factor per axis
    ``s ~ U(1 − max_scale, 1 + max_scale)`` and a shift ``t ~ U(−max_shift, max_shift)`` pixels per
    axis are drawn. Output pixel ``q`` (row, column, measured from the image centre 13.5, 13.5)
    takes the value of the input at ``R(θ) · diag(s) · q + t``, read with *bilinear interpolation*
    (a weighted mean of the four pixels around that point); points outside the image read 0
    (background). All images are transformed at once with NumPy indexing: about 1 s per epoch.

    Parameters
    ----------
    X_batch : ndarray, shape (B, 784), floating dtype
        Flattened 28×28 images, e.g. from :func:`course_lib.datasets.normalize`.
    rng : numpy.random.Generator
        Source of the random transformations.
    max_rotation : float, default 10.0
        Largest rotation in degrees, in ``[0, 180]``.
    max_scale : float, default 0.1
        Largest relative change of size, in ``[0, 0.5]``.
    max_shift : float, default 2.0
        Largest shift in pixels (sub-pixel shifts included), in ``[0, 14]``.

    Returns
    -------
    ndarray, shape (B, 784), dtype of ``X_batch``
        New images; ``X_batch`` is unchanged. With all three limits 0 the images come back equal.

    Raises
    ------
    TypeError
        ``X_batch`` is not a floating-point array, or ``rng`` is not a Generator.
    ValueError
        ``X_batch`` is not ``(B, 784)``, or a limit is outside its range.
    """
    if not isinstance(X_batch, np.ndarray) or X_batch.dtype.kind != "f":
        raise TypeError("X_batch must be a floating-point array of shape (B, 784); "
                        "scale uint8 pixels with datasets.normalize first")
    if X_batch.ndim != 2 or X_batch.shape[1] != SIDE * SIDE:
        raise ValueError(f"X_batch must have shape (B, 784), got {X_batch.shape}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    for name, value, top in (("max_rotation", max_rotation, 180), ("max_scale", max_scale, 0.5),
                             ("max_shift", max_shift, SIDE / 2)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a number, got {value!r}")
        if not 0 <= value <= top:
            raise ValueError(f"{name} must be between 0 and {top}, got {value!r}")
    B, dtype = len(X_batch), X_batch.dtype
    theta = np.deg2rad(rng.uniform(-max_rotation, max_rotation, B))
    s_row, s_col = 1 + rng.uniform(-max_scale, max_scale, (2, B))
    t_row, t_col = rng.uniform(-max_shift, max_shift, (2, B))
    cos, sin = np.cos(theta), np.sin(theta)

    def col(v):  # per-image number as a (B, 1) column of the images' dtype
        return v.astype(dtype)[:, None]

    centre = (SIDE - 1) / 2
    grid = np.arange(SIDE, dtype=dtype) - centre
    q_row = np.repeat(grid, SIDE)[None, :]   # (1, 784): row of each output pixel
    q_col = np.tile(grid, SIDE)[None, :]     # (1, 784): its column
    # where each output pixel reads from: R(θ) diag(s) q + t, back in pixel coordinates
    src_row = col(cos * s_row) * q_row - col(sin * s_col) * q_col + col(t_row + centre)
    src_col = col(sin * s_row) * q_row + col(cos * s_col) * q_col + col(t_col + centre)
    np.clip(src_row, -1, SIDE, out=src_row)  # far outside: read the zero border
    np.clip(src_col, -1, SIDE, out=src_col)
    row0, col0 = np.floor(src_row), np.floor(src_col)
    w_row, w_col = src_row - row0, src_col - col0  # bilinear weights in [0, 1)
    # a zero border of 1 pixel above/left and 2 below/right, so all four neighbours exist
    P = SIDE + 3
    padded = np.zeros((B, P, P), dtype=dtype)
    padded[:, 1 : SIDE + 1, 1 : SIDE + 1] = X_batch.reshape(B, SIDE, SIDE)
    flat = padded.reshape(-1)
    top_left = (np.arange(B)[:, None] * (P * P) + (row0.astype(np.intp) + 1) * P
                + (col0.astype(np.intp) + 1))
    v00, v01 = flat[top_left], flat[top_left + 1]
    v10, v11 = flat[top_left + P], flat[top_left + P + 1]
    upper = v00 + w_col * (v01 - v00)
    lower = v10 + w_col * (v11 - v10)
    return upper + w_row * (lower - upper)


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------
class Diverged(RuntimeError):
    """Training blew up: NaN/inf scores or weights, or a loss above :data:`DIVERGED_LOSS`.

    Attributes
    ----------
    step : int
        Global step (from 0, as the schedule counts) at which it was detected.
    batch : int
        Mini-batch of the epoch (from 1).
    lr : float
        Learning rate of the previous update (the one that most likely blew up).
    loss : float
        The loss of the batch (NaN when the scores were not finite).
    """

    def __init__(self, message: str, *, step: int, batch: int, lr: float, loss: float):
        super().__init__(message)
        self.step, self.batch, self.lr, self.loss = step, batch, lr, loss


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`train_epoch`; ``step`` and ``batch`` say where (batches finished)."""

    def __init__(self, *, step: int, batch: int):
        super().__init__(f"interrupted after {batch} batches (global step {step})")
        self.step, self.batch = step, batch


def _weights_finite(model) -> bool:
    return all(np.isfinite(p.sum()) or np.isfinite(p).all() for p in model.params.values())


def train_epoch(model, loss, optimizer, X, y, *, batch_size, rng, schedule, step, max_shift=1,
                augment=None, bar=None):
    """One pass over ``(X, y)`` in shuffled mini-batches; return ``(mean loss, accuracy, step)``.

    Each batch: (augment) → forward → loss → backward → SGD update, with the learning rate of
    global step ``step`` taken from ``schedule``. Loss and accuracy are the running values of the
    batches as they were seen (before their update, on the augmented images).

    Parameters
    ----------
    model, loss, optimizer
        A :class:`~course_lib.network.Sequential`, a loss layer and an optimizer from
        :mod:`course_lib.optim`.
    X : ndarray, shape (N, 784)
    y : ndarray of int, shape (N,)
    batch_size : int
    rng : numpy.random.Generator
        Shuffles, and draws the augmentation.
    schedule : callable
        ``step -> learning rate``.
    step : int
        Global step of the first batch.
    max_shift : int, default 1
        :func:`random_shift` by up to this many pixels (0: none). Ignored when ``augment`` is given.
    augment : callable, optional
        ``augment(X_batch, rng) -> X_batch`` applied to every batch instead of the shift.
    bar : object with ``update(n)``, optional
        Told the number of images of every finished batch (e.g. a tqdm bar).

    Raises
    ------
    Diverged
        The scores or the weights stopped being finite, or a batch's loss exceeded
        :data:`DIVERGED_LOSS`. The weights are then unusable.
    TrainingInterrupted
        Ctrl-C (a ``KeyboardInterrupt``) arrived; it records how far the epoch got.
    """
    total_loss, correct, batch = 0.0, 0, 0
    try:
        for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
            if augment is not None:
                X_batch = augment(X_batch, rng)
            elif max_shift:
                X_batch = random_shift(X_batch, rng, max_shift)
            lr = optimizer.lr
            optimizer.lr = schedule(step)
            scores = model.forward(X_batch)                     # 1. forward pass
            if not np.isfinite(scores).all():
                raise Diverged("the network's scores are NaN or inf", step=step,
                               batch=batch + 1, lr=lr, loss=math.nan)
            batch_loss = loss.forward(scores, y_batch)          # 2. loss
            if not batch_loss <= DIVERGED_LOSS:
                raise Diverged(f"the loss is {batch_loss:.3g}", step=step, batch=batch + 1,
                               lr=lr, loss=batch_loss)
            total_loss += batch_loss * len(y_batch)
            model.backward(loss.backward(), input_grad=False)   # 3. backpropagation
            optimizer.step(model)                               # 4. update
            correct += int(np.count_nonzero(scores.argmax(axis=1) == y_batch))
            step += 1
            batch += 1
            if bar is not None:
                bar.update(len(y_batch))
    except KeyboardInterrupt:
        raise TrainingInterrupted(step=step, batch=batch) from None
    if not _weights_finite(model):  # the last update of the epoch
        raise Diverged("the weights are NaN or inf", step=step, batch=batch,
                       lr=optimizer.lr, loss=math.nan)
    return total_loss / len(X), correct / len(X), step


def accuracy(model, X, y, batch_size: int = 2000) -> float:
    """Fraction of ``X`` classified correctly, predicted in chunks to keep memory small.

    Parameters
    ----------
    model : Sequential
        Anything with ``forward(X) -> scores (N, 10)``.
    X : ndarray, shape (N, 784), finite numbers
    y : ndarray of int, shape (N,), digits 0…9
    batch_size : int, default 2000
        Rows predicted at once (memory only; the result does not depend on it).

    Returns
    -------
    float
        In ``[0, 1]``.

    Raises
    ------
    TypeError, ValueError
        ``X``, ``y`` or ``batch_size`` is not as described (the message names which).
    Diverged
        The model's scores are NaN or inf (its weights are unusable).
    """
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"X must hold numbers, got dtype {X.dtype}")
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (N, features) with N >= 1, got {X.shape}")
    if not (np.isfinite(X.sum()) or np.isfinite(X).all()):
        raise ValueError("X contains NaN or inf")
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"y must be integer labels 0…9, got dtype {y.dtype}")
    if y.shape != (len(X),):
        raise ValueError(f"y must have shape ({len(X)},) to match X, got {y.shape}")
    if y.min() < 0 or y.max() >= N_CLASSES:
        raise ValueError(f"y must hold digits 0…9, got values from {y.min()} to {y.max()}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise TypeError(f"batch_size must be an integer, got {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    hits = 0
    for i in range(0, len(X), batch_size):
        scores = model.forward(X[i : i + batch_size])
        if not np.isfinite(scores).all():
            raise Diverged("the network's scores are NaN or inf", step=-1, batch=-1,
                           lr=math.nan, loss=math.nan)
        hits += int(np.count_nonzero(scores.argmax(axis=1) == y[i : i + batch_size]))
    return hits / len(X)


def peak_memory_mb() -> float | None:
    """Peak resident memory (RSS) of this process in MB, or ``None`` where unknown (Windows)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs kilobytes


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------
def _whole(lo: int, hi: int):
    """argparse type: an integer in ``[lo, hi]`` (the message names the flag)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be from {lo:,} to {hi:,}, got {text}")
        return value

    return parse


def _real(lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False):
    """argparse type: a finite number in the interval given (open or closed at each end)."""
    left, right = "(" if lo_open else "[", ")" if hi_open else "]"
    right = ")" if math.isinf(hi) else right
    interval = f"in {left}{lo:g}, {'inf' if math.isinf(hi) else f'{hi:g}'}{right}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number {interval}, got {text}")
        if value < lo or value > hi or (lo_open and value == lo) or (hi_open and value == hi):
            raise argparse.ArgumentTypeError(f"must be {interval}, got {text}")
        return value

    return parse


def _directory(text: str) -> str:
    """argparse type: a path that is a folder or does not exist yet."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a folder, got an empty string")
    path = os.path.expanduser(text)
    if os.path.exists(path) and not os.path.isdir(path):
        raise argparse.ArgumentTypeError(f"must be a folder, but {text} is a file")
    return text


MAX_TRAIN = 60_000
MAX_LAYERS = 8


def build_parser() -> argparse.ArgumentParser:
    """The ``course-mnist`` argument parser; every flag is checked by its ``type`` function."""
    parser = argparse.ArgumentParser(
        prog="course-mnist",
        description="Train a from-scratch MLP (course_lib) on the full MNIST and report "
                    "test accuracy.",
        epilog="Presets: " + "; ".join(
            f"{name}: hidden {' '.join(map(str, p['hidden']))}, {p['epochs']} epochs, "
            f"augment {p['augment']}" for name, p in PRESETS.items()
        ) + ". Flags given override the preset.",
    )
    parser.add_argument("--preset", choices=sorted(PRESETS), default="default",
                        help="a tested set of settings (default: default, ~98.9%% in ~20 s; "
                             "best: ~99.2%% in ~1.5 min on two cores)")
    parser.add_argument("--epochs", type=_whole(1, 1000), help="passes over the 60,000 images")
    parser.add_argument("--hidden", type=_whole(1, 8192), nargs="+",
                        help=f"hidden layer widths, e.g. --hidden 512 256 (at most {MAX_LAYERS})")
    parser.add_argument("--batch-size", type=_whole(1, MAX_TRAIN),
                        help="images per SGD step, 1 to 60,000")
    parser.add_argument("--lr", type=_real(0, math.inf, lo_open=True),
                        help="initial learning rate, > 0 (cosine schedule to 0)")
    parser.add_argument("--momentum", type=_real(0, 1, hi_open=True), help="in [0, 1)")
    parser.add_argument("--augment", choices=["none", "shift", "affine"],
                        help="shift: random whole-pixel moves; affine: random rotation, size "
                             "and sub-pixel shift; none: off")
    parser.add_argument("--shift", type=_real(0, 4),
                        help="largest shift in pixels (a whole number 0-2 with --augment shift)")
    parser.add_argument("--rotate", type=_real(0, 45),
                        help="largest rotation in degrees (--augment affine)")
    parser.add_argument("--scale", type=_real(0, 0.5),
                        help="largest relative size change, e.g. 0.1 (--augment affine)")
    parser.add_argument("--seed", type=_whole(0, 2**32 - 1), default=0,
                        help="random seed, 0 to 2**32-1 (weights, shuffling, augmentation)")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--data-dir", type=_directory, default=None,
                        help="directory with the four IDX files (default: $COURSE_MNIST_DIR, "
                             "else ~/.cache/course_lib/mnist; downloaded if missing)")
    parser.add_argument("--no-download", action="store_true", help="never use the network")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def parse_args(argv=None) -> argparse.Namespace:
    """Parse and check ``argv``; fill the flags not given from the chosen preset.

    Invalid flags exit with status 2 and one message naming the flag (argparse's behaviour).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    given = {key for key in PRESETS[args.preset] if getattr(args, key) is not None}
    for key, value in PRESETS[args.preset].items():
        if getattr(args, key) is None:
            setattr(args, key, list(value) if isinstance(value, list) else value)
    if len(args.hidden) > MAX_LAYERS:
        parser.error(f"argument --hidden: at most {MAX_LAYERS} layers, got {len(args.hidden)}")
    for key in ("rotate", "scale"):
        if key in given and getattr(args, key) and args.augment != "affine":
            parser.error(f"argument --{key}: applies only with --augment affine (augment is "
                         f"{args.augment!r}); add --augment affine or use --preset best")
    if args.augment == "shift" and (args.shift != int(args.shift) or args.shift > 2):
        parser.error(f"argument --shift: with --augment shift it must be 0, 1 or 2 (whole "
                     f"pixels), got {args.shift:g}; use --augment affine for other shifts")
    return args


def _describe(args) -> str:
    if args.augment == "none" or (args.augment == "shift" and args.shift == 0):
        return "no augmentation"
    if args.augment == "shift":
        return f"random shift ±{args.shift:g} px"
    return (f"random affine: rotation ±{args.rotate:g}°, size ±{100 * args.scale:g} %, "
            f"shift ±{args.shift:g} px")


def _augmenter(args):
    if args.augment == "affine":
        return lambda X_batch, rng: random_affine(X_batch, rng, args.rotate, args.scale,
                                                  args.shift)
    return None


def _progress_bar(label: str, total: int, quiet: bool):
    """A tqdm bar on stderr: on a terminal or in a notebook only (``disable=None``), never
    with ``--quiet``. It vanishes when the epoch ends; the epoch's summary line stays."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=label, unit="img", unit_scale=True, leave=False,
                file=sys.stderr, disable=True if quiet else None)


def main(argv=None) -> int:
    """Command-line entry point (``python -m course_lib.mnist``); returns the exit status.

    0: trained; 1: training diverged; 2: bad flags or data not available; 130: Ctrl-C.
    """
    args = parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:  # outside the training loop, which says more itself
        print("\ncourse-mnist: interrupted (Ctrl-C) before training started.", file=sys.stderr)
        return 130


def _run(args) -> int:
    """Load, train, report (see :func:`main`)."""
    dtype = np.dtype(args.dtype)
    t0 = time.perf_counter()
    try:
        (X_train, y_train), (X_test, y_test) = load_mnist(
            "full", data_dir=args.data_dir, download=not args.no_download
        )
    except (MNISTNotFoundError, CorruptFileError) as err:
        print(f"course-mnist: cannot load MNIST.\n{err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ncourse-mnist: interrupted (Ctrl-C) while loading MNIST; nothing was trained "
              "(no partial file was kept).", file=sys.stderr)
        return 130
    if args.batch_size > len(X_train):
        print(f"course-mnist: error: argument --batch-size: must be at most the "
              f"{len(X_train):,} training images, got {args.batch_size}", file=sys.stderr)
        return 2
    X_train, X_test = normalize(X_train, dtype), normalize(X_test, dtype)
    print(f"MNIST: {len(X_train):,} training and {len(X_test):,} test images "
          f"(loaded in {time.perf_counter() - t0:.1f} s)")

    rng = np.random.default_rng(args.seed)
    sizes = [SIDE * SIDE, *args.hidden, N_CLASSES]
    model = MLP(sizes, activation="relu", rng=rng, dtype=dtype)
    loss = SoftmaxCrossEntropy()
    optimizer = SGD(lr=args.lr, momentum=args.momentum)
    steps_per_epoch = math.ceil(len(X_train) / args.batch_size)
    schedule = cosine_annealing(args.lr, total_steps=args.epochs * steps_per_epoch)
    augment, max_shift = _augmenter(args), int(args.shift) if args.augment == "shift" else 0
    n_params = sum(p.size for p in model.params.values())
    print(f"preset {args.preset}: MLP {'-'.join(map(str, sizes))} ReLU, {n_params:,} parameters, "
          f"{dtype}; SGD lr {args.lr:g} momentum {args.momentum:g}, cosine schedule, batch "
          f"{args.batch_size}, {args.epochs} epochs, {_describe(args)}, seed {args.seed}")
    print("(loss and train acc: running values over each epoch's batches, as trained on)")

    width = len(str(args.epochs))
    step, train_seconds, epoch, test_acc = 0, 0.0, 0, None
    try:
        for epoch in range(1, args.epochs + 1):
            start = time.perf_counter()
            with _progress_bar(f"epoch {epoch:>{width}}/{args.epochs}", len(X_train),
                               args.quiet) as bar:
                train_loss, train_acc, step = train_epoch(
                    model, loss, optimizer, X_train, y_train, batch_size=args.batch_size,
                    rng=rng, schedule=schedule, step=step, max_shift=max_shift,
                    augment=augment, bar=bar,
                )
            test_acc = accuracy(model, X_test, y_test)
            seconds = time.perf_counter() - start
            train_seconds += seconds
            print(f"epoch {epoch:>{width}}/{args.epochs}  loss {train_loss:.4f}  "
                  f"train acc {100 * train_acc:.2f}%  test acc {100 * test_acc:.2f}%  "
                  f"{seconds:.1f} s", flush=True)
        final_train = accuracy(model, X_train, y_train)
    except Diverged as err:
        where = f"batch {err.batch} of {steps_per_epoch}" if err.batch > 0 else "the evaluation"
        print(f"\ncourse-mnist: training diverged in epoch {epoch}/{args.epochs}, {where} "
              f"(global step {err.step}): {err}.\nThe learning rate was {err.lr:.3g} (--lr "
              f"{args.lr:g} at the start); steps that large overshoot the minimum and grow "
              f"without bound (chapter 5).\nTry a smaller --lr: the presets use "
              f"{PRESETS[args.preset]['lr']:g}; or go down by a factor of 10 at a time "
              f"(--lr {args.lr / 10:g}), or lower --momentum.", file=sys.stderr)
        return 1
    except KeyboardInterrupt as stop:
        done = getattr(stop, "batch", None)
        inside = (f", batch {done} of {steps_per_epoch} (global step {stop.step})"
                  if done is not None else "")
        last = (f"; the last finished epoch, {epoch - 1}, had test accuracy "
                f"{100 * test_acc:.2f}%" if test_acc is not None else "")
        print(f"\ncourse-mnist: interrupted (Ctrl-C) in epoch {epoch}/{args.epochs}{inside}"
              f"{last}. Nothing was saved.", file=sys.stderr)
        return 130

    correct = round(test_acc * len(X_test))
    print(f"test accuracy {100 * test_acc:.2f}% ({correct:,}/{len(X_test):,}); "
          f"training accuracy {100 * final_train:.2f}% (images as given, not augmented)")
    print(f"training time {train_seconds:.1f} s for {args.epochs} epochs "
          f"(incl. the test evaluation after each epoch)")
    peak = peak_memory_mb()
    if peak is not None:
        print(f"peak memory (RSS) {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
