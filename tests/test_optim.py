"""Tests for course_lib.optim (chapter 4): gradient descent, the optimizers, mini-batches."""

from __future__ import annotations

import copy
import inspect
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import optim
from course_lib.optim import (SGD, AdaGrad, Adam, RMSProp, gradient_descent, iterate_minibatches,
                              quadratic)


class ToyModel:
    """The smallest thing SGD accepts: dicts ``params`` and ``grads`` with the same keys."""

    def __init__(self, params, grads):
        self.params, self.grads = params, grads


# --------------------------------------------------------------------------- gradient_descent


def test_gd_reaches_minimiser_of_quadratic():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -2.0])
    _, grad = quadratic(A, b)
    traj = gradient_descent(grad, np.array([5.0, 5.0]), lr=0.2, steps=300)
    assert traj.shape == (301, 2)
    np.testing.assert_allclose(traj[-1], np.linalg.solve(A, b), atol=1e-10)


def test_gd_trajectory_rows_follow_the_rule():
    _, grad = quadratic(np.diag([1.0, 4.0]))
    traj = gradient_descent(grad, [2.0, -1.0], lr=0.1, steps=3)
    np.testing.assert_array_equal(traj[0], [2.0, -1.0])
    # x1 = x0 - 0.1 * (1*2, 4*(-1)) = (1.8, -0.6); x2 = (1.62, -0.36)
    np.testing.assert_allclose(traj[1], [1.8, -0.6])
    np.testing.assert_allclose(traj[2], [1.62, -0.36])


def test_gd_zero_steps_returns_start():
    traj = gradient_descent(lambda x: 2 * x, np.array([1.5]), lr=0.1, steps=0)
    np.testing.assert_array_equal(traj, [[1.5]])


def test_gd_divergence_keeps_inf_nan_without_warnings():
    _, grad = quadratic(np.diag([1.0, 10.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = gradient_descent(grad, np.array([1.0, 1.0]), lr=1.0, steps=800)
        assert traj.shape == (801, 2)
        assert not np.all(np.isfinite(traj[-1]))
        assert np.abs(traj[5, 1]) > np.abs(traj[1, 1])  # growing, not stopped
        f, _ = quadratic(np.diag([1.0, 10.0]))
        assert not np.isfinite(f(traj)).all()  # the loss of a diverged path: inf/nan, quietly
        assert not np.isfinite(optim.rosenbrock(traj)).all()
        assert not np.isfinite(optim.rosenbrock_grad(traj)).all()


def test_gd_rosenbrock_grad_matches_finite_differences():
    from course_lib.gradcheck import numerical_gradient, relative_error

    for point in ([-1.2, 1.0], [0.5, 0.3], [2.0, -1.0]):
        x = np.array(point)
        num = numerical_gradient(lambda z: float(optim.rosenbrock(z)), x)
        assert relative_error(optim.rosenbrock_grad(x), num) <= 1e-7


def test_quadratic_value_and_grad_on_grid():
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    b = np.array([1.0, 0.0])
    f, grad = quadratic(A, b)
    x = np.array([0.3, -0.7])
    assert np.isclose(f(x), 0.5 * x @ A @ x - b @ x)
    np.testing.assert_allclose(grad(x), A @ x - b)
    grid = np.zeros((4, 5, 2))
    assert f(grid).shape == (4, 5)
    assert grad(grid).shape == (4, 5, 2)


@pytest.mark.parametrize("lr", [0, -0.1])
def test_gd_rejects_nonpositive_lr(lr):
    with pytest.raises(ValueError, match="lr"):
        gradient_descent(lambda x: x, [1.0], lr=lr, steps=3)


@pytest.mark.parametrize("steps, err", [(-1, ValueError), (2.5, TypeError), (True, TypeError)])
def test_gd_rejects_bad_steps(steps, err):
    with pytest.raises(err, match="steps"):
        gradient_descent(lambda x: x, [1.0], lr=0.1, steps=steps)


def test_gd_rejects_grad_of_wrong_shape():
    with pytest.raises(ValueError, match="grad_fn"):
        gradient_descent(lambda x: np.zeros(3), [1.0, 2.0], lr=0.1, steps=2)


def test_gd_rejects_2d_x0():
    with pytest.raises(ValueError, match="x0"):
        gradient_descent(lambda x: x, [[1.0, 2.0]], lr=0.1, steps=2)


def test_quadratic_rejects_bad_matrices():
    with pytest.raises(ValueError, match="A"):
        quadratic(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="b"):
        quadratic(np.eye(2), np.ones(3))


# --------------------------------------------------------------------------- optimizers

# What PyTorch documents (torch.optim.SGD / Adagrad / RMSprop / Adam, docs.pytorch.org): the
# defaults of every keyword we share. SGD's lr has no default here (our API: SGD(lr)).
PYTORCH_DEFAULTS = {
    SGD: {"momentum": 0.0, "weight_decay": 0.0, "nesterov": False},
    AdaGrad: {"lr": 0.01, "lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0,
              "eps": 1e-10},
    RMSProp: {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0,
              "centered": False},
    Adam: {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0},
}


@pytest.mark.parametrize("cls", list(PYTORCH_DEFAULTS))
def test_defaults_are_pytorchs(cls):
    params = inspect.signature(cls).parameters
    expected = PYTORCH_DEFAULTS[cls]
    assert [name for name in params if name != "lr"] == [n for n in expected if n != "lr"]
    for name, value in expected.items():
        assert params[name].default == value, name
    if cls is SGD:
        assert params["lr"].default is inspect.Parameter.empty


def _one_param(p0, grads, opt, lr_changes=None):
    """Run ``opt`` on a single parameter array; return the parameter after each step."""
    p = np.array(p0, dtype=float)
    model = ToyModel({"w": p}, {"w": None})
    out = []
    for t, g in enumerate(grads):
        if lr_changes and t in lr_changes:
            opt.lr = lr_changes[t]
        model.grads["w"] = np.array(g, dtype=float)
        opt.step(model)
        out.append(p.copy())
    assert model.params["w"] is p  # in place
    return np.array(out)


def test_plain_sgd_step():
    W = np.array([[1.0, -2.0], [0.5, 0.0]])
    g = np.array([[0.2, 0.4], [-1.0, 3.0]])
    model = ToyModel({"W": W, "b": np.array([1.0])}, {"W": g, "b": np.array([-0.5])})
    SGD(lr=0.5).step(model)
    # p - 0.5 * g
    np.testing.assert_allclose(model.params["W"], [[0.9, -2.2], [1.0, -1.5]])
    np.testing.assert_allclose(model.params["b"], [1.25])
    assert model.params["W"] is W  # updated in place


def test_sgd_momentum_two_steps_by_hand():
    # lr = 0.1, momentum = 0.9, p0 = [1, -1]
    # step 1: g = [2, 4]    b1 = 0.9*0 + [2, 4]              = [2, 4]
    #                       p1 = [1, -1] - 0.1*[2, 4]         = [0.8, -1.4]
    # step 2: g = [-1, 1]   b2 = 0.9*[2, 4] + [-1, 1]         = [0.8, 4.6]
    #                       p2 = [0.8, -1.4] - 0.1*[0.8, 4.6] = [0.72, -1.86]
    opt = SGD(lr=0.1, momentum=0.9)
    path = _one_param([1.0, -1.0], [[2.0, 4.0], [-1.0, 1.0]], opt)
    np.testing.assert_allclose(path, [[0.8, -1.4], [0.72, -1.86]], rtol=1e-12)
    np.testing.assert_allclose(opt.state["w"]["momentum_buffer"], [0.8, 4.6], rtol=1e-12)


def test_sgd_momentum_buffer_is_pytorchs_when_lr_changes():
    # lr 0.1 then 0.2, momentum 0.9, g = 1 every step, p0 = 1
    # PyTorch:  b1 = 1, p1 = 1 - 0.1*1 = 0.9;  b2 = 0.9 + 1 = 1.9, p2 = 0.9 - 0.2*1.9 = 0.52
    # (the velocity form v <- 0.9 v - lr g would give v2 = -0.09 - 0.2 = -0.29, p2 = 0.61)
    path = _one_param([1.0], [[1.0], [1.0]], SGD(lr=0.1, momentum=0.9), lr_changes={1: 0.2})
    np.testing.assert_allclose(path[:, 0], [0.9, 0.52], rtol=1e-12)


def test_sgd_nesterov_three_steps_by_hand():
    # lr 0.1, momentum 0.9, nesterov, g = 1 every step, p0 = 1: the step uses g + 0.9 b
    # t=1: b = 1,    step 0.1*(1 + 0.9*1)    = 0.19,   p = 0.81
    # t=2: b = 1.9,  step 0.1*(1 + 0.9*1.9)  = 0.271,  p = 0.539
    # t=3: b = 2.71, step 0.1*(1 + 0.9*2.71) = 0.3439, p = 0.1951
    path = _one_param([1.0], [[1.0]] * 3, SGD(lr=0.1, momentum=0.9, nesterov=True))
    np.testing.assert_allclose(path[:, 0], [0.81, 0.539, 0.1951], rtol=1e-12)


def test_sgd_weight_decay_by_hand():
    # lr 0.1, weight_decay 0.5, zero data gradient, p0 = 1: g = 0 + 0.5 p
    # p1 = 1 - 0.1*0.5 = 0.95;  p2 = 0.95 - 0.1*0.475 = 0.9025 (= 0.95²)
    path = _one_param([1.0], [[0.0], [0.0]], SGD(lr=0.1, weight_decay=0.5))
    np.testing.assert_allclose(path[:, 0], [0.95, 0.9025], rtol=1e-12)
    # with momentum 0.9: b1 = 0.5, p1 = 0.95;  b2 = 0.45 + 0.475 = 0.925, p2 = 0.95 - 0.0925
    path = _one_param([1.0], [[0.0], [0.0]], SGD(lr=0.1, momentum=0.9, weight_decay=0.5))
    np.testing.assert_allclose(path[:, 0], [0.95, 0.8575], rtol=1e-12)


def test_adagrad_two_steps_by_hand():
    # lr 0.1, g = [3, 0.1] twice, p0 = [1, 1] (eps = 1e-10 is below the tolerance)
    # t=1: sum = [9, 0.01],  step = 0.1*[3/3, 0.1/0.1]           = [0.1, 0.1]      -> [0.9, 0.9]
    # t=2: sum = [18, 0.02], step = 0.1*[3/√18, 0.1/√0.02] = 0.1/√2 = 0.0707107    -> 0.8292893
    opt = AdaGrad(lr=0.1)
    path = _one_param([1.0, 1.0], [[3.0, 0.1]] * 2, opt)
    np.testing.assert_allclose(path, [[0.9, 0.9], [0.8292893219, 0.8292893219]], rtol=1e-9)
    np.testing.assert_allclose(opt.state["w"]["sum"], [18.0, 0.02], rtol=1e-12)


def test_adagrad_lr_decay_and_initial_accumulator_by_hand():
    # lr 0.1, lr_decay 0.5, initial sum 1, g = 3 twice, p0 = 0
    # t=1: lr_1 = 0.1,        sum = 1 + 9 = 10,  p = -0.1*3/√10       = -0.0948683
    # t=2: lr_2 = 0.1/1.5,    sum = 19,          p -= 0.0666667*3/√19 = -0.0458831 -> -0.1407514
    opt = AdaGrad(lr=0.1, lr_decay=0.5, initial_accumulator_value=1.0)
    path = _one_param([0.0], [[3.0], [3.0]], opt)
    np.testing.assert_allclose(path[:, 0], [-0.0948683298, -0.1407514], rtol=1e-6)


def test_rmsprop_two_steps_by_hand():
    # lr 0.01, alpha 0.99, g = 2 twice, p0 = 1
    # t=1: v = 0.01*4 = 0.04,            step = 0.01*2/√0.04   = 0.1        -> p = 0.9
    # t=2: v = 0.99*0.04 + 0.04 = 0.0796, step = 0.01*2/√0.0796 = 0.0708881 -> p = 0.8291119
    opt = RMSProp()
    path = _one_param([1.0], [[2.0], [2.0]], opt)
    np.testing.assert_allclose(path[:, 0], [0.9, 0.8291119], rtol=1e-7)
    np.testing.assert_allclose(opt.state["w"]["square_avg"], [0.0796], rtol=1e-12)


def test_rmsprop_centered_and_momentum_by_hand():
    # centered, g = 2 once, p0 = 1: g_avg = 0.02, ṽ = 0.04 - 0.0004 = 0.0396,
    # step = 0.01*2/√0.0396 = 0.1005038 -> p = 0.8994962
    path = _one_param([1.0], [[2.0]], RMSProp(centered=True))
    np.testing.assert_allclose(path[:, 0], [0.8994962], rtol=1e-7)
    # momentum 0.5, g = 2 twice: b1 = 2/0.2 = 10, p1 = 1 - 0.01*10 = 0.9
    # b2 = 5 + 2/√0.0796 = 12.0888137, p2 = 0.9 - 0.120888137 = 0.7791119
    path = _one_param([1.0], [[2.0], [2.0]], RMSProp(momentum=0.5))
    np.testing.assert_allclose(path[:, 0], [0.9, 0.7791119], rtol=1e-7)


def test_adam_three_steps_by_hand():
    # defaults (lr 0.001, betas 0.9/0.999), p0 = 1, g = 1, -1, then 2
    # t=1: m = 0.1, v = 0.001;  m̂ = 0.1/0.1 = 1, v̂ = 0.001/0.001 = 1;  p = 1 - 0.001 = 0.999
    # t=2: m = 0.09 - 0.1 = -0.01, v = 0.000999 + 0.001 = 0.001999
    #      m̂ = -0.01/0.19 = -0.0526316, v̂ = 0.001999/0.001999 = 1;  p = 0.999 + 0.0000526316
    # t=3: m = -0.009 + 0.2 = 0.191, v = 0.001997001 + 0.004 = 0.005997001
    #      m̂ = 0.191/0.271 = 0.7047970, v̂ = 0.005997001/0.002997001 = 2.0010007, √v̂ = 1.4145673
    #      p -= 0.001*0.7047970/1.4145673 = 0.0004982421  -> 0.9985543894
    opt = Adam()
    path = _one_param([1.0], [[1.0], [-1.0], [2.0]], opt)
    np.testing.assert_allclose(path[:, 0], [0.999, 0.9990526316, 0.9985543894], rtol=1e-9)
    assert opt.state["w"]["step"] == 3


def test_adam_first_step_is_lr_per_coordinate_and_weight_decay_is_l2():
    # bias correction makes step 1 equal to lr * g/|g| whatever the scale of g
    path = _one_param([0.0, 0.0, 0.0], [[0.05, -5.0, 300.0]], Adam(lr=0.01))
    np.testing.assert_allclose(path[0], [-0.01, 0.01, -0.01], rtol=1e-6)
    # weight decay 0.1, zero data gradient, p0 = 1: g = 0.1, so the first step is -lr
    path = _one_param([1.0], [[0.0]], Adam(weight_decay=0.1))
    np.testing.assert_allclose(path[:, 0], [0.999], rtol=1e-9)


def _all_optimizers():
    return [SGD(0.1), SGD(0.1, momentum=0.9), SGD(0.1, 0.9, 0.01, nesterov=True), AdaGrad(),
            RMSProp(), RMSProp(momentum=0.5, centered=True, weight_decay=0.1), Adam(),
            Adam(weight_decay=0.01)]


@pytest.mark.parametrize("opt", _all_optimizers(), ids=repr)
def test_optimizers_keep_float32(opt):
    rng = np.random.default_rng(0)
    p32 = rng.normal(size=(3, 2)).astype(np.float32)
    p64 = p32.astype(np.float64)
    m32, m64 = ToyModel({"0.W": p32}, {}), ToyModel({"0.W": p64}, {})
    opt64 = copy.deepcopy(opt)
    for _ in range(3):
        g = rng.normal(size=(3, 2))
        m32.grads["0.W"], m64.grads["0.W"] = g.astype(np.float32), g
        opt.step(m32)
        opt64.step(m64)
    assert m32.params["0.W"] is p32 and p32.dtype == np.float32
    for buf in opt.state["0.W"].values():
        if isinstance(buf, np.ndarray):
            assert buf.dtype == np.float32
    np.testing.assert_allclose(p32, p64, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("opt", _all_optimizers(), ids=repr)
def test_optimizers_zero_gradient_at_zero_is_a_fixed_point(opt):
    # eps keeps 0/0 away: zero gradient at p = 0 (no decay pull) gives a zero step, no NaN
    model = ToyModel({"w": np.zeros(3, dtype=np.float32)}, {"w": np.zeros(3, dtype=np.float32)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            opt.step(model)
    np.testing.assert_array_equal(model.params["w"], 0.0)


def test_sgd_lr_is_settable_and_used():
    model = ToyModel({"w": np.array([1.0])}, {"w": np.array([1.0])})
    opt = SGD(lr=0.1)
    opt.lr = 0.5
    opt.step(model)
    np.testing.assert_allclose(model.params["w"], [0.5])
    with pytest.raises(ValueError, match="lr"):
        opt.lr = 0.0


@pytest.mark.parametrize("opt", _all_optimizers(), ids=repr)
def test_reset_forgets_state(opt):
    fresh = copy.deepcopy(opt)
    m1 = ToyModel({"w": np.array([0.5, -1.0])}, {"w": np.array([1.0, 2.0])})
    m2 = ToyModel({"w": np.array([0.5, -1.0])}, {"w": np.array([1.0, 2.0])})
    opt.step(ToyModel({"w": np.array([3.0, 3.0])}, {"w": np.array([-7.0, 9.0])}))
    opt.reset()
    assert opt.state == {}
    opt.step(m1)
    fresh.step(m2)
    np.testing.assert_array_equal(m1.params["w"], m2.params["w"])


@given(
    lr=st.floats(1e-3, 1.0),
    momentum=st.floats(0.0, 0.99),
    grads=st.lists(st.floats(-10, 10), min_size=3, max_size=3),
)
@settings(max_examples=50, deadline=None)
def test_sgd_equals_velocity_form_for_constant_lr(lr, momentum, grads):
    p = np.array([0.7, -0.3])
    model = ToyModel({"w": p}, {"w": None})
    opt = SGD(lr=lr, momentum=momentum)
    p_ref, v_ref = p.copy(), np.zeros(2)
    for g in grads:
        model.grads["w"] = np.array([g, -g])
        opt.step(model)
        v_ref = momentum * v_ref - lr * np.array([g, -g])  # the textbook velocity form
        p_ref = p_ref + v_ref
    np.testing.assert_allclose(model.params["w"], p_ref, rtol=1e-10, atol=1e-12)


TORCH_CASES = [
    # (ours, torch class name, torch keyword arguments)
    (lambda: SGD(0.1, momentum=0.9, weight_decay=0.01), "SGD",
     {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
    (lambda: SGD(0.1, momentum=0.9, nesterov=True), "SGD",
     {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    (lambda: AdaGrad(0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1),
     "Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.01,
                 "initial_accumulator_value": 0.1}),
    (lambda: RMSProp(0.01, momentum=0.5, centered=True, weight_decay=0.01), "RMSprop",
     {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.01}),
    (lambda: Adam(0.01, weight_decay=0.01), "Adam", {"lr": 0.01, "weight_decay": 0.01}),
]


@pytest.mark.parametrize("make, torch_name, torch_kwargs", TORCH_CASES)
def test_optimizers_match_torch_when_installed(make, torch_name, torch_kwargs):
    torch = pytest.importorskip("torch")  # not a dependency: this runs only where torch is
    rng = np.random.default_rng(0)
    p0 = rng.normal(size=(3, 4))
    grads = [rng.normal(size=(3, 4)) for _ in range(5)]
    model, opt = ToyModel({"w": p0.copy()}, {}), make()
    tp = torch.tensor(p0.copy(), requires_grad=True)
    topt = getattr(torch.optim, torch_name)([tp], **torch_kwargs)
    for g in grads:
        model.grads["w"] = g
        opt.step(model)
        tp.grad = torch.tensor(g)
        topt.step()
    np.testing.assert_allclose(model.params["w"], tp.detach().numpy(), rtol=1e-10, atol=1e-12)


BAD_OPTIMIZER_ARGS = [
    # (class, keyword arguments, error, words the message must contain)
    (SGD, {"lr": 0}, ValueError, "lr"),
    (SGD, {"lr": -1.0}, ValueError, "lr"),
    (SGD, {"lr": float("nan")}, ValueError, "lr"),
    (SGD, {"lr": float("inf")}, ValueError, "lr"),
    (SGD, {"lr": "0.1"}, TypeError, "lr"),
    (SGD, {"lr": 0.1j}, TypeError, "lr"),
    (SGD, {"lr": 0.1, "momentum": -0.1}, ValueError, "momentum"),
    (SGD, {"lr": 0.1, "momentum": 1.0}, ValueError, "momentum"),
    (SGD, {"lr": 0.1, "momentum": float("nan")}, ValueError, "momentum"),
    (SGD, {"lr": 0.1, "momentum": True}, TypeError, "momentum"),
    (SGD, {"lr": 0.1, "weight_decay": -1e-4}, ValueError, "weight_decay"),
    (SGD, {"lr": 0.1, "weight_decay": float("inf")}, ValueError, "weight_decay"),
    (SGD, {"lr": 0.1, "nesterov": True}, ValueError, "nesterov"),  # needs momentum > 0
    (SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": "yes"}, TypeError, "nesterov"),
    (AdaGrad, {"lr": 0.0}, ValueError, "lr"),
    (AdaGrad, {"lr_decay": -0.1}, ValueError, "lr_decay"),
    (AdaGrad, {"initial_accumulator_value": -1.0}, ValueError, "initial_accumulator_value"),
    (AdaGrad, {"eps": 0.0}, ValueError, "eps"),
    (AdaGrad, {"eps": -1e-10}, ValueError, "eps"),
    (AdaGrad, {"weight_decay": float("nan")}, ValueError, "weight_decay"),
    (RMSProp, {"lr": -0.01}, ValueError, "lr"),
    (RMSProp, {"alpha": 1.0}, ValueError, "alpha"),
    (RMSProp, {"alpha": -0.5}, ValueError, "alpha"),
    (RMSProp, {"eps": 0.0}, ValueError, "eps"),
    (RMSProp, {"momentum": 1.5}, ValueError, "momentum"),
    (RMSProp, {"centered": 1}, TypeError, "centered"),
    (Adam, {"lr": float("nan")}, ValueError, "lr"),
    (Adam, {"betas": (1.0, 0.999)}, ValueError, "betas[0]"),
    (Adam, {"betas": (0.9, 1.0)}, ValueError, "betas[1]"),
    (Adam, {"betas": (-0.1, 0.999)}, ValueError, "betas[0]"),
    (Adam, {"betas": (0.9, float("nan"))}, ValueError, "betas[1]"),
    (Adam, {"betas": 0.9}, TypeError, "betas"),
    (Adam, {"betas": (0.9, 0.99, 0.999)}, TypeError, "betas"),
    (Adam, {"eps": 0.0}, ValueError, "eps"),
    (Adam, {"weight_decay": -0.01}, ValueError, "weight_decay"),
]


@pytest.mark.parametrize("cls, kwargs, err, words", BAD_OPTIMIZER_ARGS)
def test_optimizers_reject_bad_arguments(cls, kwargs, err, words):
    with pytest.raises(err, match=re.escape(words)):
        cls(**kwargs)


@pytest.mark.parametrize("opt", _all_optimizers(), ids=repr)
def test_optimizers_reject_bad_learning_rate_later(opt):
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="lr"):
            opt.lr = bad


BAD_MODELS = [
    (object(), TypeError, "params"),
    (ToyModel({"W": np.ones(2)}, {}), ValueError, "backward"),
    (ToyModel({"W": np.ones(2)}, {"W": np.ones(3)}), ValueError, "shape"),
    (ToyModel({"W": [1.0, 2.0]}, {"W": np.ones(2)}), TypeError, "model.params['W']"),
    (ToyModel({"W": np.ones(2, dtype=int)}, {"W": np.ones(2)}), TypeError, "float"),
    (ToyModel({"W": np.ones(2, dtype=complex)}, {"W": np.ones(2)}), TypeError, "float"),
    (ToyModel({"W": np.ones(2)}, {"W": np.ones(2) * 1j}), TypeError, "model.grads['W']"),
]


@pytest.mark.parametrize("model, err, words", BAD_MODELS)
def test_step_rejects_bad_models(model, err, words):
    for opt in _all_optimizers():
        with pytest.raises(err, match=re.escape(words)):
            opt.step(model)


# --------------------------------------------------------------------------- iterate_minibatches


def _data(n, d=3):
    X = np.arange(n * d, dtype=np.float64).reshape(n, d)
    return X, np.arange(n)


@given(n=st.integers(1, 60), batch_size=st.integers(1, 60), seed=st.integers(0, 2**32 - 1),
       shuffle=st.booleans())
@settings(max_examples=50, deadline=None)
def test_minibatches_cover_each_index_once(n, batch_size, seed, shuffle):
    batch_size = min(batch_size, n)
    X, y = _data(n)
    batches = list(iterate_minibatches(X, y, batch_size, rng=np.random.default_rng(seed),
                                       shuffle=shuffle))
    assert len(batches) == -(-n // batch_size)  # ceil(n / batch_size)
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(n))
    for Xb, yb in batches:
        np.testing.assert_array_equal(Xb, X[yb])  # rows stay paired with their labels
    assert all(len(yb) == batch_size for _, yb in batches[:-1])


def test_minibatches_shapes_and_last_partial_batch():
    X, y = _data(10, d=4)
    batches = list(iterate_minibatches(X, y, 4, rng=np.random.default_rng(0)))
    assert [Xb.shape for Xb, _ in batches] == [(4, 4), (4, 4), (2, 4)]
    assert [yb.shape for _, yb in batches] == [(4,), (4,), (2,)]


def test_minibatches_reproducible_and_shuffled():
    X, y = _data(50)
    first = [yb for _, yb in iterate_minibatches(X, y, 7, rng=np.random.default_rng(3))]
    again = [yb for _, yb in iterate_minibatches(X, y, 7, rng=np.random.default_rng(3))]
    other = [yb for _, yb in iterate_minibatches(X, y, 7, rng=np.random.default_rng(4))]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(np.concatenate(first), np.concatenate(other))
    assert not np.array_equal(np.concatenate(first), np.arange(50))


def test_minibatches_unshuffled_in_order_without_rng():
    X, y = _data(5)
    order = [yb.tolist() for _, yb in iterate_minibatches(X, y, 2, shuffle=False)]
    assert order == [[0, 1], [2, 3], [4]]


def test_minibatches_keep_dtype():
    X = np.ones((9, 2), dtype=np.float32)
    y = np.zeros(9, dtype=np.int64)
    Xb, yb = next(iterate_minibatches(X, y, 4, rng=np.random.default_rng(0)))
    assert Xb.dtype == np.float32 and yb.dtype == np.int64


@pytest.mark.parametrize("batch_size", [0, 11, -2])
def test_minibatches_reject_bad_batch_size(batch_size):
    X, y = _data(10)
    with pytest.raises(ValueError, match="batch_size"):
        iterate_minibatches(X, y, batch_size, rng=np.random.default_rng(0))


def test_minibatches_reject_non_integer_batch_size():
    X, y = _data(10)
    with pytest.raises(TypeError, match="batch_size"):
        iterate_minibatches(X, y, 2.0, rng=np.random.default_rng(0))


def test_minibatches_reject_mismatched_lengths():
    X, _ = _data(10)
    with pytest.raises(ValueError, match="len"):
        iterate_minibatches(X, np.arange(9), 2, rng=np.random.default_rng(0))


def test_minibatches_shuffle_needs_rng():
    X, y = _data(10)
    with pytest.raises(TypeError, match="rng=np.random.default_rng"):
        iterate_minibatches(X, y, 2)


# --------------------------------------------------------------------------- chapter 4 figures


def test_descent_plots_draw_and_are_not_shadowed():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course_lib import plotting
    from course_lib.plotting import descent

    for name in descent.__all__:  # another chapter's module must not overwrite these names
        assert getattr(plotting, name) is getattr(descent, name), name
    f, grad = quadratic(np.diag([1.0, 10.0]))
    path = gradient_descent(grad, [-2.0, 1.0], lr=0.25, steps=2000)  # diverges to inf, nan
    ax = descent.plot_contours(f, (-3, 3), (-2, 2), levels=8, minimum=[0, 0])
    limits = ax.get_xlim(), ax.get_ylim()
    descent.plot_trajectory(path, ax=ax)
    assert (ax.get_xlim(), ax.get_ylim()) == limits  # a runaway path does not rescale the map
    with pytest.raises(ValueError, match="trajectory"):
        descent.plot_trajectory(np.zeros((3, 3)), ax=ax)
    descent.plot_descent_1d(lambda x: x**2, gradient_descent(lambda x: 2 * x, [2.0], 0.1, 5))
    descent.plot_descent_losses({"a": f(path[:5]), "b": (np.arange(3), [3.0, 2.0, 1.0])},
                                colors=["r", "b"])
    X = np.random.default_rng(0).normal(size=(20, 2))
    xx, yy, grid = descent.decision_grid(X, resolution=10)
    assert grid.shape == (100, 2) and xx.shape == (10, 10)
    scores = np.column_stack([grid[:, 0], -grid[:, 0]])
    fig = descent.plot_decision_boundary_steps(xx, yy, [("a", scores)] * 3, X, X[:, 0] > 0,
                                               ncols=2)
    assert len(fig.axes) == 4
    ax = descent.plot_contours(f, (-3, 3), (-2, 2), levels=4)
    descent.plot_gradient_arrows(grad, np.array([[1.0, 0.5], [-1.0, 1.0]]), ax=ax, length=0.5)
    with pytest.raises(ValueError, match="points"):
        descent.plot_gradient_arrows(grad, np.ones(3), ax=ax)
    ax = descent.plot_directional_slopes(np.array([3.0, 4.0]))
    assert np.isclose(max(ax.lines[0].get_ydata()), 5.0, atol=1e-3)  # the slope peaks at |g| = 5
    with pytest.raises(ValueError, match="gradient"):
        descent.plot_directional_slopes(np.ones(3))
    plt.close("all")


# --------------------------------------------------------------------------- bad inputs, per function

NAN, INF = float("nan"), float("inf")
_grad = lambda x: 2 * x  # noqa: E731

BAD_GD_INPUTS = [
    # (keyword arguments of gradient_descent, error, words the message must contain)
    ({"grad_fn": "2x"}, TypeError, "grad_fn"),
    ({"x0": [1.0, NAN]}, ValueError, "x0"),
    ({"x0": [INF]}, ValueError, "x0"),
    ({"x0": [1 + 2j]}, TypeError, "x0"),
    ({"x0": []}, ValueError, "x0"),
    ({"x0": [[1.0, 2.0]]}, ValueError, "x0"),
    ({"x0": "1.0"}, TypeError, "x0"),
    ({"lr": 0}, ValueError, "lr"),
    ({"lr": -0.1}, ValueError, "lr"),
    ({"lr": NAN}, ValueError, "lr"),
    ({"lr": 1j}, TypeError, "lr"),
    ({"steps": -1}, ValueError, "steps"),
    ({"steps": 2.5}, TypeError, "steps"),
    ({"steps": True}, TypeError, "steps"),
    ({"grad_fn": lambda x: np.zeros(3)}, ValueError, "grad_fn"),
    ({"grad_fn": lambda x: x * 1j}, TypeError, "grad_fn"),
]


@pytest.mark.parametrize("kwargs, err, words", BAD_GD_INPUTS)
def test_gradient_descent_rejects_bad_inputs(kwargs, err, words):
    args = {"grad_fn": _grad, "x0": [1.0, 2.0], "lr": 0.1, "steps": 3, **kwargs}
    with pytest.raises(err, match=re.escape(words)):
        gradient_descent(**args)


BAD_QUADRATICS = [
    # (A, b, error, words)
    (np.array([[1.0, 2.0], [0.0, 1.0]]), None, ValueError, "symmetric"),
    (np.array([[1.0, 1e-9], [0.0, 1.0]]), None, ValueError, "symmetric"),  # passed np.allclose
    (np.array([[1e-9, 1e-9], [0.0, 1e-9]]), None, ValueError, "symmetric"),  # a tiny-scale matrix
    (np.ones((2, 3)), None, ValueError, "square"),
    (np.ones(3), None, ValueError, "A"),
    (np.empty((0, 0)), None, ValueError, "A"),
    (np.array([[1.0, NAN], [NAN, 1.0]]), None, ValueError, "A"),
    (np.array([[INF, 0.0], [0.0, 1.0]]), None, ValueError, "A"),
    (np.eye(2) * (1 + 1j), None, TypeError, "A"),
    ("eye", None, TypeError, "A"),
    (np.eye(2), np.ones(3), ValueError, "b"),
    (np.eye(2), np.array([1.0, NAN]), ValueError, "b"),
    (np.eye(2), np.array([1j, 0]), TypeError, "b"),
]


@pytest.mark.parametrize("A, b, err, words", BAD_QUADRATICS)
def test_quadratic_rejects_bad_inputs(A, b, err, words):
    with pytest.raises(err, match=re.escape(words)):
        quadratic(A, b)


def test_quadratic_accepts_round_off_asymmetry_at_any_scale():
    rng = np.random.default_rng(0)
    for scale in (1e-6, 1.0, 1e6):
        X = scale * rng.normal(size=(50, 4))
        A = X.T @ X / 50  # symmetric up to round-off
        A[0, 1] *= 1 + 4e-16
        quadratic(A)


@pytest.mark.parametrize("x, err, words", [
    (np.ones(3), ValueError, "(..., 2)"),
    (np.ones((4, 3)), ValueError, "(..., 2)"),
    (1.0, ValueError, "x"),
    (np.ones(2) * 1j, TypeError, "x"),
    ("xy", TypeError, "x"),
])
def test_objectives_reject_points_of_the_wrong_shape_or_kind(x, err, words):
    f, grad = quadratic(np.eye(2))
    for func in (optim.rosenbrock, optim.rosenbrock_grad, f, grad):
        with pytest.raises(err, match=re.escape(words)):
            func(x)


@pytest.mark.parametrize("kwargs, err, words", [
    ({"a": NAN}, ValueError, "a"), ({"b": INF}, ValueError, "b"),
    ({"a": "1"}, TypeError, "a"), ({"b": 1j}, TypeError, "b"),
])
def test_rosenbrock_rejects_bad_constants(kwargs, err, words):
    for func in (optim.rosenbrock, optim.rosenbrock_grad):
        with pytest.raises(err, match=re.escape(words)):
            func([0.0, 0.0], **kwargs)


BAD_MINIBATCH_INPUTS = [
    # (keyword arguments of iterate_minibatches, error, words)
    ({"X": np.ones((10, 2)) * 1j}, TypeError, "X"),
    ({"X": np.array([["a", "b"]] * 10)}, TypeError, "X"),
    ({"X": np.full((10, 2), NAN)}, ValueError, "X"),
    ({"X": np.empty((0, 2)), "y": np.empty(0)}, ValueError, "X"),
    ({"X": 3.0}, ValueError, "X"),
    ({"y": np.full(10, INF)}, ValueError, "y"),
    ({"y": np.arange(10) * 1j}, TypeError, "y"),
    ({"y": np.arange(9)}, ValueError, "len"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"batch_size": 11}, ValueError, "batch_size"),
    ({"batch_size": 2.0}, TypeError, "batch_size"),
    ({"batch_size": True}, TypeError, "batch_size"),
    ({"shuffle": "no"}, TypeError, "shuffle"),
    ({"rng": None}, TypeError, "rng=np.random.default_rng"),
    ({"rng": 0}, TypeError, "rng"),
]


@pytest.mark.parametrize("kwargs, err, words", BAD_MINIBATCH_INPUTS)
def test_minibatches_reject_bad_inputs(kwargs, err, words):
    args = {"X": np.ones((10, 2)), "y": np.arange(10), "batch_size": 3,
            "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(err, match=re.escape(words)):
        iterate_minibatches(**args)


@given(g=st.lists(st.floats(0.1, 1e3) | st.floats(-1e3, -0.1), min_size=1, max_size=5),
       lr=st.floats(1e-4, 1.0), scale=st.floats(1e-2, 1e2))
@settings(max_examples=50, deadline=None)
def test_first_step_is_lr_times_sign_for_adam_and_adagrad(g, lr, scale):
    # the invariant behind "one step size per parameter": step 1 ignores the gradient's size
    # (as long as |g| >> eps: here |g| >= 1e-3)
    g = np.array(g) * scale
    for opt in (Adam(lr=lr), AdaGrad(lr=lr)):
        path = _one_param(np.zeros_like(g), [g], opt)
        np.testing.assert_allclose(path[0], -lr * np.sign(g), rtol=1e-4)
    path = _one_param(np.zeros_like(g), [g], RMSProp(lr=lr))  # no bias correction: 10 lr
    np.testing.assert_allclose(path[0], -10 * lr * np.sign(g), rtol=1e-3)


@pytest.mark.parametrize("make", [Adam, RMSProp, AdaGrad])
def test_eps_works_in_float32_for_tiny_gradients(make):
    # eps (1e-8, or 1e-10 for AdaGrad) is a normal float32 number: with gradients near or below
    # it the float32 step equals the float64 one, no underflow to 0/0 and no flush to zero
    g64 = np.array([1e-12, -1e-9, 1e-8, 1e-6])
    p32, p64 = np.zeros(4, dtype=np.float32), np.zeros(4)
    m32, m64 = ToyModel({"w": p32}, {"w": g64.astype(np.float32)}), ToyModel({"w": p64}, {"w": g64})
    o32, o64 = make(), make()
    for _ in range(3):
        o32.step(m32)
        o64.step(m64)
    assert p32.dtype == np.float32 and np.all(np.isfinite(p32))
    np.testing.assert_allclose(p32, p64, rtol=1e-5, atol=1e-12)
    assert np.all(np.sign(p32) == -np.sign(g64))
