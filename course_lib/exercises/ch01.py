"""Chapter 1 exercises: checkers for the loss functions a learner writes."""

from __future__ import annotations

import numpy as np

from course_lib import losses
from course_lib.exercises import Result, compare_arrays, exercise


def _random_batch(seed: int, n: int = 5, c: int = 4):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, c)) * 3, rng.integers(0, c, size=n)


def _close(yours, reference) -> bool:
    try:
        yours = np.asarray(yours, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return yours.shape == np.shape(reference) and np.allclose(yours, reference, rtol=1e-6, atol=1e-9)


@exercise("1.1", "mean squared error gradient")
def _check_mse_grad(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        y_pred, y_true = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
        reference = losses.mse_grad(y_pred, y_true)
        yours = answer(y_pred, y_true)
        result = compare_arrays("mse_grad(y_pred, y_true)", yours, reference)
        if result:
            continue
        if _close(yours, reference / 2):
            hint = (" Hint: you are missing the factor 2 from differentiating the square (books that"
                    " define MSE with a ½ in front drop it; our MSE has no ½).")
        elif _close(yours, reference * y_pred.shape[1]):
            hint = (" Hint: you divided by the number of rows; the mean runs over ALL elements,"
                    " so divide by y_pred.size.")
        elif _close(yours, -reference):
            hint = " Hint: the sign is flipped; it is (y_pred - y_true), not (y_true - y_pred)."
        else:
            hint = (" Hint: differentiate mean((y_pred - y_true)**2) term by term; the mean divides"
                    " by the number of elements, y_pred.size.")
        return Result(False, result.message + hint)
    return Result(True, "your gradient matches 2 (y_pred - y_true) / size on random inputs.")


@exercise("1.2", "stable log-softmax")
def _check_log_softmax(answer) -> Result:
    for seed in range(3):
        z, _ = _random_batch(seed)
        reference = losses.log_softmax(z)
        yours = answer(z.copy())
        result = compare_arrays("log_softmax(z)", yours, reference)
        if not result:
            if _close(yours, losses.log_softmax(z, axis=0)):
                return Result(False, result.message + " Hint: normalise each ROW (axis=1, keepdims=True), not each column.")
            return Result(False, result.message + " Hint: z - max(z) - log(sum(exp(z - max(z)))) per row.")
    big = np.array([[1000.0, 0.0, -1000.0]])
    with np.errstate(all="ignore"):
        yours = np.asarray(answer(big.copy()), dtype=float)
    if not np.all(np.isfinite(yours)):
        return Result(False, "correct on small logits, but logits of ±1000 give inf/NaN: subtract the row max first.")
    if not _close(yours, losses.log_softmax(big)):
        return Result(False, "finite for logits of ±1000 but not equal to [0, -1000, -2000]: check the shift by the row max.")
    return Result(True, "correct, and stable for logits of ±1000.")


@exercise("1.3", "cross-entropy of the '7 vs 3' output")
def _check_seven_vs_three(answer) -> Result:
    expected = -np.log(0.14)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Result(False, f"expected a number, got {type(answer).__name__}.")
    if np.isclose(value, expected, rtol=1e-6):
        return Result(True, f"-log(0.14) = {expected:.4f}: only the true class's probability counts.")
    if np.isclose(value, -np.log(0.70), rtol=1e-6):
        return Result(False, "that is -log p of the PREDICTED class (7); cross-entropy uses the TRUE class (3).")
    if np.isclose(value, -expected, rtol=1e-6):
        return Result(False, "right size, wrong sign: the loss is MINUS the log-probability, so it is positive.")
    if np.isclose(value, -np.log10(0.14), rtol=1e-6):
        return Result(False, "that is log base 10; cross-entropy uses the natural log, np.log.")
    return Result(False, "cross-entropy with a one-hot target is -log(probability of the true class).")


@exercise("1.4", "softmax cross-entropy gradient")
def _check_sce_grad(answer) -> Result:
    for seed in range(3):
        z, labels = _random_batch(seed)
        result = compare_arrays("grad(z, labels)", answer(z.copy(), labels.copy()),
                                losses.softmax_cross_entropy_grad(z, labels))
        if not result:
            return Result(False, result.message + " Hint: (softmax(z) - one_hot(labels)) / N, with N the batch size.")
    return Result(True, "your gradient is (softmax(z) - t) / N.")


def _bce_reference(z, t) -> float:
    """Binary cross-entropy of sigmoid(z), through the library's stable two-class softmax."""
    two_logits = np.stack([np.zeros_like(z), z], axis=-1).reshape(-1, 2)  # softmax([0, z])_1 = σ(z)
    return losses.softmax_cross_entropy(two_logits, t.reshape(-1).astype(np.int64))


def _as_number(value):
    """``float(value)`` for a number or a size-1 array, else ``None``."""
    try:
        return float(np.asarray(value, dtype=np.float64).reshape(-1)[0]) if np.size(value) == 1 else None
    except (TypeError, ValueError):
        return None


@exercise("1.5", "binary cross-entropy from logits")
def _check_bce_with_logits(answer) -> Result:
    for seed, shape in [(0, (6,)), (1, (3, 4))]:
        rng = np.random.default_rng(seed)
        z, t = rng.normal(size=shape) * 3, rng.integers(0, 2, size=shape).astype(float)
        expected = _bce_reference(z, t)
        value = _as_number(answer(z.copy(), t.copy()))
        if value is None:
            return Result(False, f"expected one number for z of shape {shape} (the mean over all elements), "
                                 "not an array.")
        if np.isclose(value, expected, rtol=1e-6):
            continue
        if np.isclose(value, expected * z.size, rtol=1e-6):
            return Result(False, f"got {value:.4f}, expected {expected:.4f}: that is the sum; take the mean "
                                 "over all elements.")
        return Result(False, f"got {value:.4f}, expected {expected:.4f}, the mean of "
                             "-[t log σ(z) + (1 - t) log(1 - σ(z))]. Hint: it simplifies to "
                             "mean(log(1 + exp(z)) - t * z).")
    big_z, big_t = np.array([1000.0, -1000.0, 0.0]), np.array([0.0, 1.0, 1.0])
    expected = (2000.0 + np.log(2.0)) / 3
    with np.errstate(all="ignore"):
        try:
            value = _as_number(answer(big_z.copy(), big_t.copy()))
        except OverflowError:  # math.exp(1000)
            value = float("inf")
    if value is None or not np.isfinite(value):
        return Result(False, "correct for moderate logits, but z = ±1000 gives inf/NaN. Hint: "
                             "log(1 + e^z) = max(z, 0) + log(1 + e^(-|z|)), or use np.logaddexp(0, z).")
    if not np.isclose(value, expected, rtol=1e-6):
        return Result(False, f"finite but wrong for z = [1000, -1000, 0], t = [0, 1, 1]: got {value:.2f}, "
                             f"expected {expected:.2f}. Clipping probabilities caps the loss: work from the "
                             "logits.")
    return Result(True, "correct, and exact even for logits of ±1000 (no probability is ever formed).")
