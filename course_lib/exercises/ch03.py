"""Chapter 3 exercises: checkers for the backward passes, initialisation and activations a learner writes."""

from __future__ import annotations

import tracemalloc
from contextlib import contextmanager

import numpy as np

from course_lib.exercises import Result, compare_arrays, exercise
from course_lib.layers import Linear, MSELoss, ReLU, Sigmoid, Softmax, SoftmaxCrossEntropy, Tanh
from course_lib.network import Sequential


def _frozen(*arrays) -> list[np.ndarray]:
    """Copies, to detect an answer that writes into its arguments."""
    return [a.copy() for a in arrays]


def _mutated(originals, arrays) -> bool:
    return any(not np.array_equal(o, a) for o, a in zip(originals, arrays))


def _not_real(value) -> Result | None:
    """A failing Result for complex answers (NumPy would silently drop the imaginary part)."""
    values = value if isinstance(value, (tuple, list)) else (value,)
    for v in values:
        if np.iscomplexobj(v):
            return Result(False, "your answer holds complex numbers; every gradient here is real. "
                                 "Look for a square root or power of a negative number.")
    return None


def _compare(name, yours, reference) -> Result:
    """compare_arrays, with complex answers rejected first."""
    return _not_real(yours) or compare_arrays(name, yours, reference)


@contextmanager
def _watch_layers():
    """Record calls to the library's layers and networks (for "use NumPy only" exercises)."""
    used: list[str] = []
    originals = {}
    for cls in (Linear, ReLU, Sigmoid, Tanh, Softmax, SoftmaxCrossEntropy, MSELoss, Sequential):
        for name in ("forward", "backward"):
            original = cls.__dict__.get(name)
            if original is None:
                continue

            def wrapper(self, *args, _original=original, _cls=cls, **kwargs):
                used.append(_cls.__name__)
                return _original(self, *args, **kwargs)

            originals[(cls, name)] = original
            setattr(cls, name, wrapper)
    try:
        yield used
    finally:
        for (cls, name), original in originals.items():
            setattr(cls, name, original)


@exercise("3.1", "sigmoid backward")
def _check_sigmoid_backward(answer) -> Result:
    for seed, shape in enumerate([(4, 5), (7,), (2, 3, 4)]):  # "of any equal shape"
        rng = np.random.default_rng(seed)
        x = rng.normal(size=shape) * 3
        layer = Sigmoid()
        out = layer.forward(x)
        grad_out = rng.normal(size=out.shape)
        before = _frozen(out, grad_out)
        yours = answer(out, grad_out)
        if _mutated(before, (out, grad_out)):
            return Result(False, "your function changed its arguments in place; return a new array instead.")
        result = _compare("sigmoid_backward(out, grad_out)", yours, layer.backward(grad_out))
        if not result:
            hint = " Hint: σ'(x) = σ(x)(1 − σ(x)) = out * (1 - out); multiply it by grad_out (chain rule)."
            mine = np.asarray(yours, dtype=float) if np.shape(yours) == out.shape else None
            s_of_out = 1 / (1 + np.exp(-out))
            if mine is not None and np.allclose(mine, out * (1 - out)):
                hint = " You returned σ'(x) alone: multiply by grad_out, the gradient arriving from above."
            elif mine is not None and np.allclose(mine, grad_out * s_of_out * (1 - s_of_out)):
                hint = (" You applied the sigmoid to out, but out is already σ(x): "
                        "use grad_out * out * (1 - out) directly.")
            return Result(False, result.message + hint)
    return Result(True, "grad_out * out * (1 - out) — the derivative needs only the cached output.")


def _call(answer, *args):
    """Call the learner's function; turn a matmul shape error into a shape-table hint."""
    try:
        return answer(*args), None
    except ValueError as err:
        if "broadcast" in str(err):
            return None, Result(False, (
                f"an elementwise operation got arrays whose shapes do not fit together ({err}). "
                "Write down the shape of every array; a sum over an axis drops that axis unless "
                "you pass keepdims=True."
            ))
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


def _is_permutation(yours, references) -> bool:
    """Whether the learner's arrays are the references in another order."""
    from itertools import permutations

    return any(all(compare_arrays("", yours[i], ref) for i, ref in zip(order, references))
               for order in permutations(range(len(references))))


def _linear_hint_safe(yours, x, W, grad_out) -> str:
    try:
        return _linear_hint(yours, x, W, grad_out)
    except (TypeError, ValueError):
        return " Return (dx, dW, db) as NumPy arrays."


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
        references = (ref_dx, layer.grads["W"], layer.grads["b"])
        complex_answer = _not_real(yours)
        if complex_answer is not None:
            return complex_answer
        if not all(compare_arrays("", m, r) for m, r in zip(yours, references)) and _is_permutation(
                yours, references):
            return Result(False, "the three gradients are right but in the wrong order: "
                                 "return (dx, dW, db).")
        for name, mine, ref in zip(("dx", "dW", "db"), yours, references):
            result = compare_arrays(name, mine, ref)
            if not result:
                return Result(False, result.message + _linear_hint_safe(yours, x, W, grad_out))
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
        with _watch_layers() as used:
            yours, failure = _call(answer, *args)
        if failure is not None:
            return failure
        if used:
            return Result(False, f"your function called the library's {sorted(set(used))[0]} layer; "
                                 "this exercise asks for NumPy and `losses` only — write each "
                                 "forward and backward line of section 5 yourself.")
        if not isinstance(yours, dict) or set(yours) != set(names):
            return Result(False, "return a dict with the keys 'W1', 'b1', 'W2', 'b2'.")
        complex_answer = _not_real(list(yours.values()))
        if complex_answer is not None:
            return complex_answer
        for name in ("W2", "b2", "W1", "b1"):  # in backward order: the first mistake is upstream
            result = compare_arrays(f"grads['{name}']", yours[name], reference[name])
            if not result and compare_arrays("", yours[name], len(X) * reference[name]):
                return Result(False, result.message + f" Your grads['{name}'] is N = {len(X)} times too "
                              "large: the loss is a MEAN over the batch, so dZ2 = (P − T) / N.")
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


# --------------------------------------------------------------------------------------------
# 3.4 softmax backward as a vector-Jacobian product
# --------------------------------------------------------------------------------------------
def _softmax_wrong_guess(p, g, yours) -> str:
    """A hint naming the likely mistake in a softmax VJP answer."""
    candidates = [
        (p * g, " Softmax is not elementwise: each p_i depends on every z_j. Subtract the row's "
                "⟨g, p⟩ = (g * p).sum(axis=1, keepdims=True) from g before multiplying by p."),
        (p * ((g * p).sum(axis=1, keepdims=True) - g), " The sign is flipped: dL/dz = p ⊙ (g − ⟨g, p⟩)."),
        (p * (g - (g * p).sum(axis=0, keepdims=True)), " The sum ⟨g, p⟩ runs over the classes of ONE "
                "example (axis=1), not over the batch: examples do not interact."),
        (g - (g * p).sum(axis=1, keepdims=True), " Multiply by p: dL/dz = p ⊙ (g − ⟨g, p⟩)."),
        (g * p * (1 - p), " p(1 − p) is only the diagonal of the Jacobian diag(p) − p pᵀ; the "
                "off-diagonal −p_i p_j terms give the −⟨g, p⟩ inside p ⊙ (g − ⟨g, p⟩)."),
    ]
    if p.shape[0] == p.shape[1]:  # a square batch lets a missing keepdims broadcast silently
        candidates.append((p * (g - (g * p).sum(axis=1)), " (g * p).sum(axis=1) has shape (N,): "
                           "it broadcasts along the wrong axis. Use keepdims=True to get (N, 1)."))
    flat_p, flat_g = p.ravel(), g.ravel()
    whole_batch = ((np.diag(flat_p) - np.outer(flat_p, flat_p)) @ flat_g).reshape(p.shape)
    candidates.append((whole_batch, " One Jacobian per example: you built diag(p) − p pᵀ for the "
                       "whole flattened batch, which mixes the examples."))
    mine = np.asarray(yours, dtype=float)
    for wrong, hint in candidates:
        if mine.shape == wrong.shape and np.allclose(mine, wrong):
            return hint
    return " For one row, dL/dz_j = p_j (g_j − Σ_i g_i p_i): p * (g - (g * p).sum(axis=1, keepdims=True))."


def _peak_bytes(func, *args):
    """Call ``func(*args)``; return (result, peak bytes allocated during the call)."""
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    tracemalloc.reset_peak()
    start, _ = tracemalloc.get_traced_memory()
    try:
        result = func(*args)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        if not already:
            tracemalloc.stop()
    return result, peak - start


@exercise("3.4", "softmax backward: a vector-Jacobian product")
def _check_softmax_backward(answer) -> Result:
    for seed, (n, c) in enumerate([(3, 4), (5, 5), (1, 2), (2, 7)]):
        rng = np.random.default_rng(seed)
        layer = Softmax()
        p = layer.forward(rng.normal(size=(n, c)) * 2)
        g = rng.normal(size=(n, c))
        reference = layer.backward(g)
        before = _frozen(p, g)
        yours, failure = _call(answer, p, g)
        if failure is not None:
            return failure
        if _mutated(before, (p, g)):
            return Result(False, "your function changed p or grad_out in place; compute a new array.")
        result = _compare("softmax_backward(p, grad_out)", yours, reference)
        if not result:
            return Result(False, result.message + _softmax_wrong_guess(p, g, yours))
    # the requirement "without building the C x C Jacobian": measure the memory on a wide softmax
    rng = np.random.default_rng(7)
    n, c = 3, 2000
    layer = Softmax()
    p = layer.forward(rng.normal(size=(n, c)))
    g = rng.normal(size=(n, c))
    yours, peak = _peak_bytes(answer, p, g)
    result = _compare("softmax_backward(p, grad_out) with C = 2000", yours, layer.backward(g))
    if not result:
        return result
    if peak > 40 * p.nbytes:
        return Result(False, (
            f"right values, but your function allocated {peak / 1e6:.0f} MB for a batch of "
            f"{n} × {c} ({p.nbytes / 1e3:.0f} kB): it builds the C × C Jacobian. The point of a "
            "vector–Jacobian product is not to: p * (g - (g * p).sum(axis=1, keepdims=True)) "
            "needs O(C) memory per row."
        ))
    return Result(True, "p ⊙ (g − ⟨g, p⟩) per row — the product with diag(p) − p pᵀ, "
                        "without ever building it.")


# --------------------------------------------------------------------------------------------
# 3.5 He initialisation
# --------------------------------------------------------------------------------------------
def _init_hint(W, fan_in, fan_out) -> str | None:
    """Name the likely scale mistake of an initialisation, from the sample standard deviation."""
    std = float(np.std(W))
    he = np.sqrt(2 / fan_in)
    named = [
        (np.sqrt(1 / fan_in), "that is sqrt(1 / fan_in), right for tanh near 0; ReLU sets half of "
                              "its inputs to 0, so it needs twice the variance: sqrt(2 / fan_in)."),
        (np.sqrt(2 / (fan_in + fan_out)), "that is Xavier, sqrt(2 / (fan_in + fan_out)), made for "
                                          "tanh; before a ReLU use He: sqrt(2 / fan_in)."),
        (np.sqrt(2 / fan_out), "that uses fan_out; He's forward condition uses fan_in, the number "
                               "of inputs summed by each unit: sqrt(2 / fan_in)."),
        (2 / fan_in, "that is the VARIANCE 2 / fan_in used as the standard deviation; take its "
                     "square root."),
        (1.0, "standard deviation 1 is far too large: each layer would multiply the signal's "
              "variance by fan_in / 2. Use sqrt(2 / fan_in)."),
    ]
    if abs(std - he) <= 0.05 * he:
        return None
    for value, hint in named:
        if abs(std - value) <= 0.05 * value:
            return f"the weights have standard deviation {std:.3g}; {hint}"
    return (f"the weights have standard deviation {std:.3g}, expected sqrt(2 / fan_in) = {he:.3g} "
            "(He et al., 2015).")


@exercise("3.5", "He initialisation")
def _check_he_init(answer) -> Result:
    fan_in, fan_out = 400, 300
    W = answer(fan_in, fan_out, np.random.default_rng(0))
    try:
        W = np.asarray(W)
    except (TypeError, ValueError):
        return Result(False, f"return an array of shape ({fan_in}, {fan_out}).")
    if W.dtype.kind == "c":
        return _not_real(W)
    if W.dtype.kind not in "biuf":
        return Result(False, f"return an array of numbers, got dtype {W.dtype}.")
    if W.shape == (fan_out, fan_in):
        return Result(False, f"W has shape {W.shape}: in y = x @ W, W is (fan_in, fan_out) = "
                             f"({fan_in}, {fan_out}).")
    if W.shape != (fan_in, fan_out):
        return Result(False, f"W has shape {W.shape}, expected (fan_in, fan_out) = ({fan_in}, {fan_out}).")
    if not np.all(np.isfinite(W)):
        return Result(False, "W contains NaN or inf.")
    if np.all(W == W.flat[0]) or np.all(W == W[:, :1]):
        return Result(False, "every unit starts with the same weights, so every unit gets the same "
                             "gradient and they stay identical forever (symmetry). Draw random weights.")
    again = np.asarray(answer(fan_in, fan_out, np.random.default_rng(0)))
    other = np.asarray(answer(fan_in, fan_out, np.random.default_rng(1)))
    if not np.array_equal(W, again) or np.array_equal(W, other):
        return Result(False, "draw the weights from the rng you are given (e.g. rng.normal(...) or "
                             "rng.standard_normal(...)), not from np.random: the same rng seed must "
                             "give the same network.")
    if abs(float(W.mean())) > 5 * float(W.std()) / np.sqrt(W.size):
        return Result(False, f"the weights have mean {float(W.mean()):.3g}; they must be centred at 0 "
                             "(rng.random() draws from [0, 1): use rng.normal or rng.standard_normal).")
    hint = _init_hint(W, fan_in, fan_out)
    if hint is not None:
        return Result(False, hint)
    small = np.asarray(answer(3, 5, np.random.default_rng(2)))
    if small.shape != (3, 5):
        return Result(False, f"for fan_in=3, fan_out=5 W has shape {small.shape}, expected (3, 5).")
    return Result(True, "random, centred, standard deviation sqrt(2 / fan_in): the ReLU layer's "
                        "signal keeps its size, and no two units start alike.")


# --------------------------------------------------------------------------------------------
# 3.6 dead ReLU units
# --------------------------------------------------------------------------------------------
def _dead_units_case(seed: int):
    """W, b, X with a known mix: active units, a unit at exactly z = 0, a unit active once."""
    rng = np.random.default_rng(seed)
    n, d, units = 6, 4, 7
    X = rng.normal(size=(n, d))
    W = rng.normal(size=(d, units))
    b = rng.normal(size=units) * 0.1
    W[:, 1], b[1] = 0.0, 0.0                      # z = 0 for every example: relu(0) = 0, dead
    b[2] = -100.0                                 # far below zero: dead
    W[:, 3], b[3] = 0.0, -1.0                     # constant negative: dead
    W[:, 4] = 0.0
    W[0, 4], b[4] = 1.0, -(np.sort(X[:, 0])[-2] + np.sort(X[:, 0])[-1]) / 2  # active on ONE example
    return W, b, X


@exercise("3.6", "dead ReLU units")
def _check_dead_units(answer) -> Result:
    for seed in range(3):
        W, b, X = _dead_units_case(seed)
        Z = X @ W + b
        reference = np.all(Z <= 0, axis=0)
        before = _frozen(W, b, X)
        yours, failure = _call(answer, W, b, X)
        if failure is not None:
            return failure
        if _mutated(before, (W, b, X)):
            return Result(False, "your function changed W, b or X in place; compute new arrays.")
        if np.ndim(yours) == 0:
            return Result(False, "return a boolean mask with one entry per unit, not a single number "
                                 "(count the dead units afterwards with .sum()).")
        mine = np.asarray(yours)
        if mine.shape == (X.shape[0],):
            return Result(False, f"your mask has shape {mine.shape}, one entry per EXAMPLE; a unit is "
                                 "dead when it is off on every example: reduce over axis=0.")
        if mine.shape != reference.shape:
            return Result(False, f"your mask has shape {mine.shape}, expected one entry per unit "
                                 f"{reference.shape}.")
        if mine.dtype != bool:
            return Result(False, f"return a boolean mask (dtype bool), got dtype {mine.dtype}: e.g. "
                                 "np.all(z <= 0, axis=0).")
        if np.array_equal(mine, reference):
            continue
        if np.array_equal(mine, np.all(Z < 0, axis=0)):
            return Result(False, "a unit with z = 0 exactly outputs relu(0) = 0 and its slope is 0 "
                                 "too: it is dead. Use z <= 0, not z < 0.")
        if np.array_equal(mine, np.any(Z <= 0, axis=0)):
            return Result(False, "you marked units that are off on SOME example; dead means off on "
                                 "EVERY example: np.all(..., axis=0), not np.any.")
        if np.array_equal(mine, np.all(X @ W <= 0, axis=0)):
            return Result(False, "include the bias: z = X @ W + b.")
        if np.array_equal(mine, ~reference):
            return Result(False, "your mask is inverted: True must mark the dead units.")
        return Result(False, "a unit is dead when z = X @ W + b is ≤ 0 for every row of X: "
                             "np.all(z <= 0, axis=0).")
    return Result(True, "np.all(X @ W + b <= 0, axis=0): the units that no example switches on — "
                        "their gradient is zero, so no update can revive them.")
