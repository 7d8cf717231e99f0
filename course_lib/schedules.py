"""Chapter 5 — the learning rate: schedules, the critical rate of a quadratic, the LR range test.

A *schedule* is a function ``step -> lr`` that the training loop asks before every update
(``step`` counts updates from 0). The *critical learning rate* ``2 / λ_max`` is the largest rate
at which gradient descent on a quadratic with Hessian ``H`` still converges: along each eigenvector
of ``H`` one step multiplies the error by ``1 - lr·λ``, and ``|1 - lr·λ| < 1`` for every ``λ``
exactly when ``0 < lr < 2 / λ_max``. The *LR range test* trains a throw-away network while the
rate grows exponentially and records where the loss falls fastest and where it explodes.
"""

from __future__ import annotations

import math
import numbers
from typing import Callable

import numpy as np

from course_lib._validation import as_float_array, check_dataset, check_positive

__all__ = [
    "Schedule",
    "constant",
    "step_decay",
    "exponential_decay",
    "cosine_annealing",
    "warmup",
    "critical_learning_rate",
    "lr_range_test",
    "smooth_losses",
    "suggest_learning_rate",
]


def _check_step(step) -> None:
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        raise TypeError(f"step must be an integer (0, 1, 2, ...), got {step!r}")
    if step < 0:
        raise ValueError(f"step must be >= 0 (steps are counted from 0), got {step}")


def _check_fraction(value, name: str) -> None:
    """Raise unless ``0 < value <= 1``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in (0, 1], got {value!r}")
    if not 0 < value <= 1:
        raise ValueError(f"{name} must be in (0, 1] (1 means no decay), got {value!r}")


class Schedule:
    """A learning-rate schedule: ``schedule(step)`` is the rate of update number ``step``.

    Made by :func:`constant`, :func:`step_decay`, :func:`exponential_decay`,
    :func:`cosine_annealing` and :func:`warmup`; you rarely build one yourself. It checks that
    ``step`` is an integer ``>= 0`` and returns a Python ``float``; ``repr`` shows the recipe.
    """

    def __init__(self, rule: Callable[[int], float], description: str):
        self._rule = rule
        self.description = description

    def __call__(self, step: int) -> float:
        _check_step(step)
        return float(self._rule(step))

    def __repr__(self) -> str:
        return self.description


def constant(lr: float) -> Schedule:
    """The same rate at every step: ``lr``."""
    check_positive(lr, "lr")
    return Schedule(lambda step: lr, f"constant(lr={lr:g})")


def step_decay(lr0: float, drop: float, every: int) -> Schedule:
    """Multiply the rate by ``drop`` every ``every`` steps: ``lr0 * drop ** (step // every)``.

    Parameters
    ----------
    lr0 : float > 0
        Rate of steps ``0 … every-1``.
    drop : float in (0, 1]
        Factor applied at steps ``every``, ``2·every``, …
    every : int >= 1
        Steps between drops (e.g. the number of mini-batches in an epoch, to drop once per epoch).
    """
    check_positive(lr0, "lr0")
    _check_fraction(drop, "drop")
    check_positive(every, "every", integer=True)
    return Schedule(
        lambda step: lr0 * drop ** (step // every),
        f"step_decay(lr0={lr0:g}, drop={drop:g}, every={every})",
    )


def exponential_decay(lr0: float, gamma: float) -> Schedule:
    """Shrink the rate by ``gamma`` at every step: ``lr0 * gamma ** step``."""
    check_positive(lr0, "lr0")
    _check_fraction(gamma, "gamma")
    return Schedule(lambda step: lr0 * gamma**step, f"exponential_decay(lr0={lr0:g}, gamma={gamma:g})")


def cosine_annealing(lr0: float, total_steps: int, lr_min: float = 0.0) -> Schedule:
    """Half a cosine from ``lr0`` down to ``lr_min`` over ``total_steps`` steps, then ``lr_min``.

    ``lr_min + (lr0 - lr_min) * (1 + cos(pi * min(step, total_steps) / total_steps)) / 2``:
    ``lr0`` at step 0, the midpoint at ``total_steps / 2``, ``lr_min`` from ``total_steps`` on.

    Parameters
    ----------
    lr0 : float > 0
    total_steps : int >= 1
        Length of the run in steps (epochs × mini-batches per epoch).
    lr_min : float, 0 <= lr_min <= lr0, default 0.0
    """
    check_positive(lr0, "lr0")
    check_positive(total_steps, "total_steps", integer=True)
    if isinstance(lr_min, bool) or not isinstance(lr_min, numbers.Real):
        raise TypeError(f"lr_min must be a number, got {lr_min!r}")
    if not 0 <= lr_min <= lr0:
        raise ValueError(f"lr_min must satisfy 0 <= lr_min <= lr0 = {lr0:g}, got {lr_min!r}")

    def rule(step: int) -> float:
        progress = min(step, total_steps) / total_steps
        return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * progress)) / 2

    return Schedule(rule, f"cosine_annealing(lr0={lr0:g}, total_steps={total_steps}, lr_min={lr_min:g})")


def warmup(schedule: Callable[[int], float], warmup_steps: int) -> Schedule:
    """Start with a linear ramp of ``warmup_steps`` steps, then follow ``schedule``.

    The wrapped schedule is **not shifted**: it keeps its own clock, and the ramp replaces its
    first ``warmup_steps`` steps. The ramp climbs in equal steps to the value the schedule has
    when it takes over, ``target = schedule(warmup_steps)``:

    - ``step < warmup_steps``: ``target * (step + 1) / (warmup_steps + 1)``
    - ``step >= warmup_steps``: ``schedule(step)``

    So ``warmup(constant(1.0), 4)`` gives 0.2, 0.4, 0.6, 0.8, then 1.0 for ever, and
    ``warmup(cosine_annealing(lr0, total), w)`` still reaches ``lr_min`` at step ``total``.

    Parameters
    ----------
    schedule : callable, int -> float
        Any schedule (e.g. from :func:`cosine_annealing`).
    warmup_steps : int >= 1
    """
    if not callable(schedule):
        raise TypeError(f"schedule must be a function step -> lr, got {type(schedule).__name__}")
    check_positive(warmup_steps, "warmup_steps", integer=True)

    def rule(step: int) -> float:
        if step >= warmup_steps:
            return schedule(step)
        return schedule(warmup_steps) * (step + 1) / (warmup_steps + 1)

    return Schedule(rule, f"warmup({schedule!r}, warmup_steps={warmup_steps})")


def critical_learning_rate(hessian) -> float:
    """Largest learning rate for which gradient descent on a quadratic converges: ``2 / λ_max``.

    For ``f(x) = ½ (x - x*)ᵀ H (x - x*)`` one step ``x ← x - lr·H(x - x*)`` multiplies the
    component of the error along each eigenvector of ``H`` by ``1 - lr·λ_i``. All components shrink
    iff ``|1 - lr·λ_i| < 1`` for every ``i``, i.e. ``0 < lr < 2 / λ_max`` (for positive
    eigenvalues; along a direction with ``λ <= 0`` no rate converges).

    Parameters
    ----------
    hessian : array_like, shape (d, d)
        Symmetric matrix with a positive largest eigenvalue (positive definite for a convex bowl).

    Returns
    -------
    float
    """
    H = as_float_array(hessian, "hessian", ndim=2)
    if H.shape[0] != H.shape[1]:
        raise ValueError(f"hessian must be square (d, d), got shape {H.shape}")
    scale = max(float(np.max(np.abs(H))), 1e-300)
    asymmetry = float(np.max(np.abs(H - H.T)))
    if asymmetry > 1e-10 * scale:
        raise ValueError(
            f"hessian must be symmetric (H == H.T), but entries differ by up to {asymmetry:.3g}; "
            "a Hessian of second derivatives is always symmetric"
        )
    lam_max = float(np.linalg.eigvalsh((H + H.T) / 2)[-1])
    if not lam_max > 0:
        raise ValueError(
            f"hessian must have a positive largest eigenvalue, got λ_max = {lam_max:.3g}: "
            "gradient descent cannot converge on a bowl that curves down in every direction"
        )
    return 2.0 / lam_max


def lr_range_test(
    make_model: Callable[[], object],
    loss,
    X,
    y,
    *,
    rng: np.random.Generator,
    lr_min: float = 1e-4,
    lr_max: float = 10.0,
    num_steps: int = 100,
    batch_size: int = 32,
    momentum: float = 0.0,
    stop_factor: float = 4.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Train a fresh model with an exponentially growing rate and record the loss at each step.

    Step ``k`` uses ``lr_min * (lr_max / lr_min) ** (k / (num_steps - 1))`` on a new mini-batch
    (plain :class:`~course_lib.optim.SGD`). The test stops early when the loss explodes: when it
    (or the model's output) is NaN/inf, or when its smoothed value (:func:`smoothed <smooth_losses>`) exceeds ``stop_factor``
    times the best smoothed value so far. Pick a rate with :func:`suggest_learning_rate`.

    Parameters
    ----------
    make_model : callable, () -> model
        Builds a fresh model (e.g. ``lambda: MLP([64, 32, 10], rng=rng)``); it is trained and
        thrown away, so the test does not disturb the model you will train afterwards.
    loss : loss layer
        ``loss.forward(scores, targets) -> float`` and ``loss.backward() -> grad_scores``.
    X : array_like, shape (N, features)
    y : array_like, shape (N,) or (N, outputs)
        Targets in the form ``loss`` expects.
    rng : numpy.random.Generator
        Shuffles the mini-batches.
    lr_min, lr_max : float, 0 < lr_min < lr_max
    num_steps : int >= 2
    batch_size : int in [1, N]
    momentum : float in [0, 1), default 0.0
    stop_factor : float > 1, default 4.0

    Returns
    -------
    lrs : ndarray, shape (k,)
        The rates tried, increasing (``k <= num_steps``; fewer when the loss exploded).
    losses : ndarray, shape (k,)
        The mini-batch loss measured at each rate (before that step's update), all finite.
    """
    from course_lib.optim import SGD, iterate_minibatches  # chapter 4

    if not callable(make_model):
        raise TypeError(f"make_model must be a function () -> model, got {type(make_model).__name__}")
    X, y = check_dataset(X, y)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    check_positive(lr_min, "lr_min")
    check_positive(lr_max, "lr_max")
    if not lr_min < lr_max:
        raise ValueError(f"lr_min must be smaller than lr_max, got lr_min={lr_min:g}, lr_max={lr_max:g}")
    check_positive(num_steps, "num_steps", integer=True)
    if num_steps < 2:
        raise ValueError(f"num_steps must be >= 2, got {num_steps}")
    check_positive(batch_size, "batch_size", integer=True)
    if batch_size > len(X):
        raise ValueError(f"batch_size must be at most len(X) = {len(X)}, got {batch_size}")
    check_positive(stop_factor, "stop_factor")
    if stop_factor <= 1:
        raise ValueError(f"stop_factor must be > 1, got {stop_factor:g}")

    model = make_model()
    optimizer = SGD(lr=lr_min, momentum=momentum)
    schedule = np.geomspace(lr_min, lr_max, num_steps)
    lrs, losses = [], []
    best, avg = math.inf, 0.0
    batches = iter(())
    with np.errstate(over="ignore", invalid="ignore"):
        for k, lr in enumerate(schedule):
            batch = next(batches, None)
            if batch is None:  # a new pass over the data, freshly shuffled
                batches = iterate_minibatches(X, y, batch_size, rng=rng)
                batch = next(batches)
            X_batch, y_batch = batch
            scores = model.forward(X_batch)
            if not np.all(np.isfinite(scores)):  # the loss layers reject NaN/inf scores
                break
            value = float(loss.forward(scores, y_batch))
            if not math.isfinite(value):
                break
            lrs.append(float(lr))
            losses.append(value)
            avg = 0.9 * avg + 0.1 * value  # the same smoothing as smooth_losses
            smoothed = avg / (1 - 0.9 ** (k + 1))
            if smoothed > stop_factor * best:
                break
            best = min(best, smoothed)
            model.backward(loss.backward())
            optimizer.lr = float(lr)
            optimizer.step(model)
    return np.array(lrs), np.array(losses)


def smooth_losses(losses, beta: float = 0.9) -> np.ndarray:
    """Exponential moving average of a noisy loss curve, with bias correction.

    ``avg_k = beta·avg_{k-1} + (1 - beta)·loss_k`` (``avg_{-1} = 0``), returned as
    ``avg_k / (1 - beta^(k+1))`` so the first values are not pulled towards 0.

    Parameters
    ----------
    losses : array_like, shape (k,)
    beta : float in [0, 1), default 0.9
        0 returns the losses unchanged; closer to 1 is smoother (and lags more).

    Returns
    -------
    ndarray, shape (k,)
    """
    losses = as_float_array(losses, "losses", ndim=1)
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not 0 <= beta < 1:
        raise ValueError(f"beta must be a number in [0, 1), got {beta!r}")
    out = np.empty_like(losses, dtype=np.float64)
    avg = 0.0
    for k, value in enumerate(losses):
        avg = beta * avg + (1 - beta) * value
        out[k] = avg / (1 - beta ** (k + 1))
    return out


def suggest_learning_rate(lrs, losses, *, rule: str = "steepest", beta: float = 0.9) -> float:
    """Pick a learning rate from an LR range test (:func:`lr_range_test`).

    The losses are smoothed first (:func:`smooth_losses`). Two classic rules:

    - ``"steepest"`` (default): the rate where the smoothed loss falls fastest per decade of rate,
      i.e. the most negative slope of loss against ``log(lr)``, looking only up to the minimum.
    - ``"min/10"``: a tenth of the rate at the minimum of the smoothed loss — a safe distance
      below where training starts to blow up.

    Parameters
    ----------
    lrs : array_like, shape (k,), increasing positive rates (k >= 3)
    losses : array_like, shape (k,)
    rule : {"steepest", "min/10"}
    beta : float in [0, 1), smoothing of :func:`smooth_losses`

    Returns
    -------
    float
    """
    lrs = as_float_array(lrs, "lrs", ndim=1)
    losses = as_float_array(losses, "losses", ndim=1)
    if lrs.shape != losses.shape:
        raise ValueError(f"lrs and losses must have the same length, got {len(lrs)} and {len(losses)}")
    if len(lrs) < 3:
        raise ValueError(f"lrs needs at least 3 points to find a slope, got {len(lrs)}")
    if np.any(lrs <= 0) or np.any(np.diff(lrs) <= 0):
        raise ValueError("lrs must be positive and strictly increasing, as lr_range_test returns them")
    smoothed = smooth_losses(losses, beta)
    i_min = int(np.argmin(smoothed))
    if rule == "min/10":
        return float(lrs[i_min] / 10)
    if rule != "steepest":
        raise ValueError(f"rule must be 'steepest' or 'min/10', got {rule!r}")
    slope = np.gradient(smoothed, np.log(lrs))
    return float(lrs[int(np.argmin(slope[: i_min + 1]))])
