"""Bad inputs, one TABLE per module: every public function/method of losses, layers, network,
gradcheck, autodiff and show_source, fed None, text, complex, NaN, inf, empty, the wrong ndim or
shape, bool where a number belongs, negative sizes and out-of-range labels.

Each row: (call, expected exception type, a word the message must contain — the argument's name
as the learner wrote it). ``test_counts`` prints how many rows each module has.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import course_lib
from course_lib import losses
from course_lib.autodiff import Value, forward_mode_derivative, topological_order
from course_lib.gradcheck import check_layer, numerical_derivative, numerical_gradient, relative_error
from course_lib.layers import Linear, MSELoss, ReLU, Sigmoid, Softmax, SoftmaxCrossEntropy, Tanh
from course_lib.network import MLP, Sequential

NAN, INF = float("nan"), float("inf")
Z = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]])  # logits (2, 3)
P = losses.softmax(Z)  # probabilities (2, 3)
Y = np.array([2, 0])  # labels
T = losses.one_hot(Y, 3)


def with_value(a, value, index=(0, 0)):
    a = np.array(a, dtype=float)
    a[index] = value
    return a


RAGGED = [[1.0, 2.0, 3.0], [1.0]]
CPLX = Z.astype(complex)
EMPTY = np.zeros((0, 3))


def rows(module, table):
    return [pytest.param(call, exc, word, id=f"{module}:{name}") for name, call, exc, word in table]


# ------------------------------------------------------------------------------------ losses
def _pred_and_target_rows(fname, f, a, b, na, nb):
    return [
        (f"{fname} {na}=None", lambda: f(None, b), TypeError, na),
        (f"{fname} {na}=str", lambda: f("1.0", b), TypeError, na),
        (f"{fname} {na}=complex", lambda: f(np.asarray(a, complex), b), TypeError, na),
        (f"{fname} {na}=bool", lambda: f(np.asarray(a) > 0.3, b), TypeError, na),
        (f"{fname} {na}=ragged", lambda: f(RAGGED, b), TypeError, na),
        (f"{fname} {na}=NaN", lambda: f(with_value(a, NAN), b), ValueError, na),
        (f"{fname} {na}=inf", lambda: f(with_value(a, INF), b), ValueError, na),
        (f"{fname} {na}=-inf", lambda: f(with_value(a, -INF), b), ValueError, na),
        (f"{fname} {na}=empty", lambda: f(np.zeros((0, 3)), b), ValueError, na),
        (f"{fname} {nb}=None", lambda: f(a, None), TypeError, nb),
        (f"{fname} {nb}=str", lambda: f(a, "3"), TypeError, nb),
    ]


def _same_shape_rows(fname, f, a, na="y_pred", nb="y_true"):
    return _pred_and_target_rows(fname, f, a, a, na, nb) + [
        (f"{fname} {nb}=complex", lambda: f(a, np.asarray(a, complex)), TypeError, nb),
        (f"{fname} {nb}=NaN", lambda: f(a, with_value(a, NAN)), ValueError, nb),
        (f"{fname} {nb}=inf", lambda: f(a, with_value(a, INF)), ValueError, nb),
        (f"{fname} shape mismatch", lambda: f(a, a[:, :2]), ValueError, nb),
        (f"{fname} no broadcasting", lambda: f(a, a[0]), ValueError, nb),
    ]


def _class_target_rows(fname, f, a, na):
    return _pred_and_target_rows(fname, f, a, Y, na, "targets") + [
        (f"{fname} {na} 1-D", lambda: f(np.asarray(a)[0], Y[:1]), ValueError, na),
        (f"{fname} {na} 3-D", lambda: f(np.asarray(a)[None], Y), ValueError, na),
        (f"{fname} {na} 0-D", lambda: f(np.float64(1.0), Y), ValueError, na),
        (f"{fname} label = C", lambda: f(a, [3, 0]), ValueError, "targets"),
        (f"{fname} label < 0", lambda: f(a, [-1, 0]), ValueError, "targets"),
        (f"{fname} label 1.5", lambda: f(a, [1.5, 0.0]), ValueError, "targets"),
        (f"{fname} label NaN", lambda: f(a, [NAN, 0.0]), ValueError, "targets"),
        (f"{fname} labels bool", lambda: f(a, [True, False]), TypeError, "targets"),
        (f"{fname} labels complex", lambda: f(a, [1j, 0]), TypeError, "targets"),
        (f"{fname} too few labels", lambda: f(a, [1]), ValueError, "targets"),
        (f"{fname} too many labels", lambda: f(a, [1, 0, 2]), ValueError, "targets"),
        (f"{fname} one-hot wrong C", lambda: f(a, np.eye(4)[:2]), ValueError, "targets"),
        (f"{fname} one-hot not summing to 1", lambda: f(a, T * 2), ValueError, "targets"),
        (f"{fname} one-hot negative", lambda: f(a, T * 2 - 0.5), ValueError, "targets"),
        (f"{fname} one-hot NaN", lambda: f(a, with_value(T, NAN)), ValueError, "targets"),
        (f"{fname} targets 3-D", lambda: f(a, T[None]), ValueError, "targets"),
    ]


def _softmax_rows(fname, f):
    return [
        (f"{fname} z=None", lambda: f(None), TypeError, "z"),
        (f"{fname} z=str", lambda: f("abc"), TypeError, "z"),
        (f"{fname} z=complex", lambda: f(CPLX), TypeError, "z"),
        (f"{fname} z=bool", lambda: f(Z > 0), TypeError, "z"),
        (f"{fname} z=ragged", lambda: f(RAGGED), TypeError, "z"),
        (f"{fname} z=NaN", lambda: f(with_value(Z, NAN)), ValueError, "z"),
        (f"{fname} z=inf", lambda: f(with_value(Z, INF)), ValueError, "z"),
        (f"{fname} z=empty", lambda: f(EMPTY), ValueError, "z"),
        (f"{fname} z=no classes", lambda: f(np.zeros((2, 0))), ValueError, "z"),
        (f"{fname} z=scalar", lambda: f(3.0), ValueError, "z"),
        (f"{fname} axis=2", lambda: f(Z, axis=2), ValueError, "axis"),
        (f"{fname} axis=-3", lambda: f(Z, axis=-3), ValueError, "axis"),
        (f"{fname} axis=1.0", lambda: f(Z, axis=1.0), TypeError, "axis"),
        (f"{fname} axis=True", lambda: f(Z, axis=True), TypeError, "axis"),
        (f"{fname} axis=None", lambda: f(Z, axis=None), TypeError, "axis"),
    ]


LOSSES = (
    _same_shape_rows("mse", losses.mse, P)
    + _same_shape_rows("mse_grad", losses.mse_grad, P)
    + _softmax_rows("softmax", losses.softmax)
    + _softmax_rows("log_softmax", losses.log_softmax)
    + [
        ("one_hot labels=None", lambda: losses.one_hot(None, 3), TypeError, "labels"),
        ("one_hot labels=str", lambda: losses.one_hot("012", 3), TypeError, "labels"),
        ("one_hot labels=complex", lambda: losses.one_hot([1j], 3), TypeError, "labels"),
        ("one_hot labels=bool", lambda: losses.one_hot([True], 3), TypeError, "labels"),
        ("one_hot labels=1.5", lambda: losses.one_hot([1.5], 3), ValueError, "labels"),
        ("one_hot labels=NaN", lambda: losses.one_hot([NAN], 3), ValueError, "labels"),
        ("one_hot labels=inf", lambda: losses.one_hot([INF], 3), ValueError, "labels"),
        ("one_hot label = C", lambda: losses.one_hot([3], 3), ValueError, "labels"),
        ("one_hot label < 0", lambda: losses.one_hot([-1], 3), ValueError, "labels"),
        ("one_hot labels 2-D", lambda: losses.one_hot([[1]], 3), ValueError, "labels"),
        ("one_hot labels 0-D", lambda: losses.one_hot(1, 3), ValueError, "labels"),
        ("one_hot labels ragged", lambda: losses.one_hot([[1], []], 3), TypeError, "labels"),
        ("one_hot num_classes=3.0", lambda: losses.one_hot([1], 3.0), TypeError, "num_classes"),
        ("one_hot num_classes=True", lambda: losses.one_hot([0], True), TypeError, "num_classes"),
        ("one_hot num_classes=None", lambda: losses.one_hot([0], None), TypeError, "num_classes"),
        ("one_hot num_classes='3'", lambda: losses.one_hot([0], "3"), TypeError, "num_classes"),
        ("one_hot num_classes=0", lambda: losses.one_hot([0], 0), ValueError, "num_classes"),
        ("one_hot num_classes=-2", lambda: losses.one_hot([0], -2), ValueError, "num_classes"),
    ]
    + _class_target_rows("cross_entropy", losses.cross_entropy, P, "probs")
    + [
        ("cross_entropy probs=logits", lambda: losses.cross_entropy(Z, Y), ValueError, "logits"),
        ("cross_entropy probs<0", lambda: losses.cross_entropy(P - 0.1, Y), ValueError, "probs"),
        ("cross_entropy probs>1", lambda: losses.cross_entropy(P * 3, Y), ValueError, "probs"),
        ("cross_entropy rows sum 0.99", lambda: losses.cross_entropy([[0.33, 0.33, 0.33]], [0]),
         ValueError, "sum to 1"),
        ("cross_entropy float32 rows sum 0.999",
         lambda: losses.cross_entropy(np.float32([[0.5, 0.499]]), [0]), ValueError, "sum to 1"),
    ]
    + _class_target_rows("softmax_cross_entropy", losses.softmax_cross_entropy, Z, "logits")
    + _class_target_rows("softmax_cross_entropy_grad", losses.softmax_cross_entropy_grad, Z, "logits")
    + _same_shape_rows("binary_cross_entropy", losses.binary_cross_entropy, P, "probs", "targets")
    + [
        ("binary_cross_entropy probs>1", lambda: losses.binary_cross_entropy([1.5], [1]), ValueError, "probs"),
        ("binary_cross_entropy probs<0", lambda: losses.binary_cross_entropy([-0.1], [1]), ValueError, "probs"),
        ("binary_cross_entropy targets=2", lambda: losses.binary_cross_entropy([0.5], [2]), ValueError, "targets"),
        ("binary_cross_entropy targets<0", lambda: losses.binary_cross_entropy([0.5], [-1]), ValueError, "targets"),
    ]
)


# ------------------------------------------------------------------------------------ layers
def _fresh(kind):
    return Linear(3, 2, rng=np.random.default_rng(0)) if kind is Linear else kind()


def _ran(kind, x=Z):
    layer = _fresh(kind)
    layer.forward(x)
    return layer


def _layer_rows(kind):
    name = kind.__name__
    out_shape = _ran(kind).forward(Z).shape
    rows_ = [
        (f"{name}.forward x=None", lambda: _fresh(kind).forward(None), TypeError, "x"),
        (f"{name}.forward x=str", lambda: _fresh(kind).forward("1 2 3"), TypeError, "x"),
        (f"{name}.forward x=complex", lambda: _fresh(kind).forward(CPLX), TypeError, "x"),
        (f"{name}.forward x=ragged", lambda: _fresh(kind).forward(RAGGED), TypeError, "x"),
        (f"{name}.forward x=objects", lambda: _fresh(kind).forward(np.array([[None, 1, 2]])), TypeError, "x"),
        (f"{name}.forward x=empty", lambda: _fresh(kind).forward(EMPTY), ValueError, "x"),
        (f"{name}.backward before forward", lambda: _fresh(kind).backward(np.ones(out_shape)),
         RuntimeError, "forward"),
        (f"{name}.backward grad_out=None", lambda: _ran(kind).backward(None), TypeError, "grad_out"),
        (f"{name}.backward grad_out=str", lambda: _ran(kind).backward("1"), TypeError, "grad_out"),
        (f"{name}.backward grad_out=complex",
         lambda: _ran(kind).backward(np.ones(out_shape, complex)), TypeError, "grad_out"),
        (f"{name}.backward grad_out wrong shape",
         lambda: _ran(kind).backward(np.ones((out_shape[0] + 1, out_shape[1]))), ValueError, "grad_out"),
        (f"{name}.backward grad_out broadcastable",
         lambda: _ran(kind).backward(np.ones(out_shape[1])), ValueError, "grad_out"),
    ]
    if kind is Linear:
        rows_ += [
            ("Linear.forward x 1-D", lambda: _fresh(Linear).forward(Z[0]), ValueError, "input"),
            ("Linear.forward x 3-D", lambda: _fresh(Linear).forward(Z[None]), ValueError, "input"),
            ("Linear.forward x wrong width", lambda: _fresh(Linear).forward(Z[:, :2]), ValueError, "input"),
            ("Linear.backward input_grad='no'",
             lambda: _ran(Linear).backward(np.ones((2, 2)), input_grad="no"), TypeError, "input_grad"),
        ]
    if kind is Softmax:
        rows_ += [("Softmax.forward x=scalar", lambda: Softmax().forward(3.0), ValueError, "x")]
    return rows_


def _linear(*args, **kwargs):
    return Linear(*args, **kwargs)


LAYERS = (
    [
        (f"Linear {arg}={value!r}", (lambda a=arg, v=value: _linear(**{"in_features": 3, "out_features": 2, a: v})),
         exc, arg)
        for arg in ("in_features", "out_features")
        for value, exc in ((0, ValueError), (-1, ValueError), (2.5, TypeError), (True, TypeError),
                           (None, TypeError), ("4", TypeError), (np.float64(3), TypeError))
    ]
    + [
        ("Linear rng=0", lambda: Linear(3, 2, rng=0), TypeError, "rng"),
        ("Linear rng=RandomState", lambda: Linear(3, 2, rng=np.random.RandomState(0)), TypeError, "rng"),
        ("Linear dtype=int", lambda: Linear(3, 2, dtype=np.int64), TypeError, "dtype"),
        ("Linear dtype=complex", lambda: Linear(3, 2, dtype=complex), TypeError, "dtype"),
        ("Linear dtype='abc'", lambda: Linear(3, 2, dtype="abc"), TypeError, "dtype"),
        ("Linear init='bad'", lambda: Linear(3, 2, init="bad"), ValueError, "init"),
        ("Linear init=-1", lambda: Linear(3, 2, init=-1.0), ValueError, "init"),
        ("Linear init=0", lambda: Linear(3, 2, init=0), ValueError, "init"),
        ("Linear init=NaN", lambda: Linear(3, 2, init=NAN), ValueError, "init"),
        ("Linear init=True", lambda: Linear(3, 2, init=True), ValueError, "init"),
    ]
    + [row for kind in (Linear, ReLU, Sigmoid, Tanh, Softmax) for row in _layer_rows(kind)]
    + [
        (f"SoftmaxCrossEntropy.forward {row[0].split(' ', 1)[1]}", row[1], row[2], row[3])
        for row in _class_target_rows("scores", lambda s, t: SoftmaxCrossEntropy().forward(s, t), Z, "scores")
    ]
    + [
        ("SoftmaxCrossEntropy.backward before forward", lambda: SoftmaxCrossEntropy().backward(),
         RuntimeError, "forward(scores, targets)"),
    ]
    + [
        (f"MSELoss.forward {row[0].split(' ', 1)[1]}", row[1], row[2], row[3])
        for row in _same_shape_rows("mse", lambda s, t: MSELoss().forward(s, t), P, "scores", "targets")
    ]
    + [("MSELoss.backward before forward", lambda: MSELoss().backward(), RuntimeError, "forward")]
)


# ------------------------------------------------------------------------------------ network
def _model():
    return MLP([3, 4, 2], rng=np.random.default_rng(0))


def _ran_model():
    model = _model()
    model.forward(Z)
    return model


_relu = ReLU()
_lin = Linear(3, 3, rng=np.random.default_rng(0))

NETWORK = [
    ("Sequential()", lambda: Sequential(), ValueError, "at least one layer"),
    ("Sequential([])", lambda: Sequential([]), ValueError, "at least one layer"),
    ("Sequential(None)", lambda: Sequential(None), TypeError, "layer 0"),
    ("Sequential('relu')", lambda: Sequential("relu"), TypeError, "layer 0"),
    ("Sequential(ReLU)  (the class)", lambda: Sequential(ReLU), TypeError, "layer 0"),
    ("Sequential(np.eye)", lambda: Sequential(_lin, np.eye(3)), TypeError, "layer 1"),
    ("Sequential(loss)", lambda: Sequential(_lin, SoftmaxCrossEntropy()), TypeError, "layer 1"),
    ("Sequential(same ReLU twice)", lambda: Sequential(Linear(3, 3), _relu, Linear(3, 3), _relu),
     ValueError, "positions 1 and 3"),
    ("Sequential(same Linear twice)", lambda: Sequential(_lin, _lin), ValueError, "positions 0 and 1"),
    ("Sequential(nested repeat)", lambda: Sequential(Sequential(_lin, _relu), _relu), ValueError,
     "positions 0.1 and 1"),
    ("forward x=None", lambda: _model().forward(None), TypeError, "x"),
    ("forward x=str", lambda: _model().forward("abc"), TypeError, "x"),
    ("forward x=complex", lambda: _model().forward(CPLX), TypeError, "x"),
    ("forward x=empty", lambda: _model().forward(EMPTY), ValueError, "x"),
    ("forward x 1-D", lambda: _model().forward(Z[0]), ValueError, "input"),
    ("forward x wrong width", lambda: _model().forward(Z[:, :2]), ValueError, "input"),
    ("backward before forward", lambda: _model().backward(np.ones((2, 2))), RuntimeError, "forward"),
    ("backward grad_out=None", lambda: _ran_model().backward(None), TypeError, "grad_out"),
    ("backward grad_out=complex", lambda: _ran_model().backward(np.ones((2, 2), complex)), TypeError,
     "grad_out"),
    ("backward grad_out wrong shape", lambda: _ran_model().backward(np.ones((2, 3))), ValueError, "grad_out"),
    ("backward input_grad='no'", lambda: _ran_model().backward(np.ones((2, 2)), input_grad="no"),
     TypeError, "input_grad"),
    ("backward input_grad=None", lambda: _ran_model().backward(np.ones((2, 2)), input_grad=None),
     TypeError, "input_grad"),
    ("predict X=None", lambda: _model().predict(None), TypeError, "X"),
    ("predict X=str", lambda: _model().predict("abc"), TypeError, "X"),
    ("predict X=complex", lambda: _model().predict(CPLX), TypeError, "X"),
    ("predict X=ragged", lambda: _model().predict(RAGGED), TypeError, "X"),
    ("predict X=NaN", lambda: _model().predict(with_value(Z, NAN)), ValueError, "X"),
    ("predict X=inf", lambda: _model().predict(with_value(Z, INF)), ValueError, "X"),
    ("predict X=empty", lambda: _model().predict(EMPTY), ValueError, "X"),
    ("predict X 1-D", lambda: _model().predict(Z[0]), ValueError, "X"),
    ("predict X wrong width", lambda: _model().predict(Z[:, :2]), ValueError, "input"),
    ("MLP layer_sizes=None", lambda: MLP(None), TypeError, "layer_sizes"),
    ("MLP layer_sizes='784'", lambda: MLP("784"), TypeError, "layer_sizes"),
    ("MLP layer_sizes=784", lambda: MLP(784), TypeError, "layer_sizes"),
    ("MLP layer_sizes=[784]", lambda: MLP([784]), ValueError, "layer_sizes"),
    ("MLP layer_sizes=[]", lambda: MLP([]), ValueError, "layer_sizes"),
    ("MLP size 0", lambda: MLP([3, 0, 2]), ValueError, "layer_sizes"),
    ("MLP size -1", lambda: MLP([3, -1]), ValueError, "layer_sizes"),
    ("MLP size 2.5", lambda: MLP([3, 2.5]), TypeError, "layer_sizes"),
    ("MLP size True", lambda: MLP([True, 2]), TypeError, "layer_sizes"),
    ("MLP size None", lambda: MLP([3, None]), TypeError, "layer_sizes"),
    ("MLP activation='softmax'", lambda: MLP([3, 2], activation="softmax"), ValueError, "activation"),
    ("MLP activation=None", lambda: MLP([3, 2], activation=None), ValueError, "activation"),
    ("MLP activation=ReLU", lambda: MLP([3, 2], activation=ReLU), ValueError, "activation"),
    ("MLP rng=0", lambda: MLP([3, 2], rng=0), TypeError, "rng"),
    ("MLP dtype=int", lambda: MLP([3, 2], dtype=np.int32), TypeError, "dtype"),
]


# ------------------------------------------------------------------------------------ gradcheck
class _NoneBackward(Tanh):
    def backward(self, grad_out):
        super().backward(grad_out)


class _MissingGrad(Linear):
    def backward(self, grad_out, input_grad=True):
        dx = super().backward(grad_out, input_grad)
        del self.grads["b"]
        return dx


_ro = np.zeros(3)
_ro.flags.writeable = False

GRADCHECK = (
    [
        ("numerical_derivative f=3", lambda: numerical_derivative(3.0, 1.0), TypeError, "f"),
        ("numerical_derivative f=None", lambda: numerical_derivative(None, 1.0), TypeError, "f"),
        ("numerical_derivative f returns None", lambda: numerical_derivative(lambda x: None, 1.0), TypeError, "f"),
        ("numerical_derivative f returns str", lambda: numerical_derivative(lambda x: "1.0", 1.0), TypeError, "f"),
        ("numerical_derivative f returns 2 values", lambda: numerical_derivative(lambda x: [x, x], 1.0),
         TypeError, "f"),
        ("numerical_derivative f returns complex", lambda: numerical_derivative(lambda x: 1j * x, 1.0),
         TypeError, "f"),
        ("numerical_derivative f returns bool", lambda: numerical_derivative(lambda x: x > 0, 1.0), TypeError, "f"),
        ("numerical_derivative f returns NaN", lambda: numerical_derivative(lambda x: NAN, 1.0), ValueError, "f"),
        ("numerical_derivative f returns inf", lambda: numerical_derivative(lambda x: INF, 1.0), ValueError, "f"),
    ]
    + [
        (f"numerical_derivative x={x!r}", (lambda x=x: numerical_derivative(math.sin, x)), exc, "x")
        for x, exc in (("1.0", TypeError), (None, TypeError), (True, TypeError), (1 + 2j, TypeError),
                       (np.zeros(2), TypeError), ([1.0], TypeError), (NAN, ValueError), (INF, ValueError),
                       (-INF, ValueError))
    ]
    + [
        (f"numerical_derivative h={h!r}", (lambda h=h: numerical_derivative(math.sin, 1.0, h=h)), exc, "h")
        for h, exc in ((0.0, ValueError), (-1e-5, ValueError), (NAN, ValueError), (INF, ValueError),
                       ("1e-5", TypeError), (None, TypeError), (True, TypeError), (1e-5j, TypeError))
    ]
    + [
        ("numerical_derivative h vanishes next to x (x + h == x)",
         lambda: numerical_derivative(math.sin, 1e20), ValueError, "too small to change x"),
        ("numerical_gradient f=None", lambda: numerical_gradient(None, np.zeros(2)), TypeError, "f"),
        ("numerical_gradient f returns None", lambda: numerical_gradient(lambda x: None, np.zeros(2)),
         TypeError, "f"),
        ("numerical_gradient f returns an array", lambda: numerical_gradient(lambda x: x, np.zeros(2)),
         TypeError, "f"),
        ("numerical_gradient f returns NaN", lambda: numerical_gradient(lambda x: NAN, np.zeros(2)),
         ValueError, "f"),
        ("numerical_gradient x=list", lambda: numerical_gradient(np.sum, [1.0, 2.0]), TypeError, "x"),
        ("numerical_gradient x=int array", lambda: numerical_gradient(np.sum, np.array([1, 2])), TypeError, "x"),
        ("numerical_gradient x=None", lambda: numerical_gradient(np.sum, None), TypeError, "x"),
        ("numerical_gradient x=complex", lambda: numerical_gradient(np.sum, np.zeros(2, complex)), TypeError, "x"),
        ("numerical_gradient x=float", lambda: numerical_gradient(np.sum, 3.0), TypeError, "x"),
        ("numerical_gradient x=NaN", lambda: numerical_gradient(np.sum, np.array([NAN])), ValueError, "x"),
        ("numerical_gradient x=inf", lambda: numerical_gradient(np.sum, np.array([INF])), ValueError, "x"),
        ("numerical_gradient x=empty", lambda: numerical_gradient(np.sum, np.zeros(0)), ValueError, "x"),
        ("numerical_gradient x read-only", lambda: numerical_gradient(np.sum, _ro), ValueError, "x"),
        ("numerical_gradient h=0", lambda: numerical_gradient(np.sum, np.zeros(2), h=0), ValueError, "h"),
        ("numerical_gradient h='1e-5'", lambda: numerical_gradient(np.sum, np.zeros(2), h="1e-5"),
         TypeError, "h"),
        ("numerical_gradient h vanishes next to x[0]",
         lambda: numerical_gradient(np.sum, np.array([1e20])), ValueError, "too small to change x[0]"),
        ("numerical_gradient h vanishes in float32",
         lambda: numerical_gradient(np.sum, np.float32([1.0]), h=1e-9), ValueError, "too small"),
        ("relative_error(None, None)", lambda: relative_error(None, None), TypeError, "a"),
        ("relative_error(a, None)", lambda: relative_error([1.0], None), TypeError, "b"),
        ("relative_error str", lambda: relative_error("1", [1.0]), TypeError, "a"),
        ("relative_error complex", lambda: relative_error([1j], [1.0]), TypeError, "a"),
        ("relative_error bool", lambda: relative_error([True], [1.0]), TypeError, "a"),
        ("relative_error ragged", lambda: relative_error(RAGGED, RAGGED), TypeError, "a"),
        ("relative_error NaN a", lambda: relative_error([NAN], [1.0]), ValueError, "a"),
        ("relative_error inf b", lambda: relative_error([1.0], [INF]), ValueError, "b"),
        ("relative_error shapes", lambda: relative_error([1.0, 2.0], [1.0]), ValueError, "shape"),
        ("check_layer layer=None", lambda: check_layer(None, Z), TypeError, "layer"),
        ("check_layer layer=function", lambda: check_layer(np.tanh, Z), TypeError, "layer"),
        ("check_layer x=None", lambda: check_layer(Tanh(), None), TypeError, "x"),
        ("check_layer x=str", lambda: check_layer(Tanh(), "Z"), TypeError, "x"),
        ("check_layer x=complex", lambda: check_layer(Tanh(), CPLX), TypeError, "x"),
        ("check_layer x=bool", lambda: check_layer(Tanh(), Z > 0), TypeError, "x"),
        ("check_layer x=NaN", lambda: check_layer(Tanh(), with_value(Z, NAN)), ValueError, "x"),
        ("check_layer x=empty", lambda: check_layer(Tanh(), EMPTY), ValueError, "x"),
        ("check_layer x wrong width", lambda: check_layer(Linear(4, 2), Z), ValueError, "input"),
        ("check_layer rng=0", lambda: check_layer(Tanh(), Z, rng=0), TypeError, "rng"),
        ("check_layer h=0", lambda: check_layer(Tanh(), Z, h=0.0), ValueError, "h"),
        ("check_layer backward returns None", lambda: check_layer(_NoneBackward(), Z), TypeError, "backward"),
        ("check_layer grads missing 'b'", lambda: check_layer(_MissingGrad(3, 2), Z), ValueError, "grads"),
    ]
)


# ------------------------------------------------------------------------------------ autodiff
_v = Value(2.0)

AUTODIFF = [
    (f"Value(data={data!r})", (lambda d=data: Value(d)), exc, "data")
    for data, exc in ((None, TypeError), ("1", TypeError), (1j, TypeError), (True, TypeError),
                      ([1.0], TypeError), (np.zeros(1), TypeError), (NAN, ValueError), (INF, ValueError),
                      (-INF, ValueError))
] + [
    ("Value(Value(1))", lambda: Value(Value(1.0)), TypeError, "already a Value"),
    ("Value label=3", lambda: Value(1.0, label=3), TypeError, "label"),
    ("Value label=None", lambda: Value(1.0, label=None), TypeError, "label"),
    ("v + None", lambda: _v + None, TypeError, "+"),
    ("v + 'a'", lambda: _v + "a", TypeError, "+"),
    ("'a' + v", lambda: "a" + _v, TypeError, "+"),
    ("v - None", lambda: _v - None, TypeError, "-"),
    ("None - v", lambda: None - _v, TypeError, "-"),
    ("v * 1j", lambda: _v * 1j, TypeError, "*"),
    ("v * True", lambda: _v * True, TypeError, "*"),
    ("v * [1]", lambda: _v * [1.0], TypeError, "*"),
    ("v / 'x'", lambda: _v / "x", TypeError, "/"),
    ("v + NaN", lambda: _v + NAN, ValueError, "finite"),
    ("v * inf", lambda: _v * INF, ValueError, "finite"),
    ("v ** Value", lambda: _v ** Value(2.0), TypeError, "exponent"),
    ("v ** '2'", lambda: _v ** "2", TypeError, "exponent"),
    ("v ** NaN", lambda: _v ** NAN, ValueError, "exponent"),
    ("v ** True", lambda: _v ** True, TypeError, "exponent"),
    ("(-1) ** 0.5", lambda: Value(-1.0) ** 0.5, ValueError, "not a real number"),
    ("0 ** -1", lambda: Value(0.0) ** -1, ZeroDivisionError, "divides by zero"),
    ("v / 0", lambda: _v / 0, ZeroDivisionError, "x / 0"),
    ("10 ** 400 overflows", lambda: Value(10.0) ** 400, OverflowError, "too large"),
    ("1e200 * 1e200 overflows", lambda: Value(1e200) * 1e200, OverflowError, "too large"),
    ("1e308 + 1e308 overflows", lambda: Value(1e308) + 1e308, OverflowError, "too large"),
    ("exp(1000)", lambda: Value(1000.0).exp(), OverflowError, "exp"),
    ("log(0)", lambda: Value(0.0).log(), ValueError, "log"),
    ("log(-1)", lambda: Value(-1.0).log(), ValueError, "log"),
    ("d/dx x**0.5 at 0", lambda: (Value(0.0) ** 0.5).backward(), ZeroDivisionError, "infinite"),
    ("topological_order(None)", lambda: topological_order(None), TypeError, "root"),
    ("topological_order(2.0)", lambda: topological_order(2.0), TypeError, "root"),
    ("forward_mode_derivative(v, None)", lambda: forward_mode_derivative(_v, None), TypeError, "wrt"),
    ("forward_mode_derivative(None, v)", lambda: forward_mode_derivative(None, _v), TypeError, "root"),
    ("forward_mode_derivative(v, 2.0)", lambda: forward_mode_derivative(_v, 2.0), TypeError, "wrt"),
]


# ------------------------------------------------------------------------------------ notebook
NOTEBOOK = [
    (f"show_source({obj!r:.20})", (lambda o=obj: course_lib.show_source(o)), TypeError, "show_source")
    for obj in (3, None, "losses.mse", np.add, len, np.float64(1.0))
] + [
    (f"show_source docstring={flag!r}", (lambda f=flag: course_lib.show_source(losses.mse, docstring=f)),
     TypeError, "docstring")
    for flag in (1, "yes", None)
]

TABLES = {"losses": LOSSES, "layers": LAYERS, "network": NETWORK, "gradcheck": GRADCHECK,
          "autodiff": AUTODIFF, "notebook": NOTEBOOK}
ALL_ROWS = [row for module, table in TABLES.items() for row in rows(module, table)]


@pytest.mark.parametrize("call, exc, word", ALL_ROWS)
def test_bad_input_raises_a_clear_error(call, exc, word):
    with pytest.raises(exc) as info:
        call()
    message = str(info.value)
    assert word.lower() in message.lower(), f"{message!r} does not mention {word!r}"
    assert not type(info.value).__module__.startswith("numpy"), type(info.value)  # e.g. AxisError
    for numpy_words in ("zero-size array", "operands could not be broadcast", "inhomogeneous",
                        "could not convert", "not supported between"):
        assert numpy_words not in message, f"numpy's own message leaked: {message!r}"


def test_counts(capsys):
    counts = {module: len(table) for module, table in TABLES.items()}
    with capsys.disabled():
        print("\nbad inputs covered per module:", counts, "total", sum(counts.values()))
    assert all(n >= 8 for n in counts.values())


# ------------------------------------------------------------------------------------ properties
_POISON = st.sampled_from([NAN, INF, -INF])


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 5), c=st.integers(2, 5), seed=st.integers(0, 2**31), poison=_POISON,
       dtype=st.sampled_from([np.float32, np.float64]))
def test_a_single_non_finite_entry_anywhere_is_never_silent(n, c, seed, poison, dtype):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, c)).astype(dtype)
    labels = rng.integers(0, c, n)
    z[rng.integers(n), rng.integers(c)] = poison
    calls = {
        "logits": [lambda: losses.softmax_cross_entropy(z, labels),
                   lambda: losses.softmax_cross_entropy_grad(z, labels)],
        "scores": [lambda: SoftmaxCrossEntropy().forward(z, labels), lambda: MSELoss().forward(z, np.zeros_like(z))],
        "z": [lambda: losses.softmax(z), lambda: losses.log_softmax(z)],
        "y_pred": [lambda: losses.mse(z, np.zeros_like(z))],
        "X": [lambda: MLP([c, 3], rng=rng, dtype=dtype).predict(z)],
        "a": [lambda: relative_error(z, np.zeros_like(z))],
    }
    for name, fs in calls.items():
        for f in fs:
            with pytest.raises(ValueError, match=name):
                f()


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 6), c=st.integers(1, 6), seed=st.integers(0, 2**31),
       bad=st.one_of(st.integers(-50, -1), st.integers(0, 50)))
def test_out_of_range_labels_are_rejected_by_every_loss(n, c, seed, bad):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, c, n)
    labels[rng.integers(n)] = bad if bad < 0 else c + bad  # < 0 or >= C
    z = rng.standard_normal((n, c))
    for f in (losses.cross_entropy, losses.softmax_cross_entropy, losses.softmax_cross_entropy_grad,
              lambda s, t: SoftmaxCrossEntropy().forward(s, t)):
        with pytest.raises(ValueError, match=rf"targets must lie in \[0, {c}\)"):
            f(losses.softmax(z) if f is losses.cross_entropy else z, labels)
    with pytest.raises(ValueError, match="labels"):
        losses.one_hot(labels, c)
