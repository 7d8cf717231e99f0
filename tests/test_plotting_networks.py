"""Chapter 3 figures and the activation/gradient statistics behind them."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plotting  # noqa: E402
from course_lib.layers import Linear, ReLU, SoftmaxCrossEntropy, Tanh  # noqa: E402
from course_lib.network import MLP, Sequential  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _signals(seed=0):
    rng = np.random.default_rng(seed)
    model = MLP([6, 5, 4, 3], activation="tanh", rng=rng)
    X, y = rng.normal(size=(8, 6)), rng.integers(0, 3, size=8)
    return model, X, y, plotting.collect_layer_signals(model, SoftmaxCrossEntropy(), X, y)


def test_collect_layer_signals_matches_a_forward_and_backward_pass():
    model, X, y, sig = _signals()
    assert [a.shape for a in sig["activations"]] == [(8, 5), (8, 4)]
    np.testing.assert_allclose(sig["activations"][0], np.tanh(X @ model.params["0.W"] + model.params["0.b"]))
    loss = SoftmaxCrossEntropy()
    loss.forward(model.forward(X), y)
    model.backward(loss.backward())
    for got, key in zip(sig["weight_grads"], ["0.W", "2.W", "4.W"]):
        np.testing.assert_allclose(got, model.grads[key], rtol=1e-12)


def test_layer_histograms_draw_one_line_per_layer_and_leave_spare_panels_empty():
    *_, sig = _signals()
    axes = plotting.plot_layer_histograms({"a": sig, "b": sig, "c": sig})
    assert axes.shape == (2, 4)
    assert len(axes[0, 0].patches) == 2 and len(axes[0, 1].patches) == 3  # 2 hidden layers, 3 Linear
    assert not axes[1, 2].axison and not axes[1, 3].axison


def test_error_signals_have_one_colour_bar_per_panel():
    rng = np.random.default_rng(0)
    axes = plotting.plot_error_signals([rng.normal(size=(4, 3)), rng.normal(size=(4, 5))], ["a", "b"])
    assert len(axes[0].figure.axes) == 4  # two heatmaps, two colour bars


def test_jacobians_unit_weights_random_functions_and_activity_draw():
    J = np.kron(np.eye(2), np.ones((2, 3)))
    axes = plotting.plot_jacobians({"block": J, "identity": np.eye(4)})
    assert "67% zeros" in axes[0].get_title() or "50% zeros" in axes[0].get_title()
    W = np.random.default_rng(0).normal(size=(64, 3))
    assert plotting.plot_unit_weights({"W": W, "W again": W}).shape == (2, 3)
    x = np.linspace(-1, 1, 5)
    assert len(plotting.plot_random_functions(x, {"a": [x, 2 * x], "b": [x ** 2]})) == 2
    axes = plotting.plot_unit_activity({"lr": np.array([0.0, 0.5, 1.0])})
    assert "1 dead units of 3" in axes[0].get_title()


def test_gradient_norms_draw_wrong_set_ups_dashed():
    ax = plotting.plot_gradient_norms({"relu, He (right)": [1, 1], "relu, Xavier (wrong)": [0.1, 0.1]})
    styles = [line.get_linestyle() for line in ax.get_lines()]
    assert styles == ["-", "--"]


@pytest.mark.parametrize("call, message", [
    (lambda: plotting.plot_jacobians({}), "non-empty dict"),
    (lambda: plotting.plot_jacobians({"v": np.ones(3)}), "must be 2-D"),
    (lambda: plotting.collect_layer_signals(Linear(2, 2), SoftmaxCrossEntropy(), np.ones((1, 2)), [0]),
     "must be a Sequential"),
    (lambda: plotting.plot_layer_histograms({}), "non-empty dict"),
    (lambda: plotting.plot_layer_histograms({"a": {"activations": []}}), "'weight_grads'"),
    (lambda: plotting.plot_unit_weights({"W": np.ones((10, 2))}), "(64, units)"),
    (lambda: plotting.plot_random_functions(np.ones(3), {"a": [np.ones(4)]}), "shape of x"),
    (lambda: plotting.plot_unit_activity({"a": np.array([0.5, 1.5])}), "fractions in [0, 1]"),
])
def test_bad_inputs_are_named(call, message):
    with pytest.raises((ValueError, TypeError), match=None) as err:
        call()
    assert message in str(err.value)


def test_collect_layer_signals_keeps_relu_zeros_but_histograms_skip_them():
    rng = np.random.default_rng(1)
    model = Sequential(Linear(3, 4, rng=rng), ReLU(), Linear(4, 2, rng=rng))
    sig = plotting.collect_layer_signals(model, SoftmaxCrossEntropy(), rng.normal(size=(6, 3)), np.zeros(6, int))
    assert np.any(sig["activations"][0] == 0)
    plotting.plot_layer_histograms({"relu": sig}, per_row=1)
    model_tanh = Sequential(Linear(3, 4, rng=rng), Tanh(), Linear(4, 2, rng=rng))
    assert len(plotting.collect_layer_signals(model_tanh, SoftmaxCrossEntropy(), np.ones((2, 3)), [0, 1])
               ["activations"]) == 1


def test_figure_text_follows_the_notebook_language_with_every_glyph(caplog):
    import logging
    import warnings

    import course_lib

    course_lib.setup_notebook(0, lang="ja")
    try:
        *_, sig = _signals()
        rng = np.random.default_rng(0)
        norms = plotting.plot_gradient_norms({"relu, He（適切）": [1, 1], "relu, Xavier（不適切）": [0.1, 0.1]})
        axes = [norms, *plotting.plot_activations(), plotting.plot_backward_shapes(2, 3, 2),
                plotting.plot_gradcheck_errors({"Linear: W": 1e-11}),
                *plotting.plot_error_signals([rng.normal(size=(4, 3))], ["scores"]),
                plotting.plot_gradient_cost([10, 20], {"a": [1, 2]}),
                *plotting.plot_jacobians({"J": np.eye(3)}), *plotting.plot_layer_histograms({"a": sig}).ravel(),
                *plotting.plot_unit_weights({"W": rng.normal(size=(64, 2))}).ravel(),
                *plotting.plot_random_functions(np.arange(3.0), {"a": [np.arange(3.0)]}),
                *plotting.plot_unit_activity({"lr": np.array([0.0, 1.0])})]
        text = " ".join(t for ax in axes for t in (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()))
        assert "勾配確認" in text and "死んだユニット" in text and "ゼロが" in text
        assert [line.get_linestyle() for line in norms.get_lines()] == ["-", "--"]
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph ... missing from font" is a UserWarning
            with caplog.at_level(logging.WARNING, logger="matplotlib"):
                for number in plt.get_fignums():
                    plt.figure(number).canvas.draw()
        assert not caplog.records, [r.getMessage() for r in caplog.records]  # e.g. "findfont: ... bold"
    finally:
        course_lib.setup_notebook(0, lang="en")
