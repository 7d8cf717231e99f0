"""Chapter 4 figures: their own text follows the notebook's language, with every glyph drawn."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import course_lib  # noqa: E402
from course_lib.optim import gradient_descent, quadratic  # noqa: E402
from course_lib.plotting import descent as figs  # noqa: E402
from figure_checks import bilingual_figure_tests, draw_strictly, english_afterwards  # noqa: E402,F401  (english_afterwards: a fixture)

F, GRAD = quadratic(np.diag([1.0, 4.0]))


def _contours_with_arrows():
    ax = figs.plot_contours(F, (-3, 3), (-2, 2), levels=4, minimum=[0, 0])
    figs.plot_gradient_arrows(GRAD, np.array([[1.0, 0.5], [-1.0, 1.0]]), ax=ax)
    figs.plot_trajectory(gradient_descent(GRAD, [2.0, 1.0], 0.1, 5), ax=ax)
    ax.legend()


pytestmark = pytest.mark.usefixtures("english_afterwards")

FIGURES = {
    "plot_contours + arrows + trajectory": _contours_with_arrows,
    "plot_directional_slopes": lambda: figs.plot_directional_slopes(np.array([1.0, 2.0])),
    "plot_descent_losses": lambda: figs.plot_descent_losses({"a": [3.0, 2.0, 1.0]}),
}

test_figure_text_in_japanese_with_every_glyph, test_figure_text_in_english_by_default = \
    bilingual_figure_tests(FIGURES)


def test_one_dimensional_and_boundary_figures_draw_without_font_warnings_in_japanese():
    course_lib.setup_notebook(0, lang="ja")
    figs.plot_descent_1d(lambda x: x**2, gradient_descent(lambda x: 2 * x, [2.0], 0.1, 5))
    X = np.random.default_rng(0).normal(size=(20, 2))
    xx, yy, grid = figs.decision_grid(X, resolution=10)
    fig = figs.plot_decision_boundary_steps(xx, yy, [("ステップ 0", np.column_stack([grid[:, 0], -grid[:, 0]]))],
                                            X, X[:, 0] > 0, ncols=1)
    for number in plt.get_fignums():
        draw_strictly(plt.figure(number))
    assert fig is not None
