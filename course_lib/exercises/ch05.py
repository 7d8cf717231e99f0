"""Chapter 5 — self-checks for the learning-rate exercises (ids ``"5.1"`` … ``"5.4"``)."""

from __future__ import annotations

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


@exercise("5.1", "critical learning rate of a Hessian")
def check_critical_rate(answer) -> Result:
    for H in _spd_cases(51):
        ref = critical_learning_rate(H)
        yours = answer(H.copy())
        if np.ndim(yours) != 0:
            return Result(False, f"return one number (a float), got shape {np.shape(yours)}.")
        try:
            yours = float(yours)
        except (TypeError, ValueError):
            return Result(False, f"return one number (a float), got {type(yours).__name__}.")
        lam_max = 2 / ref
        if np.isclose(yours, 1 / lam_max):
            return Result(False, "you returned 1/λ_max; the factor |1 − lr·λ| stays below 1 up "
                                 "to lr = 2/λ_max, which is the critical rate.")
        if np.isclose(yours, 2 / np.linalg.eigvalsh(H)[0]):
            return Result(False, "you used the smallest eigenvalue; the steepest direction "
                                 "(largest λ) is the first to blow up.")
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
            yours = np.asarray(answer(H.copy(), lr), dtype=np.float64)
            if yours.shape == ref.shape and np.allclose(yours, np.abs(ref)) and \
                    not np.allclose(yours, ref):
                return Result(False, "keep the sign of 1 − lr·λ: a negative factor means the step "
                                     "overshoots and the error flips side at every step.")
            if yours.shape == ref.shape and np.allclose(yours, ref[::-1]):
                return Result(False, "order the factors like np.linalg.eigvalsh orders the "
                                     "eigenvalues: smallest λ first.")
            result = compare_arrays(f"factors for lr = {lr:.3g}", yours, ref)
            if not result:
                return Result(False, result.message + " Hint: one step multiplies the error along "
                                                      "the eigenvector of λ by 1 − lr·λ.")
    return Result(True, "1 − lr·λ_i for every eigenvalue, below and above the critical rate.")


@exercise("5.3", "a step-decay schedule")
def check_step_decay(answer) -> Result:
    for lr0, drop, every in ((0.1, 0.5, 10), (1.0, 0.1, 3), (0.05, 0.9, 1)):
        schedule = answer(lr0, drop, every)
        if not callable(schedule):
            return Result(False, f"return a function step -> lr, got {type(schedule).__name__}.")
        reference = step_decay(lr0, drop, every)
        steps = np.arange(0, 4 * every + 2)
        yours = [schedule(int(s)) for s in steps]
        ref = [reference(int(s)) for s in steps]
        early = [lr0 * drop ** ((int(s) + 1) // every) for s in steps]
        if np.allclose(yours, early) and not np.allclose(yours, ref):
            return Result(False, "the first drop comes one step early: steps 0 … every−1 use lr0, "
                                 "so the exponent is step // every.")
        result = compare_arrays(f"step_decay({lr0}, {drop}, {every}) at steps 0…{steps[-1]}",
                                yours, ref)
        if not result:
            return Result(False, result.message + " Hint: lr0 * drop ** (step // every).")
    return Result(True, "your schedule drops by the right factor at the right steps.")


@exercise("5.4", "gradient descent on a quadratic in closed form")
def check_closed_form(answer) -> Result:
    rng = np.random.default_rng(54)
    for H in _spd_cases(54):
        x0 = rng.normal(size=H.shape[0])
        crit = critical_learning_rate(H)
        for lr, t in ((0.5 * crit, 7), (0.95 * crit, 20), (1.05 * crit, 15)):
            ref = gradient_descent(lambda x: H @ x, x0, lr, t)[-1]
            yours = answer(H.copy(), x0.copy(), lr, t)
            result = compare_arrays(f"x_{t} for lr = {lr / crit:.2f}·(2/λmax)", yours, ref,
                                    rtol=1e-6, atol=1e-9)
            if not result:
                return Result(False, result.message + " Hint: with H = Q diag(λ) Qᵀ (np.linalg.eigh), "
                                                      "x_t = Q diag((1 − lr·λ)^t) Qᵀ x0.")
    return Result(True, "your closed form matches step-by-step gradient descent, even when it diverges.")
