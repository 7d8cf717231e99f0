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

from course_lib._validation import as_float_array, as_number

__all__ = ["numerical_derivative", "numerical_gradient", "relative_error", "check_layer"]


def numerical_derivative(f: Callable[[float], float], x: float, h: float = 1e-5) -> float:
    """Central-difference derivative of a scalar function: ``(f(x+h) - f(x-h)) / (2h)``.

    Parameters
    ----------
    f : callable, float -> float
    x : float
        Where to differentiate (a NumPy scalar is converted to a Python float).
    h : float, default 1e-5
        Step size.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        ``f`` not callable, or returns something other than one real number; ``x`` or ``h``
        not a real number.
    ValueError
        ``x`` or ``h`` not finite, ``h <= 0``, ``h`` so small that ``x ± h == x`` in float64
        (the same error as :func:`numerical_gradient`), or ``f`` returns NaN/inf.
    """
    f, x, h = _check_derivative_args(f, x, h)
    return (_value(f, x + h) - _value(f, x - h)) / (2 * h)  # _value(f, x): f(x), checked to be a number


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Gradient of a scalar function of an array by central differences, one entry at a time.

    ``x`` is perturbed in place (so that ``f`` may close over it, as a layer's parameters do) and
    restored exactly afterwards. The difference is divided by the step actually taken,
    ``x[i]+h − (x[i]−h)`` after rounding to ``x``'s dtype, which keeps float32 arrays honest —
    but a float32 ``x`` (or an ``f`` computing in float32) still only gives about 3 correct
    digits (round-off ``ε/h`` with ``ε ≈ 1e-7``): compare against a float64 copy, as
    :func:`check_layer` does, when you want the 1e-7 agreement.

    Parameters
    ----------
    f : callable, ndarray -> float
        Called with ``x`` itself, after each perturbation.
    x : ndarray of floats, any shape, writeable, finite, non-empty
    h : float, default 1e-5

    Returns
    -------
    ndarray, same shape as ``x`` (float64)

    Raises
    ------
    TypeError
        ``f`` not callable or not returning one real number; ``x`` not a float ndarray (it is
        perturbed in place, so a list or an int array cannot be used); ``h`` not a number.
    ValueError
        ``x`` empty, read-only or not finite; ``h`` not positive and finite, or too small to
        change some ``x[i]`` in ``x``'s dtype; ``f`` returns NaN/inf.
    """
    f, x, h = _check_gradient_args(f, x, h)
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        try:
            x[idx] = original + h
            x_plus, f_plus = x[idx], _value(f, x)
            x[idx] = original - h
            x_minus, f_minus = x[idx], _value(f, x)
        finally:  # restore x even if f raises
            x[idx] = original
        _check_step(x_plus, x_minus, original, h, f"x{list(idx)}")  # raises if x ± h rounded back to x
        grad[idx] = (f_plus - f_minus) / (float(x_plus) - float(x_minus))  # the step taken
    return grad


def relative_error(a, b) -> float:
    """Relative difference of two arrays, ``||a - b|| / max(||a||, ||b||)`` (Euclidean norms).

    0 when equal, about 1 when unrelated. Below about 1e-7 in float64 means an analytic gradient
    agrees with central differences. Norms, rather than entry by entry, so that entries that are
    nearly zero (where round-off dominates any finite difference) do not raise false alarms.
    Returns 0.0 when both arrays are all zeros.

    Parameters
    ----------
    a, b : array_like of real numbers, same shape, finite (two empty arrays are equal: 0.0)

    Raises
    ------
    TypeError
        ``a`` or ``b`` is None, text, boolean or complex.
    ValueError
        Shapes differ, or NaN/inf (a NaN gradient is an error to report, not a number).
    """
    a, b = _check_pair(a, b)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


# ---- checks for the functions above (one call at the top of each) ----


def _check_h(h) -> float:
    """``h`` as a positive, finite float."""
    if isinstance(h, (bool, np.bool_)) or not isinstance(h, numbers.Real):
        raise TypeError(f"h must be a positive number, got {type(h).__name__} {h!r}")
    if not (math.isfinite(h) and h > 0):
        raise ValueError(f"h must be a positive number (and finite), got {h!r}")
    return float(h)


def _check_derivative_args(f, x, h) -> tuple[Callable, float, float]:
    """``f`` callable, ``x`` a finite float, ``h`` positive and large enough to move ``x``."""
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}")
    x, h = as_number(x, "x"), _check_h(h)
    _check_step(x + h, x - h, x, h, "x")
    return f, x, h


def _check_gradient_args(f, x, h) -> tuple[Callable, np.ndarray, float]:
    """``f`` callable, ``x`` a writeable, finite, non-empty float ndarray, ``h`` positive."""
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError("x must be a NumPy array of floats (it is perturbed in place); "
                        "use np.asarray(x, dtype=float)")
    as_float_array(x, "x", allow_empty=False)  # finite, non-empty
    if not x.flags.writeable:
        raise ValueError("x is read-only, but it is perturbed in place; pass x.copy()")
    return f, x, _check_h(h)


def _check_step(x_plus, x_minus, x, h, where: str) -> None:
    """Raise when ``x ± h`` rounds back to ``x``: the difference quotient would be 0/0 or wrong."""
    if x_plus == x or x_minus == x:
        dtype = getattr(x, "dtype", np.dtype(np.float64))
        raise ValueError(f"h={h!r} is too small to change {where} = {x!r} in {dtype} (x ± h == x); "
                         "use a larger h, about 1e-5 × max(1, |x|)")


def _value(f, x) -> float:
    """``f(x)`` as a float; ``f`` must return one real, finite number (the loss)."""
    out = f(x)
    if isinstance(out, (bool, np.bool_, str, bytes)) or np.size(out) != 1:
        raise TypeError(f"f must return one number (the loss), got {type(out).__name__} {out!r:.60}")
    value = np.asarray(out).reshape(())
    if value.dtype.kind not in "iuf":
        raise TypeError(f"f must return a real number (the loss), got {out!r:.60}")
    if not np.isfinite(value):
        raise ValueError(f"f returned {float(value)} (not finite); check f near x")
    return float(value)


def _check_pair(a, b) -> tuple[np.ndarray, np.ndarray]:
    """``a`` and ``b`` as float64 arrays of the same shape, finite."""
    a = as_float_array(a, "a", allow_bool=False).astype(np.float64)  # empty is allowed: 0.0
    b = as_float_array(b, "b", allow_bool=False).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a has shape {a.shape} but b has shape {b.shape}; they must match")
    return a, b


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
    x : array_like of real numbers, shape (N, in_features), finite, non-empty
        Not modified (a float64 copy is used).
    rng : numpy.random.Generator, optional
        Draws ``G``; defaults to ``np.random.default_rng(0)``.
    h : float, default 1e-5

    Returns
    -------
    dict
        ``{"x": err, "<param>": err, ...}`` — relative errors; all ≤ 1e-7 for a correct layer.

    Raises
    ------
    TypeError
        ``layer`` lacks forward/backward/params/grads, or its backward returns None; ``x`` not
        real numbers; ``rng`` not a Generator; ``h`` not a number.
    ValueError
        ``x`` empty or not finite; ``h`` not positive; ``grads`` missing a parameter.
    """
    layer, x, rng = _check_layer_args(layer, x, rng, h)  # a float32 layer: checked as a float64 copy
    G = rng.standard_normal(np.shape(layer.forward(x)))  # random weights for the outputs

    def loss(_=None) -> float:  # L = Σ output ⊙ G, so that dL/d(output) = G
        return float(np.sum(layer.forward(x) * G))

    layer.forward(x)
    analytic = _analytic_grads(layer, layer.backward(G))  # {"x": dL/dx, "W": dL/dW, ...}
    numeric = {"x": numerical_gradient(loss, x, h)}
    numeric.update({name: numerical_gradient(loss, p, h) for name, p in layer.params.items()})
    return {name: relative_error(analytic[name], numeric[name]) for name in numeric}


def _check_layer_args(layer, x, rng, h):
    """The layer (or its float64 copy), a float64 copy of ``x``, and a Generator (seed 0 if None)."""
    missing = [a for a in ("forward", "backward", "params", "grads") if not hasattr(layer, a)]
    if missing:
        raise TypeError(f"layer ({type(layer).__name__}) must have forward, backward, params and "
                        f"grads; it lacks {', '.join(missing)}")
    x = as_float_array(x, "x", allow_bool=False, allow_empty=False)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator or None, got {type(rng).__name__}")
    _check_h(h)
    if not _is_float64(layer, x):  # central differences need float64
        layer = _float64_copy(layer)
    return layer, x.astype(np.float64), np.random.default_rng(0) if rng is None else rng


def _analytic_grads(layer, dx) -> dict[str, np.ndarray]:
    """``backward``'s result and the layer's ``grads`` as float64 arrays, one per parameter."""
    if dx is None:
        raise TypeError(f"{type(layer).__name__}.backward(grad_out) returned None; it must "
                        "return dL/dx, the gradient for its input")
    missing = [name for name in layer.params if name not in layer.grads]
    if missing:
        raise ValueError(f"{type(layer).__name__}.grads has no entry for {', '.join(missing)}; "
                         "backward must store one gradient per parameter")
    grads = {name: np.array(layer.grads[name], dtype=np.float64) for name in layer.params}
    return {"x": np.array(dx, dtype=np.float64), **grads}


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
