"""Input checks shared by the public functions: errors that name the argument and say what to do.

Each public function of the course validates its inputs in ONE line at its top, by calling a
helper from here, so that the source a notebook shows is the math and nothing else. Every error
is a ``TypeError`` (wrong kind of thing) or ``ValueError`` (right kind, wrong value) whose message
names the argument as the learner wrote it.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(x, name: str, ndim: int | tuple[int, ...] | None = None, *,
                   allow_bool: bool = True, allow_empty: bool = True) -> np.ndarray:
    """Return ``x`` as a floating-point array, or raise an error naming ``name``.

    Integer (and, if ``allow_bool``, boolean) input is converted to float64; float32 stays
    float32. Complex, object and string data raise ``TypeError``; NaN and inf, an array whose
    number of dimensions is not ``ndim`` and (unless ``allow_empty``) an empty array raise
    ``ValueError``.
    """
    arr = _as_real_array(x, name, allow_bool)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            wanted = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {wanted}, got shape {arr.shape} ({arr.ndim}-D)")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one value")
    if not _all_finite(arr):
        raise ValueError(f"{name} contains NaN or inf; check the values that produced it")
    return arr


def _as_real_array(x, name: str, allow_bool: bool = True) -> np.ndarray:
    """``x`` as an array of real numbers (ints and bools become float64), without a pass over it."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a rectangular array of numbers (are some rows longer "
                        "than others?)") from None
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must hold real numbers, got complex dtype {arr.dtype}; "
                        "take .real if the imaginary parts are zero")
    if arr.dtype.kind == "b" and not allow_bool:
        raise TypeError(f"{name} must hold numbers, got booleans; convert with .astype(float)")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def _all_finite(arr: np.ndarray) -> bool:
    """``np.all(np.isfinite(arr))``, without its temporary boolean array in the usual case.

    A NaN or inf anywhere makes the sum NaN or inf, so a finite sum proves every entry finite
    (one fast pass, no allocation: it matters for a 60,000 × 784 data set). Only a sum that is
    not finite — bad data, or huge values overflowing — needs the entry-by-entry check.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()
    return bool(np.isfinite(total)) or bool(np.all(np.isfinite(arr)))


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have exactly the same shape (no broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} has shape {a.shape} but {name_b} has shape {b.shape}; they must match "
            "exactly (no broadcasting)"
        )


def as_labels(labels, name: str, num_classes: int | None = None) -> np.ndarray:
    """Return integer class labels ``(N,)`` as int64, checking they are in ``[0, num_classes)``.

    Whole-number floats (``3.0``) are accepted; booleans, fractions, NaN and complex are not.
    """
    if isinstance(labels, (str, bytes)) or labels is None:
        raise TypeError(f"{name} must be integer class labels, got {type(labels).__name__}")
    try:
        arr = np.asarray(labels)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 1-D array of integer class labels") from None
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must be integer class labels, got non-integer values")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer class labels, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D labels of shape (N,), got shape {arr.shape}")
    if num_classes is not None and arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise ValueError(
            f"{name} must lie in [0, {num_classes}) for {num_classes} classes, got values from "
            f"{arr.min()} to {arr.max()}"
        )
    return arr.astype(np.int64)


def check_positive(value, name: str, integer: bool = False) -> None:
    """Raise unless ``value`` is a positive (integer, if asked) number."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "an integer" if integer else "a number"
        raise TypeError(f"{name} must be {what}, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")


def check_dataset(X, y, name_X: str = "X", name_y: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """``X`` as a 2-D float array (float32 stays float32) and ``y`` with as many rows."""
    X = as_float_array(X, name_X, ndim=2)
    y = np.asarray(y)
    if y.ndim == 0 or len(y) != len(X):
        got = "a scalar" if y.ndim == 0 else f"{len(y)} rows"
        raise ValueError(f"{name_y} must have one row per row of {name_X} ({len(X)}), got {got}")
    if len(X) == 0:
        raise ValueError(f"{name_X} must hold at least one example, got shape {X.shape}")
    return X, y


def as_targets(targets, n: int, num_classes: int, batch_name: str = "the batch") -> np.ndarray:
    """Check class targets for a batch of ``n`` rows and ``num_classes`` classes.

    Returns int64 labels ``(n,)`` when given labels, or the float rows ``(n, num_classes)`` when
    given one-hot (or probability) targets, which must be non-negative and sum to 1.
    """
    if isinstance(targets, (str, bytes)) or targets is None:
        raise TypeError(f"targets must be int labels (N,) or one-hot rows (N, C), got "
                        f"{type(targets).__name__}")
    arr = _as_real_array(targets, "targets") if not _is_int_array(targets) else np.asarray(targets)
    if arr.ndim == 1:
        if arr.shape[0] != n:
            raise ValueError(f"targets has {arr.shape[0]} labels but {batch_name} has {n} rows; "
                             f"expected shape ({n},)")
        return as_labels(targets, "targets", num_classes)
    if arr.shape != (n, num_classes):
        raise ValueError(
            f"targets must be labels of shape ({n},) or one-hot of shape ({n}, {num_classes}), "
            f"got shape {arr.shape}"
        )
    t = as_float_array(arr, "targets")
    if np.any(t < 0) or not rows_sum_to_one(t):
        raise ValueError("one-hot targets must be non-negative rows that sum to 1")
    return t


def _is_int_array(x) -> bool:
    return isinstance(x, np.ndarray) and x.dtype.kind in "iu"


def rows_sum_to_one(p: np.ndarray) -> bool:
    """Whether every row of ``p`` (N, C) sums to 1 within ``sqrt(ε) + C·ε`` for its dtype.

    ``C·ε`` bounds the round-off of summing C entries; ``sqrt(ε)`` (1.5e-8 in float64, 3.5e-4 in
    float32) leaves room for values computed in a few steps, e.g. a float64 softmax stored as
    float32, while a row like [0.33, 0.33, 0.33] (or a row of logits) is still rejected.
    """
    eps = float(np.finfo(p.dtype).eps)
    tol = np.sqrt(eps) + p.shape[-1] * eps
    return bool(np.all(np.abs(p.sum(axis=-1) - 1) <= tol))


# ---------------------------------------------------------------------------------------------
# numbers, axes
# ---------------------------------------------------------------------------------------------
def as_number(x, name: str) -> float:
    """``x`` as a finite Python float; ``x`` must be a real number (int, float, NumPy scalar), not bool."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number (int or float), got {type(x).__name__} {x!r}")
    if not np.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {x!r}")
    return float(x)


def check_axis(axis, ndim: int, name: str = "axis") -> int:
    """``axis`` as an int in ``[0, ndim)``; negative values count from the end, as in NumPy."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis} is out of range for an array with {ndim} dimension(s); "
                         f"use -1 for the last axis")
    return int(axis) % ndim


# ---------------------------------------------------------------------------------------------
# losses: predictions and targets
# ---------------------------------------------------------------------------------------------
def predictions(x, name: str, ndim: int | None = None) -> np.ndarray:
    """Model outputs (``y_pred``, ``probs``, ``logits``, ``z``, ``scores``): real, finite, non-empty."""
    return as_float_array(x, name, ndim, allow_bool=False, allow_empty=False)


def same_shape_arrays(a, b, name_a: str, name_b: str) -> tuple[np.ndarray, np.ndarray]:
    """Predictions ``a`` and targets ``b`` of exactly the same shape; ``b`` in ``a``'s dtype."""
    a, b = predictions(a, name_a), as_float_array(b, name_b)
    check_same_shape(a, b, name_a, name_b)
    return a, b.astype(a.dtype, copy=False)


def scores_and_targets(scores, targets, name: str = "scores") -> tuple[np.ndarray, np.ndarray]:
    """Scores ``(N, C)`` and the targets as one-hot rows ``(N, C)`` in the scores' dtype.

    ``targets`` are int labels ``(N,)`` in ``[0, C)`` or one-hot/probability rows ``(N, C)``.
    """
    z = predictions(scores, name)
    if z.ndim != 2:
        hint = f"; for one example use {name}[None, :]" if z.ndim == 1 else ""
        raise ValueError(f"{name} must be 2-D (N, C), one row of C class scores per example, got "
                         f"shape {z.shape}{hint}")
    t = as_targets(targets, z.shape[0], z.shape[1], batch_name=name)
    t = np.eye(z.shape[1], dtype=z.dtype)[t] if t.ndim == 1 else t.astype(z.dtype, copy=False)
    return z, t


def probs_and_targets(probs, targets) -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`scores_and_targets`, and the rows of ``probs`` must be probabilities."""
    p, t = scores_and_targets(probs, targets, "probs")
    if np.any(p < 0) or np.any(p > 1) or not rows_sum_to_one(p):
        raise ValueError("probs must be rows of probabilities in [0, 1] that sum to 1; did you "
                         "pass logits? use softmax_cross_entropy(logits, targets) for those")
    return p, t


def binary_probs_and_targets(probs, targets) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and 0/1 (or probability) targets of the same shape, both in [0, 1]."""
    p, t = same_shape_arrays(probs, targets, "probs", "targets")
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError("probs must lie in [0, 1]; for logits, apply a sigmoid first")
    if np.any(t < 0) or np.any(t > 1):
        raise ValueError("targets must lie in [0, 1] (0/1 labels or probabilities)")
    return p, t


# ---------------------------------------------------------------------------------------------
# layers: cheap checks (they run on every batch: dtype, ndim and shape only — no pass over the
# values, so that NaN/inf activations of a diverging network reach the loss, which reports them)
# ---------------------------------------------------------------------------------------------
def layer_input(x, layer: str, width: int | None = None, dtype=None, min_ndim: int = 0) -> np.ndarray:
    """A layer's input as a float array (no copy for float input), checked for dtype and shape.

    ``width``: the input must be 2-D ``(N, width)``; ``dtype``: converted to it (no copy if it
    already is); ``min_ndim``: at least that many dimensions (with a non-empty last axis).
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
        x = _as_real_array(x, f"{layer}: input x")
    if x.size == 0:
        raise ValueError(f"{layer}: input x is empty (shape {x.shape}); a batch needs at least one row")
    if width is not None and (x.ndim != 2 or x.shape[1] != width):
        got = f"(N, {x.shape[1]})" if x.ndim == 2 else f"shape {x.shape} ({x.ndim}-D)"
        hint = "" if x.ndim == 2 else "; a batch is 2-D, one row per example"
        raise ValueError(f"{layer} expected input of shape (N, {width}), got {got}{hint}")
    if x.ndim < min_ndim:
        raise ValueError(f"{layer}: input x must have at least {min_ndim} dimension(s), got shape {x.shape}")
    if dtype is not None:
        return x.astype(dtype, copy=False)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def layer_grad_out(grad_out, shape: tuple, dtype: np.dtype, layer: str) -> np.ndarray:
    """``grad_out`` as an array of ``dtype`` (no copy if it already is), of exactly ``shape``."""
    if not isinstance(grad_out, np.ndarray) or grad_out.dtype.kind not in "biuf":
        grad_out = _as_real_array(grad_out, f"{layer}: grad_out")
    if grad_out.shape != shape:
        raise ValueError(
            f"{layer}: grad_out must have the shape of the forward output {shape}, got {grad_out.shape}"
        )
    return grad_out.astype(dtype, copy=False)


def check_ran_forward(cache, layer: str, call: str = "forward(x)") -> None:
    """Raise ``RuntimeError`` if ``backward`` is called before ``forward`` filled ``cache``."""
    if cache is None:
        raise RuntimeError(f"{layer}.backward called before forward: call {call} first")


def logits_along_axis(z, axis) -> tuple[np.ndarray, int]:
    """Logits of at least one dimension, and ``axis`` checked against them (for softmax)."""
    z = predictions(z, "z")
    if z.ndim == 0:
        raise ValueError("z must have at least 1 dimension (the classes), got a scalar")
    return z, check_axis(axis, z.ndim)


def labels_and_classes(labels, num_classes) -> np.ndarray:
    """``num_classes`` a positive int, and ``labels`` 1-D ints in ``[0, num_classes)`` (for one_hot)."""
    if isinstance(num_classes, (bool, np.bool_)) or not isinstance(num_classes, numbers.Integral):
        raise TypeError(f"num_classes must be an int, got {num_classes!r}")
    if num_classes < 1:
        raise ValueError(f"num_classes must be >= 1, got {num_classes}")
    return as_labels(labels, "labels", num_classes)


def check_flag(value, name: str) -> None:
    """Raise ``TypeError`` unless ``value`` is ``True`` or ``False`` (a string "no" is truthy)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
