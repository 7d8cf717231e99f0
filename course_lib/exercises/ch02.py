"""Chapter 2 exercises: checkers for central differences, local gradients and the chain rule."""

from __future__ import annotations

import math

import numpy as np

from course_lib.autodiff import Value
from course_lib.exercises import Result, compare_arrays, exercise
from course_lib.gradcheck import numerical_derivative, numerical_gradient

# Test functions for exercise 2.1: (name, f, exact derivative)
_FUNCTIONS = [
    ("sin", math.sin, math.cos),
    ("exp", math.exp, math.exp),
    ("x**3 - 2x", lambda x: x**3 - 2 * x, lambda x: 3 * x**2 - 2),
]

# Exercise 2.3: L(w, b) = (tanh(w * x + b) - t) ** 2 for one example: input x, target t
X_EXAMPLE, T_EXAMPLE = 1.5, 0.5


def _points(seed: int, n: int, low: float, high: float) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, size=n)


@exercise("2.1", "central difference")
def _check_central_difference(answer) -> Result:
    h = 1e-3  # large enough that forward and central differences clearly disagree
    for name, f, _ in _FUNCTIONS:
        for x in _points(21, 3, -2.0, 2.0):
            x = float(x)
            yours = float(answer(f, x, h))
            reference = numerical_derivative(f, x, h)
            if math.isclose(yours, reference, rel_tol=1e-9, abs_tol=1e-12):
                continue
            where = (f"for f = {name} at x = {x:.3f} with h = {h:g} you got {yours:.6g}, "
                     f"expected {reference:.6g}.")
            if math.isclose(yours, (f(x + h) - f(x)) / h, rel_tol=1e-9):
                return Result(False, f"{where} That is the FORWARD difference; use f(x + h) and f(x - h).")
            if math.isclose(yours, 2 * reference, rel_tol=1e-9):
                return Result(False, f"{where} Twice too big: the two points are 2h apart, so divide by 2h.")
            return Result(False, f"{where} Hint: (f(x + h) - f(x - h)) / (2 * h).")
    for name, f, df in _FUNCTIONS:  # the default step must give an accurate derivative
        yours = float(answer(f, 0.7))
        if not math.isclose(yours, df(0.7), rel_tol=1e-7):
            return Result(False, f"correct formula, but with your default h the derivative of {name} at 0.7 "
                                 f"is off by {abs(yours - df(0.7)):.1e}; choose a default h near 1e-5.")
    return Result(True, "your central difference matches the library's and is accurate with its default h.")


@exercise("2.2", "local gradient of softplus")
def _check_softplus_grad(answer) -> Result:
    xs = _points(22, 8, -6.0, 6.0)
    yours = np.array([float(answer(float(x))) for x in xs])
    reference = 1.0 / (1.0 + np.exp(-xs))  # d/dx log(1 + e^x) = e^x / (1 + e^x) = sigmoid(x)
    result = compare_arrays("softplus_grad(x)", yours, reference)
    if result:
        return Result(True, "d/dx log(1 + e^x) = e^x / (1 + e^x) = sigmoid(x): the local gradient of "
                            "softplus is the sigmoid.")
    if np.allclose(yours, np.exp(xs)):
        return Result(False, result.message + " You have the inner derivative e^x only; multiply by the "
                                              "outer one, d(log u)/du = 1/u with u = 1 + e^x.")
    if np.allclose(yours, 1.0 / (1.0 + np.exp(xs))):
        return Result(False, result.message + " You have the outer derivative 1/(1 + e^x) only; multiply by "
                                              "the inner one, d(1 + e^x)/dx = e^x.")
    return Result(False, result.message + " Hint: chain rule with u = 1 + e^x: (1/u) * e^x.")


def _loss_and_grad(w: float, b: float) -> tuple[float, float, float]:
    """L = (tanh(w x + b) - t)^2 and its gradient, by the engine."""
    wv, bv = Value(w), Value(b)
    loss = ((wv * X_EXAMPLE + bv).tanh() - T_EXAMPLE) ** 2
    loss.backward()
    return loss.data, wv.grad, bv.grad


@exercise("2.3", "gradient of a neuron's loss by hand")
def _check_grad_by_hand(answer) -> Result:
    for w, b in _points(23, 10, -1.5, 1.5).reshape(5, 2):
        w, b = float(w), float(b)
        yours = answer(w, b)
        _, dw, db = _loss_and_grad(w, b)
        try:
            yours = np.asarray(yours, dtype=np.float64)
        except (TypeError, ValueError):
            return Result(False, "return two plain numbers, (dL_dw, dL_db) — floats, not Values.")
        result = compare_arrays(f"(dL/dw, dL/db) at w = {w:.3f}, b = {b:.3f}", yours, (dw, db))
        if result:
            continue
        yours = yours.ravel()
        if yours.shape == (2,) and np.allclose(yours, (dw / 2, db / 2)):
            hint = "half the true gradient: d(u^2)/du = 2u."
        elif yours.shape == (2,) and np.allclose(yours, (db, db)):
            hint = "dL/dw misses the factor x = 1.5 that d(wx + b)/dw contributes."
        elif yours.shape == (2,) and np.isclose(yours[1] * (1 - math.tanh(w * X_EXAMPLE + b) ** 2), db):
            hint = "you forgot the tanh step: d tanh(z)/dz = 1 - tanh(z)^2."
        else:
            hint = ("dL/dw = 2 (tanh(z) - t) (1 - tanh(z)^2) x with z = wx + b; "
                    "dL/db is the same without the factor x.")
        return Result(False, f"{result.message} Hint: {hint}")
    return Result(True, "your hand-derived gradient agrees with Value.backward() everywhere we tried.")


_TEST_FUNCTIONS = [
    ("x0 * x1", lambda v: v[0] * v[1], 2),
    ("tanh(x0 * x1 + x2)", lambda v: (v[0] * v[1] + v[2]).tanh(), 3),
    ("x0 * x0 + x0 / x1 (x0 used three times)", lambda v: v[0] * v[0] + v[0] / v[1], 2),
    ("sigmoid(x0) * exp(x1) - x2 ** 2", lambda v: v[0].sigmoid() * v[1].exp() - v[2] ** 2, 3),
]


@exercise("2.4", "a gradient with the engine")
def _check_gradient(answer) -> Result:
    for name, f, n in _TEST_FUNCTIONS:
        x = _points(24, n, 0.5, 2.0)
        try:
            yours = answer(f, [float(v) for v in x])
        except (TypeError, AttributeError) as err:
            return Result(False, f"for f = {name}: {err}. Wrap every number in Value before calling f.")
        if any(isinstance(g, Value) for g in np.ravel(np.asarray(yours, dtype=object))):
            return Result(False, "you returned Value objects: return their .grad numbers instead.")
        if np.ndim(yours) == 0:
            return Result(False, f"for f = {name} you returned one number; return a list with one "
                                 f"partial derivative per input ({n} here).")
        reference = numerical_gradient(lambda a: f([Value(float(v)) for v in a]).data, x.copy())
        result = compare_arrays(f"gradient of {name}", yours, reference, rtol=1e-6, atol=1e-8)
        if not result:
            return Result(False, f"{result.message} Hint: values = [Value(v) for v in xs]; "
                                 "out = f(values); out.backward(); return [v.grad for v in values].")
    return Result(True, "one backward() call gave every partial derivative, matching central differences.")
