"""Chapter 2 exercises: checkers for central differences, local gradients and the chain rule."""

from __future__ import annotations

import math
from contextlib import contextmanager

import numpy as np

from course_lib import memory
from course_lib.autodiff import Value
from course_lib.exercises import Result, compare_arrays, exercise
from course_lib.exercises._guards import real_array, uses_name
from course_lib.gradcheck import numerical_derivative, numerical_gradient
from course_lib.network import MLP

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
    if uses_name(answer, "numerical_derivative", "numerical_gradient"):
        return Result(False, "the exercise asks you not to call the library's numerical_derivative: "
                             "write the formula with f(x + h) and f(x - h).")
    h = 1e-3  # large enough that forward and central differences clearly disagree
    for name, f, _ in _FUNCTIONS:
        for x in _points(21, 3, -2.0, 2.0):
            x = float(x)
            yours, problem = real_array(f"central_difference({name}, {x:.3f}, h={h:g})", answer(f, x, h))
            if problem is not None:
                return problem
            if yours.size != 1:
                return Result(False, f"expected one number, the derivative at x, got shape {yours.shape}.")
            yours = float(yours.ravel()[0])
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
        try:
            yours = float(np.asarray(answer(f, 0.7), dtype=np.float64).ravel()[0])
        except TypeError as err:
            return Result(False, f"central_difference(f, x) without h failed ({err}): give h a default, "
                                 "def central_difference(f, x, h=1e-5).")
        if not math.isclose(yours, df(0.7), rel_tol=1e-7):
            return Result(False, f"correct formula, but with your default h the derivative of {name} at 0.7 "
                                 f"is off by {abs(yours - df(0.7)):.1e}; choose a default h near 1e-5.")
    return Result(True, "your central difference matches the library's and is accurate with its default h.")


def _sigmoid(x: float) -> float:
    """σ(x) = e^x / (1 + e^x) without overflow: only e^(-|x|) is ever computed."""
    e = math.exp(-abs(x))
    return 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)


@exercise("2.2", "local gradient of softplus")
def _check_softplus_grad(answer) -> Result:
    xs = _points(22, 8, -6.0, 6.0)
    reference = np.array([_sigmoid(float(x)) for x in xs])  # d/dx log(1 + e^x) = e^x / (1 + e^x)
    yours, problem = real_array("softplus_grad(x)", [answer(float(x)) for x in xs])
    if problem is not None:
        return problem
    if yours.shape != xs.shape:
        return Result(False, f"softplus_grad(x) should return one number for one float x, got shape "
                             f"{yours.shape[1:]}.")
    result = compare_arrays("softplus_grad(x)", yours, reference)
    if not result:
        if np.allclose(yours, np.exp(xs)):
            return Result(False, result.message + " You have the inner derivative e^x only; multiply by the "
                                                  "outer one, d(log u)/du = 1/u with u = 1 + e^x.")
        if np.allclose(yours, 1.0 / (1.0 + np.exp(xs))):
            return Result(False, result.message + " You have the outer derivative 1/(1 + e^x) only; multiply "
                                                  "by the inner one, d(1 + e^x)/dx = e^x.")
        if np.allclose(yours, np.log1p(np.exp(xs))):
            return Result(False, result.message + " That is softplus itself; the exercise asks for its "
                                                  "derivative.")
        return Result(False, result.message + " Hint: chain rule with u = 1 + e^x: (1/u) * e^x.")
    big = [800.0, -800.0]  # e^800 overflows a float64 (max about e^709.78)
    try:
        with np.errstate(all="ignore"):
            values = [answer(x) for x in big]
    except OverflowError:  # math.exp(800)
        values = [math.inf, math.inf]
    values, problem = real_array("softplus_grad(±800)", values)
    if problem is not None or not np.allclose(values.ravel(), [1.0, _sigmoid(-800.0)], rtol=1e-6, atol=1e-300):
        return Result(False, "right for moderate x, but x = 800 or -800 overflows or gives NaN (e^800 is too "
                             "large for a float). Hint: for x >= 0 use 1 / (1 + e^(-x)), for x < 0 use "
                             "e^x / (1 + e^x): only ever exponentiate a number <= 0.")
    return Result(True, "d/dx log(1 + e^x) = e^x / (1 + e^x) = sigmoid(x): the local gradient of "
                        "softplus is the sigmoid — and yours does not overflow.")


def _loss_and_grad(w: float, b: float) -> tuple[float, float, float]:
    """L = (tanh(w x + b) - t)^2 and its gradient, by the engine."""
    wv, bv = Value(w), Value(b)
    loss = ((wv * X_EXAMPLE + bv).tanh() - T_EXAMPLE) ** 2
    loss.backward()
    return loss.data, wv.grad, bv.grad


@exercise("2.3", "gradient of a neuron's loss by hand")
def _check_grad_by_hand(answer) -> Result:
    tool = uses_name(answer, "Value", "backward", "numerical_derivative", "numerical_gradient")
    if tool:
        return Result(False, f"the exercise asks for the gradient BY HAND, but your function uses {tool}: "
                             "write the chain-rule formula with math.tanh; the check compares it with the engine.")
    for w, b in _points(23, 10, -1.5, 1.5).reshape(5, 2):
        w, b = float(w), float(b)
        _, dw, db = _loss_and_grad(w, b)
        yours, problem = real_array(f"(dL/dw, dL/db) at w = {w:.3f}, b = {b:.3f}", answer(w, b))
        if problem is not None:
            return problem
        result = compare_arrays(f"(dL/dw, dL/db) at w = {w:.3f}, b = {b:.3f}", yours, (dw, db))
        if result:
            continue
        yours = yours.ravel()
        if yours.shape == (2,) and np.allclose(yours, (dw / 2, db / 2)):
            hint = "half the true gradient: d(u^2)/du = 2u."
        elif yours.shape == (2,) and np.allclose(yours, (db, dw)):
            hint = "you returned (dL_db, dL_dw); the order asked for is (dL_dw, dL_db)."
        elif yours.shape == (2,) and np.allclose(yours, (-dw, -db)):
            hint = "the sign is flipped: d(a - t)^2/da = 2 (a - t), not 2 (t - a)."
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


@contextmanager
def _counting_backward():
    """Count the calls of ``Value.backward`` (on any Value) inside the block: yields a one-item list."""
    calls = [0]
    original = Value.backward

    def counted(self, *args, **kwargs):
        calls[0] += 1
        return original(self, *args, **kwargs)

    Value.backward = counted
    try:
        yield calls
    finally:
        Value.backward = original


@exercise("2.4", "a gradient with the engine")
def _check_gradient(answer) -> Result:
    for name, f, n in _TEST_FUNCTIONS:
        x = _points(24, n, 0.5, 2.0)
        try:
            with _counting_backward() as calls:
                yours = answer(f, [float(v) for v in x])
        except (TypeError, AttributeError) as err:
            return Result(False, f"for f = {name}: {err}. Wrap every number in Value before calling f.")
        if any(isinstance(g, Value) for g in np.ravel(np.asarray(yours, dtype=object))):
            return Result(False, "you returned Value objects: return their .grad numbers instead.")
        if np.ndim(yours) == 0:
            return Result(False, f"for f = {name} you returned one number; return a list with one "
                                 f"partial derivative per input ({n} here).")
        yours, problem = real_array(f"gradient of {name}", yours)
        if problem is not None:
            return problem
        reference = numerical_gradient(lambda a: f([Value(float(v)) for v in a]).data, x.copy())
        result = compare_arrays(f"gradient of {name}", yours, reference, rtol=1e-6, atol=1e-8)
        if not result:
            return Result(False, f"{result.message} Hint: values = [Value(v) for v in xs]; "
                                 "out = f(values); out.backward(); return [v.grad for v in values].")
        if calls[0] == 0:
            return Result(False, f"right numbers for f = {name}, but without backward(): the exercise asks "
                                 "for reverse mode — ONE out.backward() fills every v.grad (no forward mode, "
                                 "no central differences).")
        if calls[0] > 1:
            return Result(False, f"right numbers for f = {name}, but with {calls[0]} backward() calls; ONE "
                                 "call fills the .grad of EVERY input: build the Values once, call "
                                 "f(values).backward() once, then read all the grads.")
    return Result(True, "one backward() call gave every partial derivative, matching central differences.")


@exercise("2.5", "memory kept for the backward pass")
def _check_cached_bytes(answer) -> Result:
    tool = uses_name(answer, "MLP", "Sequential", "forward", "cached_bytes", "memory_profile", "cached_arrays")
    if tool:
        return Result(False, f"your function uses {tool}: the exercise asks you to PREDICT the bytes from "
                             "layer_sizes and batch_size alone, without building or running a network.")
    cases = [([784, 256, 256, 10], 64), ([20, 5, 3], 7), ([100, 50, 50, 50, 2], 32), ([8, 4], 5)]
    for sizes, batch in cases:
        model = MLP(sizes, rng=np.random.default_rng(0))
        model.forward(np.zeros((batch, sizes[0])))
        expected = memory.cached_bytes(model)
        value, problem = real_array(f"predicted bytes for {sizes}, batch {batch}", answer(list(sizes), batch))
        if problem is not None:
            return problem
        if value.size != 1:
            return Result(False, f"expected one number of bytes, got an array of shape {value.shape}.")
        value = float(value.ravel()[0])
        if value == expected:
            continue
        where = f"for layer_sizes = {sizes} and batch_size = {batch} you predict {value:,.0f} bytes, measured {expected:,}."
        inputs, hidden = sum(sizes[:-1]), sum(sizes[1:-1])
        if value == expected - batch * hidden:
            hint = "you left out the ReLU masks: each ReLU keeps x > 0, one byte (bool) per entry."
        elif value == batch * 8 * (inputs + hidden):
            hint = "the ReLU masks are booleans, 1 byte per entry, not 8."
        elif value == expected - batch * 8 * sizes[0]:
            hint = "the first Linear layer keeps its input too — the batch X itself, N × layer_sizes[0] floats."
        elif value == expected + batch * 8 * sizes[-1]:
            hint = "the output layer's result is not cached: nothing after it needs it for backward."
        elif batch and value * batch == expected:
            hint = "every cached array has one row per example: multiply by batch_size."
        elif value * 2 == expected or value == 4 * batch * inputs + batch * hidden:
            hint = "float64 takes 8 bytes per number, not 4."
        else:
            hint = ("each Linear keeps its input, N × in floats of 8 bytes; each ReLU keeps a mask of "
                    "N × width booleans of 1 byte; nothing else.")
        return Result(False, f"{where} Hint: {hint}")
    return Result(True, "your prediction matches the measured cache of every network we tried.")
