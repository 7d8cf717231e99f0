"""course_lib.memory: exact byte counts of forward caches, and the figure that plots them."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from course_lib import memory, plotting  # noqa: E402
from course_lib.autodiff import Value  # noqa: E402
from course_lib.layers import Linear, Tanh  # noqa: E402
from course_lib.network import MLP, Sequential  # noqa: E402


def _relu_mlp_bytes(sizes, batch, itemsize=8):
    return batch * (itemsize * sum(sizes[:-1]) + sum(sizes[1:-1]))


@given(sizes=st.lists(st.integers(1, 12), min_size=2, max_size=5), batch=st.integers(1, 9))
def test_relu_mlp_keeps_linear_inputs_and_relu_masks(sizes, batch):
    model = MLP(sizes, rng=np.random.default_rng(0))
    assert memory.cached_bytes(model) == 0  # nothing before the first forward
    model.forward(np.ones((batch, sizes[0])))
    assert memory.cached_bytes(model) == _relu_mlp_bytes(sizes, batch)


def test_float32_halves_the_float_caches():
    model = MLP([6, 5, 4], rng=np.random.default_rng(0), dtype=np.float32)
    model.forward(np.ones((3, 6), dtype=np.float32))
    assert memory.cached_bytes(model) == _relu_mlp_bytes([6, 5, 4], 3, itemsize=4)


def test_an_array_held_by_two_layers_counts_once():
    rng = np.random.default_rng(0)
    model = Sequential(Linear(4, 3, rng=rng), Tanh(), Linear(3, 2, rng=rng))
    model.forward(np.ones((5, 4)))
    # Tanh caches its output, which the second Linear caches as its input: one array, stored once
    assert memory.cached_bytes(model) == 5 * 4 * 8 + 5 * 3 * 8


def test_parameters_and_gradients_are_not_counted():
    layer = Linear(3, 2, rng=np.random.default_rng(0))
    assert memory.cached_arrays(layer) == []
    layer.forward(np.ones((4, 3)))
    layer.backward(np.ones((4, 2)))
    assert [a.shape for a in memory.cached_arrays(layer)] == [(4, 3)]


def test_memory_profile_numbers():
    model = MLP([4] * 5 + [2], rng=np.random.default_rng(0))  # 9 layers: 5 Linear, 4 ReLU
    X = np.ones((10, 4))
    profile = memory.memory_profile(model, X)
    assert profile["segment"] == 3
    assert profile["reverse"] == _relu_mlp_bytes([4] * 5 + [2], 10)
    assert profile["forward_mode"] == 2 * (10 * 4 * 8 + 10 * 4 * 8)  # input + output, with tangents
    assert profile["reverse"] > profile["checkpointing"] > 0
    # one segment of all layers: no saving; one layer per segment: every input is a checkpoint
    assert memory.memory_profile(model, X, segment=9)["checkpointing"] == profile["reverse"]
    assert memory.memory_profile(model, X, segment=1)["checkpointing"] >= profile["checkpointing"]


def test_checkpointing_grows_like_the_square_root_of_depth():
    def profile(depth):
        return memory.memory_profile(MLP([16] * (depth + 1) + [2], rng=np.random.default_rng(0)),
                                     np.ones((8, 16)))

    small, large = profile(4), profile(64)
    assert 10 < large["reverse"] / small["reverse"] < 16  # linear: 16 times the depth
    assert 2.5 < large["checkpointing"] / small["checkpointing"] < 5.5  # about sqrt(16) = 4
    assert large["forward_mode"] == small["forward_mode"]


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: memory.cached_bytes([Linear(2, 2)]), TypeError, "model must be a Sequential"),
        (lambda: memory.cached_arrays(Value(1.0)), TypeError, "params and grads"),
        (lambda: memory.memory_profile(MLP([2, 2]), np.ones((1, 2)), segment=0), ValueError, "segment"),
        (lambda: memory.memory_profile(MLP([2, 2]), np.ones((1, 2)), segment=1.5), ValueError, "segment"),
        (lambda: memory.memory_profile("net", np.ones((1, 2))), TypeError, "model"),
    ],
)
def test_bad_inputs(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_plot_activation_memory_checks_and_draws():
    ax = plotting.plot_activation_memory([1, 2, 4], {"a": [2**20, 2**21, 2**22], "b": [1, 1, 1]}, "depth")
    assert len(ax.lines) == 2 and ax.get_xlabel() == "depth"
    assert ax.texts[0].get_text() == "×4"
    with pytest.raises(ValueError, match="increasing"):
        plotting.plot_activation_memory([2, 1], {"a": [1, 2]}, "depth")
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_activation_memory([1, 2], {"a": [1, 2, 3]}, "depth")
    plt.close("all")


def test_draw_graph_names_unlabelled_nodes():
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    out = (x * w + 1).tanh()
    out.backward()
    ax = plotting.draw_graph(out)
    texts = {t.get_text() for t in ax.texts}
    assert {"x·w", "x·w + 1", "tanh(x·w + 1)"} <= texts
    plt.close("all")
