"""Chapter 6 beyond the loader: the full-run CLI (course_lib.mnist), its augmentation, the digit
figures (course_lib.plotting.digits) and the exercise checkers (course_lib.exercises.ch06)."""

from __future__ import annotations

import gzip
import hashlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from course_lib import datasets, mnist  # noqa: E402
from course_lib.exercises import check  # noqa: E402
from course_lib.exercises.ch06 import _shift_reference  # noqa: E402
from course_lib.layers import SoftmaxCrossEntropy  # noqa: E402
from course_lib.network import MLP  # noqa: E402
from course_lib.optim import SGD  # noqa: E402
from course_lib.plotting import digits  # noqa: E402
from course_lib.schedules import constant  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------------------------
# random_shift (the augmentation of `make mnist`)
# --------------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), max_shift=st.integers(1, 2), batch=st.integers(1, 6))
def test_random_shift_moves_each_image_by_at_most_max_shift(seed, max_shift, batch):
    rng = np.random.default_rng(seed)
    X = rng.random((batch, 784)).astype(np.float32)
    out = mnist.random_shift(X, np.random.default_rng(seed + 1), max_shift)
    assert out.shape == X.shape and out.dtype == X.dtype
    offsets = range(-max_shift, max_shift + 1)
    for row_in, row_out in zip(X, out):
        image = row_in.reshape(28, 28)
        candidates = [_shift_reference(image, dy, dx).ravel() for dy in offsets for dx in offsets]
        assert any(np.array_equal(row_out, c) for c in candidates)


def test_random_shift_varies_per_image_and_zero_is_a_copy():
    X = np.zeros((200, 784), np.float32)
    X[:, 14 * 28 + 14] = 1.0  # one dot in the middle of every image
    out = mnist.random_shift(X, np.random.default_rng(0), 1)
    positions = {int(np.flatnonzero(row)[0]) for row in out}
    assert len(positions) == 9, "every one of the 3×3 offsets should occur in 200 images"
    same = mnist.random_shift(X, np.random.default_rng(0), 0)
    np.testing.assert_array_equal(same, X)
    assert same is not X


# --------------------------------------------------------------------------------------------
# the training loop and the command line
# --------------------------------------------------------------------------------------------
def separable_data(rng, n=300):
    """Digits 0/1 as a bright left or right half: easy to learn, so the loss must fall."""
    y = rng.integers(0, 2, size=n)
    X = rng.random((n, 28, 28)) * 0.2
    X[y == 0, :, :14] += 0.8
    X[y == 1, :, 14:] += 0.8
    return X.reshape(n, 784).astype(np.float32), y


def test_train_epoch_lowers_the_loss_and_counts_steps():
    rng = np.random.default_rng(0)
    X, y = separable_data(rng)
    model = MLP([784, 16, 10], rng=rng, dtype=np.float32)
    kwargs = dict(batch_size=32, rng=rng, schedule=constant(0.05), max_shift=1)
    loss1, acc1, step = mnist.train_epoch(model, SoftmaxCrossEntropy(), SGD(0.05, 0.9), X, y,
                                          step=0, **kwargs)
    assert step == 10  # ceil(300 / 32)
    for _ in range(3):
        loss2, acc2, step = mnist.train_epoch(model, SoftmaxCrossEntropy(), SGD(0.05, 0.9), X, y,
                                              step=step, **kwargs)
    assert step == 40
    assert loss2 < loss1 and acc2 > 0.9
    assert mnist.accuracy(model, X, y, batch_size=7) == pytest.approx(
        float(np.mean(model.predict(X) == y))
    )


def idx_files(directory, rng, n_train=256, n_test=64):
    """Write four small IDX files and return their specs (as datasets._FILES expects)."""
    X, y = separable_data(rng, n_train + n_test)
    images = (X * 255).astype(np.uint8)
    parts = {
        "train_images": (2051, images[:n_train]),
        "train_labels": (2049, y[:n_train]),
        "test_images": (2051, images[n_train:]),
        "test_labels": (2049, y[n_train:]),
    }
    specs = {}
    for key, (magic, values) in parts.items():
        dims = values.shape if magic == 2049 else (len(values), 28, 28)
        content = b"".join(v.to_bytes(4, "big") for v in (magic, *dims))
        content += values.astype(np.uint8).tobytes()
        name = datasets._FILES[key].name
        (directory / f"{name}.gz").write_bytes(gzip.compress(content))
        specs[key] = datasets._Spec(name, len(content), hashlib.sha256(content).hexdigest())
    return specs


def test_main_runs_end_to_end_on_small_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(datasets, "_FILES", idx_files(tmp_path, np.random.default_rng(1)))
    status = mnist.main(["--data-dir", str(tmp_path), "--no-download", "--epochs", "2",
                         "--hidden", "16", "--batch-size", "32", "--quiet"])
    out = capsys.readouterr().out
    assert status == 0
    assert "256 training and 64 test images" in out
    assert "MLP 784-16-10" in out
    assert "epoch 1/2" in out and "epoch 2/2" in out
    assert "test accuracy" in out and "training time" in out and "peak memory" in out


def test_main_reports_missing_data_clearly(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(datasets.ENV_VAR, raising=False)
    assert mnist.main(["--data-dir", str(tmp_path), "--no-download", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert "cannot load MNIST" in err and "COURSE_MNIST_DIR" in err and "subset" in err


def test_progress_bar_draws_on_stderr_only_when_enabled(capsys):
    bar = mnist._Bar("epoch 1/2", 100, enabled=True)
    for _ in range(4):
        bar.update(25)
    bar.close()
    quiet = mnist._Bar("epoch 1/2", 100, enabled=False)
    quiet.update(100)
    quiet.close()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "[" + "#" * 30 + "]" in captured.err and "100/100" in captured.err


@pytest.mark.parametrize("argv", [["--epochs", "0"], ["--batch-size", "0"], ["--lr", "-1"],
                                  ["--momentum", "1"], ["--hidden", "0"], ["--shift", "5"]])
def test_bad_arguments_are_refused(argv, capsys):
    with pytest.raises(SystemExit):
        mnist.parse_args(argv)
    assert "error" in capsys.readouterr().err


def test_peak_memory_is_reported_in_megabytes():
    peak = mnist.peak_memory_mb()
    assert peak is None or 10 < peak < 100_000


# --------------------------------------------------------------------------------------------
# the digit figures
# --------------------------------------------------------------------------------------------
def test_digit_grid_draws_one_mosaic_with_captions():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(7, 784), dtype=np.uint8)
    labels = np.array([0, 1, 2, 3, 4, 5, 6])
    predictions = np.array([0, 1, 9, 3, 4, 5, 0])
    ax = digits.plot_digit_grid(images, labels=labels, predictions=predictions, ncols=4)
    assert len(ax.images) == 1
    canvas = ax.images[0].get_array()
    assert canvas.shape[1] == 4 * 28 + 3 * 2  # four tiles and three gaps per row
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["0", "1", "9 (true 2)", "3", "4", "5", "0 (true 6)"]
    red = [t.get_text() for t in ax.texts if t.get_color() == "crimson"]
    assert red == ["9 (true 2)", "0 (true 6)"]


def test_digit_figures_accept_an_axes_and_return_it():
    fig, axes = plt.subplots(1, 4)
    image = np.zeros((28, 28))
    assert digits.plot_digit(image, ax=axes[0]) is axes[0]
    assert digits.plot_digit_grid(np.zeros((3, 784)), captions=["a", "b", "c"], ax=axes[1]) is axes[1]
    assert digits.plot_class_balance([0, 1, 1], [2], names=["x", "y"], ax=axes[2]) is axes[2]
    assert digits.plot_digit_probabilities(np.full(10, 0.1), label=3, ax=axes[3]) is axes[3]
    assert len(axes[2].patches) == 20
    ax = digits.plot_weight_images(np.random.default_rng(0).normal(size=(784, 20)), n=6, ncols=3)
    assert ax.images[0].get_array().shape == (2 * 28 + 2, 3 * 28 + 2 * 2)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: digits.plot_digit_grid(np.zeros((2, 783))), ValueError, "images"),
        (lambda: digits.plot_digit_grid(np.zeros((2, 784)), labels=[1]), ValueError, "labels"),
        (lambda: digits.plot_digit_grid(np.array([["a"] * 784])), TypeError, "images"),
        (lambda: digits.plot_digit(np.zeros((2, 784))), ValueError, "image"),
        (lambda: digits.plot_digit_probabilities(np.ones(9) / 9), ValueError, "probs"),
        (lambda: digits.plot_weight_images(np.zeros((100, 5))), ValueError, "W"),
        (lambda: digits.plot_weight_images(np.zeros((784, 5)), n=6), ValueError, "n"),
        (lambda: digits.plot_class_balance(), ValueError, "labels"),
        (lambda: digits.plot_class_balance([1], names=["a", "b"]), ValueError, "names"),
    ],
)
def test_digit_figures_reject_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --------------------------------------------------------------------------------------------
# the exercise checkers
# --------------------------------------------------------------------------------------------
def _confusion(y_true, y_pred):
    C = np.zeros((10, 10), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


@pytest.mark.parametrize(
    "exercise_id, good, bad, hint",
    [
        ("6.1", lambda X: X / 255, lambda X: X / 256, "divide by 255"),
        ("6.1", lambda X: X / 255, lambda X: X // 255, "floats"),
        ("6.2", lambda s, y: np.mean(s.argmax(axis=1) == y), lambda s, y: np.sum(s.argmax(1) == y),
         "NUMBER correct"),
        ("6.3", _confusion, lambda t, p: _confusion(t, p).T, "rows are the TRUE"),
        ("6.4", _shift_reference, lambda im, dy, dx: _shift_reference(im, -dy, -dx), "opposite way"),
        ("6.4", _shift_reference, lambda im, dy, dx: np.roll(im, (dy, dx), (0, 1)), "wraps"),
    ],
)
def test_exercise_checkers(exercise_id, good, bad, hint, capsys):
    assert check(exercise_id, good)
    result = check(exercise_id, bad)
    assert not result
    assert "Hint" in result.message and hint in result.message
    out = capsys.readouterr().out
    assert "[PASS]" in out and "[NOT YET]" in out


def test_checkers_catch_answers_that_modify_their_input():
    def in_place(X):
        X //= 2
        return X / 127.5

    assert not check("6.1", in_place)
