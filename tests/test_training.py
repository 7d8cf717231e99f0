"""Tests for course_lib.training (chapter 5): fit, evaluate, History, TrainingDiverged."""

import math
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from sklearn.datasets import make_blobs  # noqa: E402

from course_lib import plotting  # noqa: E402
from course_lib._validation import check_dataset  # noqa: E402
from course_lib.layers import Linear, MSELoss, SoftmaxCrossEntropy  # noqa: E402
from course_lib.network import MLP, Sequential  # noqa: E402
from course_lib.optim import SGD  # noqa: E402
from course_lib.schedules import constant, cosine_annealing, step_decay  # noqa: E402
from course_lib.training import History, TrainingDiverged, evaluate, fit  # noqa: E402


def _blobs(n=120, seed=0):
    X, y = make_blobs(n_samples=n, centers=[[-3, -3], [3, 3], [-3, 3]], cluster_std=0.6,
                      random_state=seed)
    return X, y


def _regression(n=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, X @ np.array([[1.0], [-2.0], [0.5]])


def _linear(seed=1, dtype=np.float64):
    return Sequential(Linear(3, 1, rng=np.random.default_rng(seed), dtype=dtype))


def _all_finite(model):
    return all(np.all(np.isfinite(p)) for p in model.params.values())


# ------------------------------------------------------------------ training works
def test_fit_separable_problem_reaches_high_accuracy():
    X, y = _blobs()
    model = MLP([2, 16, 3], rng=np.random.default_rng(0))
    history = fit(model, SoftmaxCrossEntropy(), SGD(0.1), X, y, epochs=10, batch_size=16,
                  rng=np.random.default_rng(1), progress=False)
    assert evaluate(model, X, y) >= 0.98
    assert history.train_accuracy[-1] >= 0.95
    assert history.train_loss[-1] < history.train_loss[0]


def test_history_lengths_and_values():
    X, y = _blobs(n=100)
    X_val, y_val = _blobs(n=30, seed=5)
    epochs, batch_size = 4, 32  # 100 examples -> 4 steps per epoch (32, 32, 32, 4)
    history = fit(MLP([2, 8, 3], rng=np.random.default_rng(0)), SoftmaxCrossEntropy(), SGD(0.05),
                  X, y, epochs=epochs, batch_size=batch_size, rng=np.random.default_rng(1),
                  validation=(X_val, y_val), progress=False)
    assert isinstance(history, History)
    assert history.epochs == epochs
    for name in ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"):
        assert len(getattr(history, name)) == epochs, name
    assert len(history.step_loss) == len(history.step_lr) == epochs * math.ceil(100 / batch_size)
    assert history.lr == [0.05] * epochs
    assert all(0 <= a <= 1 for a in history.train_accuracy + history.val_accuracy)
    # the epoch loss is the batch-size-weighted mean of the step losses
    first = history.step_loss[:4]
    assert history.train_loss[0] == pytest.approx((32 * sum(first[:3]) + 4 * first[3]) / 100)
    assert repr(history) == f"History(4 epochs, 16 steps, last train_loss {history.train_loss[-1]:.4f})"


def test_regression_history_has_no_accuracy():
    X, y = _regression()
    history = fit(_linear(), MSELoss(), SGD(0.05), X, y, epochs=3, batch_size=16,
                  rng=np.random.default_rng(0), validation=(X, y), progress=False)
    assert len(history.train_loss) == len(history.val_loss) == 3
    assert history.train_accuracy == [] and history.val_accuracy == []
    assert history.train_loss[-1] < history.train_loss[0]


def test_schedule_sets_the_rate_before_every_step():
    X, y = _regression()
    schedule = step_decay(0.1, 0.5, 3)
    optimizer = SGD(1.0)
    history = fit(_linear(), MSELoss(), optimizer, X, y, epochs=2, batch_size=16,
                  rng=np.random.default_rng(0), schedule=schedule, progress=False)
    assert history.step_lr == pytest.approx([schedule(k) for k in range(8)])
    assert history.lr == pytest.approx([schedule(3), schedule(7)])  # last step of each epoch
    assert optimizer.lr == pytest.approx(schedule(7))


def test_schedule_returning_zero_is_explained():
    X, y = _regression()
    with pytest.raises(ValueError, match="schedule returned lr=0"):
        fit(_linear(), MSELoss(), SGD(0.1), X, y, epochs=3, batch_size=16,
            rng=np.random.default_rng(0), schedule=cosine_annealing(0.1, 4), progress=False)


def test_same_seed_same_history():
    X, y = _blobs()
    runs = [fit(MLP([2, 8, 3], rng=np.random.default_rng(0)), SoftmaxCrossEntropy(), SGD(0.1), X, y,
                epochs=2, batch_size=10, rng=np.random.default_rng(3), progress=False) for _ in range(2)]
    assert runs[0].step_loss == runs[1].step_loss


def test_float32_model_stays_float32():
    X, y = _blobs()
    model = MLP([2, 8, 3], rng=np.random.default_rng(0), dtype=np.float32)
    fit(model, SoftmaxCrossEntropy(), SGD(0.1), X.astype(np.float64), y, epochs=2, batch_size=16,
        rng=np.random.default_rng(1), progress=False)
    assert all(p.dtype == np.float32 for p in model.params.values())
    assert evaluate(model, X, y) > 0.9


# ------------------------------------------------------------------ progress lines
def test_progress_prints_one_deterministic_line_per_epoch(capsys):
    X, y = _blobs()
    fit(MLP([2, 8, 3], rng=np.random.default_rng(0)), SoftmaxCrossEntropy(), SGD(0.1), X, y,
        epochs=3, batch_size=16, rng=np.random.default_rng(1), validation=(X, y))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    pattern = (r"epoch [ \d]/3  loss \d\.\d{4}  acc \d\.\d{4}  val_loss \d\.\d{4}  "
               r"val_acc \d\.\d{4}  lr 0\.1")
    assert all(re.fullmatch(pattern, line) for line in lines), lines
    assert lines[0].startswith("epoch 1/3")


def test_progress_false_prints_nothing(capsys):
    X, y = _regression()
    fit(_linear(), MSELoss(), SGD(0.05), X, y, epochs=2, batch_size=16,
        rng=np.random.default_rng(0), progress=False)
    assert capsys.readouterr().out == ""


# ------------------------------------------------------------------ divergence
def test_huge_rate_raises_training_diverged_naming_epoch_step_and_rate():
    X, y = _regression()
    with pytest.raises(TrainingDiverged) as info:
        fit(_linear(), MSELoss(), SGD(50.0), X, y, epochs=5, batch_size=16,
            rng=np.random.default_rng(0), progress=False)
    err = info.value
    message = str(err)
    assert f"epoch {err.epoch}/5" in message
    assert f"step {err.step}" in message
    assert "learning rate 50" in message
    assert "smaller learning rate" in message
    assert err.lr == 50.0 and err.step >= 1
    assert isinstance(err, RuntimeError)
    assert len(err.history.step_loss) == err.step + 1  # the last entry is the offending loss


def test_cross_entropy_explosion_is_detected():
    X, y = _blobs()
    X = X * 10  # large inputs: a huge rate makes the logits explode
    with pytest.raises(TrainingDiverged, match="learning rate 1e\\+04"):
        fit(MLP([2, 16, 3], rng=np.random.default_rng(0)), SoftmaxCrossEntropy(), SGD(1e4), X, y,
            epochs=3, batch_size=16, rng=np.random.default_rng(1), progress=False)


def test_weights_that_overflow_on_the_last_step_are_caught():
    X, y = _regression(n=16)
    model = _linear()
    with pytest.raises(TrainingDiverged, match="weights became NaN or inf") as info:
        # one full-batch step per epoch: the loss is checked before the update, the weights after
        fit(model, MSELoss(), SGD(1e308), X, y, epochs=1, batch_size=16,
            rng=np.random.default_rng(0), progress=False)
    assert info.value.epoch == 1 and info.value.step == 0


@given(log_lr=st.floats(-3, 6), seed=st.integers(0, 1000))
@settings(max_examples=40)
def test_fit_never_returns_nan_weights(log_lr, seed):
    X, y = _regression(n=32, seed=seed)
    model = _linear(seed)
    try:
        history = fit(model, MSELoss(), SGD(10.0**log_lr), X, y, epochs=3, batch_size=8,
                      rng=np.random.default_rng(seed), progress=False)
    except TrainingDiverged:
        return
    assert _all_finite(model)
    assert all(np.isfinite(history.step_loss))


# ------------------------------------------------------------------ evaluate
class _FixedPredictions:
    def __init__(self, labels):
        self.labels = np.asarray(labels)

    def predict(self, X):
        return self.labels


def test_evaluate_is_fraction_correct():
    X = np.zeros((4, 2))
    assert evaluate(_FixedPredictions([0, 1, 2, 2]), X, [0, 1, 2, 1]) == pytest.approx(0.75)
    assert isinstance(evaluate(_FixedPredictions([1, 1, 1, 1]), X, [1, 1, 1, 1]), float)


def test_evaluate_bad_input():
    with pytest.raises(ValueError, match="y"):
        evaluate(_FixedPredictions([0, 1]), np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="X"):
        evaluate(_FixedPredictions([0, 1]), np.zeros(2), [0, 1])
    with pytest.raises(TypeError, match="predict"):
        evaluate(object(), np.zeros((2, 2)), [0, 1])


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "change, error, match",
    [
        (dict(X=np.zeros(64)), ValueError, "X must be 2-D"),
        (dict(y=np.zeros((63, 1))), ValueError, "y must have one row per row of X"),
        (dict(batch_size=0), ValueError, "batch_size"),
        (dict(batch_size=65), ValueError, "batch_size"),
        (dict(batch_size=2.0), TypeError, "batch_size"),
        (dict(epochs=0), ValueError, "epochs"),
        (dict(rng=None), TypeError, "rng"),
        (dict(schedule=0.1), TypeError, "schedule"),
        (dict(schedule=lambda step: -0.1), ValueError, "lr"),
        (dict(validation=(np.zeros((5, 3)), np.zeros((4, 1)))), ValueError, "y_val"),
        (dict(validation=(np.zeros((5, 2)), np.zeros((5, 1)))), ValueError, "X_val"),
        (dict(validation=np.zeros((5, 3))), TypeError, "validation"),
        (dict(X=np.full((64, 3), np.nan)), ValueError, "X contains NaN"),
        (dict(optimizer=object()), TypeError, "optimizer"),
    ],
)
def test_fit_bad_input(change, error, match):
    X, y = _regression()
    args = dict(model=_linear(), loss=MSELoss(), optimizer=SGD(0.1), X=X, y=y, epochs=1,
                batch_size=16, rng=np.random.default_rng(0), progress=False)
    args.update(change)
    with pytest.raises(error, match=match):
        fit(**args)


@pytest.mark.parametrize(
    "values, dtype, finite",
    [
        ([3e38, 3e38], np.float32, True),       # the sum overflows to inf: checked one by one
        ([6e4, 6e4, -1.0], np.float16, True),
        ([np.inf, -np.inf], np.float64, False),  # the sum is NaN
        ([1e308, 1e308, np.inf], np.float64, False),
        ([0.5, np.nan, 0.5], np.float32, False),
    ],
)
@pytest.mark.filterwarnings("error")  # an overflowing sum must not warn either
def test_data_check_is_exact_when_the_sum_is_not_finite(values, dtype, finite):
    X = np.array(values, dtype=dtype).reshape(-1, 1)
    if finite:
        assert check_dataset(X, np.zeros(len(X)))[0] is X  # no copy, no RuntimeWarning
    else:
        with pytest.raises(ValueError, match="X contains NaN or inf"):
            check_dataset(X, np.zeros(len(X)))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(width=32), min_size=1, max_size=30))
def test_data_check_rejects_exactly_the_non_finite(values):
    X = np.array(values, dtype=np.float32).reshape(-1, 1)
    if np.all(np.isfinite(X)):
        check_dataset(X, np.zeros(len(X)))
    else:
        with pytest.raises(ValueError, match="X contains NaN or inf"):
            check_dataset(X, np.zeros(len(X)))


def test_non_positive_learning_rate_is_rejected():
    with pytest.raises(ValueError, match="lr"):
        SGD(0.0)
    with pytest.raises(ValueError, match="lr"):
        constant(-0.1)


# ------------------------------------------------------------------ chapter 5 figures (smoke)
def test_plots_draw_without_error():
    H = np.array([[6.0, 2.0], [2.0, 3.0]])
    x0 = np.array([1.0, 1.0])
    X, y = _regression()
    history = fit(_linear(), MSELoss(), SGD(0.05), X, y, epochs=2, batch_size=16,
                  rng=np.random.default_rng(0), validation=(X, y), progress=False)
    plotting.plot_quadratic_grid(H, x0, [0.05, 0.2, 0.4])
    plotting.plot_distance_to_minimum(H, x0, [0.2, 0.3], steps=20)
    plotting.plot_contraction_factors(H)
    plotting.plot_loss_curves({"a": history.step_loss, "b": [1.0, 2.0, np.inf]})
    plotting.plot_schedules({"cos": cosine_annealing(0.1, 20)}, 20)
    plotting.plot_lr_range_test(np.geomspace(1e-3, 1, 10), np.linspace(2, 1, 10), suggested=0.1)
    axes = plotting.plot_history(history)
    assert len(axes) == 2
    plt.close("all")


# ------------------------------------------------------------------ early stopping (chapter 6)
def _overfitting_problem():
    """Blobs with overlapping clusters: a wide net on 30 points overfits, the validation loss turns up."""
    X, y = make_blobs(n_samples=330, centers=3, cluster_std=3.0, random_state=2)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return (X[:30], y[:30]), (X[30:], y[30:])


def _fit_blobs(epochs, seed=0, **kwargs):
    (X, y), (X_val, y_val) = _overfitting_problem()
    model = MLP([2, 64, 64, 3], rng=np.random.default_rng(seed))
    history = fit(model, SoftmaxCrossEntropy(), SGD(0.1, momentum=0.9), X, y, epochs=epochs,
                  batch_size=10, rng=np.random.default_rng(seed + 1), validation=(X_val, y_val),
                  progress=False, **kwargs)
    return model, history


def test_early_stopping_restores_exactly_the_best_epoch():
    model, history = _fit_blobs(60, early_stopping=5)
    assert history.stopped_early
    best = history.best_epoch
    assert history.epochs == best + 5  # stopped after 5 epochs without improvement
    assert history.val_loss[best - 1] == min(history.val_loss)
    assert all(v >= history.val_loss[best - 1] for v in history.val_loss[best:])
    # the same run stopped by hand after `best` epochs: same batches, same weights, bit for bit
    reference, _ = _fit_blobs(best)
    for key, p in model.params.items():
        assert np.array_equal(p, reference.params[key]), key
    assert repr(history).endswith(f", stopped early, best epoch {best})")


def test_early_stopping_restores_when_all_epochs_ran():
    model, history = _fit_blobs(6, early_stopping=50)
    assert not history.stopped_early and history.epochs == 6
    reference, _ = _fit_blobs(history.best_epoch)
    assert all(np.array_equal(p, reference.params[k]) for k, p in model.params.items())


def test_best_epoch_without_early_stopping_and_without_validation():
    model, history = _fit_blobs(12)
    assert history.best_epoch == int(np.argmin(history.val_loss)) + 1
    assert not history.stopped_early
    X, y = _blobs()
    history = fit(MLP([2, 8, 3], rng=np.random.default_rng(0)), SoftmaxCrossEntropy(), SGD(0.1),
                  X, y, epochs=2, batch_size=16, rng=np.random.default_rng(1), progress=False)
    assert history.best_epoch is None and not history.stopped_early


def test_min_delta_asks_for_a_real_improvement():
    _, strict = _fit_blobs(60, early_stopping=3, min_delta=0.05)
    _, loose = _fit_blobs(60, early_stopping=3)
    assert strict.epochs <= loose.epochs
    assert strict.stopped_early


@given(losses=st.lists(st.floats(0.0, 10.0), min_size=1, max_size=30),
       patience=st.integers(1, 5))
@settings(max_examples=60, deadline=None)
def test_patience_rule_matches_a_plain_loop(losses, patience):
    from course_lib.training import _Best

    tracker, stop_at = _Best(patience, 0.0, keep_weights=False), None
    for epoch, value in enumerate(losses, start=1):
        if tracker.update(epoch, value, model=None):
            stop_at = epoch
            break
    best, waited, expected = math.inf, 0, None
    for epoch, value in enumerate(losses, start=1):
        if value < best:
            best, waited = value, 0
        else:
            waited += 1
            if waited == patience:
                expected = epoch
                break
    assert stop_at == expected
    seen = losses[:stop_at] if stop_at else losses
    assert tracker.epoch == seen.index(min(seen)) + 1


def test_early_stopping_float32_keeps_dtype():
    (X, y), (X_val, y_val) = _overfitting_problem()
    model = MLP([2, 32, 3], rng=np.random.default_rng(0), dtype=np.float32)
    fit(model, SoftmaxCrossEntropy(), SGD(0.1), X, y, epochs=20, batch_size=10,
        rng=np.random.default_rng(1), validation=(X_val, y_val), progress=False, early_stopping=2)
    assert all(p.dtype == np.float32 for p in model.params.values())


def test_early_stopping_prints_what_it_did(capsys):
    _fit_blobs(60, early_stopping=5)  # progress=False: silent
    assert capsys.readouterr().out == ""
    (X, y), (X_val, y_val) = _overfitting_problem()
    history = fit(MLP([2, 64, 64, 3], rng=np.random.default_rng(0)), SoftmaxCrossEntropy(),
                  SGD(0.1, momentum=0.9), X, y, epochs=60, batch_size=10,
                  rng=np.random.default_rng(1), validation=(X_val, y_val), early_stopping=5)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == history.epochs + 1
    assert lines[-1] == (f"stopped early: no better val_loss for 5 epochs; restored the weights of "
                         f"epoch {history.best_epoch} "
                         f"(val_loss {history.val_loss[history.best_epoch - 1]:.4f})")


def test_progress_bar_appears_only_on_a_terminal(monkeypatch):
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    X, y = _blobs()
    for stream, bar_expected in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stdout", stream)
        fit(MLP([2, 8, 3], rng=np.random.default_rng(0)), SoftmaxCrossEntropy(), SGD(0.1), X, y,
            epochs=2, batch_size=16, rng=np.random.default_rng(1))
        out = stream.getvalue()
        assert ("step" in out) == bar_expected, out
        assert "epoch 2/2" in out


# ------------------------------------------------------------------ labels and chance level
def test_whole_number_float_labels_are_class_labels():
    X, y = _blobs()
    history = fit(MLP([2, 16, 3], rng=np.random.default_rng(0)), SoftmaxCrossEntropy(), SGD(0.1),
                  X, y.astype(float), epochs=3, batch_size=16, rng=np.random.default_rng(1),
                  validation=(X, y.astype(np.float32)), progress=False)
    assert len(history.train_accuracy) == len(history.val_accuracy) == 3
    assert history.val_accuracy[-1] > 0.9  # the course's history.val_accuracy[-1] works


def _dead_digits_run(epochs=3):
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return fit(MLP([64, 32, 10], rng=np.random.default_rng(0)), SoftmaxCrossEntropy(), SGD(3.0),
               X[:600] / 16, y[:600], epochs=epochs, batch_size=32, rng=np.random.default_rng(1),
               progress=False)


def test_chance_level_warns_once():
    with pytest.warns(UserWarning, match=r"at or above chance level log\(10\) = 2\.3026") as record:
        history = _dead_digits_run()
    assert len([w for w in record if "chance level" in str(w.message)]) == 1
    assert all(v >= math.log(10) for v in history.train_loss)
    assert record[0].filename == __file__  # points at the caller of fit


@pytest.mark.filterwarnings("error::UserWarning")
def test_learning_run_does_not_warn():
    X, y = _blobs()
    fit(MLP([2, 16, 3], rng=np.random.default_rng(0)), SoftmaxCrossEntropy(), SGD(0.1), X, y,
        epochs=3, batch_size=16, rng=np.random.default_rng(1), progress=False)


def test_divergence_message_suggests_what_works():
    X, y = _regression()
    with pytest.raises(TrainingDiverged, match=r"lr_range_test .* try 0\.5 \(100 times smaller\)"):
        fit(_linear(), MSELoss(), SGD(50.0), X, y, epochs=5, batch_size=16,
            rng=np.random.default_rng(0), progress=False)


# ------------------------------------------------------------------ more bad input
def _blob_args(**change):
    X, y = _blobs()
    args = dict(model=MLP([2, 8, 3], rng=np.random.default_rng(0)), loss=SoftmaxCrossEntropy(),
                optimizer=SGD(0.1), X=X, y=y, epochs=2, batch_size=16,
                rng=np.random.default_rng(0), progress=False)
    args.update(change)
    return args


@pytest.mark.parametrize(
    "change, error, match",
    [
        (dict(early_stopping=3), ValueError, "early_stopping needs validation"),
        (dict(early_stopping=0, validation=_blobs(30)), ValueError, "early_stopping must be > 0"),
        (dict(early_stopping=2.0, validation=_blobs(30)), TypeError, "early_stopping"),
        (dict(early_stopping=True, validation=_blobs(30)), TypeError, "early_stopping"),
        (dict(min_delta=-0.1), ValueError, "min_delta"),
        (dict(min_delta=np.nan), ValueError, "min_delta"),
        (dict(min_delta="0.1"), TypeError, "min_delta"),
        (dict(y=np.linspace(0, 2, 120)), ValueError, "y must be integer class labels"),
        (dict(y=np.full(120, np.nan)), ValueError, "y contains NaN"),
        (dict(y=np.full(120, 3)), ValueError, "y has labels up to 3, but the model outputs 3"),
        (dict(y=np.full(120, -1)), ValueError, "y must be class labels"),
        (dict(y=np.zeros(120, dtype=complex)), TypeError, "y must be integer class labels"),
        (dict(X=np.zeros((120, 2), dtype=complex)), TypeError, "X must hold real numbers"),
        (dict(X=np.zeros((0, 2)), y=np.zeros(0, int)), ValueError, "at least one example"),
        (dict(validation=(_blobs(30)[0], np.full(30, 7))), ValueError, "y_val has labels up to 7"),
        (dict(validation=(_blobs(30)[0], np.full(30, 0.5))), ValueError, "y_val must be integer"),
    ],
)
def test_fit_bad_classification_input(change, error, match):
    with pytest.raises(error, match=match):
        fit(**_blob_args(**change))


@pytest.mark.parametrize(
    "X, y, error, match",
    [
        (np.full((3, 2), np.nan), [0, 1, 2], ValueError, "X contains NaN"),
        (np.zeros((3, 2)), [0.0, np.nan, 1.0], ValueError, "y contains NaN"),
        (np.zeros((3, 2)), [0, 1, 3], ValueError, "y has labels up to 3"),
        (np.zeros((3, 2)), [0, -1, 2], ValueError, "y must be class labels"),
        (np.zeros((3, 2)), [0, 0.5, 2], ValueError, "integer class labels"),
        (np.zeros((0, 2)), [], ValueError, "at least one example"),
        (np.zeros((3, 2), dtype=complex), [0, 1, 2], TypeError, "real numbers"),
        (np.zeros((3, 2)), np.array([0, 1, 2], dtype=complex), TypeError, "class labels"),
        (np.zeros((3, 2)), [[0], [1], [2]], ValueError, "1-D labels"),
        (np.zeros((3, 2)), [0, 1], ValueError, "one row per row of X"),
    ],
)
def test_evaluate_rejects_bad_input(X, y, error, match):
    model = MLP([2, 4, 3], rng=np.random.default_rng(0))
    with pytest.raises(error, match=match):
        evaluate(model, X, y)


def test_evaluate_rejects_a_diverged_model_and_accepts_float_labels():
    X, y = _blobs()
    model = MLP([2, 4, 3], rng=np.random.default_rng(0))
    assert evaluate(model, X, y.astype(float)) == evaluate(model, X, y)
    model.params["0.W"][...] = np.nan
    with pytest.raises(ValueError, match="scores contain NaN"):
        evaluate(model, X, y)


def test_history_defaults():
    history = History()
    assert history.epochs == 0 and history.best_epoch is None and not history.stopped_early
    assert repr(history) == "History(0 epochs, 0 steps)"
