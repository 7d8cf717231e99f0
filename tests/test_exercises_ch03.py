"""Chapter 3 exercise checkers: the reference passes, each plausible mistake gets its targeted hint."""

import re

import numpy as np
import pytest

from course_lib import i18n, losses
from course_lib.exercises import check
from course_lib.layers import Linear, ReLU, SoftmaxCrossEntropy
from course_lib.network import Sequential


def _fails_with(exercise_id, answer, hint):
    result = check(exercise_id, answer)
    assert not result, f"{exercise_id} should fail"
    assert hint in result.message, result.message
    assert not result.message.startswith(("Exercise", exercise_id)), result.message


# ----------------------------------------------------------------------------------- 3.1
def _sigmoid_backward(out, grad_out):
    return grad_out * out * (1 - out)


def _sigmoid_in_place(out, grad_out):
    grad_out *= out * (1 - out)
    return grad_out


def test_3_1_reference_passes():
    assert check("3.1", _sigmoid_backward)


@pytest.mark.parametrize("answer, hint", [
    (lambda out, g: out * (1 - out), "σ'(x) alone"),
    (lambda out, g: g / (1 + np.exp(-out)) * (1 - 1 / (1 + np.exp(-out))), "out is already σ(x)"),
    (_sigmoid_in_place, "changed its arguments in place"),
    (lambda out, g: g * out, "σ'(x) = σ(x)(1 − σ(x))"),
    (lambda out, g: (g * out * (1 - out))[..., :1], "shape"),
    (lambda out, g: g * out * (1 - out) + 0j, "complex"),
    (lambda out, g: g * out * (1 - out) * np.nan, "NaN"),
    (lambda out, g: (g * out * (1 - out)).reshape(-1), "shape"),  # loses the shape of 2-D/3-D inputs
])
def test_3_1_mistakes_get_hints(answer, hint):
    _fails_with("3.1", answer, hint)


# ----------------------------------------------------------------------------------- 3.2
def _linear_backward(x, W, g):
    return g @ W.T, x.T @ g, g.sum(axis=0)


@pytest.mark.parametrize("answer, hint", [
    (lambda x, W, g: (g @ W.T, g.T @ x, g.sum(axis=0)), "shape of W transposed"),
    (lambda x, W, g: (g @ W.T, x.T @ g, g.mean(axis=0)), "not a mean"),
    (lambda x, W, g: (g @ W.T, x.T @ g, g.sum(axis=0, keepdims=True)), "db must have shape (out,)"),
    (lambda x, W, g: (x.T @ g, g @ W.T, g.sum(axis=0)), "wrong order"),
    (lambda x, W, g: (g @ W, x.T @ g, g.sum(axis=0)), "incompatible shapes"),
    (lambda x, W, g: (g @ W.T, x.T @ g), "three arrays"),
    (lambda x, W, g: (g @ W.T + 0j, x.T @ g, g.sum(axis=0)), "complex"),
])
def test_3_2_mistakes_get_hints(answer, hint):
    assert check("3.2", _linear_backward)
    _fails_with("3.2", answer, hint)


# ----------------------------------------------------------------------------------- 3.3
def _two_layer(X, y, W1, b1, W2, b2, divide=True, mask=True):
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    P, T = losses.softmax(A1 @ W2 + b2), losses.one_hot(y, W2.shape[1])
    dZ2 = (P - T) / (len(X) if divide else 1)
    dZ1 = (dZ2 @ W2.T) * ((Z1 > 0) if mask else 1)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}


def _two_layer_with_layers(X, y, W1, b1, W2, b2):
    l1, l2 = Linear(*W1.shape), Linear(*W2.shape)
    l1.params.update(W=W1, b=b1)
    l2.params.update(W=W2, b=b2)
    model, loss = Sequential(l1, ReLU(), l2), SoftmaxCrossEntropy()
    loss.forward(model.forward(X), y)
    model.backward(loss.backward())
    return {"W1": l1.grads["W"], "b1": l1.grads["b"], "W2": l2.grads["W"], "b2": l2.grads["b"]}


@pytest.mark.parametrize("answer, hint", [
    (_two_layer_with_layers, "NumPy and `losses` only"),
    (lambda *a: _two_layer(*a, divide=False), "times too large"),
    (lambda *a: _two_layer(*a, mask=False), "through the ReLU"),
    (lambda *a: {k: v for k, v in _two_layer(*a).items() if k != "b1"}, "keys 'W1', 'b1', 'W2', 'b2'"),
    (lambda *a: {**_two_layer(*a), "b2": _two_layer(*a)["b2"] / 6}, "sums the error signal"),
    (lambda *a: {k: v + 0j for k, v in _two_layer(*a).items()}, "complex"),
])
def test_3_3_mistakes_get_hints(answer, hint):
    assert check("3.3", _two_layer)
    _fails_with("3.3", answer, hint)


def test_3_3_layers_are_restored_after_the_check():
    check("3.3", _two_layer_with_layers)
    assert Linear.forward.__name__ == "forward" and ReLU.backward.__name__ == "backward"


# ----------------------------------------------------------------------------------- 3.4
def _softmax_backward(p, g):
    return p * (g - (g * p).sum(axis=1, keepdims=True))


def _softmax_with_jacobians(p, g):
    return np.array([(np.diag(row) - np.outer(row, row)) @ gr for row, gr in zip(p, g)])


def _softmax_in_place(p, g):
    g -= (g * p).sum(axis=1, keepdims=True)
    return p * g


@pytest.mark.parametrize("answer, hint", [
    (_softmax_with_jacobians, "builds the C × C Jacobian"),
    (lambda p, g: p * g, "not elementwise"),
    (lambda p, g: p * ((g * p).sum(axis=1, keepdims=True) - g), "sign is flipped"),
    (lambda p, g: p * (g - (g * p).sum(axis=0, keepdims=True)), "ONE example (axis=1)"),
    (lambda p, g: g - (g * p).sum(axis=1, keepdims=True), "Multiply by p"),
    (lambda p, g: g * p * (1 - p), "only the diagonal"),
    (lambda p, g: p * (g - (g * p).sum(axis=1)), "keepdims=True"),
    (lambda p, g: ((np.diag(p.ravel()) - np.outer(p.ravel(), p.ravel())) @ g.ravel()).reshape(p.shape),
     "One Jacobian per example"),
    (_softmax_in_place, "in place"),
    (lambda p, g: _softmax_backward(p, g) + 0j, "complex"),
])
def test_3_4_mistakes_get_hints(answer, hint):
    assert check("3.4", _softmax_backward)
    _fails_with("3.4", answer, hint)


# ----------------------------------------------------------------------------------- 3.5
def _he_init(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def test_3_5_reference_and_uniform_he_pass():
    assert check("3.5", _he_init)
    limit = np.sqrt(6.0 / 400)  # uniform on [-a, a] has variance a^2 / 3 = 2 / fan_in for fan_in = 400

    def uniform_he(fan_in, fan_out, rng):
        a = np.sqrt(6.0 / fan_in)
        return rng.uniform(-a, a, size=(fan_in, fan_out))

    assert limit > 0 and check("3.5", uniform_he)


@pytest.mark.parametrize("answer, hint", [
    (lambda i, o, rng: np.zeros((i, o)), "symmetry"),
    (lambda i, o, rng: np.full((i, o), 0.01), "symmetry"),
    (lambda i, o, rng: np.repeat(rng.normal(0, np.sqrt(2 / i), size=(i, 1)), o, axis=1), "symmetry"),
    (lambda i, o, rng: rng.normal(0, np.sqrt(1 / i), size=(i, o)), "twice the variance"),
    (lambda i, o, rng: rng.normal(0, np.sqrt(2 / (i + o)), size=(i, o)), "Xavier"),
    (lambda i, o, rng: rng.normal(0, np.sqrt(2 / o), size=(i, o)), "uses fan_out"),
    (lambda i, o, rng: rng.normal(0, 2 / i, size=(i, o)), "VARIANCE"),
    (lambda i, o, rng: rng.normal(0, 1, size=(i, o)), "far too large"),
    (lambda i, o, rng: rng.random((i, o)) * np.sqrt(2 / i), "centred at 0"),
    (lambda i, o, rng: np.random.default_rng().normal(0, np.sqrt(2 / i), size=(i, o)), "rng you are given"),
    (lambda i, o, rng: rng.normal(0, np.sqrt(2 / i), size=(o, i)), "(fan_in, fan_out)"),
    (lambda i, o, rng: rng.normal(0, np.sqrt(2 / i), size=(i, o)) * np.nan, "NaN"),
    (lambda i, o, rng: rng.normal(0, np.sqrt(2 / i), size=(i, o)) + 0j, "complex"),
    (lambda i, o, rng: rng.normal(0, np.sqrt(2 / 400), size=(400, 300)), "expected (3, 5)"),
])
def test_3_5_mistakes_get_hints(answer, hint):
    _fails_with("3.5", answer, hint)


# ----------------------------------------------------------------------------------- 3.6
def _dead_units(W, b, X):
    return np.all(X @ W + b <= 0, axis=0)


@pytest.mark.parametrize("answer, hint", [
    (lambda W, b, X: np.all(X @ W + b < 0, axis=0), "z <= 0, not z < 0"),
    (lambda W, b, X: np.any(X @ W + b <= 0, axis=0), "not np.any"),
    (lambda W, b, X: np.all(X @ W + b <= 0, axis=1), "one entry per EXAMPLE"),
    (lambda W, b, X: np.all(X @ W <= 0, axis=0), "include the bias"),
    (lambda W, b, X: ~np.all(X @ W + b <= 0, axis=0), "inverted"),
    (lambda W, b, X: int(np.all(X @ W + b <= 0, axis=0).sum()), "not a single number"),
    (lambda W, b, X: np.all(X @ W + b <= 0, axis=0).astype(int), "dtype bool"),
    (lambda W, b, X: np.all(X @ W.T + b <= 0, axis=0), "incompatible shapes"),
])
def test_3_6_mistakes_get_hints(answer, hint):
    assert check("3.6", _dead_units)
    _fails_with("3.6", answer, hint)


# ------------------------------------------------------------------------- Japanese hints
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture
def japanese():
    i18n.set_language("ja")
    yield
    i18n.set_language("en")


@pytest.mark.parametrize("exercise_id, answer", [
    ("3.1", _sigmoid_backward),
    ("3.1", lambda out, g: out * (1 - out)),
    ("3.1", _sigmoid_in_place),
    ("3.2", _linear_backward),
    ("3.2", lambda x, W, g: (g @ W.T, g.T @ x, g.sum(axis=0))),
    ("3.2", lambda x, W, g: (g @ W, x.T @ g, g.sum(axis=0))),
    ("3.3", _two_layer),
    ("3.3", _two_layer_with_layers),
    ("3.3", lambda *a: _two_layer(*a, divide=False)),
    ("3.4", _softmax_backward),
    ("3.4", _softmax_with_jacobians),
    ("3.4", lambda p, g: p * ((g * p).sum(axis=1, keepdims=True) - g)),
    ("3.5", _he_init),
    ("3.5", lambda i, o, rng: rng.normal(0, np.sqrt(2 / (i + o)), size=(i, o))),
    ("3.5", lambda i, o, rng: np.zeros((i, o))),
    ("3.6", _dead_units),
    ("3.6", lambda W, b, X: np.all(X @ W + b < 0, axis=0)),
    ("3.6", lambda W, b, X: np.all(X @ W + b <= 0, axis=0) + 0j),
])
def test_messages_are_japanese_when_the_notebook_is(japanese, exercise_id, answer):
    message = check(exercise_id, answer).message
    assert JAPANESE.search(message), message
    i18n.set_language("en")
    assert not JAPANESE.search(check(exercise_id, answer).message)
