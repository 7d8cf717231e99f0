"""Chapter 2 — numerical derivatives, and checking analytic gradients against them.

Central differences ``(f(x + h) - f(x - h)) / 2h`` have error O(h²) (truncation) plus
O(ε/h) (round-off); ``h = 1e-5`` balances the two in float64. They are slow — one or two function
evaluations per parameter — which is exactly why backpropagation exists, but they are the
independent referee every backward pass in this course is checked against.
"""

from __future__ import annotations

import copy
import math
import numbers
from typing import Callable

import numpy as np

__all__ = ["numerical_derivative", "numerical_gradient", "relative_error", "check_layer"]


def _check_h(h) -> None:
    if isinstance(h, bool) or not isinstance(h, numbers.Real):
        raise TypeError(f"h must be a positive number, got {h!r}")
    if not (math.isfinite(h) and h > 0):
        raise ValueError(f"h must be a positive number (and finite), got {h!r}")


def numerical_derivative(f: Callable[[float], float], x: float, h: float = 1e-5) -> float:
    """Central-difference derivative of a scalar function: ``(f(x+h) - f(x-h)) / (2h)``.

    Parameters
    ----------
    f : callable, float -> float
    x : float
        Where to differentiate.
    h : float, default 1e-5
        Step size.

    Returns
    -------
    float
    """
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}")
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"x must be a real number, got {x!r}")
    if not math.isfinite(x):
        raise ValueError(f"x must be finite, got {x!r}")
    _check_h(h)
    return float((f(x + h) - f(x - h)) / (2 * h))


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Gradient of a scalar function of an array by central differences, one entry at a time.

    ``x`` is perturbed in place (so that ``f`` may close over it, as a layer's parameters do) and
    restored exactly afterwards.

    Parameters
    ----------
    f : callable, ndarray -> float
        Called with ``x`` itself, after each perturbation.
    x : ndarray of floats, any shape
    h : float, default 1e-5

    Returns
    -------
    ndarray, same shape as ``x`` (float64)
    """
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError("x must be a NumPy array of floats (it is perturbed in place)")
    _check_h(h)
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        try:
            x[idx] = original + h
            x_plus, f_plus = float(x[idx]), float(f(x))
            x[idx] = original - h
            x_minus, f_minus = float(x[idx]), float(f(x))
        finally:  # restore x even if f raises
            x[idx] = original
        if x_plus == x_minus:
            raise ValueError(f"h={h!r} is too small to change x[{idx}] = {original!r} in {x.dtype}; "
                             "use a larger h")
        grad[idx] = (f_plus - f_minus) / (x_plus - x_minus)  # the step actually taken (float32!)
    return grad


def relative_error(a, b) -> float:
    """Relative difference of two arrays, ``||a - b|| / max(||a||, ||b||)`` (Euclidean norms).

    0 when equal, about 1 when unrelated. Below about 1e-7 in float64 means an analytic gradient
    agrees with central differences. Norms, rather than entry by entry, so that entries that are
    nearly zero (where round-off dominates any finite difference) do not raise false alarms.
    Returns 0.0 when both arrays are all zeros.

    Parameters
    ----------
    a, b : array_like, same shape
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a has shape {a.shape} but b has shape {b.shape}; they must match")
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    if scale == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / scale)


def check_layer(layer, x, *, rng: np.random.Generator | None = None, h: float = 1e-5) -> dict[str, float]:
    """Check a layer's ``backward`` against central differences, for its input and every parameter.

    **The random-projection trick.** A layer maps an array to an array, but a numerical gradient
    needs ONE scalar. So the check draws a fixed random array ``G`` of the output's shape and
    differentiates ``L = sum(layer.forward(x) * G)`` — a random weighted sum ("projection") of all
    outputs. Its error signal is ``dL/d(output) = G`` exactly, so ``backward(G)`` must return
    ``dL/dx`` and store ``dL/d(param)`` in ``grads``: one backward call is compared with one
    numerical gradient per array, instead of one per output entry (the whole Jacobian). ``G`` is
    random, not all ones, so that errors cannot cancel: with ``G = 1`` a backward pass that
    swaps two output columns would still pass; with random weights a wrong Jacobian entry
    changes ``L``'s gradient (almost surely).

    **Precision.** Central differences are only accurate to about ``sqrt(ε)`` — 1e-3 in float32 —
    so a float32 layer (or float32 ``x``) is checked on a float64 *copy*: same weights, parameters
    converted, layers' ``dtype`` set to float64. A correct float32 layer therefore scores below
    1e-7 like any other, and the layer passed in is left untouched. A float64 layer is checked
    in place (its parameters are perturbed and restored exactly).

    Parameters
    ----------
    layer : object
        Has ``forward(x)``, ``backward(grad_out) -> grad_in`` and dicts ``params`` / ``grads``.
        A :class:`~course_lib.network.Sequential` qualifies too (its params are prefixed).
    x : ndarray of floats, shape (N, in_features)
    rng : numpy.random.Generator, optional
        Draws ``G``; defaults to ``np.random.default_rng(0)``.
    h : float, default 1e-5

    Returns
    -------
    dict
        ``{"x": err, "<param>": err, ...}`` — relative errors; all ≤ 1e-7 for a correct layer.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError("x must be a NumPy array of floats")
    rng = np.random.default_rng(0) if rng is None else rng
    if _is_float64(layer, x):
        x = x.copy()
    else:  # central differences need float64: check a float64 copy of the layer
        layer, x = _float64_copy(layer), x.astype(np.float64)
    G = rng.standard_normal(np.shape(layer.forward(x)))  # random weights for the outputs

    def loss(_=None) -> float:  # L = Σ output ⊙ G, so that dL/d(output) = G
        return float(np.sum(layer.forward(x) * G))

    layer.forward(x)
    analytic_dx = np.array(layer.backward(G), dtype=np.float64)
    analytic = {name: np.array(g, dtype=np.float64) for name, g in layer.grads.items()}
    errors = {"x": relative_error(analytic_dx, numerical_gradient(loss, x, h))}
    for name, param in layer.params.items():
        errors[name] = relative_error(analytic[name], numerical_gradient(loss, param, h))
    return errors


def _is_float64(layer, x: np.ndarray) -> bool:
    """Whether ``x`` and every parameter of ``layer`` are float64."""
    return x.dtype == np.float64 and all(
        np.asarray(p).dtype == np.float64 for p in layer.params.values()
    )


def _float64_copy(layer):
    """A deep copy of ``layer`` that computes in float64 (parameters and ``dtype`` converted)."""
    layer = copy.deepcopy(layer)
    for part in _parts(layer):
        for name, value in part.params.items():
            part.params[name] = np.asarray(value, dtype=np.float64)
        if isinstance(getattr(part, "dtype", None), np.dtype):
            part.dtype = np.dtype(np.float64)  # e.g. Linear converts its input to self.dtype
    return layer


def _parts(layer) -> list:
    """The layers holding parameters: ``layer`` itself, or, for a Sequential, its leaves."""
    inner = getattr(layer, "layers", None)
    if isinstance(inner, (list, tuple)):
        return [leaf for sub in inner for leaf in _parts(sub)]
    return [layer]
