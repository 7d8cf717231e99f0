"""Chapter 3 library: Sequential and MLP — whole-network gradients, shared parameters, bad input."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.gradcheck import check_layer
from course_lib.layers import Linear, MSELoss, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh
from course_lib.network import MLP, Sequential

TOL = 1e-7


def randomise_biases(model, rng):
    """Zero biases can put a ReLU exactly at its kink (a dead row gives pre-activations of 0)."""
    for key, value in model.params.items():
        if key.endswith(".b"):
            value[...] = rng.standard_normal(value.shape) * 0.5


# ---------------------------------------------------------------- structure
@pytest.mark.parametrize("activation, kind", [("relu", ReLU), ("sigmoid", Sigmoid), ("tanh", Tanh)])
def test_mlp_structure(activation, kind):
    model = MLP([5, 4, 3, 2], activation=activation, rng=np.random.default_rng(0))
    types = [type(layer) for layer in model.layers]
    assert types == [Linear, kind, Linear, kind, Linear]
    widths = [(l.in_features, l.out_features) for l in model.layers if isinstance(l, Linear)]
    assert widths == [(5, 4), (4, 3), (3, 2)]
    assert list(model.params) == ["0.W", "0.b", "2.W", "2.b", "4.W", "4.b"]
    assert list(model.grads) == list(model.params)


def test_mlp_without_hidden_layer_is_one_linear():
    model = MLP([3, 2], rng=np.random.default_rng(0))
    assert len(model.layers) == 1 and isinstance(model.layers[0], Linear)


def test_mlp_initialisation_depends_on_activation():
    he = MLP([500, 300, 2], "relu", rng=np.random.default_rng(1)).params["0.W"].std()
    xavier = MLP([500, 300, 2], "tanh", rng=np.random.default_rng(1)).params["0.W"].std()
    assert he == pytest.approx(np.sqrt(2 / 500), rel=0.02)
    assert xavier == pytest.approx(np.sqrt(2 / 800), rel=0.02)


def test_mlp_same_seed_same_network():
    a = MLP([4, 3, 2], rng=np.random.default_rng(2))
    b = MLP([4, 3, 2], rng=np.random.default_rng(2))
    for key in a.params:
        np.testing.assert_array_equal(a.params[key], b.params[key])
    assert not np.array_equal(a.params["0.W"], MLP([4, 3, 2], rng=np.random.default_rng(3)).params["0.W"])


def test_repr():
    assert repr(MLP([4, 3, 2], rng=np.random.default_rng(0))) == "Sequential(Linear(4, 3), ReLU(), Linear(3, 2))"


# ---------------------------------------------------------------- gradients
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_mlp_gradient_matches_central_differences(activation):
    rng = np.random.default_rng(4)
    model = MLP([4, 6, 5, 3], activation=activation, rng=rng)
    randomise_biases(model, rng)
    errors = check_layer(model, rng.standard_normal((5, 4)), rng=rng)
    assert set(errors) == {"x", *model.params}
    assert max(errors.values()) <= TOL, errors


@settings(max_examples=15)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    n=st.integers(1, 4),
    activation=st.sampled_from(["relu", "sigmoid", "tanh"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_mlp_gradient_any_architecture(sizes, n, activation, seed):
    rng = np.random.default_rng(seed)
    model = MLP(sizes, activation=activation, rng=rng)
    randomise_biases(model, rng)
    errors = check_layer(model, rng.standard_normal((n, sizes[0])), rng=rng)
    assert max(errors.values()) <= TOL, errors


def test_whole_network_with_loss_matches_central_differences():
    """The chain ends in a loss: backward of the loss feeds backward of the model."""
    from course_lib.gradcheck import numerical_gradient, relative_error

    rng = np.random.default_rng(5)
    model = MLP([3, 4, 3], rng=rng)
    randomise_biases(model, rng)
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 3, size=6)
    loss = SoftmaxCrossEntropy()
    loss.forward(model.forward(X), y)
    model.backward(loss.backward())
    analytic = {k: v.copy() for k, v in model.grads.items()}
    for key, param in model.params.items():
        numeric = numerical_gradient(lambda _: loss.forward(model.forward(X), y), param)
        assert relative_error(analytic[key], numeric) <= TOL, key


def test_sequential_is_the_composition_of_its_layers():
    rng = np.random.default_rng(6)
    l1, act, l2 = Linear(3, 4, rng=rng), Tanh(), Linear(4, 2, rng=rng)
    model = Sequential(l1, act, l2)
    x, g = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    np.testing.assert_array_equal(model.forward(x), l2.forward(act.forward(l1.forward(x))))
    manual = l1.backward(act.backward(l2.backward(g)))
    np.testing.assert_array_equal(model.backward(g), manual)
    assert Sequential([l1, act, l2]).layers == [l1, act, l2]


def test_backward_input_grad_false():
    rng = np.random.default_rng(7)
    model = MLP([3, 4, 2], rng=rng)
    x, g = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    model.forward(x)
    model.backward(g)
    full = {k: v.copy() for k, v in model.grads.items()}
    assert model.backward(g, input_grad=False) is None
    for key, value in full.items():
        np.testing.assert_array_equal(model.grads[key], value)


def test_backward_does_not_mutate_grad_out():
    rng = np.random.default_rng(8)
    model = MLP([3, 4, 2], rng=rng)
    x, g = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    x_before, g_before = x.copy(), g.copy()
    model.forward(x)
    model.backward(g)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(g, g_before)


# ---------------------------------------------------------------- params are shared, not copied
def test_params_are_the_layers_own_arrays():
    model = MLP([3, 4, 2], rng=np.random.default_rng(9))
    assert model.params["0.W"] is model.layers[0].params["W"]
    assert model.params["2.b"] is model.layers[2].params["b"]
    x = np.ones((1, 3))
    before = model.forward(x)
    model.params["2.b"] += 1.0  # in place, as an optimizer does
    np.testing.assert_allclose(model.forward(x), before + 1.0)


def test_grads_are_the_layers_own_arrays_after_backward():
    model = MLP([3, 4, 2], rng=np.random.default_rng(10))
    model.forward(np.ones((2, 3)))
    model.backward(np.ones((2, 2)))
    assert model.grads["0.W"] is model.layers[0].grads["W"]
    assert model.grads["2.b"] is model.layers[2].grads["b"]


def test_a_few_gradient_steps_reduce_the_loss():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((40, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)  # XOR-like: needs the hidden layer
    model, loss = MLP([2, 16, 2], rng=rng), SoftmaxCrossEntropy()
    first = loss.forward(model.forward(X), y)
    for _ in range(200):
        loss.forward(model.forward(X), y)
        model.backward(loss.backward())
        for key, param in model.params.items():
            param -= 0.5 * model.grads[key]
    assert loss.forward(model.forward(X), y) < 0.5 * first
    assert np.mean(model.predict(X) == y) > 0.9


def test_mse_regression_steps_reduce_the_loss():
    rng = np.random.default_rng(12)
    X = rng.uniform(-1, 1, size=(30, 1))
    model, loss = MLP([1, 8, 1], activation="tanh", rng=rng), MSELoss()
    targets = np.sin(3 * X)
    first = loss.forward(model.forward(X), targets)
    for _ in range(300):
        loss.forward(model.forward(X), targets)
        model.backward(loss.backward())
        for key, param in model.params.items():
            param -= 0.1 * model.grads[key]
    assert loss.forward(model.forward(X), targets) < 0.5 * first


# ---------------------------------------------------------------- predict and dtype
def test_predict_is_argmax_of_scores():
    rng = np.random.default_rng(13)
    model = MLP([4, 5, 3], rng=rng)
    X = rng.standard_normal((7, 4))
    labels = model.predict(X)
    assert labels.shape == (7,) and labels.dtype == np.int64
    np.testing.assert_array_equal(labels, np.argmax(model.forward(X), axis=1))


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_float32_end_to_end(activation):
    rng = np.random.default_rng(14)
    model = MLP([4, 5, 3], activation=activation, rng=rng, dtype=np.float32)
    loss = SoftmaxCrossEntropy()
    scores = model.forward(rng.standard_normal((6, 4)).astype(np.float32))
    assert scores.dtype == np.float32
    loss.forward(scores, rng.integers(0, 3, size=6))
    assert model.backward(loss.backward()).dtype == np.float32
    for key in model.params:
        assert model.params[key].dtype == np.float32, key
        assert model.grads[key].dtype == np.float32, key


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "sizes, error, match",
    [
        ([784], ValueError, "layer_sizes needs at least 2 entries"),
        ([], ValueError, "layer_sizes needs at least 2 entries"),
        ([784, 0, 10], ValueError, "layer_sizes must be positive"),
        ([784, -3], ValueError, "layer_sizes must be positive"),
        ([784, 2.5], TypeError, "layer_sizes must hold ints"),
        ([784, True], TypeError, "layer_sizes must hold ints"),
        ("784", TypeError, "layer_sizes must be a list of ints"),
        (784, TypeError, "layer_sizes must be a list of ints"),
    ],
)
def test_mlp_rejects_bad_layer_sizes(sizes, error, match):
    with pytest.raises(error, match=match):
        MLP(sizes, rng=np.random.default_rng(0))


@pytest.mark.parametrize("activation", ["softmax", "ReLU", None, 3])
def test_mlp_rejects_unknown_activation(activation):
    with pytest.raises(ValueError, match="activation must be one of 'relu', 'sigmoid', 'tanh'"):
        MLP([3, 2, 1], activation=activation, rng=np.random.default_rng(0))


def test_mlp_rejects_bad_rng_and_dtype():
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        MLP([3, 2], rng=0)
    with pytest.raises(TypeError, match="dtype must be a float"):
        MLP([3, 2], rng=np.random.default_rng(0), dtype=np.int64)


def test_sequential_rejects_bad_layers():
    with pytest.raises(ValueError, match="at least one layer"):
        Sequential()
    with pytest.raises(TypeError, match="layer 1 is a loss"):
        Sequential(Linear(2, 2, rng=np.random.default_rng(0)), SoftmaxCrossEntropy())
    with pytest.raises(TypeError, match=r"layer 0 \(str\) is not a layer"):
        Sequential("relu")


def test_wrong_input_width_names_the_layer_shape():
    model = MLP([784, 16, 10], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"Linear expected input of shape \(N, 784\), got \(N, 783\)"):
        model.forward(np.zeros((3, 783)))


def test_backward_before_forward():
    with pytest.raises(RuntimeError, match="before forward"):
        MLP([3, 2, 1], rng=np.random.default_rng(0)).backward(np.zeros((1, 1)))


# ---------------------------------------------------------------- two independent implementations
def test_scalar_autodiff_agrees_with_the_layers():
    """The scalar ``Value`` engine of chapter 2 and the array layers give the same gradients."""
    autodiff = pytest.importorskip("course_lib.autodiff")
    Value = autodiff.Value
    rng = np.random.default_rng(15)
    model = MLP([3, 4, 2], activation="tanh", rng=rng)
    randomise_biases(model, rng)
    X = rng.standard_normal((2, 3))
    G = rng.standard_normal((2, 2))  # L = sum(scores * G)
    model.forward(X)
    model.backward(G)

    W1 = [[Value(float(w)) for w in row] for row in model.params["0.W"]]
    b1 = [Value(float(b)) for b in model.params["0.b"]]
    W2 = [[Value(float(w)) for w in row] for row in model.params["2.W"]]
    b2 = [Value(float(b)) for b in model.params["2.b"]]
    total = Value(0.0)
    for x_row, g_row in zip(X, G):
        hidden = [sum((float(x_row[i]) * W1[i][j] for i in range(3)), b1[j]).tanh() for j in range(4)]
        for k in range(2):
            score = sum((hidden[j] * W2[j][k] for j in range(4)), b2[k])
            total = total + score * float(g_row[k])
    total.backward()
    np.testing.assert_allclose([[w.grad for w in row] for row in W1], model.grads["0.W"], rtol=1e-10)
    np.testing.assert_allclose([b.grad for b in b1], model.grads["0.b"], rtol=1e-10)
    np.testing.assert_allclose([[w.grad for w in row] for row in W2], model.grads["2.W"], rtol=1e-10)
    np.testing.assert_allclose([b.grad for b in b2], model.grads["2.b"], rtol=1e-10)


# ---------------------------------------------------------------- chapter 3 exercise checkers
def _reference_answers():
    from course_lib import losses

    def sigmoid_backward(out, grad_out):
        return grad_out * out * (1 - out)

    def linear_backward(x, W, grad_out):
        return grad_out @ W.T, x.T @ grad_out, grad_out.sum(axis=0)

    def two_layer_backward(X, y, W1, b1, W2, b2):
        z1 = X @ W1 + b1
        a1 = np.maximum(z1, 0)
        d3 = losses.softmax_cross_entropy_grad(a1 @ W2 + b2, y)
        d2 = (d3 @ W2.T) * (z1 > 0)
        return {"W1": X.T @ d2, "b1": d2.sum(axis=0), "W2": a1.T @ d3, "b2": d3.sum(axis=0)}

    return {"3.1": sigmoid_backward, "3.2": linear_backward, "3.3": two_layer_backward}


@pytest.mark.parametrize("exercise_id", ["3.1", "3.2", "3.3"])
def test_exercise_reference_passes(exercise_id, capsys):
    from course_lib.exercises import check

    assert check(exercise_id, _reference_answers()[exercise_id]).passed
    assert capsys.readouterr().out.startswith(f"[PASS] Exercise {exercise_id}")


def _inplace_sigmoid_backward(out, grad_out):
    grad_out *= out * (1 - out)
    return grad_out


@pytest.mark.parametrize(
    "exercise_id, wrong, hint",
    [
        ("3.1", lambda out, g: out * (1 - out), "multiply by grad_out"),
        ("3.1", lambda out, g: g * out, "out \\* \\(1 - out\\)"),
        ("3.1", _inplace_sigmoid_backward, "changed its arguments in place"),
        ("3.2", lambda x, W, g: (g @ W.T, g.T @ x, g.sum(axis=0)), "shape of W transposed"),
        ("3.2", lambda x, W, g: (g @ W.T, x.T @ g, g.mean(axis=0)), "sum over the batch, not a mean"),
        ("3.2", lambda x, W, g: (g @ W.T, x.T @ g, g.sum()), "db must have shape \\(out,\\)"),
        ("3.2", lambda x, W, g: (g @ W, x.T @ g, g.sum(axis=0)), "incompatible shapes.*transpose"),
        ("3.2", lambda x, W, g: (g @ W.T * 2, x.T @ g, g.sum(axis=0)), "dx: values differ"),
        ("3.2", lambda x, W, g: x.T @ g, "return three arrays"),
        ("3.3", lambda *args: {"W1": 0}, "keys 'W1', 'b1', 'W2', 'b2'"),
        ("3.3", lambda X, y, W1, b1, W2, b2: {k: v * 2 for k, v in _reference_answers()["3.3"](
            X, y, W1, b1, W2, b2).items()}, "dZ2 = \\(softmax\\(Z2\\) − T\\) / N"),
        ("3.3", lambda X, y, W1, b1, W2, b2: {**_reference_answers()["3.3"](X, y, W1, b1, W2, b2),
                                              "W1": X.T @ (np.ones((len(X), W1.shape[1])))}, "ReLU"),
    ],
)
def test_exercise_wrong_answer_gets_a_hint(exercise_id, wrong, hint, capsys):
    from course_lib.exercises import check

    result = check(exercise_id, wrong)
    assert not result.passed
    assert capsys.readouterr().out.startswith(f"[NOT YET] Exercise {exercise_id}")
    assert re.search(hint, result.message), result.message


# ---------------------------------------------------------------- chapter 3 figures (smoke tests)
def test_chapter3_figures_draw_and_return_axes():
    import matplotlib.pyplot as plt

    from course_lib import plotting

    try:
        ax_f, ax_d = plotting.plot_activations()
        assert len(ax_f.lines) == 3 and len(ax_d.lines) == 4  # + the 0.25 guide line
        assert len(plotting.plot_backward_shapes(4, 3, 2).patches) == 8
        ax = plotting.plot_gradcheck_errors({"Linear: W": 1e-10, "wrong": 0.5, "exact": 0.0})
        colors = [p.get_facecolor()[:3] for p in ax.patches]
        assert colors[0] == colors[2] != colors[1]  # the failing check stands out
        rng = np.random.default_rng(0)
        axes = plotting.plot_error_signals([rng.normal(size=(5, 3)), rng.normal(size=(5, 4))], ["a", "b"])
        assert len(axes) == 2 and "‖δ‖" in axes[0].get_title()
        ax = plotting.plot_gradient_cost([10, 100], {"numerical": [20, 200], "backprop": [2, 2]})
        assert ax.get_xscale() == "log" and len(ax.lines) == 2
        ax = plotting.plot_gradient_norms({"sigmoid": [1e-6, 1e-3, 1.0], "relu": [0.3, 0.2, 0.2]})
        assert ax.get_yscale() == "log" and len(ax.lines) == 2
    finally:
        plt.close("all")


# ---------------------------------------------------------------- one layer object, one position
def test_sequential_rejects_the_same_activation_twice():
    rng = np.random.default_rng(0)
    relu = ReLU()
    with pytest.raises(ValueError, match=r"positions 1 and 3 is the same ReLU; .*e\.g\. ReLU\(\) twice"):
        Sequential(Linear(4, 8, rng=rng), relu, Linear(8, 8, rng=rng), relu)


def test_sequential_rejects_the_same_linear_twice():
    lin = Linear(4, 4, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"positions 0 and 2 is the same Linear"):
        Sequential(lin, ReLU(), lin)
    with pytest.raises(ValueError, match=r"positions 0 and 1 is the same Linear"):
        Sequential([lin, lin])


def test_sequential_rejects_a_layer_repeated_inside_nested_sequentials():
    rng = np.random.default_rng(0)
    relu = ReLU()
    inner = Sequential(Linear(3, 3, rng=rng), relu)
    with pytest.raises(ValueError, match=r"positions 0\.1 and 1 is the same ReLU"):
        Sequential(inner, relu)
    with pytest.raises(ValueError, match=r"positions 0 and 1 is the same Sequential"):
        Sequential(inner, inner)


def test_nested_sequential_with_distinct_layers_gradchecks():
    rng = np.random.default_rng(1)
    model = Sequential(Sequential(Linear(3, 4, rng=rng), Tanh()), Linear(4, 2, rng=rng))
    errors = check_layer(model, rng.standard_normal((5, 3)), rng=rng)
    assert max(errors.values()) <= 1e-7, errors


def test_a_layer_may_be_reused_in_two_separate_models():
    lin = Linear(2, 2, rng=np.random.default_rng(0))
    Sequential(lin)
    Sequential(lin, ReLU())  # a second model, each position once: allowed
