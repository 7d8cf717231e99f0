"""Chapter 2 — what reverse mode costs in memory: the bytes a forward pass keeps for the backward pass.

Backpropagation needs, at every layer, values computed on the way forward (a ``Linear`` layer needs
its input ``x`` for ``dW = xᵀδ``, a ``ReLU`` its mask ``x > 0``, a sigmoid its output). So every
layer keeps them — its *forward cache* — until the backward pass has used them. This module counts
those bytes exactly (``ndarray.nbytes``, no operating-system measurement, so the numbers are the same
on every machine) and compares them with two alternatives:

- **forward mode** (or plain inference) keeps only the layer being computed: its input and output,
  each with a tangent of the same size in forward mode;
- **gradient checkpointing** (Chen, Xu, Zhang & Guestrin 2016, "Training Deep Nets with Sublinear
  Memory Cost", arXiv:1604.06174) keeps only the input of every segment of ``k`` layers and recomputes
  one segment's caches at a time during the backward pass: about ``L/k + k`` layers' worth of memory,
  smallest (``~2√L``) for ``k ≈ √L``, for the price of one extra forward pass.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["cached_arrays", "cached_bytes", "memory_profile"]


def cached_arrays(layer) -> list[np.ndarray]:
    """The arrays a layer holds besides its parameters and gradients: its forward cache.

    Parameters
    ----------
    layer : object
        A layer of :mod:`course_lib.layers` (or any object with ``params`` and ``grads`` dicts),
        usually after ``forward``.

    Returns
    -------
    list of ndarray
        Every NumPy array among the layer's attributes that is not one of ``params`` / ``grads``
        (empty before the first ``forward``).
    """
    if not hasattr(layer, "params") or not hasattr(layer, "grads"):
        raise TypeError(f"layer must have params and grads dicts, got {type(layer).__name__}")
    owned = {id(a) for a in (*layer.params.values(), *layer.grads.values())}
    return [v for v in vars(layer).values() if isinstance(v, np.ndarray) and id(v) not in owned]


def cached_bytes(model) -> int:
    """Bytes of all forward caches of a model's layers, each array counted once.

    Two layers can hold the same array (a ``Tanh`` caches its output, which the next ``Linear``
    caches as its input); it is counted once, as it is stored once.

    Parameters
    ----------
    model : Sequential
        A model whose ``forward`` has run (for example :func:`course_lib.network.MLP`).

    Returns
    -------
    int
        The sum of ``nbytes`` of the distinct cached arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from course_lib.network import MLP
    >>> model = MLP([4, 3, 2], rng=np.random.default_rng(0))
    >>> _ = model.forward(np.zeros((5, 4)))
    >>> cached_bytes(model)  # Linear inputs 5·4·8 + 5·3·8, ReLU mask 5·3·1
    295
    """
    if not hasattr(model, "layers"):
        raise TypeError(f"model must be a Sequential with .layers, got {type(model).__name__}")
    arrays = {id(a): a for layer in model.layers for a in cached_arrays(layer)}
    return int(sum(a.nbytes for a in arrays.values()))


def memory_profile(model, X, segment: int | None = None) -> dict[str, int]:
    """Run ``model.forward(X)`` layer by layer and measure what each way of differentiating keeps.

    Parameters
    ----------
    model : Sequential
        The model; its layers' caches are filled as by ``model.forward(X)``.
    X : ndarray, shape (N, in_features)
        A batch.
    segment : int, optional
        Layers per checkpointed segment; default ``round(√L)`` for ``L`` layers (Chen et al. 2016).

    Returns
    -------
    dict
        ``"reverse"``: bytes of all forward caches kept for backpropagation (:func:`cached_bytes`);
        ``"forward_mode"``: the most any single layer needs at once in forward mode — its input and
        output, each with a tangent of the same size: ``2 · max(x.nbytes + y.nbytes)``;
        ``"checkpointing"``: the peak while the backward pass recomputes one segment at a time —
        the input of every other segment (the checkpoints) plus that segment's caches;
        ``"segment"``: the segment length used.
    """
    if not hasattr(model, "layers"):
        raise TypeError(f"model must be a Sequential with .layers, got {type(model).__name__}")
    n_layers = len(model.layers)
    if segment is None:
        segment = max(1, round(math.sqrt(n_layers)))
    if isinstance(segment, bool) or not isinstance(segment, numbers.Integral) or segment < 1:
        raise ValueError(f"segment must be a positive int (layers per segment), got {segment!r}")
    x = X
    per_layer, inputs, widest = [], [], 0
    for layer in model.layers:
        y = layer.forward(x)
        inputs.append(np.asarray(x).nbytes)
        per_layer.append(sum(a.nbytes for a in cached_arrays(layer)))
        widest = max(widest, np.asarray(x).nbytes + y.nbytes)
        x = y
    starts = range(0, n_layers, segment)
    checkpoints = sum(inputs[s] for s in starts)
    # while segment s is recomputed, its own checkpoint is the cached input of its first layer
    peak = max(checkpoints - inputs[s] + sum(per_layer[s:s + segment]) for s in starts)
    return {"reverse": cached_bytes(model), "forward_mode": 2 * widest,
            "checkpointing": int(peak), "segment": int(segment)}
