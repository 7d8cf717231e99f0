"""Chapter 2's figures (course_lib.plotting.graphs) in both languages: Japanese text, every glyph, no font warnings."""

import math
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import course_lib  # noqa: E402
from course_lib.autodiff import Value  # noqa: E402
from course_lib.plotting import (  # noqa: E402
    draw_graph,
    plot_activation_memory,
    plot_autodiff_cost,
    plot_secants,
    plot_step_errors,
)
from figure_checks import assert_japanese_figures, texts  # noqa: E402

JAPANESE = ("割線", "接線", "差分", "刻み幅", "最適な h", "既定の h", "入力の数", "演算", "メモリ")


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    course_lib.setup_notebook(0)
    plt.close("all")


def _every_figure():
    hs = np.logspace(-12, -2, 11)
    ns = np.array([1.0, 10.0, 100.0])
    w, x = Value(0.8, label="w"), Value(1.5, label="x")
    loss = ((w * x).sigmoid() - 1.0) ** 2
    loss.label = "L"
    loss.backward()
    axes = [
        plot_secants(math.sin, 0.5, hs=(0.5, 0.1)),
        plot_step_errors(hs, {"前進": hs, "中心": hs**2}, models={"前進": hs}, default_h=1e-5),
        plot_autodiff_cost(ns, {"one": ns, "reverse": 2 * ns}, reference="one"),
        plot_activation_memory([1, 2, 4], {"a": [2**20, 2**21, 2**22]}, "depth"),
        draw_graph(loss, show_local_grads=True, title="L = (σ(w·x) − 1)²"),
    ]
    return axes


def _texts(ax):
    return " ".join(texts(ax.figure))


def test_japanese_figures_have_japanese_labels_every_glyph_and_no_font_warning():
    course_lib.setup_notebook(0, lang="ja")
    assert_japanese_figures(_every_figure(), JAPANESE)


def test_english_figures_keep_their_english_labels():
    course_lib.setup_notebook(0, lang="en")
    secants, steps, cost, memory, graph = _every_figure()
    assert "secant h = 0.5" in _texts(secants) and "tangent: slope" in _texts(secants)
    assert steps.get_xlabel() == "step size h" and "best h ≈" in _texts(steps) and "default h = 1e-05" in _texts(steps)
    assert cost.get_xlabel() == "number of inputs n" and cost.get_ylabel() == "operations counted"
    assert memory.get_ylabel() == "memory kept (MiB)"
    assert any(t.get_fontweight() == "bold" for t in graph.texts)  # labelled nodes, DejaVu Sans has a bold face
