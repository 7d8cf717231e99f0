"""Chapter 5 — self-checks for the learning-rate exercises (ids ``"5.1"`` … ``"5.6"``)."""

from __future__ import annotations

import ast
import dis
import inspect
import textwrap
import types

import numpy as np

from course_lib.exercises import Result, compare_arrays, exercise
from course_lib.i18n import tr
from course_lib.optim import gradient_descent
from course_lib.schedules import critical_learning_rate, step_decay

__all__: list[str] = []


def _random_spd(rng: np.random.Generator, d: int) -> np.ndarray:
    """A random symmetric positive-definite matrix with eigenvalues in [0.1, 10]."""
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return (Q * rng.uniform(0.1, 10.0, size=d)) @ Q.T


def _spd_cases(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [np.diag([1.0, 4.0]), np.diag([3.0, 0.5, 2.0])] + [_random_spd(rng, d) for d in (2, 3, 5)]


def _not_numbers(name: str, value) -> Result:
    return Result(False, tr(f"{name}: expected numbers, got {type(value).__name__}.",
                            f"{name}: 数値が返るはずですが、{type(value).__name__} が返りました。"))


def _real(name: str, value, scalar: bool = False):
    """``(float64 array or float, None)``, or ``(None, Result)`` explaining why the answer is unusable."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        return None, _not_numbers(name, value)
    if arr.dtype.kind == "c":
        return None, Result(False, tr(f"{name}: got complex numbers. A symmetric matrix has real "
                                      "eigenvalues: use np.linalg.eigvalsh / eigh, not eig.",
                                      f"{name}: 複素数が返りました。対称行列の固有値は実数です。"
                                      "eig ではなく np.linalg.eigvalsh / eigh を使いましょう。"))
    if arr.dtype.kind in "USVM" or (arr.dtype.kind == "O" and any(v is None for v in arr.ravel())):
        return None, _not_numbers(name, value)
    if arr.dtype.kind not in "biuf":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            return None, _not_numbers(name, value)
    arr = arr.astype(np.float64)
    if scalar and arr.ndim != 0:
        return None, Result(False, tr(f"{name}: return one number (a float), got shape {arr.shape}.",
                                      f"{name}: 数を 1 つ（float）返してください。返ってきたのは"
                                      f"形状 {arr.shape} の配列です。"))
    if not np.all(np.isfinite(arr)):
        return None, Result(False, tr(f"{name}: contains NaN or inf.", f"{name}: NaN か inf が含まれています。"))
    return (float(arr) if scalar else arr), None


@exercise("5.1", tr("critical learning rate of a Hessian", "ヘッセ行列の臨界学習率"))
def check_critical_rate(answer) -> Result:
    for H in _spd_cases(51):
        ref = critical_learning_rate(H)
        name = tr(f"critical rate of a {H.shape[0]}x{H.shape[0]} Hessian",
                  f"{H.shape[0]}x{H.shape[0]} のヘッセ行列の臨界学習率")
        yours, problem = _real(name, answer(H.copy()), scalar=True)
        if problem is not None:
            return problem
        lams = np.linalg.eigvalsh(H)
        if np.isclose(yours, 1 / lams[-1]) and not np.isclose(yours, ref):
            return Result(False, tr("you returned 1/λ_max; the factor |1 − lr·λ| stays below 1 up "
                                    "to lr = 2/λ_max, which is the critical rate.",
                                    "1/λ_max を返しています。係数 |1 − lr·λ| は lr = 2/λ_max まで "
                                    "1 より小さいままです。この 2/λ_max が臨界学習率です。"))
        if np.isclose(yours, 2 / lams[0]) and not np.isclose(yours, ref):
            return Result(False, tr("you used the smallest eigenvalue; the steepest direction "
                                    "(largest λ) is the first to blow up.",
                                    "最小の固有値を使っています。最初に発散するのは、"
                                    "最も急な方向（最大の λ）です。"))
        if any(np.isclose(yours, 2 / lam) for lam in lams[1:-1]):
            return Result(False, tr("you used an eigenvalue that is not the largest — np.linalg.eig "
                                    "does not sort them; np.linalg.eigvalsh returns them in ascending order.",
                                    "最大ではない固有値を使っています。np.linalg.eig は固有値を"
                                    "並べ替えません。np.linalg.eigvalsh なら昇順で返します。"))
        result = compare_arrays(name, yours, ref)
        if not result:
            return Result(False, result.message + tr(" Hint: np.linalg.eigvalsh(H) returns the "
                                                     "eigenvalues in ascending order; take 2 / the largest.",
                                                     " ヒント: np.linalg.eigvalsh(H) は固有値を昇順で"
                                                     "返します。2 / (最大の固有値) を返しましょう。"))
    return Result(True, tr("2/λ_max matches on diagonal and random symmetric positive-definite Hessians.",
                           "対角行列とランダムな対称正定値行列のヘッセ行列で、2/λ_max が一致しました。"))


@exercise("5.2", tr("contraction factor per eigen-direction", "固有方向ごとの縮小率"))
def check_contraction(answer) -> Result:
    for H in _spd_cases(52):
        lams = np.linalg.eigvalsh(H)
        for lr in (0.5 / lams[-1], 1.9 / lams[-1], 2.5 / lams[-1]):
            ref = 1 - lr * lams
            name = tr(f"factors for lr = {lr:.3g}", f"lr = {lr:.3g} での縮小率")
            yours, problem = _real(name, answer(H.copy(), lr))
            if problem is not None:
                return problem
            if yours.shape == ref.shape and np.allclose(yours, np.abs(ref)) and \
                    not np.allclose(yours, ref):
                return Result(False, tr("keep the sign of 1 − lr·λ: a negative factor means the step "
                                        "overshoots and the error flips side at every step.",
                                        "1 − lr·λ の符号は残してください。縮小率が負なのは、ステップが"
                                        "行き過ぎて、誤差が毎ステップ反対側に移ることを表しています。"))
            if yours.shape == ref.shape and np.allclose(yours, ref[::-1]) and not np.allclose(yours, ref):
                return Result(False, tr("order the factors like np.linalg.eigvalsh orders the "
                                        "eigenvalues: smallest λ first.",
                                        "縮小率は np.linalg.eigvalsh が固有値を並べるのと同じ順、"
                                        "つまり最小の λ から並べてください。"))
            result = compare_arrays(name, yours, ref)
            if not result:
                return Result(False, result.message + tr(" Hint: one step multiplies the error along "
                                                         "the eigenvector of λ by 1 − lr·λ.",
                                                         " ヒント: 1 回のステップで、λ の固有ベクトル方向の"
                                                         "誤差は 1 − lr·λ 倍になります。"))
    return Result(True, tr("1 − lr·λ_i for every eigenvalue, below and above the critical rate.",
                           "臨界学習率より小さい学習率でも大きい学習率でも、すべての固有値について "
                           "1 − lr·λ_i になっています。"))


@exercise("5.3", tr("a step-decay schedule", "ステップ減衰のスケジュール"))
def check_step_decay(answer) -> Result:
    rng = np.random.default_rng(53)
    for lr0, drop, every in ((0.1, 0.5, 10), (1.0, 0.1, 3), (0.05, 0.9, 1)):
        schedule = answer(lr0, drop, every)
        if not callable(schedule):
            return Result(False, tr(f"return a function step -> lr, got {type(schedule).__name__}.",
                                    f"step -> lr の関数を返してください。返ってきたのは "
                                    f"{type(schedule).__name__} です。"))
        reference = step_decay(lr0, drop, every)
        steps = np.arange(0, 4 * every + 2)
        name = tr(f"step_decay({lr0}, {drop}, {every}) at steps 0…{steps[-1]}",
                  f"ステップ 0…{steps[-1]} での step_decay({lr0}, {drop}, {every})")
        yours, problem = _real(name, [schedule(int(s)) for s in steps])
        if problem is not None:
            return problem
        ref = [reference(int(s)) for s in steps]
        early = [lr0 * drop ** ((int(s) + 1) // every) for s in steps]
        if np.allclose(yours, early) and not np.allclose(yours, ref):
            return Result(False, tr("the first drop comes one step early: steps 0 … every−1 use lr0, "
                                    "so the exponent is step // every.",
                                    "最初に下がるのが 1 ステップ早すぎます。ステップ 0 … every−1 では "
                                    "lr0 を使うので、指数は step // every です。"))
        result = compare_arrays(name, yours, ref)
        if not result:
            return Result(False, result.message + tr(" Hint: lr0 * drop ** (step // every).",
                                                     " ヒント: lr0 * drop ** (step // every) です。"))
        shuffled = rng.permutation(steps)  # a training loop may ask again, or resume mid-run
        again, problem = _real(name, [schedule(int(s)) for s in shuffled])
        if problem is not None or not np.allclose(again, np.asarray(ref)[shuffled]):
            return Result(False, tr("asked for the same steps again in another order, your schedule "
                                    "answered differently: compute the rate from `step` alone, do not "
                                    "count calls or keep state between calls.",
                                    "同じステップを別の順番でもう一度尋ねたら、違う値が返りました。"
                                    "学習率は `step` だけから計算してください。呼び出し回数を数えたり、"
                                    "呼び出しの間で状態を持ち越したりしてはいけません。"))
    return Result(True, tr("your schedule drops by the right factor at the right steps.",
                           "正しいステップで、正しい倍率だけ学習率が下がっています。"))


def _bytecode_loop(code: types.CodeType) -> bool:
    """Whether compiled code (or a comprehension/lambda inside it) contains a loop."""
    if any(ins.opname in ("FOR_ITER", "JUMP_BACKWARD", "JUMP_ABSOLUTE")
           for ins in dis.get_instructions(code)):
        return True
    return any(_bytecode_loop(c) for c in code.co_consts if isinstance(c, types.CodeType))


def _loop_over_steps(func) -> str | None:
    """Describe a loop over the steps in ``func``'s source (a ``while``, a ``for``/comprehension over
    something built from its 4th argument, or a recursive call), else ``None``. Without readable
    source, any loop in the bytecode counts."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        code = getattr(func, "__code__", None)
        return tr("a loop", "ループ") if code is not None and _bytecode_loop(code) else None
    defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda))]
    if not defs:
        return None
    top = defs[0]
    args = top.args.args
    steps_name = args[3].arg if len(args) >= 4 else None
    own_name = getattr(top, "name", None)
    for node in ast.walk(top):
        if isinstance(node, ast.While):
            return tr("a while loop", "while ループ")
        iters = []
        if isinstance(node, (ast.For, ast.AsyncFor)):
            iters = [node.iter]
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            iters = [gen.iter for gen in node.generators]
        for it in iters:
            if steps_name and any(isinstance(n, ast.Name) and n.id == steps_name for n in ast.walk(it)):
                if isinstance(node, (ast.For, ast.AsyncFor)):
                    return tr(f"a loop over range({steps_name})", f"range({steps_name}) についてのループ")
                return tr(f"a comprehension over the {steps_name} steps",
                          f"{steps_name} のステップについての内包表記")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == own_name:
            return tr("a recursive call (one per step)", "再帰呼び出し（1 ステップに 1 回）")
    return None


@exercise("5.4", tr("gradient descent on a quadratic in closed form", "2 次関数での勾配降下法を閉じた式で"))
def check_closed_form(answer) -> Result:
    code = getattr(answer, "__code__", None)
    if code is not None and "gradient_descent" in code.co_names:
        return Result(False, tr("do not call gradient_descent: it runs the steps one by one. "
                                "Use the eigen-decomposition: x_t = Q diag((1 − lr·λ)^t) Qᵀ x0.",
                                "gradient_descent は呼ばないでください。ステップを 1 つずつ実行して"
                                "しまいます。固有値分解を使いましょう: x_t = Q diag((1 − lr·λ)^t) Qᵀ x0。"))
    loop = _loop_over_steps(answer)
    if loop:
        return Result(False, tr(f"your function uses {loop}; the exercise asks for no loop over steps. "
                                "Raise each factor to the power t at once: (1 − lr·λ) ** t.",
                                f"あなたの関数は{loop}を使っています。この演習では、ステップについての"
                                "ループは使いません。各係数を一度に t 乗しましょう: (1 − lr·λ) ** t。"))
    rng = np.random.default_rng(54)
    for H in _spd_cases(54):
        x0 = rng.normal(size=H.shape[0])
        crit = critical_learning_rate(H)
        for lr, t in ((0.5 * crit, 7), (0.95 * crit, 20), (1.05 * crit, 15), (0.3 * crit, 0)):
            ref = gradient_descent(lambda x: H @ x, x0, lr, t)[-1]
            name = tr(f"x_{t} for lr = {lr / crit:.2f}·(2/λmax)", f"lr = {lr / crit:.2f}·(2/λmax) での x_{t}")
            yours, problem = _real(name, answer(H.copy(), x0.copy(), lr, t))
            if problem is not None:
                return Result(False, problem.message + tr(" (A negative factor 1 − lr·λ to a "
                                                          "non-integer power gives NaN: keep t an int.)",
                                                          "（負の係数 1 − lr·λ を整数でない指数でべき乗すると"
                                                          " NaN になります。t は int のままにしましょう。）"))
            result = compare_arrays(name, yours, ref, rtol=1e-6, atol=1e-9)
            if not result:
                return Result(False, result.message + tr(" Hint: with H = Q diag(λ) Qᵀ (np.linalg.eigh), "
                                                         "x_t = Q diag((1 − lr·λ)^t) Qᵀ x0.",
                                                         " ヒント: H = Q diag(λ) Qᵀ（np.linalg.eigh）とすると、"
                                                         "x_t = Q diag((1 − lr·λ)^t) Qᵀ x0 です。"))
    return Result(True, tr("your closed form matches step-by-step gradient descent, even when it "
                           "diverges, and it has no loop over the steps.",
                           "閉じた式が、発散する場合も含めて 1 ステップずつの勾配降下法と一致しました。"
                           "ステップについてのループもありません。"))


class _MisusedHVP(Exception):
    """Raised by the fake ``hvp`` of exercise 5.5 when it is called with something other than a vector."""


def _fake_hvp(H: np.ndarray, calls: list):
    n = H.shape[0]

    def hvp(v):
        v = np.asarray(v, dtype=np.float64)
        if v.shape != (n,):
            raise _MisusedHVP(tr(f"hvp takes one flat vector of shape ({n},), got shape {v.shape}",
                                 f"hvp が受け取るのは形状 ({n},) の平らなベクトル 1 本ですが、"
                                 f"形状 {v.shape} が渡されました"))
        calls.append(v.copy())
        return H @ v

    return hvp


def _indefinite_cases(seed: int) -> list[np.ndarray]:
    """Symmetric matrices with λ_max > 0; the last one has a negative eigenvalue larger in magnitude."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    saddle = (Q * np.array([-5.0, -0.5, 0.3, 1.0, 2.0, 3.0])) @ Q.T
    return [np.diag([2.0, 0.5, 1.0]), _random_spd(rng, 4), _random_spd(rng, 7), saddle]


@exercise("5.5", tr("the critical rate from Hessian-vector products", "ヘッセ行列・ベクトル積から臨界学習率を求める"))
def check_rate_from_hvp(answer) -> Result:
    for H in _indefinite_cases(55):
        n = H.shape[0]
        calls: list = []
        try:
            value = answer(_fake_hvp(H, calls), n)
        except _MisusedHVP as err:
            return Result(False, tr(f"{err}. Build H one column at a time: column j is hvp(e_j), "
                                    "with e_j the j-th unit vector (np.eye(n)[j]).",
                                    f"{err}。H は 1 列ずつ作りましょう: 第 j 列は hvp(e_j) です"
                                    "（e_j は j 番目の単位ベクトル np.eye(n)[j]）。"))
        name = tr(f"rate for a {n}x{n} Hessian", f"{n}x{n} のヘッセ行列に対する学習率")
        yours, problem = _real(name, value, scalar=True)
        if problem is not None:
            return problem
        if len(calls) != n:
            return Result(False, tr(f"you called hvp {len(calls)} times for n = {n}; the task asks for "
                                    "exactly n products, one per column of H.",
                                    f"n = {n} に対して hvp を {len(calls)} 回呼んでいます。この課題では、"
                                    "H の 1 列につき 1 回、ちょうど n 回の積を求めます。"))
        if not np.allclose(np.array(calls), np.eye(n)) and not np.allclose(
                np.array(calls)[np.argsort(np.argmax(np.abs(calls), axis=1))], np.eye(n)):
            return Result(False, tr("multiply by the unit vectors e_0 … e_{n−1}: hvp(e_j) is column j "
                                    "of H.",
                                    "単位ベクトル e_0 … e_{n−1} を掛けてください。hvp(e_j) が H の"
                                    "第 j 列です。"))
        lams = np.linalg.eigvalsh(H)
        ref = 2.0 / lams[-1]
        if np.isclose(yours, 2.0 / np.max(np.abs(lams))) and not np.isclose(yours, ref):
            return Result(False, tr("you used the eigenvalue of largest magnitude, here a negative one "
                                    "(a saddle direction). The limit comes from the largest eigenvalue "
                                    "λ_max: along negative curvature no rate converges anyway.",
                                    "絶対値が最大の固有値を使っています。ここではそれが負の値（鞍点の方向）"
                                    "です。上限を決めるのは最大の固有値 λ_max です。負の曲率の方向では、"
                                    "どんな学習率でもそもそも収束しません。"))
        if np.isclose(yours, 1.0 / lams[-1]):
            return Result(False, tr("you returned 1/λ_max; the critical rate is 2/λ_max.",
                                    "1/λ_max を返しています。臨界学習率は 2/λ_max です。"))
        if np.isclose(yours, 2.0 / lams[0]):
            return Result(False, tr("you used the smallest eigenvalue; take the largest (eigvalsh "
                                    "sorts them in ascending order).",
                                    "最小の固有値を使っています。最大の固有値を使いましょう"
                                    "（eigvalsh は固有値を昇順に並べます）。"))
        result = compare_arrays(name, yours, ref)
        if not result:
            return Result(False, result.message + tr(" Hint: H = np.column_stack([hvp(e) for e in "
                                                     "np.eye(n)]), then 2 / np.linalg.eigvalsh(H)[-1].",
                                                     " ヒント: H = np.column_stack([hvp(e) for e in "
                                                     "np.eye(n)]) として、2 / np.linalg.eigvalsh(H)[-1] "
                                                     "を返します。"))
    return Result(True, tr("n products, one per column, and 2/λ_max — also at a saddle, where the "
                           "largest-magnitude eigenvalue is negative.",
                           "1 列につき 1 回、合計 n 回の積から 2/λ_max が求まりました。絶対値が最大の"
                           "固有値が負になる鞍点でも正しく求まっています。"))


@exercise("5.6", tr("the stability limit with momentum", "モーメンタムがあるときの安定性の上限"))
def check_momentum_limit(answer) -> Result:
    for lam in (0.5, 2.0, 10.0):
        for mu in (0.0, 0.5, 0.9):
            for nesterov in (False, True):
                heavy = 2 * (1 + mu) / lam
                nest = 2 * (1 + mu) / ((1 + 2 * mu) * lam)
                ref = nest if nesterov else heavy
                name = f"momentum_limit({lam}, {mu}, nesterov={nesterov})"
                yours, problem = _real(name, answer(lam, mu, nesterov=nesterov), scalar=True)
                if problem is not None:
                    return problem
                if np.isclose(yours, ref):
                    continue
                if mu and np.isclose(yours, 2 / lam):
                    return Result(False, tr(f"{name}: 2/λ_max ignores the momentum; the heavy ball's "
                                            "roots stay inside the unit circle up to ηλ = 2(1 + μ).",
                                            f"{name}: 2/λ_max ではモーメンタムが考慮されていません。"
                                            "重球法（heavy ball）の特性方程式の根は、ηλ = 2(1 + μ) まで"
                                            "単位円の内側にあります。"))
                if mu and np.isclose(yours, 2 * (1 - mu) / lam):
                    return Result(False, tr(f"{name}: the limit grows with momentum: 2(1 + μ)/λ_max, "
                                            "not 2(1 − μ)/λ_max.",
                                            f"{name}: 上限はモーメンタムとともに大きくなります。"
                                            "2(1 − μ)/λ_max ではなく 2(1 + μ)/λ_max です。"))
                if mu and np.isclose(yours, 2 / ((1 - mu) * lam)):
                    return Result(False, tr(f"{name}: 2/((1 − μ)λ) mixes up the limit with the effective "
                                            "step η/(1 − μ); the test |1 + μ − ηλ| < 1 + μ gives 2(1 + μ)/λ.",
                                            f"{name}: 2/((1 − μ)λ) は、上限と実効的なステップ η/(1 − μ) を"
                                            "取り違えています。条件 |1 + μ − ηλ| < 1 + μ からは "
                                            "2(1 + μ)/λ が得られます。"))
                if mu and nesterov and np.isclose(yours, heavy):
                    return Result(False, tr(f"{name}: that is the heavy-ball limit; Nesterov's looks "
                                            "ahead and its limit is 2(1 + μ)/((1 + 2μ) λ_max).",
                                            f"{name}: それは重球法（heavy ball）の上限です。Nesterov のモーメンタムは"
                                            "先読みをするので、上限は 2(1 + μ)/((1 + 2μ) λ_max) です。"))
                if mu and not nesterov and np.isclose(yours, nest):
                    return Result(False, tr(f"{name}: that is Nesterov's limit; plain (heavy-ball) "
                                            "momentum allows 2(1 + μ)/λ_max.",
                                            f"{name}: それは Nesterov の上限です。普通の（重球法の）"
                                            "モーメンタムなら 2(1 + μ)/λ_max まで使えます。"))
                return Result(False, tr(f"{name}: got {yours:.4g}, expected {ref:.4g}.",
                                        f"{name}: {yours:.4g} が返りましたが、正しくは {ref:.4g} です。"))
    return Result(True, tr("2(1 + μ)/λ_max for heavy-ball momentum and 2(1 + μ)/((1 + 2μ)λ_max) for "
                           "Nesterov, for every μ and λ_max tried.",
                           "試したすべての μ と λ_max で、重球法のモーメンタムは 2(1 + μ)/λ_max、"
                           "Nesterov は 2(1 + μ)/((1 + 2μ)λ_max) になっています。"))
