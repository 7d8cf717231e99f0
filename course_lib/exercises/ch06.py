"""Chapter 6 exercises: normalising pixels, accuracy, the confusion matrix, shifting a digit, one step,
early stopping.

Exercise 6.5 is the whole course in one function: forward pass, loss, backpropagation, update.
Exercise 6.6 is the rule behind ``fit(..., early_stopping=patience)``.

Every message a learner reads is written in English and Japanese, ``tr(en, ja)``
(:mod:`course_lib.i18n`); ``check`` answers in the language the notebook chose.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_lib.exercises import Result, compare_arrays, exercise
from course_lib.exercises._guards import returned_none
from course_lib.i18n import tr
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


@exercise("6.1", tr("normalise pixels to [0, 1]", "画素値を [0, 1] に正規化する"))
def _check_normalize(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        X = rng.integers(0, 256 if seed < 2 else 200, size=(5, 784), dtype=np.uint8)  # seed 2: no white pixel
        X[0, :2] = [0, 128]
        original = X.copy()
        out = answer(X)
        if out is None:
            return Result(False, returned_none("my_normalize(X)"))
        if not np.array_equal(X, original):
            return Result(False, tr("your function changed its input X. Hint: return a new array "
                                    "(X / 255 does), do not divide X in place.",
                                    "関数が入力の X を書き換えています。ヒント: X をその場で割るのではなく、"
                                    "新しい配列を返してください（X / 255 なら新しい配列になります）。"))
        arr = np.asarray(out)
        if arr.dtype.kind != "f":
            return Result(False, tr(f"the result has dtype {arr.dtype}, expected floating point. "
                                    "Hint: in NumPy `X / 255` gives floats; `X // 255` gives integers.",
                                    f"結果の dtype が {arr.dtype} です。浮動小数点数のはずです。"
                                    "ヒント: NumPy では `X / 255` は浮動小数点数に、`X // 255` は整数になります。"))
        result = compare_arrays("my_normalize(X)", arr, X / 255.0, rtol=1e-6, atol=1e-7)
        if not result:
            if X.max() < 255 and arr.shape == X.shape and np.allclose(arr, X / X.max(), rtol=1e-6):
                return Result(False, result.message + tr(" Hint: divide by 255, the largest value a pixel CAN "
                                                         "take, not by X.max(): on images without a white pixel "
                                                         "X.max() stretches the contrast.",
                                                         " ヒント: X.max() ではなく、画素がとりうる最大値 255 で割ります。"
                                                         "真っ白な画素のない画像では、X.max() で割ると濃淡が引き伸ばされます。"))
            if np.allclose(arr, X / 256.0, rtol=1e-6):
                return Result(False, result.message + tr(" Hint: the largest pixel value is 255, "
                                                         "so divide by 255 (then 255 becomes exactly 1).",
                                                         " ヒント: 画素値の最大は 255 なので、255 で割ります"
                                                         "（すると 255 はちょうど 1 になります）。"))
            return Result(False, result.message + tr(" Hint: pixel values 0…255 should become "
                                                     "0…1: divide by 255.",
                                                     " ヒント: 画素値 0…255 を 0…1 にします。255 で割りましょう。"))
    return Result(True, tr("pixels scaled to [0, 1]: 0 stays background, 255 becomes 1.",
                           "画素値が [0, 1] になりました。0 は背景のまま、255 は 1 になります。"))


@exercise("6.2", tr("accuracy from scores", "スコアから認識精度を求める"))
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
            return Result(False, tr(f"your answer raised ValueError: {str(err).strip()}. Hint: take "
                                    "the argmax along axis=1, over the 10 scores of each row: "
                                    "scores.argmax(axis=1) has shape (N,), like labels.",
                                    f"解答を実行すると ValueError が発生しました: {str(err).strip()}。"
                                    "ヒント: argmax は axis=1 に沿って、各行の 10 個のスコアについてとります。"
                                    "scores.argmax(axis=1) の形状は labels と同じ (N,) です。"))
        if isinstance(value, np.ndarray) and value.ndim > 0:
            return Result(False, tr(f"return one number, got an array of shape {value.shape}. "
                                    "Hint: take the mean of the comparison (predicted == labels).",
                                    f"数を 1 つ返してください。返ってきたのは形状 {value.shape} の配列です。"
                                    "ヒント: 比較 (predicted == labels) の平均をとりましょう。"))
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating)):
            return Result(False, tr(f"return a number between 0 and 1, got {type(value).__name__}.",
                                    f"0 から 1 の間の数を返してください。返ってきたのは {type(value).__name__} です。"))
        value = float(value)
        if not np.isclose(value, expected):
            if np.isclose(value, expected * len(labels)):
                hint = tr("you returned the NUMBER correct; divide by the number of examples.",
                          "正解した「個数」を返しています。データの個数で割ってください。")
            elif np.isclose(value, np.mean(scores.argmin(axis=1) == labels)):
                hint = tr("the prediction is the LARGEST score: argmax, not argmin.",
                          "予測はスコアが「最大」のクラスです。argmin ではなく argmax を使います。")
            else:
                hint = tr("predicted = scores.argmax(axis=1); accuracy = mean(predicted == labels).",
                          "predicted = scores.argmax(axis=1)、認識精度 = mean(predicted == labels) です。")
            return Result(False, tr(f"got {value:.4f}, expected {expected:.4f}. Hint: {hint}",
                                    f"{value:.4f} が返りましたが、{expected:.4f} のはずです。ヒント: {hint}"))
    return Result(True, tr("accuracy = fraction of rows whose largest score is the true class.",
                           "認識精度 = 最大のスコアが正解クラスにある行の割合、のとおりです。"))


@exercise("6.3", tr("a confusion matrix by hand", "混同行列を自分で作る"))
def _check_confusion(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        y_true = rng.integers(0, 10, size=200)
        y_pred = np.where(rng.random(200) < 0.7, y_true, rng.integers(0, 10, size=200))
        y_pred[0], y_true[0] = 9, 4  # make the matrix clearly non-symmetric
        expected = np.zeros((10, 10), dtype=np.int64)
        np.add.at(expected, (y_true, y_pred), 1)
        out = answer(y_true, y_pred)
        if out is None:
            return Result(False, returned_none("my_confusion_matrix(y_true, y_pred)"))
        out = np.asarray(out)
        bad = _not_real("my_confusion_matrix(y_true, y_pred)", out)
        if bad is not None:
            return bad
        result = compare_arrays("my_confusion_matrix(y_true, y_pred)", out, expected)
        if not result:
            if out.shape == expected.shape and np.array_equal(out, expected.T):
                return Result(False, result.message + tr(" Hint: rows are the TRUE digits and "
                                                         "columns the PREDICTED ones (scikit-learn's convention): "
                                                         "C[true, predicted] += 1.",
                                                         " ヒント: 行が「正解」の数字、列が「予測」の数字です"
                                                         "（scikit-learn の約束）。C[正解, 予測] += 1 です。"))
            if out.shape == expected.shape and np.array_equal(out, np.minimum(expected, 1)):
                return Result(False, result.message + tr(" Hint: every pair was counted at most "
                                                         "once. `C[y_true, y_pred] += 1` adds 1 once per distinct index "
                                                         "pair, even when a pair repeats; use np.add.at(C, (y_true, y_pred), "
                                                         "1) or a loop over zip(y_true, y_pred).",
                                                         " ヒント: どの組も高々 1 回しか数えられていません。"
                                                         "`C[y_true, y_pred] += 1` は、同じ添字の組が何度出てきても"
                                                         "1 回しか足しません。np.add.at(C, (y_true, y_pred), 1) を使うか、"
                                                         "zip(y_true, y_pred) でループしましょう。"))
            return Result(False, result.message + tr(" Hint: start from np.zeros((10, 10), int) "
                                                     "and add 1 at C[t, p] for every pair (t, p).",
                                                     " ヒント: np.zeros((10, 10), int) から始めて、"
                                                     "すべての組 (t, p) について C[t, p] に 1 を足します。"))
    return Result(True, tr("C[i, j] counts images of digit i predicted as j; the diagonal is right.",
                           "C[i, j] は数字 i の画像が j と予測された枚数です。対角成分が正解の枚数です。"))


@exercise("6.4", tr("shift a digit (data augmentation)", "数字をずらす（データ拡張）"))
def _check_shift(answer) -> Result:
    rng = np.random.default_rng(0)
    image = np.zeros((28, 28))
    image[6:22, 9:19] = rng.random((16, 10)) + 0.1
    for dy, dx in [(1, 0), (0, 1), (-1, 0), (0, -1), (2, -3), (-1, 1), (0, 0)]:
        original = image.copy()
        out = answer(image, dy, dx)
        if not np.array_equal(image, original):
            return Result(False, tr("your function changed its input image. Hint: fill a new array "
                                    "(np.zeros_like(image)) and copy the moved pixels into it.",
                                    "関数が入力の image を書き換えています。ヒント: 新しい配列"
                                    "（np.zeros_like(image)）を用意して、ずらした画素をそこへコピーしましょう。"))
        expected = _shift_reference(image, dy, dx)
        if out is None:
            return Result(False, returned_none(f"shift_image(image, {dy}, {dx})"))
        bad = _not_real(f"shift_image(image, {dy}, {dx})", out)
        if bad is not None:
            return bad
        result = compare_arrays(f"shift_image(image, {dy}, {dx})", out, expected)
        if not result:
            if np.shape(out) == (28, 28) and np.allclose(out, _shift_reference(image, -dy, -dx)):
                hint = tr("you moved it the opposite way: positive dy moves the digit DOWN "
                          "(to larger row numbers), positive dx to the RIGHT.",
                          "逆向きにずらしています。dy が正なら数字は「下」（行番号が大きい方）へ、"
                          "dx が正なら「右」へ動きます。")
            elif np.shape(out) == (28, 28) and np.allclose(out, _shift_reference(image, dx, dy)):
                hint = tr("you swapped the directions: dy moves along the rows (the first index, "
                          "down), dx along the columns (the second index, right).",
                          "向きが入れ替わっています。dy は行の方向（1 番目の添字、下向き）、"
                          "dx は列の方向（2 番目の添字、右向き）に動かします。")
            else:
                hint = tr("out[i + dy, j + dx] = image[i, j] where both indices are inside 0…27.",
                          "out[i + dy, j + dx] = image[i, j] です（両方の添字が 0…27 に収まるところだけ）。")
            return Result(False, tr(f"{result.message} Hint: {hint}", f"{result.message} ヒント: {hint}"))
    edge = np.zeros((28, 28))
    edge[:, 0] = 1.0  # a stroke touching the left border must vanish, not wrap around
    if not np.array_equal(np.asarray(answer(edge, 0, -1)), np.zeros((28, 28))):
        return Result(False, tr("a stroke in the first column moved one pixel left must leave the "
                                "image. Hint: np.roll wraps around; slice and fill with zeros instead.",
                                "1 列目にある線を 1 画素左へずらしたら、画像の外へ消えなければなりません。"
                                "ヒント: np.roll は反対側へ回り込みます。代わりにスライスを使い、"
                                "空いたところは 0 で埋めましょう。"))
    return Result(True, tr("the digit moves, the border fills with zeros: still the same digit.",
                           "数字が動き、空いた縁は 0 で埋まりました。ずらしても同じ数字です。"))


def _not_real(name: str, out) -> Result | None:
    """A failing Result if ``out`` is not an array of real numbers (complex, strings, None …)."""
    kind = np.asarray(out).dtype.kind if not isinstance(out, np.ndarray) else out.dtype.kind
    if kind not in "biuf":
        return Result(False, tr(f"{name}: expected numbers, got an array of dtype "
                                f"{np.asarray(out).dtype}. Hint: return real numbers (no complex values).",
                                f"{name}: 数値が返るはずですが、dtype が {np.asarray(out).dtype} の配列が"
                                "返りました。ヒント: 実数を返してください（複素数は不可）。"))
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


@exercise("6.5", tr("one learning step: forward, loss, backward, update",
                    "学習の 1 ステップ: 順伝播、損失、逆伝播、更新"))
def _check_train_step(answer) -> Result:
    X, y, lr, start, grads, after, loss, loss_after = _step_problem()
    model = _mlp_with(start)
    value = answer(model, SoftmaxCrossEntropy(), X.copy(), y.copy(), lr)
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating)):
        return Result(False, tr(f"return the loss (one number), got {type(value).__name__}. Hint: "
                                "keep the value of loss_layer.forward(scores, y) and return it at the end.",
                                f"損失（数 1 つ）を返してください。返ってきたのは {type(value).__name__} です。"
                                "ヒント: loss_layer.forward(scores, y) の値を取っておき、最後に return しましょう。"))
    params = model.params
    if all(not np.any(model.grads[key]) for key in start):
        return Result(False, tr("model.grads are still all zero, so there was nothing to step "
                                "with. Hint: after the loss, call model.backward(loss_layer.backward()) — "
                                "it fills model.grads — and only then update the weights.",
                                "model.grads がすべて 0 のままなので、更新に使える勾配がありません。"
                                "ヒント: 損失を計算したら model.backward(loss_layer.backward()) を呼び"
                                "（これが model.grads を埋めます）、そのあとで重みを更新します。"))
    if all(np.array_equal(params[key], start[key]) for key in start):
        return Result(False, tr("the weights did not change. Hint: update them IN PLACE, "
                                "`p -= lr * model.grads[key]` for each `key, p` in model.params.items(); "
                                "`p = p - lr * g` only gives the name p a new array, the model never sees it.",
                                "重みが変わっていません。ヒント: model.params.items() の各 `key, p` について "
                                "`p -= lr * model.grads[key]` と「その場で」更新します。`p = p - lr * g` は"
                                "名前 p に新しい配列を結び付けるだけで、モデルには届きません。"))
    if all(np.allclose(params[key], start[key] + lr * grads[key]) for key in start):
        return Result(False, tr("the weights moved UP the gradient, so the loss grows. Hint: "
                                "gradient descent subtracts: p -= lr * grad (chapter 4).",
                                "重みが勾配の「上り」方向に動いたので、損失が増えます。ヒント: "
                                "勾配降下法では引き算です。p -= lr * grad（第 4 章）。"))
    for key in start:
        name = tr(f"model.params[{key!r}] after your step", f"あなたの 1 ステップ後の model.params[{key!r}]")
        result = compare_arrays(name, params[key], after[key])
        if not result:
            return Result(False, result.message + tr(" Hint: one plain SGD step, no momentum: "
                                                     "p -= lr * g for every parameter, with the gradients of this batch "
                                                     "(forward, then loss, then model.backward(loss_layer.backward())).",
                                                     " ヒント: Momentum なしの素朴な SGD の 1 ステップです。"
                                                     "このバッチの勾配で、すべてのパラメータについて p -= lr * g"
                                                     "（順伝播、損失、model.backward(loss_layer.backward()) の順）。"))
    if not np.isclose(float(value), loss):
        if np.isclose(float(value), loss_after):
            return Result(False, tr(f"you returned {float(value):.4f}, the loss AFTER the update; "
                                    f"expected {loss:.4f}. Hint: return the loss computed in the forward "
                                    "pass, the one the gradients belong to.",
                                    f"返した {float(value):.4f} は更新「後」の損失です。{loss:.4f} のはずです。"
                                    "ヒント: 順伝播で計算した損失、つまり勾配のもとになった損失を返しましょう。"))
        return Result(False, tr(f"you returned {float(value):.4f}, expected the loss {loss:.4f}. "
                                "Hint: return loss_layer.forward(model.forward(X), y).",
                                f"{float(value):.4f} が返りましたが、損失は {loss:.4f} のはずです。"
                                "ヒント: loss_layer.forward(model.forward(X), y) を返しましょう。"))
    return Result(True, tr("forward, loss, backward, update: one step of gradient descent — "
                           "repeat it over mini-batches and epochs and you have training.fit.",
                           "順伝播、損失、逆伝播、更新。これで勾配降下法の 1 ステップです。"
                           "ミニバッチとエポックにわたって繰り返せば training.fit になります。"))


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


def _early_stop_against_previous(val_losses, patience: int) -> tuple[int, int]:
    """The common mistake: an epoch counts as an improvement when it beats the PREVIOUS epoch."""
    previous, best, best_epoch, waited = np.inf, np.inf, 0, 0
    for epoch, value in enumerate(val_losses, start=1):
        if value < best:
            best, best_epoch = value, epoch
        waited = 0 if value < previous else waited + 1
        previous = value
        if waited == patience:
            return best_epoch, epoch
    return best_epoch, len(val_losses)


def _early_stop_cases():
    """(losses, patience, tag of what the case tests); then random sequences like real curves."""
    cases = [
        ([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.9], 3, "basic"),
        ([1.0, 0.8, 0.8, 0.8, 0.7], 2, "tie"),
        ([3.0, 2.0, 1.0], 2, "never"),
        ([1.0, 1.1, 0.9, 1.0, 0.8, 0.85, 0.7], 2, "in_a_row"),
        ([1.0, 0.9, 0.95, 0.96, 0.5], 2, "after_the_stop"),
        ([2.0, 2.5, 2.4], 1, "patience_1"),
    ]
    rng = np.random.default_rng(6)
    for _ in range(30):
        n = int(rng.integers(1, 25))
        curve = 1 / np.arange(1, n + 1) + 0.02 * np.arange(n) + rng.normal(0, 0.05, n)
        cases.append((np.round(curve, 2).tolist(), int(rng.integers(1, 5)), "random"))
    return cases


def _compares_with_previous(answer) -> bool:
    """Whether ``answer`` behaves like "improvement = lower than the previous epoch" on every case."""
    try:
        return all(tuple(answer(list(losses), patience)) == _early_stop_against_previous(losses, patience)
                   for losses, patience, _ in _early_stop_cases())
    except Exception:  # the learner's function fails elsewhere: no such diagnosis
        return False


def _early_stop_hint(answer_pair, losses, patience, against_previous: bool = False) -> str:
    """The most likely misunderstanding behind a wrong (best_epoch, stop_epoch)."""
    best, stop = _early_stop_reference(losses, patience)
    got_best, got_stop = answer_pair
    lowered = [v - 1e-9 * k for k, v in enumerate(losses)]  # ties now count as improvements
    if (got_best, got_stop) == (best - 1, stop - 1):
        return tr("epochs count from 1 (the first loss is epoch 1), not from 0.",
                  "エポックは 0 ではなく 1 から数えます（最初の損失がエポック 1）。")
    if (got_best, got_stop) == _early_stop_reference(lowered, patience):
        return tr("a loss EQUAL to the best so far is not an improvement: compare with `<`, "
                  "not `<=`.",
                  "それまでの最良と「等しい」損失は改善ではありません。`<=` ではなく `<` で比べましょう。")
    if (got_best, got_stop) == (stop, best) and best != stop:
        return tr("the pair is in the wrong order: return (best_epoch, stop_epoch).",
                  "順番が逆です。(best_epoch, stop_epoch) の順に返してください。")
    if against_previous:
        return tr("an improvement means a loss lower than the BEST so far, not lower than the previous "
                  "epoch's: keep the lowest loss seen and compare with it.",
                  "改善とは「それまでの最良」より損失が小さいことで、「1 つ前のエポック」より小さいことでは"
                  "ありません。それまでの最小の損失を覚えておき、それと比べましょう。")
    if got_stop == stop + 1 and got_best == best:
        return tr(f"training stops at the epoch that completes `patience` epochs without "
                  f"improvement — with patience {patience}, {patience} epochs after the best, "
                  "not one more.",
                  f"改善のないエポックが `patience` 回そろったエポックで学習は止まります。"
                  f"patience が {patience} なら、最良のエポックの {patience} エポック後です"
                  "（その 1 つ後ではありません）。")
    if got_best != best and got_best == int(np.argmin(losses)) + 1:
        return tr("the best epoch is the best one SEEN before stopping: epochs after the stop "
                  "never happened.",
                  "最良のエポックは、止まるまでに「見た」中での最良です。止まった後のエポックは"
                  "実行されていません。")
    if 1 <= got_stop < stop and got_best == int(np.argmin(losses[:got_stop])) + 1:
        return tr("count the epochs without improvement IN A ROW: reset the count to 0 whenever "
                  "the loss reaches a new lowest value.",
                  "改善のないエポックは「連続で」数えます。損失が最小値を更新するたびに、"
                  "数を 0 に戻しましょう。")
    if got_best == got_stop and best != stop:
        return tr("return the epoch with the lowest loss as best_epoch, not the epoch you stopped in.",
                  "best_epoch には、止まったエポックではなく、損失が最小のエポックを返してください。")
    return tr("walk through the losses keeping the lowest so far, its epoch and a counter of "
              "epochs since it; stop when the counter reaches patience.",
              "損失を順に見ていき、それまでの最小値、そのエポック、そこから何エポック経ったかの"
              "カウンタを覚えておきます。カウンタが patience に達したら止まります。")


@exercise("6.6", tr("early stopping with patience", "patience つきの早期終了"))
def _check_early_stop(answer) -> Result:
    for losses, patience, _ in _early_stop_cases():
        given = list(losses)
        out = answer(given, patience)
        if given != list(losses):
            return Result(False, tr("your function changed the list of losses. Hint: only read it.",
                                    "関数が損失のリストを書き換えています。ヒント: 読むだけにしましょう。"))
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            return Result(False, tr(f"return a pair (best_epoch, stop_epoch), got {out!r:.60}.",
                                    f"組 (best_epoch, stop_epoch) を返してください。返ってきたのは {out!r:.60} です。"))
        if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in out):
            kinds = ", ".join(type(v).__name__ for v in out)
            return Result(False, tr(f"return two whole numbers (epochs), got {kinds}. Hint: an "
                                    "epoch is a count like 3, not a loss value or NaN.",
                                    f"整数（エポック）を 2 つ返してください。返ってきたのは {kinds} です。"
                                    "ヒント: エポックは 3 のような回数で、損失の値や NaN ではありません。"))
        out = (int(out[0]), int(out[1]))
        expected = _early_stop_reference(losses, patience)
        if out != expected:
            return Result(False, tr(f"for the losses {losses} with patience {patience} you returned "
                                    f"{out}, expected {expected}. Hint: ",
                                    f"損失 {losses}、patience {patience} に対して {out} が返りましたが、"
                                    f"{expected} のはずです。ヒント: ")
                          + _early_stop_hint(out, losses, patience, _compares_with_previous(answer)))
    return Result(True, tr("that is the rule fit(..., early_stopping=patience) follows — and then it "
                           "puts back the weights of best_epoch.",
                           "これが fit(..., early_stopping=patience) の従うルールです。そのあと fit は "
                           "best_epoch の重みを書き戻します。"))


def _split_problem(seed: int):
    """Labels of 3 unbalanced classes in a shuffled order, and a validation fraction."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1, 2], [41, 27, 13])  # 0.2 × count = 8.2, 5.4, 2.6: round() and int() differ
    return rng.permutation(y), 0.2


def _as_index_array(part, n: int, name: str):
    """``part`` as an int64 index array, or a failing Result explaining what was returned."""
    arr = np.asarray(part)
    if arr.dtype == bool:
        return Result(False, tr(f"{name} is a boolean mask; return index arrays. Hint: "
                                "np.flatnonzero(mask) turns a mask into the indices where it is True.",
                                f"{name} が真偽値のマスクです。添字の配列を返してください。ヒント: "
                                "np.flatnonzero(mask) でマスクが True の位置の添字が得られます。"))
    if arr.dtype.kind not in "iu" or arr.ndim != 1:
        return Result(False, tr(f"{name} must be a 1-D array of integer indices into y, got dtype "
                                f"{arr.dtype} and shape {arr.shape}.",
                                f"{name} は y への整数の添字を並べた 1 次元配列のはずですが、dtype "
                                f"{arr.dtype}、形状 {arr.shape} でした。"))
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        return Result(False, tr(f"{name} holds indices outside 0…{n - 1}: positions in y, not labels.",
                                f"{name} に 0…{n - 1} の範囲外の添字があります。ラベルではなく、y の中の位置を返します。"))
    return arr.astype(np.int64)


@exercise("6.7", tr("a stratified validation split", "層化した検証データの分割"))
def _check_stratified_split(answer) -> Result:
    for seed in range(3):
        y, fraction = _split_problem(seed)
        given = y.copy()
        out = answer(given, fraction, np.random.default_rng(seed))
        if not np.array_equal(given, y):
            return Result(False, tr("your function changed y. Hint: only read the labels.",
                                    "関数が y を書き換えています。ヒント: ラベルは読むだけにしましょう。"))
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            return Result(False, tr("return a pair (train_idx, val_idx) of index arrays.",
                                    "添字の配列の組 (train_idx, val_idx) を返してください。"))
        parts = [_as_index_array(p, len(y), name) for p, name in zip(out, ("train_idx", "val_idx"))]
        for part in parts:
            if isinstance(part, Result):
                return part
        train_idx, val_idx = parts
        if np.intersect1d(train_idx, val_idx).size or len(np.unique(val_idx)) != len(val_idx) \
                or len(np.unique(train_idx)) != len(train_idx):
            return Result(False, tr("some image is used twice (in both parts, or twice in one). "
                                    "Hint: every index of y goes to exactly one of the two parts.",
                                    "2 回使われている画像があります（両方に入っているか、片方に 2 回）。"
                                    "ヒント: y のどの添字も、ちょうど一方にだけ入ります。"))
        if len(train_idx) + len(val_idx) != len(y):
            return Result(False, tr(f"the two parts hold {len(train_idx) + len(val_idx)} images, y has "
                                    f"{len(y)}. Hint: every image goes to training or to validation.",
                                    f"2 つを合わせて {len(train_idx) + len(val_idx)} 枚ですが、y には "
                                    f"{len(y)} 枚あります。ヒント: どの画像も訓練か検証のどちらかに入ります。"))
        counts = np.bincount(y[val_idx], minlength=3)
        wanted = np.array([round(fraction * c) for c in np.bincount(y)])
        if np.all(np.abs(np.bincount(y[train_idx], minlength=3) - fraction * np.bincount(y)) < 1):
            return Result(False, tr("the parts are swapped: val_idx should be the SMALL part, a "
                                    f"fraction {fraction} of each class.",
                                    "2 つが入れ替わっています。val_idx は各クラスの割合 "
                                    f"{fraction} の「小さい」方です。"))
        if not np.array_equal(counts, wanted) and np.array_equal(counts, np.floor(fraction * np.bincount(y))):
            return Result(False, tr(f"the validation part has {counts.tolist()} images of the classes 0, 1, 2, "
                                    f"{wanted.tolist()} wanted. Hint: int() cuts 2.6 down to 2; the task says "
                                    "round(val_fraction * count), which gives 3.",
                                    f"検証データのクラス 0, 1, 2 の枚数が {counts.tolist()} ですが、{wanted.tolist()} "
                                    "のはずです。ヒント: int() は 2.6 を 2 に切り捨てます。問題文のとおり "
                                    "round(val_fraction * count) を使うと 3 になります。"))
        if not np.array_equal(counts, wanted):
            return Result(False, tr(f"the validation part has {counts.tolist()} images of the classes "
                                    f"0, 1, 2; a stratified split takes {fraction} of each class: "
                                    f"{wanted.tolist()}. Hint: split every class separately "
                                    "(np.flatnonzero(y == k) gives the indices of class k).",
                                    f"検証データにはクラス 0, 1, 2 の画像が {counts.tolist()} 枚あります。"
                                    f"層化分割では各クラスの {fraction} をとるので {wanted.tolist()} 枚です。"
                                    "ヒント: クラスごとに別々に分けましょう"
                                    "（np.flatnonzero(y == k) でクラス k の添字が得られます）。"))
        firsts = np.concatenate([np.flatnonzero(y == k)[:c] for k, c in enumerate(counts)])
        if np.array_equal(np.sort(val_idx), np.sort(firsts)):
            return Result(False, tr("your validation images are the FIRST ones of each class. Hint: "
                                    "shuffle each class's indices with rng.permutation before you cut.",
                                    "検証データが各クラスの「先頭」の画像になっています。ヒント: 切り分ける前に、"
                                    "各クラスの添字を rng.permutation でシャッフルしましょう。"))
        again = answer(y.copy(), fraction, np.random.default_rng(seed))
        if not np.array_equal(np.sort(np.asarray(again[1])), np.sort(val_idx)):
            return Result(False, tr("the same rng seed gave a different split. Hint: draw all "
                                    "randomness from the rng argument (rng.permutation), not np.random.",
                                    "同じ rng のシードで違う分割になりました。ヒント: 乱数はすべて np.random "
                                    "ではなく、引数の rng から（rng.permutation で）とりましょう。"))
    return Result(True, tr("stratified: every class keeps its share in both parts — what "
                           "train_test_split(..., stratify=y) does.",
                           "層化できました。どのクラスも両方で同じ割合を保っています。"
                           "train_test_split(..., stratify=y) がしているのと同じです。"))
