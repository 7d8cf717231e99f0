"""Tests for course_lib.autodiff (chapter 2): every operator's value and gradient, checked against
hand-derived formulas and against central differences; deep graphs; repeated backward(); errors;
forward mode and operation counts; the graph drawing and the chapter-2 exercise checkers."""

import io
import math
import sys
from contextlib import redirect_stdout

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from course_lib.autodiff import (  # noqa: E402
    OperationCount,
    Value,
    count_operations,
    forward_mode_derivative,
    topological_order,
)
from course_lib.exercises import check  # noqa: E402
from course_lib.gradcheck import numerical_derivative, numerical_gradient, relative_error  # noqa: E402
from course_lib.plotting import draw_graph, plot_autodiff_cost, plot_secants, plot_step_errors  # noqa: E402


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# name, Value -> Value, float -> float, hand-derived derivative, a point where it is well conditioned
UNARY = [
    ("exp", lambda v: v.exp(), math.exp, math.exp, 0.7),
    ("log", lambda v: v.log(), math.log, lambda x: 1 / x, 1.3),
    ("tanh", lambda v: v.tanh(), math.tanh, lambda x: 1 - math.tanh(x) ** 2, 0.4),
    ("sigmoid", lambda v: v.sigmoid(), sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x)), -0.8),
    ("relu+", lambda v: v.relu(), lambda x: max(x, 0.0), lambda x: float(x > 0), 0.9),
    ("relu-", lambda v: v.relu(), lambda x: max(x, 0.0), lambda x: float(x > 0), -0.9),
    ("neg", lambda v: -v, lambda x: -x, lambda x: -1.0, 0.3),
    ("square", lambda v: v**2, lambda x: x**2, lambda x: 2 * x, 1.7),
    ("cube", lambda v: v**3, lambda x: x**3, lambda x: 3 * x**2, -1.2),
    ("sqrt", lambda v: v**0.5, math.sqrt, lambda x: 0.5 / math.sqrt(x), 2.0),
    ("reciprocal", lambda v: v**-1, lambda x: 1 / x, lambda x: -1 / x**2, 0.6),
    ("pow0", lambda v: v**0, lambda x: 1.0, lambda x: 0.0, 0.6),
    ("2 * v", lambda v: 2 * v, lambda x: 2 * x, lambda x: 2.0, 0.5),
    ("v * 2", lambda v: v * 2, lambda x: 2 * x, lambda x: 2.0, 0.5),
    ("2 + v", lambda v: 2 + v, lambda x: 2 + x, lambda x: 1.0, 0.5),
    ("v + 2", lambda v: v + 2, lambda x: x + 2, lambda x: 1.0, 0.5),
    ("1 - v", lambda v: 1 - v, lambda x: 1 - x, lambda x: -1.0, 0.5),
    ("v - 1", lambda v: v - 1, lambda x: x - 1, lambda x: 1.0, 0.5),
    ("2 / v", lambda v: 2 / v, lambda x: 2 / x, lambda x: -2 / x**2, 0.8),
    ("v / 2", lambda v: v / 2, lambda x: x / 2, lambda x: 0.5, 0.8),
]

# name, (Value, Value) -> Value, (float, float) -> float, hand-derived (d/da, d/db)
BINARY = [
    ("+", lambda a, b: a + b, lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    ("-", lambda a, b: a - b, lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    ("*", lambda a, b: a * b, lambda a, b: a * b, lambda a, b: (b, a)),
    ("/", lambda a, b: a / b, lambda a, b: a / b, lambda a, b: (1 / b, -a / b**2)),
]


def grad_of_unary(op, x):
    v = Value(x)
    out = op(v)
    out.backward()
    return out.data, v.grad


# ---- values and gradients: hand-derived and central differences ----


@pytest.mark.parametrize("name, op, f, df, x", UNARY, ids=[u[0] for u in UNARY])
def test_unary_value_and_gradient(name, op, f, df, x):
    data, grad = grad_of_unary(op, x)
    assert data == pytest.approx(f(x), rel=1e-14, abs=1e-15)
    assert grad == pytest.approx(df(x), rel=1e-14, abs=1e-15)  # hand-derived
    numeric = numerical_derivative(lambda t: op(Value(t)).data, x)
    assert relative_error(grad, numeric) <= 1e-7  # central differences


@pytest.mark.parametrize("name, op, f, df", BINARY, ids=[b[0] for b in BINARY])
@pytest.mark.parametrize("a, b", [(1.5, -0.7), (-2.0, 3.0), (0.3, 0.9)])
def test_binary_value_and_gradient(name, op, f, df, a, b):
    va, vb = Value(a), Value(b)
    out = op(va, vb)
    out.backward()
    assert out.data == pytest.approx(f(a, b), rel=1e-14)
    assert (va.grad, vb.grad) == pytest.approx(df(a, b), rel=1e-14)
    numeric = numerical_gradient(lambda p: op(Value(p[0]), Value(p[1])).data, np.array([a, b]))
    assert relative_error([va.grad, vb.grad], numeric) <= 1e-7


def test_composite_expression_against_central_differences():
    def f(p):
        x, y, z = (Value(float(t)) for t in p)
        return ((x * y).tanh() + (z / x).sigmoid() * y.exp() - (x**2 + 1).log() + (2 - z).relu()) / 3

    point = np.array([0.8, -1.1, 0.4])
    values = [Value(float(t)) for t in point]
    x, y, z = values
    out = ((x * y).tanh() + (z / x).sigmoid() * y.exp() - (x**2 + 1).log() + (2 - z).relu()) / 3
    out.backward()
    assert out.data == pytest.approx(f(point).data)
    numeric = numerical_gradient(lambda p: f(p).data, point)
    assert relative_error([v.grad for v in values], numeric) <= 1e-7


def test_chain_rule_on_a_composition_by_hand():
    # f(x) = sin-free composition: exp(tanh(3x)); f'(x) = exp(tanh(3x)) (1 - tanh(3x)^2) 3
    x = Value(0.2)
    out = (3 * x).tanh().exp()
    out.backward()
    t = math.tanh(0.6)
    assert x.grad == pytest.approx(math.exp(t) * (1 - t * t) * 3, rel=1e-14)


# ---- hypothesis: random inputs for the elementwise ops ----

finite = st.floats(-5, 5, allow_nan=False)
positive = st.floats(0.05, 20, allow_nan=False)


@given(finite)
def test_elementwise_ops_match_hand_derived_gradients(x):
    for op, df in [
        (lambda v: v.exp(), math.exp),
        (lambda v: v.tanh(), lambda t: 1 - math.tanh(t) ** 2),
        (lambda v: v.sigmoid(), lambda t: sigmoid(t) * (1 - sigmoid(t))),
        (lambda v: v.relu(), lambda t: float(t > 0)),
        (lambda v: v**2, lambda t: 2 * t),
        (lambda v: v**3, lambda t: 3 * t * t),
        (lambda v: 3 * v - 1, lambda t: 3.0),
    ]:
        _, grad = grad_of_unary(op, x)
        assert grad == pytest.approx(df(x), rel=1e-12, abs=1e-300)


@given(positive)
def test_log_sqrt_reciprocal_match_hand_derived_gradients(x):
    for op, df in [(lambda v: v.log(), lambda t: 1 / t), (lambda v: v**0.5, lambda t: 0.5 / math.sqrt(t)),
                   (lambda v: 1 / v, lambda t: -1 / t**2)]:
        _, grad = grad_of_unary(op, x)
        assert grad == pytest.approx(df(x), rel=1e-12)


@given(st.floats(-3, 3), st.floats(0.2, 3), st.floats(-3, 3))
def test_random_expression_matches_central_differences(a, b, c):
    def f(p):
        x, y, z = (Value(float(t)) for t in p)
        return (x * y + z).tanh() * (y.log() - x / y) + (z * 0.5).sigmoid()

    point = np.array([a, b, c])
    values = [Value(t) for t in (a, b, c)]
    x, y, z = values
    out = (x * y + z).tanh() * (y.log() - x / y) + (z * 0.5).sigmoid()
    out.backward()
    analytic = np.array([v.grad for v in values])
    numeric = numerical_gradient(lambda p: f(p).data, point)
    # relative to the gradient's size, with an absolute floor for entries that are ~0
    assert np.all(np.abs(analytic - numeric) <= 1e-7 * np.maximum(np.abs(analytic), 1.0))


@given(st.floats(-1000, 1000))
def test_sigmoid_is_stable_for_large_inputs(x):
    v = Value(x)
    out = v.sigmoid()
    out.backward()
    assert 0.0 <= out.data <= 1.0 and 0.0 <= v.grad <= 0.25


# ---- reflected operators and operand types ----


def test_reflected_operators():
    v = Value(4.0)
    assert (2 * v).data == 8.0
    assert (1 - v).data == -3.0
    assert (2 / v).data == 0.5
    assert (2 + v).data == 6.0
    assert (-v).data == -4.0
    out = 2 * v + 1 - v / 4 + 3 / v
    out.backward()
    assert v.grad == pytest.approx(2 - 0.25 - 3 / 16)


def test_numpy_scalars_work_on_either_side():
    v = Value(2.0)
    out = np.float64(3.0) * v + v * np.float64(0.5) + np.int64(1)
    assert isinstance(out, Value) and out.data == pytest.approx(8.0)
    assert isinstance(out.data, float) and type(Value(np.float32(2)).data) is float


BAD_OPERANDS = ["3", None, [1.0], True, {"a": 1}, np.array([1.0, 2.0])]
OPERATORS = {
    "v + x": lambda v, x: v + x, "x + v": lambda v, x: x + v,
    "v - x": lambda v, x: v - x, "x - v": lambda v, x: x - v,
    "v * x": lambda v, x: v * x, "x * v": lambda v, x: x * v,
    "v / x": lambda v, x: v / x, "x / v": lambda v, x: x / v,
    "v ** x": lambda v, x: v**x,
}


@pytest.mark.parametrize("bad", BAD_OPERANDS, ids=lambda b: type(b).__name__)
@pytest.mark.parametrize("expr", list(OPERATORS))
def test_non_numeric_operands_raise_type_error(expr, bad):
    with pytest.raises(TypeError, match="Value|number|exponent"):
        OPERATORS[expr](Value(1.0), bad)


def test_type_error_messages_are_clear():
    with pytest.raises(TypeError, match=r"unsupported operand for \+: Value and str"):
        Value(1.0) + "2"
    with pytest.raises(TypeError, match=r"unsupported operand for -: Value and NoneType"):
        None - Value(1.0)
    with pytest.raises(TypeError, match="exponent of \\*\\* must be a number, not a Value"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(TypeError, match="data must be a real number"):
        Value("1.0")
    with pytest.raises(TypeError, match="data must be a number"):
        Value(Value(1.0))


def test_invalid_values_raise_value_error():
    with pytest.raises(ValueError, match="data must be a finite"):
        Value(float("nan"))
    with pytest.raises(ValueError, match="finite"):
        Value(1.0) * float("inf")
    for bad in (0.0, -2.0):
        with pytest.raises(ValueError, match="log needs a positive value"):
            Value(bad).log()
    with pytest.raises(ValueError, match="not a real number"):
        Value(-8.0) ** (1 / 3)
    assert (Value(-2.0) ** 3).data == -8.0  # integer powers of negatives are fine


def test_arithmetic_errors_are_explained():
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError):
        Value(0.0) ** -1
    with pytest.raises(OverflowError, match="exp"):
        Value(800.0).exp()
    root = Value(0.0) ** 0.5  # forward is fine, the slope at 0 is infinite
    with pytest.raises(ZeroDivisionError, match="infinite at x = 0"):
        root.backward()


# ---- graph structure: labels, ops, topological order ----


def test_nodes_record_op_children_and_label():
    a, b = Value(2.0, label="a"), Value(3.0, "b")
    c = a * b
    assert (a.label, a.op, a.children) == ("a", "", ())
    assert c.op == "*" and c.children == (a, b) and c.label == ""
    assert (a**2).op == "**2" and a.exp().op == "exp" and a.relu().op == "relu"
    assert (a - 1).children[1]._constant and (a - 1).children[1].data == -1.0  # one constant node


def test_topological_order_puts_children_first_and_root_last():
    x, y = Value(1.0, "x"), Value(2.0, "y")
    shared = x * y
    out = (shared + x).tanh() * shared
    order = topological_order(out)
    position = {node: i for i, node in enumerate(order)}
    assert order[-1] is out and len(order) == len(set(order))
    for node in order:
        assert all(position[child] < position[node] for child in node.children)
    assert topological_order(out) == order  # deterministic
    with pytest.raises(TypeError, match="root must be a Value"):
        topological_order(3.0)


def test_deep_graph_has_no_recursion_error():
    depth = max(5000, 3 * sys.getrecursionlimit())
    x = Value(0.5, "x")
    y = x
    for _ in range(depth):
        y = y * 0.999 + 0.001  # two nodes per step
    assert len(topological_order(y)) >= 5000
    y.backward()
    assert x.grad == pytest.approx(0.999**depth, rel=1e-9)


def test_sum_of_many_values():
    xs = [Value(float(i)) for i in range(6000)]
    total = sum(xs)
    total.backward()
    assert total.data == sum(range(6000)) and all(x.grad == 1.0 for x in xs)


# ---- backward(): fan-out and repeated calls ----


def test_fan_out_gradients_add_up():
    x, y = Value(3.0), Value(-2.0)
    f = x * y + x
    f.backward()
    assert (x.grad, y.grad) == (y.data + 1, x.data)
    z = Value(5.0)
    (z * z).backward()
    assert z.grad == 10.0
    w = Value(1.5)
    (w + w + w).backward()
    assert w.grad == 3.0


def test_backward_twice_gives_the_same_gradients():
    x, y = Value(0.3), Value(-1.2)
    shared = x * y
    out = (shared.tanh() + shared * x).exp()
    out.backward()
    first = [node.grad for node in topological_order(out)]
    out.backward()
    assert [node.grad for node in topological_order(out)] == first
    assert out.grad == 1.0


def test_backward_of_a_subexpression_resets_only_its_graph():
    x = Value(2.0)
    mid = x * 3
    out = mid * mid
    out.backward()
    assert x.grad == 2 * 6 * 3
    mid.backward()  # now d(mid)/dx; out's grad is untouched (out is not in mid's graph)
    assert x.grad == 3.0 and out.grad == 1.0


def test_leaf_backward():
    v = Value(7.0)
    v.backward()
    assert v.grad == 1.0


def test_repr_is_short_and_rounded():
    assert repr(Value(1 / 3, "x")) == "Value(data=0.333333, grad=0, label='x')"


# ---- forward mode and counting ----


def test_forward_mode_matches_reverse_mode():
    xs = [Value(v) for v in (0.3, -0.7, 1.1)]
    out = (xs[0] * xs[1] + xs[2]).tanh() * xs[0] + xs[2].exp() / (xs[1] ** 2 + 1)
    out.backward()
    for x in xs:
        assert forward_mode_derivative(out, x) == pytest.approx(x.grad, rel=1e-13)
    assert forward_mode_derivative(out, Value(1.0)) == 0.0  # not in the graph
    assert forward_mode_derivative(out, out) == 1.0
    with pytest.raises(TypeError, match="wrt must be a Value"):
        forward_mode_derivative(out, 1.0)


def test_count_operations():
    with count_operations() as ops:
        y = (Value(2.0) * 3).tanh()
        y.backward()
        with count_operations() as inner:
            forward_mode_derivative(y, y.children[0])
    # 2 forward operations; backward applies 2 local gradients; forward mode from the * node: 1
    assert (ops.evaluations, ops.chain_rule_steps, ops.total) == (2, 3, 5)
    assert (inner.evaluations, inner.chain_rule_steps) == (0, 1)
    (Value(1.0) + 1).backward()  # nothing counts outside the block
    assert ops.total == 5 and isinstance(ops, OperationCount)


def test_reverse_mode_cost_does_not_grow_with_the_number_of_inputs_per_evaluation():
    def cost(n):
        xs = [Value(0.1 * i) for i in range(n)]
        with count_operations() as rev:
            out = sum(x * x for x in xs).tanh()
            out.backward()
        with count_operations() as fwd:
            for x in xs:
                forward_mode_derivative(out, x)
        return rev.total, rev.evaluations, fwd.chain_rule_steps

    for n in (5, 50):
        reverse, forward_pass, forward_mode = cost(n)
        assert reverse == 2 * forward_pass  # one backward step per forward operation
        assert forward_mode == n * forward_pass  # n passes over the graph


# ---- drawing (matplotlib only) ----


def _neuron():
    x, w, b = Value(2.0, "x"), Value(-0.5, "w"), Value(0.3, "b")
    out = (x * w + b).tanh()
    out.label = "out"
    out.backward()
    return out


def test_draw_graph_shows_every_node_with_data_and_grad():
    out = _neuron()
    ax = draw_graph(out, show_local_grads=True, title="neuron")
    texts = [t.get_text() for t in ax.texts]
    for name in ("x", "w", "b", "out", "tanh", "×", "+", "neuron"):
        assert name in texts
    assert any("grad" in t and "data" in t for t in texts)
    assert "-0.5" in texts or "2" in texts  # local gradients on the arrows of ×
    plt.close("all")


def test_draw_graph_on_given_axes_and_limits():
    fig, ax = plt.subplots(figsize=(4, 3))
    assert draw_graph(_neuron(), ax=ax, show_grad=False) is ax
    assert not any("grad" in t.get_text() for t in ax.texts)
    big = sum(Value(float(i)) for i in range(30))
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(big)
    with pytest.raises(TypeError, match="root must be a Value"):
        draw_graph(1.0)
    plt.close("all")


def test_other_chapter2_figures():
    hs = np.logspace(-12, -1, 12)
    ax = plot_step_errors(hs, {"forward": hs, "central": hs**2}, models={"forward": hs})
    assert len(ax.get_lines()) >= 3
    with pytest.raises(ValueError, match="errors"):
        plot_step_errors(hs, {"forward": hs[:3]})
    with pytest.raises(ValueError, match="hs"):
        plot_step_errors(-hs, {"forward": hs})
    assert plot_secants(math.sin, 0.5, hs=(0.5, 0.1)) is not None
    with pytest.raises(ValueError, match="hs"):
        plot_secants(math.sin, 0.5, hs=(0.0,))
    ns = np.array([1, 10, 100])
    assert plot_autodiff_cost(ns, {"reverse": 2 * ns, "forward": ns**2}) is not None
    with pytest.raises(ValueError, match="costs"):
        plot_autodiff_cost(ns, {"reverse": ns[:2]})
    plt.close("all")


# ---- the chapter-2 exercise checkers ----


def _quiet_check(exercise_id, answer):
    with redirect_stdout(io.StringIO()) as out:
        result = check(exercise_id, answer)
    return result, out.getvalue()


def test_exercise_2_1_central_difference():
    assert _quiet_check("2.1", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / (2 * h))[0]
    result, printed = _quiet_check("2.1", lambda f, x, h=1e-5: (f(x + h) - f(x)) / h)
    assert not result and "FORWARD" in result.message and printed.startswith("[NOT YET]")
    result, _ = _quiet_check("2.1", lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h)
    assert not result and "2h" in result.message
    result, _ = _quiet_check("2.1", lambda f, x, h=1e-1: (f(x + h) - f(x - h)) / (2 * h))
    assert not result and "default h" in result.message


def test_exercise_2_2_softplus_gradient():
    def stable_sigmoid(x):  # the check also tries x = ±800, where exp(x) overflows
        return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))

    assert _quiet_check("2.2", stable_sigmoid)[0]
    result, _ = _quiet_check("2.2", math.exp)
    assert not result and "inner derivative" in result.message
    result, _ = _quiet_check("2.2", lambda x: 1 / (1 + math.exp(x)))
    assert not result and "outer derivative" in result.message


def test_exercise_2_3_gradient_by_hand():
    def by_hand(w, b):
        t = math.tanh(w * 1.5 + b)
        dz = 2 * (t - 0.5) * (1 - t * t)
        return dz * 1.5, dz

    assert _quiet_check("2.3", by_hand)[0]
    result, _ = _quiet_check("2.3", lambda w, b: tuple(g / 2 for g in by_hand(w, b)))
    assert not result and "2u" in result.message
    result, _ = _quiet_check("2.3", lambda w, b: (by_hand(w, b)[1], by_hand(w, b)[1]))
    assert not result and "factor x" in result.message
    result, _ = _quiet_check("2.3", lambda w, b: (0.0, 0.0))
    assert not result and "Hint" in result.message


def test_exercise_2_4_gradient_with_the_engine():
    def gradient(f, xs):
        values = [Value(x) for x in xs]
        f(values).backward()
        return [v.grad for v in values]

    assert _quiet_check("2.4", gradient)[0]
    result, _ = _quiet_check("2.4", lambda f, xs: [Value(x) for x in xs])
    assert not result and ".grad" in result.message
    result, _ = _quiet_check("2.4", lambda f, xs: f(xs).backward())
    assert not result and "Wrap every number" in result.message
    result, _ = _quiet_check("2.4", lambda f, xs: f([Value(x) for x in xs]).data)
    assert not result and "one partial derivative per input" in result.message
    result, _ = _quiet_check("2.4", lambda f, xs: [1.0] * len(xs))
    assert not result and "backward" in result.message
