"""Chapter 3 — networks: layers chained forward, gradients chained backward.

:class:`Sequential` runs its layers in order on the way forward and in reverse order on the way
back — backpropagation is exactly that loop. :func:`MLP` builds the usual multi-layer perceptron
``Linear → activation → … → Linear`` out of :mod:`course_lib.layers`.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_lib._validation import as_float_array, check_flag
from course_lib.layers import Linear, ReLU, Sigmoid, Tanh, _Loss

__all__ = ["Sequential", "MLP"]

_ACTIVATIONS = {"relu": (ReLU, "he"), "sigmoid": (Sigmoid, "xavier"), "tanh": (Tanh, "xavier")}


class Sequential:
    """A chain of layers: ``forward`` runs them in order, ``backward`` in reverse order.

    Parameters
    ----------
    *layers
        Objects with ``forward(x)``, ``backward(grad_out)`` and dicts ``params`` / ``grads``
        (the layers of :mod:`course_lib.layers`, or your own). Loss layers stay outside:
        ``loss.forward(model.forward(X), y)``.

    Attributes
    ----------
    layers : list
        The layers, in forward order.
    """

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])  # also accept Sequential([l1, l2, ...])
        _check_layers(layers)
        self.layers = list(layers)

    def forward(self, x) -> np.ndarray:
        """Run every layer in order; return the last layer's output (the scores).

        Only cheap checks (the layers check type and shape): NaN/inf activations of a diverging
        network must reach the loss, which reports them (and :func:`~course_lib.training.fit`
        turns that into ``TrainingDiverged``). :meth:`predict` checks its data fully.

        Parameters
        ----------
        x : array_like, shape (N, in_features)

        Returns
        -------
        ndarray, shape (N, out_features)
        """
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_out, input_grad: bool = True) -> np.ndarray | None:
        """Backpropagate ``dL/d(output)`` through the layers in reverse order.

        Each layer stores its parameter gradients (see :attr:`grads`) and hands the gradient for
        its input — the error signal δ — to the layer before it.

        Parameters
        ----------
        grad_out : array_like, shape (N, out_features)
            ``dL/d(scores)``, e.g. ``SoftmaxCrossEntropy().backward()``.
        input_grad : bool, default True
            ``False`` when only the parameter gradients are wanted (training): a first
            :class:`~course_lib.layers.Linear` layer then skips ``dL/dx``, one matmul in three
            of its work, and ``None`` is returned.

        Returns
        -------
        ndarray, shape (N, in_features) — ``dL/dx`` (``None`` if ``input_grad=False``)

        Raises
        ------
        RuntimeError
            Called before :meth:`forward`.
        TypeError, ValueError
            ``grad_out`` not real numbers or not of the output's shape; ``input_grad`` not a bool.
        """
        check_flag(input_grad, "input_grad")
        for layer in reversed(self.layers[1:]):
            grad_out = layer.backward(grad_out)  # δ for the layer before
        first = self.layers[0]
        if not input_grad and isinstance(first, Linear):
            return first.backward(grad_out, input_grad=False)  # skips the unused dL/dx
        grad_in = first.backward(grad_out)
        return grad_in if input_grad else None

    def predict(self, X) -> np.ndarray:
        """Predicted class labels: ``argmax`` of the scores ``forward(X)`` along axis 1.

        The largest score is also the largest softmax probability, so no softmax is needed.

        Parameters
        ----------
        X : array_like, shape (N, in_features)

        Returns
        -------
        ndarray of int64, shape (N,)

        Raises
        ------
        TypeError
            ``X`` not an array of real numbers.
        ValueError
            ``X`` empty, of the wrong shape, or holding NaN/inf; the model's scores not 2-D, or
            not finite (diverged weights: ``argmax`` of NaN would be a meaningless label).
        """
        X = as_float_array(X, "X", ndim=2, allow_empty=False)  # finite: NaN never becomes a label
        scores = self.forward(X)
        return np.argmax(_class_scores(scores), axis=1).astype(np.int64)

    @property
    def params(self) -> dict[str, np.ndarray]:
        """All parameters, keyed ``"<layer index>.<name>"`` (e.g. ``"0.W"``, ``"2.b"``).

        The values are the layers' own arrays, not copies: update them in place
        (``p -= lr * g``) and the layers change with them.
        """
        return {
            f"{i}.{name}": value
            for i, layer in enumerate(self.layers)
            for name, value in layer.params.items()
        }

    @property
    def grads(self) -> dict[str, np.ndarray]:
        """All parameter gradients from the last :meth:`backward`, same keys as :attr:`params`."""
        return {
            f"{i}.{name}": value
            for i, layer in enumerate(self.layers)
            for name, value in layer.grads.items()
        }

    def __repr__(self) -> str:
        return "Sequential(" + ", ".join(repr(layer) for layer in self.layers) + ")"


def _leaf_positions(layers, prefix: str = "") -> list[tuple[str, object]]:
    """``(position, layer)`` for every layer, looking inside nested Sequentials (``"2.0"``)."""
    found = []
    for i, layer in enumerate(layers):
        found.append((f"{prefix}{i}", layer))
        if isinstance(layer, Sequential):
            found.extend(_leaf_positions(layer.layers, prefix=f"{prefix}{i}."))
    return found


def _check_each_layer_once(layers) -> None:
    """Reject one layer object used at two positions: it holds ONE forward cache (and one set of
    parameters), so its second use would overwrite what backward needs for the first."""
    first_seen: dict[int, str] = {}
    for position, layer in _leaf_positions(layers):
        if id(layer) in first_seen:
            name = type(layer).__name__
            example = f"{name}()" if not getattr(layer, "params", None) else f"{name}(...)"
            raise ValueError(
                f"layer object at positions {first_seen[id(layer)]} and {position} is the same "
                f"{name}; a layer remembers its last forward input, so reusing it gives wrong "
                f"gradients. Create one layer per position, e.g. {example} twice"
            )
        first_seen[id(layer)] = position


def _check_layers(layers) -> None:
    """At least one layer; each has forward/backward/params/grads, is not a loss, appears once."""
    if not layers:
        raise ValueError("Sequential needs at least one layer, e.g. Sequential(Linear(2, 1))")
    for i, layer in enumerate(layers):
        if isinstance(layer, _Loss):
            raise TypeError(
                f"layer {i} is a loss ({type(layer).__name__}); keep losses outside the model: "
                "loss.forward(model.forward(X), y)"
            )
        missing = [a for a in ("forward", "backward", "params", "grads") if not hasattr(layer, a)]
        if missing:
            raise TypeError(
                f"layer {i} ({type(layer).__name__}) is not a layer: it lacks {', '.join(missing)}"
            )
    _check_each_layer_once(layers)


def _class_scores(scores) -> np.ndarray:
    """The model's output checked as class scores: 2-D (N, C) and finite."""
    if np.ndim(scores) != 2:
        raise ValueError(f"predict needs 2-D scores (N, C), the model returned {np.shape(scores)}")
    if not np.all(np.isfinite(scores)):
        raise ValueError("the model's scores contain NaN or inf (diverged weights?); no class "
                         "can be predicted from them")
    return scores


def _check_mlp_arguments(layer_sizes, activation) -> list[int]:
    """``layer_sizes`` as a list of >= 2 positive ints, and ``activation`` a known name."""
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise TypeError(f"layer_sizes must be a list of ints like [784, 128, 10], got {layer_sizes!r}")
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"layer_sizes needs at least 2 entries (input and output width), got {sizes}"
        )
    for s in sizes:
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral):
            raise TypeError(f"layer_sizes must hold ints, got {s!r} in {sizes}")
        if s <= 0:
            raise ValueError(f"layer_sizes must be positive, got {s} in {sizes}")
    if not isinstance(activation, str) or activation not in _ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {', '.join(map(repr, _ACTIVATIONS))}, got {activation!r}"
        )
    return [int(s) for s in sizes]


def MLP(layer_sizes, activation: str = "relu", rng=None, dtype=np.float64) -> Sequential:
    """A multi-layer perceptron: ``Linear, act, Linear, act, …, Linear`` (no activation at the end).

    Weights are initialised for the activation: He (``std = sqrt(2/in)``) for ReLU,
    Xavier/Glorot (``std = sqrt(2/(in+out))``) for sigmoid and tanh; biases start at zero.

    Parameters
    ----------
    layer_sizes : sequence of int, length >= 2
        Widths from input to output, e.g. ``[784, 128, 10]`` (one hidden layer of 128).
    activation : {"relu", "sigmoid", "tanh"}, default "relu"
    rng : numpy.random.Generator, optional
        Draws all initial weights; ``None`` means ``np.random.default_rng()``.
    dtype : float dtype, default np.float64
        dtype of every parameter, output and gradient (use ``np.float32`` for speed).

    Returns
    -------
    Sequential
        ``2 * (len(layer_sizes) - 1) - 1`` layers.

    Raises
    ------
    TypeError
        ``layer_sizes`` not a list of ints; ``rng`` not a Generator; ``dtype`` not a float dtype.
    ValueError
        Fewer than 2 sizes, a size ≤ 0, or an unknown ``activation``.
    """
    sizes = _check_mlp_arguments(layer_sizes, activation)
    rng = np.random.default_rng() if rng is None else rng
    act_class, init = _ACTIVATIONS[activation]
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(n_in, n_out, rng=rng, dtype=dtype, init=init))
        if i < len(sizes) - 2:  # no activation after the last layer: it outputs the scores
            layers.append(act_class())
    return Sequential(*layers)
