"""Chapter 1 exercises: checkers for the loss functions a learner writes."""

from __future__ import annotations

import numpy as np

from course_lib import losses
from course_lib.exercises import Result, compare_arrays, exercise


def _random_batch(seed: int, n: int = 5, c: int = 4):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, c)) * 3, rng.integers(0, c, size=n)


@exercise("1.1", "mean squared error gradient")
def _check_mse_grad(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        y_pred, y_true = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
        result = compare_arrays("mse_grad(y_pred, y_true)", answer(y_pred, y_true),
                                losses.mse_grad(y_pred, y_true))
        if not result:
            hint = " Hint: differentiate mean((y_pred - y_true)**2); the mean divides by the number of elements."
            return Result(False, result.message + hint)
    return Result(True, "your gradient matches 2 (y_pred - y_true) / size on random inputs.")


@exercise("1.2", "stable log-softmax")
def _check_log_softmax(answer) -> Result:
    for seed in range(3):
        z, _ = _random_batch(seed)
        result = compare_arrays("log_softmax(z)", answer(z), losses.log_softmax(z))
        if not result:
            return Result(False, result.message + " Hint: z - max(z) - log(sum(exp(z - max(z)))) per row.")
    big = np.array([[1000.0, 0.0, -1000.0]])
    with np.errstate(all="ignore"):
        yours = np.asarray(answer(big), dtype=float)
    if not np.all(np.isfinite(yours)):
        return Result(False, "correct on small logits, but logits of ±1000 give inf/NaN: subtract the row max first.")
    return Result(True, "correct, and stable for logits of ±1000.")


@exercise("1.3", "cross-entropy of the '7 vs 3' output")
def _check_seven_vs_three(answer) -> Result:
    probs = np.full(10, 0.02)
    probs[7], probs[3] = 0.70, 0.14
    expected = -np.log(0.14)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Result(False, f"expected a number, got {type(answer).__name__}.")
    if np.isclose(value, expected, rtol=1e-6):
        return Result(True, f"-log(0.14) = {expected:.4f}: only the true class's probability counts.")
    if np.isclose(value, -np.log(0.70), rtol=1e-6):
        return Result(False, "that is -log p of the PREDICTED class (7); cross-entropy uses the TRUE class (3).")
    return Result(False, "cross-entropy with a one-hot target is -log(probability of the true class).")


@exercise("1.4", "softmax cross-entropy gradient")
def _check_sce_grad(answer) -> Result:
    for seed in range(3):
        z, labels = _random_batch(seed)
        result = compare_arrays("grad(z, labels)", answer(z, labels),
                                losses.softmax_cross_entropy_grad(z, labels))
        if not result:
            return Result(False, result.message + " Hint: (softmax(z) - one_hot(labels)) / N, with N the batch size.")
    return Result(True, "your gradient is (softmax(z) - t) / N.")
