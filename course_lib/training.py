"""Chapter 5 — the training loop: ``fit`` a model with mini-batch SGD, watch it, stop if it blows up.

:func:`fit` repeats the four steps of every chapter — forward, loss, backward, update — over
shuffled mini-batches for a number of epochs, asks a learning-rate *schedule* for the rate before
each update, and records everything in a :class:`History`. A learning rate that is too large makes
the loss grow without bound; ``fit`` notices at once and raises :class:`TrainingDiverged` (naming
the epoch, the step and the rate) instead of handing back a model full of NaN. Chapter 6 adds
*early stopping*: watch the loss on validation data and keep the weights of its best epoch.
"""

from __future__ import annotations

import math
import numbers
import sys
import warnings
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from course_lib._validation import as_labels, check_dataset, check_positive
from course_lib.i18n import tr
from course_lib.layers import SoftmaxCrossEntropy
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
        way. Empty when ``y`` is not class labels (e.g. regression with ``MSELoss``).
    val_loss, val_accuracy : list of float
        Loss and accuracy on ``validation`` with the weights at the end of each epoch. Empty without
        ``validation`` (``val_accuracy`` also empty when the labels are not classes).
    lr : list of float
        Learning rate of the last step of each epoch.
    step_loss : list of float
        Mini-batch loss of every step (before that step's update), in order.
    step_lr : list of float
        Learning rate of every step.
    best_epoch : int or None
        Epoch (from 1) with the lowest validation loss (the first one if several tie; with
        ``min_delta``, the last epoch that improved on the best so far by more than it). None
        without ``validation``. With ``early_stopping`` the model ends with this epoch's weights.
    stopped_early : bool
        True when ``early_stopping`` ended training before ``epochs``.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    step_lr: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """Number of finished epochs."""
        return len(self.train_loss)

    def __repr__(self) -> str:
        last = f", last train_loss {self.train_loss[-1]:.4f}" if self.train_loss else ""
        stop = f", stopped early, best epoch {self.best_epoch}" if self.stopped_early else ""
        return f"History({self.epochs} epochs, {len(self.step_loss)} steps{last}{stop})"


class _Best:
    """Tracks the best validation loss; keeps a copy of that epoch's weights if asked."""

    def __init__(self, patience: int | None, min_delta: float, keep_weights: bool):
        self.patience, self.min_delta, self.keep = patience, min_delta, keep_weights
        self.loss, self.epoch, self.weights, self.waited = math.inf, None, None, 0

    def update(self, epoch: int, val_loss: float, model) -> bool:
        """Record one epoch; return True when ``patience`` epochs passed without improvement."""
        if val_loss < self.loss - self.min_delta:
            self.loss, self.epoch, self.waited = val_loss, epoch, 0
            if self.keep:
                self.weights = {key: p.copy() for key, p in model.params.items()}
        else:
            self.waited += 1
        return self.patience is not None and self.waited >= self.patience

    def restore(self, model) -> None:
        """Put the best epoch's weights back, in place (the optimizer keeps its references)."""
        if self.weights is not None:
            for key, p in model.params.items():
                p[...] = self.weights[key]


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


def _check_stopping(early_stopping, min_delta, validation) -> None:
    if early_stopping is not None:
        check_positive(early_stopping, "early_stopping", integer=True)
        if validation is None:
            raise ValueError("early_stopping needs validation=(X_val, y_val): it stops when the "
                             "loss on the validation data has not improved for that many epochs")
    if isinstance(min_delta, bool) or not isinstance(min_delta, numbers.Real):
        raise TypeError(f"min_delta must be a number >= 0, got {min_delta!r}")
    if not (math.isfinite(min_delta) and min_delta >= 0):
        raise ValueError(f"min_delta must be a finite number >= 0, got {min_delta!r}")


def _class_labels(y, name: str) -> np.ndarray:
    """Class labels as int64 ``(N,)``: whole numbers >= 0 (floats such as 3.0 are accepted)."""
    arr = np.asarray(y)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf; class labels must be whole numbers 0, 1, …")
    labels = as_labels(arr, name)
    if labels.size and labels.min() < 0:
        raise ValueError(f"{name} must be class labels 0, 1, …, got {labels.min()}")
    return labels


def _check_label_range(y: np.ndarray, num_classes: int, name: str) -> None:
    if y.size and y.max() >= num_classes:
        raise ValueError(f"{name} has labels up to {y.max()}, but the model outputs "
                         f"{num_classes} scores per example (classes 0…{num_classes - 1})")


def _prepare(X, y, dtype, name_X: str, name_y: str, classification: bool):
    """Validate a data set and convert it once to the model's dtype (not per batch).

    ``y`` becomes int64 class labels when it holds integers, or when it is 1-D and the loss is a
    classification loss (``SoftmaxCrossEntropy``): then whole-number floats such as ``[0., 1.]``
    are labels too (as the loss layer itself reads them), and other floats are an error.
    """
    X, y = check_dataset(X, y, name_X, name_y)
    if y.dtype.kind in "iu" or (classification and y.ndim == 1):
        y = _class_labels(y, name_y)
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
    return TrainingDiverged(tr(
        f"training diverged in epoch {epoch}/{epochs} at step {step} with learning rate {lr:.4g}: "
        f"{what}. Start again from fresh weights with a smaller learning rate: "
        f"schedules.lr_range_test finds one, or try {lr / 100:.4g} (100 times smaller) — a rate "
        f"only 10 times smaller is often still too large, and then the network does not blow up "
        f"but dies (fit warns when the loss stays at chance level).",
        f"学習が発散しました（エポック {epoch}/{epochs}、ステップ {step}、学習率 {lr:.4g}）: {what}。"
        f"新しい重みから、もっと小さな学習率でやり直してください。schedules.lr_range_test で探すか、"
        f"{lr / 100:.4g}（100 分の 1）を試しましょう。10 分の 1 ではまだ大きすぎることが多く、"
        f"そのときネットワークは発散せずに「死んで」しまいます（損失がチャンスレベルのままだと fit が警告します）。"),
        epoch=epoch, step=step, lr=lr, loss=loss, history=history,
    )


def _warn_chance_level(epoch: int, value: float, num_classes: int, lr: float) -> None:
    chance = math.log(num_classes)
    warnings.warn(tr(
        f"in epoch {epoch} the training loss ({value:.4f} over its second half) is at or above "
        f"chance level log({num_classes}) = {chance:.4f}, the loss of answering "
        f"1/{num_classes} for every class: the network has learned nothing. If the learning rate ({lr:.4g}) is "
        "large, its first steps may have killed the ReLU units (negative input for every example, "
        "so no gradient ever again): start again from fresh weights with a smaller rate "
        "(schedules.lr_range_test finds one). If the rate is tiny, it may just be slow.",
        f"エポック {epoch} の訓練損失（後半の平均 {value:.4f}）が、どのクラスにも 1/{num_classes} と答えたときの"
        f"損失、つまりチャンスレベル log({num_classes}) = {chance:.4f} 以上です。ネットワークは何も学習していません。"
        f"学習率（{lr:.4g}）が大きいなら、最初の数ステップで ReLU のユニットが死んだのかもしれません（どのデータでも"
        "入力が負になり、二度と勾配が流れない）。新しい重みから、もっと小さな学習率でやり直してください"
        "（schedules.lr_range_test で探せます）。学習率がとても小さいなら、単に遅いだけかもしれません。"),
        UserWarning, stacklevel=5)  # points at the caller of fit


def fit(model, loss, optimizer, X, y, *, epochs: int, batch_size: int, rng: np.random.Generator,
        schedule=None, validation=None, progress: bool = True, early_stopping: int | None = None,
        min_delta: float = 0.0) -> History:
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
    y : array_like, shape (N,) class labels, or targets as ``loss`` expects them
        With ``SoftmaxCrossEntropy`` a 1-D ``y`` is class labels: integers, or whole-number
        floats such as ``[0., 1., 2.]`` (read as the integers they are; ``0.5`` is an error).
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
        Evaluated at the end of every epoch; sets ``History.best_epoch``.
    progress : bool, default True
        Print one line per epoch (loss, accuracy for class labels, validation, learning rate)
        with ``tqdm.write``. On a terminal a tqdm bar also counts the steps; where the output is
        not a terminal (a notebook, a log file) only the lines appear, the same text every run.
    early_stopping : int >= 1, optional
        Patience: stop when the *validation loss* (the quantity training minimises, smoother
        than the accuracy) has not improved for this many epochs in a row, then put back the
        weights of the best epoch — exactly, a copy is kept. Needs ``validation``. The weights
        are restored also when all ``epochs`` ran. (The same idea as Keras'
        ``EarlyStopping(patience=…, restore_best_weights=True)``.)
    min_delta : float >= 0, default 0.0
        A validation loss counts as an improvement only if it is below the best so far by more
        than ``min_delta``.

    Returns
    -------
    History

    Raises
    ------
    TrainingDiverged
        As soon as a mini-batch loss is NaN, inf or more than ``DIVERGENCE_FACTOR`` times the
        first step's loss (at least 1), or the weights are not finite at the end of an epoch.
    ValueError, TypeError
        For bad arguments, naming them; e.g. labels ``y`` outside the model's classes.

    Warns
    -----
    UserWarning
        Once, when an epoch from the second on ends with the training loss (mean over the
        epoch's second half) at or above chance level ``log C`` of a ``SoftmaxCrossEntropy``
        loss over ``C`` classes: the network has learned nothing (dead ReLU units, or a rate far
        too small).
    """
    _check_parts(model, loss, optimizer, schedule)
    dtype, classification = _model_dtype(model), isinstance(loss, SoftmaxCrossEntropy)
    X, y = _prepare(X, y, dtype, "X", "y", classification)
    check_positive(epochs, "epochs", integer=True)
    check_positive(batch_size, "batch_size", integer=True)
    if batch_size > len(X):
        raise ValueError(f"batch_size must be between 1 and len(X) = {len(X)}, got {batch_size}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")
    _check_stopping(early_stopping, min_delta, validation)
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise TypeError("validation must be a pair (X_val, y_val)")
        X_val, y_val = _prepare(*validation, dtype, "X_val", "y_val", classification)
        if X_val.shape[1] != X.shape[1]:
            raise ValueError(f"X_val must have {X.shape[1]} features like X, got shape {X_val.shape}")
    if classification and y.ndim == 1:  # labels must be classes the model has
        num_classes = np.shape(model.forward(X[:1]))[-1]
        _check_label_range(y, num_classes, "y")
        if validation is not None:
            _check_label_range(y_val, num_classes, "y_val")
    run = _Run(model, loss, optimizer, schedule, epochs, history=History())
    best = _Best(early_stopping, float(min_delta), keep_weights=early_stopping is not None)
    bar = tqdm(total=epochs * math.ceil(len(X) / batch_size), unit="step", file=sys.stdout,
               disable=None if progress else True, leave=False, dynamic_ncols=True)
    with bar, np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, epochs + 1):
            run.epoch(epoch, iterate_minibatches(X, y, batch_size, rng=rng), bar)
            if validation is not None:
                _validate(model, loss, X_val, y_val, run.history)
                stop = best.update(epoch, run.history.val_loss[-1], model)
                run.history.best_epoch = best.epoch
            else:
                stop = False
            if progress:
                tqdm.write(_progress_line(epoch, epochs, run.history), file=sys.stdout)
            if stop and epoch < epochs:
                run.history.stopped_early = True
                break
    best.restore(model)
    if progress and early_stopping is not None and best.epoch is not None:
        why = (tr(f"stopped early: no better val_loss for {early_stopping} epochs; ",
                  f"早期終了: {early_stopping} エポックのあいだ val_loss が改善しませんでした。")
               if run.history.stopped_early else "")
        tqdm.write(why + tr(f"restored the weights of epoch {best.epoch} (val_loss {best.loss:.4f})",
                            f"エポック {best.epoch} の重みに戻しました（val_loss {best.loss:.4f}）"), file=sys.stdout)
    return run.history


class _Run:
    """One training run's state across epochs: step count, divergence limit, chance-level warning."""

    def __init__(self, model, loss, optimizer, schedule, epochs: int, history: History):
        self.model, self.loss, self.optimizer, self.schedule = model, loss, optimizer, schedule
        self.epochs, self.history = epochs, history
        self.step, self.limit, self.warned = 0, math.inf, False
        self.classify = isinstance(loss, SoftmaxCrossEntropy)

    def epoch(self, epoch: int, batches, bar) -> None:
        """One pass over the mini-batches: the four steps for each, then the epoch's records."""
        model, history = self.model, self.history
        total, correct, count, lr, value = 0.0, 0, 0, self.optimizer.lr, math.nan
        first_step = len(history.step_loss)
        for X_batch, y_batch in batches:
            lr = self._set_lr()
            scores, value = _forward_loss(model, self.loss, X_batch, y_batch)
            history.step_loss.append(value)
            history.step_lr.append(lr)
            if not (math.isfinite(value) and value <= self.limit):
                what = (tr(f"the loss is {value}", f"損失が {value} になりました") if not math.isfinite(value) else
                        tr(f"the loss exceeded {DIVERGENCE_FACTOR:g} times its first value",
                           f"損失が最初の値の {DIVERGENCE_FACTOR:g} 倍を超えました"))
                raise _diverged(what, epoch=epoch, epochs=self.epochs, step=self.step, lr=lr,
                                loss=value, history=history)
            if self.step == 0:
                self.limit = DIVERGENCE_FACTOR * max(1.0, value)
            total += value * len(X_batch)
            count += len(X_batch)
            if self._labels(y_batch):
                correct += int(np.count_nonzero(scores.argmax(axis=1) == y_batch))
            model.backward(self.loss.backward(), input_grad=False)  # dL/dX of data: not needed
            self.optimizer.step(model)
            self.step += 1
            bar.update(1)
        if not all(np.all(np.isfinite(p)) for p in model.params.values()):
            raise _diverged(tr("the weights became NaN or inf", "重みが NaN か inf になりました"), epoch=epoch, epochs=self.epochs,
                            step=self.step - 1, lr=lr, loss=value, history=history)
        history.train_loss.append(total / count)
        if self._labels(y_batch):
            history.train_accuracy.append(correct / count)
        history.lr.append(lr)
        steps = len(history.step_loss) - first_step
        self._chance_level(epoch, history.step_loss[first_step + steps // 2:],
                           scores.shape[1] if scores.ndim == 2 else 0, lr)

    def _set_lr(self) -> float:
        if self.schedule is not None:
            lr = float(self.schedule(self.step))
            if not lr > 0:
                raise ValueError(f"schedule returned lr={lr:g} at step {self.step}; rates must "
                                 "be > 0 (is total_steps shorter than the run?)")
            self.optimizer.lr = lr
        return self.optimizer.lr

    @staticmethod
    def _labels(y_batch: np.ndarray) -> bool:
        return y_batch.ndim == 1 and y_batch.dtype.kind in "iu"

    def _chance_level(self, epoch: int, late_losses: list, num_classes: int, lr: float) -> None:
        """Warn once if, from epoch 2 on, the loss over the epoch's second half is >= log C.

        Not in epoch 1, and over the second half only: a fresh network's loss starts near (or
        above) ``log C`` however well it then learns, and a short epoch barely moves it.
        """
        if not (self.classify and not self.warned and num_classes >= 2 and epoch >= 2):
            return
        value = float(np.mean(late_losses))
        if value >= math.log(num_classes):
            self.warned = True
            _warn_chance_level(epoch, value, num_classes, lr)


def _validate(model, loss, X_val, y_val, history: History) -> None:
    scores, value = _forward_loss(model, loss, X_val, y_val)
    history.val_loss.append(value)
    if y_val.ndim == 1 and y_val.dtype.kind in "iu":
        history.val_accuracy.append(float(np.mean(scores.argmax(axis=1) == y_val)))


def _progress_line(epoch: int, epochs: int, h: History) -> str:
    width = len(str(epochs))
    parts = [tr(f"epoch {epoch:>{width}}/{epochs}", f"エポック {epoch:>{width}}/{epochs}"),
             f"loss {h.train_loss[-1]:.4f}"]
    if h.train_accuracy:
        parts.append(f"acc {h.train_accuracy[-1]:.4f}")
    if h.val_loss:
        parts.append(f"val_loss {h.val_loss[-1]:.4f}")
    if h.val_accuracy:
        parts.append(f"val_acc {h.val_accuracy[-1]:.4f}")
    parts.append(f"lr {h.lr[-1]:.3g}")
    return "  ".join(parts)


def evaluate(model, X, y) -> float:
    """Accuracy of the model's predicted classes against class labels ``y``: the fraction correct.

    The predicted class is the largest score of ``model.forward(X)`` when the model has
    ``forward`` (what ``Sequential.predict`` returns), else ``model.predict(X)``.

    Parameters
    ----------
    model : ``Sequential``, or anything with ``forward(X) -> scores (N, C)`` or
        ``predict(X) -> labels (N,)``
    X : array_like of real numbers, shape (N, features), N >= 1, no NaN or inf
    y : array_like, shape (N,): class labels 0 … C-1 (whole-number floats accepted)

    Returns
    -------
    float in [0, 1]

    Raises
    ------
    TypeError
        ``model`` cannot predict; ``X`` or ``y`` is not real numbers (e.g. complex).
    ValueError
        ``X`` empty, not 2-D or not finite; ``y`` of the wrong length, NaN, not whole numbers,
        negative, or (for a model with ``forward``) a class the model does not have; the model's
        scores are NaN or inf (a diverged model).
    """
    if not hasattr(model, "forward") and not hasattr(model, "predict"):
        raise TypeError(f"model ({type(model).__name__}) must have predict(X) -> labels "
                        "or forward(X) -> scores")
    X, y = check_dataset(X, y)
    y = _class_labels(y, "y")
    dtype = _model_dtype(model)
    X = X if dtype is None else X.astype(dtype, copy=False)
    if hasattr(model, "forward"):
        scores = np.asarray(model.forward(X))
        if scores.ndim != 2 or len(scores) != len(y):
            raise ValueError(f"model.forward returned shape {scores.shape}, expected ({len(y)}, C)")
        if not np.all(np.isfinite(scores)):
            raise ValueError("the model's scores contain NaN or inf: its weights are broken "
                             "(did training diverge?)")
        _check_label_range(y, scores.shape[1], "y")
        predicted = scores.argmax(axis=1)
    else:
        predicted = np.asarray(model.predict(X))
    if predicted.shape != y.shape:
        raise ValueError(f"model.predict returned shape {predicted.shape}, expected {y.shape}")
    return float(np.mean(predicted == y))
