"""Chapter 1 — loss functions: how wrong is the network, and in which direction should it move?

Every loss comes with its gradient with respect to the network's output. Batches are row-major:
``(N, C)`` holds N examples with C outputs each. All losses are means over the batch.

Each function checks its inputs in its first line (helpers in :mod:`course_lib._validation`:
real, finite, non-empty arrays of matching shapes, labels in range, probabilities that are
probabilities), so that the rest reads like the formula. Float32 input gives float32 gradients.
"""

from __future__ import annotations

import numpy as np

from course_lib._validation import (
    binary_probs_and_targets,
    labels_and_classes,
    logits_along_axis,
    probs_and_targets,
    same_shape_arrays,
    scores_and_targets,
)

__all__ = [
    "mse",
    "mse_grad",
    "softmax",
    "log_softmax",
    "one_hot",
    "cross_entropy",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "binary_cross_entropy",
]

_LOG_FLOOR = 1e-12  # probabilities are floored here before a log: log(0) would be -inf


def _safe_log(p: np.ndarray) -> np.ndarray:
    """``log(max(p, floor))`` with ``floor = 1e-12`` — or the dtype's smallest normal number where
    that is larger (float16) — so a probability of exactly 0 costs ``-log(1e-12) ≈ 27.6`` instead of
    ``inf``, the same in float32 and float64. The floor is applied to the argument of the log
    (``1 - p`` included), never to ``p`` itself: ``1 - 1e-12`` would round to 1.0 in float32."""
    floor = max(_LOG_FLOOR, float(np.finfo(p.dtype).tiny))
    return np.log(np.maximum(p, floor))


def mse(y_pred, y_true) -> float:
    """Mean squared error, ``mean((y_pred - y_true) ** 2)`` over all elements.

    Parameters
    ----------
    y_pred, y_true : array_like, same shape (any, non-empty)

    Returns
    -------
    float

    Raises
    ------
    TypeError
        Non-numeric, boolean ``y_pred`` or complex input.
    ValueError
        Shapes differ (no broadcasting), an empty array, NaN or inf.
    """
    y_pred, y_true = same_shape_arrays(y_pred, y_true, "y_pred", "y_true")
    return float(np.mean((y_pred - y_true) ** 2))


def mse_grad(y_pred, y_true) -> np.ndarray:
    """Gradient of :func:`mse` with respect to ``y_pred``: ``2 (y_pred - y_true) / size``.

    Returns
    -------
    ndarray, same shape and float dtype as ``y_pred``

    Raises
    ------
    TypeError, ValueError
        As :func:`mse`.
    """
    y_pred, y_true = same_shape_arrays(y_pred, y_true, "y_pred", "y_true")
    return 2 * (y_pred - y_true) / y_pred.size


def log_softmax(z, axis: int = -1) -> np.ndarray:
    """Logarithm of :func:`softmax`, computed stably with the log-sum-exp trick.

    ``log_softmax(z) = z - m - log(sum(exp(z - m)))`` with ``m = max(z)``: every exponent is
    ≤ 0, so nothing overflows, however large the logits.

    Parameters
    ----------
    z : array_like, shape (..., C), at least 1-D, non-empty
        Logits (unnormalised scores).
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray, same shape and float dtype as ``z``

    Raises
    ------
    TypeError
        ``z`` not real numbers; ``axis`` not an int.
    ValueError
        ``z`` 0-D, empty, NaN or inf; ``axis`` out of range.
    """
    z, axis = logits_along_axis(z, axis)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(z, axis: int = -1) -> np.ndarray:
    """Turn logits into probabilities: ``exp(z_i) / sum_j exp(z_j)`` along ``axis``.

    Computed as ``exp(z - max z) / sum(exp(z - max z))`` (the same value: the shift cancels), so
    that no exponent is positive and nothing overflows.

    Parameters
    ----------
    z : array_like, shape (..., C), at least 1-D, non-empty
    axis : int, default -1

    Returns
    -------
    ndarray, same shape and float dtype as ``z``; entries in [0, 1], summing to 1 along ``axis``.

    Raises
    ------
    TypeError, ValueError
        As :func:`log_softmax`.
    """
    z, axis = logits_along_axis(z, axis)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def one_hot(labels, num_classes: int) -> np.ndarray:
    """Encode integer labels ``(N,)`` as one-hot rows ``(N, num_classes)`` of float64.

    Raises
    ------
    TypeError
        ``num_classes`` not an int; ``labels`` not integers.
    ValueError
        ``num_classes < 1``; ``labels`` not 1-D, or outside ``[0, num_classes)``.
    """
    labels = labels_and_classes(labels, num_classes)
    return np.eye(num_classes)[labels]  # row i of the identity is the one-hot code of class i


def cross_entropy(probs, targets) -> float:
    """Categorical cross-entropy from probabilities: ``-mean_n sum_c t_nc log p_nc``.

    Parameters
    ----------
    probs : array_like, shape (N, C)
        Predicted probabilities: rows in [0, 1] that sum to 1 (within the rounding of their
        dtype), e.g. the output of :func:`softmax`.
    targets : array_like, shape (N,) int labels in [0, C) or (N, C) one-hot

    Returns
    -------
    float
        Mean over the batch. Probabilities are floored at 1e-12 before the log (a probability
        of exactly 0 for the true class costs ``-log(1e-12) ≈ 27.6``, not inf).

    Raises
    ------
    TypeError
        Non-numeric, boolean or complex ``probs``; ``targets`` neither labels nor rows.
    ValueError
        ``probs`` not 2-D, empty, non-finite, outside [0, 1] or rows not summing to 1 (logits?);
        ``targets`` of the wrong shape or out of range.
    """
    p, t = probs_and_targets(probs, targets)  # t: one-hot rows (N, C)
    return float(-np.sum(t * _safe_log(p)) / len(p)) + 0.0  # _safe_log(p) = log(max(p, 1e-12))


def softmax_cross_entropy(logits, targets) -> float:
    """Cross-entropy of ``softmax(logits)``, computed stably through :func:`log_softmax`.

    Parameters
    ----------
    logits : array_like, shape (N, C)
    targets : array_like, shape (N,) int labels in [0, C) or (N, C) one-hot

    Returns
    -------
    float
        Mean over the batch; finite for any finite logits.

    Raises
    ------
    TypeError, ValueError
        As :func:`cross_entropy`, for ``logits`` (any finite values are allowed).
    """
    z, t = scores_and_targets(logits, targets, "logits")  # t: one-hot rows (N, C)
    return float(-np.sum(t * log_softmax(z)) / len(z)) + 0.0  # + 0.0: no -0.0


def softmax_cross_entropy_grad(logits, targets) -> np.ndarray:
    """Gradient of :func:`softmax_cross_entropy` w.r.t. the logits: ``(softmax(z) - t) / N``.

    Returns
    -------
    ndarray, shape (N, C), same float dtype as ``logits``

    Raises
    ------
    TypeError, ValueError
        As :func:`softmax_cross_entropy`.
    """
    z, t = scores_and_targets(logits, targets, "logits")  # t: one-hot rows (N, C)
    return (softmax(z) - t) / len(z)


def binary_cross_entropy(probs, targets) -> float:
    """Binary cross-entropy ``-mean(t log p + (1 - t) log(1 - p))`` over all elements.

    Parameters
    ----------
    probs : array_like, any shape, non-empty
        Predicted probabilities of class 1, in [0, 1] (e.g. a sigmoid output).
    targets : array_like, same shape
        0/1 labels (booleans allowed) or probabilities in [0, 1].

    Returns
    -------
    float
        Exactly 0 for perfect predictions (``p == t`` at 0 or 1), in float32 too; ``1 - p`` and
        ``p`` are floored at 1e-12 inside the logs, so a confident wrong prediction costs
        ``-log(1e-12) ≈ 27.6`` rather than inf. For logits, use :func:`softmax_cross_entropy`
        on the pair ``[0, z]``, which is exact.

    Raises
    ------
    TypeError
        Non-numeric, boolean ``probs`` or complex input.
    ValueError
        Shapes differ, empty, NaN/inf, or values outside [0, 1].
    """
    p, t = binary_probs_and_targets(probs, targets)
    log_p, log_1mp = _safe_log(p), _safe_log(1 - p)  # log(max(·, 1e-12)): no log 0 = -inf
    return float(-np.mean(t * log_p + (1 - t) * log_1mp)) + 0.0  # + 0.0: never print -0.0
