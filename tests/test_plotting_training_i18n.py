"""Chapter 5's figures (course_lib.plotting.training and .curvature) in both languages: Japanese text,
every glyph, no font warnings; the English labels unchanged."""


import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import course_lib  # noqa: E402
from course_lib import plotting  # noqa: E402
from course_lib.schedules import cosine_annealing  # noqa: E402
from course_lib.training import History  # noqa: E402
from figure_checks import assert_japanese_figures, texts  # noqa: E402

JAPANESE = ("収束", "発散", "ステップ t", "最小点までの距離", "学習率 η", "縮小率", "最良の η",
            "訓練データの損失（平滑化）", "学習率", "ミニバッチの損失", "平滑化", "選んだ η", "対数目盛",
            "訓練", "検証", "損失", "認識精度", "エポック", "理論", "実測", "モーメンタム μ", "安定な最大の η",
            "ヘッセ行列の鋭さ", "開始点 y", "勾配降下法", "鞍点の近く", "勾配の大きさ", "値")


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    course_lib.setup_notebook(0)
    plt.close("all")


def _history():
    history = History()
    history.train_loss, history.val_loss = [1.0, 0.5, 0.3], [1.1, 0.6, 0.4]
    history.train_accuracy, history.val_accuracy = [0.5, 0.8, 0.9], [0.4, 0.7, 0.85]
    return history


def _every_figure():
    H = np.array([[6.0, 2.0], [2.0, 3.0]])
    x0 = np.array([1.0, 1.0])
    mus = np.array([0.0, 0.5])
    _, grid = plotting.plot_quadratic_grid(H, x0, [0.05, 0.4])
    return [
        *grid,
        plotting.plot_distance_to_minimum(H, x0, [0.2, 0.3], steps=20),
        plotting.plot_contraction_factors(H),
        plotting.plot_loss_curves({"a": [2.0, 1.0, 0.5], "b": [1.0, 2.0, np.inf]}),
        plotting.plot_schedules({"cos": cosine_annealing(0.1, 20)}, 20),
        plotting.plot_lr_range_test(np.geomspace(1e-3, 1, 10), np.linspace(2, 1, 10), suggested=0.1),
        *plotting.plot_history(_history()),
        plotting.plot_momentum_limits(mus, {"heavy ball": [2.0, 3.0]}, {"heavy ball": lambda m: 2 * (1 + m)}),
        *plotting.plot_sharpness({0.5: (np.linspace(2, 1, 10), [0, 5], [2.0, 3.5])}),
        *plotting.plot_saddle([[1.5, 0.01]], lr=0.1, steps=30),
        plotting.plot_epoch_curves({"a": [1.0, 0.5], "b": [2.0, 1.0]}, logy=True, legend_loc="outside"),
    ]


def _texts(ax):
    return " ".join(texts(ax.figure))


def test_japanese_figures_have_japanese_labels_every_glyph_and_no_font_warning():
    course_lib.setup_notebook(0, lang="ja")
    assert_japanese_figures(_every_figure(), JAPANESE)


def test_english_figures_keep_their_english_labels():
    course_lib.setup_notebook(0, lang="en")
    (slow, fast, distance, factors, curves, schedule, range_test, loss, accuracy, momentum, sharp_loss,
     sharpness, saddle, saddle_norm, epochs) = _every_figure()
    assert "converges" in _texts(slow) and "diverges" in _texts(fast)
    assert distance.get_xlabel() == "step t" and distance.get_ylabel() == "distance to the minimum |x_t − x*|"
    assert factors.get_xlabel() == "learning rate η" and "best η =" in _texts(factors)
    assert curves.get_ylabel() == "training loss (smoothed)" and schedule.get_ylabel() == "learning rate"
    assert "mini-batch loss" in _texts(range_test) and "chosen η = 0.1" in _texts(range_test)
    assert loss.get_ylabel() == "loss" and accuracy.get_ylabel() == "accuracy" and "validation" in _texts(loss)
    assert "heavy ball: theory" in _texts(momentum) and "heavy ball: measured" in _texts(momentum)
    assert sharpness.get_ylabel() == "sharpness λ_max of the Hessian" and sharp_loss.get_xlabel() == "step"
    assert "start y = 0.01" in _texts(saddle) and saddle.get_title() == "gradient descent on f(x, y) = x² − y²"
    assert saddle_norm.get_ylabel() == "gradient norm |∇f|"
    assert epochs.get_xlabel() == "epoch" and epochs.get_ylabel() == "value"
