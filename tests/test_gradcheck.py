"""Tests for course_lib.gradcheck (chapter 2): central differences on known derivatives, how their
error depends on h, x restored after numerical_gradient, relative_error, check_layer, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib.gradcheck import check_layer, numerical_derivative, numerical_gradient, relative_error

# ---- numerical_derivative: known derivatives ----

KNOWN = [
    ("sin", math.sin, math.cos),
    ("exp", math.exp, math.exp),
    ("cube", lambda x: x**3, lambda x: 3 * x**2),
    ("log", math.log, lambda x: 1 / x),
    ("tanh", math.tanh, lambda x: 1 - math.tanh(x) ** 2),
]


@pytest.mark.parametrize("name, f, df", KNOWN, ids=[k[0] for k in KNOWN])
@pytest.mark.parametrize("x", [0.3, 1.0, 2.5])
def test_numerical_derivative_of_known_functions(name, f, df, x):
    assert relative_error(numerical_derivative(f, x), df(x)) < 1e-8


def test_numerical_derivative_returns_a_python_float():
    assert type(numerical_derivative(lambda x: np.float64(x) ** 2, 1.0)) is float


@given(st.floats(-3, 3), st.floats(-3, 3), st.floats(-3, 3), st.floats(-3, 3))
def test_central_difference_is_exact_for_quadratics_up_to_round_off(a, b, c, x):
    # the h^2 term of the Taylor series needs f''' -- zero for a quadratic
    approx = numerical_derivative(lambda t: a * t * t + b * t + c, x, h=1e-3)
    assert approx == pytest.approx(2 * a * x + b, abs=1e-9)


# ---- error versus h: truncation O(h^2), round-off O(eps/h) ----


def central_error(h, x=1.0):
    return abs(numerical_derivative(math.exp, x, h) - math.exp(x))


def test_truncation_error_shrinks_like_h_squared():
    # error ~ h^2/6 |f'''(x)|: ten times smaller h, a hundred times smaller error
    for h in (1e-1, 1e-2):
        ratio = central_error(h) / central_error(h / 10)
        assert 90 < ratio < 110
    assert central_error(1e-2) == pytest.approx(1e-4 / 6 * math.e, rel=1e-3)


def test_round_off_error_grows_when_h_is_too_small():
    # below the optimum, cancellation in f(x+h) - f(x-h) dominates: error ~ eps |f| / h
    assert central_error(1e-12) > 100 * central_error(1e-5)
    assert central_error(1e-14) > central_error(1e-10)


def test_default_h_is_near_the_optimum():
    hs = 10.0 ** -np.arange(1, 14)
    mean_errors = [np.mean([central_error(h, x) for x in np.linspace(0.5, 1.5, 21)]) for h in hs]
    best = hs[int(np.argmin(mean_errors))]
    assert 1e-7 <= best <= 1e-4  # theory: (3 eps)^(1/3) ~ 1e-5
    assert relative_error(numerical_derivative(math.exp, 1.0), math.e) < 1e-9


# ---- numerical_gradient ----


@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 2, 2)])
def test_numerical_gradient_of_sum_of_squares(shape):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    grad = numerical_gradient(lambda a: np.sum(a**2), x)
    assert grad.shape == x.shape and grad.dtype == np.float64
    assert relative_error(grad, 2 * x) < 1e-8


@given(st.lists(st.floats(-5, 5), min_size=1, max_size=6))
def test_numerical_gradient_of_a_linear_function_is_its_weights(weights):
    w = np.array(weights)
    x = np.linspace(-1, 1, w.size)
    assert np.allclose(numerical_gradient(lambda a: float(w @ a), x), w, atol=1e-8)


def test_numerical_gradient_restores_x_exactly_and_perturbs_it_in_place():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 2))
    before = x.copy()
    seen = []

    def f(a):
        seen.append(a is x)  # f is called with x itself, so closures over x see the perturbation
        return float(np.sum(np.sin(x)))

    grad = numerical_gradient(f, x)
    assert np.array_equal(x, before)  # bit for bit
    assert all(seen) and len(seen) == 2 * x.size  # two evaluations per entry
    assert relative_error(grad, np.cos(before)) < 1e-8


def test_numerical_gradient_through_a_closure_over_parameters():
    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    X = np.array([[1.0, 2.0]])
    grad = numerical_gradient(lambda _: float(np.sum(X @ W)), W)
    assert relative_error(grad, X.T @ np.ones((1, 2))) < 1e-9


def test_numerical_gradient_restores_x_even_if_f_raises():
    x = np.array([1.0, 2.0])

    def f(a):
        if a[1] != 2.0:
            raise RuntimeError("boom")
        return float(a.sum())

    with pytest.raises(RuntimeError):
        numerical_gradient(f, x)
    assert np.array_equal(x, [1.0, 2.0])


def test_numerical_gradient_is_accurate_for_float32_parameters():
    x = np.array([1.0, 3.0], dtype=np.float32)
    grad = numerical_gradient(lambda a: float(np.sum(a.astype(np.float64) ** 2)), x)
    assert relative_error(grad, [2.0, 6.0]) < 1e-6


# ---- relative_error ----


def test_relative_error_values():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error(1.0, 1.0 + 1e-8) == pytest.approx(1e-8, rel=1e-6)
    assert relative_error([1.0, -3.0], [1.0, 3.0]) == pytest.approx(6 / math.sqrt(10))  # ||a-b|| / max norm
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.zeros((0, 3)), np.zeros((0, 3))) == 0.0
    assert relative_error([0.0, 0.0], [0.0, 1e-3]) == 1.0  # unrelated: about 1


def test_relative_error_ignores_round_off_in_nearly_zero_entries():
    # norms, not entry by entry: an entry ~1e-10 that is off by 100 % does not raise a false alarm
    assert relative_error([100.0, 1e-10], [100.0, 2e-10]) == pytest.approx(1e-12)
    assert relative_error([100.0, 1.0], [100.0, 1.1]) == pytest.approx(0.1 / math.hypot(100, 1.1))


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_relative_error_is_symmetric_and_bounded(a, b):
    err = relative_error(a, b)
    assert err == relative_error(b, a)
    assert 0.0 <= err <= 2.0


def test_relative_error_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="shape"):
        relative_error(np.zeros(3), np.zeros((3, 1)))


# ---- check_layer, with small hand-written layers ----


class TinyLinear:
    """y = x @ W + b, written out here so that gradcheck is tested on its own."""

    def __init__(self, rng, wrong_dW=False):
        self.params = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
        self.grads = {}
        self.wrong_dW = wrong_dW

    def forward(self, x):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, grad_out):
        self.grads["W"] = self.x.T @ grad_out * (1.5 if self.wrong_dW else 1.0)
        self.grads["b"] = grad_out.sum(axis=0)
        return grad_out @ self.params["W"].T


class TinyTanh:
    params: dict = {}
    grads: dict = {}

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, grad_out):
        return grad_out * (1 - self.out**2)


def test_check_layer_passes_a_correct_layer():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 3))
    before = x.copy()
    errors = check_layer(TinyLinear(rng), x, rng=rng)
    assert set(errors) == {"x", "W", "b"} and max(errors.values()) < 1e-7
    assert np.array_equal(x, before)
    assert check_layer(TinyTanh(), x)["x"] < 1e-7


def test_check_layer_catches_a_wrong_gradient():
    rng = np.random.default_rng(3)
    errors = check_layer(TinyLinear(rng, wrong_dW=True), rng.normal(size=(4, 3)))
    assert errors["W"] > 0.1 and errors["x"] < 1e-7 and errors["b"] < 1e-7


# ---- bad input ----


def test_bad_functions_and_points_raise_type_error():
    with pytest.raises(TypeError, match="f must be a function"):
        numerical_derivative(3.0, 1.0)
    with pytest.raises(TypeError, match="f must be a function"):
        numerical_gradient("sum", np.zeros(2))
    for bad_x in ("1.0", None, True, 1 + 2j, np.zeros(2)):
        with pytest.raises(TypeError, match="x must be a real number"):
            numerical_derivative(math.sin, bad_x)
    for bad_x in ([1.0, 2.0], np.array([1, 2]), 3.0):
        with pytest.raises(TypeError, match="x must be a NumPy array of floats"):
            numerical_gradient(np.sum, bad_x)
    with pytest.raises(TypeError, match="x must be an array of numbers"):
        check_layer(TinyTanh(), "[[1.0, 2.0]]")
    assert max(check_layer(TinyTanh(), [[1.0, 2.0]]).values()) <= 1e-7  # a list is fine: copied


@pytest.mark.parametrize("bad_h", [0.0, -1e-5, float("nan")])
def test_bad_step_sizes_raise_value_error(bad_h):
    with pytest.raises(ValueError, match="h must be a positive number"):
        numerical_derivative(math.sin, 1.0, h=bad_h)
    with pytest.raises(ValueError, match="h must be a positive number"):
        numerical_gradient(np.sum, np.zeros(2), h=bad_h)


@pytest.mark.parametrize("bad_h", ["1e-5", None, True])
def test_step_sizes_that_are_not_numbers_are_refused(bad_h):
    with pytest.raises((TypeError, ValueError), match="h must be a positive number"):
        numerical_derivative(math.sin, 1.0, h=bad_h)


def test_infinite_step_is_refused():
    with pytest.raises(ValueError, match="h must be"):
        numerical_derivative(lambda t: t * t, 1.0, h=float("inf"))


def test_numpy_scalars_are_accepted():
    assert numerical_derivative(math.sin, np.float64(0.5), h=np.float64(1e-5)) == pytest.approx(math.cos(0.5))


# ---------------------------------------------------------------- float32 layers (issue 10.1)
def test_check_layer_on_a_correct_float32_linear_reports_float64_accuracy():
    from course_lib.layers import Linear

    rng = np.random.default_rng(0)
    layer = Linear(4, 3, rng=rng, dtype=np.float32)
    layer.params["b"][...] = rng.standard_normal(3)
    before = {k: v.copy() for k, v in layer.params.items()}
    x = rng.standard_normal((5, 4)).astype(np.float32)
    errors = check_layer(layer, x, rng=rng)
    assert set(errors) == {"x", "W", "b"} and max(errors.values()) <= 1e-7, errors
    for key, value in layer.params.items():  # the layer passed in is untouched, still float32
        assert value.dtype == np.float32
        np.testing.assert_array_equal(value, before[key])


def test_check_layer_on_a_float32_mlp_and_float32_input_to_a_float64_layer():
    from course_lib.layers import Tanh
    from course_lib.network import MLP

    rng = np.random.default_rng(1)
    model = MLP([3, 5, 2], activation="tanh", rng=rng, dtype=np.float32)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    assert max(check_layer(model, x, rng=rng).values()) <= 1e-7
    assert check_layer(Tanh(), x, rng=rng)["x"] <= 1e-7


def test_check_layer_still_catches_a_wrong_float32_layer():
    from course_lib.layers import Linear

    class Wrong(Linear):
        def backward(self, grad_out, input_grad=True):
            dx = super().backward(grad_out, input_grad)
            self.grads["W"] = self.grads["W"] * 1.01  # 1% off
            return dx

    rng = np.random.default_rng(2)
    errors = check_layer(Wrong(3, 2, rng=rng, dtype=np.float32), np.ones((2, 3), np.float32), rng=rng)
    assert errors["W"] > 1e-3 and errors["x"] <= 1e-7
