"""Chapter 1 exercises: checkers for the loss functions a learner writes."""

from __future__ import annotations

import numpy as np

from course_lib import losses
from course_lib.exercises import Result, compare_arrays, exercise
from course_lib.exercises._guards import real_array, uses_name


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
    if uses_name(answer, "mse_grad"):
        return Result(False, "the exercise asks you not to call losses.mse_grad: write the formula yourself.")
    for seed, shape in [(0, (4, 3)), (1, (6,)), (2, (2, 3, 2))]:  # "arrays of any shape"
        rng = np.random.default_rng(seed)
        y_pred, y_true = rng.normal(size=shape), rng.normal(size=shape)
        reference = losses.mse_grad(y_pred, y_true)
        name = f"mse_grad(y_pred, y_true) for shape {shape}"
        yours, problem = real_array(name, answer(y_pred.copy(), y_true.copy()))
        if problem is not None:
            return problem
        result = compare_arrays(name, yours, reference)
        if result:
            continue
        if _close(yours, reference / 2):
            hint = (" Hint: you are missing the factor 2 from differentiating the square (books that"
                    " define MSE with a ½ in front drop it; our MSE has no ½).")
        elif _close(yours, reference * y_pred.size / len(y_pred)):
            hint = (" Hint: you divided by the number of rows; the mean runs over ALL elements,"
                    " so divide by y_pred.size.")
        elif _close(yours, reference * y_pred.size):
            hint = " Hint: that is the gradient of the SUM; the mean also divides by y_pred.size."
        elif _close(yours, -reference):
            hint = " Hint: the sign is flipped; it is (y_pred - y_true), not (y_true - y_pred)."
        else:
            hint = (" Hint: differentiate mean((y_pred - y_true)**2) term by term; the mean divides"
                    " by the number of elements, y_pred.size (works for any shape).")
        return Result(False, result.message + hint)
    return Result(True, "your gradient matches 2 (y_pred - y_true) / size on inputs of three shapes.")


def _broadcast_hint(err: ValueError) -> Result:
    if "broadcast" in str(err):
        return Result(False, "z (N, C) minus a per-row quantity of shape (N,) does not line up. Hint: keep "
                             "the reduced axis, z.max(axis=1, keepdims=True), so that it has shape (N, 1) "
                             "and is subtracted from every entry of its row (same for the sum).")
    return Result(False, f"your answer raised ValueError: {err}")


@exercise("1.2", "stable log-softmax")
def _check_log_softmax(answer) -> Result:
    forbidden = uses_name(answer, "log_softmax", "softmax")
    if forbidden:
        return Result(False, f"the exercise asks you not to call losses.{forbidden}: build it from np.exp, "
                             "np.log, max and sum.")
    for seed in range(3):
        z, _ = _random_batch(seed)  # 5 rows, 4 columns: a missing keepdims cannot broadcast silently
        reference = losses.log_softmax(z)
        try:
            yours = answer(z.copy())
        except ValueError as err:
            return _broadcast_hint(err)
        yours, problem = real_array("log_softmax(z)", yours)
        if problem is not None:
            return problem
        result = compare_arrays("log_softmax(z)", yours, reference)
        if not result:
            if _close(yours, losses.log_softmax(z, axis=0)):
                return Result(False, result.message + " Hint: normalise each ROW (axis=1, keepdims=True), not each column.")
            if _close(yours, z - np.log(np.exp(z).sum())):
                return Result(False, result.message + " Hint: the sum runs over each row (axis=1), not the "
                                                      "whole array.")
            return Result(False, result.message + " Hint: z - max(z) - log(sum(exp(z - max(z)))) per row.")
    big = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1001.0, -1002.0]])
    with np.errstate(all="ignore"):
        try:
            yours = answer(big.copy())
        except ValueError as err:
            return _broadcast_hint(err)
    yours, problem = real_array("log_softmax of logits ±1000", yours, finite=False)
    if problem is not None:
        return problem
    if not np.all(np.isfinite(yours)):
        if np.all(np.isfinite(yours[0])):
            return Result(False, "the row [1000, 0, -1000] is fine but [-1000, -1001, -1002] gives inf/NaN: "
                                 "subtract each row's OWN max (axis=1, keepdims=True), not the max of the "
                                 "whole array.")
        return Result(False, "correct on small logits, but logits of ±1000 give inf/NaN: subtract the row max first.")
    if not _close(yours, losses.log_softmax(big)):
        return Result(False, "finite for logits of ±1000 but wrong (expected [0, -1000, -2000] for the first "
                             "row): check the shift by the row max.")
    return Result(True, "correct, and stable for logits of ±1000.")


@exercise("1.3", "cross-entropy of the '7 vs 3' output")
def _check_seven_vs_three(answer) -> Result:
    expected = -np.log(0.14)
    if np.size(answer) == 10:
        return Result(False, "you returned ten numbers, one per class; the loss is ONE number: the sum over "
                             "the classes of -t log p, where only the true class has t = 1.")
    array, problem = real_array("your cross-entropy", answer)
    if problem is not None:
        return problem
    if array.size != 1:
        return Result(False, f"expected one number, got an array of shape {array.shape}.")
    value = float(array.ravel()[0])
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
    if uses_name(answer, "softmax_cross_entropy_grad"):
        return Result(False, "the exercise asks you to write the gradient yourself, not to call "
                             "losses.softmax_cross_entropy_grad.")
    for seed in range(3):
        z, labels = _random_batch(seed)
        reference = losses.softmax_cross_entropy_grad(z, labels)
        yours, problem = real_array("grad(z, labels)", answer(z.copy(), labels.copy()))
        if problem is not None:
            return problem
        result = compare_arrays("grad(z, labels)", yours, reference)
        if result:
            continue
        n, c = z.shape
        if _close(yours, reference * n):
            hint = " Hint: the loss is the MEAN over the batch, so divide by N = len(logits)."
        elif _close(yours, reference / c):
            hint = " Hint: divide by the batch size N only, not by N·C: the mean runs over examples."
        elif _close(yours, -reference):
            hint = " Hint: the sign is flipped; it is softmax(z) - t, not t - softmax(z)."
        elif _close(yours, losses.softmax(z) / n):
            hint = " Hint: you forgot to subtract the one-hot targets t."
        else:
            hint = " Hint: (softmax(z) - one_hot(labels, C)) / N, with N the batch size."
        return Result(False, result.message + hint)
    return Result(True, "your gradient is (softmax(z) - t) / N.")


def _bce_reference(z, t) -> float:
    """Binary cross-entropy of sigmoid(z), through the library's stable two-class softmax."""
    two_logits = np.stack([np.zeros_like(z), z], axis=-1).reshape(-1, 2)  # softmax([0, z])_1 = σ(z)
    return losses.softmax_cross_entropy(two_logits, t.reshape(-1).astype(np.int64))


def _as_number(value):
    """``float(value)`` for a real number or a size-1 real array (NaN and inf kept), else ``None``."""
    array, problem = real_array("", value, finite=False)
    return None if problem is not None or array.size != 1 else float(array.ravel()[0])


@exercise("1.5", "binary cross-entropy from logits")
def _check_bce_with_logits(answer) -> Result:
    for seed, shape in [(0, (6,)), (1, (3, 4))]:
        rng = np.random.default_rng(seed)
        z, t = rng.normal(size=shape) * 3, rng.integers(0, 2, size=shape).astype(float)
        expected = _bce_reference(z, t)
        array, problem = real_array(f"bce_with_logits for z of shape {shape}", answer(z.copy(), t.copy()))
        if problem is not None:
            return problem
        if array.size != 1:
            return Result(False, f"expected one number for z of shape {shape} (the mean over all elements), "
                                 f"got an array of shape {array.shape}.")
        value = float(array.ravel()[0])
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
