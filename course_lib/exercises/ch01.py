"""Chapter 1 exercises: checkers for the loss functions a learner writes.

Every message a learner reads is written in English and Japanese, ``tr(en, ja)``
(:mod:`course_lib.i18n`); ``check`` answers in the language the notebook chose.
"""

from __future__ import annotations

import numpy as np

from course_lib import losses
from course_lib.exercises import Result, compare_arrays, exercise
from course_lib.exercises._guards import changed_input, real_array, uses_name
from course_lib.i18n import tr


def _random_batch(seed: int, n: int = 5, c: int = 4):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, c)) * 3, rng.integers(0, c, size=n)


def _close(yours, reference) -> bool:
    try:
        yours = np.asarray(yours, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return yours.shape == np.shape(reference) and np.allclose(yours, reference, rtol=1e-6, atol=1e-9)


@exercise("1.1", tr("mean squared error gradient", "平均二乗誤差の勾配"))
def _check_mse_grad(answer) -> Result:
    if uses_name(answer, "mse_grad"):
        return Result(False, tr("the exercise asks you not to call losses.mse_grad: write the formula yourself.",
                                "この演習では losses.mse_grad を呼ばない約束です。式を自分で書いてください。"))
    for seed, shape in [(0, (4, 3)), (1, (6,)), (2, (2, 3, 2))]:  # "arrays of any shape"
        rng = np.random.default_rng(seed)
        y_pred, y_true = rng.normal(size=shape), rng.normal(size=shape)
        reference = losses.mse_grad(y_pred, y_true)
        name = tr(f"mse_grad(y_pred, y_true) for shape {shape}", f"形状 {shape} の入力での mse_grad(y_pred, y_true)")
        given = (y_pred.copy(), y_true.copy())
        yours, problem = real_array(name, answer(*given))
        if problem is not None:
            return problem
        problem = changed_input(y_pred=(given[0], y_pred), y_true=(given[1], y_true))
        if problem is not None:
            return problem
        result = compare_arrays(name, yours, reference)
        if result:
            continue
        if _close(yours, reference / 2):
            hint = tr(" Hint: you are missing the factor 2 from differentiating the square (books that"
                      " define MSE with a ½ in front drop it; our MSE has no ½).",
                      "ヒント: 2 乗を微分すると出てくる係数 2 が抜けています（MSE の前に ½ を付けて定義する本では"
                      "この 2 が消えますが、この講座の MSE には ½ がありません）。")
        elif _close(yours, reference * y_pred.size / len(y_pred)):
            hint = tr(" Hint: you divided by the number of rows; the mean runs over ALL elements,"
                      " so divide by y_pred.size.",
                      "ヒント: 行の数で割っています。平均は「すべての要素」についてとるので、y_pred.size で割ってください。")
        elif _close(yours, reference * y_pred.size):
            hint = tr(" Hint: that is the gradient of the SUM; the mean also divides by y_pred.size.",
                      "ヒント: それは「和」の勾配です。平均なので、さらに y_pred.size で割ります。")
        elif _close(yours, -reference):
            hint = tr(" Hint: the sign is flipped; it is (y_pred - y_true), not (y_true - y_pred).",
                      "ヒント: 符号が逆です。(y_true - y_pred) ではなく (y_pred - y_true) です。")
        else:
            hint = tr(" Hint: differentiate mean((y_pred - y_true)**2) term by term; the mean divides"
                      " by the number of elements, y_pred.size (works for any shape).",
                      "ヒント: mean((y_pred - y_true)**2) を項ごとに微分しましょう。平均は要素の数 y_pred.size"
                      " で割ります（こうすればどんな形状の配列でも使えます）。")
        return Result(False, result.message + hint)
    return Result(True, tr("your gradient matches 2 (y_pred - y_true) / size on inputs of three shapes.",
                           "3 種類の形状の入力で、あなたの勾配は 2 (y_pred - y_true) / size と一致しました。"))


def _broadcast_hint(err: ValueError) -> Result:
    if "broadcast" in str(err):
        return Result(False, tr("z (N, C) minus a per-row quantity of shape (N,) does not line up. Hint: keep "
                                "the reduced axis, z.max(axis=1, keepdims=True), so that it has shape (N, 1) "
                                "and is subtracted from every entry of its row (same for the sum).",
                                "形状 (N, C) の z から形状 (N,) の「行ごとの値」を引こうとして、形が合いません。"
                                "ヒント: z.max(axis=1, keepdims=True) のように、縮めた軸を残しましょう。形状が "
                                "(N, 1) になり、その行のすべての要素から引かれます（和も同じです）。"))
    return Result(False, tr(f"your answer raised ValueError: {err}",
                            f"解答を実行すると ValueError が発生しました: {err}"))


@exercise("1.2", tr("stable log-softmax", "安定な log-softmax"))
def _check_log_softmax(answer) -> Result:
    forbidden = uses_name(answer, "log_softmax", "softmax")
    if forbidden:
        return Result(False, tr(f"the exercise asks you not to call losses.{forbidden}: build it from np.exp, "
                                "np.log, max and sum.",
                                f"この演習では losses.{forbidden} を呼ばない約束です。np.exp、np.log、max、sum "
                                "を組み合わせて作ってください。"))
    for seed in range(3):
        z, _ = _random_batch(seed)  # 5 rows, 4 columns: a missing keepdims cannot broadcast silently
        reference = losses.log_softmax(z)
        try:
            yours = answer(z.copy())
        except ValueError as err:
            return _broadcast_hint(err)
        yours, problem = real_array("log_softmax(z)", yours)
        if problem is not None:
            return problem
        result = compare_arrays("log_softmax(z)", yours, reference)
        if not result:
            if _close(yours, losses.log_softmax(z, axis=0)):
                return Result(False, result.message + tr(
                    " Hint: normalise each ROW (axis=1, keepdims=True), not each column.",
                    "ヒント: 列ごとではなく「行ごと」に正規化します（axis=1, keepdims=True）。"))
            if _close(yours, z - np.log(np.exp(z).sum())):
                return Result(False, result.message + tr(
                    " Hint: the sum runs over each row (axis=1), not the whole array.",
                    "ヒント: 和は配列全体ではなく、行ごとに（axis=1）とります。"))
            return Result(False, result.message + tr(
                " Hint: z - max(z) - log(sum(exp(z - max(z)))) per row.",
                "ヒント: 行ごとに z - max(z) - log(sum(exp(z - max(z)))) を計算します。"))
    big = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1001.0, -1002.0]])
    with np.errstate(all="ignore"):
        try:
            yours = answer(big.copy())
        except ValueError as err:
            return _broadcast_hint(err)
    yours, problem = real_array(tr("log_softmax of logits ±1000", "ロジット ±1000 での log_softmax"), yours,
                                finite=False)
    if problem is not None:
        return problem
    if not np.all(np.isfinite(yours)):
        if np.all(np.isfinite(yours[0])):
            return Result(False, tr("the row [1000, 0, -1000] is fine but [-1000, -1001, -1002] gives inf/NaN: "
                                    "subtract each row's OWN max (axis=1, keepdims=True), not the max of the "
                                    "whole array.",
                                    "行 [1000, 0, -1000] は大丈夫ですが、[-1000, -1001, -1002] で inf/NaN になります。"
                                    "配列全体の最大値ではなく、「その行自身の」最大値を引いてください"
                                    "（axis=1, keepdims=True）。"))
        return Result(False, tr("correct on small logits, but logits of ±1000 give inf/NaN: subtract the row max first.",
                                "小さなロジットでは正しいのですが、±1000 のロジットで inf/NaN になります。"
                                "先に行の最大値を引きましょう。"))
    if not _close(yours, losses.log_softmax(big)):
        return Result(False, tr("finite for logits of ±1000 but wrong (expected [0, -1000, -2000] for the first "
                                "row): check the shift by the row max.",
                                "±1000 のロジットでも有限の値になりましたが、値が違います（1 行目は "
                                "[0, -1000, -2000] になるはずです）。行の最大値を引くところを見直してください。"))
    return Result(True, tr("correct, and stable for logits of ±1000.",
                           "正解です。±1000 のロジットでも安定しています。"))


@exercise("1.3", tr("cross-entropy of the '7 vs 3' output", "「7 と 3」の出力の交差エントロピー誤差"))
def _check_seven_vs_three(answer) -> Result:
    expected = -np.log(0.14)
    if np.size(answer) == 10:
        return Result(False, tr("you returned ten numbers, one per class; the loss is ONE number: the sum over "
                                "the classes of -t log p, where only the true class has t = 1.",
                                "クラスごとに 1 つずつ、10 個の数を返しています。損失は「1 つの数」です。"
                                "-t log p をすべてのクラスについて足したもので、t = 1 なのは正解のクラスだけです。"))
    array, problem = real_array(tr("your cross-entropy", "あなたの交差エントロピー誤差"), answer)
    if problem is not None:
        return problem
    if array.size != 1:
        return Result(False, tr(f"expected one number, got an array of shape {array.shape}.",
                                f"1 つの数を返してほしいところに、形状 {array.shape} の配列が返されました。"))
    value = float(array.ravel()[0])
    if np.isclose(value, expected, rtol=1e-6):
        return Result(True, tr(f"-log(0.14) = {expected:.4f}: only the true class's probability counts.",
                               f"-log(0.14) = {expected:.4f}。効いてくるのは正解のクラスの確率だけです。"))
    if np.isclose(value, -np.log(0.70), rtol=1e-6):
        return Result(False, tr("that is -log p of the PREDICTED class (7); cross-entropy uses the TRUE class (3).",
                                "それは「予測した」クラス（7）の -log p です。交差エントロピー誤差では"
                                "「正解の」クラス（3）を使います。"))
    if np.isclose(value, -expected, rtol=1e-6):
        return Result(False, tr("right size, wrong sign: the loss is MINUS the log-probability, so it is positive.",
                                "大きさは合っていますが、符号が逆です。損失は確率の対数に「マイナス」を付けたものなので、"
                                "正の値になります。"))
    if isinstance(answer, (bool, np.bool_)):
        return Result(False, tr("that is True/False; the loss is a number: -log of the true class's probability.",
                                "それは True/False です。損失は数です: 正解のクラスの確率の -log です。"))
    if np.isclose(value, expected, atol=0.006):
        return Result(False, tr(f"{value} is the right loss rounded; keep full precision: compute it with np.log "
                                "instead of typing a rounded number.",
                                f"{value} は正しい損失を丸めた値です。丸めた数を書くのではなく、np.log で計算して"
                                "全桁の精度を保ってください。"))
    if np.isclose(value, -np.log10(0.14), rtol=1e-6):
        return Result(False, tr("that is log base 10; cross-entropy uses the natural log, np.log.",
                                "それは底が 10 の対数です。交差エントロピー誤差では自然対数 np.log を使います。"))
    return Result(False, tr("cross-entropy with a one-hot target is -log(probability of the true class).",
                            "正解が one-hot表現のとき、交差エントロピー誤差は -log(正解のクラスの確率) です。"))


@exercise("1.4", tr("softmax cross-entropy gradient", "ソフトマックス関数と交差エントロピー誤差の勾配"))
def _check_sce_grad(answer) -> Result:
    if uses_name(answer, "softmax_cross_entropy_grad"):
        return Result(False, tr("the exercise asks you to write the gradient yourself, not to call "
                                "losses.softmax_cross_entropy_grad.",
                                "この演習では losses.softmax_cross_entropy_grad を呼ばずに、勾配を自分で書いてください。"))
    for seed in range(3):
        z, labels = _random_batch(seed)
        reference = losses.softmax_cross_entropy_grad(z, labels)
        yours, problem = real_array("grad(z, labels)", answer(z.copy(), labels.copy()))
        if problem is not None:
            return problem
        result = compare_arrays("grad(z, labels)", yours, reference)
        if result:
            continue
        n, c = z.shape
        if _close(yours, reference * n):
            hint = tr(" Hint: the loss is the MEAN over the batch, so divide by N = len(logits).",
                      "ヒント: 損失はバッチについての「平均」なので、N = len(logits) で割ります。")
        elif _close(yours, reference / c):
            hint = tr(" Hint: divide by the batch size N only, not by N·C: the mean runs over examples.",
                      "ヒント: N·C ではなく、バッチサイズ N だけで割ります。平均はデータの個数についてとります。")
        elif _close(yours, -reference):
            hint = tr(" Hint: the sign is flipped; it is softmax(z) - t, not t - softmax(z).",
                      "ヒント: 符号が逆です。t - softmax(z) ではなく softmax(z) - t です。")
        elif _close(yours, losses.softmax(z) / n):
            hint = tr(" Hint: you forgot to subtract the one-hot targets t.",
                      "ヒント: one-hot表現の正解 t を引き忘れています。")
        else:
            hint = tr(" Hint: (softmax(z) - one_hot(labels, C)) / N, with N the batch size.",
                      "ヒント: (softmax(z) - one_hot(labels, C)) / N です（N はバッチサイズ）。")
        return Result(False, result.message + hint)
    return Result(True, tr("your gradient is (softmax(z) - t) / N.",
                           "あなたの勾配は (softmax(z) - t) / N になっています。"))


def _bce_reference(z, t) -> float:
    """Binary cross-entropy of sigmoid(z), through the library's stable two-class softmax."""
    two_logits = np.stack([np.zeros_like(z), z], axis=-1).reshape(-1, 2)  # softmax([0, z])_1 = σ(z)
    return losses.softmax_cross_entropy(two_logits, t.reshape(-1).astype(np.int64))


def _as_number(value):
    """``float(value)`` for a real number or a size-1 real array (NaN and inf kept), else ``None``."""
    array, problem = real_array("", value, finite=False)
    return None if problem is not None or array.size != 1 else float(array.ravel()[0])


@exercise("1.5", tr("binary cross-entropy from logits", "ロジットから計算する二値交差エントロピー誤差"))
def _check_bce_with_logits(answer) -> Result:
    for seed, shape in [(0, (6,)), (1, (3, 4))]:
        rng = np.random.default_rng(seed)
        z, t = rng.normal(size=shape) * 3, rng.integers(0, 2, size=shape).astype(float)
        expected = _bce_reference(z, t)
        array, problem = real_array(tr(f"bce_with_logits for z of shape {shape}",
                                       f"形状 {shape} の z での bce_with_logits"), answer(z.copy(), t.copy()))
        if problem is not None:
            return problem
        if array.size != 1:
            return Result(False, tr(f"expected one number for z of shape {shape} (the mean over all elements), "
                                    f"got an array of shape {array.shape}.",
                                    f"形状 {shape} の z に対しては 1 つの数（全要素の平均）を返すはずですが、"
                                    f"形状 {array.shape} の配列が返されました。"))
        value = float(array.ravel()[0])
        if np.isclose(value, expected, rtol=1e-6):
            continue
        if np.isclose(value, expected * z.size, rtol=1e-6):
            return Result(False, tr(f"got {value:.4f}, expected {expected:.4f}: that is the sum; take the mean "
                                    "over all elements.",
                                    f"返された値は {value:.4f}、正しい値は {expected:.4f} です。それは和なので、"
                                    "全要素の平均をとってください。"))
        return Result(False, tr(f"got {value:.4f}, expected {expected:.4f}, the mean of "
                                "-[t log σ(z) + (1 - t) log(1 - σ(z))]. Hint: it simplifies to "
                                "mean(log(1 + exp(z)) - t * z).",
                                f"返された値は {value:.4f}、正しい値は -[t log σ(z) + (1 - t) log(1 - σ(z))] "
                                f"の平均で {expected:.4f} です。ヒント: この式は mean(log(1 + exp(z)) - t * z) "
                                "と簡単にできます。"))
    big_z, big_t = np.array([1000.0, -1000.0, 0.0]), np.array([0.0, 1.0, 1.0])
    expected = (2000.0 + np.log(2.0)) / 3
    with np.errstate(all="ignore"):
        try:
            value = _as_number(answer(big_z.copy(), big_t.copy()))
        except OverflowError:  # math.exp(1000)
            value = float("inf")
    if value is None or not np.isfinite(value):
        return Result(False, tr("correct for moderate logits, but z = ±1000 gives inf/NaN. Hint: "
                                "log(1 + e^z) = max(z, 0) + log(1 + e^(-|z|)), or use np.logaddexp(0, z).",
                                "ほどほどの大きさのロジットでは正しいのですが、z = ±1000 で inf/NaN になります。"
                                "ヒント: log(1 + e^z) = max(z, 0) + log(1 + e^(-|z|)) と書き直すか、"
                                "np.logaddexp(0, z) を使いましょう。"))
    if not np.isclose(value, expected, rtol=1e-6):
        return Result(False, tr(f"finite but wrong for z = [1000, -1000, 0], t = [0, 1, 1]: got {value:.2f}, "
                                f"expected {expected:.2f}. Clipping probabilities caps the loss: work from the "
                                "logits.",
                                f"z = [1000, -1000, 0], t = [0, 1, 1] で有限の値にはなりましたが、違います。"
                                f"返された値は {value:.2f}、正しい値は {expected:.2f} です。確率をクリップすると"
                                "損失に上限ができてしまいます。ロジットから直接計算してください。"))
    return Result(True, tr("correct, and exact even for logits of ±1000 (no probability is ever formed).",
                           "正解です。±1000 のロジットでも正確です（確率を一度も作らずに計算しています）。"))
