"""Chapter 4 exercises: checkers for one gradient step, momentum, mini-batch counts, least squares, Adam.

Every checker runs the learner's function on random inputs (copies, so an in-place update cannot
spoil the reference), turns what it returns into real numbers (complex, NaN, ``None`` and text get
their own message) and, when the answer is wrong, compares it with the usual mistakes to give a
targeted hint. What an exercise forbids ("do not use ``optim.SGD``") is checked by reading the
names the learner's code refers to.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from course_lib.exercises import Result, exercise
from course_lib.exercises._guards import real_array, uses_name


def _quietly(answer, *args):
    """Call the learner's function with NumPy's warnings silenced (a 0/0 must not flood the cell)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return answer(*args)


def _matches(value, reference, rtol=1e-7, atol=1e-10) -> bool:
    """Whether ``value`` (already a float array) equals ``reference`` within the tolerance."""
    reference = np.asarray(reference, dtype=float)
    return value.shape == reference.shape and bool(np.allclose(value, reference, rtol=rtol,
                                                               atol=atol))


def _not_finite(value) -> bool:
    """Whether ``value`` is a real array holding NaN or inf (other problems are reported later)."""
    try:
        array = np.asarray(value)
        return array.dtype.kind == "f" and not bool(np.all(np.isfinite(array)))
    except (TypeError, ValueError):
        return False


def _first_mistake(value, mistakes) -> str | None:
    """The hint of the first ``(wrong_result, hint)`` that ``value`` reproduces, else ``None``."""
    with np.errstate(all="ignore"):
        for wrong, hint in mistakes:
            if np.all(np.isfinite(wrong)) and _matches(value, wrong):
                return hint
    return None


def _unpack(out, names: tuple[str, ...], hint: str):
    """``out`` as a tuple of ``len(names)`` real arrays, or a Result saying what is wrong."""
    if not isinstance(out, (tuple, list)) or len(out) != len(names):
        return None, Result(False, f"return {len(names)} values ({', '.join(names)}). {hint}")
    arrays = []
    for name, value in zip(names, out):
        array, problem = real_array(name, value)
        if problem is not None:
            return None, problem
        arrays.append(array)
    return arrays, None


@exercise("4.1", "one gradient-descent step")
def _check_gd_step(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        p, g = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
        lr = float(rng.uniform(0.01, 0.5))
        value, problem = real_array("gd_step(p, g, lr)", _quietly(answer, p.copy(), g.copy(), lr))
        if problem is not None:
            return Result(False, problem.message + " Hint: return the new parameters p - lr * g.")
        if value.shape != p.shape:
            return Result(False, f"gd_step(p, g, lr) has shape {value.shape}, expected {p.shape} "
                          "(the shape of p).")
        if not _matches(value, p - lr * g):
            hint = _first_mistake(value, [
                (p + lr * g, "you walked UPHILL — step against the gradient, p - lr * g."),
                (p - g, "the step is lr times the gradient: p - lr * g."),
                (-lr * g, "that is only the step; add it to the parameters: p - lr * g."),
            ]) or "the new parameters are p - lr * g."
            return Result(False, f"gd_step(p, g, lr) differs from p - lr * g. Hint: {hint}")
    return Result(True, "p - lr * g: a step of size lr down the slope.")


@exercise("4.2", "the momentum update")
def _check_momentum(answer) -> Result:
    if uses_name(answer, "SGD"):
        return Result(False, "write the two update lines yourself; do not use optim.SGD.")
    for seed in range(3):
        rng = np.random.default_rng(seed)
        p, b, g = (rng.normal(size=4) for _ in range(3))
        lr, momentum = float(rng.uniform(0.01, 0.5)), float(rng.uniform(0.5, 0.95))
        out = _quietly(answer, p.copy(), b.copy(), g.copy(), lr, momentum)
        arrays, problem = _unpack(out, ("p_new", "b_new"), "Hint: return p - lr * b_new, b_new.")
        if problem is not None:
            return problem
        p_new, b_new = arrays
        b_ref = momentum * b + g
        if not _matches(b_new, b_ref):
            hint = _first_mistake(b_new, [
                (momentum * b - lr * g, "that is the velocity form v = momentum * v - lr * g; in "
                 "PyTorch's form the buffer adds up raw gradients, b_new = momentum * b + g, and "
                 "lr enters the parameter step."),
                (momentum * b + (1 - momentum) * g, "no (1 - momentum) factor on g: "
                 "b_new = momentum * b + g."),
                (b, "the buffer must change: b_new = momentum * b + g."),
            ]) or "b_new = momentum * b + g (keep a fraction of the old buffer, add the new gradient)."
            return Result(False, f"b_new differs from momentum * b + g. Hint: {hint}")
        if not _matches(p_new, p - lr * b_ref):
            hint = _first_mistake(p_new, [
                (p - lr * b, "move by the NEW buffer: p_new = p - lr * b_new."),
                (p - lr * g, "the step uses the buffer, not just today's gradient: "
                 "p_new = p - lr * b_new."),
                (p + lr * b_ref, "you walked UPHILL: p_new = p - lr * b_new."),
            ]) or "p_new = p - lr * b_new."
            return Result(False, f"p_new differs from p - lr * b_new. Hint: {hint}")
    return Result(True, "b ← μ b + g, p ← p − lr b: the buffer remembers past gradients.")


@exercise("4.3", "how many mini-batches per epoch")
def _check_num_batches(answer) -> Result:
    cases = [(60000, 64), (100, 10), (10, 3), (7, 7), (5, 1), (1000, 999)]
    for n, batch_size in cases:
        value = _quietly(answer, n, batch_size)
        expected = -(-n // batch_size)
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            return Result(False, f"return an int, got {type(value).__name__} {value!r} for "
                          f"(N={n}, batch_size={batch_size}). Hint: use integer arithmetic, "
                          "e.g. -(-n // batch_size), or int(math.ceil(...)).")
        if value != expected:
            hint = (" Hint: the last, smaller batch counts too — round UP."
                    if value == n // batch_size else " Hint: ceil(N / batch_size).")
            return Result(False, f"for N={n}, batch_size={batch_size} you gave {value}, "
                          f"expected {expected}.{hint}")
    return Result(True, "ceil(N / batch_size), the last batch holding the remainder: one epoch of "
                  "MNIST's 60,000 images at batch size 64 is 938 updates.")


@exercise("4.4", "least squares in closed form")
def _check_least_squares(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(30, 3))
        y = X @ rng.normal(size=3) + 2.0 + 0.1 * rng.normal(size=30)
        ref = np.linalg.lstsq(np.hstack([X, np.ones((30, 1))]), y, rcond=None)[0]
        out = _quietly(answer, X.copy(), y.copy())
        arrays, problem = _unpack(out, ("w", "b"), "Hint: return theta[:-1], theta[-1].")
        if problem is not None:
            return problem
        w, b = arrays
        if w.shape != (3,):
            return Result(False, f"w has shape {w.shape}, expected (3,) for X of shape (30, 3). "
                          "Hint: the weights are theta[:-1], a vector of length d.")
        if b.shape != ():
            return Result(False, f"b has shape {b.shape}; the bias is one number. "
                          "Hint: take theta[-1], not theta[-1:].")
        if not (_matches(w, ref[:3], rtol=1e-6, atol=1e-8)
                and _matches(b, ref[3], rtol=1e-6, atol=1e-8)):
            no_bias = np.linalg.lstsq(X, y, rcond=None)[0]
            if _matches(w, no_bias, rtol=1e-6, atol=1e-8):
                return Result(False, "w is the fit WITHOUT a bias. Hint: append a column of ones "
                              "to X, so the bias is fitted too: X1 = np.hstack([X, np.ones((N, 1))]).")
            return Result(False, "(w, b) is not the least-squares solution. Hint: append a column "
                          "of ones to X for the bias, solve with np.linalg.lstsq(X1, y, rcond=None), "
                          "then split off the last entry as b.")
    return Result(True, "the least-squares (w, b) that gradient descent should converge to.")


def _adam_reference(p, m, v, g, t, lr, b1, b2, eps, *, correct_m=True, correct_v=True,
                    t_used=None, eps_inside=False):
    """Adam's step (and, with the keyword switches, its usual mistakes)."""
    m_new = b1 * m + (1 - b1) * g
    v_new = b2 * v + (1 - b2) * g * g
    t_used = t if t_used is None else t_used
    m_hat = m_new / (1 - b1**t_used) if correct_m else m_new
    v_hat = v_new / (1 - b2**t_used) if correct_v else v_new
    denom = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
    return p - lr * m_hat / denom, m_new, v_new


_ADAM_CASES = [  # (t, lr, beta1, beta2, eps, start from zeros); t = 1 last: there m̂ = g,
    (2, 0.1, 0.9, 0.999, 0.05, False),  # so some mistakes look alike and get a vaguer hint
    (5, 0.05, 0.8, 0.99, 0.02, False),
    (1, 0.01, 0.9, 0.999, 1e-8, True),
]


@exercise("4.5", "one Adam step by hand")
def _check_adam_step(answer) -> Result:
    if uses_name(answer, "Adam"):
        return Result(False, "write the update from the formulas; do not use optim.Adam.")
    for seed, (t, lr, b1, b2, eps, fresh) in enumerate(_ADAM_CASES):
        rng = np.random.default_rng(seed)
        p, g = rng.normal(size=5), 0.2 * rng.normal(size=5)
        m = np.zeros(5) if fresh else 0.1 * rng.normal(size=5)
        v = np.zeros(5) if fresh else 0.04 * rng.uniform(0.5, 1.5, size=5)
        args = (p, m, v, g, t, lr, b1, b2, eps)
        try:
            out = _quietly(answer, *(a.copy() if isinstance(a, np.ndarray) else a for a in args))
        except ZeroDivisionError:
            return Result(False, f"your answer divided by zero at t = {t}. Hint: t counts from 1, "
                          "so the first correction divides by 1 - beta1**1, not by 1 - beta1**0.")
        if isinstance(out, (tuple, list)) and len(out) == 3 and _not_finite(out[0]):
            return Result(False, f"p_new contains NaN or inf at t = {t}. Hint: t counts from 1 "
                          "(1 - beta1**0 = 0 divides by zero), and eps keeps the denominator "
                          "np.sqrt(v_hat) + eps away from 0.")
        arrays, problem = _unpack(out, ("p_new", "m_new", "v_new"),
                                  "Hint: return p_new, m_new, v_new.")
        if problem is not None:
            return problem
        p_new, m_new, v_new = arrays
        p_ref, m_ref, v_ref = _adam_reference(*args)
        if not _matches(m_new, m_ref):
            hint = _first_mistake(m_new, [
                (b1 * m + g, "the new gradient enters with weight (1 - beta1): "
                 "m_new = beta1 * m + (1 - beta1) * g."),
                (m_ref / (1 - b1**t), "return the raw average m_new, not the bias-corrected m̂ "
                 "(the correction only enters the step)."),
            ]) or "m_new = beta1 * m + (1 - beta1) * g."
            return Result(False, f"m_new is wrong (t = {t}). Hint: {hint}")
        if not _matches(v_new, v_ref):
            hint = _first_mistake(v_new, [
                (b2 * v + (1 - b2) * g, "v averages the SQUARED gradient: "
                 "v_new = beta2 * v + (1 - beta2) * g**2."),
                (v_ref / (1 - b2**t), "return the raw average v_new, not the bias-corrected v̂."),
            ]) or "v_new = beta2 * v + (1 - beta2) * g**2."
            return Result(False, f"v_new is wrong (t = {t}). Hint: {hint}")
        if not _matches(p_new, p_ref):
            return Result(False, f"p_new is wrong (t = {t}). Hint: " + _adam_step_hint(p_new, args))
    return Result(True, "m̂/(√v̂ + ε) with both averages bias-corrected: at t = 1 the step is "
                  "about lr in every coordinate.")


def _adam_step_hint(p_new, args) -> str:
    """The targeted hint for a wrong Adam parameter step."""
    p, m, v, g, t, lr, b1, b2, eps = args
    p_ref, m_new, v_new = _adam_reference(*args)
    m_hat, v_hat = m_new / (1 - b1**t), v_new / (1 - b2**t)
    mistakes = [
        (_adam_reference(*args, correct_m=False, correct_v=False)[0],
         "no bias correction: divide m_new by (1 - beta1**t) and v_new by (1 - beta2**t) "
         "before the step — without it the first steps are far off (at t = 1, m_new is only "
         "(1 - beta1) * g)."),
        (_adam_reference(*args, correct_m=False)[0], "correct m too: m_hat = m_new / (1 - beta1**t)."),
        (_adam_reference(*args, correct_v=False)[0], "correct v too: v_hat = v_new / (1 - beta2**t)."),
        (_adam_reference(*args, t_used=t - 1)[0] if t > 1 else np.full_like(p, np.nan),
         "t counts from 1: the correction at this step uses beta**t, not beta**(t - 1)."),
        (_adam_reference(*args, t_used=t + 1)[0], "the correction at step t uses beta**t, "
         "not beta**(t + 1)."),
        (_adam_reference(*args, eps_inside=True)[0], "add eps AFTER the square root: "
         "np.sqrt(v_hat) + eps, as PyTorch does."),
        (p - lr * m_hat / np.sqrt(v_hat), "add eps to the denominator: np.sqrt(v_hat) + eps."),
        (p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps),
         "the step uses the NEW averages m_new and v_new, after adding today's gradient."),
        (2 * p - p_ref, "you walked UPHILL: p_new = p - lr * m_hat / (np.sqrt(v_hat) + eps)."),
    ]
    return _first_mistake(p_new, mistakes) or ("p_new = p - lr * m_hat / (np.sqrt(v_hat) + eps), "
                                               "with m_hat = m_new / (1 - beta1**t) and "
                                               "v_hat = v_new / (1 - beta2**t).")
