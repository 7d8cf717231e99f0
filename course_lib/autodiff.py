"""Chapter 2 — a scalar reverse-mode automatic-differentiation engine, ``Value``.

Every operation on a :class:`Value` records one node of a *computational graph*: the result, the
operands it was computed from (its ``children``), the name of the operation (``op``) and a small
function that returns the operation's *local gradients* — the partial derivative of the result
with respect to each operand. :meth:`Value.backward` then applies the chain rule once per node,
from the output back to the inputs (reverse mode), so ONE backward pass gives the derivative of
the output with respect to EVERY input.

The primitives (``+``, ``*``, ``**`` with a number exponent, ``exp``, ``log``, ``tanh``,
``sigmoid``, ``relu``) state their forward formula and their local gradients side by side; the
other operations (``-``, ``/``, the reflected ``2 * v``, ``1 - v``, ...) are one-liners built from
the primitives. Modelled on karpathy/micrograd, with three changes: the topological sort is
iterative (a graph 100,000 nodes deep is fine), ``backward()`` resets the gradients of the graph
before accumulating (calling it twice gives the same result), and operands that are not numbers
raise a ``TypeError`` that says so.

:func:`forward_mode_derivative` computes one derivative by forward mode over the same graph, and
:func:`count_operations` counts the work done, to compare the two modes.
"""

from __future__ import annotations

import math
import numbers
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

__all__ = [
    "Value",
    "topological_order",
    "forward_mode_derivative",
    "count_operations",
    "OperationCount",
]


def _no_local_grads() -> tuple[float, ...]:
    """The local gradients of an input node: none (it has no children)."""
    return ()


class Value:
    """A scalar that remembers how it was computed, so that it can be differentiated.

    Parameters
    ----------
    data : int or float
        The number (stored as a Python ``float``; NaN and inf are rejected).
    label : str, optional
        A name shown when the graph is drawn (``"x"``, ``"w1"``, ``"loss"``).

    Attributes
    ----------
    data : float
        The value computed in the forward pass.
    grad : float
        d(output)/d(this node) after ``output.backward()``; 0.0 before.
    label : str
        Name for drawing; ``""`` if none. You may set it later: ``c.label = "c"``.
    op : str
        The operation that produced this node (``"+"``, ``"*"``, ``"tanh"``, ...); ``""`` for an input.
    children : tuple of Value
        The operands of ``op`` (empty for an input).
    """

    __array_ufunc__ = None  # NumPy scalars defer to Value: np.float64(2) * v calls v.__rmul__

    def __init__(self, data, label: str = ""):
        self.data = _as_float(data, "data")
        self.grad = 0.0
        if not isinstance(label, str):
            raise TypeError(f"label must be a str (a name for drawing), got {type(label).__name__}")
        self.label = label
        self.op = ""
        self.children: tuple[Value, ...] = ()
        self._local_grads: Callable[[], tuple[float, ...]] = _no_local_grads
        self._constant = False  # True for numbers wrapped by an operator (2 in 2 * v)

    # ---- primitives: forward formula, then the local gradients d(out)/d(each child) ----
    # _node(out, children, op, local_grads) makes the result node; local_grads() returns one
    # partial derivative per child, evaluated only when a backward (or forward-mode) pass asks.

    def __add__(self, other):  # self + other
        other = _as_value(other, "+")  # a plain number becomes a constant Value
        out = self.data + other.data
        return _node(out, children=(self, other), op="+",
                     local_grads=lambda: (1.0, 1.0))  # d(out)/d(self) = 1, d(out)/d(other) = 1

    def __mul__(self, other):  # self * other
        other = _as_value(other, "*")  # a plain number becomes a constant Value
        out = self.data * other.data
        return _node(out, children=(self, other), op="*",
                     local_grads=lambda: (other.data, self.data))  # d/d(self) = other, d/d(other) = self

    def __pow__(self, k):  # self ** k, with k a number
        k = _exponent(k)  # a plain number (x ** y for a Value y: write (y * x.log()).exp())
        out = _power(self.data, k)  # self.data ** k, with clear errors where it is not a real number
        return _node(out, children=(self,), op=f"**{k:g}",
                     local_grads=lambda: (_power_rule(self.data, k),))  # k x^(k-1)

    def exp(self):
        out = _exp(self.data)  # math.exp, with a clear error when it overflows
        return _node(out, children=(self,), op="exp", local_grads=lambda: (out,))  # d e^x/dx = e^x

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log needs a positive value, got {self.data:g}")
        out = math.log(self.data)
        return _node(out, children=(self,), op="log",
                     local_grads=lambda: (1.0 / self.data,))  # d log x/dx = 1/x

    def tanh(self):
        out = math.tanh(self.data)
        return _node(out, children=(self,), op="tanh",
                     local_grads=lambda: (1.0 - out * out,))  # d tanh x/dx = 1 - tanh(x)^2

    def sigmoid(self):
        out = _sigmoid(self.data)  # 1 / (1 + e^-x), without overflow for large |x|
        return _node(out, children=(self,), op="sigmoid",
                     local_grads=lambda: (out * (1.0 - out),))  # σ(x) (1 - σ(x))

    def relu(self):
        out = self.data if self.data > 0 else 0.0
        return _node(out, children=(self,), op="relu",
                     local_grads=lambda: (1.0 if self.data > 0 else 0.0,))  # 1 for x > 0, else 0

    # ---- derived operations: one-liners built from the primitives ----
    # _as_value(x, op) turns a number into a constant Value; _negated(x, op) gives -x, keeping a
    # negated number a single constant node (no extra "* -1" node in the drawn graph).

    def __neg__(self):  # -self
        return self * -1

    def __radd__(self, other):  # other + self
        return self + _as_value(other, "+")

    def __sub__(self, other):  # self - other
        return self + _negated(other, "-")  # self + (-other)

    def __rsub__(self, other):  # other - self
        return _as_value(other, "-") + (-self)

    def __rmul__(self, other):  # other * self
        return self * _as_value(other, "*")

    def __truediv__(self, other):  # self / other
        return self * _as_value(other, "/") ** -1  # self * other^-1

    def __rtruediv__(self, other):  # other / self
        return _as_value(other, "/") * self**-1  # other * self^-1

    # ---- the chain rule ----

    def backward(self) -> None:
        """Fill ``.grad`` of every node of this graph with d(self)/d(node) — one reverse pass.

        The gradients of ALL nodes reachable from ``self`` are first reset to 0, then accumulated
        with ``+=`` (a node used twice — fan-out — receives the sum of both contributions).
        So calling ``backward()`` twice gives the same gradients, never doubled ones. The flip side:
        gradients from two different outputs are not summed for you; to differentiate
        ``loss1 + loss2``, build that sum and call ``backward()`` on it.
        """
        order = topological_order(self)  # every child comes before the nodes that use it
        for node in order:
            node.grad = 0.0
        self.grad = 1.0  # d(self)/d(self)
        for node in reversed(order):  # from the output back to the inputs
            if node.children:
                _count("chain_rule_steps")  # tallied only inside count_operations()
                for child, local in zip(node.children, node._local_grads()):
                    child.grad += local * node.grad  # chain rule: d(out)/d(child) * d(self)/d(out)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"


def topological_order(root: Value) -> list[Value]:
    """All nodes of ``root``'s graph, each after its children; ``root`` comes last.

    Iterative depth-first search (an explicit stack instead of recursion), so graphs of any depth
    work. The order is deterministic: children are explored in operand order.

    Parameters
    ----------
    root : Value

    Returns
    -------
    list of Value
        Every node reachable from ``root`` exactly once; inputs first, ``root`` last.
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}")
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:  # second visit: all its children are already in `order`
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children) if child not in visited)
    return order


def forward_mode_derivative(root: Value, wrt: Value) -> float:
    """d(root)/d(wrt) by forward mode: push a tangent from ``wrt`` through the graph to ``root``.

    Uses the same local gradients as :meth:`Value.backward`, but multiplies them in the other
    order: inputs first. Each call visits every node once and yields ONE partial derivative, so
    the gradient with respect to ``n`` inputs needs ``n`` passes (reverse mode needs one).

    Parameters
    ----------
    root : Value
        The output.
    wrt : Value
        The input to differentiate with respect to (0.0 if ``root`` does not depend on it).

    Returns
    -------
    float
    """
    if not isinstance(wrt, Value):
        raise TypeError(f"wrt must be a Value, got {type(wrt).__name__}")
    tangent = {wrt: 1.0}  # d(node)/d(wrt); nodes not in the dict have tangent 0
    for node in topological_order(root):
        if node.children and node is not wrt:
            _count("chain_rule_steps")  # tallied only inside count_operations()
            locals_ = node._local_grads()
            tangent[node] = sum(loc * tangent.get(c, 0.0) for c, loc in zip(node.children, locals_))
    return float(tangent.get(root, 0.0))


# ---- counting the work (to compare forward mode, reverse mode and numerical derivatives) ----


@dataclass
class OperationCount:
    """Work counted inside :func:`count_operations`.

    Attributes
    ----------
    evaluations : int
        Operations computed in forward passes (one per node created by an operator).
    chain_rule_steps : int
        Nodes whose local gradients were applied (by ``backward`` or ``forward_mode_derivative``).
    """

    evaluations: int = 0
    chain_rule_steps: int = 0

    @property
    def total(self) -> int:
        return self.evaluations + self.chain_rule_steps


_ACTIVE_COUNTERS: list[OperationCount] = []


@contextmanager
def count_operations() -> Iterator[OperationCount]:
    """Count the operations done by the engine inside a ``with`` block.

    Examples
    --------
    >>> with count_operations() as ops:
    ...     y = (Value(2.0) * 3).tanh()
    ...     y.backward()
    >>> ops.evaluations, ops.chain_rule_steps
    (2, 2)
    """
    counter = OperationCount()
    _ACTIVE_COUNTERS.append(counter)
    try:
        yield counter
    finally:
        _ACTIVE_COUNTERS.remove(counter)


def _count(field: str) -> None:
    """Add one to ``field`` of every active :func:`count_operations` counter (none: no cost)."""
    for counter in _ACTIVE_COUNTERS:
        setattr(counter, field, getattr(counter, field) + 1)


# ---- helpers ----


def _node(data: float, children: tuple[Value, ...], op: str, local_grads) -> Value:
    """Create the result node of an operation (its data is computed, not given by a user)."""
    if not math.isfinite(data):  # e.g. 1e200 * 1e200: a float cannot hold the result
        raise OverflowError(f"the result of {op!r} is {data} (too large for a float); "
                            "rescale the inputs")
    _count("evaluations")
    out = Value.__new__(Value)
    out.data, out.grad, out.label, out.op = float(data), 0.0, "", op
    out.children, out._local_grads, out._constant = children, local_grads, False
    return out


def _as_float(x, name: str) -> float:
    """``x`` as a finite Python float, or a TypeError/ValueError naming ``name``."""
    if isinstance(x, Value):
        raise TypeError(f"{name} must be a number; {x!r} is already a Value (use it directly)")
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number (int or float), got {type(x).__name__} {x!r}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {x}")
    return x


def _as_value(x, op: str) -> Value:
    """``x`` itself if it is a Value, a constant node if it is a number, else a clear TypeError."""
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(
            f"unsupported operand for {op}: Value and {type(x).__name__} ({x!r}); a Value combines "
            "only with numbers (int, float) and other Values"
        )
    constant = Value(x)
    constant._constant = True
    return constant


def _negated(x, op: str) -> Value:
    """``-x`` as a node: a negated number stays a single constant (no extra ``* -1`` node)."""
    x = _as_value(x, op)
    return _as_value(-x.data, op) if x._constant else -x


def _exponent(k) -> float:
    """The exponent of ``**`` as a finite float; a Value exponent gets a hint instead."""
    if isinstance(k, Value):
        raise TypeError(
            "the exponent of ** must be a number, not a Value; for x ** y with y a Value, "
            "write (y * x.log()).exp()"
        )
    return _as_float(k, "the exponent of **")


def _power(x: float, k: float) -> float:
    """``x ** k`` as a real float, or a clear error (negative base and fractional k, 0 ** -k, overflow)."""
    if x < 0 and k != int(k):
        raise ValueError(f"{x:g} ** {k:g} is not a real number (negative base, fractional power)")
    if x == 0 and k < 0:
        raise ZeroDivisionError(f"0 ** {k:g} divides by zero (x / 0 is computed as x * 0 ** -1)")
    try:
        return x**k
    except OverflowError:
        raise OverflowError(f"{x:g} ** {k:g} is too large for a float") from None


def _power_rule(x: float, k: float) -> float:
    """d(x**k)/dx = k * x**(k-1), with a clear error where it is infinite."""
    if k == 0:
        return 0.0
    if x == 0 and k < 1:
        raise ZeroDivisionError(f"the derivative of x ** {k:g} is infinite at x = 0")
    return k * x ** (k - 1)


def _exp(x: float) -> float:
    """``math.exp(x)``, with an OverflowError that says where a float ends."""
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp({x:g}) is too large for a float (max about exp(709))") from None


def _sigmoid(x: float) -> float:
    """1 / (1 + e^-x), computed without overflow for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)
