"""Chapter 2 exercises: checkers for central differences, local gradients and the chain rule."""

from __future__ import annotations

import math
from contextlib import contextmanager

import numpy as np

from course_lib import memory
from course_lib.autodiff import Value
from course_lib.exercises import Result, compare_arrays, exercise
from course_lib.exercises._guards import real_array, uses_name
from course_lib.gradcheck import numerical_derivative, numerical_gradient
from course_lib.i18n import tr
from course_lib.network import MLP

# Test functions for exercise 2.1: (name, f, exact derivative)
_FUNCTIONS = [
    ("sin", math.sin, math.cos),
    ("exp", math.exp, math.exp),
    ("x**3 - 2x", lambda x: x**3 - 2 * x, lambda x: 3 * x**2 - 2),
]

# Exercise 2.3: L(w, b) = (tanh(w * x + b) - t) ** 2 for one example: input x, target t
X_EXAMPLE, T_EXAMPLE = 1.5, 0.5


def _points(seed: int, n: int, low: float, high: float) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, size=n)


@exercise("2.1", tr("central difference", "中心差分"))
def _check_central_difference(answer) -> Result:
    if uses_name(answer, "numerical_derivative", "numerical_gradient"):
        return Result(False, tr("the exercise asks you not to call the library's numerical_derivative: "
                                "write the formula with f(x + h) and f(x - h).",
                                "この演習ではライブラリの numerical_derivative を呼ばないでください。"
                                "f(x + h) と f(x - h) を使って式を書きましょう。"))
    h = 1e-3  # large enough that forward and central differences clearly disagree
    for name, f, _ in _FUNCTIONS:
        for x in _points(21, 3, -2.0, 2.0):
            x = float(x)
            yours, problem = real_array(f"central_difference({name}, {x:.3f}, h={h:g})", answer(f, x, h))
            if problem is not None:
                return problem
            if yours.size != 1:
                return Result(False, tr(f"expected one number, the derivative at x, got shape {yours.shape}.",
                                        f"x での微分の値を1つの数で返してください（返ってきた形は {yours.shape}）。"))
            yours = float(yours.ravel()[0])
            reference = numerical_derivative(f, x, h)
            if math.isclose(yours, reference, rel_tol=1e-9, abs_tol=1e-12):
                continue
            where = tr(f"for f = {name} at x = {x:.3f} with h = {h:g} you got {yours:.6g}, "
                       f"expected {reference:.6g}.",
                       f"f = {name}、x = {x:.3f}、h = {h:g} のとき、あなたの答えは {yours:.6g}、"
                       f"正しくは {reference:.6g} です。")
            if math.isclose(yours, (f(x + h) - f(x)) / h, rel_tol=1e-9):
                return Result(False, where + tr(" That is the FORWARD difference; use f(x + h) and f(x - h).",
                                                "これは前進差分です。f(x + h) と f(x - h) を使いましょう。"))
            if math.isclose(yours, 2 * reference, rel_tol=1e-9):
                return Result(False, where + tr(" Twice too big: the two points are 2h apart, so divide by 2h.",
                                                "2倍大きすぎます。2点は 2h 離れているので、2h で割りましょう。"))
            return Result(False, where + tr(" Hint: (f(x + h) - f(x - h)) / (2 * h).",
                                            "ヒント：(f(x + h) - f(x - h)) / (2 * h)。"))
    for name, f, df in _FUNCTIONS:  # the default step must give an accurate derivative
        try:
            yours = float(np.asarray(answer(f, 0.7), dtype=np.float64).ravel()[0])
        except TypeError as err:
            return Result(False, tr(f"central_difference(f, x) without h failed ({err}): give h a default, "
                                    "def central_difference(f, x, h=1e-5).",
                                    f"h を省いた central_difference(f, x) が失敗しました（{err}）。"
                                    "h に既定値を与えましょう：def central_difference(f, x, h=1e-5)。"))
        if not math.isclose(yours, df(0.7), rel_tol=1e-7):
            return Result(False, tr(f"correct formula, but with your default h the derivative of {name} at 0.7 "
                                    f"is off by {abs(yours - df(0.7)):.1e}; choose a default h near 1e-5.",
                                    f"式は正しいのですが、あなたの h の既定値では 0.7 での {name} の微分が "
                                    f"{abs(yours - df(0.7)):.1e} ずれます。h の既定値は 1e-5 くらいにしましょう。"))
    return Result(True, tr("your central difference matches the library's and is accurate with its default h.",
                           "あなたの中心差分はライブラリのものと一致し、h の既定値でも正確です。"))


def _sigmoid(x: float) -> float:
    """σ(x) = e^x / (1 + e^x) without overflow: only e^(-|x|) is ever computed."""
    e = math.exp(-abs(x))
    return 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)


@exercise("2.2", tr("local gradient of softplus", "softplus の局所的な勾配"))
def _check_softplus_grad(answer) -> Result:
    xs = _points(22, 8, -6.0, 6.0)
    reference = np.array([_sigmoid(float(x)) for x in xs])  # d/dx log(1 + e^x) = e^x / (1 + e^x)
    yours, problem = real_array("softplus_grad(x)", [answer(float(x)) for x in xs])
    if problem is not None:
        return problem
    if yours.shape != xs.shape:
        return Result(False, tr(f"softplus_grad(x) should return one number for one float x, got shape "
                                f"{yours.shape[1:]}.",
                                f"softplus_grad(x) は1つの float x に対して1つの数を返すはずですが、"
                                f"形 {yours.shape[1:]} が返ってきました。"))
    result = compare_arrays("softplus_grad(x)", yours, reference)
    if not result:
        if np.allclose(yours, np.exp(xs)):
            return Result(False, result.message + tr(" You have the inner derivative e^x only; multiply by the "
                                                     "outer one, d(log u)/du = 1/u with u = 1 + e^x.",
                                                     " 内側の微分 e^x だけになっています。外側の微分 "
                                                     "d(log u)/du = 1/u（u = 1 + e^x）も掛けましょう。"))
        if np.allclose(yours, 1.0 / (1.0 + np.exp(xs))):
            return Result(False, result.message + tr(" You have the outer derivative 1/(1 + e^x) only; multiply "
                                                     "by the inner one, d(1 + e^x)/dx = e^x.",
                                                     " 外側の微分 1/(1 + e^x) だけになっています。内側の微分 "
                                                     "d(1 + e^x)/dx = e^x も掛けましょう。"))
        if np.allclose(yours, np.log1p(np.exp(xs))):
            return Result(False, result.message + tr(" That is softplus itself; the exercise asks for its "
                                                     "derivative.",
                                                     " これは softplus そのものです。求めるのはその微分です。"))
        return Result(False, result.message + tr(" Hint: chain rule with u = 1 + e^x: (1/u) * e^x.",
                                                 " ヒント：u = 1 + e^x として連鎖律を使うと (1/u) * e^x です。"))
    big = [800.0, -800.0]  # e^800 overflows a float64 (max about e^709.78)
    try:
        with np.errstate(all="ignore"):
            values = [answer(x) for x in big]
    except OverflowError:  # math.exp(800)
        values = [math.inf, math.inf]
    values, problem = real_array("softplus_grad(±800)", values)
    if problem is not None or not np.allclose(values.ravel(), [1.0, _sigmoid(-800.0)], rtol=1e-6, atol=1e-300):
        return Result(False, tr("right for moderate x, but x = 800 or -800 overflows or gives NaN (e^800 is too "
                                "large for a float). Hint: for x >= 0 use 1 / (1 + e^(-x)), for x < 0 use "
                                "e^x / (1 + e^x): only ever exponentiate a number <= 0.",
                                "ふつうの大きさの x では正しいのですが、x = 800 や -800 でオーバーフローするか "
                                "NaN になります（e^800 は float には大きすぎます）。ヒント：x >= 0 では "
                                "1 / (1 + e^(-x))、x < 0 では e^x / (1 + e^x) を使い、指数関数には 0 以下の数"
                                "だけを入れましょう。"))
    return Result(True, tr("d/dx log(1 + e^x) = e^x / (1 + e^x) = sigmoid(x): the local gradient of "
                           "softplus is the sigmoid — and yours does not overflow.",
                           "d/dx log(1 + e^x) = e^x / (1 + e^x) = sigmoid(x)：softplus の局所的な勾配は"
                           "シグモイド関数です。しかも、あなたの関数はオーバーフローしません。"))


def _loss_and_grad(w: float, b: float) -> tuple[float, float, float]:
    """L = (tanh(w x + b) - t)^2 and its gradient, by the engine."""
    wv, bv = Value(w), Value(b)
    loss = ((wv * X_EXAMPLE + bv).tanh() - T_EXAMPLE) ** 2
    loss.backward()
    return loss.data, wv.grad, bv.grad


@exercise("2.3", tr("gradient of a neuron's loss by hand", "ニューロンの損失の勾配を手で求める"))
def _check_grad_by_hand(answer) -> Result:
    tool = uses_name(answer, "Value", "backward", "numerical_derivative", "numerical_gradient")
    if tool:
        return Result(False, tr(f"the exercise asks for the gradient BY HAND, but your function uses {tool}: "
                                "write the chain-rule formula with math.tanh; the check compares it with the engine.",
                                f"この演習では勾配を「手で」求めますが、あなたの関数は {tool} を使っています。"
                                "math.tanh を使って連鎖律の式を書きましょう。エンジンとの比較はチェックが行います。"))
    for w, b in _points(23, 10, -1.5, 1.5).reshape(5, 2):
        w, b = float(w), float(b)
        _, dw, db = _loss_and_grad(w, b)
        what = tr(f"(dL/dw, dL/db) at w = {w:.3f}, b = {b:.3f}", f"w = {w:.3f}, b = {b:.3f} での (dL/dw, dL/db)")
        yours, problem = real_array(what, answer(w, b))
        if problem is not None:
            return problem
        result = compare_arrays(what, yours, (dw, db))
        if result:
            continue
        yours = yours.ravel()
        if yours.shape == (2,) and np.allclose(yours, (dw / 2, db / 2)):
            hint = tr("half the true gradient: d(u^2)/du = 2u.",
                      "正しい勾配の半分です：d(u^2)/du = 2u。")
        elif yours.shape == (2,) and np.allclose(yours, (db, dw)):
            hint = tr("you returned (dL_db, dL_dw); the order asked for is (dL_dw, dL_db).",
                      "(dL_db, dL_dw) の順で返しています。求める順序は (dL_dw, dL_db) です。")
        elif yours.shape == (2,) and np.allclose(yours, (-dw, -db)):
            hint = tr("the sign is flipped: d(a - t)^2/da = 2 (a - t), not 2 (t - a).",
                      "符号が逆です：d(a - t)^2/da = 2 (a - t) であり、2 (t - a) ではありません。")
        elif yours.shape == (2,) and np.allclose(yours, (db, db)):
            hint = tr("dL/dw misses the factor x = 1.5 that d(wx + b)/dw contributes.",
                      "dL/dw に、d(wx + b)/dw から来る係数 x = 1.5 が抜けています。")
        elif yours.shape == (2,) and np.isclose(yours[1] * (1 - math.tanh(w * X_EXAMPLE + b) ** 2), db):
            hint = tr("you forgot the tanh step: d tanh(z)/dz = 1 - tanh(z)^2.",
                      "tanh のステップを忘れています：d tanh(z)/dz = 1 - tanh(z)^2。")
        else:
            hint = tr("dL/dw = 2 (tanh(z) - t) (1 - tanh(z)^2) x with z = wx + b; "
                      "dL/db is the same without the factor x.",
                      "z = wx + b とすると dL/dw = 2 (tanh(z) - t) (1 - tanh(z)^2) x です。"
                      "dL/db は係数 x を除いた同じ式です。")
        return Result(False, result.message + tr(f" Hint: {hint}", f" ヒント：{hint}"))
    return Result(True, tr("your hand-derived gradient agrees with Value.backward() everywhere we tried.",
                           "手で求めた勾配は、試したすべての点で Value.backward() と一致しました。"))


# (formula, f, number of inputs, whether an input is used several times: named in the messages)
_TEST_FUNCTIONS = [
    ("x0 * x1", lambda v: v[0] * v[1], 2, False),
    ("tanh(x0 * x1 + x2)", lambda v: (v[0] * v[1] + v[2]).tanh(), 3, False),
    ("x0 * x0 + x0 / x1", lambda v: v[0] * v[0] + v[0] / v[1], 2, True),
    ("sigmoid(x0) * exp(x1) - x2 ** 2", lambda v: v[0].sigmoid() * v[1].exp() - v[2] ** 2, 3, False),
]


@contextmanager
def _counting_backward():
    """Count the calls of ``Value.backward`` (on any Value) inside the block: yields a one-item list."""
    calls = [0]
    original = Value.backward

    def counted(self, *args, **kwargs):
        calls[0] += 1
        return original(self, *args, **kwargs)

    Value.backward = counted
    try:
        yield calls
    finally:
        Value.backward = original


@exercise("2.4", tr("a gradient with the engine", "エンジンで勾配を求める"))
def _check_gradient(answer) -> Result:
    for name, f, n, fan_out in _TEST_FUNCTIONS:
        if fan_out:
            name += tr(" (x0 used three times)", "（x0 を3回使用）")
        x = _points(24, n, 0.5, 2.0)
        try:
            with _counting_backward() as calls:
                yours = answer(f, [float(v) for v in x])
        except (TypeError, AttributeError) as err:
            return Result(False, tr(f"for f = {name}: {err}. Wrap every number in Value before calling f.",
                                    f"f = {name} で失敗しました：{err}。f を呼ぶ前に、すべての数を Value で"
                                    "包みましょう。"))
        if any(isinstance(g, Value) for g in np.ravel(np.asarray(yours, dtype=object))):
            return Result(False, tr("you returned Value objects: return their .grad numbers instead.",
                                    "Value オブジェクトを返しています。代わりにその .grad の数を返しましょう。"))
        if np.ndim(yours) == 0:
            return Result(False, tr(f"for f = {name} you returned one number; return a list with one "
                                    f"partial derivative per input ({n} here).",
                                    f"f = {name} に対して数を1つだけ返しています。入力ごとに1つの偏微分を"
                                    f"並べたリスト（ここでは {n} 個）を返しましょう。"))
        what = tr(f"gradient of {name}", f"{name} の勾配")
        yours, problem = real_array(what, yours)
        if problem is not None:
            return problem
        reference = numerical_gradient(lambda a: f([Value(float(v)) for v in a]).data, x.copy())
        result = compare_arrays(what, yours, reference, rtol=1e-6, atol=1e-8)
        if not result:
            return Result(False, result.message + tr(" Hint: values = [Value(v) for v in xs]; "
                                                     "out = f(values); out.backward(); return [v.grad for v in values].",
                                                     " ヒント：values = [Value(v) for v in xs]; out = f(values); "
                                                     "out.backward(); return [v.grad for v in values]。"))
        if calls[0] == 0:
            return Result(False, tr(f"right numbers for f = {name}, but without backward(): the exercise asks "
                                    "for reverse mode — ONE out.backward() fills every v.grad (no forward mode, "
                                    "no central differences).",
                                    f"f = {name} の数値は正しいのですが、backward() を使っていません。この演習は"
                                    "リバースモードで解きます。out.backward() を「1回」呼べば、すべての v.grad が"
                                    "埋まります（フォワードモードや中心差分は使いません）。"))
        if calls[0] > 1:
            return Result(False, tr(f"right numbers for f = {name}, but with {calls[0]} backward() calls; ONE "
                                    "call fills the .grad of EVERY input: build the Values once, call "
                                    "f(values).backward() once, then read all the grads.",
                                    f"f = {name} の数値は正しいのですが、backward() を {calls[0]} 回呼んでいます。"
                                    "「1回」呼べば「すべての」入力の .grad が埋まります。Value を一度だけ作り、"
                                    "f(values).backward() を一度だけ呼んでから、すべての grad を読みましょう。"))
    return Result(True, tr("one backward() call gave every partial derivative, matching central differences.",
                           "1回の backward() ですべての偏微分が得られ、中心差分と一致しました。"))


@exercise("2.5", tr("memory kept for the backward pass", "逆伝播のために保持するメモリ"))
def _check_cached_bytes(answer) -> Result:
    tool = uses_name(answer, "MLP", "Sequential", "forward", "cached_bytes", "memory_profile", "cached_arrays")
    if tool:
        return Result(False, tr(f"your function uses {tool}: the exercise asks you to PREDICT the bytes from "
                                "layer_sizes and batch_size alone, without building or running a network.",
                                f"あなたの関数は {tool} を使っています。この演習では、ネットワークを作ったり"
                                "動かしたりせずに、layer_sizes と batch_size だけからバイト数を「予測」します。"))
    cases = [([784, 256, 256, 10], 64), ([20, 5, 3], 7), ([100, 50, 50, 50, 2], 32), ([8, 4], 5)]
    for sizes, batch in cases:
        model = MLP(sizes, rng=np.random.default_rng(0))
        model.forward(np.zeros((batch, sizes[0])))
        expected = memory.cached_bytes(model)
        value, problem = real_array(tr(f"predicted bytes for {sizes}, batch {batch}",
                                       f"{sizes}、バッチ {batch} で予測したバイト数"), answer(list(sizes), batch))
        if problem is not None:
            return problem
        if value.size != 1:
            return Result(False, tr(f"expected one number of bytes, got an array of shape {value.shape}.",
                                    f"バイト数を1つの数で返してください（返ってきたのは形 {value.shape} の配列です）。"))
        value = float(value.ravel()[0])
        if value == expected:
            continue
        where = tr(f"for layer_sizes = {sizes} and batch_size = {batch} you predict {value:,.0f} bytes, "
                   f"measured {expected:,}.",
                   f"layer_sizes = {sizes}、batch_size = {batch} に対するあなたの予測は {value:,.0f} バイト、"
                   f"測定値は {expected:,} バイトです。")
        inputs, hidden = sum(sizes[:-1]), sum(sizes[1:-1])
        if value == expected - batch * hidden:
            hint = tr("you left out the ReLU masks: each ReLU keeps x > 0, one byte (bool) per entry.",
                      "ReLU のマスクが抜けています。各 ReLU は x > 0 を、1要素あたり1バイト（bool）で保持します。")
        elif value == batch * 8 * (inputs + hidden):
            hint = tr("the ReLU masks are booleans, 1 byte per entry, not 8.",
                      "ReLU のマスクは bool なので、1要素あたり8バイトではなく1バイトです。")
        elif value == expected - batch * 8 * sizes[0]:
            hint = tr("the first Linear layer keeps its input too — the batch X itself, N × layer_sizes[0] floats.",
                      "最初の Linear レイヤも入力を保持します。つまりバッチ X そのもの、N × layer_sizes[0] 個の"
                      "浮動小数点数です。")
        elif value == expected + batch * 8 * sizes[-1]:
            hint = tr("the output layer's result is not cached: nothing after it needs it for backward.",
                      "出力レイヤの結果はキャッシュされません。その後ろに、逆伝播でそれを必要とするものが"
                      "ないからです。")
        elif batch and value * batch == expected:
            hint = tr("every cached array has one row per example: multiply by batch_size.",
                      "キャッシュされる配列は、どれもデータ1つにつき1行です。batch_size を掛けましょう。")
        elif value * 2 == expected or value == 4 * batch * inputs + batch * hidden:
            hint = tr("float64 takes 8 bytes per number, not 4.",
                      "float64 は1つの数に4バイトではなく8バイトを使います。")
        else:
            hint = tr("each Linear keeps its input, N × in floats of 8 bytes; each ReLU keeps a mask of "
                      "N × width booleans of 1 byte; nothing else.",
                      "各 Linear は入力（8バイトの浮動小数点数が N × in 個）を、各 ReLU はマスク（1バイトの"
                      " bool が N × width 個）を保持します。それ以外は何も保持しません。")
        return Result(False, where + tr(f" Hint: {hint}", f" ヒント：{hint}"))
    return Result(True, tr("your prediction matches the measured cache of every network we tried.",
                           "あなたの予測は、試したすべてのネットワークで測定したキャッシュと一致しました。"))
