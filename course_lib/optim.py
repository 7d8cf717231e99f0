"""Chapter 4 — Gradient descent: the update rule, ``SGD`` with momentum, and mini-batches.

Training a network means repeating one step, ``parameters -= learning_rate * gradient``. This
module holds that step in three forms:

- :func:`gradient_descent` runs the rule on a plain function of a vector ``x`` (shape ``(d,)``)
  and returns the whole trajectory, so chapter 4 can draw it on a loss surface;
- :class:`SGD` applies the rule (optionally with momentum) in place to every parameter of a
  model — anything with ``params`` and ``grads`` dicts, such as :class:`course_lib.network.Sequential`;
- :func:`iterate_minibatches` cuts a data set into shuffled mini-batches, one epoch per call.

It also has the small objectives the chapter draws: :func:`quadratic` and :func:`rosenbrock`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator, Mapping
from typing import Callable

import numpy as np

from course_lib._validation import as_float_array, check_positive

__all__ = [
    "gradient_descent",
    "SGD",
    "iterate_minibatches",
    "quadratic",
    "rosenbrock",
    "rosenbrock_grad",
]


def _check_count(value, name: str) -> int:
    """Return ``value`` as an int if it is an integer >= 0, else raise naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= 0, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- the update rule


def gradient_descent(grad_fn: Callable[[np.ndarray], np.ndarray], x0, lr: float,
                     steps: int) -> np.ndarray:
    """Run ``steps`` steps of gradient descent ``x <- x - lr * grad_fn(x)`` from ``x0``.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(x)`` returns the gradient at ``x``, an array of the same shape ``(d,)``. It is
        given a copy of ``x``, so it cannot spoil the trajectory by writing into its argument.
    x0 : array_like, shape (d,)
        Starting point (for a 1-D problem use ``np.array([3.0])``).
    lr : float
        Learning rate (step size), > 0.
    steps : int
        Number of updates, >= 0.

    Returns
    -------
    trajectory : ndarray, shape (steps + 1, d)
        Row ``t`` is the point after ``t`` steps; row 0 is ``x0``.

    Notes
    -----
    The full trajectory is always returned, even when a too-large ``lr`` makes it blow up:
    the values grow to ``inf`` and then ``nan`` and stay visible in the result (chapter 5 plots
    exactly that). The overflow warnings NumPy would print along the way are silenced.
    """
    x0 = as_float_array(x0, "x0", ndim=1)
    check_positive(lr, "lr")
    steps = _check_count(steps, "steps")
    trajectory = np.empty((steps + 1, x0.shape[0]), dtype=x0.dtype)
    trajectory[0] = x0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for t in range(steps):
            g = np.asarray(grad_fn(trajectory[t].copy()))
            if g.shape != x0.shape:
                raise ValueError(
                    f"grad_fn must return an array of the same shape as x0 {x0.shape}, "
                    f"got shape {g.shape} at step {t}"
                )
            trajectory[t + 1] = trajectory[t] - lr * g
    return trajectory


# --------------------------------------------------------------------------- SGD on a model


class SGD:
    """Stochastic gradient descent with optional (heavy-ball) momentum.

    For every parameter ``p`` of the model with gradient ``g``::

        v <- momentum * v - lr * g        # velocity, starts at 0
        p <- p + v

    With ``momentum=0`` this is plain gradient descent, ``p <- p - lr * g``.

    Parameters
    ----------
    lr : float
        Learning rate, > 0. A plain attribute you may change between steps (schedules do).
    momentum : float, default 0.0
        Fraction of the previous step kept, ``0 <= momentum < 1``.

    Notes
    -----
    Updates are in place and keep each parameter's dtype (float32 stays float32). One velocity
    buffer per parameter key is created on the first step, with the parameter's dtype and shape;
    :meth:`reset` forgets them (e.g. before training a new model with the same optimizer).
    """

    def __init__(self, lr: float, momentum: float = 0.0) -> None:
        self.lr = lr
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real):
            raise TypeError(f"momentum must be a number in [0, 1), got {momentum!r}")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must satisfy 0 <= momentum < 1, got {momentum!r}")
        self.momentum = float(momentum)
        self.velocity: dict[str, np.ndarray] = {}
        self._scratch: dict[str, np.ndarray] = {}

    @property
    def lr(self) -> float:
        """The learning rate used by the next :meth:`step` (settable, must stay > 0)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        check_positive(value, "lr")
        self._lr = float(value)

    def __repr__(self) -> str:
        return f"SGD(lr={self._lr!r}, momentum={self.momentum!r})"

    def reset(self) -> None:
        """Forget the velocity buffers (momentum starts again from zero)."""
        self.velocity.clear()
        self._scratch.clear()

    def step(self, model) -> None:
        """Update ``model.params`` in place using ``model.grads`` (call after ``backward``).

        Parameters
        ----------
        model : object
            Anything with dicts ``params`` and ``grads`` having the same keys, each gradient
            an array of the same shape as its parameter.
        """
        params, grads = _params_and_grads(model)
        lr, momentum = self._lr, self.momentum
        for key, p in params.items():
            g = grads[key]
            scratch = self._buffer(self._scratch, key, p)
            np.multiply(g, lr, out=scratch)              # scratch = lr * g, no new array
            if momentum == 0.0:
                p -= scratch                             # p <- p - lr * g
                continue
            v = self._buffer(self.velocity, key, p)
            v *= momentum
            v -= scratch                                 # v <- momentum * v - lr * g
            p += v                                       # p <- p + v

    @staticmethod
    def _buffer(store: dict, key: str, p: np.ndarray) -> np.ndarray:
        """A zero-initialised buffer like ``p`` kept under ``key`` (re-made if ``p`` changed)."""
        buf = store.get(key)
        if buf is None or buf.shape != p.shape or buf.dtype != p.dtype:
            buf = store[key] = np.zeros_like(p)
        return buf


def _params_and_grads(model) -> tuple[Mapping, Mapping]:
    """Return ``model.params`` and ``model.grads`` after checking they fit together."""
    params = getattr(model, "params", None)
    grads = getattr(model, "grads", None)
    if not isinstance(params, Mapping) or not isinstance(grads, Mapping):
        raise TypeError(
            "model must have dicts `params` and `grads` (like course_lib.network.Sequential), "
            f"got {type(model).__name__}"
        )
    for key, p in params.items():
        if not isinstance(p, np.ndarray):
            raise TypeError(f"model.params[{key!r}] must be a NumPy array to update in place, "
                            f"got {type(p).__name__}")
        g = grads.get(key)
        if g is None:
            raise ValueError(f"model.grads has no gradient for {key!r}; call backward() first")
        if np.shape(g) != p.shape:
            raise ValueError(f"model.grads[{key!r}] has shape {np.shape(g)} but "
                             f"model.params[{key!r}] has shape {p.shape}")
    return params, grads


# --------------------------------------------------------------------------- mini-batches


def iterate_minibatches(X, y, batch_size: int, rng: np.random.Generator | None = None,
                        shuffle: bool = True) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` pairs covering every example exactly once (one epoch).

    Parameters
    ----------
    X : ndarray, shape (N, ...)
        Inputs, one example per row.
    y : ndarray, shape (N, ...)
        Targets, one per row of ``X``.
    batch_size : int
        Examples per batch, ``1 <= batch_size <= N``. The last batch holds the remainder and
        may be smaller, so there are ``ceil(N / batch_size)`` batches.
    rng : numpy.random.Generator, optional
        Source of the shuffle; required when ``shuffle=True``.
    shuffle : bool, default True
        Visit the examples in a fresh random order (one permutation per call). With
        ``shuffle=False`` the batches are consecutive slices (views, no copy).

    Yields
    ------
    X_batch : ndarray, shape (B, ...)
    y_batch : ndarray, shape (B, ...)
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError("X and y must be arrays with one example per row, got a scalar")
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X and y must have the same length: len(X) = {n}, len(y) = {len(y)}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise TypeError(f"batch_size must be an integer, got {batch_size!r}")
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be between 1 and len(X) = {n}, got {batch_size}")
    if shuffle and not isinstance(rng, np.random.Generator):
        raise TypeError(
            "shuffle=True needs a random generator: pass rng=np.random.default_rng(seed) "
            f"(got rng={rng!r}), or shuffle=False"
        )
    return _batches(X, y, int(batch_size), rng.permutation(n) if shuffle else None)


def _batches(X, y, batch_size, order) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The generator behind :func:`iterate_minibatches` (kept apart so errors raise at once)."""
    for start in range(0, len(X), batch_size):
        if order is None:
            yield X[start:start + batch_size], y[start:start + batch_size]
        else:
            idx = order[start:start + batch_size]
            yield X[idx], y[idx]


# --------------------------------------------------------------------------- objectives


def quadratic(A, b=None) -> tuple[Callable, Callable]:
    """The quadratic bowl ``f(x) = ½ xᵀA x − bᵀx`` and its gradient ``A x − b``.

    For a symmetric positive-definite ``A`` the unique minimiser is ``x* = A⁻¹ b`` and the
    condition number ``λ_max / λ_min`` of ``A`` sets how elongated the bowl is.

    Parameters
    ----------
    A : array_like, shape (d, d)
        Symmetric matrix (the Hessian of ``f``).
    b : array_like, shape (d,), optional
        Linear term; zeros by default (minimum at the origin).

    Returns
    -------
    f : callable
        ``f(x)`` for ``x`` of shape ``(..., d)`` returns shape ``(...)`` — so a grid of points
        of shape ``(H, W, d)`` gives a ``(H, W)`` surface for a contour plot.
    grad : callable
        ``grad(x)`` for ``x`` of shape ``(..., d)`` returns shape ``(..., d)``.

    Both accept the ``inf``/``nan`` of a diverged trajectory and return ``inf``/``nan``
    without warnings.
    """
    A = as_float_array(A, "A", ndim=2)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be square (d, d), got shape {A.shape}")
    if not np.allclose(A, A.T):
        raise ValueError("A must be symmetric (A == A.T); use (A + A.T) / 2")
    d = A.shape[0]
    b = np.zeros(d) if b is None else as_float_array(b, "b", ndim=1)
    if b.shape != (d,):
        raise ValueError(f"b must have shape ({d},) to match A, got {b.shape}")

    def f(x):
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged path gives inf/nan
            return 0.5 * np.einsum("...i,ij,...j->...", x, A, x) - x @ b

    def grad(x):
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            return x @ A - b                             # = A x - b, since A is symmetric

    f.__doc__ = "f(x) = ½ xᵀA x − bᵀx for x of shape (..., d)."
    grad.__doc__ = "∇f(x) = A x − b for x of shape (..., d)."
    return f, grad


def rosenbrock(x, a: float = 1.0, b: float = 100.0):
    """Rosenbrock's banana valley ``f(x, y) = (a − x)² + b (y − x²)²``, minimum 0 at ``(a, a²)``.

    Parameters
    ----------
    x : array_like, shape (..., 2)
        Points; the last axis holds ``(x, y)``.

    Returns
    -------
    ndarray, shape (...)
    """
    x = np.asarray(x, dtype=np.float64)
    u, v = x[..., 0], x[..., 1]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged path gives inf/nan
        return (a - u) ** 2 + b * (v - u**2) ** 2


def rosenbrock_grad(x, a: float = 1.0, b: float = 100.0):
    """Gradient of :func:`rosenbrock`: ``(−2(a − x) − 4b x (y − x²),  2b (y − x²))``.

    Parameters
    ----------
    x : array_like, shape (..., 2)

    Returns
    -------
    ndarray, shape (..., 2)
    """
    x = np.asarray(x, dtype=np.float64)
    u, v = x[..., 0], x[..., 1]
    with np.errstate(over="ignore", invalid="ignore"):
        r = v - u**2
        return np.stack([-2.0 * (a - u) - 4.0 * b * u * r, 2.0 * b * r], axis=-1)
