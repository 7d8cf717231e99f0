"""Tests for course_lib.optim (chapter 4): gradient descent, SGD with momentum, mini-batches."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import optim
from course_lib.exercises import check
from course_lib.optim import SGD, gradient_descent, iterate_minibatches, quadratic


class ToyModel:
    """The smallest thing SGD accepts: dicts ``params`` and ``grads`` with the same keys."""

    def __init__(self, params, grads):
        self.params, self.grads = params, grads


# --------------------------------------------------------------------------- gradient_descent


def test_gd_reaches_minimiser_of_quadratic():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -2.0])
    _, grad = quadratic(A, b)
    traj = gradient_descent(grad, np.array([5.0, 5.0]), lr=0.2, steps=300)
    assert traj.shape == (301, 2)
    np.testing.assert_allclose(traj[-1], np.linalg.solve(A, b), atol=1e-10)


def test_gd_trajectory_rows_follow_the_rule():
    _, grad = quadratic(np.diag([1.0, 4.0]))
    traj = gradient_descent(grad, [2.0, -1.0], lr=0.1, steps=3)
    np.testing.assert_array_equal(traj[0], [2.0, -1.0])
    # x1 = x0 - 0.1 * (1*2, 4*(-1)) = (1.8, -0.6); x2 = (1.62, -0.36)
    np.testing.assert_allclose(traj[1], [1.8, -0.6])
    np.testing.assert_allclose(traj[2], [1.62, -0.36])


def test_gd_zero_steps_returns_start():
    traj = gradient_descent(lambda x: 2 * x, np.array([1.5]), lr=0.1, steps=0)
    np.testing.assert_array_equal(traj, [[1.5]])


def test_gd_divergence_keeps_inf_nan_without_warnings():
    _, grad = quadratic(np.diag([1.0, 10.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = gradient_descent(grad, np.array([1.0, 1.0]), lr=1.0, steps=800)
        assert traj.shape == (801, 2)
        assert not np.all(np.isfinite(traj[-1]))
        assert np.abs(traj[5, 1]) > np.abs(traj[1, 1])  # growing, not stopped
        f, _ = quadratic(np.diag([1.0, 10.0]))
        assert not np.isfinite(f(traj)).all()  # the loss of a diverged path: inf/nan, quietly
        assert not np.isfinite(optim.rosenbrock(traj)).all()
        assert not np.isfinite(optim.rosenbrock_grad(traj)).all()


def test_gd_rosenbrock_grad_matches_finite_differences():
    from course_lib.gradcheck import numerical_gradient, relative_error

    for point in ([-1.2, 1.0], [0.5, 0.3], [2.0, -1.0]):
        x = np.array(point)
        num = numerical_gradient(lambda z: float(optim.rosenbrock(z)), x)
        assert relative_error(optim.rosenbrock_grad(x), num) <= 1e-7


def test_quadratic_value_and_grad_on_grid():
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    b = np.array([1.0, 0.0])
    f, grad = quadratic(A, b)
    x = np.array([0.3, -0.7])
    assert np.isclose(f(x), 0.5 * x @ A @ x - b @ x)
    np.testing.assert_allclose(grad(x), A @ x - b)
    grid = np.zeros((4, 5, 2))
    assert f(grid).shape == (4, 5)
    assert grad(grid).shape == (4, 5, 2)


@pytest.mark.parametrize("lr", [0, -0.1])
def test_gd_rejects_nonpositive_lr(lr):
    with pytest.raises(ValueError, match="lr"):
        gradient_descent(lambda x: x, [1.0], lr=lr, steps=3)


@pytest.mark.parametrize("steps, err", [(-1, ValueError), (2.5, TypeError), (True, TypeError)])
def test_gd_rejects_bad_steps(steps, err):
    with pytest.raises(err, match="steps"):
        gradient_descent(lambda x: x, [1.0], lr=0.1, steps=steps)


def test_gd_rejects_grad_of_wrong_shape():
    with pytest.raises(ValueError, match="grad_fn"):
        gradient_descent(lambda x: np.zeros(3), [1.0, 2.0], lr=0.1, steps=2)


def test_gd_rejects_2d_x0():
    with pytest.raises(ValueError, match="x0"):
        gradient_descent(lambda x: x, [[1.0, 2.0]], lr=0.1, steps=2)


def test_quadratic_rejects_bad_matrices():
    with pytest.raises(ValueError, match="A"):
        quadratic(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="b"):
        quadratic(np.eye(2), np.ones(3))


# --------------------------------------------------------------------------- SGD


def test_plain_sgd_step():
    W = np.array([[1.0, -2.0], [0.5, 0.0]])
    g = np.array([[0.2, 0.4], [-1.0, 3.0]])
    model = ToyModel({"W": W, "b": np.array([1.0])}, {"W": g, "b": np.array([-0.5])})
    SGD(lr=0.5).step(model)
    # p - 0.5 * g
    np.testing.assert_allclose(model.params["W"], [[0.9, -2.2], [1.0, -1.5]])
    np.testing.assert_allclose(model.params["b"], [1.25])
    assert model.params["W"] is W  # updated in place


def test_sgd_momentum_two_steps_by_hand():
    # lr = 0.1, momentum = 0.9, p0 = [1, -1]
    # step 1: g = [2, 4]    v1 = 0.9*0 - 0.1*[2, 4]             = [-0.2, -0.4]
    #                       p1 = [1, -1] + [-0.2, -0.4]          = [0.8, -1.4]
    # step 2: g = [-1, 1]   v2 = 0.9*[-0.2, -0.4] - 0.1*[-1, 1]  = [-0.08, -0.46]
    #                       p2 = [0.8, -1.4] + [-0.08, -0.46]    = [0.72, -1.86]
    p = np.array([1.0, -1.0])
    model = ToyModel({"w": p}, {"w": np.array([2.0, 4.0])})
    opt = SGD(lr=0.1, momentum=0.9)
    opt.step(model)
    np.testing.assert_allclose(model.params["w"], [0.8, -1.4])
    np.testing.assert_allclose(opt.velocity["w"], [-0.2, -0.4])
    model.grads["w"] = np.array([-1.0, 1.0])
    opt.step(model)
    np.testing.assert_allclose(opt.velocity["w"], [-0.08, -0.46])
    np.testing.assert_allclose(model.params["w"], [0.72, -1.86])


def test_sgd_lr_is_settable_and_used():
    model = ToyModel({"w": np.array([1.0])}, {"w": np.array([1.0])})
    opt = SGD(lr=0.1)
    opt.lr = 0.5
    opt.step(model)
    np.testing.assert_allclose(model.params["w"], [0.5])
    with pytest.raises(ValueError, match="lr"):
        opt.lr = 0.0


def test_sgd_reset_forgets_velocity():
    model = ToyModel({"w": np.array([0.0])}, {"w": np.array([1.0])})
    opt = SGD(lr=1.0, momentum=0.5)
    opt.step(model)
    opt.reset()
    opt.step(model)  # velocity starts again at 0: v = -1
    np.testing.assert_allclose(model.params["w"], [-2.0])


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_keeps_float32(momentum):
    p = np.ones((3, 2), dtype=np.float32)
    model = ToyModel({"0.W": p}, {"0.W": np.full((3, 2), 0.5, dtype=np.float32)})
    opt = SGD(lr=0.1, momentum=momentum)
    for _ in range(3):
        opt.step(model)
    assert model.params["0.W"] is p
    assert p.dtype == np.float32
    if momentum:
        assert opt.velocity["0.W"].dtype == np.float32


@given(
    lr=st.floats(1e-3, 1.0),
    momentum=st.floats(0.0, 0.99),
    grads=st.lists(st.floats(-10, 10), min_size=3, max_size=3),
)
@settings(max_examples=50, deadline=None)
def test_sgd_matches_textbook_recurrence(lr, momentum, grads):
    p = np.array([0.7, -0.3])
    model = ToyModel({"w": p}, {"w": None})
    opt = SGD(lr=lr, momentum=momentum)
    p_ref, v_ref = p.copy(), np.zeros(2)
    for g in grads:
        model.grads["w"] = np.array([g, -g])
        opt.step(model)
        v_ref = momentum * v_ref - lr * np.array([g, -g])
        p_ref = p_ref + v_ref
    np.testing.assert_allclose(model.params["w"], p_ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("lr", [0, -1.0, float("nan")])
def test_sgd_rejects_bad_lr(lr):
    with pytest.raises(ValueError, match="lr"):
        SGD(lr=lr)


@pytest.mark.parametrize("momentum", [-0.1, 1.0, 1.5])
def test_sgd_rejects_momentum_out_of_range(momentum):
    with pytest.raises(ValueError, match="momentum"):
        SGD(lr=0.1, momentum=momentum)


def test_sgd_rejects_model_without_dicts():
    with pytest.raises(TypeError, match="params"):
        SGD(lr=0.1).step(object())


def test_sgd_rejects_missing_or_misshaped_grads():
    opt = SGD(lr=0.1)
    with pytest.raises(ValueError, match="backward"):
        opt.step(ToyModel({"W": np.ones(2)}, {}))
    with pytest.raises(ValueError, match="shape"):
        opt.step(ToyModel({"W": np.ones(2)}, {"W": np.ones(3)}))


# --------------------------------------------------------------------------- iterate_minibatches


def _data(n, d=3):
    X = np.arange(n * d, dtype=np.float64).reshape(n, d)
    return X, np.arange(n)


@given(n=st.integers(1, 60), batch_size=st.integers(1, 60), seed=st.integers(0, 2**32 - 1),
       shuffle=st.booleans())
@settings(max_examples=50, deadline=None)
def test_minibatches_cover_each_index_once(n, batch_size, seed, shuffle):
    batch_size = min(batch_size, n)
    X, y = _data(n)
    batches = list(iterate_minibatches(X, y, batch_size, rng=np.random.default_rng(seed),
                                       shuffle=shuffle))
    assert len(batches) == -(-n // batch_size)  # ceil(n / batch_size)
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(n))
    for Xb, yb in batches:
        np.testing.assert_array_equal(Xb, X[yb])  # rows stay paired with their labels
    assert all(len(yb) == batch_size for _, yb in batches[:-1])


def test_minibatches_shapes_and_last_partial_batch():
    X, y = _data(10, d=4)
    batches = list(iterate_minibatches(X, y, 4, rng=np.random.default_rng(0)))
    assert [Xb.shape for Xb, _ in batches] == [(4, 4), (4, 4), (2, 4)]
    assert [yb.shape for _, yb in batches] == [(4,), (4,), (2,)]


def test_minibatches_reproducible_and_shuffled():
    X, y = _data(50)
    first = [yb for _, yb in iterate_minibatches(X, y, 7, rng=np.random.default_rng(3))]
    again = [yb for _, yb in iterate_minibatches(X, y, 7, rng=np.random.default_rng(3))]
    other = [yb for _, yb in iterate_minibatches(X, y, 7, rng=np.random.default_rng(4))]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(np.concatenate(first), np.concatenate(other))
    assert not np.array_equal(np.concatenate(first), np.arange(50))


def test_minibatches_unshuffled_in_order_without_rng():
    X, y = _data(5)
    order = [yb.tolist() for _, yb in iterate_minibatches(X, y, 2, shuffle=False)]
    assert order == [[0, 1], [2, 3], [4]]


def test_minibatches_keep_dtype():
    X = np.ones((9, 2), dtype=np.float32)
    y = np.zeros(9, dtype=np.int64)
    Xb, yb = next(iterate_minibatches(X, y, 4, rng=np.random.default_rng(0)))
    assert Xb.dtype == np.float32 and yb.dtype == np.int64


@pytest.mark.parametrize("batch_size", [0, 11, -2])
def test_minibatches_reject_bad_batch_size(batch_size):
    X, y = _data(10)
    with pytest.raises(ValueError, match="batch_size"):
        iterate_minibatches(X, y, batch_size, rng=np.random.default_rng(0))


def test_minibatches_reject_non_integer_batch_size():
    X, y = _data(10)
    with pytest.raises(TypeError, match="batch_size"):
        iterate_minibatches(X, y, 2.0, rng=np.random.default_rng(0))


def test_minibatches_reject_mismatched_lengths():
    X, _ = _data(10)
    with pytest.raises(ValueError, match="len"):
        iterate_minibatches(X, np.arange(9), 2, rng=np.random.default_rng(0))


def test_minibatches_shuffle_needs_rng():
    X, y = _data(10)
    with pytest.raises(TypeError, match="rng=np.random.default_rng"):
        iterate_minibatches(X, y, 2)


# --------------------------------------------------------------------------- exercise checkers


def _sgd_step_reference(p, g, lr):
    return p - lr * g


def _momentum_reference(p, v, g, lr, momentum):
    v_new = momentum * v - lr * g
    return p + v_new, v_new


def _lstsq_reference(X, y):
    Xb = np.hstack([X, np.ones((len(X), 1))])
    wb = np.linalg.lstsq(Xb, y, rcond=None)[0]
    return wb[:-1], wb[-1]


def _lstsq_without_bias(X, y):
    return np.linalg.lstsq(X, y, rcond=None)[0], 0.0


@pytest.mark.parametrize(
    "exercise_id, good, bad, hint",
    [
        ("4.1", _sgd_step_reference, lambda p, g, lr: p + lr * g, "Hint"),
        ("4.2", _momentum_reference, lambda p, v, g, lr, m: (p - lr * g, v), "Hint"),
        ("4.3", lambda n, b: -(-n // b), lambda n, b: n // b, "Hint"),
        ("4.4", _lstsq_reference, _lstsq_without_bias, "Hint"),
    ],
)
def test_exercise_checkers(exercise_id, good, bad, hint, capsys):
    assert check(exercise_id, good)
    result = check(exercise_id, bad)
    assert not result
    assert hint in result.message
    out = capsys.readouterr().out
    assert "[PASS]" in out and "[NOT YET]" in out


# --------------------------------------------------------------------------- chapter 4 figures


def test_descent_plots_draw_and_are_not_shadowed():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course_lib import plotting
    from course_lib.plotting import descent

    for name in descent.__all__:  # another chapter's module must not overwrite these names
        assert getattr(plotting, name) is getattr(descent, name), name
    f, grad = quadratic(np.diag([1.0, 10.0]))
    path = gradient_descent(grad, [-2.0, 1.0], lr=0.25, steps=2000)  # diverges to inf, nan
    ax = descent.plot_contours(f, (-3, 3), (-2, 2), levels=8, minimum=[0, 0])
    limits = ax.get_xlim(), ax.get_ylim()
    descent.plot_trajectory(path, ax=ax)
    assert (ax.get_xlim(), ax.get_ylim()) == limits  # a runaway path does not rescale the map
    with pytest.raises(ValueError, match="trajectory"):
        descent.plot_trajectory(np.zeros((3, 3)), ax=ax)
    descent.plot_descent_1d(lambda x: x**2, gradient_descent(lambda x: 2 * x, [2.0], 0.1, 5))
    descent.plot_descent_losses({"a": f(path[:5]), "b": (np.arange(3), [3.0, 2.0, 1.0])},
                                colors=["r", "b"])
    X = np.random.default_rng(0).normal(size=(20, 2))
    xx, yy, grid = descent.decision_grid(X, resolution=10)
    assert grid.shape == (100, 2) and xx.shape == (10, 10)
    scores = np.column_stack([grid[:, 0], -grid[:, 0]])
    fig = descent.plot_decision_boundary_steps(xx, yy, [("a", scores)] * 3, X, X[:, 0] > 0,
                                               ncols=2)
    assert len(fig.axes) == 4
    plt.close("all")
