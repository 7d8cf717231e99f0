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
from course_lib._validation import (
    check_flag,
    check_ran_forward,
    layer_grad_out,
    layer_input,
    same_shape_arrays,
    scores_and_targets,
)

__all__ = ["Linear", "ReLU", "Sigmoid", "Tanh", "Softmax", "SoftmaxCrossEntropy", "MSELoss"]


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
        _check_sizes(in_features=in_features, out_features=out_features)
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
            Converted to the layer's dtype. Only the kind of data and the shape are checked
            (no pass over the values: see :class:`~course_lib.network.Sequential`).

        Returns
        -------
        ndarray, shape (N, out_features), of the layer's dtype

        Raises
        ------
        TypeError
            ``x`` is not an array of real numbers.
        ValueError
            ``x`` is empty or not of shape (N, in_features).
        """
        x = layer_input(x, "Linear", width=self.in_features, dtype=self.dtype)
        self._x = x  # backward needs x for dW
        return x @ self.params["W"] + self.params["b"]

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

        Raises
        ------
        RuntimeError
            Called before :meth:`forward`.
        TypeError, ValueError
            ``grad_out`` not real numbers, or not of the forward output's shape.
        """
        delta = self._grad_out(grad_out, input_grad)
        self.grads["W"] = self._x.T @ delta
        self.grads["b"] = delta.sum(axis=0)
        return delta @ self.params["W"].T if input_grad else None

    def _grad_out(self, grad_out, input_grad: bool = True) -> np.ndarray:
        """``grad_out`` checked against the last forward pass (shape (N, out), the layer's dtype)."""
        check_ran_forward(self._x, "Linear")
        check_flag(input_grad, "input_grad")
        return layer_grad_out(grad_out, (len(self._x), self.out_features), self.dtype, "Linear")

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"


def _check_sizes(**sizes) -> None:
    """Each size must be a positive int (``Linear(784, 10)``)."""
    for name, value in sizes.items():
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an int, got {value!r}")
        if value <= 0:
            raise ValueError(f"{name} must be > 0, got {value}")


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

    def _input(self, x, min_ndim: int = 0) -> np.ndarray:
        """``x`` checked (real numbers, non-empty; no pass over the values) and its dtype noted."""
        x = layer_input(x, type(self).__name__, min_ndim=min_ndim)
        self._dtype = x.dtype
        return x

    def _grad(self, grad_out) -> np.ndarray:
        """``grad_out`` checked: forward has run, same shape as its output, in its dtype."""
        name = type(self).__name__
        check_ran_forward(self._cache, name)
        return layer_grad_out(grad_out, self._cache.shape, self._dtype, name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ReLU(_Activation):
    """``relu(x) = max(x, 0)``; its derivative is 1 where ``x > 0`` and 0 elsewhere.

    ``forward`` caches the boolean mask ``x > 0`` (1 byte per entry); ``backward`` returns
    ``grad_out * mask`` as a new array. Any input shape; the output has the input's shape and dtype.
    """

    def forward(self, x) -> np.ndarray:
        """Return ``max(x, 0)``, same shape and dtype as ``x``."""
        x = self._input(x)
        self._cache = x > 0  # the mask: where the derivative is 1
        return np.maximum(x, 0)

    def backward(self, grad_out) -> np.ndarray:
        """``dL/dx = grad_out * (x > 0)``; ``grad_out`` has the shape of the forward output."""
        g = self._grad(grad_out)
        return np.multiply(g, self._cache)  # a new array: grad_out is never modified


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
        x = self._input(x)
        e = np.exp(-np.abs(x))  # e^{-|x|} in (0, 1]: no overflow for large |x|
        out = np.where(x >= 0, 1, e) / (1 + e)  # 1/(1 + e^{-x}) for x ≥ 0, e^{x}/(1 + e^{x}) below
        self._cache = out
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
        x = self._input(x)
        out = np.tanh(x)
        self._cache = out
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
        x = self._input(x, min_ndim=1)
        e = np.exp(x - x.max(axis=-1, keepdims=True))  # shift by the max: every exponent ≤ 0
        p = e / e.sum(axis=-1, keepdims=True)
        self._cache = p
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

    ``forward(scores, targets)`` returns the mean cross-entropy of ``p = softmax(scores)``
    (computed stably with :func:`course_lib.losses.log_softmax`), and caches ``p`` and the
    one-hot targets ``t``; ``backward()`` returns ``(p − t) / N``.

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

        Raises
        ------
        TypeError
            ``scores`` or ``targets`` not real numbers (or ``scores`` boolean).
        ValueError
            ``scores`` not 2-D, empty, NaN or inf (a diverged network); ``targets`` of the wrong
            shape, labels outside [0, C), or one-hot rows that do not sum to 1.
        """
        z, t = scores_and_targets(scores, targets)  # t: one-hot rows (N, C), z's dtype
        log_p = losses.log_softmax(z)
        self._probs, self._targets = np.exp(log_p), t
        return float(-np.sum(t * log_p) / len(z)) + 0.0  # + 0.0: no -0.0

    def backward(self) -> np.ndarray:
        """``dL/d(scores) = (softmax(scores) − t) / N``, shape (N, C), the dtype of ``scores``."""
        check_ran_forward(self._probs, "SoftmaxCrossEntropy", "forward(scores, targets)")
        p, t = self._probs, self._targets
        return (p - t) / len(p)


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
        scores : array_like, any shape (usually (N, D)), non-empty
        targets : array_like, same shape as ``scores``

        Returns
        -------
        float

        Raises
        ------
        TypeError
            Not real numbers (or boolean ``scores``).
        ValueError
            Shapes differ (no broadcasting), empty, NaN or inf.
        """
        y, t = same_shape_arrays(scores, targets, "scores", "targets")  # t in y's dtype
        self._scores, self._targets = y, t
        return losses.mse(y, t)

    def backward(self) -> np.ndarray:
        """``dL/d(scores) = 2 (scores − targets) / size``, shape and dtype of ``scores``."""
        check_ran_forward(self._scores, "MSELoss", "forward(scores, targets)")
        return losses.mse_grad(self._scores, self._targets)
