"""Chapter 1 library: losses, checked by known values, central differences, properties and bad input."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib import losses
from course_lib.gradcheck import numerical_gradient, relative_error

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


def logits_strategy(max_rows=6, max_cols=6):
    return st.tuples(st.integers(1, max_rows), st.integers(2, max_cols)).flatmap(
        lambda shape: arrays(np.float64, shape, elements=finite)
    )


# ---------------------------------------------------------------- known values
def test_mse_known_value():
    assert losses.mse([2.5, 2.0, 4.0], [3.0, 1.5, 4.0]) == pytest.approx(0.5 / 3)


def test_mse_grad_known_value():
    np.testing.assert_allclose(losses.mse_grad([2.5, 2.0, 4.0], [3.0, 1.5, 4.0]), [-1 / 3, 1 / 3, 0])


def test_softmax_known_value():
    p = losses.softmax(np.array([[0.0, np.log(3.0)]]))
    np.testing.assert_allclose(p, [[0.25, 0.75]])


def test_log_softmax_equals_log_of_softmax():
    z = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 5.0]])
    np.testing.assert_allclose(losses.log_softmax(z), np.log(losses.softmax(z)))


def test_softmax_other_axis():
    z = np.array([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(losses.softmax(z, axis=0).sum(axis=0), [1.0, 1.0])


def test_one_hot():
    np.testing.assert_array_equal(losses.one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])


def test_cross_entropy_known_value_labels_and_one_hot_agree():
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    expected = -(np.log(0.7) + np.log(0.1)) / 2
    assert losses.cross_entropy(probs, [0, 1]) == pytest.approx(expected)
    assert losses.cross_entropy(probs, losses.one_hot([0, 1], 3)) == pytest.approx(expected)


def test_seven_versus_three():
    probs = np.full((1, 10), 0.02)
    probs[0, 7], probs[0, 3] = 0.70, 0.14
    assert losses.cross_entropy(probs, [3]) == pytest.approx(-np.log(0.14))
    assert losses.mse(probs, losses.one_hot([3], 10)) == pytest.approx((8 * 0.02**2 + 0.7**2 + 0.86**2) / 10)


def test_softmax_cross_entropy_matches_two_step_version():
    z = np.array([[1.0, -2.0, 0.5], [0.3, 0.3, 2.0]])
    assert losses.softmax_cross_entropy(z, [2, 0]) == pytest.approx(losses.cross_entropy(losses.softmax(z), [2, 0]))


def test_binary_cross_entropy_known_value():
    p, t = np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 1.0])
    expected = -np.mean(np.log([0.9, 0.8, 0.6]))
    assert losses.binary_cross_entropy(p, t) == pytest.approx(expected)


def test_perfect_prediction_has_zero_loss_not_negative_zero():
    z = np.array([[1000.0, 0.0, -1000.0]])
    value = losses.softmax_cross_entropy(z, [0])
    assert value == 0.0 and np.copysign(1.0, value) == 1.0


# ---------------------------------------------------------------- gradients vs central differences
@pytest.mark.parametrize("seed", range(5))
def test_mse_grad_matches_central_differences(seed):
    rng = np.random.default_rng(seed)
    y_pred, y_true = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    numeric = numerical_gradient(lambda p: losses.mse(p, y_true), y_pred)
    assert relative_error(losses.mse_grad(y_pred, y_true), numeric) <= 1e-7


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("one_hot", [False, True])
def test_softmax_cross_entropy_grad_matches_central_differences(seed, one_hot):
    rng = np.random.default_rng(seed)
    z, labels = rng.normal(size=(5, 4)) * 3, rng.integers(0, 4, size=5)
    targets = losses.one_hot(labels, 4) if one_hot else labels
    numeric = numerical_gradient(lambda x: losses.softmax_cross_entropy(x, targets), z)
    assert relative_error(losses.softmax_cross_entropy_grad(z, targets), numeric) <= 1e-7


@pytest.mark.parametrize("seed", range(3))
def test_binary_cross_entropy_gradient_through_sigmoid_is_p_minus_t(seed):
    rng = np.random.default_rng(seed)
    z, t = rng.normal(size=6), rng.integers(0, 2, size=6).astype(float)
    numeric = numerical_gradient(lambda x: losses.binary_cross_entropy(1 / (1 + np.exp(-x)), t), z)
    analytic = (1 / (1 + np.exp(-z)) - t) / z.size
    assert relative_error(analytic, numeric) <= 1e-7


# ---------------------------------------------------------------- properties
@given(logits_strategy())
def test_softmax_rows_sum_to_one_and_are_probabilities(z):
    p = losses.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all((p >= 0) & (p <= 1))


@given(logits_strategy(), st.floats(-1e3, 1e3))
def test_softmax_is_shift_invariant(z, shift):
    np.testing.assert_allclose(losses.softmax(z + shift), losses.softmax(z), atol=1e-12)
    np.testing.assert_allclose(losses.log_softmax(z + shift), losses.log_softmax(z), atol=1e-9)


@given(logits_strategy(), st.data())
def test_softmax_cross_entropy_is_non_negative(z, data):
    labels = np.array(data.draw(st.lists(st.integers(0, z.shape[1] - 1), min_size=z.shape[0], max_size=z.shape[0])))
    assert losses.softmax_cross_entropy(z, labels) >= 0.0


@given(arrays(np.float64, st.integers(1, 8), elements=finite), arrays(np.float64, 8, elements=finite))
def test_mse_non_negative_minimal_and_gradient_vanishes_at_target(y_true, other):
    y_pred = other[: y_true.size]
    assert losses.mse(y_pred, y_true) >= losses.mse(y_true, y_true) == 0.0
    np.testing.assert_array_equal(losses.mse_grad(y_true, y_true), 0.0)


@given(st.integers(2, 6), st.integers(0, 5))
def test_cross_entropy_minimal_at_the_target(c, label):
    label = label % c
    target = losses.one_hot([label], c)
    assert losses.cross_entropy(target, [label]) == 0.0
    other = np.full((1, c), 1.0 / c)
    assert losses.cross_entropy(other, [label]) > 0.0


@given(st.integers(2, 6), st.integers(0, 5))
def test_softmax_cross_entropy_gradient_vanishes_as_prediction_becomes_certain(c, label):
    label = label % c
    z = 40.0 * losses.one_hot([label], c)  # softmax ≈ one-hot
    assert np.max(np.abs(losses.softmax_cross_entropy_grad(z, [label]))) < 1e-15


@given(arrays(np.float64, st.integers(1, 8), elements=st.floats(0, 1)))
def test_binary_cross_entropy_non_negative_and_minimal_at_the_target(t):
    t = np.round(t)
    assert losses.binary_cross_entropy(t, t) == pytest.approx(0.0, abs=1e-9)
    assert losses.binary_cross_entropy(np.full_like(t, 0.5), t) > 0.5


# ---------------------------------------------------------------- stability
@pytest.mark.parametrize("scale", [1e4, -1e4])
def test_huge_logits_give_finite_losses_and_gradients_without_warnings(scale):
    z = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, -3.0]]) * scale
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = losses.softmax_cross_entropy(z, [0, 2])
        grad = losses.softmax_cross_entropy_grad(z, [0, 2])
        p = losses.softmax(z)
        logp = losses.log_softmax(z)
    assert np.isfinite(loss) and np.all(np.isfinite(grad)) and np.all(np.isfinite(p)) and np.all(np.isfinite(logp))


def test_cross_entropy_of_zero_probability_is_finite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(losses.cross_entropy(np.array([[1.0, 0.0]]), [1]))
        assert np.isfinite(losses.binary_cross_entropy(np.array([0.0, 1.0]), np.array([1.0, 0.0])))


def test_float32_stays_float32():
    z = np.ones((2, 3), dtype=np.float32)
    assert losses.softmax(z).dtype == np.float32
    assert losses.softmax_cross_entropy_grad(z, [0, 1]).dtype == np.float32


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: losses.mse(np.ones(3), np.ones(4)), ValueError, "y_pred"),
        (lambda: losses.mse(np.ones((3, 1)), np.ones(3)), ValueError, "no broadcasting"),
        (lambda: losses.mse([1.0, np.nan], [1.0, 2.0]), ValueError, "y_pred contains NaN"),
        (lambda: losses.mse("abc", [1.0]), TypeError, "y_pred"),
        (lambda: losses.mse_grad(np.ones(2), np.ones(3)), ValueError, "y_true"),
        (lambda: losses.softmax(np.array([1.0, np.inf])), ValueError, "z contains NaN or inf"),
        (lambda: losses.softmax(None), TypeError, "z"),
        (lambda: losses.one_hot([0, 3], 3), ValueError, r"\[0, 3\)"),
        (lambda: losses.one_hot([0.5], 3), ValueError, "integer"),
        (lambda: losses.one_hot([[0, 1]], 3), ValueError, "1-D"),
        (lambda: losses.one_hot([0], 0), ValueError, "num_classes"),
        (lambda: losses.one_hot([0], 2.5), TypeError, "num_classes"),
        (lambda: losses.cross_entropy(np.full((2, 3), 1 / 3), [0, 3]), ValueError, "targets"),
        (lambda: losses.cross_entropy(np.full((2, 3), 1 / 3), [0]), ValueError, "targets"),
        (lambda: losses.cross_entropy(np.full((2, 3), 1 / 3), [0.5, 1.0]), ValueError, "integer"),
        (lambda: losses.cross_entropy(np.full(3, 1 / 3), [0]), ValueError, "probs must be 2-D"),
        (lambda: losses.cross_entropy(np.array([[2.0, -1.0]]), [0]), ValueError, "softmax_cross_entropy"),
        (lambda: losses.cross_entropy(np.full((1, 2), 0.5), np.ones((1, 3)) / 3), ValueError, "targets"),
        (lambda: losses.softmax_cross_entropy(np.ones((2, 3)), np.ones((2, 3))), ValueError, "sum to 1"),
        (lambda: losses.softmax_cross_entropy(np.ones((2, 3)), ["a", "b"]), TypeError, "targets"),
        (lambda: losses.softmax_cross_entropy(np.ones(3), [0]), ValueError, "logits must be 2-D"),
        (lambda: losses.softmax_cross_entropy_grad(np.ones((2, 3)), [0, -1]), ValueError, "targets"),
        (lambda: losses.binary_cross_entropy(np.array([1.5]), np.array([1.0])), ValueError, "probs"),
        (lambda: losses.binary_cross_entropy(np.array([0.5]), np.array([2.0])), ValueError, "targets"),
        (lambda: losses.binary_cross_entropy(np.array([0.5, 0.5]), np.array([1.0])), ValueError, "probs"),
    ],
)
def test_bad_input_names_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---------------------------------------------------------------- precision per dtype (issue 10.1)
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_binary_cross_entropy_at_the_edges_is_exact_or_finite_in_every_dtype(dtype):
    one, zero = dtype([1.0]), dtype([0.0])
    assert losses.binary_cross_entropy(one, one) == 0.0  # was nan in float32 (1 - 1e-12 == 1)
    assert losses.binary_cross_entropy(zero, zero) == 0.0
    for p, t in ((one, zero), (zero, one)):  # confidently wrong: large but finite
        value = losses.binary_cross_entropy(p, t)
        assert np.isfinite(value) and value > 9


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_confidently_wrong_costs_minus_log_1e12_in_float32_and_float64(dtype):
    expected = -np.log(1e-12)
    assert losses.binary_cross_entropy(dtype([1.0]), dtype([0.0])) == pytest.approx(expected, rel=1e-6)
    assert losses.cross_entropy(dtype([[0.0, 1.0]]), [0]) == pytest.approx(expected, rel=1e-6)


def test_binary_cross_entropy_of_a_float32_sigmoid_of_20():
    from course_lib.layers import Sigmoid

    p = Sigmoid().forward(np.float32([20.0, -20.0]))
    assert p.dtype == np.float32 and p[0] == 1.0  # σ(20) rounds to exactly 1 in float32
    assert 0.0 <= losses.binary_cross_entropy(p, np.float32([1.0, 0.0])) < 1e-8  # true value 2e-9
    assert np.isfinite(losses.binary_cross_entropy(p, np.float32([0.0, 1.0])))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_softmax_rows_pass_the_sum_to_one_check(dtype):
    rng = np.random.default_rng(5)
    z = rng.standard_normal((50, 1000)) * 10
    p = losses.softmax(z).astype(dtype)  # float64 softmax stored as float32: rows off by ~1e-7
    value = losses.cross_entropy(p, rng.integers(0, 1000, 50))
    assert np.isfinite(value)
    one_hot_soft = losses.softmax(z.astype(dtype))
    assert np.isfinite(losses.softmax_cross_entropy(z, one_hot_soft))
