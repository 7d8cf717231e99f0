"""Chapter 6 exercise checkers: the reference passes, typical mistakes get targeted hints."""

import numpy as np
import pytest

from course_lib.exercises import check


def _step(model, loss_layer, X, y, lr, sign=-1.0, rebind=False, loss_after=False):
    loss = loss_layer.forward(model.forward(X), y)
    model.backward(loss_layer.backward())
    for key, p in model.params.items():
        if rebind:
            p = p - lr * model.grads[key]  # noqa: F841  (the classic mistake)
        else:
            p += sign * lr * model.grads[key]
    return loss_layer.forward(model.forward(X), y) if loss_after else loss


@pytest.mark.parametrize(
    "bad, hint",
    [
        (lambda m, L, X, y, lr: _step(m, L, X, y, lr, rebind=True), "IN PLACE"),
        (lambda m, L, X, y, lr: _step(m, L, X, y, lr, sign=1.0), "subtracts"),
        (lambda m, L, X, y, lr: _step(m, L, X, y, lr, loss_after=True), "AFTER the update"),
        (lambda m, L, X, y, lr: None if _step(m, L, X, y, lr) else None, "return the loss"),
        (lambda m, L, X, y, lr: _step(m, L, X, y, 2 * lr), "plain SGD step"),
    ],
)
def test_train_step_checker(bad, hint):
    assert check("6.5", _step)
    result = check("6.5", bad)
    assert not result and hint in result.message


def test_accuracy_checker_explains_the_wrong_axis():
    result = check("6.2", lambda s, y: float(np.mean(s.argmax(axis=0) == y)))
    assert not result and "axis=1" in result.message
    result = check("6.2", lambda s, y: float(np.mean(s.argmin(axis=1) == y)))
    assert not result and "argmax, not argmin" in result.message


# ------------------------------------------------------------------ 6.6 early stopping
def _early_stop(losses, patience, *, start=1, tie=False, extra=0, in_a_row=True, last=False,
                whole_list=False):
    """The reference rule, with one switchable mistake at a time."""
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, value in enumerate(losses, start=start):
        if value < best or (tie and value == best):
            best, best_epoch = value, epoch
            if in_a_row:
                waited = 0
        else:
            waited += 1
            if waited == patience + extra:
                if whole_list:
                    return int(np.argmin(losses)) + start, epoch
                return (epoch if last else best_epoch), epoch
    return (len(losses) + start - 1 if last else best_epoch), len(losses) + start - 1


def test_early_stop_reference_passes():
    assert check("6.6", _early_stop)
    assert check("6.6", lambda losses, patience: list(_early_stop(losses, patience)))


@pytest.mark.parametrize(
    "bad, hint",
    [
        (lambda L, p: _early_stop(L, p, start=0), "count from 1"),
        (lambda L, p: _early_stop(L, p, tie=True), "not `<=`"),
        (lambda L, p: _early_stop(L, p, extra=1), "not one more"),
        (lambda L, p: _early_stop(L, p, in_a_row=False), "IN A ROW"),
        (lambda L, p: _early_stop(L, p, last=True), "not the epoch you stopped in"),
        (lambda L, p: _early_stop(L, p, whole_list=True), "never happened"),
        (lambda L, p: (float(_early_stop(L, p)[0]), _early_stop(L, p)[1]), "two whole numbers"),
        (lambda L, p: (float("nan"), 3), "two whole numbers"),
        (lambda L, p: (1 + 0j, 3), "two whole numbers"),
        (lambda L, p: _early_stop(L, p)[0], "return a pair"),
        (lambda L, p: (L.sort(), _early_stop(L, p))[1], "changed the list"),
    ],
)
def test_early_stop_checker_hints(bad, hint):
    result = check("6.6", bad)
    assert not result and hint in result.message, result.message


# ------------------------------------------------------------------ hints added in the review
def test_confusion_checker_explains_fancy_index_increment():
    def fancy(y_true, y_pred):
        C = np.zeros((10, 10), dtype=int)
        C[y_true, y_pred] += 1  # repeated pairs are counted once
        return C

    result = check("6.3", fancy)
    assert not result and "np.add.at" in result.message


def test_shift_checker_explains_swapped_directions():
    from course_lib.exercises.ch06 import _shift_reference

    result = check("6.4", lambda image, dy, dx: _shift_reference(image, dx, dy))
    assert not result and "swapped" in result.message


def test_train_step_checker_explains_a_missing_backward():
    def no_backward(model, loss_layer, X, y, lr):
        loss = loss_layer.forward(model.forward(X), y)
        for key, p in model.params.items():
            p -= lr * model.grads[key]
        return loss

    result = check("6.5", no_backward)
    assert not result and "model.backward(loss_layer.backward())" in result.message


@pytest.mark.parametrize(
    "exercise_id, bad, hint",
    [
        ("6.1", lambda X: X / 255.0 + 0j, "expected floating point"),
        ("6.1", lambda X: np.full(X.shape, np.nan), "NaN"),
        ("6.2", lambda s, y: complex(np.mean(s.argmax(axis=1) == y)), "return a number"),
        ("6.2", lambda s, y: float("nan"), "expected"),
        ("6.3", lambda t, p: np.full((10, 10), np.nan), "NaN"),
        ("6.4", lambda image, dy, dx: image + 0j, "expected numbers"),
        ("6.5", lambda m, L, X, y, lr: 1 + 0j, "return the loss"),
    ],
)
def test_complex_and_nan_answers_are_rejected_with_a_message(exercise_id, bad, hint):
    result = check(exercise_id, bad)
    assert not result and hint in result.message, result.message


# ------------------------------------------------------------------ 6.7 stratified split
def _split(y, fraction, rng, *, shuffle=True, stratify=True, swap=False, mask=False,
           global_rng=False, overlap=False, truncate=False):
    """A reference stratified split, with one switchable mistake at a time."""
    draw = np.random.permutation if global_rng else rng.permutation
    if not stratify:
        order = draw(len(y))
        n_val = round(fraction * len(y))
        val, train = order[:n_val], order[n_val:]
    else:
        val, train = [], []
        for k in np.unique(y):
            idx = np.flatnonzero(y == k)
            idx = draw(idx) if shuffle else idx
            n_val = int(fraction * len(idx)) if truncate else round(fraction * len(idx))
            val.append(idx[:n_val])
            train.append(idx[n_val - 1 if overlap else n_val:])
        val, train = np.concatenate(val), np.concatenate(train)
    if swap:
        train, val = val, train
    if mask:
        train_mask = np.zeros(len(y), dtype=bool)
        train_mask[train] = True
        return train_mask, ~train_mask
    return train, val


def test_stratified_split_reference_passes():
    assert check("6.7", _split)


@pytest.mark.parametrize(
    "change, hint",
    [
        (dict(shuffle=False), "FIRST ones of each class"),
        (dict(stratify=False), "split every class separately"),
        (dict(swap=True), "swapped"),
        (dict(mask=True), "boolean mask"),
        (dict(global_rng=True), "rng argument"),
        (dict(overlap=True), "used twice"),
        (dict(truncate=True), "int() cuts 2.6 down to 2"),
    ],
)
def test_stratified_split_checker_hints(change, hint):
    result = check("6.7", lambda y, f, rng: _split(y, f, rng, **change))
    assert not result and hint in result.message, result.message


@pytest.mark.parametrize(
    "bad, hint",
    [
        (lambda y, f, rng: _split(y, f, rng)[1], "return a pair"),
        (lambda y, f, rng: (y[:60], y[60:]), "indices outside|used twice|stratified"),
        (lambda y, f, rng: (np.arange(60) + 0.0, np.arange(60, 80)), "integer indices"),
        (lambda y, f, rng: (np.arange(60) + 0j, np.arange(60, 80)), "integer indices"),
        (lambda y, f, rng: (np.arange(70), np.arange(70, 75)), "hold 75 images"),
        (lambda y, f, rng: (y.sort(), _split(y, f, rng))[1], "changed y"),
    ],
)
def test_stratified_split_rejects_malformed_answers(bad, hint):
    import re

    result = check("6.7", bad)
    assert not result and re.search(hint, result.message), result.message


# ------------------------------------------------------------------ every message in Japanese too
@pytest.fixture
def japanese():
    import course_lib

    course_lib.setup_notebook(0, lang="ja")
    yield
    course_lib.setup_notebook(0, lang="en")


JA_CASES = [
    ("6.1", lambda X: X // 255, "浮動小数点数"),
    ("6.1", lambda X: X / 256.0, "255 で割ります"),
    ("6.2", lambda s, y: float(np.mean(s.argmin(axis=1) == y)), "argmin ではなく argmax"),
    ("6.2", lambda s, y: float(np.sum(s.argmax(axis=1) == y)), "個数"),
    ("6.3", lambda t, p: np.add.at(C := np.zeros((10, 10), int), (p, t), 1) or C, "行が「正解」"),
    ("6.4", lambda image, dy, dx: np.roll(image, (dy, dx), axis=(0, 1)), "ヒント"),
    ("6.5", lambda m, L, X, y, lr: _step(m, L, X, y, lr, rebind=True), "その場で"),
    ("6.5", lambda m, L, X, y, lr: _step(m, L, X, y, lr, loss_after=True), "更新「後」"),
    ("6.6", lambda L, p: _early_stop(L, p, start=0), "1 から数えます"),
    ("6.6", lambda L, p: _early_stop(L, p, in_a_row=False), "連続で"),
    ("6.6", lambda L, p: _early_stop(L, p)[0], "組 (best_epoch, stop_epoch)"),
    ("6.7", lambda y, f, rng: _split(y, f, rng, shuffle=False), "シャッフル"),
    ("6.7", lambda y, f, rng: _split(y, f, rng, mask=True), "マスク"),
]


@pytest.mark.parametrize("exercise_id, answer, hint", JA_CASES)
def test_hints_in_japanese(japanese, exercise_id, answer, hint):
    result = check(exercise_id, answer)
    assert not result
    assert hint in result.message, result.message


@pytest.mark.parametrize("exercise_id, reference", [
    ("6.1", lambda X: X / 255.0), ("6.2", lambda s, y: float(np.mean(s.argmax(axis=1) == y))),
    ("6.3", lambda t, p: np.add.at(C := np.zeros((10, 10), int), (t, p), 1) or C),
    ("6.5", _step), ("6.6", _early_stop), ("6.7", _split),
])
def test_pass_messages_in_japanese(japanese, exercise_id, reference):
    result = check(exercise_id, reference)
    assert result
    assert any("\u3040" <= ch <= "\u9fff" for ch in result.message), result.message


def test_english_messages_unchanged_after_japanese(japanese):
    import course_lib

    course_lib.setup_notebook(0, lang="en")
    result = check("6.2", lambda s, y: float(np.mean(s.argmin(axis=1) == y)))
    assert "Hint: the prediction is the LARGEST score: argmax, not argmin." in result.message


@pytest.mark.parametrize("exercise_id, answer", [
    ("6.1", lambda X: None), ("6.3", lambda y_true, y_pred: None), ("6.4", lambda image, dy, dx: None),
])
def test_an_answer_that_returns_none_is_told_a_return_is_missing(exercise_id, answer):
    result = check(exercise_id, answer)
    assert not result and "returned None" in result.message, result.message


def test_normalising_by_the_images_own_maximum_is_caught():
    result = check("6.1", lambda X: X / X.max())
    assert not result and "not by X.max()" in result.message, result.message


def test_early_stop_hints_for_the_previous_epoch_rule_and_a_swapped_pair():
    from course_lib.exercises.ch06 import _early_stop_against_previous, _early_stop_reference

    result = check("6.6", _early_stop_against_previous)
    assert not result and "lower than the BEST so far" in result.message, result.message
    result = check("6.6", lambda losses, patience: _early_stop_reference(losses, patience)[::-1])
    assert not result and "wrong order" in result.message, result.message
