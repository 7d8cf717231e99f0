"""Float32 paths: losses, layers and an MLP stay float32 — and finite — from moderate logits up to
extreme ones (±20, ±100, ±1e4), forward and backward."""

import numpy as np
import pytest

from course_lib import losses
from course_lib.gradcheck import check_layer
from course_lib.layers import Linear, MSELoss, ReLU, Sigmoid, Softmax, SoftmaxCrossEntropy, Tanh
from course_lib.network import MLP

SCALES = [1.0, 20.0, 100.0, 1e4]


def extreme_logits(scale, n=6, c=4, seed=0):
    """Rows mixing +scale, -scale and 0, as float32 (the biggest logit is sometimes the true one)."""
    rng = np.random.default_rng(seed)
    return (rng.choice([-1.0, 0.0, 1.0], size=(n, c)) * scale).astype(np.float32), rng.integers(0, c, n)


def assert_float32_finite(*arrays):
    for a in arrays:
        assert a.dtype == np.float32, a.dtype
        assert np.all(np.isfinite(a))


@pytest.mark.parametrize("scale", SCALES)
def test_softmax_family_stays_float32_and_finite(scale):
    z, labels = extreme_logits(scale)
    p, log_p = losses.softmax(z), losses.log_softmax(z)
    assert_float32_finite(p, log_p)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    assert np.all(log_p <= 0)
    grad = losses.softmax_cross_entropy_grad(z, labels)
    assert_float32_finite(grad)
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-6)  # (p - t)/N: each row sums to 0
    for value in (losses.softmax_cross_entropy(z, labels), losses.cross_entropy(p, labels),
                  losses.softmax_cross_entropy(z, losses.one_hot(labels, 4).astype(np.float32))):
        assert np.isfinite(value) and value >= 0


@pytest.mark.parametrize("scale", SCALES)
def test_softmax_cross_entropy_float32_matches_float64_where_float32_can(scale):
    z, labels = extreme_logits(scale)
    exact = losses.softmax_cross_entropy(z.astype(np.float64), labels)
    assert losses.softmax_cross_entropy(z, labels) == pytest.approx(exact, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("scale", SCALES)
def test_binary_cross_entropy_of_float32_sigmoids_is_finite(scale):
    z, _ = extreme_logits(scale)
    p = Sigmoid().forward(z)
    assert_float32_finite(p)
    for t in (np.zeros_like(p), np.ones_like(p), (z > 0).astype(np.float32)):
        value = losses.binary_cross_entropy(p, t)
        assert np.isfinite(value) and value >= 0
    assert losses.binary_cross_entropy(p, (z > 0).astype(np.float32)) <= losses.binary_cross_entropy(
        np.full_like(p, 0.5), (z > 0).astype(np.float32)) + 1e-6  # right side of 0.5: never worse


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("kind", [ReLU, Sigmoid, Tanh, Softmax])
def test_activations_float32_forward_backward_at_extreme_inputs(kind, scale):
    z, _ = extreme_logits(scale)
    layer = kind()
    out = layer.forward(z)
    grad_in = layer.backward(np.ones_like(out))
    assert_float32_finite(out, grad_in)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("loss_kind", [SoftmaxCrossEntropy, MSELoss])
def test_loss_layers_float32_at_extreme_scores(loss_kind, scale):
    z, labels = extreme_logits(scale)
    loss = loss_kind()
    targets = labels if loss_kind is SoftmaxCrossEntropy else np.zeros_like(z)
    value = loss.forward(z, targets)
    assert np.isfinite(value) and value >= 0
    assert_float32_finite(loss.backward())


@pytest.mark.parametrize("scale", SCALES)
def test_linear_float32_at_extreme_inputs(scale):
    rng = np.random.default_rng(1)
    layer = Linear(4, 3, rng=rng, dtype=np.float32)
    x, _ = extreme_logits(scale)
    out = layer.forward(x)
    dx = layer.backward(np.ones_like(out))
    assert_float32_finite(out, dx, layer.grads["W"], layer.grads["b"])
    assert max(check_layer(layer, x / scale, rng=rng).values()) <= 1e-7  # and it is correct


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_float32_mlp_forward_backward_at_extreme_logits(activation, scale):
    rng = np.random.default_rng(2)
    model = MLP([5, 8, 4], activation=activation, rng=rng, dtype=np.float32)
    X = rng.standard_normal((6, 5)).astype(np.float32)
    scores = model.forward(X)
    model.params["2.W"][...] *= np.float32(scale / max(np.abs(scores).max(), 1e-3))  # logits ~ ±scale
    loss = SoftmaxCrossEntropy()
    value = loss.forward(model.forward(X), rng.integers(0, 4, 6))
    assert np.isfinite(value)
    assert model.backward(loss.backward()).dtype == np.float32
    for name, grad in model.grads.items():
        assert_float32_finite(grad)
        assert grad.shape == model.params[name].shape
    assert model.predict(X).dtype == np.int64
