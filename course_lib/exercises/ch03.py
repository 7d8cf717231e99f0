"""Chapter 3 exercises: checkers for the backward passes, initialisation and activations a learner writes."""

from __future__ import annotations

import tracemalloc
from contextlib import contextmanager

import numpy as np

from course_lib.exercises import Result, compare_arrays, exercise
from course_lib.i18n import tr
from course_lib.layers import Linear, MSELoss, ReLU, Sigmoid, Softmax, SoftmaxCrossEntropy, Tanh
from course_lib.network import Sequential


def _frozen(*arrays) -> list[np.ndarray]:
    """Copies, to detect an answer that writes into its arguments."""
    return [a.copy() for a in arrays]


def _mutated(originals, arrays) -> bool:
    return any(not np.array_equal(o, a) for o, a in zip(originals, arrays))


def _not_real(value) -> Result | None:
    """A failing Result for complex answers (NumPy would silently drop the imaginary part)."""
    values = value if isinstance(value, (tuple, list)) else (value,)
    for v in values:
        if np.iscomplexobj(v):
            return Result(False, tr(
                "your answer holds complex numbers; every gradient here is real. "
                "Look for a square root or power of a negative number.",
                "答えに複素数 (complex) が含まれています。ここで扱う勾配はすべて実数です。"
                "負の数の平方根やべき乗を計算していないか確かめてください。"))
    return None


def _compare(name, yours, reference) -> Result:
    """compare_arrays, with complex answers rejected first."""
    return _not_real(yours) or compare_arrays(name, yours, reference)


@contextmanager
def _watch_layers():
    """Record calls to the library's layers and networks (for "use NumPy only" exercises)."""
    used: list[str] = []
    originals = {}
    for cls in (Linear, ReLU, Sigmoid, Tanh, Softmax, SoftmaxCrossEntropy, MSELoss, Sequential):
        for name in ("forward", "backward"):
            original = cls.__dict__.get(name)
            if original is None:
                continue

            def wrapper(self, *args, _original=original, _cls=cls, **kwargs):
                used.append(_cls.__name__)
                return _original(self, *args, **kwargs)

            originals[(cls, name)] = original
            setattr(cls, name, wrapper)
    try:
        yield used
    finally:
        for (cls, name), original in originals.items():
            setattr(cls, name, original)


@exercise("3.1", tr("sigmoid backward", "シグモイド関数の逆伝播"))
def _check_sigmoid_backward(answer) -> Result:
    for seed, shape in enumerate([(4, 5), (7,), (2, 3, 4)]):  # "of any equal shape"
        rng = np.random.default_rng(seed)
        x = rng.normal(size=shape) * 3
        layer = Sigmoid()
        out = layer.forward(x)
        grad_out = rng.normal(size=out.shape)
        before = _frozen(out, grad_out)
        yours = answer(out, grad_out)
        if _mutated(before, (out, grad_out)):
            return Result(False, tr(
                "your function changed its arguments in place; return a new array instead.",
                "関数が引数の配列をその場で書き換えています。書き換えずに、新しい配列を返してください。"))
        result = _compare("sigmoid_backward(out, grad_out)", yours, layer.backward(grad_out))
        if not result:
            hint = tr(" Hint: σ'(x) = σ(x)(1 − σ(x)) = out * (1 - out); multiply it by grad_out (chain rule).",
                      " ヒント: σ'(x) = σ(x)(1 − σ(x)) = out * (1 - out) です。"
                      "これに grad_out を掛けます（連鎖律）。")
            mine = np.asarray(yours, dtype=float) if np.shape(yours) == out.shape else None
            s_of_out = 1 / (1 + np.exp(-out))
            if mine is not None and np.allclose(mine, out * (1 - out)):
                hint = tr(" You returned σ'(x) alone: multiply by grad_out, the gradient arriving from above.",
                          " σ'(x) だけを返しています。上のレイヤから届く勾配 grad_out を掛けてください。")
            elif mine is not None and np.allclose(mine, grad_out * s_of_out * (1 - s_of_out)):
                hint = tr(" You applied the sigmoid to out, but out is already σ(x): "
                          "use grad_out * out * (1 - out) directly.",
                          " out にシグモイド関数を適用していますが、out はすでに σ(x) です。"
                          "そのまま grad_out * out * (1 - out) としてください。")
            return Result(False, result.message + hint)
    return Result(True, tr("grad_out * out * (1 - out) — the derivative needs only the cached output.",
                           "grad_out * out * (1 - out)。微分には、キャッシュした出力だけがあれば足ります。"))


def _call(answer, *args):
    """Call the learner's function; turn a matmul shape error into a shape-table hint."""
    try:
        return answer(*args), None
    except ValueError as err:
        if "broadcast" in str(err):
            return None, Result(False, tr(
                f"an elementwise operation got arrays whose shapes do not fit together ({err}). "
                "Write down the shape of every array; a sum over an axis drops that axis unless "
                "you pass keepdims=True.",
                f"要素ごとの演算に、形状が合わない配列が渡されました（{err}）。"
                "すべての配列の形状を書き出してみましょう。ある軸で和をとると、"
                "keepdims=True を指定しない限りその軸は消えます。"
            ))
        if "matmul" not in str(err) and "shapes" not in str(err):
            raise
        return None, Result(False, tr(
            f"a matrix product got incompatible shapes ({err}). Write down every shape — "
            "x: (N, in), W: (in, out), δ: (N, out) — and transpose so the inner sizes match.",
            f"行列積に、形状が合わない配列が渡されました（{err}）。すべての形状を書き出し"
            "（x: (N, in), W: (in, out), δ: (N, out)）、内側のサイズがそろうように転置してください。"
        ))


def _linear_hint(yours, x, W, grad_out) -> str:
    """A hint that names the likely mistake in a (dx, dW, db) answer."""
    dx, dW, db = (np.asarray(a, dtype=float) for a in yours)
    if dW.shape == (W.shape[1], W.shape[0]):
        return tr(" dW has the shape of W transposed: dW = x.T @ grad_out has shape (in, out), like W.",
                  " dW が W を転置した形状になっています。dW = x.T @ grad_out の形状は W と同じ (in, out) です。")
    if db.shape != (W.shape[1],):
        return tr(" db must have shape (out,): sum grad_out over the batch axis, grad_out.sum(axis=0).",
                  " db の形状は (out,) でなければなりません。grad_out をバッチの軸で合計します: "
                  "grad_out.sum(axis=0)。")
    if db.shape == (W.shape[1],) and np.allclose(db, grad_out.mean(axis=0)):
        return tr(" db is a sum over the batch, not a mean: the 1/N is already inside grad_out.",
                  " db はバッチについての和で、平均ではありません。1/N はすでに grad_out に含まれています。")
    if dx.shape != x.shape:
        return tr(" dx must have the shape of x, (N, in): dx = grad_out @ W.T.",
                  " dx は x と同じ形状 (N, in) でなければなりません: dx = grad_out @ W.T。")
    return tr(" Write y_nj = Σ_i x_ni W_ij + b_j and differentiate: dW = x.T @ δ, db = Σ_n δ, dx = δ @ W.T.",
              " y_nj = Σ_i x_ni W_ij + b_j と書いて微分しましょう: dW = x.T @ δ, db = Σ_n δ, dx = δ @ W.T。")


def _is_permutation(yours, references) -> bool:
    """Whether the learner's arrays are the references in another order."""
    from itertools import permutations

    return any(all(compare_arrays("", yours[i], ref) for i, ref in zip(order, references))
               for order in permutations(range(len(references))))


def _linear_hint_safe(yours, x, W, grad_out) -> str:
    try:
        return _linear_hint(yours, x, W, grad_out)
    except (TypeError, ValueError):
        return tr(" Return (dx, dW, db) as NumPy arrays.",
                  " (dx, dW, db) を NumPy 配列として返してください。")


@exercise("3.2", tr("Linear backward: dx, dW, db", "Linearレイヤの逆伝播: dx, dW, db"))
def _check_linear_backward(answer) -> Result:
    for seed, (n, n_in, n_out) in enumerate([(5, 3, 2), (4, 6, 7), (1, 2, 3)]):
        rng = np.random.default_rng(seed)
        layer = Linear(n_in, n_out, rng=rng)
        x = rng.normal(size=(n, n_in))
        grad_out = rng.normal(size=(n, n_out))
        layer.forward(x)
        ref_dx = layer.backward(grad_out)
        W = layer.params["W"]
        before = _frozen(x, W, grad_out)
        yours, failure = _call(answer, x, W, grad_out)
        if failure is not None:
            return failure
        if _mutated(before, (x, W, grad_out)):
            return Result(False, tr("your function changed x, W or grad_out in place; compute new arrays.",
                                    "関数が x、W、grad_out のどれかをその場で書き換えています。"
                                    "新しい配列を計算して返してください。"))
        if not isinstance(yours, (tuple, list)) or len(yours) != 3:
            return Result(False, tr("return three arrays: dx, dW, db (in that order).",
                                    "3 つの配列 dx, dW, db を（この順に）返してください。"))
        references = (ref_dx, layer.grads["W"], layer.grads["b"])
        complex_answer = _not_real(yours)
        if complex_answer is not None:
            return complex_answer
        if not all(compare_arrays("", m, r) for m, r in zip(yours, references)) and _is_permutation(
                yours, references):
            return Result(False, tr("the three gradients are right but in the wrong order: "
                                    "return (dx, dW, db).",
                                    "3 つの勾配は正しいのですが、順番が違います。(dx, dW, db) の順に返してください。"))
        for name, mine, ref in zip(("dx", "dW", "db"), yours, references):
            result = compare_arrays(name, mine, ref)
            if not result:
                return Result(False, result.message + _linear_hint_safe(yours, x, W, grad_out))
    return Result(True, tr("dx = δWᵀ, dW = xᵀδ, db = Σδ — correct for square and non-square layers.",
                           "dx = δWᵀ, dW = xᵀδ, db = Σδ。正方でないレイヤでも正しく計算できています。"))


@exercise("3.3", tr("two-layer network backward", "2 層ニューラルネットワークの逆伝播"))
def _check_two_layer_backward(answer) -> Result:
    names = ("W1", "b1", "W2", "b2")
    for seed in range(3):
        rng = np.random.default_rng(seed)
        l1, l2 = Linear(4, 5, rng=rng), Linear(5, 3, rng=rng)
        l1.params["b"][...] = rng.normal(size=5) * 0.5  # no ReLU exactly at its kink
        model, loss = Sequential(l1, ReLU(), l2), SoftmaxCrossEntropy()
        X, y = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
        loss.forward(model.forward(X), y)
        model.backward(loss.backward())
        reference = dict(zip(names, (l1.grads["W"], l1.grads["b"], l2.grads["W"], l2.grads["b"])))
        args = (X, y, l1.params["W"].copy(), l1.params["b"].copy(), l2.params["W"].copy(), l2.params["b"].copy())
        with _watch_layers() as used:
            yours, failure = _call(answer, *args)
        if failure is not None:
            return failure
        if used:
            layer = sorted(set(used))[0]
            return Result(False, tr(
                f"your function called the library's {layer} layer; "
                "this exercise asks for NumPy and `losses` only — write each "
                "forward and backward line of section 5 yourself.",
                f"関数がライブラリの {layer} レイヤを呼び出しています。この演習では NumPy と "
                "`losses` だけを使います。5 節の順伝播と逆伝播の各行を自分で書いてください。"))
        if not isinstance(yours, dict) or set(yours) != set(names):
            return Result(False, tr("return a dict with the keys 'W1', 'b1', 'W2', 'b2'.",
                                    "キー 'W1', 'b1', 'W2', 'b2' をもつ辞書 (dict) を返してください。"))
        complex_answer = _not_real(list(yours.values()))
        if complex_answer is not None:
            return complex_answer
        for name in ("W2", "b2", "W1", "b1"):  # in backward order: the first mistake is upstream
            result = compare_arrays(f"grads['{name}']", yours[name], reference[name])
            if not result and compare_arrays("", yours[name], len(X) * reference[name]):
                return Result(False, result.message + tr(
                    f" Your grads['{name}'] is N = {len(X)} times too "
                    "large: the loss is a MEAN over the batch, so dZ2 = (P − T) / N.",
                    f" grads['{name}'] が N = {len(X)} 倍大きすぎます。損失はバッチについての"
                    "「平均」なので、dZ2 = (P − T) / N です。"))
            if not result:
                hints = {  # in the names of section 5
                    "W2": tr(" Start at the top: dZ2 = (softmax(Z2) − T) / N with T one-hot, "
                             "then dW2 = A1.T @ dZ2.",
                             " 出力側から始めましょう: T を one-hot表現として dZ2 = (softmax(Z2) − T) / N、"
                             "次に dW2 = A1.T @ dZ2 です。"),
                    "b2": tr(" db2 = dZ2.sum(axis=0): the bias gradient sums the error signal over the batch.",
                             " db2 = dZ2.sum(axis=0)。バイアスの勾配は、誤差信号をバッチについて合計したものです。"),
                    "W1": tr(" Pass the error signal back: dA1 = dZ2 @ W2.T, through the ReLU dZ1 = dA1 * (Z1 > 0), "
                             "then dW1 = X.T @ dZ1.",
                             " 誤差信号を逆向きに伝えます: dA1 = dZ2 @ W2.T、ReLU を通して "
                             "dZ1 = dA1 * (Z1 > 0)、そして dW1 = X.T @ dZ1 です。"),
                    "b1": tr(" db1 = dZ1.sum(axis=0): the error signal AFTER the ReLU mask, summed over "
                             "the batch.",
                             " db1 = dZ1.sum(axis=0)。ReLU のマスクを掛けた「後」の誤差信号を、"
                             "バッチについて合計します。"),
                }
                return Result(False, result.message + hints[name])
    return Result(True, tr("all four gradients match the library's Sequential + SoftmaxCrossEntropy.",
                           "4 つの勾配すべてが、ライブラリの Sequential + SoftmaxCrossEntropy の結果と一致しました。"))


# --------------------------------------------------------------------------------------------
# 3.4 softmax backward as a vector-Jacobian product
# --------------------------------------------------------------------------------------------
def _softmax_wrong_guess(p, g, yours) -> str:
    """A hint naming the likely mistake in a softmax VJP answer."""
    candidates = [
        (p * g, tr(" Softmax is not elementwise: each p_i depends on every z_j. Subtract the row's "
                   "⟨g, p⟩ = (g * p).sum(axis=1, keepdims=True) from g before multiplying by p.",
                   " ソフトマックス関数は要素ごとの関数ではありません。各 p_i はすべての z_j に依存します。"
                   "p を掛ける前に、g からその行の ⟨g, p⟩ = (g * p).sum(axis=1, keepdims=True) を引いてください。")),
        (p * ((g * p).sum(axis=1, keepdims=True) - g),
         tr(" The sign is flipped: dL/dz = p ⊙ (g − ⟨g, p⟩).",
            " 符号が逆です: dL/dz = p ⊙ (g − ⟨g, p⟩)。")),
        (p * (g - (g * p).sum(axis=0, keepdims=True)),
         tr(" The sum ⟨g, p⟩ runs over the classes of ONE "
            "example (axis=1), not over the batch: examples do not interact.",
            " 和 ⟨g, p⟩ は「1 つの」データのクラスについてとります (axis=1)。バッチについてではありません。"
            "データどうしは影響し合いません。")),
        (g - (g * p).sum(axis=1, keepdims=True),
         tr(" Multiply by p: dL/dz = p ⊙ (g − ⟨g, p⟩).",
            " p を掛けてください: dL/dz = p ⊙ (g − ⟨g, p⟩)。")),
        (g * p * (1 - p), tr(" p(1 − p) is only the diagonal of the Jacobian diag(p) − p pᵀ; the "
                             "off-diagonal −p_i p_j terms give the −⟨g, p⟩ inside p ⊙ (g − ⟨g, p⟩).",
                             " p(1 − p) はヤコビ行列 diag(p) − p pᵀ の対角成分にすぎません。"
                             "非対角の −p_i p_j の項から、p ⊙ (g − ⟨g, p⟩) の中の −⟨g, p⟩ が出てきます。")),
    ]
    if p.shape[0] == p.shape[1]:  # a square batch lets a missing keepdims broadcast silently
        candidates.append((p * (g - (g * p).sum(axis=1)), tr(
            " (g * p).sum(axis=1) has shape (N,): "
            "it broadcasts along the wrong axis. Use keepdims=True to get (N, 1).",
            " (g * p).sum(axis=1) の形状は (N,) なので、違う軸に沿ってブロードキャストされます。"
            "keepdims=True を指定して (N, 1) にしてください。")))
    flat_p, flat_g = p.ravel(), g.ravel()
    whole_batch = ((np.diag(flat_p) - np.outer(flat_p, flat_p)) @ flat_g).reshape(p.shape)
    candidates.append((whole_batch, tr(
        " One Jacobian per example: you built diag(p) − p pᵀ for the "
        "whole flattened batch, which mixes the examples.",
        " ヤコビ行列はデータ 1 つごとに 1 つです。バッチ全体を平らにして diag(p) − p pᵀ を作ったため、"
        "データどうしが混ざっています。")))
    mine = np.asarray(yours, dtype=float)
    for wrong, hint in candidates:
        if mine.shape == wrong.shape and np.allclose(mine, wrong):
            return hint
    return tr(" For one row, dL/dz_j = p_j (g_j − Σ_i g_i p_i): p * (g - (g * p).sum(axis=1, keepdims=True)).",
              " 1 行については dL/dz_j = p_j (g_j − Σ_i g_i p_i) です: "
              "p * (g - (g * p).sum(axis=1, keepdims=True))。")


def _peak_bytes(func, *args):
    """Call ``func(*args)``; return (result, peak bytes allocated during the call)."""
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    tracemalloc.reset_peak()
    start, _ = tracemalloc.get_traced_memory()
    try:
        result = func(*args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not already:
            tracemalloc.stop()
    return result, peak - start


@exercise("3.4", tr("softmax backward: a vector-Jacobian product",
                    "ソフトマックス関数の逆伝播: ベクトル・ヤコビ積"))
def _check_softmax_backward(answer) -> Result:
    for seed, (n, c) in enumerate([(3, 4), (5, 5), (1, 2), (2, 7)]):
        rng = np.random.default_rng(seed)
        layer = Softmax()
        p = layer.forward(rng.normal(size=(n, c)) * 2)
        g = rng.normal(size=(n, c))
        reference = layer.backward(g)
        before = _frozen(p, g)
        yours, failure = _call(answer, p, g)
        if failure is not None:
            return failure
        if _mutated(before, (p, g)):
            return Result(False, tr("your function changed p or grad_out in place; compute a new array.",
                                    "関数が p か grad_out をその場で書き換えています。新しい配列を計算して返してください。"))
        result = _compare("softmax_backward(p, grad_out)", yours, reference)
        if not result:
            return Result(False, result.message + _softmax_wrong_guess(p, g, yours))
    # the requirement "without building the C x C Jacobian": measure the memory on a wide softmax
    rng = np.random.default_rng(7)
    n, c = 3, 2000
    layer = Softmax()
    p = layer.forward(rng.normal(size=(n, c)))
    g = rng.normal(size=(n, c))
    yours, peak = _peak_bytes(answer, p, g)
    result = _compare(tr("softmax_backward(p, grad_out) with C = 2000", "C = 2000 での softmax_backward(p, grad_out)"),
                      yours, layer.backward(g))
    if not result:
        return result
    if peak > 40 * p.nbytes:
        return Result(False, tr(
            f"right values, but your function allocated {peak / 1e6:.0f} MB for a batch of "
            f"{n} × {c} ({p.nbytes / 1e3:.0f} kB): it builds the C × C Jacobian. The point of a "
            "vector–Jacobian product is not to: p * (g - (g * p).sum(axis=1, keepdims=True)) "
            "needs O(C) memory per row.",
            f"値は正しいのですが、{n} × {c} のバッチ（{p.nbytes / 1e3:.0f} kB）に対して関数が "
            f"{peak / 1e6:.0f} MB のメモリを確保しました。C × C のヤコビ行列を作っています。"
            "ベクトル・ヤコビ積の要点は、それを作らないことです。"
            "p * (g - (g * p).sum(axis=1, keepdims=True)) なら 1 行あたり O(C) のメモリで済みます。"
        ))
    return Result(True, tr("p ⊙ (g − ⟨g, p⟩) per row — the product with diag(p) − p pᵀ, "
                           "without ever building it.",
                           "各行で p ⊙ (g − ⟨g, p⟩)。diag(p) − p pᵀ との積を、行列を一度も作らずに計算できました。"))


# --------------------------------------------------------------------------------------------
# 3.5 He initialisation
# --------------------------------------------------------------------------------------------
def _init_hint(W, fan_in, fan_out) -> str | None:
    """Name the likely scale mistake of an initialisation, from the sample standard deviation."""
    std = float(np.std(W))
    he = np.sqrt(2 / fan_in)
    named = [
        (np.sqrt(1 / fan_in), tr("that is sqrt(1 / fan_in), right for tanh near 0; ReLU sets half of "
                                 "its inputs to 0, so it needs twice the variance: sqrt(2 / fan_in).",
                                 "これは sqrt(1 / fan_in) で、0 付近の tanh には適切です。ReLU は入力の半分を "
                                 "0 にするので、2 倍の分散が必要です: sqrt(2 / fan_in)。")),
        (np.sqrt(2 / (fan_in + fan_out)), tr("that is Xavier, sqrt(2 / (fan_in + fan_out)), made for "
                                             "tanh; before a ReLU use He: sqrt(2 / fan_in).",
                                             "これは tanh 向けの Xavierの初期値 sqrt(2 / (fan_in + fan_out)) です。"
                                             "ReLU の前には Heの初期値 sqrt(2 / fan_in) を使います。")),
        (np.sqrt(2 / fan_out), tr("that uses fan_out; He's forward condition uses fan_in, the number "
                                  "of inputs summed by each unit: sqrt(2 / fan_in).",
                                  "これは fan_out を使っています。Heの初期値の順伝播の条件で使うのは、"
                                  "各ユニットが足し合わせる入力の数 fan_in です: sqrt(2 / fan_in)。")),
        (2 / fan_in, tr("that is the VARIANCE 2 / fan_in used as the standard deviation; take its "
                        "square root.",
                        "これは「分散」2 / fan_in を標準偏差として使っています。平方根をとってください。")),
        (1.0, tr("standard deviation 1 is far too large: each layer would multiply the signal's "
                 "variance by fan_in / 2. Use sqrt(2 / fan_in).",
                 "標準偏差 1 は大きすぎます。層を通るたびに信号の分散が fan_in / 2 倍になってしまいます。"
                 "sqrt(2 / fan_in) を使ってください。")),
    ]
    if abs(std - he) <= 0.05 * he:
        return None
    for value, hint in named:
        if abs(std - value) <= 0.05 * value:
            return tr(f"the weights have standard deviation {std:.3g}; {hint}",
                      f"重みの標準偏差が {std:.3g} です。{hint}")
    return tr(f"the weights have standard deviation {std:.3g}, expected sqrt(2 / fan_in) = {he:.3g} "
              "(He et al., 2015).",
              f"重みの標準偏差が {std:.3g} です。期待される値は sqrt(2 / fan_in) = {he:.3g} です"
              "（He et al., 2015）。")


@exercise("3.5", tr("He initialisation", "Heの初期値"))
def _check_he_init(answer) -> Result:
    fan_in, fan_out = 400, 300
    W = answer(fan_in, fan_out, np.random.default_rng(0))
    try:
        W = np.asarray(W)
    except (TypeError, ValueError):
        return Result(False, tr(f"return an array of shape ({fan_in}, {fan_out}).",
                                f"形状 ({fan_in}, {fan_out}) の配列を返してください。"))
    if W.dtype.kind == "c":
        return _not_real(W)
    if W.dtype.kind not in "biuf":
        return Result(False, tr(f"return an array of numbers, got dtype {W.dtype}.",
                                f"数値の配列を返してください（返ってきた配列の dtype は {W.dtype} です）。"))
    if W.shape == (fan_out, fan_in):
        return Result(False, tr(f"W has shape {W.shape}: in y = x @ W, W is (fan_in, fan_out) = "
                                f"({fan_in}, {fan_out}).",
                                f"W の形状が {W.shape} です。y = x @ W では、W の形状は (fan_in, fan_out) = "
                                f"({fan_in}, {fan_out}) です。"))
    if W.shape != (fan_in, fan_out):
        return Result(False, tr(f"W has shape {W.shape}, expected (fan_in, fan_out) = ({fan_in}, {fan_out}).",
                                f"W の形状が {W.shape} です。期待される形状は (fan_in, fan_out) = "
                                f"({fan_in}, {fan_out}) です。"))
    if not np.all(np.isfinite(W)):
        return Result(False, tr("W contains NaN or inf.", "W に NaN か inf が含まれています。"))
    if np.all(W == W.flat[0]) or np.all(W == W[:, :1]):
        return Result(False, tr("every unit starts with the same weights, so every unit gets the same "
                                "gradient and they stay identical forever (symmetry). Draw random weights.",
                                "すべてのユニットが同じ重みから始まるので、どのユニットも同じ勾配を受け取り、"
                                "いつまでも同じままです（対称性 symmetry）。重みはランダムに選んでください。"))
    again = np.asarray(answer(fan_in, fan_out, np.random.default_rng(0)))
    other = np.asarray(answer(fan_in, fan_out, np.random.default_rng(1)))
    if not np.array_equal(W, again) or np.array_equal(W, other):
        return Result(False, tr("draw the weights from the rng you are given (e.g. rng.normal(...) or "
                                "rng.standard_normal(...)), not from np.random: the same rng seed must "
                                "give the same network.",
                                "重みは np.random ではなく、引数で渡された rng から生成してください"
                                "（例: rng.normal(...) や rng.standard_normal(...)）。"
                                "同じ rng のシードからは、同じネットワークが得られなければなりません。"))
    if abs(float(W.mean())) > 5 * float(W.std()) / np.sqrt(W.size):
        mean = float(W.mean())
        return Result(False, tr(f"the weights have mean {mean:.3g}; they must be centred at 0 "
                                "(rng.random() draws from [0, 1): use rng.normal or rng.standard_normal).",
                                f"重みの平均が {mean:.3g} です。平均は 0 でなければなりません"
                                "（rng.random() は [0, 1) から値を選びます。rng.normal か rng.standard_normal "
                                "を使ってください）。"))
    hint = _init_hint(W, fan_in, fan_out)
    if hint is not None:
        return Result(False, hint)
    small = np.asarray(answer(3, 5, np.random.default_rng(2)))
    if small.shape != (3, 5):
        return Result(False, tr(f"for fan_in=3, fan_out=5 W has shape {small.shape}, expected (3, 5).",
                                f"fan_in=3, fan_out=5 のとき W の形状が {small.shape} です。"
                                "期待される形状は (3, 5) です。"))
    return Result(True, tr("random, centred, standard deviation sqrt(2 / fan_in): the ReLU layer's "
                           "signal keeps its size, and no two units start alike.",
                           "ランダムで、平均 0、標準偏差 sqrt(2 / fan_in)。ReLU レイヤを通る信号の大きさが保たれ、"
                           "同じ重みから始まるユニットもありません。"))


# --------------------------------------------------------------------------------------------
# 3.6 dead ReLU units
# --------------------------------------------------------------------------------------------
def _dead_units_case(seed: int):
    """W, b, X with a known mix: active units, a unit at exactly z = 0, a unit active once."""
    rng = np.random.default_rng(seed)
    n, d, units = 6, 4, 7
    X = rng.normal(size=(n, d))
    W = rng.normal(size=(d, units))
    b = rng.normal(size=units) * 0.1
    W[:, 1], b[1] = 0.0, 0.0                      # z = 0 for every example: relu(0) = 0, dead
    b[2] = -100.0                                 # far below zero: dead
    W[:, 3], b[3] = 0.0, -1.0                     # constant negative: dead
    W[:, 4] = 0.0
    W[0, 4], b[4] = 1.0, -(np.sort(X[:, 0])[-2] + np.sort(X[:, 0])[-1]) / 2  # active on ONE example
    return W, b, X


@exercise("3.6", tr("dead ReLU units", "死んだ ReLU ユニット"))
def _check_dead_units(answer) -> Result:
    for seed in range(3):
        W, b, X = _dead_units_case(seed)
        Z = X @ W + b
        reference = np.all(Z <= 0, axis=0)
        before = _frozen(W, b, X)
        yours, failure = _call(answer, W, b, X)
        if failure is not None:
            return failure
        if _mutated(before, (W, b, X)):
            return Result(False, tr("your function changed W, b or X in place; compute new arrays.",
                                    "関数が W、b、X のどれかをその場で書き換えています。"
                                    "新しい配列を計算して返してください。"))
        if np.ndim(yours) == 0:
            return Result(False, tr("return a boolean mask with one entry per unit, not a single number "
                                    "(count the dead units afterwards with .sum()).",
                                    "1 つの数ではなく、ユニットごとに 1 つの要素をもつ真偽値のマスクを返してください"
                                    "（死んだユニットの数は、あとで .sum() で数えられます）。"))
        mine = np.asarray(yours)
        if mine.shape == (X.shape[0],):
            return Result(False, tr(f"your mask has shape {mine.shape}, one entry per EXAMPLE; a unit is "
                                    "dead when it is off on every example: reduce over axis=0.",
                                    f"マスクの形状が {mine.shape} で、「データ」ごとに 1 つの要素になっています。"
                                    "ユニットが死んでいるのは、すべてのデータでオフのときです。axis=0 について集約してください。"))
        if mine.shape != reference.shape:
            return Result(False, tr(f"your mask has shape {mine.shape}, expected one entry per unit "
                                    f"{reference.shape}.",
                                    f"マスクの形状が {mine.shape} です。ユニットごとに 1 つの要素、"
                                    f"つまり形状 {reference.shape} が期待されます。"))
        if mine.dtype != bool:
            return Result(False, tr(f"return a boolean mask (dtype bool), got dtype {mine.dtype}: e.g. "
                                    "np.all(z <= 0, axis=0).",
                                    f"真偽値のマスク (dtype bool) を返してください（返ってきた dtype は "
                                    f"{mine.dtype} です）。例: np.all(z <= 0, axis=0)。"))
        if np.array_equal(mine, reference):
            continue
        if np.array_equal(mine, np.all(Z < 0, axis=0)):
            return Result(False, tr("a unit with z = 0 exactly outputs relu(0) = 0 and its slope is 0 "
                                    "too: it is dead. Use z <= 0, not z < 0.",
                                    "ちょうど z = 0 のユニットは relu(0) = 0 を出力し、傾きも 0 です。"
                                    "つまり死んでいます。z < 0 ではなく z <= 0 を使ってください。"))
        if np.array_equal(mine, np.any(Z <= 0, axis=0)):
            return Result(False, tr("you marked units that are off on SOME example; dead means off on "
                                    "EVERY example: np.all(..., axis=0), not np.any.",
                                    "「いずれかの」データでオフのユニットに印を付けています。死んでいるとは、"
                                    "「すべての」データでオフということです。np.any ではなく np.all(..., axis=0) です。"))
        if np.array_equal(mine, np.all(X @ W <= 0, axis=0)):
            return Result(False, tr("include the bias: z = X @ W + b.",
                                    "バイアスも含めてください: z = X @ W + b。"))
        if np.array_equal(mine, ~reference):
            return Result(False, tr("your mask is inverted: True must mark the dead units.",
                                    "マスクが反転しています。死んだユニットのところを True にしてください。"))
        return Result(False, tr("a unit is dead when z = X @ W + b is ≤ 0 for every row of X: "
                                "np.all(z <= 0, axis=0).",
                                "ユニットが死んでいるのは、X のすべての行で z = X @ W + b が 0 以下のときです: "
                                "np.all(z <= 0, axis=0)。"))
    return Result(True, tr("np.all(X @ W + b <= 0, axis=0): the units that no example switches on — "
                           "their gradient is zero, so no update can revive them.",
                           "np.all(X @ W + b <= 0, axis=0)。どのデータでもオンにならないユニットです。"
                           "勾配が 0 なので、どんな更新でも生き返りません。"))
