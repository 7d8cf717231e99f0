"""Chapter 4 exercise checkers: the references pass, each plausible mistake fails with its own hint."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import optim
from course_lib.exercises import check


# --------------------------------------------------------------------------- 4.1 gd_step

def _gd_reference(p, g, lr):
    return p - lr * g


def _gd_in_place(p, g, lr):
    p -= lr * g  # updating the argument and returning it is fine
    return p


@pytest.mark.parametrize("answer", [_gd_reference, _gd_in_place])
def test_gd_step_references_pass(answer):
    assert check("4.1", answer)


@pytest.mark.parametrize("bad, hint", [
    (lambda p, g, lr: p + lr * g, "UPHILL"),
    (lambda p, g, lr: p - g, "lr times the gradient"),
    (lambda p, g, lr: -lr * g, "only the step"),
    (lambda p, g, lr: p - 2 * lr * g, "the new parameters are p - lr * g"),
    (lambda p, g, lr: (p - lr * g)[0], "shape"),
    (lambda p, g, lr: (p - lr * g) + 0j, "complex"),
    (lambda p, g, lr: p * np.nan, "NaN"),
    (lambda p, g, lr: None, "return the new parameters"),
])
def test_gd_step_mistakes_get_hints(bad, hint, capsys):
    result = check("4.1", bad)
    assert not result and hint in result.message, result.message
    assert not result.message.startswith("4.1")
    assert "[NOT YET]" in capsys.readouterr().out


# --------------------------------------------------------------------------- 4.2 momentum_step

def _momentum_reference(p, b, g, lr, momentum):
    b_new = momentum * b + g
    return p - lr * b_new, b_new


def _momentum_with_sgd(p, b, g, lr, momentum):
    class Point:
        params, grads = {"x": p}, {"x": g}
    opt = optim.SGD(lr, momentum)
    opt.step(Point())
    return Point.params["x"], opt.state["x"]["momentum_buffer"]


def test_momentum_reference_passes():
    assert check("4.2", _momentum_reference)


@pytest.mark.parametrize("bad, hint", [
    (lambda p, b, g, lr, m: (p + (m * b - lr * g), m * b - lr * g), "velocity form"),
    (lambda p, b, g, lr, m: (p - lr * (m * b + (1 - m) * g), m * b + (1 - m) * g), "(1 - momentum)"),
    (lambda p, b, g, lr, m: (p - lr * b, m * b + g), "NEW buffer"),
    (lambda p, b, g, lr, m: (p - lr * g, m * b + g), "not just today's gradient"),
    (lambda p, b, g, lr, m: (p + lr * (m * b + g), m * b + g), "UPHILL"),
    (lambda p, b, g, lr, m: (p - lr * g, b), "the buffer must change"),
    (lambda p, b, g, lr, m: p - lr * (m * b + g), "return 2 values"),
    (lambda p, b, g, lr, m: (p - lr * (m * b + g), (m * b + g) * 1j), "complex"),
    (_momentum_with_sgd, "do not use optim.SGD"),
])
def test_momentum_mistakes_get_hints(bad, hint):
    result = check("4.2", bad)
    assert not result and hint in result.message, result.message


# --------------------------------------------------------------------------- 4.3 num_batches

def test_num_batches_reference_passes_and_names_the_mnist_count():
    result = check("4.3", lambda n, b: -(-n // b))
    assert result and "938" in result.message


@pytest.mark.parametrize("bad, hint", [
    (lambda n, b: n // b, "round UP"),
    (lambda n, b: np.ceil(n / b), "return an int"),
    (lambda n, b: n / b, "return an int"),
    (lambda n, b: True, "return an int"),
    (lambda n, b: -(-n // b) + 1, "ceil(N / batch_size)"),
])
def test_num_batches_mistakes_get_hints(bad, hint):
    result = check("4.3", bad)
    assert not result and hint in result.message, result.message


# --------------------------------------------------------------------------- 4.4 least_squares

def _lstsq_reference(X, y):
    X1 = np.hstack([X, np.ones((len(X), 1))])
    theta = np.linalg.lstsq(X1, y, rcond=None)[0]
    return theta[:-1], theta[-1]


def _normal_equations(X, y):
    X1 = np.hstack([X, np.ones((len(X), 1))])
    theta = np.linalg.solve(X1.T @ X1, X1.T @ y)
    return theta[:-1], float(theta[-1])


@pytest.mark.parametrize("answer", [_lstsq_reference, _normal_equations])
def test_least_squares_references_pass(answer):
    assert check("4.4", answer)


@pytest.mark.parametrize("bad, hint", [
    (lambda X, y: (np.linalg.lstsq(X, y, rcond=None)[0], 0.0), "WITHOUT a bias"),
    (lambda X, y: (_lstsq_reference(X, y)[0][:, None], _lstsq_reference(X, y)[1]), "expected (3,)"),
    (lambda X, y: (_lstsq_reference(X, y)[0], np.array([_lstsq_reference(X, y)[1]])), "theta[-1:]"),
    (lambda X, y: np.append(*_lstsq_reference(X, y)), "return 2 values"),
    (lambda X, y: (_lstsq_reference(X, y)[0] * 1.01, _lstsq_reference(X, y)[1]), "np.linalg.lstsq"),
])
def test_least_squares_mistakes_get_hints(bad, hint):
    result = check("4.4", bad)
    assert not result and hint in result.message, result.message


# --------------------------------------------------------------------------- 4.5 adam_step

def _adam_reference(p, m, v, g, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _adam_in_place(p, m, v, g, t, lr, beta1, beta2, eps):
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g
    p -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return p, m, v


def _adam_variant(**wrong):
    """The reference with one mistake switched on."""
    def answer(p, m, v, g, t, lr, beta1, beta2, eps):
        m_new = beta1 * m + (1 - beta1) * g
        v_new = beta2 * v + (1 - beta2) * g**2
        tt = t + wrong.get("t_shift", 0)
        m_hat = m_new / (1 - beta1**tt) if wrong.get("correct_m", True) else m_new
        v_hat = v_new / (1 - beta2**tt) if wrong.get("correct_v", True) else v_new
        if wrong.get("eps_inside"):
            denom = np.sqrt(v_hat + eps)
        elif wrong.get("no_eps"):
            denom = np.sqrt(v_hat)
        else:
            denom = np.sqrt(v_hat) + eps
        return p - lr * m_hat / denom, m_new, v_new
    return answer


@pytest.mark.parametrize("answer", [_adam_reference, _adam_in_place])
def test_adam_references_pass(answer):
    assert check("4.5", answer)


def test_adam_checker_agrees_with_the_library():
    p, g = np.array([0.5, -1.0]), np.array([0.3, -0.2])
    model = type("M", (), {"params": {"w": p.copy()}, "grads": {"w": g}})()
    opt = optim.Adam(lr=0.01)
    m = v = np.zeros(2)
    for t in (1, 2, 3):
        opt.step(model)
        p, m, v = _adam_reference(p, m, v, g, t, 0.01, 0.9, 0.999, 1e-8)
    np.testing.assert_allclose(model.params["w"], p, rtol=1e-12)


def _adam_with_library(p, m, v, g, t, lr, beta1, beta2, eps):
    opt = optim.Adam(lr, (beta1, beta2), eps)
    model = type("M", (), {"params": {"w": p}, "grads": {"w": g}})()
    opt.step(model)
    return model.params["w"], opt.state["w"]["exp_avg"], opt.state["w"]["exp_avg_sq"]


@pytest.mark.parametrize("bad, hint", [
    (_adam_variant(correct_m=False, correct_v=False), "no bias correction"),
    (_adam_variant(correct_m=False), "correct m too"),
    (_adam_variant(correct_v=False), "correct v too"),
    (_adam_variant(t_shift=-1), "t counts from 1"),
    (_adam_variant(t_shift=1), "not beta**(t + 1)"),
    (_adam_variant(eps_inside=True), "AFTER the square root"),
    (_adam_variant(no_eps=True), "add eps to the denominator"),
    (lambda p, m, v, g, t, lr, b1, b2, eps: (p - lr * (m / (1 - b1**t))
                                             / (np.sqrt(v / (1 - b2**t)) + eps),
                                             b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2),
     "NEW averages"),
    (lambda p, m, v, g, t, lr, b1, b2, eps: (2 * p - _adam_reference(p, m, v, g, t, lr, b1, b2, eps)[0],
                                             *_adam_reference(p, m, v, g, t, lr, b1, b2, eps)[1:]),
     "UPHILL"),
    (lambda p, m, v, g, t, lr, b1, b2, eps: (_adam_reference(p, m, v, g, t, lr, b1, b2, eps)[0],
                                             b1 * m + g, b2 * v + (1 - b2) * g**2),
     "weight (1 - beta1)"),
    (lambda p, m, v, g, t, lr, b1, b2, eps: (_adam_reference(p, m, v, g, t, lr, b1, b2, eps)[0],
                                             b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g),
     "SQUARED gradient"),
    (lambda p, m, v, g, t, lr, b1, b2, eps: (_adam_reference(p, m, v, g, t, lr, b1, b2, eps)[0],
                                             (b1 * m + (1 - b1) * g) / (1 - b1**t),
                                             b2 * v + (1 - b2) * g**2),
     "not the bias-corrected"),
    (lambda *args: _adam_reference(*args)[0], "return 3 values"),
    (lambda *args: (_adam_reference(*args)[0] + 0j, *_adam_reference(*args)[1:]), "complex"),
    (_adam_with_library, "do not use optim.Adam"),
])
def test_adam_mistakes_get_hints(bad, hint):
    result = check("4.5", bad)
    assert not result and hint in result.message, result.message


def test_adam_python_float_division_by_zero_gets_the_t_hint():
    def answer(p, m, v, g, t, lr, b1, b2, eps):
        scale = 1.0 / (1 - b1 ** (t - 1)) if t == 1 else 1.0  # Python floats: ZeroDivisionError
        return _adam_reference(p, m, v, g, t, lr * scale, b1, b2, eps)
    result = check("4.5", answer)
    assert not result and "t counts from 1" in result.message and "divided by zero" in result.message


def test_adam_nan_step_gets_the_t_and_eps_hint():
    def answer(p, m, v, g, t, lr, b1, b2, eps):
        p_new, m_new, v_new = _adam_reference(p, m, v, g, t, lr, b1, b2, eps)
        return (p_new if t > 1 else p_new * np.inf), m_new, v_new
    result = check("4.5", answer)
    assert not result and "NaN or inf at t = 1" in result.message


def test_hints_follow_the_notebook_language():
    from course_lib import i18n

    try:
        i18n.set_language("ja")
        result = check("4.5", _adam_variant(correct_m=False, correct_v=False))
        assert not result and "バイアス補正がありません" in result.message
        assert check("4.2", _momentum_reference)
    finally:
        i18n.set_language("en")
    result = check("4.5", _adam_variant(correct_m=False, correct_v=False))
    assert "no bias correction" in result.message


@pytest.mark.parametrize("exercise_id, bad, formula", [
    ("4.2", lambda p, b, g, lr, mu: (p - 3 * lr * (mu * b + g), mu * b + g), "p_new = p - lr * b_new。"),
    ("4.5", lambda p, m, v, g, t, lr, b1, b2, eps: (p, 0.5 * g, v), "m_new = beta1 * m + (1 - beta1) * g。"),
    ("4.5", lambda p, m, v, g, t, lr, b1, b2, eps: (p, b1 * m + (1 - b1) * g, 0.5 * g**2),
     "v_new = beta2 * v + (1 - beta2) * g**2。"),
])
def test_fallback_formula_hints_follow_the_notebook_language(exercise_id, bad, formula):
    """An unrecognised mistake still gets the formula, in the sentence style of the language."""
    from course_lib import i18n

    try:
        i18n.set_language("ja")
        result = check(exercise_id, bad)
        assert not result and result.message.endswith(formula), result.message
    finally:
        i18n.set_language("en")
    result = check(exercise_id, bad)
    assert not result and result.message.endswith(formula.replace("。", ".")), result.message
