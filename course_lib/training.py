"""Chapter 5 — the training loop: ``fit`` a model with mini-batch SGD, watch it, stop if it blows up.

:func:`fit` repeats the four steps of every chapter — forward, loss, backward, update — over
shuffled mini-batches for a number of epochs, asks a learning-rate *schedule* for the rate before
each update, and records everything in a :class:`History`. A learning rate that is too large makes
the loss grow without bound; ``fit`` notices at once and raises :class:`TrainingDiverged` (naming
the epoch, the step and the rate) instead of handing back a model full of NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from course_lib._validation import as_labels, check_dataset, check_positive
from course_lib.optim import iterate_minibatches

__all__ = ["fit", "evaluate", "History", "TrainingDiverged", "DIVERGENCE_FACTOR"]

DIVERGENCE_FACTOR = 1e4
"""A finite loss above ``DIVERGENCE_FACTOR * max(1, first loss)`` also counts as diverged."""


class TrainingDiverged(RuntimeError):
    """The loss (or the weights) became NaN, inf or absurdly large: the learning rate is too big.

    Attributes
    ----------
    epoch : int
        Epoch (from 1) in which it happened.
    step : int
        Global step (from 0, as the schedule counts) of the update that failed.
    lr : float
        Learning rate of that step.
    loss : float
        The offending loss value (NaN or inf if it was not a finite number).
    history : History
        Everything recorded up to that point; the last entry of ``history.step_loss`` is ``loss``.
        Handy to plot how the run blew up. The model's weights are no longer usable.
    """

    def __init__(self, message: str, *, epoch: int, step: int, lr: float, loss: float,
                 history: "History"):
        super().__init__(message)
        self.epoch, self.step, self.lr, self.loss, self.history = epoch, step, lr, loss, history


@dataclass(repr=False)
class History:
    """What :func:`fit` recorded. Per-epoch lists have one entry per finished epoch.

    Attributes
    ----------
    train_loss : list of float
        Mean mini-batch loss over the epoch (weighted by batch size). Each batch's loss is
        measured as the batch was seen, before its update — a running estimate that lags slightly
        behind the model at the end of the epoch (no second pass over the data).
    train_accuracy : list of float
        Fraction of training examples whose largest score was the true class, measured the same
        way. Empty when ``y`` is not integer class labels (e.g. regression with ``MSELoss``).
    val_loss, val_accuracy : list of float
        Loss and accuracy on ``validation`` with the weights at the end of each epoch. Empty without
        ``validation`` (``val_accuracy`` also empty when the labels are not classes).
    lr : list of float
        Learning rate of the last step of each epoch.
    step_loss : list of float
        Mini-batch loss of every step (before that step's update), in order.
    step_lr : list of float
        Learning rate of every step.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    step_lr: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """Number of finished epochs."""
        return len(self.train_loss)

    def __repr__(self) -> str:
        last = f", last train_loss {self.train_loss[-1]:.4f}" if self.train_loss else ""
        return f"History({self.epochs} epochs, {len(self.step_loss)} steps{last})"


def _is_class_labels(y: np.ndarray) -> bool:
    return y.ndim == 1 and y.dtype.kind in "iu"


def _model_dtype(model):
    """dtype of the model's first floating-point parameter (None if it has none)."""
    for p in getattr(model, "params", {}).values():
        if isinstance(p, np.ndarray) and p.dtype.kind == "f":
            return p.dtype
    return None


def _check_parts(model, loss, optimizer, schedule) -> None:
    for obj, name, needs in ((model, "model", ("forward", "backward", "params")),
                             (loss, "loss", ("forward", "backward")),
                             (optimizer, "optimizer", ("lr", "step"))):
        missing = [a for a in needs if not hasattr(obj, a)]
        if missing:
            raise TypeError(f"{name} ({type(obj).__name__}) lacks {', '.join(missing)}")
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule must be a function step -> lr or None, got {type(schedule).__name__}")


def _prepare(X, y, dtype, name_X: str, name_y: str):
    """Validate a data set and convert it once to the model's dtype (not per batch)."""
    X, y = check_dataset(X, y, name_X, name_y)
    if _is_class_labels(y):
        y = as_labels(y, name_y)
    elif y.dtype.kind == "f" and dtype is not None:
        y = y.astype(dtype, copy=False)
    if dtype is not None:
        X = X.astype(dtype, copy=False)
    return X, y


def _forward_loss(model, loss, X, y):
    """Scores and loss value; non-finite scores (which the loss layer rejects) count as NaN."""
    scores = model.forward(X)
    try:
        value = float(loss.forward(scores, y))
    except ValueError:
        if np.all(np.isfinite(scores)):
            raise  # a genuine mistake (wrong labels, shapes …), not divergence
        value = math.nan
    return scores, value


def _diverged(what: str, *, epoch, epochs, step, lr, loss, history) -> TrainingDiverged:
    return TrainingDiverged(
        f"training diverged in epoch {epoch}/{epochs} at step {step} with learning rate {lr:.4g}: "
        f"{what}. Try a smaller learning rate, e.g. {lr / 10:.4g}.",
        epoch=epoch, step=step, lr=lr, loss=loss, history=history,
    )


def fit(model, loss, optimizer, X, y, *, epochs: int, batch_size: int, rng: np.random.Generator,
        schedule=None, validation=None, progress: bool = True) -> History:
    """Train ``model`` with mini-batch gradient descent and return what happened.

    Every step: ``optimizer.lr = schedule(step)`` (if given), ``scores = model.forward(X_batch)``,
    ``loss.forward(scores, y_batch)``, ``model.backward(loss.backward(), input_grad=False)``,
    ``optimizer.step(model)``.

    Parameters
    ----------
    model : Sequential (or anything with ``forward``, ``backward(grad, input_grad=False)``,
        ``params``, ``grads``)
        Trained in place. ``X`` is converted once to the dtype of its parameters.
    loss : loss layer, e.g. ``SoftmaxCrossEntropy()`` or ``MSELoss()``
    optimizer : e.g. ``SGD(lr=0.1)``; its ``lr`` is overwritten when ``schedule`` is given.
    X : array_like, shape (N, features)
    y : array_like, shape (N,) integer labels, or targets as ``loss`` expects them
    epochs : int >= 1
        Passes over the data; each visits the examples in a fresh random order.
    batch_size : int in [1, N]
        Examples per step; an epoch has ``ceil(N / batch_size)`` steps.
    rng : numpy.random.Generator
        Shuffles the mini-batches.
    schedule : callable, step -> lr, optional
        Asked before every step; ``step`` counts from 0 over the whole run (not per epoch), so
        ``cosine_annealing(lr0, total_steps=epochs * ceil(N / batch_size))`` spans the run.
    validation : tuple (X_val, y_val), optional
        Evaluated at the end of every epoch.
    progress : bool, default True
        Print one line per epoch: loss, accuracy (for class labels), validation, learning rate.

    Returns
    -------
    History

    Raises
    ------
    TrainingDiverged
        As soon as a mini-batch loss is NaN, inf or more than ``DIVERGENCE_FACTOR`` times the
        first step's loss (at least 1), or the weights are not finite at the end of an epoch.
    """
    _check_parts(model, loss, optimizer, schedule)
    dtype = _model_dtype(model)
    X, y = _prepare(X, y, dtype, "X", "y")
    check_positive(epochs, "epochs", integer=True)
    check_positive(batch_size, "batch_size", integer=True)
    if batch_size > len(X):
        raise ValueError(f"batch_size must be between 1 and len(X) = {len(X)}, got {batch_size}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise TypeError("validation must be a pair (X_val, y_val)")
        X_val, y_val = _prepare(*validation, dtype, "X_val", "y_val")
        if X_val.shape[1] != X.shape[1]:
            raise ValueError(f"X_val must have {X.shape[1]} features like X, got shape {X_val.shape}")
    classify = _is_class_labels(y)
    history = History()
    step, limit = 0, math.inf
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, epochs + 1):
            total, correct = 0.0, 0
            for X_batch, y_batch in iterate_minibatches(X, y, batch_size, rng=rng):
                if schedule is not None:
                    lr = float(schedule(step))
                    if not lr > 0:
                        raise ValueError(f"schedule returned lr={lr:g} at step {step}; rates must "
                                         "be > 0 (is total_steps shorter than the run?)")
                    optimizer.lr = lr
                lr = optimizer.lr
                scores, value = _forward_loss(model, loss, X_batch, y_batch)
                history.step_loss.append(value)
                history.step_lr.append(lr)
                if not (math.isfinite(value) and value <= limit):
                    what = (f"the loss is {value}" if not math.isfinite(value) else
                            f"the loss exceeded {DIVERGENCE_FACTOR:g} times its first value")
                    raise _diverged(what, epoch=epoch, epochs=epochs, step=step, lr=lr,
                                    loss=value, history=history)
                if step == 0:
                    limit = DIVERGENCE_FACTOR * max(1.0, value)
                total += value * len(X_batch)
                if classify:
                    correct += int(np.count_nonzero(scores.argmax(axis=1) == y_batch))
                model.backward(loss.backward(), input_grad=False)  # dL/dX of the data is never needed
                optimizer.step(model)
                step += 1
            if not all(np.all(np.isfinite(p)) for p in model.params.values()):
                raise _diverged("the weights became NaN or inf", epoch=epoch, epochs=epochs,
                                step=step - 1, lr=lr, loss=value, history=history)
            history.train_loss.append(total / len(X))
            if classify:
                history.train_accuracy.append(correct / len(X))
            history.lr.append(lr)
            if validation is not None:
                _validate(model, loss, X_val, y_val, history)
            if progress:
                print(_progress_line(epoch, epochs, history), flush=True)
    return history


def _validate(model, loss, X_val, y_val, history: History) -> None:
    scores, value = _forward_loss(model, loss, X_val, y_val)
    history.val_loss.append(value)
    if _is_class_labels(y_val):
        history.val_accuracy.append(float(np.mean(scores.argmax(axis=1) == y_val)))


def _progress_line(epoch: int, epochs: int, h: History) -> str:
    width = len(str(epochs))
    parts = [f"epoch {epoch:>{width}}/{epochs}", f"loss {h.train_loss[-1]:.4f}"]
    if h.train_accuracy:
        parts.append(f"acc {h.train_accuracy[-1]:.4f}")
    if h.val_loss:
        parts.append(f"val_loss {h.val_loss[-1]:.4f}")
    if h.val_accuracy:
        parts.append(f"val_acc {h.val_accuracy[-1]:.4f}")
    parts.append(f"lr {h.lr[-1]:.3g}")
    return "  ".join(parts)


def evaluate(model, X, y) -> float:
    """Accuracy of ``model.predict(X)`` against integer labels ``y``: the fraction correct.

    Parameters
    ----------
    model : anything with ``predict(X) -> labels (N,)``, e.g. ``Sequential``
    X : array_like, shape (N, features)
    y : array_like of int, shape (N,)

    Returns
    -------
    float in [0, 1]
    """
    if not hasattr(model, "predict"):
        raise TypeError(f"model ({type(model).__name__}) must have predict(X) -> labels")
    X, y = check_dataset(X, y)
    y = as_labels(y, "y")
    dtype = _model_dtype(model)
    predicted = np.asarray(model.predict(X if dtype is None else X.astype(dtype, copy=False)))
    if predicted.shape != y.shape:
        raise ValueError(f"model.predict returned shape {predicted.shape}, expected {y.shape}")
    return float(np.mean(predicted == y))
