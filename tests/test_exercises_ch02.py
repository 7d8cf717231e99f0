"""Chapter 2 exercise checkers: the reference passes, each plausible mistake fails with its own hint."""

import math
import re

import numpy as np
import pytest

from course_lib import i18n
from course_lib.autodiff import Value, forward_mode_derivative
from course_lib.exercises import check
from course_lib.gradcheck import numerical_derivative, numerical_gradient


def _central(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


def _softplus_grad(x):
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def _grad_by_hand(w, b):
    x, t = 1.5, 0.5
    a = math.tanh(w * x + b)
    dL_dz = 2 * (a - t) * (1 - a**2)
    return dL_dz * x, dL_dz


def _gradient(f, xs):
    values = [Value(x) for x in xs]
    f(values).backward()
    return [v.grad for v in values]


def _predict(layer_sizes, batch_size):
    return batch_size * (8 * sum(layer_sizes[:-1]) + sum(layer_sizes[1:-1]))


@pytest.mark.parametrize(
    "exercise_id, answer",
    [("2.1", _central), ("2.2", _softplus_grad), ("2.2", lambda x: 0.5 * (1 + math.tanh(x / 2))),
     ("2.3", _grad_by_hand), ("2.4", _gradient), ("2.5", _predict)],
)
def test_reference_answers_pass(exercise_id, answer):
    assert check(exercise_id, answer)


def test_reference_answers_leave_value_backward_intact():
    original = Value.backward
    check("2.4", _gradient)
    check("2.4", lambda f, xs: 1 / 0)  # an answer that raises inside the counting block
    assert Value.backward is original


CENTRAL_BAD = [
    (lambda f, x, h=1e-5: (f(x + h) - f(x)) / h, "FORWARD difference"),
    (lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h, "divide by 2h"),
    (lambda f, x, h=1e-2: (f(x + h) - f(x - h)) / (2 * h), "default h"),
    (lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h), "give h a default"),
    (lambda f, x, h=1e-5: numerical_derivative(f, x, h), "not to call"),
    (lambda f, x, h=1e-5: complex((f(x + h) - f(x - h)) / (2 * h)), "complex"),
    (lambda f, x, h=1e-5: float("nan"), "NaN"),
]


@pytest.mark.parametrize("bad, hint", CENTRAL_BAD)
def test_central_difference_hints(bad, hint):
    result = check("2.1", bad)
    assert not result and hint in result.message, result.message


SOFTPLUS_BAD = [
    (lambda x: math.exp(x) / (1 + math.exp(x)), "overflows"),  # the former reference
    (lambda x: 1 / (1 + math.exp(-x)), "overflows"),  # overflows for x = -800
    (lambda x: np.exp(x) / (1 + np.exp(x)), "overflows"),  # inf / inf = nan, no exception
    (lambda x: math.exp(x), "inner derivative"),
    (lambda x: 1 / (1 + math.exp(x)), "outer derivative"),
    (lambda x: math.log1p(math.exp(x)), "softplus itself"),
    (lambda x: complex(_softplus_grad(x)), "complex"),
    (lambda x: [_softplus_grad(x)] * 2, "one number"),
]


@pytest.mark.parametrize("bad, hint", SOFTPLUS_BAD)
def test_softplus_grad_hints(bad, hint):
    with np.errstate(all="ignore"):
        result = check("2.2", bad)
    assert not result and hint in result.message, result.message


def _by_engine(w, b):
    wv, bv = Value(w), Value(b)
    loss = ((wv * 1.5 + bv).tanh() - 0.5) ** 2
    loss.backward()
    return wv.grad, bv.grad


BY_HAND_BAD = [
    (lambda w, b: tuple(g / 2 for g in _grad_by_hand(w, b)), "d(u^2)/du = 2u"),
    (lambda w, b: _grad_by_hand(w, b)[::-1], "order"),
    (lambda w, b: tuple(-g for g in _grad_by_hand(w, b)), "sign is flipped"),
    (lambda w, b: (_grad_by_hand(w, b)[1], _grad_by_hand(w, b)[1]), "factor x = 1.5"),
    (lambda w, b: (2 * (math.tanh(1.5 * w + b) - 0.5) * 1.5, 2 * (math.tanh(1.5 * w + b) - 0.5)),
     "tanh step"),
    (_by_engine, "BY HAND"),
    (lambda w, b: ("dw", "db"), "expected numbers"),
    (lambda w, b: (complex(_grad_by_hand(w, b)[0]), 0.0), "complex"),
]


@pytest.mark.parametrize("bad, hint", BY_HAND_BAD)
def test_grad_by_hand_hints(bad, hint):
    result = check("2.3", bad)
    assert not result and hint in result.message, result.message


def _one_backward_per_input(f, xs):
    grads = []
    for i in range(len(xs)):
        values = [Value(x) for x in xs]
        f(values).backward()
        grads.append(values[i].grad)
    return grads


def _forward_mode(f, xs):
    values = [Value(x) for x in xs]
    out = f(values)
    return [forward_mode_derivative(out, v) for v in values]


GRADIENT_BAD = [
    (_one_backward_per_input, "ONE call"),
    (_forward_mode, "without backward()"),
    (lambda f, xs: list(numerical_gradient(lambda a: f([Value(float(v)) for v in a]).data,
                                           np.array(xs))), "without backward()"),
    (lambda f, xs: [v for v in [Value(x) for x in xs]], "Value objects"),
    (lambda f, xs: f([Value(x) for x in xs]).data, "one number"),
    (lambda f, xs: [1.0] * len(xs), "values differ"),
    (lambda f, xs: f(xs).backward(), "Wrap every number in Value"),
]


@pytest.mark.parametrize("bad, hint", GRADIENT_BAD)
def test_gradient_hints(bad, hint):
    result = check("2.4", bad)
    assert not result and hint in result.message, result.message


CACHED_BAD = [
    (lambda s, n: n * 8 * sum(s[:-1]), "ReLU masks"),
    (lambda s, n: n * 8 * (sum(s[:-1]) + sum(s[1:-1])), "1 byte per entry"),
    (lambda s, n: n * (8 * sum(s[1:-1]) + sum(s[1:-1])), "first Linear"),
    (lambda s, n: n * (8 * sum(s) + sum(s[1:-1])), "output layer"),
    (lambda s, n: 8 * sum(s[:-1]) + sum(s[1:-1]), "batch_size"),
    (lambda s, n: n * (4 * sum(s[:-1]) + sum(s[1:-1])), "8 bytes"),
    (lambda s, n: 12345, "each Linear keeps"),
    (lambda s, n: complex(_predict(s, n)), "complex"),
]


@pytest.mark.parametrize("bad, hint", CACHED_BAD)
def test_cached_bytes_hints(bad, hint):
    result = check("2.5", bad)
    assert not result and hint in result.message, result.message


def test_cached_bytes_refuses_a_measurement():
    from course_lib import memory
    from course_lib.network import MLP

    def measured(layer_sizes, batch_size):
        model = MLP(layer_sizes, rng=np.random.default_rng(0))
        model.forward(np.zeros((batch_size, layer_sizes[0])))
        return memory.cached_bytes(model)

    result = check("2.5", measured)
    assert not result and "PREDICT" in result.message


# --- the same checks in Japanese (setup_notebook(..., lang="ja")) ---------------------------------

_SHARED_HELPER_HINTS = {"complex", "NaN", "expected numbers"}  # worded by course_lib.exercises' helpers
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture
def japanese():
    i18n.set_language("ja")
    yield
    i18n.set_language("en")


@pytest.mark.parametrize(
    "exercise_id, bad, hint",
    [(ex, bad, hint) for ex, cases in [("2.1", CENTRAL_BAD), ("2.2", SOFTPLUS_BAD), ("2.3", BY_HAND_BAD),
                                         ("2.4", GRADIENT_BAD), ("2.5", CACHED_BAD)]
     for bad, hint in cases if hint not in _SHARED_HELPER_HINTS],
)
def test_every_hint_speaks_japanese(japanese, exercise_id, bad, hint):
    with np.errstate(all="ignore"):
        result = check(exercise_id, bad)
    assert not result and _JAPANESE.search(result.message), result.message
    i18n.set_language("en")
    with np.errstate(all="ignore"):
        assert hint in check(exercise_id, bad).message  # the English hint is unchanged


@pytest.mark.parametrize(
    "exercise_id, answer",
    [("2.1", _central), ("2.2", _softplus_grad), ("2.3", _grad_by_hand), ("2.4", _gradient), ("2.5", _predict)],
)
def test_passing_answers_are_praised_in_japanese(japanese, exercise_id, answer):
    result = check(exercise_id, answer)
    assert result and _JAPANESE.search(result.message), result.message
