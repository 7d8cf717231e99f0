"""Chapter 6 exercise checkers: the reference passes, typical mistakes get targeted hints."""

import numpy as np
import pytest

from course_lib.exercises import check


def _step(model, loss_layer, X, y, lr, sign=-1.0, rebind=False, loss_after=False):
    loss = loss_layer.forward(model.forward(X), y)
    model.backward(loss_layer.backward())
    for key, p in model.params.items():
        if rebind:
            p = p - lr * model.grads[key]  # noqa: F841  (the classic mistake)
        else:
            p += sign * lr * model.grads[key]
    return loss_layer.forward(model.forward(X), y) if loss_after else loss


@pytest.mark.parametrize(
    "bad, hint",
    [
        (lambda m, L, X, y, lr: _step(m, L, X, y, lr, rebind=True), "IN PLACE"),
        (lambda m, L, X, y, lr: _step(m, L, X, y, lr, sign=1.0), "subtracts"),
        (lambda m, L, X, y, lr: _step(m, L, X, y, lr, loss_after=True), "AFTER the update"),
        (lambda m, L, X, y, lr: None if _step(m, L, X, y, lr) else None, "return the loss"),
        (lambda m, L, X, y, lr: _step(m, L, X, y, 2 * lr), "plain SGD step"),
    ],
)
def test_train_step_checker(bad, hint):
    assert check("6.5", _step)
    result = check("6.5", bad)
    assert not result and hint in result.message


def test_accuracy_checker_explains_the_wrong_axis():
    result = check("6.2", lambda s, y: float(np.mean(s.argmax(axis=0) == y)))
    assert not result and "axis=1" in result.message
    result = check("6.2", lambda s, y: float(np.mean(s.argmin(axis=1) == y)))
    assert not result and "argmax, not argmin" in result.message
