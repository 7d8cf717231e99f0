"""Tests for course_lib.schedules (chapter 5): schedules, the critical rate, the LR range test."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.exercises import check
from course_lib.layers import Linear, MSELoss
from course_lib.network import Sequential
from course_lib.optim import gradient_descent
from course_lib.schedules import (
    constant,
    cosine_annealing,
    critical_learning_rate,
    exponential_decay,
    lr_range_test,
    smooth_losses,
    step_decay,
    suggest_learning_rate,
    warmup,
)


# ------------------------------------------------------------------ schedules: hand-computed values
def test_constant():
    s = constant(0.3)
    assert [s(0), s(1), s(1000)] == [0.3, 0.3, 0.3]
    assert isinstance(s(5), float)


def test_step_decay_values():
    s = step_decay(0.1, 0.5, 10)
    assert s(0) == pytest.approx(0.1)
    assert s(9) == pytest.approx(0.1)
    assert s(10) == pytest.approx(0.05)
    assert s(19) == pytest.approx(0.05)
    assert s(25) == pytest.approx(0.025)
    assert step_decay(1.0, 0.1, 1)(3) == pytest.approx(1e-3)


def test_exponential_decay_values():
    s = exponential_decay(2.0, 0.5)
    assert [s(0), s(1), s(3)] == pytest.approx([2.0, 1.0, 0.25])
    assert exponential_decay(0.1, 1.0)(500) == pytest.approx(0.1)


def test_cosine_annealing_values():
    s = cosine_annealing(1.0, 100)
    assert s(0) == pytest.approx(1.0)
    assert s(50) == pytest.approx(0.5)
    assert s(25) == pytest.approx((1 + math.cos(math.pi / 4)) / 2)
    assert s(100) == pytest.approx(0.0, abs=1e-15)
    assert s(1000) == pytest.approx(0.0, abs=1e-15)
    t = cosine_annealing(0.5, 10, lr_min=0.1)
    assert [t(0), t(5), t(10), t(11)] == pytest.approx([0.5, 0.3, 0.1, 0.1])


def test_cosine_is_monotone_decreasing():
    s = cosine_annealing(0.2, 37, lr_min=0.01)
    values = np.array([s(k) for k in range(50)])
    assert np.all(np.diff(values) <= 0)


def test_warmup_ramp_then_schedule_unshifted():
    s = warmup(constant(1.0), 4)
    assert [s(k) for k in range(7)] == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0, 1.0, 1.0])
    base = step_decay(1.0, 0.5, 5)
    w = warmup(base, 3)
    # ramp towards base(3) = 1.0, then the base schedule on its own clock (not shifted)
    assert [w(k) for k in range(3)] == pytest.approx([0.25, 0.5, 0.75])
    assert [w(k) for k in range(3, 12)] == pytest.approx([base(k) for k in range(3, 12)])


def test_warmup_of_cosine_still_ends_at_total_steps():
    w = warmup(cosine_annealing(1.0, 20), 5)
    assert w(0) < w(1) < w(4) < w(5)
    assert w(20) == pytest.approx(0.0, abs=1e-15)


def test_schedule_repr_names_the_recipe():
    assert repr(step_decay(0.1, 0.5, 10)) == "step_decay(lr0=0.1, drop=0.5, every=10)"
    assert repr(warmup(constant(1), 2)) == "warmup(constant(lr=1), warmup_steps=2)"


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: constant(0.0), "lr"),
        (lambda: constant(-1.0), "lr"),
        (lambda: step_decay(0.0, 0.5, 10), "lr0"),
        (lambda: step_decay(0.1, 0.0, 10), "drop"),
        (lambda: step_decay(0.1, 1.5, 10), "drop"),
        (lambda: step_decay(0.1, 0.5, 0), "every"),
        (lambda: exponential_decay(-0.1, 0.9), "lr0"),
        (lambda: exponential_decay(0.1, 0.0), "gamma"),
        (lambda: exponential_decay(0.1, 1.01), "gamma"),
        (lambda: cosine_annealing(0.1, 0), "total_steps"),
        (lambda: cosine_annealing(0.1, 10, lr_min=0.2), "lr_min"),
        (lambda: cosine_annealing(0.1, 10, lr_min=-0.1), "lr_min"),
        (lambda: warmup(constant(0.1), 0), "warmup_steps"),
    ],
)
def test_bad_schedule_arguments_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: step_decay(0.1, 0.5, 2.5), "every"),
        (lambda: constant("0.1"), "lr"),
        (lambda: cosine_annealing(0.1, 10.0), "total_steps"),
        (lambda: warmup(0.1, 3), "schedule"),
    ],
)
def test_bad_schedule_argument_types_raise_type_error(make, match):
    with pytest.raises(TypeError, match=match):
        make()


def test_bad_step():
    s = cosine_annealing(0.1, 10)
    with pytest.raises(ValueError, match="step"):
        s(-1)
    with pytest.raises(TypeError, match="step"):
        s(1.5)
    assert s(np.int64(5)) == pytest.approx(0.05)


# ------------------------------------------------------------------ critical learning rate
def test_critical_rate_of_diagonal_by_hand():
    # eigenvalues of a diagonal matrix are its entries: λ_max = 4, so 2/λ_max = 0.5
    assert critical_learning_rate(np.diag([1.0, 4.0, 2.0])) == pytest.approx(0.5)
    assert critical_learning_rate([[10.0]]) == pytest.approx(0.2)


def test_critical_rate_of_rotated_matrix_by_hand():
    # [[2, 1], [1, 2]] has eigenvalues 1 and 3
    assert critical_learning_rate([[2.0, 1.0], [1.0, 2.0]]) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    "hessian, error, match",
    [
        ([[1.0, 2.0], [0.0, 1.0]], ValueError, "hessian must be symmetric"),
        (np.ones((2, 3)), ValueError, "hessian must be square"),
        (np.ones(3), ValueError, "hessian"),
        ([[1.0, np.nan], [np.nan, 1.0]], ValueError, "hessian"),
        (-np.eye(2), ValueError, "hessian must have a positive"),
        (np.zeros((2, 2)), ValueError, "hessian must have a positive"),
        ("H", TypeError, "hessian"),
    ],
)
def test_critical_rate_bad_input(hessian, error, match):
    with pytest.raises(error, match=match):
        critical_learning_rate(hessian)


@st.composite
def spd_matrices(draw):
    """Random symmetric positive-definite matrix H = Q diag(λ) Qᵀ with condition number ≤ 50."""
    d = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    lam_max = draw(st.floats(0.01, 100.0))
    lams = lam_max * rng.uniform(1 / 50, 1.0, size=d)
    lams[0] = lam_max
    return (Q * lams) @ Q.T, Q


@given(spd_matrices())
@settings(max_examples=50)
def test_gd_converges_below_and_diverges_above_the_critical_rate(case):
    H, Q = case
    crit = critical_learning_rate(H)
    x0 = Q @ np.ones(len(H))  # the same component along every eigen-direction
    steps = 1500
    below = gradient_descent(lambda x: H @ x, x0, 0.98 * crit, steps)[-1]
    above = gradient_descent(lambda x: H @ x, x0, 1.02 * crit, steps)[-1]
    norm0 = np.linalg.norm(x0)
    assert np.linalg.norm(below) < 1e-6 * norm0
    assert np.linalg.norm(above) > 1e6 * norm0


@given(spd_matrices())
@settings(max_examples=50)
def test_critical_rate_is_two_over_largest_eigenvalue(case):
    H, _ = case
    assert critical_learning_rate(H) == pytest.approx(2 / np.max(np.linalg.eigvalsh(H)), rel=1e-9)


# ------------------------------------------------------------------ LR range test
def _regression(seed=0, n=200):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.1 * rng.normal(size=(n, 1))
    return X, y


def test_lr_range_test_rates_grow_exponentially_and_losses_are_finite():
    X, y = _regression()
    lrs, losses = lr_range_test(lambda: Sequential(Linear(3, 1, rng=np.random.default_rng(1))),
                                MSELoss(), X, y, rng=np.random.default_rng(2),
                                lr_min=1e-3, lr_max=0.1, num_steps=30, batch_size=20)
    assert lrs.shape == losses.shape == (30,)
    np.testing.assert_allclose(lrs, np.geomspace(1e-3, 0.1, 30))
    assert np.all(np.isfinite(losses))
    assert losses[-5:].mean() < losses[:5].mean()  # it learned


def test_lr_range_test_stops_when_the_loss_explodes():
    X, y = _regression()
    lrs, losses = lr_range_test(lambda: Sequential(Linear(3, 1, rng=np.random.default_rng(1))),
                                MSELoss(), X, y, rng=np.random.default_rng(2),
                                lr_min=1e-3, lr_max=1e3, num_steps=200, batch_size=20)
    assert len(lrs) < 200
    assert np.all(np.isfinite(losses))
    assert lrs[-1] < 10  # the linear model diverges above lr ≈ 2/λ_max(2XᵀX/N) ≈ 1
    assert suggest_learning_rate(lrs, losses) < lrs[-1]


class _BlowsUpAfterOneStep:
    """A model whose output turns to NaN after its first update, as overflowing weights do."""

    def __init__(self):
        self.params = {"w": np.zeros(1)}
        self.grads = {"w": np.ones(1)}

    def forward(self, X):
        return np.full((len(X), 1), 0.5 if self.params["w"][0] == 0 else np.nan)

    def backward(self, grad):
        return grad


def test_lr_range_test_stops_when_the_output_is_not_finite():
    X, y = _regression()
    lrs, losses = lr_range_test(_BlowsUpAfterOneStep, MSELoss(), X, y, rng=np.random.default_rng(0),
                                num_steps=10, batch_size=20)
    assert len(lrs) == len(losses) == 1  # stopped instead of letting MSELoss reject the NaN
    assert np.all(np.isfinite(losses))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(lr_min=0.0), ValueError, "lr_min"),
        (dict(lr_min=1.0, lr_max=0.5), ValueError, "lr_min"),
        (dict(num_steps=1), ValueError, "num_steps"),
        (dict(batch_size=0), ValueError, "batch_size"),
        (dict(batch_size=1000), ValueError, "batch_size"),
        (dict(rng=0), TypeError, "rng"),
        (dict(stop_factor=1.0), ValueError, "stop_factor"),
    ],
)
def test_lr_range_test_bad_arguments(kwargs, error, match):
    X, y = _regression()
    args = dict(rng=np.random.default_rng(0), lr_min=1e-3, lr_max=1.0, num_steps=10, batch_size=10)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        lr_range_test(lambda: Sequential(Linear(3, 1)), MSELoss(), X, y, **args)


def test_lr_range_test_mismatched_data():
    X, y = _regression()
    with pytest.raises(ValueError, match="y"):
        lr_range_test(lambda: Sequential(Linear(3, 1)), MSELoss(), X, y[:-1], rng=np.random.default_rng(0))


# ------------------------------------------------------------------ smoothing and picking a rate
def test_smooth_losses():
    x = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    np.testing.assert_allclose(smooth_losses(x, beta=0.0), x)
    np.testing.assert_allclose(smooth_losses(np.full(6, 2.5), beta=0.9), 2.5)  # bias corrected
    # by hand, beta = 0.5: avg = 1.5, 0.75 + 0.5 = 1.25 -> 1.5/0.5, 1.25/0.75
    np.testing.assert_allclose(smooth_losses([3.0, 1.0], beta=0.5), [3.0, 1.25 / 0.75])
    with pytest.raises(ValueError, match="beta"):
        smooth_losses(x, beta=1.0)


def test_suggest_learning_rate_rules():
    lrs = np.geomspace(1e-4, 1.0, 81)  # 20 points per decade
    u = np.log10(lrs)
    losses = 2 - np.tanh(2 * (u + 2.5)) + np.maximum(0, u + 1) ** 2 * 20  # steepest at 10^-2.5
    assert suggest_learning_rate(lrs, losses, beta=0.0) == pytest.approx(10**-2.5)
    i_min = int(np.argmin(losses))
    assert suggest_learning_rate(lrs, losses, rule="min/10", beta=0.0) == pytest.approx(lrs[i_min] / 10)


@pytest.mark.parametrize(
    "lrs, losses, kwargs, match",
    [
        ([1e-3, 1e-2, 1e-1], [1.0, 0.5], {}, "same length"),
        ([1e-3, 1e-2], [1.0, 0.5], {}, "at least 3"),
        ([1e-1, 1e-2, 1e-3], [1.0, 0.5, 0.2], {}, "increasing"),
        ([1e-3, 1e-2, 1e-1], [1.0, 0.5, 0.2], {"rule": "best"}, "rule"),
    ],
)
def test_suggest_learning_rate_bad_input(lrs, losses, kwargs, match):
    with pytest.raises(ValueError, match=match):
        suggest_learning_rate(lrs, losses, **kwargs)


# ------------------------------------------------------------------ exercise checkers
def _critical(H):
    return 2 / np.linalg.eigvalsh(H)[-1]


def _contraction(H, lr):
    return 1 - lr * np.linalg.eigvalsh(H)


def _step_decay(lr0, drop, every):
    return lambda step: lr0 * drop ** (step // every)


def _closed_form(H, x0, lr, t):
    lam, Q = np.linalg.eigh(H)
    return Q @ ((1 - lr * lam) ** t * (Q.T @ x0))


@pytest.mark.parametrize(
    "exercise_id, good, bad, hint",
    [
        ("5.1", _critical, lambda H: 1 / np.linalg.eigvalsh(H)[-1], "1/λ_max"),
        ("5.1", _critical, lambda H: 2 / np.linalg.eigvalsh(H)[0], "largest"),
        ("5.1", _critical, lambda H: 2 / np.trace(H), "eigvalsh"),
        ("5.2", _contraction, lambda H, lr: np.abs(1 - lr * np.linalg.eigvalsh(H)), "sign"),
        ("5.2", _contraction, lambda H, lr: (1 - lr * np.linalg.eigvalsh(H))[::-1], "smallest λ first"),
        ("5.3", _step_decay, lambda a, d, e: (lambda s: a * d ** ((s + 1) // e)), "step // every"),
        ("5.3", _step_decay, lambda a, d, e: (lambda s: a * d ** s), "Hint"),
        ("5.4", _closed_form, lambda H, x0, lr, t: (1 - lr * np.max(np.linalg.eigvalsh(H))) ** t * x0,
         "Hint"),
    ],
)
def test_exercise_checkers(capsys, exercise_id, good, bad, hint):
    assert check(exercise_id, good)
    assert "[PASS]" in capsys.readouterr().out
    result = check(exercise_id, bad)
    assert not result
    assert hint in result.message
    assert "[NOT YET]" in capsys.readouterr().out
