"""Chapter 6 exercises: normalising pixels, accuracy, the confusion matrix, shifting a digit, one step,
early stopping.

Exercise 6.5 is the whole course in one function: forward pass, loss, backpropagation, update.
Exercise 6.6 is the rule behind ``fit(..., early_stopping=patience)``.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_lib.exercises import Result, compare_arrays, exercise
from course_lib.layers import SoftmaxCrossEntropy
from course_lib.network import MLP


def _shift_reference(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Move a 28×28 image down by ``dy`` and right by ``dx`` pixels, filling with zeros."""
    out = np.zeros_like(image)
    h, w = image.shape
    out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = (
        image[max(-dy, 0) : h + min(-dy, 0), max(-dx, 0) : w + min(-dx, 0)]
    )
    return out


@exercise("6.1", "normalise pixels to [0, 1]")
def _check_normalize(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        X = rng.integers(0, 256, size=(5, 784), dtype=np.uint8)
        X[0, :3] = [0, 255, 128]
        original = X.copy()
        out = answer(X)
        if not np.array_equal(X, original):
            return Result(False, "your function changed its input X. Hint: return a new array "
                          "(X / 255 does), do not divide X in place.")
        arr = np.asarray(out)
        if arr.dtype.kind != "f":
            return Result(False, f"the result has dtype {arr.dtype}, expected floating point. "
                          "Hint: in NumPy `X / 255` gives floats; `X // 255` gives integers.")
        result = compare_arrays("my_normalize(X)", arr, X / 255.0, rtol=1e-6, atol=1e-7)
        if not result:
            if np.allclose(arr, X / 256.0, rtol=1e-6):
                return Result(False, result.message + " Hint: the largest pixel value is 255, "
                              "so divide by 255 (then 255 becomes exactly 1).")
            return Result(False, result.message + " Hint: pixel values 0…255 should become "
                          "0…1: divide by 255.")
    return Result(True, "pixels scaled to [0, 1]: 0 stays background, 255 becomes 1.")


@exercise("6.2", "accuracy from scores")
def _check_accuracy(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        scores = rng.normal(size=(40, 10))
        labels = rng.integers(0, 10, size=40)
        labels[:15] = scores[:15].argmax(axis=1)  # some right answers
        expected = float(np.mean(scores.argmax(axis=1) == labels))
        try:
            value = answer(scores, labels)
        except ValueError as err:
            if "broadcast" not in str(err):
                raise
            return Result(False, f"your answer raised ValueError: {str(err).strip()}. Hint: take "
                          "the argmax along axis=1, over the 10 scores of each row: "
                          "scores.argmax(axis=1) has shape (N,), like labels.")
        if isinstance(value, np.ndarray) and value.ndim > 0:
            return Result(False, f"return one number, got an array of shape {value.shape}. "
                          "Hint: take the mean of the comparison (predicted == labels).")
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating)):
            return Result(False, f"return a number between 0 and 1, got {type(value).__name__}.")
        value = float(value)
        if not np.isclose(value, expected):
            if np.isclose(value, expected * len(labels)):
                hint = "you returned the NUMBER correct; divide by the number of examples."
            elif np.isclose(value, np.mean(scores.argmin(axis=1) == labels)):
                hint = "the prediction is the LARGEST score: argmax, not argmin."
            else:
                hint = "predicted = scores.argmax(axis=1); accuracy = mean(predicted == labels)."
            return Result(False, f"got {value:.4f}, expected {expected:.4f}. Hint: {hint}")
    return Result(True, "accuracy = fraction of rows whose largest score is the true class.")


@exercise("6.3", "a confusion matrix by hand")
def _check_confusion(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        y_true = rng.integers(0, 10, size=200)
        y_pred = np.where(rng.random(200) < 0.7, y_true, rng.integers(0, 10, size=200))
        y_pred[0], y_true[0] = 9, 4  # make the matrix clearly non-symmetric
        expected = np.zeros((10, 10), dtype=np.int64)
        np.add.at(expected, (y_true, y_pred), 1)
        out = np.asarray(answer(y_true, y_pred))
        bad = _not_real("my_confusion_matrix(y_true, y_pred)", out)
        if bad is not None:
            return bad
        result = compare_arrays("my_confusion_matrix(y_true, y_pred)", out, expected)
        if not result:
            if out.shape == expected.shape and np.array_equal(out, expected.T):
                return Result(False, result.message + " Hint: rows are the TRUE digits and "
                              "columns the PREDICTED ones (scikit-learn's convention): "
                              "C[true, predicted] += 1.")
            if out.shape == expected.shape and np.array_equal(out, np.minimum(expected, 1)):
                return Result(False, result.message + " Hint: every pair was counted at most "
                              "once. `C[y_true, y_pred] += 1` adds 1 once per distinct index "
                              "pair, even when a pair repeats; use np.add.at(C, (y_true, y_pred), "
                              "1) or a loop over zip(y_true, y_pred).")
            return Result(False, result.message + " Hint: start from np.zeros((10, 10), int) "
                          "and add 1 at C[t, p] for every pair (t, p).")
    return Result(True, "C[i, j] counts images of digit i predicted as j; the diagonal is right.")


@exercise("6.4", "shift a digit (data augmentation)")
def _check_shift(answer) -> Result:
    rng = np.random.default_rng(0)
    image = np.zeros((28, 28))
    image[6:22, 9:19] = rng.random((16, 10)) + 0.1
    for dy, dx in [(1, 0), (0, 1), (-1, 0), (0, -1), (2, -3), (-1, 1), (0, 0)]:
        original = image.copy()
        out = answer(image, dy, dx)
        if not np.array_equal(image, original):
            return Result(False, "your function changed its input image. Hint: fill a new array "
                          "(np.zeros_like(image)) and copy the moved pixels into it.")
        expected = _shift_reference(image, dy, dx)
        bad = _not_real(f"shift_image(image, {dy}, {dx})", out)
        if bad is not None:
            return bad
        result = compare_arrays(f"shift_image(image, {dy}, {dx})", out, expected)
        if not result:
            if np.shape(out) == (28, 28) and np.allclose(out, _shift_reference(image, -dy, -dx)):
                hint = "you moved it the opposite way: positive dy moves the digit DOWN " \
                       "(to larger row numbers), positive dx to the RIGHT."
            elif np.shape(out) == (28, 28) and np.allclose(out, _shift_reference(image, dx, dy)):
                hint = "you swapped the directions: dy moves along the rows (the first index, " \
                       "down), dx along the columns (the second index, right)."
            else:
                hint = "out[i + dy, j + dx] = image[i, j] where both indices are inside 0…27."
            return Result(False, f"{result.message} Hint: {hint}")
    edge = np.zeros((28, 28))
    edge[:, 0] = 1.0  # a stroke touching the left border must vanish, not wrap around
    if not np.array_equal(np.asarray(answer(edge, 0, -1)), np.zeros((28, 28))):
        return Result(False, "a stroke in the first column moved one pixel left must leave the "
                      "image. Hint: np.roll wraps around; slice and fill with zeros instead.")
    return Result(True, "the digit moves, the border fills with zeros: still the same digit.")


def _not_real(name: str, out) -> Result | None:
    """A failing Result if ``out`` is not an array of real numbers (complex, strings, None …)."""
    kind = np.asarray(out).dtype.kind if not isinstance(out, np.ndarray) else out.dtype.kind
    if kind not in "biuf":
        return Result(False, f"{name}: expected numbers, got an array of dtype "
                      f"{np.asarray(out).dtype}. Hint: return real numbers (no complex values).")
    return None


def _mlp_with(params: dict):
    """A 12-6-3 MLP holding copies of ``params``."""
    model = MLP([12, 6, 3], rng=np.random.default_rng(1))
    for key, p in model.params.items():
        p[...] = params[key]
    return model


def _step_problem():
    """A small network, a batch and its reference result after one plain SGD step."""
    rng = np.random.default_rng(6)
    X, y, lr = rng.random((8, 12)), rng.integers(0, 3, size=8), 0.5
    reference = MLP([12, 6, 3], rng=np.random.default_rng(1))
    start = {key: p.copy() for key, p in reference.params.items()}
    loss_layer = SoftmaxCrossEntropy()
    loss = loss_layer.forward(reference.forward(X), y)
    reference.backward(loss_layer.backward())
    grads = {key: g.copy() for key, g in reference.grads.items()}
    after = {key: start[key] - lr * grads[key] for key in start}
    loss_after = SoftmaxCrossEntropy().forward(_mlp_with(after).forward(X), y)
    return X, y, lr, start, grads, after, float(loss), float(loss_after)


@exercise("6.5", "one learning step: forward, loss, backward, update")
def _check_train_step(answer) -> Result:
    X, y, lr, start, grads, after, loss, loss_after = _step_problem()
    model = _mlp_with(start)
    value = answer(model, SoftmaxCrossEntropy(), X.copy(), y.copy(), lr)
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating)):
        return Result(False, f"return the loss (one number), got {type(value).__name__}. Hint: "
                      "keep the value of loss_layer.forward(scores, y) and return it at the end.")
    params = model.params
    if all(not np.any(model.grads[key]) for key in start):
        return Result(False, "model.grads are still all zero, so there was nothing to step "
                      "with. Hint: after the loss, call model.backward(loss_layer.backward()) — "
                      "it fills model.grads — and only then update the weights.")
    if all(np.array_equal(params[key], start[key]) for key in start):
        return Result(False, "the weights did not change. Hint: update them IN PLACE, "
                      "`p -= lr * model.grads[key]` for each `key, p` in model.params.items(); "
                      "`p = p - lr * g` only gives the name p a new array, the model never sees it.")
    if all(np.allclose(params[key], start[key] + lr * grads[key]) for key in start):
        return Result(False, "the weights moved UP the gradient, so the loss grows. Hint: "
                      "gradient descent subtracts: p -= lr * grad (chapter 4).")
    for key in start:
        result = compare_arrays(f"model.params[{key!r}] after your step", params[key], after[key])
        if not result:
            return Result(False, result.message + " Hint: one plain SGD step, no momentum: "
                          "p -= lr * g for every parameter, with the gradients of this batch "
                          "(forward, then loss, then model.backward(loss_layer.backward())).")
    if not np.isclose(float(value), loss):
        if np.isclose(float(value), loss_after):
            return Result(False, f"you returned {float(value):.4f}, the loss AFTER the update; "
                          f"expected {loss:.4f}. Hint: return the loss computed in the forward "
                          "pass, the one the gradients belong to.")
        return Result(False, f"you returned {float(value):.4f}, expected the loss {loss:.4f}. "
                      "Hint: return loss_layer.forward(model.forward(X), y).")
    return Result(True, "forward, loss, backward, update: one step of gradient descent — "
                  "repeat it over mini-batches and epochs and you have training.fit.")


def _early_stop_reference(val_losses, patience: int) -> tuple[int, int]:
    """(best_epoch, stop_epoch), epochs from 1: the rule of ``fit(..., early_stopping=patience)``."""
    best, best_epoch, waited = np.inf, 0, 0
    for epoch, value in enumerate(val_losses, start=1):
        if value < best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


def _early_stop_cases():
    """(losses, patience, what the case tests); then random sequences like real curves."""
    cases = [
        ([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9], 3, "basic"),
        ([1.0, 0.8, 0.8, 0.8, 0.7], 2, "tie"),
        ([3.0, 2.0, 1.0], 2, "never"),
        ([1.0, 1.1, 0.9, 1.0, 0.8, 0.85, 0.7], 2, "in a row"),
        ([1.0, 0.9, 0.95, 0.96, 0.5], 2, "after the stop"),
        ([2.0, 2.5, 2.4], 1, "patience 1"),
    ]
    rng = np.random.default_rng(6)
    for _ in range(30):
        n = int(rng.integers(1, 25))
        curve = 1 / np.arange(1, n + 1) + 0.02 * np.arange(n) + rng.normal(0, 0.05, n)
        cases.append((np.round(curve, 2).tolist(), int(rng.integers(1, 5)), "random"))
    return cases


def _early_stop_hint(answer_pair, losses, patience) -> str:
    """The most likely misunderstanding behind a wrong (best_epoch, stop_epoch)."""
    best, stop = _early_stop_reference(losses, patience)
    got_best, got_stop = answer_pair
    lowered = [v - 1e-9 * k for k, v in enumerate(losses)]  # ties now count as improvements
    if (got_best, got_stop) == (best - 1, stop - 1):
        return "epochs count from 1 (the first loss is epoch 1), not from 0."
    if (got_best, got_stop) == _early_stop_reference(lowered, patience):
        return ("a loss EQUAL to the best so far is not an improvement: compare with `<`, "
                "not `<=`.")
    if got_stop == stop + 1 and got_best == best:
        return (f"training stops at the epoch that completes `patience` epochs without "
                f"improvement — with patience {patience}, {patience} epochs after the best, "
                "not one more.")
    if got_best != best and got_best == int(np.argmin(losses)) + 1:
        return ("the best epoch is the best one SEEN before stopping: epochs after the stop "
                "never happened.")
    if 1 <= got_stop < stop and got_best == int(np.argmin(losses[:got_stop])) + 1:
        return ("count the epochs without improvement IN A ROW: reset the count to 0 whenever "
                "the loss reaches a new lowest value.")
    if got_best == got_stop and best != stop:
        return "return the epoch with the lowest loss as best_epoch, not the epoch you stopped in."
    return ("walk through the losses keeping the lowest so far, its epoch and a counter of "
            "epochs since it; stop when the counter reaches patience.")


@exercise("6.6", "early stopping with patience")
def _check_early_stop(answer) -> Result:
    for losses, patience, _ in _early_stop_cases():
        given = list(losses)
        out = answer(given, patience)
        if given != list(losses):
            return Result(False, "your function changed the list of losses. Hint: only read it.")
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            return Result(False, f"return a pair (best_epoch, stop_epoch), got {out!r:.60}.")
        if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in out):
            kinds = ", ".join(type(v).__name__ for v in out)
            return Result(False, f"return two whole numbers (epochs), got {kinds}. Hint: an "
                          "epoch is a count like 3, not a loss value or NaN.")
        out = (int(out[0]), int(out[1]))
        expected = _early_stop_reference(losses, patience)
        if out != expected:
            return Result(False, f"for the losses {losses} with patience {patience} you returned "
                          f"{out}, expected {expected}. Hint: "
                          + _early_stop_hint(out, losses, patience))
    return Result(True, "that is the rule fit(..., early_stopping=patience) follows — and then it "
                  "puts back the weights of best_epoch.")


def _split_problem(seed: int):
    """Labels of 3 unbalanced classes in a shuffled order, and a validation fraction."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1, 2], [40, 25, 15])
    return rng.permutation(y), 0.2


def _as_index_array(part, n: int, name: str):
    """``part`` as an int64 index array, or a failing Result explaining what was returned."""
    arr = np.asarray(part)
    if arr.dtype == bool:
        return Result(False, f"{name} is a boolean mask; return index arrays. Hint: "
                      "np.flatnonzero(mask) turns a mask into the indices where it is True.")
    if arr.dtype.kind not in "iu" or arr.ndim != 1:
        return Result(False, f"{name} must be a 1-D array of integer indices into y, got dtype "
                      f"{arr.dtype} and shape {arr.shape}.")
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        return Result(False, f"{name} holds indices outside 0…{n - 1}: positions in y, not labels.")
    return arr.astype(np.int64)


@exercise("6.7", "a stratified validation split")
def _check_stratified_split(answer) -> Result:
    for seed in range(3):
        y, fraction = _split_problem(seed)
        given = y.copy()
        out = answer(given, fraction, np.random.default_rng(seed))
        if not np.array_equal(given, y):
            return Result(False, "your function changed y. Hint: only read the labels.")
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            return Result(False, "return a pair (train_idx, val_idx) of index arrays.")
        parts = [_as_index_array(p, len(y), name) for p, name in zip(out, ("train_idx", "val_idx"))]
        for part in parts:
            if isinstance(part, Result):
                return part
        train_idx, val_idx = parts
        if np.intersect1d(train_idx, val_idx).size or len(np.unique(val_idx)) != len(val_idx) \
                or len(np.unique(train_idx)) != len(train_idx):
            return Result(False, "some image is used twice (in both parts, or twice in one). "
                          "Hint: every index of y goes to exactly one of the two parts.")
        if len(train_idx) + len(val_idx) != len(y):
            return Result(False, f"the two parts hold {len(train_idx) + len(val_idx)} images, y has "
                          f"{len(y)}. Hint: every image goes to training or to validation.")
        counts = np.bincount(y[val_idx], minlength=3)
        wanted = fraction * np.bincount(y)
        if np.all(np.abs(np.bincount(y[train_idx], minlength=3) - wanted) < 1):
            return Result(False, "the parts are swapped: val_idx should be the SMALL part, a "
                          f"fraction {fraction} of each class.")
        if not np.all(np.abs(counts - wanted) < 1):
            return Result(False, f"the validation part has {counts.tolist()} images of the classes "
                          f"0, 1, 2; a stratified split takes {fraction} of each class: "
                          f"{wanted.tolist()}. Hint: split every class separately "
                          "(np.flatnonzero(y == k) gives the indices of class k).")
        firsts = np.concatenate([np.flatnonzero(y == k)[:c] for k, c in enumerate(counts)])
        if np.array_equal(np.sort(val_idx), np.sort(firsts)):
            return Result(False, "your validation images are the FIRST ones of each class. Hint: "
                          "shuffle each class's indices with rng.permutation before you cut.")
        again = answer(y.copy(), fraction, np.random.default_rng(seed))
        if not np.array_equal(np.sort(np.asarray(again[1])), np.sort(val_idx)):
            return Result(False, "the same rng seed gave a different split. Hint: draw all "
                          "randomness from the rng argument (rng.permutation), not np.random.")
    return Result(True, "stratified: every class keeps its share in both parts — what "
                  "train_test_split(..., stratify=y) does.")
