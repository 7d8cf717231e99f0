"""Chapter 4 exercises: checkers for one gradient step, momentum, mini-batch counts, least squares."""

from __future__ import annotations

import numbers

import numpy as np

from course_lib.exercises import Result, compare_arrays, exercise


@exercise("4.1", "one gradient-descent step")
def _check_gd_step(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        p, g = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
        lr = float(rng.uniform(0.01, 1.0))
        p_before = p.copy()
        result = compare_arrays("gd_step(p, g, lr)", answer(p.copy(), g, lr), p_before - lr * g)
        if not result:
            if np.allclose(np.asarray(answer(p.copy(), g, lr), dtype=float), p_before + lr * g):
                return Result(False, result.message + " Hint: you walked UPHILL — step against "
                              "the gradient, p - lr * g.")
            return Result(False, result.message + " Hint: the new parameters are p - lr * g.")
    return Result(True, "p - lr * g: a step of size lr down the slope.")


@exercise("4.2", "the momentum update")
def _check_momentum(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        p, b, g = (rng.normal(size=4) for _ in range(3))
        lr, momentum = float(rng.uniform(0.01, 0.5)), float(rng.uniform(0.5, 0.95))
        b_ref = momentum * b + g
        out = answer(p.copy(), b.copy(), g.copy(), lr, momentum)
        if not isinstance(out, tuple) or len(out) != 2:
            return Result(False, "return a pair (p_new, b_new). Hint: return p - lr * b_new, b_new.")
        result = compare_arrays("b_new", out[1], b_ref)
        if not result:
            if np.allclose(np.asarray(out[1], dtype=float), momentum * b - lr * g):
                return Result(False, result.message + " Hint: that is the velocity form "
                              "v = momentum * v - lr * g; in PyTorch's form the buffer adds up raw "
                              "gradients, b_new = momentum * b + g, and lr enters the parameter step.")
            return Result(False, result.message + " Hint: b_new = momentum * b + g (keep a "
                          "fraction of the old buffer, then add the new gradient).")
        result = compare_arrays("p_new", out[0], p - lr * b_ref)
        if not result:
            if np.allclose(np.asarray(out[0], dtype=float), p - lr * b):
                return Result(False, result.message + " Hint: move by the NEW buffer: "
                              "p_new = p - lr * b_new.")
            return Result(False, result.message + " Hint: p_new = p - lr * b_new.")
    return Result(True, "b ← μ b + g, p ← p − lr b: the buffer remembers past gradients.")


@exercise("4.3", "how many mini-batches per epoch")
def _check_num_batches(answer) -> Result:
    cases = [(60000, 64), (100, 10), (10, 3), (7, 7), (5, 1), (1000, 999)]
    for n, batch_size in cases:
        value = answer(n, batch_size)
        expected = -(-n // batch_size)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            return Result(False, f"return an int, got {type(value).__name__} for "
                          f"(N={n}, batch_size={batch_size}). Hint: use integer arithmetic.")
        if value != expected:
            hint = (" Hint: the last, smaller batch counts too — round UP."
                    if value == n // batch_size else " Hint: ceil(N / batch_size).")
            return Result(False, f"for N={n}, batch_size={batch_size} you gave {value}, "
                          f"expected {expected}.{hint}")
    return Result(True, "ceil(N / batch_size), the last batch holding the remainder.")


@exercise("4.4", "least squares in closed form")
def _check_least_squares(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(30, 3))
        y = X @ rng.normal(size=3) + 2.0 + 0.1 * rng.normal(size=30)
        Xb = np.hstack([X, np.ones((30, 1))])
        ref = np.linalg.lstsq(Xb, y, rcond=None)[0]
        out = answer(X, y)
        if not isinstance(out, tuple) or len(out) != 2:
            return Result(False, "return a pair (w, b): weights of shape (d,) and a number b.")
        result = compare_arrays("w", out[0], ref[:3], rtol=1e-6, atol=1e-8)
        if result:
            result = compare_arrays("b", out[1], ref[3], rtol=1e-6, atol=1e-8)
        if not result:
            return Result(False, result.message + " Hint: append a column of ones to X for the "
                          "bias, solve with np.linalg.lstsq(X1, y, rcond=None), then split off "
                          "the last entry as b.")
    return Result(True, "the least-squares (w, b) that gradient descent should converge to.")
