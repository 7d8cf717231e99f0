"""Chapter 4 — Gradient descent: the update rule, optimizers (SGD, AdaGrad, RMSProp, Adam), mini-batches.

Training a network means repeating one step, ``parameters -= learning_rate * gradient``. This
module holds that step in several forms:

- :func:`gradient_descent` runs the rule on a plain function of a vector ``x`` (shape ``(d,)``)
  and returns the whole trajectory, so chapter 4 can draw it on a loss surface;
- :class:`SGD` (with optional momentum, Nesterov momentum and weight decay), :class:`AdaGrad`,
  :class:`RMSProp` and :class:`Adam` apply an update rule in place to every parameter of a
  model — anything with ``params`` and ``grads`` dicts, such as
  :class:`course_lib.network.Sequential`. Their rules and defaults are the ones PyTorch documents
  for ``torch.optim.SGD``, ``Adagrad``, ``RMSprop`` and ``Adam``;
- :func:`iterate_minibatches` cuts a data set into shuffled mini-batches, one epoch per call.

It also has the small objectives the chapter draws: :func:`quadratic` and :func:`rosenbrock`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator, Mapping
from typing import Callable

import numpy as np

from course_lib._validation import as_float_array, as_number, check_flag, check_positive

__all__ = [
    "gradient_descent",
    "SGD",
    "AdaGrad",
    "RMSProp",
    "Adam",
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
        Row ``t`` is the point after ``t`` steps; row 0 is ``x0``. Same float dtype as ``x0``.

    Raises
    ------
    TypeError
        ``grad_fn`` is not callable or returns complex numbers; ``x0`` is not real; ``steps``
        is not an integer.
    ValueError
        ``x0`` is not a non-empty vector of finite numbers; ``lr <= 0`` (or NaN); ``steps < 0``;
        ``grad_fn`` returns the wrong shape.

    Notes
    -----
    The full trajectory is always returned, even when a too-large ``lr`` makes it blow up:
    the values grow to ``inf`` and then ``nan`` and stay visible in the result (chapter 5 plots
    exactly that). The overflow warnings NumPy would print along the way are silenced.
    """
    x0, steps = _descent_inputs(grad_fn, x0, lr, steps)
    trajectory = np.empty((steps + 1, x0.shape[0]), dtype=x0.dtype)
    trajectory[0] = x0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for t in range(steps):
            g = _gradient(grad_fn, trajectory[t], t)
            trajectory[t + 1] = trajectory[t] - lr * g
    return trajectory


def _descent_inputs(grad_fn, x0, lr, steps) -> tuple[np.ndarray, int]:
    """The checks of :func:`gradient_descent`: ``x0`` as a finite, non-empty float vector."""
    if not callable(grad_fn):
        raise TypeError(f"grad_fn must be a function x -> gradient, got {type(grad_fn).__name__}")
    x0 = as_float_array(x0, "x0", ndim=1, allow_empty=False)
    check_positive(lr, "lr")
    return x0, _check_count(steps, "steps")


def _gradient(grad_fn, x: np.ndarray, t: int) -> np.ndarray:
    """``grad_fn`` at a copy of ``x``, checked to be a real array of ``x``'s shape."""
    g = np.asarray(grad_fn(x.copy()))
    if g.dtype.kind not in "biuf":
        raise TypeError(f"grad_fn must return real numbers, got dtype {g.dtype} at step {t}")
    if g.shape != x.shape:
        raise ValueError(f"grad_fn must return an array of the same shape as x0 {x.shape}, "
                         f"got shape {g.shape} at step {t}")
    return g


# --------------------------------------------------------------------------- optimizers on a model


def _check_real(value, name: str, *, low: float = 0.0, high: float | None = None,
                low_ok: bool = True, high_ok: bool = False) -> float:
    """Return ``value`` as a float if it is a finite real number in the given interval, else raise.

    The interval is ``[low, high)`` by default (``low_ok``/``high_ok`` say whether each end is
    included; ``high=None`` means no upper end). The message names ``name``.
    """
    value = as_number(value, name)
    lo_sym, hi_sym = ("<=" if low_ok else "<"), ("<=" if high_ok else "<")
    wanted = f"{low:g} {lo_sym} {name}" + ("" if high is None else f" {hi_sym} {high:g}")
    too_low = value < low or (value == low and not low_ok)
    too_high = high is not None and (value > high or (value == high and not high_ok))
    if too_low or too_high:
        raise ValueError(f"{name} must satisfy {wanted}, got {value!r}")
    return value


def _check_flag(value, name: str) -> bool:
    """``value`` as a bool; a TypeError naming ``name`` unless it is True or False."""
    check_flag(value, name)
    return bool(value)


class _Optimizer:
    """What every optimizer shares: a settable ``lr``, per-parameter state, ``step`` and ``reset``.

    A subclass lists the arrays it keeps per parameter in ``_state_names`` (each starts as zeros
    like the parameter) and implements ``_update(p, g, state)``, the rule for ONE parameter
    array ``p`` with gradient ``g``; ``state`` is that parameter's dict of arrays plus
    ``state["step"]``, the number of updates it has had before this one.
    """

    _state_names: tuple[str, ...] = ()

    def __init__(self, lr: float, weight_decay: float) -> None:
        self.lr = lr
        self.weight_decay = _check_real(weight_decay, "weight_decay")
        self.state: dict[str, dict] = {}

    @property
    def lr(self) -> float:
        """The learning rate used by the next :meth:`step` (settable, must stay > 0)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        check_positive(value, "lr")
        self._lr = float(value)

    def reset(self) -> None:
        """Forget every parameter's state (buffers and step counts start again from zero)."""
        self.state.clear()

    def step(self, model) -> None:
        """Update ``model.params`` in place using ``model.grads`` (call after ``backward``).

        Parameters
        ----------
        model : object
            Anything with dicts ``params`` and ``grads`` having the same keys, each gradient
            an array of the same shape as its parameter (a float array, updated in place).

        Raises
        ------
        TypeError
            ``model`` lacks the dicts, or a parameter is not a float NumPy array.
        ValueError
            A gradient is missing or has the wrong shape.
        """
        params, grads = _params_and_grads(model)
        for key, p in params.items():
            self._update(p, grads[key], self._state_for(key, p))

    def _state_for(self, key: str, p: np.ndarray) -> dict:
        """The state of parameter ``key``, made afresh if new or if ``p`` changed shape or dtype."""
        state = self.state.get(key)
        if state is None or state["shape"] != p.shape or state["dtype"] != p.dtype:
            state = self.state[key] = self._new_state(p)
            state.update(step=0, shape=p.shape, dtype=p.dtype)
        return state

    def _new_state(self, p: np.ndarray) -> dict:
        return {name: np.zeros_like(p) for name in self._state_names}

    def _decayed(self, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        """``g + weight_decay * p`` (the L2 penalty's gradient added; a new array), or ``g``."""
        return g + self.weight_decay * p if self.weight_decay else g

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict) -> None:
        raise NotImplementedError


class SGD(_Optimizer):
    """Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay.

    For every parameter ``p`` with gradient ``g``, as PyTorch documents ``torch.optim.SGD``
    (https://docs.pytorch.org/docs/stable/generated/torch.optim.SGD.html, dampening 0)::

        g <- g + weight_decay * p              # if weight_decay != 0 (the L2 penalty's gradient)
        b <- momentum * b + g                  # if momentum != 0; the buffer b starts at 0
        g <- g + momentum * b  if nesterov  else  b
        p <- p - lr * g

    With ``momentum=0`` this is plain gradient descent, ``p <- p - lr * g``. Textbooks often
    write momentum as a velocity in parameter units, ``v <- momentum * v - lr * g; p <- p + v``.
    For a constant ``lr`` the two are the same method (``v = -lr * b``); they differ only when
    ``lr`` changes between steps: PyTorch's buffer ``b`` remembers gradients, so a new ``lr``
    scales the whole remembered step at once.

    Parameters
    ----------
    lr : float
        Learning rate, > 0. A plain attribute you may change between steps (schedules do).
    momentum : float, default 0.0
        Fraction of the buffer kept each step, ``0 <= momentum < 1`` (PyTorch also accepts
        values >= 1, which make the steps grow without bound; we reject them).
    weight_decay : float, default 0.0
        ``λ >= 0``: adds ``λ p`` to each gradient (the gradient of ``λ/2 ‖p‖²``; not AdamW's
        decoupled decay).
    nesterov : bool, default False
        Nesterov momentum; needs ``momentum > 0``, as in PyTorch.

    Notes
    -----
    Updates are in place and keep each parameter's dtype (float32 stays float32), and they
    allocate no new arrays: each parameter gets a work buffer and a momentum buffer
    (``state[key]["momentum_buffer"]``, unused while ``momentum`` is 0) on its first step.
    :meth:`reset` forgets them.
    """

    _state_names = ("work", "momentum_buffer")

    def __init__(self, lr: float, momentum: float = 0.0, weight_decay: float = 0.0,
                 nesterov: bool = False) -> None:
        super().__init__(lr, weight_decay)
        self.momentum = _check_real(momentum, "momentum", high=1.0)
        self.nesterov = _check_flag(nesterov, "nesterov")
        if self.nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs momentum > 0 (as in torch.optim.SGD)")

    def __repr__(self) -> str:
        return (f"SGD(lr={self._lr!r}, momentum={self.momentum!r}, "
                f"weight_decay={self.weight_decay!r}, nesterov={self.nesterov!r})")

    def _update(self, p, g, state) -> None:
        lr, mu, work = self._lr, self.momentum, state["work"]
        if self.weight_decay:
            np.multiply(p, self.weight_decay, out=work)
            work += g
            g = work                                     # g <- g + λ p
        if mu:
            b = state["momentum_buffer"]
            b *= mu
            b += g                                       # b <- μ b + g
            if self.nesterov:                            # p <- p - lr (g + μ b)
                np.multiply(g, lr, out=work)
                p -= work
                np.multiply(b, lr * mu, out=work)
                p -= work
                return
            g = b
        np.multiply(g, lr, out=work)                     # work = lr * g, no new array
        p -= work                                        # p <- p - lr * g


class AdaGrad(_Optimizer):
    """AdaGrad: each parameter's step is divided by the root of its summed squared gradients.

    For every parameter ``p`` with gradient ``g``, at step ``t = 1, 2, …``, as PyTorch documents
    ``torch.optim.Adagrad`` (https://docs.pytorch.org/docs/stable/generated/torch.optim.Adagrad.html;
    Duchi, Hazan & Singer, JMLR 2011)::

        lr_t  = lr / (1 + (t - 1) * lr_decay)
        g    <- g + weight_decay * p             # if weight_decay != 0
        sum  <- sum + g²                         # sum starts at initial_accumulator_value
        p    <- p - lr_t * g / (sqrt(sum) + eps)

    A coordinate that keeps getting large gradients gets small steps, a flat one large steps.
    ``sum`` only grows, so the steps shrink for ever (RMSProp fixes that).

    Parameters
    ----------
    lr : float, default 0.01
        Learning rate, > 0 (settable between steps).
    lr_decay : float, default 0
        ``>= 0``; the rate at step ``t`` is ``lr / (1 + (t-1) lr_decay)``.
    weight_decay : float, default 0
        ``λ >= 0``: adds ``λ p`` to each gradient.
    initial_accumulator_value : float, default 0
        ``>= 0``, the starting value of ``sum``.
    eps : float, default 1e-10
        ``> 0``, added to ``sqrt(sum)`` so a zero gradient gives a zero step, not 0/0
        (1e-10 is far above float32's smallest normal number, 1.2e-38).

    Notes
    -----
    Updates are in place and keep each parameter's dtype; ``state[key]["sum"]`` holds the sum.
    """

    _state_names = ("sum",)

    def __init__(self, lr: float = 0.01, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> None:
        super().__init__(lr, weight_decay)
        self.lr_decay = _check_real(lr_decay, "lr_decay")
        self.initial_accumulator_value = _check_real(initial_accumulator_value,
                                                     "initial_accumulator_value")
        self.eps = _check_real(eps, "eps", low_ok=False)

    def __repr__(self) -> str:
        return (f"AdaGrad(lr={self._lr!r}, lr_decay={self.lr_decay!r}, "
                f"weight_decay={self.weight_decay!r}, "
                f"initial_accumulator_value={self.initial_accumulator_value!r}, eps={self.eps!r})")

    def _new_state(self, p):
        return {"sum": np.full_like(p, self.initial_accumulator_value)}

    def _update(self, p, g, state) -> None:
        state["step"] += 1
        lr_t = self._lr / (1 + (state["step"] - 1) * self.lr_decay)
        g = self._decayed(p, g)
        s = state["sum"]
        s += g * g                                       # sum <- sum + g²
        p -= lr_t * g / (np.sqrt(s) + self.eps)          # p <- p - lr_t g / (√sum + ε)


class RMSProp(_Optimizer):
    """RMSProp: like AdaGrad, but a moving AVERAGE of squared gradients, so steps do not die out.

    For every parameter ``p`` with gradient ``g``, as PyTorch documents ``torch.optim.RMSprop``
    (https://docs.pytorch.org/docs/stable/generated/torch.optim.RMSprop.html; Hinton, Coursera
    lecture 6e, 2012; centered: Graves, arXiv:1308.0850)::

        g   <- g + weight_decay * p                    # if weight_decay != 0
        v   <- alpha * v + (1 - alpha) * g²            # v starts at 0
        ṽ   =  v - g_avg²  with  g_avg <- alpha * g_avg + (1 - alpha) * g   if centered, else v
        b   <- momentum * b + g / (sqrt(ṽ) + eps);  p <- p - lr * b       if momentum > 0
        p   <- p - lr * g / (sqrt(ṽ) + eps)                                 otherwise

    Parameters
    ----------
    lr : float, default 0.01
        Learning rate, > 0 (settable between steps).
    alpha : float, default 0.99
        Smoothing constant, ``0 <= alpha < 1`` (the average spans about ``1/(1-alpha)`` steps).
    eps : float, default 1e-8
        ``> 0``, added to the root (representable in float32, whose smallest normal is 1.2e-38).
    weight_decay : float, default 0
        ``λ >= 0``: adds ``λ p`` to each gradient.
    momentum : float, default 0
        ``0 <= momentum < 1``; momentum on the rescaled gradient.
    centered : bool, default False
        Divide by an estimate of the gradient's standard deviation instead of its RMS.

    Notes
    -----
    ``v - g_avg²`` is never negative in exact arithmetic; we clip round-off below 0 to 0 (where
    PyTorch would take the root of a tiny negative number and get NaN). Updates are in place and
    keep each parameter's dtype; ``state[key]`` holds ``square_avg``, ``grad_avg``,
    ``momentum_buffer``.
    """

    _state_names = ("square_avg", "grad_avg", "momentum_buffer")

    def __init__(self, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False) -> None:
        super().__init__(lr, weight_decay)
        self.alpha = _check_real(alpha, "alpha", high=1.0)
        self.eps = _check_real(eps, "eps", low_ok=False)
        self.momentum = _check_real(momentum, "momentum", high=1.0)
        self.centered = _check_flag(centered, "centered")

    def __repr__(self) -> str:
        return (f"RMSProp(lr={self._lr!r}, alpha={self.alpha!r}, eps={self.eps!r}, "
                f"weight_decay={self.weight_decay!r}, momentum={self.momentum!r}, "
                f"centered={self.centered!r})")

    def _update(self, p, g, state) -> None:
        state["step"] += 1
        a = self.alpha
        g = self._decayed(p, g)
        v = state["square_avg"]
        v *= a
        v += (1 - a) * g * g                             # v <- α v + (1-α) g²
        if self.centered:
            g_avg = state["grad_avg"]
            g_avg *= a
            g_avg += (1 - a) * g                         # g_avg <- α g_avg + (1-α) g
            denom = np.sqrt(np.maximum(v - g_avg * g_avg, 0)) + self.eps
        else:
            denom = np.sqrt(v) + self.eps                # √v + ε
        if self.momentum:
            b = state["momentum_buffer"]
            b *= self.momentum
            b += g / denom                               # b <- μ b + g / (√ṽ + ε)
            p -= self._lr * b
        else:
            p -= self._lr * g / denom                    # p <- p - lr g / (√ṽ + ε)


class Adam(_Optimizer):
    """Adam: momentum on the gradient AND an RMSProp-style step size, both bias-corrected.

    For every parameter ``p`` with gradient ``g``, at step ``t = 1, 2, …``, as PyTorch documents
    ``torch.optim.Adam`` (https://docs.pytorch.org/docs/stable/generated/torch.optim.Adam.html;
    Kingma & Ba, ICLR 2015, Algorithm 1)::

        g  <- g + weight_decay * p                 # if weight_decay != 0 (L2, not AdamW)
        m  <- beta1 * m + (1 - beta1) * g          # first moment, starts at 0
        v  <- beta2 * v + (1 - beta2) * g²         # second moment, starts at 0
        m̂  =  m / (1 - beta1**t);   v̂ = v / (1 - beta2**t)     # bias correction
        p  <- p - lr * m̂ / (sqrt(v̂) + eps)

    Without the bias correction the first steps would be far too small: after one step
    ``m = (1 - beta1) g`` is only a tenth of ``g``. With it, the first step is ``lr·g/(|g|+eps)``,
    i.e. about ``lr`` in every coordinate.

    Parameters
    ----------
    lr : float, default 0.001
        Learning rate, > 0 (settable between steps).
    betas : (float, float), default (0.9, 0.999)
        ``(beta1, beta2)``, each ``0 <= beta < 1``.
    eps : float, default 1e-8
        ``> 0``, added to ``sqrt(v̂)`` (representable in float32, whose smallest normal is
        1.2e-38).
    weight_decay : float, default 0
        ``λ >= 0``: adds ``λ p`` to each gradient.

    Notes
    -----
    Updates are in place and keep each parameter's dtype; ``state[key]`` holds ``exp_avg`` (m),
    ``exp_avg_sq`` (v) and ``step`` (t - 1 before the update).
    """

    _state_names = ("exp_avg", "exp_avg_sq")

    def __init__(self, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (_check_real(betas[0], "betas[0]", high=1.0),
                      _check_real(betas[1], "betas[1]", high=1.0))
        self.eps = _check_real(eps, "eps", low_ok=False)

    def __repr__(self) -> str:
        return (f"Adam(lr={self._lr!r}, betas={self.betas!r}, eps={self.eps!r}, "
                f"weight_decay={self.weight_decay!r})")

    def _update(self, p, g, state) -> None:
        state["step"] += 1
        t, (b1, b2) = state["step"], self.betas
        g = self._decayed(p, g)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= b1
        m += (1 - b1) * g                                # m <- β1 m + (1-β1) g
        v *= b2
        v += (1 - b2) * g * g                            # v <- β2 v + (1-β2) g²
        m_hat = m / (1 - b1**t)                          # bias corrections
        v_hat = v / (1 - b2**t)
        p -= self._lr * m_hat / (np.sqrt(v_hat) + self.eps)


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
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            what = f"dtype {p.dtype}" if isinstance(p, np.ndarray) else type(p).__name__
            raise TypeError(f"model.params[{key!r}] must be a float NumPy array to update in "
                            f"place, got {what}")
        g = grads.get(key)
        if g is None:
            raise ValueError(f"model.grads has no gradient for {key!r}; call backward() first")
        if np.shape(g) != p.shape:
            raise ValueError(f"model.grads[{key!r}] has shape {np.shape(g)} but "
                             f"model.params[{key!r}] has shape {p.shape}")
        if np.asarray(g).dtype.kind not in "fiu":
            raise TypeError(f"model.grads[{key!r}] must hold real numbers, "
                            f"got dtype {np.asarray(g).dtype}")
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

    Raises
    ------
    TypeError
        ``X`` or ``y`` holds non-real data (complex, text, objects); ``batch_size`` is not an
        integer; ``shuffle`` is not a bool; ``shuffle=True`` without a ``numpy.random.Generator``.
    ValueError
        ``X`` or ``y`` is a scalar, empty, or holds NaN/inf; their lengths differ;
        ``batch_size`` is out of range. (Raised at the call, not at the first ``next``.)
    """
    X, y, batch_size = _minibatch_inputs(X, y, batch_size, rng, shuffle)
    return _batches(X, y, batch_size, rng.permutation(len(X)) if shuffle else None)


def _examples(arr, name: str) -> np.ndarray:
    """``arr`` as an array of real numbers with at least one row and no NaN/inf; dtype kept."""
    arr = np.asarray(arr)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim == 0:
        raise ValueError(f"{name} must be an array with one example per row, got a scalar")
    if len(arr) == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one example")
    if arr.dtype.kind == "f":
        with np.errstate(over="ignore", invalid="ignore"):
            finite = np.isfinite(arr.sum()) or np.all(np.isfinite(arr))  # one fast pass first
        if not finite:
            raise ValueError(f"{name} contains NaN or inf; check the values that produced it")
    return arr


def _minibatch_inputs(X, y, batch_size, rng, shuffle) -> tuple[np.ndarray, np.ndarray, int]:
    """The checks of :func:`iterate_minibatches`."""
    X, y = _examples(X, "X"), _examples(y, "y")
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X and y must have the same length: len(X) = {n}, len(y) = {len(y)}")
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, numbers.Integral):
        raise TypeError(f"batch_size must be an integer, got {batch_size!r}")
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be between 1 and len(X) = {n}, got {batch_size}")
    check_flag(shuffle, "shuffle")
    if shuffle and not isinstance(rng, np.random.Generator):
        raise TypeError(
            "shuffle=True needs a random generator: pass rng=np.random.default_rng(seed) "
            f"(got rng={rng!r}), or shuffle=False"
        )
    return X, y, int(batch_size)


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
    without warnings; they raise ``ValueError`` if the last axis of ``x`` is not ``d`` long and
    ``TypeError`` for complex ``x``.

    Raises
    ------
    TypeError
        ``A`` or ``b`` holds non-real numbers.
    ValueError
        ``A`` is empty, not square, not symmetric (beyond round-off: ``|A − Aᵀ|`` at most
        ``64 ε max|A|``), or holds NaN/inf; ``b`` has the wrong shape or holds NaN/inf.
    """
    A, b = _quadratic_inputs(A, b)
    d = A.shape[0]

    def f(x):
        x = _points(x, d, "x")
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged path gives inf/nan
            return 0.5 * np.einsum("...i,ij,...j->...", x, A, x) - x @ b

    def grad(x):
        x = _points(x, d, "x")
        with np.errstate(over="ignore", invalid="ignore"):
            return x @ A - b                             # = A x - b, since A is symmetric

    f.__doc__ = "f(x) = ½ xᵀA x − bᵀx for x of shape (..., d)."
    grad.__doc__ = "∇f(x) = A x − b for x of shape (..., d)."
    return f, grad


def _quadratic_inputs(A, b) -> tuple[np.ndarray, np.ndarray]:
    """The checks of :func:`quadratic`: ``A`` square and symmetric up to round-off, ``b`` (d,)."""
    A = as_float_array(A, "A", ndim=2, allow_empty=False).astype(np.float64)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be square (d, d), got shape {A.shape}")
    asymmetry, scale = np.max(np.abs(A - A.T)), np.max(np.abs(A))
    if asymmetry > 64 * np.finfo(np.float64).eps * scale:  # relative: any scale, only round-off
        raise ValueError(f"A must be symmetric (A == A.T), but max |A - A.T| = {asymmetry:.3g} "
                         f"for entries up to {scale:.3g}; use (A + A.T) / 2")
    d = A.shape[0]
    b = np.zeros(d) if b is None else as_float_array(b, "b", ndim=1).astype(np.float64)
    if b.shape != (d,):
        raise ValueError(f"b must have shape ({d},) to match A, got {b.shape}")
    return A, b


def _points(x, d: int, name: str) -> np.ndarray:
    """``x`` as float64 points of shape ``(..., d)``; NaN/inf allowed (a diverged path)."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {x.dtype}")
    if x.ndim == 0 or x.shape[-1] != d:
        raise ValueError(f"{name} must have shape (..., {d}) — its last axis holds the {d} "
                         f"coordinates — got shape {x.shape}")
    return x.astype(np.float64, copy=False)


def rosenbrock(x, a: float = 1.0, b: float = 100.0):
    """Rosenbrock's banana valley ``f(x, y) = (a − x)² + b (y − x²)²``, minimum 0 at ``(a, a²)``.

    Parameters
    ----------
    x : array_like, shape (..., 2)
        Points; the last axis holds ``(x, y)``. NaN/inf (a diverged path) give NaN/inf quietly.
    a, b : float
        The constants (finite real numbers).

    Returns
    -------
    ndarray, shape (...)

    Raises
    ------
    TypeError
        ``x`` is not real (complex, text), or ``a``/``b`` is not a real number.
    ValueError
        The last axis of ``x`` is not 2 long; ``a`` or ``b`` is NaN/inf.
    """
    x, a, b = _points(x, 2, "x"), as_number(a, "a"), as_number(b, "b")
    u, v = x[..., 0], x[..., 1]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged path gives inf/nan
        return (a - u) ** 2 + b * (v - u**2) ** 2


def rosenbrock_grad(x, a: float = 1.0, b: float = 100.0):
    """Gradient of :func:`rosenbrock`: ``(−2(a − x) − 4b x (y − x²),  2b (y − x²))``.

    Parameters
    ----------
    x : array_like, shape (..., 2)
    a, b : float

    Returns
    -------
    ndarray, shape (..., 2)

    Raises
    ------
    TypeError, ValueError
        As :func:`rosenbrock`.
    """
    x, a, b = _points(x, 2, "x"), as_number(a, "a"), as_number(b, "b")
    u, v = x[..., 0], x[..., 1]
    with np.errstate(over="ignore", invalid="ignore"):
        r = v - u**2
        return np.stack([-2.0 * (a - u) - 4.0 * b * u * r, 2.0 * b * r], axis=-1)
