"""Chapter 5 — self-checks for the learning-rate exercises (ids ``"5.1"`` … ``"5.6"``)."""

from __future__ import annotations

import ast
import dis
import inspect
import textwrap
import types

import numpy as np

from course_lib.exercises import Result, compare_arrays, exercise
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


def _real(name: str, value, scalar: bool = False):
    """``(float64 array or float, None)``, or ``(None, Result)`` explaining why the answer is unusable."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        return None, Result(False, f"{name}: expected numbers, got {type(value).__name__}.")
    if arr.dtype.kind == "c":
        return None, Result(False, f"{name}: got complex numbers. A symmetric matrix has real "
                                   "eigenvalues: use np.linalg.eigvalsh / eigh, not eig.")
    if arr.dtype.kind in "USVM" or (arr.dtype.kind == "O" and any(v is None for v in arr.ravel())):
        return None, Result(False, f"{name}: expected numbers, got {type(value).__name__}.")
    if arr.dtype.kind not in "biuf":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            return None, Result(False, f"{name}: expected numbers, got {type(value).__name__}.")
    arr = arr.astype(np.float64)
    if scalar and arr.ndim != 0:
        return None, Result(False, f"{name}: return one number (a float), got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        return None, Result(False, f"{name}: contains NaN or inf.")
    return (float(arr) if scalar else arr), None


@exercise("5.1", "critical learning rate of a Hessian")
def check_critical_rate(answer) -> Result:
    for H in _spd_cases(51):
        ref = critical_learning_rate(H)
        yours, problem = _real(f"critical rate of a {H.shape[0]}x{H.shape[0]} Hessian",
                               answer(H.copy()), scalar=True)
        if problem is not None:
            return problem
        lams = np.linalg.eigvalsh(H)
        if np.isclose(yours, 1 / lams[-1]) and not np.isclose(yours, ref):
            return Result(False, "you returned 1/λ_max; the factor |1 − lr·λ| stays below 1 up "
                                 "to lr = 2/λ_max, which is the critical rate.")
        if np.isclose(yours, 2 / lams[0]) and not np.isclose(yours, ref):
            return Result(False, "you used the smallest eigenvalue; the steepest direction "
                                 "(largest λ) is the first to blow up.")
        if any(np.isclose(yours, 2 / lam) for lam in lams[1:-1]):
            return Result(False, "you used an eigenvalue that is not the largest — np.linalg.eig "
                                 "does not sort them; np.linalg.eigvalsh returns them in ascending order.")
        result = compare_arrays(f"critical rate of a {H.shape[0]}x{H.shape[0]} Hessian", yours, ref)
        if not result:
            return Result(False, result.message + " Hint: np.linalg.eigvalsh(H) returns the "
                                                  "eigenvalues in ascending order; take 2 / the largest.")
    return Result(True, "2/λ_max matches on diagonal and random symmetric positive-definite Hessians.")


@exercise("5.2", "contraction factor per eigen-direction")
def check_contraction(answer) -> Result:
    for H in _spd_cases(52):
        lams = np.linalg.eigvalsh(H)
        for lr in (0.5 / lams[-1], 1.9 / lams[-1], 2.5 / lams[-1]):
            ref = 1 - lr * lams
            name = f"factors for lr = {lr:.3g}"
            yours, problem = _real(name, answer(H.copy(), lr))
            if problem is not None:
                return problem
            if yours.shape == ref.shape and np.allclose(yours, np.abs(ref)) and \
                    not np.allclose(yours, ref):
                return Result(False, "keep the sign of 1 − lr·λ: a negative factor means the step "
                                     "overshoots and the error flips side at every step.")
            if yours.shape == ref.shape and np.allclose(yours, ref[::-1]) and not np.allclose(yours, ref):
                return Result(False, "order the factors like np.linalg.eigvalsh orders the "
                                     "eigenvalues: smallest λ first.")
            result = compare_arrays(name, yours, ref)
            if not result:
                return Result(False, result.message + " Hint: one step multiplies the error along "
                                                      "the eigenvector of λ by 1 − lr·λ.")
    return Result(True, "1 − lr·λ_i for every eigenvalue, below and above the critical rate.")


@exercise("5.3", "a step-decay schedule")
def check_step_decay(answer) -> Result:
    rng = np.random.default_rng(53)
    for lr0, drop, every in ((0.1, 0.5, 10), (1.0, 0.1, 3), (0.05, 0.9, 1)):
        schedule = answer(lr0, drop, every)
        if not callable(schedule):
            return Result(False, f"return a function step -> lr, got {type(schedule).__name__}.")
        reference = step_decay(lr0, drop, every)
        steps = np.arange(0, 4 * every + 2)
        name = f"step_decay({lr0}, {drop}, {every}) at steps 0…{steps[-1]}"
        yours, problem = _real(name, [schedule(int(s)) for s in steps])
        if problem is not None:
            return problem
        ref = [reference(int(s)) for s in steps]
        early = [lr0 * drop ** ((int(s) + 1) // every) for s in steps]
        if np.allclose(yours, early) and not np.allclose(yours, ref):
            return Result(False, "the first drop comes one step early: steps 0 … every−1 use lr0, "
                                 "so the exponent is step // every.")
        result = compare_arrays(name, yours, ref)
        if not result:
            return Result(False, result.message + " Hint: lr0 * drop ** (step // every).")
        shuffled = rng.permutation(steps)  # a training loop may ask again, or resume mid-run
        again, problem = _real(name, [schedule(int(s)) for s in shuffled])
        if problem is not None or not np.allclose(again, np.asarray(ref)[shuffled]):
            return Result(False, "asked for the same steps again in another order, your schedule "
                                 "answered differently: compute the rate from `step` alone, do not "
                                 "count calls or keep state between calls.")
    return Result(True, "your schedule drops by the right factor at the right steps.")


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
        return "a loop" if code is not None and _bytecode_loop(code) else None
    defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda))]
    if not defs:
        return None
    top = defs[0]
    args = top.args.args
    steps_name = args[3].arg if len(args) >= 4 else None
    own_name = getattr(top, "name", None)
    for node in ast.walk(top):
        if isinstance(node, ast.While):
            return "a while loop"
        iters = []
        if isinstance(node, (ast.For, ast.AsyncFor)):
            iters = [node.iter]
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            iters = [gen.iter for gen in node.generators]
        for it in iters:
            if steps_name and any(isinstance(n, ast.Name) and n.id == steps_name for n in ast.walk(it)):
                return f"a loop over range({steps_name})" if isinstance(node, (ast.For, ast.AsyncFor)) \
                    else f"a comprehension over the {steps_name} steps"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == own_name:
            return "a recursive call (one per step)"
    return None


@exercise("5.4", "gradient descent on a quadratic in closed form")
def check_closed_form(answer) -> Result:
    code = getattr(answer, "__code__", None)
    if code is not None and "gradient_descent" in code.co_names:
        return Result(False, "do not call gradient_descent: it runs the steps one by one. "
                             "Use the eigen-decomposition: x_t = Q diag((1 − lr·λ)^t) Qᵀ x0.")
    loop = _loop_over_steps(answer)
    if loop:
        return Result(False, f"your function uses {loop}; the exercise asks for no loop over steps. "
                             "Raise each factor to the power t at once: (1 − lr·λ) ** t.")
    rng = np.random.default_rng(54)
    for H in _spd_cases(54):
        x0 = rng.normal(size=H.shape[0])
        crit = critical_learning_rate(H)
        for lr, t in ((0.5 * crit, 7), (0.95 * crit, 20), (1.05 * crit, 15), (0.3 * crit, 0)):
            ref = gradient_descent(lambda x: H @ x, x0, lr, t)[-1]
            name = f"x_{t} for lr = {lr / crit:.2f}·(2/λmax)"
            yours, problem = _real(name, answer(H.copy(), x0.copy(), lr, t))
            if problem is not None:
                return Result(False, problem.message + " (A negative factor 1 − lr·λ to a "
                                                       "non-integer power gives NaN: keep t an int.)")
            result = compare_arrays(name, yours, ref, rtol=1e-6, atol=1e-9)
            if not result:
                return Result(False, result.message + " Hint: with H = Q diag(λ) Qᵀ (np.linalg.eigh), "
                                                      "x_t = Q diag((1 − lr·λ)^t) Qᵀ x0.")
    return Result(True, "your closed form matches step-by-step gradient descent, even when it "
                        "diverges, and it has no loop over the steps.")


class _MisusedHVP(Exception):
    """Raised by the fake ``hvp`` of exercise 5.5 when it is called with something other than a vector."""


def _fake_hvp(H: np.ndarray, calls: list):
    n = H.shape[0]

    def hvp(v):
        v = np.asarray(v, dtype=np.float64)
        if v.shape != (n,):
            raise _MisusedHVP(f"hvp takes one flat vector of shape ({n},), got shape {v.shape}")
        calls.append(v.copy())
        return H @ v

    return hvp


def _indefinite_cases(seed: int) -> list[np.ndarray]:
    """Symmetric matrices with λ_max > 0; the last one has a negative eigenvalue larger in magnitude."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    saddle = (Q * np.array([-5.0, -0.5, 0.3, 1.0, 2.0, 3.0])) @ Q.T
    return [np.diag([2.0, 0.5, 1.0]), _random_spd(rng, 4), _random_spd(rng, 7), saddle]


@exercise("5.5", "the critical rate from Hessian-vector products")
def check_rate_from_hvp(answer) -> Result:
    for H in _indefinite_cases(55):
        n = H.shape[0]
        calls: list = []
        try:
            value = answer(_fake_hvp(H, calls), n)
        except _MisusedHVP as err:
            return Result(False, f"{err}. Build H one column at a time: column j is hvp(e_j), "
                                 "with e_j the j-th unit vector (np.eye(n)[j]).")
        yours, problem = _real(f"rate for a {n}x{n} Hessian", value, scalar=True)
        if problem is not None:
            return problem
        if len(calls) != n:
            return Result(False, f"you called hvp {len(calls)} times for n = {n}; the task asks for "
                                 "exactly n products, one per column of H.")
        if not np.allclose(np.array(calls), np.eye(n)) and not np.allclose(
                np.array(calls)[np.argsort(np.argmax(np.abs(calls), axis=1))], np.eye(n)):
            return Result(False, "multiply by the unit vectors e_0 … e_{n−1}: hvp(e_j) is column j "
                                 "of H.")
        lams = np.linalg.eigvalsh(H)
        ref = 2.0 / lams[-1]
        if np.isclose(yours, 2.0 / np.max(np.abs(lams))) and not np.isclose(yours, ref):
            return Result(False, "you used the eigenvalue of largest magnitude, here a negative one "
                                 "(a saddle direction). The limit comes from the largest eigenvalue "
                                 "λ_max: along negative curvature no rate converges anyway.")
        if np.isclose(yours, 1.0 / lams[-1]):
            return Result(False, "you returned 1/λ_max; the critical rate is 2/λ_max.")
        if np.isclose(yours, 2.0 / lams[0]):
            return Result(False, "you used the smallest eigenvalue; take the largest (eigvalsh "
                                 "sorts them in ascending order).")
        result = compare_arrays(f"rate for a {n}x{n} Hessian", yours, ref)
        if not result:
            return Result(False, result.message + " Hint: H = np.column_stack([hvp(e) for e in "
                                                  "np.eye(n)]), then 2 / np.linalg.eigvalsh(H)[-1].")
    return Result(True, "n products, one per column, and 2/λ_max — also at a saddle, where the "
                        "largest-magnitude eigenvalue is negative.")


@exercise("5.6", "the stability limit with momentum")
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
                    return Result(False, f"{name}: 2/λ_max ignores the momentum; the heavy ball's "
                                         "roots stay inside the unit circle up to ηλ = 2(1 + μ).")
                if mu and np.isclose(yours, 2 * (1 - mu) / lam):
                    return Result(False, f"{name}: the limit grows with momentum: 2(1 + μ)/λ_max, "
                                         "not 2(1 − μ)/λ_max.")
                if mu and np.isclose(yours, 2 / ((1 - mu) * lam)):
                    return Result(False, f"{name}: 2/((1 − μ)λ) mixes up the limit with the effective "
                                         "step η/(1 − μ); the test |1 + μ − ηλ| < 1 + μ gives 2(1 + μ)/λ.")
                if mu and nesterov and np.isclose(yours, heavy):
                    return Result(False, f"{name}: that is the heavy-ball limit; Nesterov's looks "
                                         "ahead and its limit is 2(1 + μ)/((1 + 2μ) λ_max).")
                if mu and not nesterov and np.isclose(yours, nest):
                    return Result(False, f"{name}: that is Nesterov's limit; plain (heavy-ball) "
                                         "momentum allows 2(1 + μ)/λ_max.")
                return Result(False, f"{name}: got {yours:.4g}, expected {ref:.4g}.")
    return Result(True, "2(1 + μ)/λ_max for heavy-ball momentum and 2(1 + μ)/((1 + 2μ)λ_max) for "
                        "Nesterov, for every μ and λ_max tried.")
