"""Chapter 1 exercise checkers: the reference passes, each plausible mistake fails with its own hint."""

import math
import re

import numpy as np
import pytest

import course_lib
from course_lib import losses
from course_lib.exercises import check


def _mse_grad(y_pred, y_true):
    return 2.0 * (y_pred - y_true) / y_pred.size


def _log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _sce_grad(logits, labels):
    n, c = logits.shape
    return (losses.softmax(logits) - losses.one_hot(labels, c)) / n


def _bce_with_logits(z, t):
    return np.mean(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))) - t * z)


@pytest.mark.parametrize(
    "exercise_id, answer",
    [("1.1", _mse_grad), ("1.2", _log_softmax), ("1.3", -np.log(0.14)), ("1.3", float(-np.log(0.14))),
     ("1.4", _sce_grad), ("1.5", _bce_with_logits),
     ("1.5", lambda z, t: np.mean(np.logaddexp(0, z) - t * z))],
)
def test_reference_answers_pass(exercise_id, answer):
    assert check(exercise_id, answer)


MSE_GRAD_BAD = [
    (lambda p, t: (p - t) / p.size, "factor 2"),
    (lambda p, t: 2 * (p - t) / len(p), "number of rows"),
    (lambda p, t: 2 * (p - t), "SUM"),
    (lambda p, t: 2 * (t - p) / p.size, "sign is flipped"),
    (lambda p, t: 2 * (p - t) / (p.shape[0] * p.shape[-1]), "any shape"),  # right for 2-D only
    (lambda p, t: losses.mse_grad(p, t), "not to call losses.mse_grad"),
    (lambda p, t: (2 * (p - t) / p.size).astype(complex), "complex"),
    (lambda p, t: np.full(p.shape, np.nan), "NaN"),
]


@pytest.mark.parametrize("bad, hint", MSE_GRAD_BAD)
def test_mse_grad_hints(bad, hint):
    result = check("1.1", bad)
    assert not result and hint in result.message


LOG_SOFTMAX_BAD = [
    (lambda z: (z - z.max(axis=1)) - np.log(np.exp(z - z.max(axis=1)).sum(axis=1)), "keepdims"),
    (lambda z: z - np.log(np.exp(z).sum(axis=1, keepdims=True)), "subtract the row max"),
    (lambda z: (z - z.max()) - np.log(np.exp(z - z.max()).sum(axis=1, keepdims=True)), "OWN max"),
    (lambda z: z - np.log(np.exp(z).sum(axis=0, keepdims=True)), "ROW"),
    (lambda z: z - np.log(np.exp(z).sum()), "whole array"),
    (lambda z: np.log(losses.softmax(z)), "not to call losses.softmax"),
    (lambda z: losses.log_softmax(z), "not to call losses.log_softmax"),
]


@pytest.mark.parametrize("bad, hint", LOG_SOFTMAX_BAD)
def test_log_softmax_hints(bad, hint):
    result = check("1.2", bad)
    assert not result and hint in result.message, result.message


SEVEN_VS_THREE_BAD = [
    (-np.log(0.70), "PREDICTED"), (np.log(0.14), "wrong sign"), (-np.log10(0.14), "base 10"),
    (-np.log(np.full(10, 0.02)), "ten numbers"), (complex(-math.log(0.14), 1.0), "complex"),
    ("1.97", "expected numbers"), (float("nan"), "NaN"),
]


@pytest.mark.parametrize("bad, hint", SEVEN_VS_THREE_BAD)
def test_seven_vs_three_hints(bad, hint):
    result = check("1.3", bad)
    assert not result and hint in result.message, result.message


SCE_GRAD_BAD = [
    (lambda z, y: _sce_grad(z, y) * len(z), "divide by N"),
    (lambda z, y: _sce_grad(z, y) / z.shape[1], "N·C"),
    (lambda z, y: -_sce_grad(z, y), "sign is flipped"),
    (lambda z, y: losses.softmax(z) / len(z), "one-hot"),
    (lambda z, y: losses.softmax_cross_entropy_grad(z, y), "yourself"),
]


@pytest.mark.parametrize("bad, hint", SCE_GRAD_BAD)
def test_sce_grad_hints(bad, hint):
    result = check("1.4", bad)
    assert not result and hint in result.message, result.message


def _clipped_bce(z, t):
    p = np.clip(1 / (1 + np.exp(-z)), 1e-12, 1 - 1e-12)
    return np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)))


BCE_BAD = [
    (lambda z, t: np.sum(np.logaddexp(0, z) - t * z), "the sum"),
    (lambda z, t: np.logaddexp(0, z) - t * z, "one number"),
    (lambda z, t: np.mean(np.log(1 + np.exp(z)) - t * z), "±1000 gives inf/NaN"),
    (_clipped_bce, "Clipping"),
    (lambda z, t: np.mean(np.logaddexp(0, z) + t * z), "simplifies"),
    (lambda z, t: complex(np.mean(np.logaddexp(0, z) - t * z)), "complex"),
]


@pytest.mark.parametrize("bad, hint", BCE_BAD)
def test_bce_with_logits_hints(bad, hint):
    with np.errstate(all="ignore"):
        result = check("1.5", bad)
    assert not result and hint in result.message, result.message


# --- the same checks in Japanese (setup_notebook(lang="ja")) -------------------------------------

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
BAD_ANSWERS = [("1.1", bad) for bad, _ in MSE_GRAD_BAD] + [("1.2", bad) for bad, _ in LOG_SOFTMAX_BAD] \
    + [("1.3", bad) for bad, _ in SEVEN_VS_THREE_BAD] + [("1.4", bad) for bad, _ in SCE_GRAD_BAD] \
    + [("1.5", bad) for bad, _ in BCE_BAD]


@pytest.fixture
def japanese():
    course_lib.setup_notebook(0, lang="ja")
    yield
    course_lib.setup_notebook(0, lang="en")


@pytest.mark.parametrize("exercise_id, bad", BAD_ANSWERS)
def test_every_hint_has_a_japanese_text(japanese, exercise_id, bad):
    with np.errstate(all="ignore"):
        result = check(exercise_id, bad)
    assert not result and JAPANESE.search(result.message), result.message
    course_lib.setup_notebook(0, lang="en")
    with np.errstate(all="ignore"):
        english = check(exercise_id, bad).message
    assert not JAPANESE.search(english), english


@pytest.mark.parametrize(
    "exercise_id, answer", [("1.1", _mse_grad), ("1.2", _log_softmax), ("1.3", -np.log(0.14)),
                            ("1.4", _sce_grad), ("1.5", _bce_with_logits)],
)
def test_japanese_passes_print_japanese(japanese, exercise_id, answer, capsys):
    assert check(exercise_id, answer)
    assert JAPANESE.search(capsys.readouterr().out)


def test_a_gradient_that_destroys_its_input_is_caught():
    def in_place(y_pred, y_true):
        y_pred -= y_true
        return 2 * y_pred / y_pred.size

    result = check("1.1", in_place)
    assert not result and "changed its input y_pred in place" in result.message, result.message
