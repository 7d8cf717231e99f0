"""Input checks shared by the public functions: errors that name the argument and say what to do."""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(x, name: str, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``x`` as a floating-point array, or raise an error naming ``name``.

    Integer and boolean input is converted to float64; float32 stays float32. NaN and inf are
    rejected, and so is an array whose number of dimensions is not ``ndim``.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers: {err}") from err
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            wanted = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {wanted}, got shape {arr.shape} ({arr.ndim}-D)")
    if not _all_finite(arr):
        raise ValueError(f"{name} contains NaN or inf; check the values that produced it")
    return arr


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
    """Return integer class labels ``(N,)`` as int64, checking they are in ``[0, num_classes)``."""
    arr = np.asarray(labels)
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
            f"{name} must lie in [0, {num_classes}), got values from {arr.min()} to {arr.max()}"
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
    arr = np.asarray(targets)
    if arr.ndim == 1:
        if arr.shape[0] != n:
            raise ValueError(f"targets has {arr.shape[0]} labels but {batch_name} has {n} rows; "
                             f"expected shape ({n},)")
        return as_labels(arr, "targets", num_classes)
    t = as_float_array(arr, "targets", ndim=2)
    if t.shape != (n, num_classes):
        raise ValueError(
            f"targets must be labels of shape ({n},) or one-hot of shape ({n}, {num_classes}), "
            f"got shape {t.shape}"
        )
    if np.any(t < 0) or not rows_sum_to_one(t):
        raise ValueError("one-hot targets must be non-negative rows that sum to 1")
    return t


def rows_sum_to_one(p: np.ndarray) -> bool:
    """Whether every row of ``p`` (N, C) sums to 1 within ``sqrt(ε) + C·ε`` for its dtype.

    ``C·ε`` bounds the round-off of summing C entries; ``sqrt(ε)`` (1.5e-8 in float64, 3.5e-4 in
    float32) leaves room for values computed in a few steps, e.g. a float64 softmax stored as
    float32, while a row like [0.33, 0.33, 0.33] (or a row of logits) is still rejected.
    """
    eps = float(np.finfo(p.dtype).eps)
    tol = np.sqrt(eps) + p.shape[-1] * eps
    return bool(np.all(np.abs(p.sum(axis=-1) - 1) <= tol))
