"""Chapter 4 exercises: checkers for one gradient step, momentum, mini-batch counts, least squares, Adam.

Every checker runs the learner's function on random inputs (copies, so an in-place update cannot
spoil the reference), turns what it returns into real numbers (complex, NaN, ``None`` and text get
their own message) and, when the answer is wrong, compares it with the usual mistakes to give a
targeted hint. What an exercise forbids ("do not use ``optim.SGD``") is checked by reading the
names the learner's code refers to. Every message is written in English and Japanese,
``tr(en, ja)`` (:mod:`course_lib.i18n`); ``check`` answers in the language the notebook chose.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from course_lib.exercises import Result, exercise
from course_lib.exercises._guards import real_array, uses_name
from course_lib.i18n import tr


def _quietly(answer, *args):
    """Call the learner's function with NumPy's warnings silenced (a 0/0 must not flood the cell)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return answer(*args)


def _matches(value, reference, rtol=1e-7, atol=1e-10) -> bool:
    """Whether ``value`` (already a float array) equals ``reference`` within the tolerance."""
    reference = np.asarray(reference, dtype=float)
    return value.shape == reference.shape and bool(np.allclose(value, reference, rtol=rtol,
                                                               atol=atol))


def _not_finite(value) -> bool:
    """Whether ``value`` is a real array holding NaN or inf (other problems are reported later)."""
    try:
        array = np.asarray(value)
        return array.dtype.kind == "f" and not bool(np.all(np.isfinite(array)))
    except (TypeError, ValueError):
        return False


def _first_mistake(value, mistakes) -> str | None:
    """The hint of the first ``(wrong_result, hint)`` that ``value`` reproduces, else ``None``."""
    with np.errstate(all="ignore"):
        for wrong, hint in mistakes:
            if np.all(np.isfinite(wrong)) and _matches(value, wrong):
                return hint
    return None


def _unpack(out, names: tuple[str, ...], hint: str):
    """``out`` as a tuple of ``len(names)`` real arrays, or a Result saying what is wrong."""
    if not isinstance(out, (tuple, list)) or len(out) != len(names):
        return None, Result(False, tr(f"return {len(names)} values ({', '.join(names)}). {hint}",
                                      f"{len(names)} 個の値 ({', '.join(names)}) を返してください。{hint}"))
    arrays = []
    for name, value in zip(names, out):
        array, problem = real_array(name, value)
        if problem is not None:
            return None, problem
        arrays.append(array)
    return arrays, None


@exercise("4.1", tr("one gradient-descent step", "勾配降下法の 1 ステップ"))
def _check_gd_step(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        p, g = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
        lr = float(rng.uniform(0.01, 0.5))
        # An update in place (p -= lr * g; return p) is allowed: the library's SGD works that way.
        value, problem = real_array("gd_step(p, g, lr)", _quietly(answer, p.copy(), g.copy(), lr))
        if problem is not None:
            return Result(False, problem.message + tr(" Hint: return the new parameters p - lr * g.",
                                                      " ヒント: 新しいパラメータ p - lr * g を返してください。"))
        if value.shape != p.shape:
            return Result(False, tr(f"gd_step(p, g, lr) has shape {value.shape}, expected {p.shape} "
                                    "(the shape of p).",
                                    f"gd_step(p, g, lr) の形状が {value.shape} です。p と同じ "
                                    f"{p.shape} のはずです。"))
        if not _matches(value, p - lr * g):
            hint = _first_mistake(value, [
                (p + lr * g, tr("you walked UPHILL — step against the gradient, p - lr * g.",
                                "坂を「上って」います。勾配と逆向きに進みます: p - lr * g。")),
                (p - g, tr("the step is lr times the gradient: p - lr * g.",
                           "1 歩は勾配の lr 倍です: p - lr * g。")),
                (-lr * g, tr("that is only the step; add it to the parameters: p - lr * g.",
                             "それは 1 歩の大きさだけです。パラメータに足してください: p - lr * g。")),
            ]) or tr("the new parameters are p - lr * g.", "新しいパラメータは p - lr * g です。")
            return Result(False, tr(f"gd_step(p, g, lr) differs from p - lr * g. Hint: {hint}",
                                    f"gd_step(p, g, lr) が p - lr * g と一致しません。ヒント: {hint}"))
    return Result(True, tr("p - lr * g: a step of size lr down the slope.",
                           "p - lr * g: 坂を下る向きに、学習率 lr に比例した 1 歩です。"))


@exercise("4.2", tr("the momentum update", "モーメンタムの更新"))
def _check_momentum(answer) -> Result:
    if uses_name(answer, "SGD"):
        return Result(False, tr("write the two update lines yourself; do not use optim.SGD.",
                                "2 行の更新式を自分で書いてください。optim.SGD は使わない約束です。"))
    for seed in range(3):
        rng = np.random.default_rng(seed)
        p, b, g = (rng.normal(size=4) for _ in range(3))
        lr, momentum = float(rng.uniform(0.01, 0.5)), float(rng.uniform(0.5, 0.95))
        out = _quietly(answer, p.copy(), b.copy(), g.copy(), lr, momentum)
        arrays, problem = _unpack(out, ("p_new", "b_new"),
                                  tr("Hint: return p - lr * b_new, b_new.",
                                     "ヒント: p - lr * b_new, b_new を返します。"))
        if problem is not None:
            return problem
        p_new, b_new = arrays
        b_ref = momentum * b + g
        if not _matches(b_new, b_ref):
            hint = _first_mistake(b_new, [
                (momentum * b - lr * g, tr(
                    "that is the velocity form v = momentum * v - lr * g; in PyTorch's form the "
                    "buffer adds up raw gradients, b_new = momentum * b + g, and lr enters the "
                    "parameter step.",
                    "それは速度の形 v = momentum * v - lr * g です。PyTorch の形ではバッファは勾配そのものを"
                    "足し合わせ (b_new = momentum * b + g)、lr はパラメータの更新で掛けます。")),
                (momentum * b + (1 - momentum) * g, tr(
                    "no (1 - momentum) factor on g: b_new = momentum * b + g.",
                    "g に (1 - momentum) は掛けません: b_new = momentum * b + g。")),
                (b, tr("the buffer must change: b_new = momentum * b + g.",
                       "バッファも更新します: b_new = momentum * b + g。")),
            ]) or tr("b_new = momentum * b + g (keep a fraction of the old buffer, add the new "
                     "gradient).",
                     "b_new = momentum * b + g（古いバッファを一定の割合だけ残し、新しい勾配を足す）。")
            return Result(False, tr(f"b_new differs from momentum * b + g. Hint: {hint}",
                                    f"b_new が momentum * b + g と一致しません。ヒント: {hint}"))
        if not _matches(p_new, p - lr * b_ref):
            hint = _first_mistake(p_new, [
                (p - lr * b, tr("move by the NEW buffer: p_new = p - lr * b_new.",
                                "「新しい」バッファで動かします: p_new = p - lr * b_new。")),
                (p - lr * g, tr("the step uses the buffer, not just today's gradient: "
                                "p_new = p - lr * b_new.",
                                "更新には今回の勾配だけでなくバッファを使います: p_new = p - lr * b_new。")),
                (p + lr * b_ref, tr("you walked UPHILL: p_new = p - lr * b_new.",
                                    "坂を「上って」います: p_new = p - lr * b_new。")),
            ]) or tr("p_new = p - lr * b_new.", "p_new = p - lr * b_new。")
            return Result(False, tr(f"p_new differs from p - lr * b_new. Hint: {hint}",
                                    f"p_new が p - lr * b_new と一致しません。ヒント: {hint}"))
    return Result(True, tr("b ← μ b + g, p ← p − lr b: the buffer remembers past gradients.",
                           "b ← μ b + g, p ← p − lr b: バッファが過去の勾配を覚えています。"))


@exercise("4.3", tr("how many mini-batches per epoch", "1 エポックのミニバッチの数"))
def _check_num_batches(answer) -> Result:
    cases = [(60000, 64), (100, 10), (10, 3), (7, 7), (5, 1), (1000, 999)]
    for n, batch_size in cases:
        value = _quietly(answer, n, batch_size)
        expected = -(-n // batch_size)
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            return Result(False, tr(
                f"return an int, got {type(value).__name__} {value!r} for (N={n}, "
                f"batch_size={batch_size}). Hint: use integer arithmetic, e.g. -(-n // batch_size), "
                "or int(math.ceil(...)).",
                f"(N={n}, batch_size={batch_size}) で {type(value).__name__} {value!r} が返りました。"
                "int を返してください。ヒント: 整数の演算を使います（例: -(-n // batch_size) や "
                "int(math.ceil(...))）。"))
        if value != expected:
            hint = (tr(" Hint: the last, smaller batch counts too — round UP.",
                       " ヒント: 最後の小さなバッチも 1 つと数えます。切り上げてください。")
                    if value == n // batch_size else
                    tr(" Hint: ceil(N / batch_size).", " ヒント: ceil(N / batch_size) です。"))
            return Result(False, tr(f"for N={n}, batch_size={batch_size} you gave {value}, "
                                    f"expected {expected}.{hint}",
                                    f"N={n}, batch_size={batch_size} で {value} が返りました。"
                                    f"正しくは {expected} です。{hint}"))
    return Result(True, tr("ceil(N / batch_size), the last batch holding the remainder: one epoch "
                           "of MNIST's 60,000 images at batch size 64 is 938 updates.",
                           "ceil(N / batch_size)。最後のバッチが余りを受け持ちます。MNIST の 60,000 枚を"
                           "バッチサイズ 64 で 1 エポック回すと 938 回の更新です。"))


@exercise("4.4", tr("least squares in closed form", "最小二乗法の閉形式解"))
def _check_least_squares(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(30, 3))
        y = X @ rng.normal(size=3) + 2.0 + 0.1 * rng.normal(size=30)
        ref = np.linalg.lstsq(np.hstack([X, np.ones((30, 1))]), y, rcond=None)[0]
        out = _quietly(answer, X.copy(), y.copy())
        arrays, problem = _unpack(out, ("w", "b"), tr("Hint: return theta[:-1], theta[-1].",
                                                      "ヒント: theta[:-1], theta[-1] を返します。"))
        if problem is not None:
            return problem
        w, b = arrays
        if w.shape != (3,):
            return Result(False, tr(f"w has shape {w.shape}, expected (3,) for X of shape (30, 3). "
                                    "Hint: the weights are theta[:-1], a vector of length d.",
                                    f"w の形状が {w.shape} です。X の形状 (30, 3) なら (3,) のはずです。"
                                    "ヒント: 重みは theta[:-1]、長さ d のベクトルです。"))
        if b.shape != ():
            return Result(False, tr(f"b has shape {b.shape}; the bias is one number. "
                                    "Hint: take theta[-1], not theta[-1:].",
                                    f"b の形状が {b.shape} です。バイアスは 1 つの数です。"
                                    "ヒント: theta[-1:] ではなく theta[-1] を使います。"))
        if not (_matches(w, ref[:3], rtol=1e-6, atol=1e-8)
                and _matches(b, ref[3], rtol=1e-6, atol=1e-8)):
            no_bias = np.linalg.lstsq(X, y, rcond=None)[0]
            if _matches(w, no_bias, rtol=1e-6, atol=1e-8):
                return Result(False, tr(
                    "w is the fit WITHOUT a bias. Hint: append a column of ones to X, so the bias "
                    "is fitted too: X1 = np.hstack([X, np.ones((N, 1))]).",
                    "w はバイアス「なし」の当てはめです。ヒント: X に 1 の列を加えるとバイアスも"
                    "求まります: X1 = np.hstack([X, np.ones((N, 1))])。"))
            return Result(False, tr(
                "(w, b) is not the least-squares solution. Hint: append a column of ones to X for "
                "the bias, solve with np.linalg.lstsq(X1, y, rcond=None), then split off the last "
                "entry as b.",
                "(w, b) が最小二乗解になっていません。ヒント: バイアスのために X に 1 の列を加え、"
                "np.linalg.lstsq(X1, y, rcond=None) で解き、最後の要素を b として分けます。"))
    return Result(True, tr("the least-squares (w, b) that gradient descent should converge to.",
                           "勾配降下法が収束すべき最小二乗解 (w, b) です。"))


def _adam_reference(p, m, v, g, t, lr, b1, b2, eps, *, correct_m=True, correct_v=True,
                    t_used=None, eps_inside=False):
    """Adam's step (and, with the keyword switches, its usual mistakes)."""
    m_new = b1 * m + (1 - b1) * g
    v_new = b2 * v + (1 - b2) * g * g
    t_used = t if t_used is None else t_used
    m_hat = m_new / (1 - b1**t_used) if correct_m else m_new
    v_hat = v_new / (1 - b2**t_used) if correct_v else v_new
    denom = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
    return p - lr * m_hat / denom, m_new, v_new


_ADAM_CASES = [  # (t, lr, beta1, beta2, eps, start from zeros); t = 1 last: there m̂ = g,
    (2, 0.1, 0.9, 0.999, 0.05, False),  # so some mistakes look alike and get a vaguer hint
    (5, 0.05, 0.8, 0.99, 0.02, False),
    (1, 0.01, 0.9, 0.999, 1e-8, True),
]


@exercise("4.5", tr("one Adam step by hand", "Adam の 1 ステップを手で書く"))
def _check_adam_step(answer) -> Result:
    if uses_name(answer, "Adam"):
        return Result(False, tr("write the update from the formulas; do not use optim.Adam.",
                                "更新を式から書いてください。optim.Adam は使わない約束です。"))
    for seed, (t, lr, b1, b2, eps, fresh) in enumerate(_ADAM_CASES):
        rng = np.random.default_rng(seed)
        p, g = rng.normal(size=5), 0.2 * rng.normal(size=5)
        m = np.zeros(5) if fresh else 0.1 * rng.normal(size=5)
        v = np.zeros(5) if fresh else 0.04 * rng.uniform(0.5, 1.5, size=5)
        args = (p, m, v, g, t, lr, b1, b2, eps)
        try:
            out = _quietly(answer, *(a.copy() if isinstance(a, np.ndarray) else a for a in args))
        except ZeroDivisionError:
            return Result(False, tr(f"your answer divided by zero at t = {t}. Hint: t counts from 1, "
                                    "so the first correction divides by 1 - beta1**1, not by "
                                    "1 - beta1**0.",
                                    f"t = {t} でゼロ除算が起きました。ヒント: t は 1 から数えるので、"
                                    "最初の補正は 1 - beta1**0 ではなく 1 - beta1**1 で割ります。"))
        if isinstance(out, (tuple, list)) and len(out) == 3 and _not_finite(out[0]):
            return Result(False, tr(f"p_new contains NaN or inf at t = {t}. Hint: t counts from 1 "
                                    "(1 - beta1**0 = 0 divides by zero), and eps keeps the "
                                    "denominator np.sqrt(v_hat) + eps away from 0.",
                                    f"t = {t} で p_new に NaN か inf が入っています。ヒント: t は 1 から"
                                    "数えます（1 - beta1**0 = 0 で割るとゼロ除算）。また eps が分母 "
                                    "np.sqrt(v_hat) + eps を 0 から遠ざけます。"))
        arrays, problem = _unpack(out, ("p_new", "m_new", "v_new"),
                                  tr("Hint: return p_new, m_new, v_new.",
                                     "ヒント: p_new, m_new, v_new を返します。"))
        if problem is not None:
            return problem
        p_new, m_new, v_new = arrays
        p_ref, m_ref, v_ref = _adam_reference(*args)
        if not _matches(m_new, m_ref):
            hint = _first_mistake(m_new, [
                (b1 * m + g, tr("the new gradient enters with weight (1 - beta1): "
                                "m_new = beta1 * m + (1 - beta1) * g.",
                                "新しい勾配には重み (1 - beta1) が掛かります: "
                                "m_new = beta1 * m + (1 - beta1) * g。")),
                (m_ref / (1 - b1**t), tr("return the raw average m_new, not the bias-corrected "
                                         "m̂ (the correction only enters the step).",
                                         "バイアス補正した m̂ ではなく、補正前の移動平均 m_new を"
                                         "返します（補正は更新の 1 歩にだけ使います）。")),
            ]) or tr("m_new = beta1 * m + (1 - beta1) * g.", "m_new = beta1 * m + (1 - beta1) * g。")
            return Result(False, tr(f"m_new is wrong (t = {t}). Hint: {hint}",
                                    f"m_new が違います (t = {t})。ヒント: {hint}"))
        if not _matches(v_new, v_ref):
            hint = _first_mistake(v_new, [
                (b2 * v + (1 - b2) * g, tr("v averages the SQUARED gradient: "
                                           "v_new = beta2 * v + (1 - beta2) * g**2.",
                                           "v は勾配の「2 乗」の移動平均です: "
                                           "v_new = beta2 * v + (1 - beta2) * g**2。")),
                (v_ref / (1 - b2**t), tr("return the raw average v_new, not the bias-corrected v̂.",
                                         "バイアス補正した v̂ ではなく、補正前の v_new を返します。")),
            ]) or tr("v_new = beta2 * v + (1 - beta2) * g**2.",
                     "v_new = beta2 * v + (1 - beta2) * g**2。")
            return Result(False, tr(f"v_new is wrong (t = {t}). Hint: {hint}",
                                    f"v_new が違います (t = {t})。ヒント: {hint}"))
        if not _matches(p_new, p_ref):
            return Result(False, tr(f"p_new is wrong (t = {t}). Hint: ",
                                    f"p_new が違います (t = {t})。ヒント: ")
                          + _adam_step_hint(p_new, args))
    return Result(True, tr("m̂/(√v̂ + ε) with both averages bias-corrected: at t = 1 the step is "
                           "about lr in every coordinate.",
                           "両方の移動平均をバイアス補正した m̂/(√v̂ + ε)。t = 1 の 1 歩は、どの座標でも"
                           "ほぼ lr です。"))


def _adam_step_hint(p_new, args) -> str:
    """The targeted hint for a wrong Adam parameter step."""
    p, m, v, g, t, lr, b1, b2, eps = args
    p_ref, m_new, v_new = _adam_reference(*args)
    m_hat, v_hat = m_new / (1 - b1**t), v_new / (1 - b2**t)
    mistakes = [
        (_adam_reference(*args, correct_m=False, correct_v=False)[0], tr(
            "no bias correction: divide m_new by (1 - beta1**t) and v_new by (1 - beta2**t) before "
            "the step — without it the first steps are far off (at t = 1, m_new is only "
            "(1 - beta1) * g).",
            "バイアス補正がありません。更新の前に m_new を (1 - beta1**t) で、v_new を (1 - beta2**t) "
            "で割ります。補正しないと最初の数歩が大きくずれます（t = 1 では m_new は (1 - beta1) * g "
            "しかありません）。")),
        (_adam_reference(*args, correct_m=False)[0], tr(
            "correct m too: m_hat = m_new / (1 - beta1**t).",
            "m も補正します: m_hat = m_new / (1 - beta1**t)。")),
        (_adam_reference(*args, correct_v=False)[0], tr(
            "correct v too: v_hat = v_new / (1 - beta2**t).",
            "v も補正します: v_hat = v_new / (1 - beta2**t)。")),
        (_adam_reference(*args, t_used=t - 1)[0] if t > 1 else np.full_like(p, np.nan), tr(
            "t counts from 1: the correction at this step uses beta**t, not beta**(t - 1).",
            "t は 1 から数えます。このステップの補正は beta**(t - 1) ではなく beta**t です。")),
        (_adam_reference(*args, t_used=t + 1)[0], tr(
            "the correction at step t uses beta**t, not beta**(t + 1).",
            "ステップ t の補正は beta**(t + 1) ではなく beta**t です。")),
        (_adam_reference(*args, eps_inside=True)[0], tr(
            "add eps AFTER the square root: np.sqrt(v_hat) + eps, as PyTorch does.",
            "eps は平方根の「後」に足します: np.sqrt(v_hat) + eps（PyTorch と同じ）。")),
        (p - lr * m_hat / np.sqrt(v_hat), tr(
            "add eps to the denominator: np.sqrt(v_hat) + eps.",
            "分母に eps を足します: np.sqrt(v_hat) + eps。")),
        (p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps), tr(
            "the step uses the NEW averages m_new and v_new, after adding today's gradient.",
            "更新には今回の勾配を加えた「新しい」移動平均 m_new と v_new を使います。")),
        (2 * p - p_ref, tr(
            "you walked UPHILL: p_new = p - lr * m_hat / (np.sqrt(v_hat) + eps).",
            "坂を「上って」います: p_new = p - lr * m_hat / (np.sqrt(v_hat) + eps)。")),
    ]
    return _first_mistake(p_new, mistakes) or tr(
        "p_new = p - lr * m_hat / (np.sqrt(v_hat) + eps), with m_hat = m_new / (1 - beta1**t) and "
        "v_hat = v_new / (1 - beta2**t).",
        "p_new = p - lr * m_hat / (np.sqrt(v_hat) + eps)。ただし m_hat = m_new / (1 - beta1**t)、"
        "v_hat = v_new / (1 - beta2**t) です。")
