"""Chapter 3, initialisation: equal initial weights keep the hidden units identical forever."""

import numpy as np
import pytest

from course_lib.layers import Linear, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh
from course_lib.network import Sequential


def _train(first, activation, X, y, steps=25, lr=0.5, equal_second=False):
    second = Linear(first.out_features, 3, rng=np.random.default_rng(1))
    if equal_second:
        second.params["W"][...] = -0.2  # each hidden unit's outgoing weights the same as the others'
    model = Sequential(first, activation, second)
    loss = SoftmaxCrossEntropy()
    for _ in range(steps):
        loss.forward(model.forward(X), y)
        model.backward(loss.backward())
        for key, value in model.params.items():
            value -= lr * model.grads[key]
    return model


@pytest.mark.parametrize("activation", [Sigmoid, Tanh, ReLU])
def test_equal_initial_weights_keep_hidden_units_identical(activation):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 5)), rng.integers(0, 3, size=20)
    first = Linear(5, 4, rng=rng)
    first.params["W"][...] = 0.3  # every hidden unit starts with the same incoming weights
    model = _train(first, activation(), X, y, equal_second=True)
    W, b = model.params["0.W"], model.params["0.b"]
    assert not np.allclose(W, 0.3), "training should have moved the weights"
    # every column (unit) of W, and every entry of b, is still equal to the first one
    np.testing.assert_allclose(W, np.repeat(W[:, :1], W.shape[1], axis=1), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(b, np.full_like(b, b[0]), rtol=1e-12, atol=1e-15)
    hidden = model.layers[1].forward(model.layers[0].forward(X))
    np.testing.assert_allclose(hidden, np.repeat(hidden[:, :1], 4, axis=1), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation", [Sigmoid, Tanh, ReLU])
def test_random_initial_weights_make_units_differ(activation):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 5)), rng.integers(0, 3, size=20)
    model = _train(Linear(5, 4, rng=rng, init="xavier"), activation(), X, y)
    W = model.params["0.W"]
    assert np.min([np.max(np.abs(W[:, i] - W[:, j])) for i in range(4) for j in range(i)]) > 1e-3
