"""Chapter 5 — the curvature of a network's loss: Hessian-vector products and Hessian eigenvalues.

The learning rate of gradient descent is limited by the sharpest direction of the loss surface:
on a quadratic it converges iff ``lr < 2 / λ_max`` (:func:`course_lib.schedules.critical_learning_rate`).
A network with thousands of weights has a Hessian far too large to write down, but its product
with a vector costs about two backward passes (:func:`hessian_vector_product`), and repeated
products find the extreme eigenvalues by power iteration (:func:`top_hessian_eigenvalue`,
:func:`bottom_hessian_eigenvalue`, both built on :func:`hessian_power_iteration`).

Vectors over the parameters are *flat*: the parameters in ``model.params`` order, each flattened in
C order (``np.concatenate([p.ravel() for p in model.params.values()])``), as float64.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

from course_lib._validation import as_float_array, check_dataset, check_positive
from course_lib.losses import softmax

__all__ = [
    "flat_parameters",
    "flat_gradient",
    "hessian_vector_product",
    "hessian_power_iteration",
    "top_hessian_eigenvalue",
    "bottom_hessian_eigenvalue",
]


def _check_model(model) -> Mapping:
    """Return ``model.params`` after checking the model has what backprop needs."""
    missing = [a for a in ("forward", "backward", "params", "grads") if not hasattr(model, a)]
    if missing:
        raise TypeError(f"model ({type(model).__name__}) lacks {', '.join(missing)}; pass a "
                        "network such as course_lib.network.Sequential")
    params = model.params
    if not isinstance(params, Mapping) or not params:
        raise TypeError("model.params must be a non-empty dict of parameter arrays")
    for key, p in params.items():
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            raise TypeError(f"model.params[{key!r}] must be a float NumPy array, got "
                            f"{type(p).__name__}")
    return params


def _check_loss(loss) -> None:
    missing = [a for a in ("forward", "backward") if not hasattr(loss, a)]
    if missing:
        raise TypeError(f"loss ({type(loss).__name__}) lacks {', '.join(missing)}; pass a loss "
                        "layer such as SoftmaxCrossEntropy() or MSELoss()")


def flat_parameters(model) -> np.ndarray:
    """All parameters of ``model`` as one float64 vector (``model.params`` order, C order).

    Returns
    -------
    ndarray, shape (P,), float64 — a copy, P = total number of parameters
    """
    params = _check_model(model)
    return np.concatenate([p.ravel() for p in params.values()]).astype(np.float64)


def flat_gradient(model, loss, X, y) -> np.ndarray:
    """Gradient of ``loss.forward(model.forward(X), y)`` as a flat float64 vector (one backprop).

    Parameters
    ----------
    model : Sequential (anything with ``forward``, ``backward``, ``params``, ``grads``)
    loss : loss layer, e.g. ``SoftmaxCrossEntropy()``
    X : array_like, shape (N, features)
    y : array_like, shape (N,) or as ``loss`` expects

    Returns
    -------
    ndarray, shape (P,), float64
    """
    params = _check_model(model)
    _check_loss(loss)
    X, y = check_dataset(X, y)
    return _gradient(model, loss, X, y, list(params))


def _gradient(model, loss, X, y, keys) -> np.ndarray:
    """One forward and backward pass; the gradient flattened in the order of ``keys``."""
    from course_lib.network import Sequential  # chapter 3

    loss.forward(model.forward(X), y)
    grad_out = loss.backward()
    if isinstance(model, Sequential):
        model.backward(grad_out, input_grad=False)  # dL/dX of the data is never needed
    else:
        model.backward(grad_out)
    grads = model.grads
    return np.concatenate([np.ravel(grads[k]) for k in keys]).astype(np.float64)


def _check_vector(v, size: int, name: str = "v") -> np.ndarray:
    v = as_float_array(v, name, ndim=1)
    if v.shape != (size,):
        raise ValueError(f"{name} must be a flat vector over the model's {size} parameters, "
                         f"shape ({size},), got shape {v.shape}; build it like "
                         "curvature.flat_parameters(model)")
    return v.astype(np.float64, copy=False)


def hessian_vector_product(model, loss, X, y, v, *, method: str = "auto") -> np.ndarray:
    """``H v``: the Hessian of the mean loss on ``(X, y)`` times ``v``, at the cost of ~2 backprops.

    Two methods (Pearlmutter 1994, "Fast exact multiplication by the Hessian"):

    - ``"exact"``: the R-operator — differentiate forward and backward pass along ``v`` (forward
      mode on top of backprop). Exact up to round-off, and right for ReLU networks, whose loss has
      kinks (the Hessian is taken where the loss is smooth, as backprop takes the gradient). Needs a
      rule per layer: a :class:`~course_lib.network.Sequential` of ``Linear``, ``ReLU``, ``Sigmoid``,
      ``Tanh`` with ``SoftmaxCrossEntropy`` or ``MSELoss``.
    - ``"difference"``: ``(∇L(θ + εv) − ∇L(θ − εv)) / 2ε`` with ``ε = eps^(1/3)·max(1, ‖θ‖)/‖v‖``
      (``eps`` of the model's dtype), which balances the O(ε²) truncation error against the
      O(eps/ε) round-off: relative error ~``eps^(2/3)`` (1e-10 in float64, 1e-5 in float32) for a
      smooth loss. Works for any model with ``params`` and ``grads``, but it is wrong whenever
      ``θ ± εv`` puts a ReLU on the other side of its kink: the gradient jumps there, and the jump
      divided by ``2ε`` is huge. (Measured on the chapter-5 digits network and 256 images: a
      Hessian built from unit vectors this way was not even symmetric.)
    - ``"auto"`` (default): ``"exact"`` when every layer has a rule, else ``"difference"``.

    Parameters
    ----------
    model : Sequential (anything with ``forward``, ``backward``, ``params``, ``grads``)
    loss : loss layer, e.g. ``SoftmaxCrossEntropy()`` or ``MSELoss()``
    X : array_like, shape (N, features)
    y : array_like, shape (N,) labels, or targets as ``loss`` expects
    v : array_like, shape (P,)
        A flat vector over the parameters (``model.params`` order, each flattened C-order).
    method : {"auto", "exact", "difference"}

    Returns
    -------
    ndarray, shape (P,), float64

    Notes
    -----
    The parameters come back bit for bit as they were (the difference method perturbs them in
    place and restores the saved copies). ``model.grads`` and the layers' forward caches are left
    holding the last evaluation.

    Raises
    ------
    TypeError
        ``model`` or ``loss`` lacks the needed methods; arguments are not arrays of numbers.
    ValueError
        Wrong shapes, NaN/inf in ``X`` or ``v``, ``y`` with the wrong number of rows, an unknown
        ``method``, or ``"exact"`` for a layer that has no rule.
    """
    params = _check_model(model)
    _check_loss(loss)
    X, y = check_dataset(X, y)
    keys = list(params)
    v = _check_vector(v, sum(params[k].size for k in keys))
    exact = _choose_method(model, loss, method)
    return _hvp(model, loss, X, y, v, keys, exact)


def _choose_method(model, loss, method) -> bool:
    """True for the R-operator, False for the difference of gradients."""
    if method not in ("auto", "exact", "difference"):
        raise ValueError(f"method must be 'auto', 'exact' or 'difference', got {method!r}")
    supported = _has_rules(model, loss)
    if method == "exact" and not supported:
        raise ValueError("method='exact' needs a Sequential of Linear, ReLU, Sigmoid and Tanh "
                         "layers with SoftmaxCrossEntropy or MSELoss; use method='difference'")
    return method == "exact" or (method == "auto" and supported)


def _has_rules(model, loss) -> bool:
    from course_lib.layers import Linear, MSELoss, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh
    from course_lib.network import Sequential

    return (type(model) is Sequential and type(loss) in (SoftmaxCrossEntropy, MSELoss)
            and all(type(layer) in (Linear, ReLU, Sigmoid, Tanh) for layer in model.layers))


def _hvp(model, loss, X, y, v, keys, exact: bool) -> np.ndarray:
    """:func:`hessian_vector_product` without the input checks (power iteration calls it often)."""
    if exact:
        return _r_operator(model, loss, X, y, v, keys)
    return _gradient_difference(model, loss, X, y, v, keys)


def _activation_derivatives(layer, h):
    """First and second derivative of an activation, from its output ``h``."""
    from course_lib.layers import ReLU, Sigmoid

    if isinstance(layer, ReLU):
        return (h > 0).astype(np.float64), 0.0  # no curvature where the ReLU is smooth
    if isinstance(layer, Sigmoid):
        d1 = h * (1 - h)
        return d1, d1 * (1 - 2 * h)
    d1 = 1 - h**2  # Tanh
    return d1, -2 * h * d1


def _r_operator(model, loss, X, y, v, keys) -> np.ndarray:
    """Pearlmutter's R-operator: R{·} = d/dr (·)(θ + r v) at r = 0, pushed through both passes."""
    from course_lib.layers import Linear, SoftmaxCrossEntropy

    blocks = dict(zip(keys, np.split(v, np.cumsum([model.params[k].size for k in keys])[:-1])))
    a = np.asarray(X, dtype=np.float64)
    Ra, cache = np.zeros_like(a), []                      # the data does not move with θ
    for i, layer in enumerate(model.layers):              # forward: values and their R{}
        out = np.asarray(layer.forward(a), dtype=np.float64)
        if isinstance(layer, Linear):
            W = layer.params["W"].astype(np.float64)
            VW = blocks[f"{i}.W"].reshape(W.shape)
            R_out = Ra @ W + a @ VW + blocks[f"{i}.b"]    # R{aW + b} = R{a} W + a V_W + V_b
            cache.append((a, Ra, W, VW))
        else:
            d1, d2 = _activation_derivatives(layer, out)
            R_out = d1 * Ra                               # R{σ(z)} = σ'(z) R{z}
            cache.append((Ra, d1, d2))
        a, Ra = out, R_out
    n = a.shape[0]
    loss.forward(a, y)
    g = np.asarray(loss.backward(), dtype=np.float64)     # dL/ds
    if isinstance(loss, SoftmaxCrossEntropy):             # R{dL/ds} = (∂²L/∂s²) R{s}
        p = softmax(a, axis=1)                             # ∂²L/∂s² = (diag(p) − ppᵀ)/N per row
        Rg = (p * Ra - p * np.sum(p * Ra, axis=1, keepdims=True)) / n
    else:                                                  # MSE: ∂²L/∂s² = 2/size
        Rg = 2 * Ra / a.size
    result = {}
    for i in reversed(range(len(model.layers))):          # backward: gradients and their R{}
        if isinstance(model.layers[i], Linear):
            a, Ra, W, VW = cache[i]
            result[f"{i}.W"] = Ra.T @ g + a.T @ Rg        # R{aᵀg} = R{a}ᵀ g + aᵀ R{g}
            result[f"{i}.b"] = Rg.sum(axis=0)
            g, Rg = g @ W.T, Rg @ W.T + g @ VW.T          # R{g Wᵀ} = R{g} Wᵀ + g V_Wᵀ
        else:
            Rz, d1, d2 = cache[i]
            g, Rg = d1 * g, d2 * Rz * g + d1 * Rg         # R{σ'(z) g} = σ''(z) R{z} g + σ'(z) R{g}
    return np.concatenate([np.ravel(result[k]) for k in keys])


def _gradient_difference(model, loss, X, y, v, keys) -> np.ndarray:
    """``(∇L(θ + εv) − ∇L(θ − εv)) / 2ε``, parameters restored bit for bit."""
    norm_v = float(np.linalg.norm(v))
    if norm_v == 0.0:
        return np.zeros_like(v)
    params = model.params
    saved = {k: params[k].copy() for k in keys}
    dtype = np.result_type(*saved.values())
    theta_norm = float(np.sqrt(sum(float(np.sum(np.square(p, dtype=np.float64)))
                                   for p in saved.values())))
    eps = float(np.finfo(dtype).eps) ** (1 / 3) * max(1.0, theta_norm) / norm_v
    parts = np.split(v, np.cumsum([saved[k].size for k in keys])[:-1])
    try:
        grads = []
        for sign in (1.0, -1.0):
            for k, part in zip(keys, parts):
                params[k][...] = saved[k] + sign * eps * part.reshape(saved[k].shape)
            grads.append(_gradient(model, loss, X, y, keys))
    finally:
        for k in keys:
            params[k][...] = saved[k]  # the exact original bits
    return (grads[0] - grads[1]) / (2 * eps)


def _check_iters(iters) -> int:
    check_positive(iters, "iters", integer=True)
    return int(iters)


def hessian_power_iteration(model, loss, X, y, *, iters: int = 100, rng=None, v0=None,
                            shift: float = 0.0, tol: float | None = None, method: str = "auto"):
    """Power iteration on ``H − shift·I``: the eigenvalue of ``H`` farthest from ``shift``.

    Repeats ``v ← (H − shift·I) v / ‖…‖`` (one :func:`hessian_vector_product` per iteration) and
    returns the Rayleigh quotient ``vᵀHv`` of the last unit vector. Power iteration converges to
    the eigenvalue of largest *magnitude* of ``H − shift·I`` at the rate ``|μ₂/μ₁|`` per iteration
    (Golub & Van Loan, *Matrix Computations*, §7.3.1). ``shift=0`` gives the largest-magnitude
    eigenvalue of ``H``; ``shift=λ_max`` gives the most negative one (all of ``H − λ_max I`` is
    ``<= 0``).

    Parameters
    ----------
    model, loss, X, y
        As in :func:`hessian_vector_product`.
    iters : int >= 1, default 100
        Maximum number of Hessian-vector products.
    rng : numpy.random.Generator, optional
        Draws the random start vector (``np.random.default_rng(0)`` when None). Ignored with ``v0``.
    v0 : array_like, shape (P,), optional
        Start vector, e.g. the vector returned by an earlier call (a *warm start*: when the
        weights have changed little, a few iterations suffice).
    shift : float, default 0.0
    tol : float > 0, optional
        Stop early once the Rayleigh quotient changes by less than ``tol · |λ|`` between iterations.
    method : {"auto", "exact", "difference"}
        How each product is computed (see :func:`hessian_vector_product`).

    Returns
    -------
    eigenvalue : float
        The Rayleigh quotient ``vᵀHv`` (an eigenvalue of ``H``, not of ``H − shift·I``).
    vector : ndarray, shape (P,), float64, unit length
    """
    params = _check_model(model)
    _check_loss(loss)
    X, y = check_dataset(X, y)
    keys = list(params)
    size = sum(params[k].size for k in keys)
    iters = _check_iters(iters)
    exact = _choose_method(model, loss, method)
    if isinstance(shift, bool) or not isinstance(shift, numbers.Real) or not np.isfinite(shift):
        raise TypeError(f"shift must be a finite number, got {shift!r}")
    if tol is not None:
        check_positive(tol, "tol")
    if v0 is not None:
        v = _check_vector(v0, size, "v0").copy()
        if not np.any(v):
            raise ValueError("v0 must not be the zero vector")
    else:
        if rng is None:
            rng = np.random.default_rng(0)
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator or None, got {type(rng).__name__}")
        v = rng.normal(size=size)
    v /= np.linalg.norm(v)
    lam = np.nan
    for _ in range(iters):
        Hv = _hvp(model, loss, X, y, v, keys, exact)
        new_lam = float(v @ Hv)
        w = Hv - shift * v
        norm = float(np.linalg.norm(w))
        if norm == 0.0:  # v is an eigenvector with eigenvalue exactly `shift`
            return new_lam, v
        done = tol is not None and abs(new_lam - lam) <= tol * abs(new_lam)
        lam, v = new_lam, w / norm
        if done:
            break
    return lam, v


def top_hessian_eigenvalue(model, loss, X, y, *, iters: int = 100, rng=None,
                           tol: float | None = None) -> float:
    """The largest-magnitude eigenvalue of the loss's Hessian, by power iteration.

    Near a minimum every eigenvalue is >= 0 and this is ``λ_max``, the sharpness that limits the
    learning rate (``2 / λ_max``). Far from a minimum a negative eigenvalue can be larger in
    magnitude; then it is the one returned (check the sign, or use :func:`bottom_hessian_eigenvalue`).
    See :func:`hessian_power_iteration` for the method and the arguments.

    Returns
    -------
    float
    """
    return hessian_power_iteration(model, loss, X, y, iters=iters, rng=rng, tol=tol)[0]


def bottom_hessian_eigenvalue(model, loss, X, y, *, iters: int = 100, rng=None,
                              tol: float | None = None, lam_max: float | None = None) -> float:
    """The most negative (smallest) eigenvalue of the loss's Hessian, by shifted power iteration.

    Every eigenvalue of ``H − λ_max I`` is ``<= 0``, so its largest-magnitude one is
    ``λ_min − λ_max``: power iteration on the shifted matrix (:func:`hessian_power_iteration` with
    ``shift=λ_max``) finds ``λ_min``. A negative result means the point is a saddle (or a maximum)
    in that direction. Convergence is slow when many eigenvalues crowd near ``λ_min`` (the rate is
    ``(λ_max − λ₂)/(λ_max − λ_min)`` per iteration): treat the result as an upper bound that more
    iterations can only lower.

    Parameters
    ----------
    lam_max : float, optional
        The largest eigenvalue if already known (else measured first with ``iters`` iterations).
    Other parameters as in :func:`hessian_power_iteration`.

    Returns
    -------
    float
    """
    if lam_max is None:
        lam_max = top_hessian_eigenvalue(model, loss, X, y, iters=iters, rng=rng, tol=tol)
    if isinstance(lam_max, bool) or not isinstance(lam_max, numbers.Real) or not np.isfinite(lam_max):
        raise TypeError(f"lam_max must be a finite number, got {lam_max!r}")
    shift = max(float(lam_max), 0.0)
    return hessian_power_iteration(model, loss, X, y, iters=iters, rng=rng, tol=tol, shift=shift)[0]
