"""Chapter 3 exercises: checkers for the backward passes a learner writes."""

from __future__ import annotations

import numpy as np

from course_lib.exercises import Result, compare_arrays, exercise
from course_lib.layers import Linear, ReLU, Sigmoid, SoftmaxCrossEntropy
from course_lib.network import Sequential


def _frozen(*arrays) -> list[np.ndarray]:
    """Copies, to detect an answer that writes into its arguments."""
    return [a.copy() for a in arrays]


def _mutated(originals, arrays) -> bool:
    return any(not np.array_equal(o, a) for o, a in zip(originals, arrays))


@exercise("3.1", "sigmoid backward")
def _check_sigmoid_backward(answer) -> Result:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(4, 5)) * 3
        layer = Sigmoid()
        out = layer.forward(x)
        grad_out = rng.normal(size=out.shape)
        before = _frozen(out, grad_out)
        yours = answer(out, grad_out)
        if _mutated(before, (out, grad_out)):
            return Result(False, "your function changed its arguments in place; return a new array instead.")
        result = compare_arrays("sigmoid_backward(out, grad_out)", yours, layer.backward(grad_out))
        if not result:
            hint = " Hint: σ'(x) = σ(x)(1 − σ(x)) = out * (1 - out); multiply it by grad_out (chain rule)."
            if np.allclose(np.asarray(yours, dtype=float), out * (1 - out)):
                hint = " You returned σ'(x) alone: multiply by grad_out, the gradient arriving from above."
            return Result(False, result.message + hint)
    return Result(True, "grad_out * out * (1 - out) — the derivative needs only the cached output.")


def _call(answer, *args):
    """Call the learner's function; turn a matmul shape error into a shape-table hint."""
    try:
        return answer(*args), None
    except ValueError as err:
        if "matmul" not in str(err) and "shapes" not in str(err):
            raise
        return None, Result(False, (
            f"a matrix product got incompatible shapes ({err}). Write down every shape — "
            "x: (N, in), W: (in, out), δ: (N, out) — and transpose so the inner sizes match."
        ))


def _linear_hint(yours, x, W, grad_out) -> str:
    """A hint that names the likely mistake in a (dx, dW, db) answer."""
    dx, dW, db = (np.asarray(a, dtype=float) for a in yours)
    if dW.shape == (W.shape[1], W.shape[0]):
        return " dW has the shape of W transposed: dW = x.T @ grad_out has shape (in, out), like W."
    if db.shape != (W.shape[1],):
        return " db must have shape (out,): sum grad_out over the batch axis, grad_out.sum(axis=0)."
    if db.shape == (W.shape[1],) and np.allclose(db, grad_out.mean(axis=0)):
        return " db is a sum over the batch, not a mean: the 1/N is already inside grad_out."
    if dx.shape != x.shape:
        return " dx must have the shape of x, (N, in): dx = grad_out @ W.T."
    return " Write y_nj = Σ_i x_ni W_ij + b_j and differentiate: dW = x.T @ δ, db = Σ_n δ, dx = δ @ W.T."


@exercise("3.2", "Linear backward: dx, dW, db")
def _check_linear_backward(answer) -> Result:
    for seed, (n, n_in, n_out) in enumerate([(5, 3, 2), (4, 6, 7), (1, 2, 3)]):
        rng = np.random.default_rng(seed)
        layer = Linear(n_in, n_out, rng=rng)
        x = rng.normal(size=(n, n_in))
        grad_out = rng.normal(size=(n, n_out))
        layer.forward(x)
        ref_dx = layer.backward(grad_out)
        W = layer.params["W"]
        before = _frozen(x, W, grad_out)
        yours, failure = _call(answer, x, W, grad_out)
        if failure is not None:
            return failure
        if _mutated(before, (x, W, grad_out)):
            return Result(False, "your function changed x, W or grad_out in place; compute new arrays.")
        if not isinstance(yours, (tuple, list)) or len(yours) != 3:
            return Result(False, "return three arrays: dx, dW, db (in that order).")
        for name, mine, ref in zip(("dx", "dW", "db"), yours, (ref_dx, layer.grads["W"], layer.grads["b"])):
            result = compare_arrays(name, mine, ref)
            if not result:
                return Result(False, result.message + _linear_hint(yours, x, W, grad_out))
    return Result(True, "dx = δWᵀ, dW = xᵀδ, db = Σδ — correct for square and non-square layers.")


@exercise("3.3", "two-layer network backward")
def _check_two_layer_backward(answer) -> Result:
    names = ("W1", "b1", "W2", "b2")
    for seed in range(3):
        rng = np.random.default_rng(seed)
        l1, l2 = Linear(4, 5, rng=rng), Linear(5, 3, rng=rng)
        l1.params["b"][...] = rng.normal(size=5) * 0.5  # no ReLU exactly at its kink
        model, loss = Sequential(l1, ReLU(), l2), SoftmaxCrossEntropy()
        X, y = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
        loss.forward(model.forward(X), y)
        model.backward(loss.backward())
        reference = dict(zip(names, (l1.grads["W"], l1.grads["b"], l2.grads["W"], l2.grads["b"])))
        args = (X, y, l1.params["W"].copy(), l1.params["b"].copy(), l2.params["W"].copy(), l2.params["b"].copy())
        yours, failure = _call(answer, *args)
        if failure is not None:
            return failure
        if not isinstance(yours, dict) or set(yours) != set(names):
            return Result(False, "return a dict with the keys 'W1', 'b1', 'W2', 'b2'.")
        for name in ("W2", "b2", "W1", "b1"):  # in backward order: the first mistake is upstream
            result = compare_arrays(f"grads['{name}']", yours[name], reference[name])
            if not result:
                hints = {  # in the names of section 5
                    "W2": " Start at the top: dZ2 = (softmax(Z2) − T) / N with T one-hot, "
                          "then dW2 = A1.T @ dZ2.",
                    "b2": " db2 = dZ2.sum(axis=0): the bias gradient sums the error signal over the batch.",
                    "W1": " Pass the error signal back: dA1 = dZ2 @ W2.T, through the ReLU dZ1 = dA1 * (Z1 > 0), "
                          "then dW1 = X.T @ dZ1.",
                    "b1": " db1 = dZ1.sum(axis=0): the error signal AFTER the ReLU mask, summed over "
                          "the batch.",
                }
                return Result(False, result.message + hints[name])
    return Result(True, "all four gradients match the library's Sequential + SoftmaxCrossEntropy.")
