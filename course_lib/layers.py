"""Chapter 3 — layers: the building blocks that backpropagation runs through.

Every layer is a small class with two methods that mirror each other:

* ``forward(x)`` computes the output and caches exactly what the backward pass will need;
* ``backward(grad_out)`` receives ``dL/d(output)`` and returns ``dL/d(input)``; a layer with
  parameters also stores ``dL/d(parameter)`` in ``self.grads``.

``params`` and ``grads`` are dicts with the same keys (empty for activations). ``backward``
*overwrites* ``grads`` (it does not accumulate), and it never modifies its argument or the arrays
cached by ``forward``. Batches are row-major: ``x`` has shape ``(N, features)``.

Loss layers sit at the end: ``forward(scores, targets) -> float`` and ``backward() -> grad_scores``.

dtype: a layer computes in the dtype of its input (``Linear``: in its own ``dtype``), so a
float32 network stays float32 end to end — outputs, gradients and parameters.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_lib import losses
from course_lib._validation import as_float_array, as_targets

__all__ = ["Linear", "ReLU", "Sigmoid", "Tanh", "Softmax", "SoftmaxCrossEntropy", "MSELoss"]


# --------------------------------------------------------------------------------------------
# cheap checks (they run on every batch, so: dtype, ndim and shape only — no pass over the data)
# --------------------------------------------------------------------------------------------
def _as_input(x, layer: str, min_ndim: int = 0) -> np.ndarray:
    """Return ``x`` as a float array without copying float input; reject non-numbers."""
    if not isinstance(x, np.ndarray):
        if isinstance(x, (str, bytes)) or x is None:
            raise TypeError(f"{layer}: input x must be an array of numbers, got {type(x).__name__}")
        x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{layer}: input x must hold real numbers, got dtype {x.dtype}")
    if x.ndim < min_ndim or (min_ndim and x.shape[-1] == 0):
        raise ValueError(f"{layer}: input x needs a non-empty last axis, got shape {x.shape}")
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _check_grad_out(grad_out, shape: tuple, dtype: np.dtype, layer: str) -> np.ndarray:
    """Return ``grad_out`` as an array of ``dtype`` (no copy if it already is), checking its shape."""
    if not isinstance(grad_out, np.ndarray):
        grad_out = np.asarray(grad_out)
    if grad_out.dtype.kind not in "biuf":
        raise TypeError(f"{layer}: grad_out must hold real numbers, got dtype {grad_out.dtype}")
    if grad_out.shape != shape:
        raise ValueError(
            f"{layer}: grad_out must have the shape of the forward output {shape}, "
            f"got {grad_out.shape}"
        )
    return grad_out.astype(dtype, copy=False)


def _not_run_yet(layer: str) -> RuntimeError:
    return RuntimeError(f"{layer}.backward called before forward: call forward(x) first")


# --------------------------------------------------------------------------------------------
# Linear
# --------------------------------------------------------------------------------------------
class Linear:
    """Fully connected (affine) layer: ``y = x @ W + b``.

    Parameters
    ----------
    in_features, out_features : int
        Width of the input and of the output.
    rng : numpy.random.Generator, optional
        Draws the initial weights; ``None`` means ``np.random.default_rng()`` (unseeded).
    dtype : float dtype, default np.float64
        dtype of ``W``, ``b``, the output and every gradient. Input of another dtype is converted
        to it (so uint8 images can be fed directly).
    init : {"he", "xavier"} or float, default "he"
        Standard deviation of the normal initial weights: ``"he"`` gives ``sqrt(2 / in)``, right
        before a ReLU; ``"xavier"`` (Glorot) gives ``sqrt(2 / (in + out))``, right before a sigmoid
        or tanh; a number is used as the standard deviation itself. ``b`` starts at zero. The
        weights are drawn in float64 and then converted, so the same seed gives the same network
        in float32 and float64.

    Attributes
    ----------
    params : dict
        ``{"W": (in, out), "b": (out,)}``. Update them in place (``W -= lr * dW``).
    grads : dict
        ``{"W": (in, out), "b": (out,)}``, written by :meth:`backward` (new arrays each call).
    """

    def __init__(self, in_features: int, out_features: int, rng=None, dtype=np.float64, init="he"):
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"{name} must be an int, got {value!r}")
            if value <= 0:
                raise ValueError(f"{name} must be > 0, got {value}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.dtype = _float_dtype(dtype)
        rng = _as_rng(rng)
        std = _init_std(init, self.in_features, self.out_features)
        W = rng.standard_normal((self.in_features, self.out_features)) * std
        self.params = {
            "W": W.astype(self.dtype),
            "b": np.zeros(self.out_features, dtype=self.dtype),
        }
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self._x = None  # cached input: backward needs it for dW

    def forward(self, x) -> np.ndarray:
        """``y = x @ W + b``.

        Parameters
        ----------
        x : array_like, shape (N, in_features)

        Returns
        -------
        ndarray, shape (N, out_features), of the layer's dtype
        """
        x = _as_input(x, "Linear")
        if x.ndim != 2 or x.shape[1] != self.in_features:
            got = f"(N, {x.shape[1]})" if x.ndim == 2 else f"shape {x.shape} ({x.ndim}-D)"
            raise ValueError(
                f"Linear expected input of shape (N, {self.in_features}), got {got}"
                + ("" if x.ndim == 2 else "; a batch is 2-D, one row per example")
            )
        x = x.astype(self.dtype, copy=False)
        self._x = x
        out = x @ self.params["W"]
        out += self.params["b"]  # in place on the fresh matmul result: no extra array
        return out

    def backward(self, grad_out, input_grad: bool = True) -> np.ndarray | None:
        """Given ``δ = dL/dy`` of shape (N, out): ``dW = xᵀδ``, ``db = Σ_n δ``, return ``δWᵀ``.

        Parameters
        ----------
        grad_out : array_like, shape (N, out_features)
        input_grad : bool, default True
            ``False`` skips ``dL/dx`` (and returns ``None``): the first layer of a network does
            not need it, and it costs as much as the forward matmul.

        Returns
        -------
        ndarray, shape (N, in_features) — ``dL/dx`` (``None`` if ``input_grad=False``)
        """
        if self._x is None:
            raise _not_run_yet("Linear")
        x = self._x
        g = _check_grad_out(grad_out, (x.shape[0], self.out_features), self.dtype, "Linear")
        self.grads["W"] = x.T @ g
        self.grads["b"] = g.sum(axis=0)
        return g @ self.params["W"].T if input_grad else None

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"


def _float_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"dtype must be a float dtype such as np.float32, got {dtype!r}") from err
    if dt.kind != "f":
        raise TypeError(f"dtype must be a float dtype such as np.float32, got {dt}")
    return dt


def _as_rng(rng) -> np.random.Generator:
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)) or None, "
            f"got {type(rng).__name__}"
        )
    return rng


def _init_std(init, fan_in: int, fan_out: int) -> float:
    if isinstance(init, str):
        if init == "he":
            return float(np.sqrt(2.0 / fan_in))
        if init in ("xavier", "glorot"):
            return float(np.sqrt(2.0 / (fan_in + fan_out)))
        raise ValueError(f"init must be 'he', 'xavier' or a positive number, got {init!r}")
    if isinstance(init, bool) or not isinstance(init, numbers.Real) or not init > 0:
        raise ValueError(f"init must be 'he', 'xavier' or a positive number, got {init!r}")
    return float(init)


# --------------------------------------------------------------------------------------------
# activations: elementwise, any shape, no parameters
# --------------------------------------------------------------------------------------------
class _Activation:
    """Shared plumbing of the elementwise activations (empty ``params`` and ``grads``)."""

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._cache = None  # what backward needs (a mask or the output)

    def _grad(self, grad_out) -> np.ndarray:
        name = type(self).__name__
        if self._cache is None:
            raise _not_run_yet(name)
        return _check_grad_out(grad_out, self._cache.shape, self._dtype, name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ReLU(_Activation):
    """``relu(x) = max(x, 0)``; its derivative is 1 where ``x > 0`` and 0 elsewhere.

    ``forward`` caches the boolean mask ``x > 0`` (1 byte per entry); ``backward`` returns
    ``grad_out * mask`` as a new array. Any input shape; the output has the input's shape and dtype.
    """

    def forward(self, x) -> np.ndarray:
        """Return ``max(x, 0)``, same shape and dtype as ``x``."""
        x = _as_input(x, "ReLU")
        mask = x > 0
        self._cache, self._dtype = mask, x.dtype
        return np.maximum(x, 0)

    def backward(self, grad_out) -> np.ndarray:
        """``dL/dx = grad_out * (x > 0)``; ``grad_out`` has the shape of the forward output."""
        g = self._grad(grad_out)
        return np.multiply(g, self._cache)


class Sigmoid(_Activation):
    """``σ(x) = 1 / (1 + e^{-x})``, with ``σ'(x) = σ(x)(1 − σ(x))``.

    Computed without overflow for any input (``e^{-|x|}`` is never larger than 1). ``forward``
    caches the output ``σ(x)``, which is all the derivative needs.

    Precision: σ(x) rounds to exactly 1.0 for x above about 17 in float32 (37 in float64) — the
    correctly rounded value — and its derivative then evaluates to 0 instead of about ``e^{-x}``.
    A loss taking these probabilities must accept ``p == 1`` (``binary_cross_entropy`` does);
    better, give the logits to a loss that takes logits.
    """

    def forward(self, x) -> np.ndarray:
        """Return ``σ(x)``, same shape and dtype as ``x``, values in [0, 1]."""
        x = _as_input(x, "Sigmoid")
        e = np.exp(-np.abs(x))  # in (0, 1]: no overflow for large |x|
        out = np.where(x >= 0, 1, e)
        out /= 1 + e
        self._cache, self._dtype = out, x.dtype
        return out

    def backward(self, grad_out) -> np.ndarray:
        """``dL/dx = grad_out * σ(x) * (1 − σ(x))``."""
        g = self._grad(grad_out)
        out = self._cache
        return g * out * (1 - out)


class Tanh(_Activation):
    """``tanh(x)``, with ``tanh'(x) = 1 − tanh(x)²``; ``forward`` caches the output."""

    def forward(self, x) -> np.ndarray:
        """Return ``tanh(x)``, same shape and dtype as ``x``, values in [-1, 1]."""
        x = _as_input(x, "Tanh")
        out = np.tanh(x)
        self._cache, self._dtype = out, x.dtype
        return out

    def backward(self, grad_out) -> np.ndarray:
        """``dL/dx = grad_out * (1 − tanh(x)²)``."""
        g = self._grad(grad_out)
        out = self._cache
        return g * (1 - out * out)


class Softmax(_Activation):
    """Softmax over the last axis: ``p_i = e^{x_i} / Σ_j e^{x_j}`` for each row.

    Not elementwise: every output depends on every input of its row. The Jacobian of one row is

        ``∂p_i/∂x_j = p_i (δ_ij − p_j)``,  i.e.  ``J = diag(p) − p pᵀ``  (C × C, symmetric),

    so, for the upstream gradient ``g = dL/dp`` of that row, the vector–Jacobian product is

        ``dL/dx = Jᵀ g = p ⊙ (g − (g · p))``,

    computed without ever building the C × C matrix (``O(C)`` per row instead of ``O(C²)``).
    ``forward`` caches ``p``, which is all the backward pass needs.

    For classification, prefer :class:`SoftmaxCrossEntropy` on the logits: the fused gradient
    ``(p − t) / N`` is cheaper and stays accurate where ``p`` rounds to 0 or 1. ``Softmax``
    followed by a cross-entropy on probabilities gives the same gradient (tested).
    """

    def forward(self, x) -> np.ndarray:
        """Return ``softmax(x)`` over the last axis: same shape and dtype as ``x``, rows sum to 1."""
        x = _as_input(x, "Softmax", min_ndim=1)
        e = np.exp(x - x.max(axis=-1, keepdims=True))  # shift by the max: every exponent ≤ 0
        p = e / e.sum(axis=-1, keepdims=True)
        self._cache, self._dtype = p, x.dtype
        return p

    def backward(self, grad_out) -> np.ndarray:
        """``dL/dx = p ⊙ (g − Σ_j g_j p_j)`` per row — the product of ``g`` with ``diag(p) − p pᵀ``."""
        g = self._grad(grad_out)
        p = self._cache
        return p * (g - (g * p).sum(axis=-1, keepdims=True))


# --------------------------------------------------------------------------------------------
# loss layers: forward(scores, targets) -> float, backward() -> dL/d(scores)
# --------------------------------------------------------------------------------------------
class _Loss:
    """Shared plumbing of the loss layers (no parameters)."""

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class SoftmaxCrossEntropy(_Loss):
    """Softmax followed by cross-entropy, fused: the gradient is simply ``(p − t) / N``.

    ``forward(scores, targets)`` returns the mean cross-entropy of ``softmax(scores)``
    (computed stably with :func:`course_lib.losses.log_softmax`), and caches the probabilities
    ``p`` and the targets ``t``; ``backward()`` returns ``(p − t) / N``.

    ``targets`` are integer labels ``(N,)`` or one-hot rows ``(N, C)``.
    """

    def __init__(self):
        super().__init__()
        self._probs = None
        self._targets = None

    def forward(self, scores, targets) -> float:
        """Mean cross-entropy of ``softmax(scores)`` against ``targets``.

        Parameters
        ----------
        scores : array_like, shape (N, C)
            Logits: the last layer's output, before any softmax.
        targets : array_like, shape (N,) int labels in [0, C) or (N, C) one-hot

        Returns
        -------
        float
        """
        z = _as_input(scores, "SoftmaxCrossEntropy")
        if z.ndim != 2:
            raise ValueError(
                f"SoftmaxCrossEntropy: scores must be 2-D (N, C), got shape {z.shape}"
            )
        n, c = z.shape
        log_p = losses.log_softmax(z, axis=1)
        labels = as_targets(targets, n, c, batch_name="scores")  # (N,) int or (N, C) one-hot
        if labels.ndim == 1:
            loss = -log_p[np.arange(n), labels].sum() / n
        else:
            labels = labels.astype(z.dtype, copy=False)
            loss = -np.sum(labels * log_p) / n
        self._probs, self._targets = np.exp(log_p), labels
        return float(loss)

    def backward(self) -> np.ndarray:
        """``dL/d(scores) = (softmax(scores) − t) / N``, shape (N, C), the dtype of ``scores``."""
        if self._probs is None:
            raise RuntimeError(
                "SoftmaxCrossEntropy.backward called before forward: "
                "call forward(scores, targets) first"
            )
        p, t = self._probs, self._targets
        n = p.shape[0]
        if t.ndim == 1:  # integer labels: subtract 1 at the true class
            grad = p.copy()
            grad[np.arange(n), t] -= 1
        else:
            grad = p - t
        grad /= n
        return grad


class MSELoss(_Loss):
    """Mean squared error ``mean((scores − targets)²)`` over all elements.

    Same values as :func:`course_lib.losses.mse` and :func:`course_lib.losses.mse_grad`
    (which it calls); ``targets`` must have exactly the shape of ``scores`` and are converted to
    the dtype of ``scores``.
    """

    def __init__(self):
        super().__init__()
        self._scores = None
        self._targets = None

    def forward(self, scores, targets) -> float:
        """Mean squared error.

        Parameters
        ----------
        scores : array_like, any shape (usually (N, D))
        targets : array_like, same shape as ``scores``

        Returns
        -------
        float
        """
        y = _as_input(scores, "MSELoss")
        t = as_float_array(targets, "targets")
        if t.shape != y.shape:
            raise ValueError(
                f"MSELoss: targets has shape {t.shape} but scores has shape {y.shape}; "
                "they must match exactly (no broadcasting)"
            )
        t = t.astype(y.dtype, copy=False)
        self._scores, self._targets = y, t
        return losses.mse(y, t)

    def backward(self) -> np.ndarray:
        """``dL/d(scores) = 2 (scores − targets) / size``, shape and dtype of ``scores``."""
        if self._scores is None:
            raise RuntimeError(
                "MSELoss.backward called before forward: call forward(scores, targets) first"
            )
        return losses.mse_grad(self._scores, self._targets)
