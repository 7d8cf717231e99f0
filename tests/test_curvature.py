"""Tests for course_lib.curvature (chapter 5): Hessian-vector products and Hessian eigenvalues."""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.curvature import (
    bottom_hessian_eigenvalue,
    flat_gradient,
    flat_parameters,
    hessian_power_iteration,
    hessian_vector_product,
    top_hessian_eigenvalue,
)
from course_lib.layers import Linear, MSELoss, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh
from course_lib.network import MLP, Sequential


def _linear_problem(seed=0, n=7, d=3, o=2, dtype=np.float64):
    rng = np.random.default_rng(seed)
    model = Sequential(Linear(d, o, rng=rng, dtype=dtype))
    X = rng.normal(size=(n, d))
    T = rng.normal(size=(n, o))
    return model, MSELoss(), X, T


def _linear_hessian(X, o):
    """Exact Hessian of MSELoss (mean over all N·o elements) for y = X W + b.

    L = 1/(N·o) Σ_n Σ_k (x_n · W[:, k] + b_k − t_nk)². With the augmented rows x̃_n = (x_n, 1) the
    parameters form one (d+1, o) matrix whose C-order flattening is exactly (W.ravel(), b): entry
    (i, k) sits at i·o + k. ∂²L/∂W̃_ik ∂W̃_jl = 2/(N·o) Σ_n x̃_ni x̃_nj δ_kl, i.e.
    H = (2 X̃ᵀX̃ / (N·o)) ⊗ I_o.
    """
    n = len(X)
    Xa = np.hstack([X, np.ones((n, 1))])
    return np.kron(2 * Xa.T @ Xa / (n * o), np.eye(o))


def _hessian_by_hvp(model, loss, X, y, method="auto"):
    P = flat_parameters(model).size
    return np.column_stack([hessian_vector_product(model, loss, X, y, e, method=method)
                            for e in np.eye(P)])


def _set_flat(model, theta):
    start = 0
    for p in model.params.values():
        p[...] = theta[start:start + p.size].reshape(p.shape)
        start += p.size


def _hessian_from_loss_values(model, loss, X, y, h=1e-4):
    """Independent referee: second differences of the loss VALUE only (no backprop at all)."""
    theta0 = flat_parameters(model)
    P = theta0.size

    def L(theta):
        _set_flat(model, theta)
        return loss.forward(model.forward(X), y)

    H = np.empty((P, P))
    E = np.eye(P) * h
    for i in range(P):
        for j in range(i, P):
            H[i, j] = H[j, i] = (L(theta0 + E[i] + E[j]) - L(theta0 + E[i] - E[j])
                                 - L(theta0 - E[i] + E[j]) + L(theta0 - E[i] - E[j])) / (4 * h * h)
    _set_flat(model, theta0)
    return H


# ------------------------------------------------------------------ exact answers on a linear model
@pytest.mark.parametrize("method", ["exact", "difference"])
def test_hvp_of_linear_model_is_the_exact_hessian(method):
    model, loss, X, T = _linear_problem()
    H = _hessian_by_hvp(model, loss, X, T, method)
    np.testing.assert_allclose(H, _linear_hessian(X, 2), rtol=1e-7 if method == "difference" else 1e-12,
                               atol=1e-9 if method == "difference" else 1e-13)


def test_top_eigenvalue_of_linear_model():
    model, loss, X, T = _linear_problem(seed=3, n=20, d=4, o=3)
    exact = np.linalg.eigvalsh(_linear_hessian(X, 3))[-1]
    lam = top_hessian_eigenvalue(model, loss, X, T, iters=300, rng=np.random.default_rng(1))
    assert lam == pytest.approx(exact, rel=1e-9)
    assert isinstance(lam, float)


def test_bottom_eigenvalue_of_linear_model():
    model, loss, X, T = _linear_problem(seed=4, n=30, d=2, o=1)
    evals = np.linalg.eigvalsh(_linear_hessian(X, 1))
    lam_min = bottom_hessian_eigenvalue(model, loss, X, T, iters=300)
    assert lam_min == pytest.approx(evals[0], rel=1e-6)


# ------------------------------------------------------------------ small nonlinear networks
@pytest.mark.parametrize("activation", [Tanh, Sigmoid])
@pytest.mark.parametrize("loss_kind", ["ce", "mse"])
def test_hvp_matches_second_differences_of_the_loss(activation, loss_kind):
    rng = np.random.default_rng(5)
    model = Sequential(Linear(3, 4, rng=rng), activation(), Linear(4, 3, rng=rng))
    X = rng.normal(size=(5, 3))
    if loss_kind == "ce":
        loss, y = SoftmaxCrossEntropy(), rng.integers(0, 3, size=5)
    else:
        loss, y = MSELoss(), rng.normal(size=(5, 3))
    reference = _hessian_from_loss_values(model, loss, X, y)
    for method in ("exact", "difference"):
        H = _hessian_by_hvp(model, loss, X, y, method)
        np.testing.assert_allclose(H, reference, atol=1e-6 * np.abs(reference).max())


def test_one_hot_targets_give_the_same_hvp_as_labels():
    rng = np.random.default_rng(6)
    model = MLP([4, 5, 3], activation="tanh", rng=rng)
    X, labels = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
    v = rng.normal(size=flat_parameters(model).size)
    a = hessian_vector_product(model, SoftmaxCrossEntropy(), X, labels, v)
    b = hessian_vector_product(model, SoftmaxCrossEntropy(), X, np.eye(3)[labels], v)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_relu_network_exact_hvp_is_symmetric_and_matches_a_small_difference():
    rng = np.random.default_rng(7)
    model = MLP([6, 8, 8, 4], rng=rng)
    X, y = rng.normal(size=(10, 6)), rng.integers(0, 4, size=10)
    H = _hessian_by_hvp(model, SoftmaxCrossEntropy(), X, y, "exact")
    np.testing.assert_allclose(H, H.T, atol=1e-12 * np.abs(H).max())
    v = rng.normal(size=H.shape[0])
    # with so few pre-activations the difference rarely crosses a kink: it agrees here
    np.testing.assert_allclose(hessian_vector_product(model, SoftmaxCrossEntropy(), X, y, v,
                                                      method="difference"), H @ v, rtol=1e-6, atol=1e-8)


def test_top_and_bottom_eigenvalues_of_a_small_network():
    rng = np.random.default_rng(8)
    model = MLP([5, 6, 3], activation="tanh", rng=rng)
    X, y = rng.normal(size=(12, 5)), rng.integers(0, 3, size=12)
    loss = SoftmaxCrossEntropy()
    evals = np.linalg.eigvalsh(_hessian_by_hvp(model, loss, X, y))
    assert evals[0] < 0 < evals[-1]  # a saddle at initialisation
    lam, v = hessian_power_iteration(model, loss, X, y, iters=500)
    assert lam == pytest.approx(evals[np.argmax(np.abs(evals))], rel=1e-6)
    assert np.linalg.norm(v) == pytest.approx(1.0)
    assert bottom_hessian_eigenvalue(model, loss, X, y, iters=2000) == pytest.approx(evals[0], rel=1e-4)


def test_warm_start_and_tol_stop_early():
    rng = np.random.default_rng(9)
    model = MLP([5, 6, 3], activation="tanh", rng=rng)
    X, y = rng.normal(size=(12, 5)), rng.integers(0, 3, size=12)
    loss = SoftmaxCrossEntropy()
    lam, v = hessian_power_iteration(model, loss, X, y, iters=500)
    warm, _ = hessian_power_iteration(model, loss, X, y, iters=1, v0=v)
    assert warm == pytest.approx(lam, rel=1e-8)
    calls = []
    original = loss.forward

    def counting_forward(*args):
        calls.append(1)
        return original(*args)

    loss.forward = counting_forward
    early, _ = hessian_power_iteration(model, loss, X, y, iters=500, tol=1e-6)
    assert early == pytest.approx(lam, rel=1e-4)
    assert len(calls) < 500


def test_rng_makes_it_reproducible():
    model, loss, X, T = _linear_problem(seed=10)
    a = top_hessian_eigenvalue(model, loss, X, T, iters=3, rng=np.random.default_rng(4))
    b = top_hessian_eigenvalue(model, loss, X, T, iters=3, rng=np.random.default_rng(4))
    assert a == b


# ------------------------------------------------------------------ invariants and side effects
@settings(max_examples=25)
@given(seed=st.integers(0, 10_000), a=st.floats(-3, 3), b=st.floats(-3, 3))
def test_hvp_is_linear_and_symmetric(seed, a, b):
    rng = np.random.default_rng(seed)
    model = MLP([3, 4, 2], activation="tanh", rng=rng)
    X, y = rng.normal(size=(4, 3)), rng.integers(0, 2, size=4)
    loss = SoftmaxCrossEntropy()
    P = flat_parameters(model).size
    v, w = rng.normal(size=P), rng.normal(size=P)
    Hv = hessian_vector_product(model, loss, X, y, v)
    Hw = hessian_vector_product(model, loss, X, y, w)
    H_comb = hessian_vector_product(model, loss, X, y, a * v + b * w)
    np.testing.assert_allclose(H_comb, a * Hv + b * Hw, atol=1e-10 * (1 + np.abs(Hv).max() + np.abs(Hw).max()))
    assert w @ Hv == pytest.approx(v @ Hw, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("method", ["exact", "difference"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_parameters_restored_bit_for_bit(method, dtype):
    rng = np.random.default_rng(11)
    model = MLP([4, 5, 3], rng=rng, dtype=dtype)
    before = {k: p.copy() for k, p in model.params.items()}
    arrays = {k: p for k, p in model.params.items()}
    X, y = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
    v = 1e3 * rng.normal(size=flat_parameters(model).size)
    hessian_vector_product(model, SoftmaxCrossEntropy(), X, y, v, method=method)
    top_hessian_eigenvalue(model, SoftmaxCrossEntropy(), X, y, iters=3)
    for k, p in model.params.items():
        assert p is arrays[k]  # the same arrays, updated in place
        assert p.dtype == dtype
        np.testing.assert_array_equal(p, before[k])


def test_float32_model_agrees_with_float64():
    rng = np.random.default_rng(12)
    m64 = MLP([4, 6, 3], activation="tanh", rng=rng)
    m32 = copy.deepcopy(m64)
    for layer in m32.layers:
        if isinstance(layer, Linear):
            layer.dtype = np.dtype(np.float32)
            for key in layer.params:
                layer.params[key] = layer.params[key].astype(np.float32)
    X, y = rng.normal(size=(8, 4)), rng.integers(0, 3, size=8)
    v = rng.normal(size=flat_parameters(m64).size)
    ref = hessian_vector_product(m64, SoftmaxCrossEntropy(), X, y, v)
    for method, rtol in (("exact", 1e-5), ("difference", 1e-2)):
        got = hessian_vector_product(m32, SoftmaxCrossEntropy(), X, y, v, method=method)
        assert got.dtype == np.float64
        assert np.linalg.norm(got - ref) <= rtol * np.linalg.norm(ref)


class _Scale:
    """A layer the R-operator has no rule for: y = a · x with one parameter a."""

    def __init__(self):
        self.params = {"a": np.array([1.5])}
        self.grads = {"a": np.zeros(1)}

    def forward(self, x):
        self.x = x
        return self.params["a"][0] * x

    def backward(self, g):
        self.grads["a"] = np.array([np.sum(g * self.x)])
        return self.params["a"][0] * g


def test_unknown_layer_falls_back_to_differences():
    rng = np.random.default_rng(13)
    model = Sequential(Linear(3, 2, rng=rng), Tanh(), _Scale())
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=5)
    loss = SoftmaxCrossEntropy()
    H = _hessian_by_hvp(model, loss, X, y)  # auto -> difference
    np.testing.assert_allclose(H, _hessian_from_loss_values(model, loss, X, y), atol=1e-6)
    with pytest.raises(ValueError, match="method='difference'"):
        hessian_vector_product(model, loss, X, y, np.ones(H.shape[0]), method="exact")


def test_zero_vector_and_flat_gradient():
    model, loss, X, T = _linear_problem()
    P = flat_parameters(model).size
    np.testing.assert_array_equal(hessian_vector_product(model, loss, X, T, np.zeros(P)), np.zeros(P))
    g = flat_gradient(model, loss, X, T)
    W, b = model.layers[0].params["W"], model.layers[0].params["b"]
    residual = 2 * (X @ W + b - T) / T.size
    np.testing.assert_allclose(g, np.concatenate([(X.T @ residual).ravel(), residual.sum(0)]))


# ------------------------------------------------------------------ bad inputs
def _bad_cases():
    model, loss, X, T = _linear_problem()
    P = flat_parameters(model).size
    v = np.ones(P)
    call = hessian_vector_product
    return [
        ("model", lambda: call(object(), loss, X, T, v), TypeError, "lacks forward"),
        ("loss", lambda: call(model, object(), X, T, v), TypeError, "loss"),
        ("X 1-D", lambda: call(model, loss, X[0], T, v), ValueError, "X must be 2-D"),
        ("X NaN", lambda: call(model, loss, np.full_like(X, np.nan), T, v), ValueError, "NaN"),
        ("y rows", lambda: call(model, loss, X, T[:3], v), ValueError, "one row per row"),
        ("v length", lambda: call(model, loss, X, T, np.ones(P + 1)), ValueError, f"shape \\({P},\\)"),
        ("v 2-D", lambda: call(model, loss, X, T, np.ones((P, 1))), ValueError, "v must be 1-D"),
        ("v inf", lambda: call(model, loss, X, T, np.full(P, np.inf)), ValueError, "NaN or inf"),
        ("v text", lambda: call(model, loss, X, T, "abc"), TypeError, "v must be an array"),
        ("method", lambda: call(model, loss, X, T, v, method="R"), ValueError, "method must be"),
        ("iters 0", lambda: top_hessian_eigenvalue(model, loss, X, T, iters=0), ValueError, "iters"),
        ("iters float", lambda: top_hessian_eigenvalue(model, loss, X, T, iters=2.5), TypeError, "iters"),
        ("rng", lambda: top_hessian_eigenvalue(model, loss, X, T, rng=42), TypeError, "rng"),
        ("tol", lambda: top_hessian_eigenvalue(model, loss, X, T, tol=-1.0), ValueError, "tol"),
        ("v0 zero", lambda: hessian_power_iteration(model, loss, X, T, v0=np.zeros(P)), ValueError, "v0"),
        ("v0 length", lambda: hessian_power_iteration(model, loss, X, T, v0=np.ones(2)), ValueError, "v0"),
        ("shift", lambda: hessian_power_iteration(model, loss, X, T, shift="big"), TypeError, "shift"),
        ("lam_max", lambda: bottom_hessian_eigenvalue(model, loss, X, T, lam_max=np.nan), TypeError,
         "lam_max"),
    ]


@pytest.mark.parametrize("name, call, error, match", _bad_cases(), ids=[c[0] for c in _bad_cases()])
def test_bad_inputs(name, call, error, match):
    with pytest.raises(error, match=match):
        call()


# ------------------------------------------------------------------ the chapter's figures (smoke)
def test_curvature_figures_draw():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course_lib import plotting

    mus = np.array([0.0, 0.5])
    ax = plotting.plot_momentum_limits(mus, {"heavy ball": [2.0, 3.0]},
                                       {"heavy ball": lambda m: 2 * (1 + m)})
    assert len(ax.lines) == 2
    axes = plotting.plot_sharpness({0.5: (np.linspace(2, 1, 10), [0, 5], [2.0, 3.5])})
    assert len(axes) == 2
    axes = plotting.plot_saddle([[1.5, 0.01]], lr=0.1, steps=30)
    assert axes[1].get_yscale() == "log"
    ax = plotting.plot_epoch_curves({"a": [1.0, 0.5], "b": [2.0, 1.0]}, logy=True, legend_loc="outside")
    assert len(ax.lines) == 2
    plt.close("all")
