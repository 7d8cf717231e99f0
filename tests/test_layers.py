"""Chapter 3 library: layers — gradients against central differences, dtype, no mutation, bad input."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import losses
from course_lib.gradcheck import check_layer, numerical_gradient, relative_error
from course_lib.layers import MSELoss, Linear, ReLU, Sigmoid, Softmax, SoftmaxCrossEntropy, Tanh

TOL = 1e-7
ACTIVATIONS = [ReLU, Sigmoid, Tanh]


def away_from_zero(x, margin=1e-3):
    """Move entries off the ReLU kink at 0, where the derivative is undefined."""
    return np.where(x >= 0, x + margin, x - margin)


def make_layer(kind, rng, n_in=4, n_out=3, dtype=np.float64):
    if kind is Linear:
        layer = Linear(n_in, n_out, rng=rng, dtype=dtype)
        layer.params["b"][...] = rng.standard_normal(n_out)  # non-zero bias: a real check of db
        return layer
    return kind()


# ---------------------------------------------------------------- gradients (float64)
@pytest.mark.parametrize("kind", [Linear, ReLU, Sigmoid, Tanh, Softmax])
def test_backward_matches_central_differences(kind):
    rng = np.random.default_rng(0)
    layer = make_layer(kind, rng)
    x = away_from_zero(rng.standard_normal((5, 4)))
    errors = check_layer(layer, x, rng=rng)
    assert set(errors) == {"x", *layer.params}
    assert max(errors.values()) <= TOL, errors


@settings(max_examples=25)
@given(
    n=st.integers(1, 6), n_in=st.integers(1, 6), n_out=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1), kind=st.sampled_from([Linear, ReLU, Sigmoid, Tanh, Softmax]),
)
def test_backward_matches_central_differences_any_shape(n, n_in, n_out, seed, kind):
    rng = np.random.default_rng(seed)
    layer = make_layer(kind, rng, n_in, n_out)
    x = away_from_zero(rng.standard_normal((n, n_in)) * 2)
    errors = check_layer(layer, x, rng=rng)
    assert max(errors.values()) <= TOL, errors


def test_linear_gradient_formulas():
    rng = np.random.default_rng(1)
    layer = Linear(3, 2, rng=rng)
    x, g = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    np.testing.assert_allclose(layer.forward(x), x @ layer.params["W"] + layer.params["b"])
    dx = layer.backward(g)
    np.testing.assert_allclose(layer.grads["W"], x.T @ g)
    np.testing.assert_allclose(layer.grads["b"], g.sum(axis=0))
    np.testing.assert_allclose(dx, g @ layer.params["W"].T)


def test_linear_input_grad_false_skips_dx_only():
    rng = np.random.default_rng(2)
    layer = Linear(3, 2, rng=rng)
    x, g = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    layer.forward(x)
    layer.backward(g)
    full = {k: v.copy() for k, v in layer.grads.items()}
    assert layer.backward(g, input_grad=False) is None
    for key in full:
        np.testing.assert_array_equal(layer.grads[key], full[key])


@pytest.mark.parametrize("targets_kind", ["labels", "one_hot"])
def test_softmax_cross_entropy_gradient(targets_kind):
    rng = np.random.default_rng(3)
    scores = rng.standard_normal((5, 4)) * 3
    labels = rng.integers(0, 4, size=5)
    targets = labels if targets_kind == "labels" else losses.one_hot(labels, 4)
    loss = SoftmaxCrossEntropy()
    value = loss.forward(scores, targets)
    assert value == pytest.approx(losses.softmax_cross_entropy(scores, labels), rel=1e-12)
    grad = loss.backward()
    np.testing.assert_allclose(grad, losses.softmax_cross_entropy_grad(scores, labels), rtol=1e-12)
    numeric = numerical_gradient(lambda z: SoftmaxCrossEntropy().forward(z, targets), scores)
    assert relative_error(grad, numeric) <= TOL


def test_mse_loss_matches_losses_module_and_central_differences():
    rng = np.random.default_rng(4)
    scores, targets = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    loss = MSELoss()
    assert loss.forward(scores, targets) == losses.mse(scores, targets)
    grad = loss.backward()
    np.testing.assert_array_equal(grad, losses.mse_grad(scores, targets))
    numeric = numerical_gradient(lambda z: MSELoss().forward(z, targets), scores)
    assert relative_error(grad, numeric) <= TOL


@settings(max_examples=20)
@given(n=st.integers(1, 6), c=st.integers(2, 6), seed=st.integers(0, 2**32 - 1))
def test_softmax_cross_entropy_gradient_any_shape(n, c, seed):
    rng = np.random.default_rng(seed)
    scores, labels = rng.standard_normal((n, c)) * 3, rng.integers(0, c, size=n)
    loss = SoftmaxCrossEntropy()
    loss.forward(scores, labels)
    grad = loss.backward()
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)  # each row of p - t sums to 0
    numeric = numerical_gradient(lambda z: SoftmaxCrossEntropy().forward(z, labels), scores)
    assert relative_error(grad, numeric) <= TOL


# ---------------------------------------------------------------- known values
def test_activation_values():
    x = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_array_equal(ReLU().forward(x), [[0.0, 0.0, 3.0]])
    np.testing.assert_allclose(Sigmoid().forward(x), 1 / (1 + np.exp(-x)), rtol=1e-15)
    np.testing.assert_allclose(Tanh().forward(x), np.tanh(x))


def test_relu_backward_is_a_mask():
    relu = ReLU()
    relu.forward(np.array([[-1.0, 2.0, -3.0, 4.0]]))
    np.testing.assert_array_equal(relu.backward(np.full((1, 4), 5.0)), [[0.0, 5.0, 0.0, 5.0]])


def test_sigmoid_is_stable_for_huge_inputs():
    x = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = Sigmoid().forward(x)
    assert np.all(np.isfinite(out)) and out[0, 0] == 0.0 and out[0, -1] == 1.0 and out[0, 2] == 0.5
    assert out[0, 1] == pytest.approx(np.exp(-50.0), rel=1e-12)  # precise in the far tail too


def test_softmax_cross_entropy_is_stable_for_huge_scores():
    loss = SoftmaxCrossEntropy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = loss.forward(np.array([[1000.0, 0.0, -1000.0]]), np.array([1]))
        grad = loss.backward()
    assert value == pytest.approx(1000.0)
    np.testing.assert_allclose(grad, [[1.0, -1.0, 0.0]], atol=1e-12)


# ---------------------------------------------------------------- initialisation
@pytest.mark.parametrize("init, expected_std", [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(2 / 600)),
                                                (0.01, 0.01)])
def test_initialisation_scale(init, expected_std):
    layer = Linear(400, 200, rng=np.random.default_rng(5), init=init)
    assert layer.params["W"].std() == pytest.approx(expected_std, rel=0.02)
    np.testing.assert_array_equal(layer.params["b"], 0.0)


def test_same_seed_same_weights_in_both_dtypes():
    w64 = Linear(5, 4, rng=np.random.default_rng(6)).params["W"]
    w32 = Linear(5, 4, rng=np.random.default_rng(6), dtype=np.float32).params["W"]
    np.testing.assert_array_equal(w32, w64.astype(np.float32))


def test_params_and_grads_have_matching_keys_and_shapes():
    layer = Linear(3, 2, rng=np.random.default_rng(0))
    assert set(layer.params) == set(layer.grads) == {"W", "b"}
    assert layer.params["W"].shape == (3, 2) and layer.params["b"].shape == (2,)
    for key in layer.params:
        assert layer.grads[key].shape == layer.params[key].shape
    for kind in ACTIVATIONS:
        assert kind().params == {} and kind().grads == {}


# ---------------------------------------------------------------- no mutation
@pytest.mark.parametrize("kind", [Linear, ReLU, Sigmoid, Tanh, Softmax])
def test_forward_and_backward_do_not_mutate_their_inputs(kind):
    rng = np.random.default_rng(7)
    layer = make_layer(kind, rng)
    x = rng.standard_normal((5, 4))
    x_before = x.copy()
    out = layer.forward(x)
    g = rng.standard_normal(out.shape)
    g_before = g.copy()
    first = layer.backward(g)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(g, g_before)
    assert first is not g
    # the cached state is intact too: a second backward gives the same answer
    grads_before = {k: v.copy() for k, v in layer.grads.items()}
    np.testing.assert_array_equal(layer.backward(g), first)
    for key, value in grads_before.items():
        np.testing.assert_array_equal(layer.grads[key], value)


@pytest.mark.parametrize("kind", [SoftmaxCrossEntropy, MSELoss])
def test_loss_layers_do_not_mutate_their_inputs(kind):
    rng = np.random.default_rng(8)
    scores = rng.standard_normal((4, 3))
    targets = rng.integers(0, 3, size=4) if kind is SoftmaxCrossEntropy else rng.standard_normal((4, 3))
    scores_before, targets_before = scores.copy(), targets.copy()
    loss = kind()
    loss.forward(scores, targets)
    first = loss.backward()
    np.testing.assert_array_equal(scores, scores_before)
    np.testing.assert_array_equal(targets, targets_before)
    np.testing.assert_array_equal(loss.backward(), first)


# ---------------------------------------------------------------- dtype
@pytest.mark.parametrize("kind", [Linear, ReLU, Sigmoid, Tanh, Softmax])
def test_float32_in_float32_out(kind):
    rng = np.random.default_rng(9)
    layer = make_layer(kind, rng, dtype=np.float32)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    out = layer.forward(x)
    assert out.dtype == np.float32
    grad_in = layer.backward(np.ones(out.shape, dtype=np.float32))
    assert grad_in.dtype == np.float32
    for key in layer.params:
        assert layer.params[key].dtype == np.float32 and layer.grads[key].dtype == np.float32
    # a float64 upstream gradient does not upcast the layer's results either
    assert layer.backward(np.ones(out.shape)).dtype == np.float32


def test_linear_converts_input_to_its_dtype():
    layer = Linear(4, 2, rng=np.random.default_rng(0), dtype=np.float32)
    images = np.arange(8, dtype=np.uint8).reshape(2, 4)
    assert layer.forward(images).dtype == np.float32
    assert layer.forward(images.astype(np.float64)).dtype == np.float32


@pytest.mark.parametrize("kind", [SoftmaxCrossEntropy, MSELoss])
def test_loss_layers_keep_float32(kind):
    rng = np.random.default_rng(10)
    scores = rng.standard_normal((4, 3)).astype(np.float32)
    targets = rng.integers(0, 3, size=4) if kind is SoftmaxCrossEntropy else rng.standard_normal((4, 3))
    loss = kind()
    assert isinstance(loss.forward(scores, targets), float)
    assert loss.backward().dtype == np.float32


def test_softmax_cross_entropy_one_hot_targets_keep_float32():
    scores = np.zeros((2, 3), dtype=np.float32)
    loss = SoftmaxCrossEntropy()
    loss.forward(scores, losses.one_hot([0, 2], 3))  # one_hot is float64
    assert loss.backward().dtype == np.float32


# ---------------------------------------------------------------- bad input
def test_linear_rejects_wrong_input_width():
    layer = Linear(784, 10, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"Linear expected input of shape \(N, 784\), got \(N, 783\)"):
        layer.forward(np.zeros((2, 783)))
    with pytest.raises(ValueError, match=r"\(N, 784\).*1-D"):
        layer.forward(np.zeros(784))


@pytest.mark.parametrize("kind", [Linear, ReLU, Sigmoid, Tanh, Softmax])
def test_bad_input_type(kind):
    with pytest.raises(TypeError, match="input x"):
        make_layer(kind, np.random.default_rng(0)).forward("not numbers")
    with pytest.raises(TypeError, match="input x"):
        make_layer(kind, np.random.default_rng(0)).forward(np.array([["a", "b", "c", "d"]]))


@pytest.mark.parametrize("kind", [Linear, ReLU, Sigmoid, Tanh, Softmax])
def test_backward_before_forward(kind):
    layer = make_layer(kind, np.random.default_rng(0))
    with pytest.raises(RuntimeError, match=f"{kind.__name__}.backward called before forward"):
        layer.backward(np.zeros((2, 3)))


@pytest.mark.parametrize("kind", [SoftmaxCrossEntropy, MSELoss])
def test_loss_backward_before_forward(kind):
    with pytest.raises(RuntimeError, match="before forward"):
        kind().backward()


@pytest.mark.parametrize("kind", [Linear, ReLU, Sigmoid, Tanh, Softmax])
def test_backward_rejects_wrong_grad_shape(kind):
    layer = make_layer(kind, np.random.default_rng(0))
    out = layer.forward(np.ones((5, 4)))
    with pytest.raises(ValueError, match=r"grad_out must have the shape of the forward output"):
        layer.backward(np.ones((out.shape[0], out.shape[1] + 1)))
    with pytest.raises(ValueError, match="grad_out"):
        layer.backward(np.ones(out.shape[1]))  # no silent broadcasting


@pytest.mark.parametrize(
    "targets, match",
    [
        (np.array([0, 1, 2]), r"targets has 3 labels but scores has 4 rows"),
        (np.array([0, 1, 2, 3]), r"targets must lie in \[0, 3\)"),
        (np.array([0.5, 1, 2, 0]), "targets must be integer class labels"),
        (np.eye(4)[:, :3], r"targets must be .*one-hot rows|non-negative rows that sum to 1"),
        (np.zeros((4, 4)), r"targets must be labels of shape \(4,\) or one-hot of shape \(4, 3\)"),
        (np.zeros((4, 3, 1)), r"targets must be labels of shape \(4,\) or one-hot .* got shape \(4, 3, 1\)"),
    ],
)
def test_softmax_cross_entropy_rejects_bad_targets(targets, match):
    with pytest.raises(ValueError, match=match):
        SoftmaxCrossEntropy().forward(np.zeros((4, 3)), targets)


def test_softmax_cross_entropy_rejects_1d_scores():
    with pytest.raises(ValueError, match=r"scores must be 2-D \(N, C\)"):
        SoftmaxCrossEntropy().forward(np.zeros(3), np.array([0]))


def test_mse_loss_rejects_mismatched_targets():
    with pytest.raises(ValueError, match=r"scores has shape \(4, 1\) but targets has shape \(4,\)"):
        MSELoss().forward(np.zeros((4, 1)), np.zeros(4))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"in_features": 0, "out_features": 3}, ValueError, "in_features must be > 0"),
        ({"in_features": 2.5, "out_features": 3}, TypeError, "in_features must be an int"),
        ({"in_features": 2, "out_features": True}, TypeError, "out_features must be an int"),
        ({"in_features": 2, "out_features": 3, "dtype": np.int32}, TypeError, "dtype must be a float"),
        ({"in_features": 2, "out_features": 3, "dtype": "banana"}, TypeError, "dtype must be a float"),
        ({"in_features": 2, "out_features": 3, "init": "lecun"}, ValueError, "init must be"),
        ({"in_features": 2, "out_features": 3, "init": -1.0}, ValueError, "init must be"),
        ({"in_features": 2, "out_features": 3, "rng": 42}, TypeError, "rng must be a numpy.random.Generator"),
    ],
)
def test_linear_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        Linear(**kwargs)


# ---------------------------------------------------------------- Softmax (standalone)
def test_softmax_layer_values_and_jacobian():
    rng = np.random.default_rng(20)
    x, g = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    layer = Softmax()
    p = layer.forward(x)
    np.testing.assert_allclose(p, losses.softmax(x), rtol=1e-15, atol=0)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-15)
    dx = layer.backward(g)
    for n in range(3):  # the documented Jacobian diag(p) - p pᵀ, built explicitly here only
        J = np.diag(p[n]) - np.outer(p[n], p[n])
        np.testing.assert_allclose(dx[n], J.T @ g[n], rtol=1e-12, atol=1e-15)


def test_softmax_layer_gradcheck_float64():
    rng = np.random.default_rng(21)
    errors = check_layer(Softmax(), rng.standard_normal((4, 6)) * 3, rng=rng)
    assert set(errors) == {"x"} and errors["x"] <= TOL, errors


@pytest.mark.parametrize("targets_kind", ["labels", "one_hot"])
def test_softmax_then_cross_entropy_on_probs_equals_fused_gradient(targets_kind):
    rng = np.random.default_rng(22)
    n, c = 6, 4
    z, labels = rng.standard_normal((n, c)) * 2, rng.integers(0, c, n)
    t = losses.one_hot(labels, c)
    targets = labels if targets_kind == "labels" else t
    layer = Softmax()
    p = layer.forward(z)
    assert losses.cross_entropy(p, targets) == pytest.approx(losses.softmax_cross_entropy(z, targets))
    dL_dp = -t / (p * n)  # derivative of -mean_n Σ_c t log p with respect to p
    fused = SoftmaxCrossEntropy()
    fused.forward(z, targets)
    np.testing.assert_allclose(layer.backward(dL_dp), fused.backward(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fused.backward(), (p - t) / n, rtol=1e-12, atol=1e-15)


def test_softmax_layer_any_leading_shape_and_float32():
    rng = np.random.default_rng(23)
    x = (rng.standard_normal((2, 3, 4)) * 50).astype(np.float32)
    layer = Softmax()
    p = layer.forward(x)
    assert p.dtype == np.float32 and p.shape == x.shape and np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-6)
    dx = layer.backward(np.ones_like(x))
    assert dx.dtype == np.float32
    np.testing.assert_allclose(dx, 0.0, atol=1e-6)  # softmax is shift-invariant: 1 ↦ 0
    assert Softmax().params == {} and Softmax().grads == {}
