"""Chapter 1 — loss functions: how wrong is the network, and in which direction should it move?

Every loss comes with its gradient with respect to the network's output. Batches are row-major:
``(N, C)`` holds N examples with C outputs each. All losses are means over the batch.
"""

from __future__ import annotations

import numpy as np

from course_lib._validation import as_float_array, as_labels, as_targets, check_same_shape

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
    y_pred, y_true : array_like, same shape (any)

    Returns
    -------
    float
    """
    y_pred = as_float_array(y_pred, "y_pred")
    y_true = as_float_array(y_true, "y_true")
    check_same_shape(y_pred, y_true, "y_pred", "y_true")
    return float(np.mean((y_pred - y_true) ** 2))


def mse_grad(y_pred, y_true) -> np.ndarray:
    """Gradient of :func:`mse` with respect to ``y_pred``: ``2 (y_pred - y_true) / size``.

    Returns
    -------
    ndarray, same shape as ``y_pred``
    """
    y_pred = as_float_array(y_pred, "y_pred")
    y_true = as_float_array(y_true, "y_true")
    check_same_shape(y_pred, y_true, "y_pred", "y_true")
    return 2.0 * (y_pred - y_true) / y_pred.size


def log_softmax(z, axis: int = -1) -> np.ndarray:
    """Logarithm of :func:`softmax`, computed stably with the log-sum-exp trick.

    ``log_softmax(z) = z - m - log(sum(exp(z - m)))`` with ``m = max(z)``: every exponent is
    ≤ 0, so nothing overflows, however large the logits.

    Parameters
    ----------
    z : array_like, shape (..., C)
        Logits (unnormalised scores).
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray, same shape as ``z``
    """
    z = as_float_array(z, "z")
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(z, axis: int = -1) -> np.ndarray:
    """Turn logits into probabilities: ``exp(z_i) / sum_j exp(z_j)`` along ``axis``.

    Parameters
    ----------
    z : array_like, shape (..., C)
    axis : int, default -1

    Returns
    -------
    ndarray, same shape as ``z``; entries in [0, 1], summing to 1 along ``axis``.
    """
    z = as_float_array(z, "z")
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def one_hot(labels, num_classes: int) -> np.ndarray:
    """Encode integer labels ``(N,)`` as one-hot rows ``(N, num_classes)`` of float64."""
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)):
        raise TypeError(f"num_classes must be an int, got {num_classes!r}")
    if num_classes < 1:
        raise ValueError(f"num_classes must be >= 1, got {num_classes}")
    labels = as_labels(labels, "labels", num_classes)
    out = np.zeros((labels.size, num_classes))
    out[np.arange(labels.size), labels] = 1.0
    return out


def _targets_as_one_hot(targets, num_classes: int, n: int) -> np.ndarray:
    """Accept int labels ``(N,)`` or one-hot/probability rows ``(N, C)``; return ``(N, C)``."""
    t = as_targets(targets, n, num_classes)
    return one_hot(t, num_classes) if t.ndim == 1 else t


def cross_entropy(probs, targets) -> float:
    """Categorical cross-entropy from probabilities: ``-mean_n sum_c t_nc log p_nc``.

    Parameters
    ----------
    probs : array_like, shape (N, C)
        Predicted probabilities (rows sum to 1), e.g. the output of :func:`softmax`.
    targets : array_like, shape (N,) int labels or (N, C) one-hot

    Returns
    -------
    float
        Mean over the batch. Probabilities are floored at 1e-12 before the log (a probability
        of exactly 0 for the true class costs ``-log(1e-12) ≈ 27.6``, not inf).
    """
    p = as_float_array(probs, "probs", ndim=2)
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError("probs must lie in [0, 1]; pass logits to softmax_cross_entropy instead")
    t = _targets_as_one_hot(targets, p.shape[1], p.shape[0])
    return float(-np.sum(t * _safe_log(p)) / p.shape[0]) + 0.0  # + 0.0: no -0.0


def softmax_cross_entropy(logits, targets) -> float:
    """Cross-entropy of ``softmax(logits)``, computed stably through :func:`log_softmax`.

    Parameters
    ----------
    logits : array_like, shape (N, C)
    targets : array_like, shape (N,) int labels or (N, C) one-hot

    Returns
    -------
    float
        Mean over the batch; finite for any finite logits.
    """
    z = as_float_array(logits, "logits", ndim=2)
    t = _targets_as_one_hot(targets, z.shape[1], z.shape[0])
    return float(-np.sum(t * log_softmax(z)) / z.shape[0]) + 0.0  # + 0.0: no -0.0


def softmax_cross_entropy_grad(logits, targets) -> np.ndarray:
    """Gradient of :func:`softmax_cross_entropy` w.r.t. the logits: ``(softmax(z) - t) / N``.

    Returns
    -------
    ndarray, shape (N, C), same float dtype as ``logits``
    """
    z = as_float_array(logits, "logits", ndim=2)
    n, c = z.shape
    t = as_targets(targets, n, c)
    grad = softmax(z)
    if t.ndim == 1:  # int labels: subtract 1 at the true class, no one-hot needed
        grad[np.arange(n), t] -= 1
    else:
        grad -= t
    grad /= n
    return grad


def binary_cross_entropy(probs, targets) -> float:
    """Binary cross-entropy ``-mean(t log p + (1 - t) log(1 - p))`` over all elements.

    Parameters
    ----------
    probs : array_like, any shape
        Predicted probabilities of class 1, in [0, 1] (e.g. a sigmoid output).
    targets : array_like, same shape
        0/1 labels (or probabilities in [0, 1]).

    Returns
    -------
    float
        Exactly 0 for perfect predictions (``p == t`` at 0 or 1), in float32 too; ``1 - p`` and
        ``p`` are floored at 1e-12 inside the logs, so a confident wrong prediction costs
        ``-log(1e-12) ≈ 27.6`` rather than inf. For logits, use :func:`softmax_cross_entropy`
        on the pair ``[0, z]``, which is exact.
    """
    p = as_float_array(probs, "probs")
    t = as_float_array(targets, "targets")
    check_same_shape(p, t, "probs", "targets")
    if np.any(p < 0) or np.any(p > 1):
        raise ValueError("probs must lie in [0, 1]")
    if np.any(t < 0) or np.any(t > 1):
        raise ValueError("targets must lie in [0, 1]")
    return float(-np.mean(t * _safe_log(p) + (1 - t) * _safe_log(1 - p))) + 0.0  # + 0.0: no -0.0
