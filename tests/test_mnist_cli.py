"""Chapter 6 beyond the loader: the full-run CLI (course_lib.mnist), its augmentations, flags,
presets, divergence and Ctrl-C handling, the digit figures (course_lib.plotting.digits) and the
exercise checkers (course_lib.exercises.ch06). Training runs only on a few hundred synthetic images."""

from __future__ import annotations

import gzip
import hashlib
import io
import sys
from pathlib import Path

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
# random_affine (the augmentation of `--preset best`)
# --------------------------------------------------------------------------------------------
def test_random_affine_with_no_distortion_returns_the_images():
    X = np.random.default_rng(0).random((5, 784)).astype(np.float32)
    out = mnist.random_affine(X, np.random.default_rng(1), 0, 0, 0)
    assert out.dtype == np.float32 and out.shape == X.shape and out is not X
    np.testing.assert_allclose(out, X, atol=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_affine_matches_scipy_bilinear_interpolation(seed):
    from scipy import ndimage

    X = np.random.default_rng(seed).random((4, 784))
    rot, scale, shift = 30.0, 0.2, 3.0
    out = mnist.random_affine(X, np.random.default_rng(seed + 10), rot, scale, shift)
    draws = np.random.default_rng(seed + 10)  # the same draws, in the same order
    theta = np.deg2rad(draws.uniform(-rot, rot, 4))
    s_row, s_col = 1 + draws.uniform(-scale, scale, (2, 4))
    t = draws.uniform(-shift, shift, (2, 4))
    centre = np.full(2, 13.5)
    for i in range(4):
        c, s = np.cos(theta[i]), np.sin(theta[i])
        M = np.array([[c * s_row[i], -s * s_col[i]], [s * s_row[i], c * s_col[i]]])
        expected = ndimage.affine_transform(X[i].reshape(28, 28), M, offset=centre + t[:, i]
                                            - M @ centre, order=1, mode="grid-constant")
        np.testing.assert_allclose(out[i].reshape(28, 28), expected, atol=1e-9)


def test_random_affine_keeps_ink_and_varies_per_image():
    (X, _), _ = datasets.load_mnist("subset")
    X = datasets.normalize(X[:200])
    out = mnist.random_affine(X, np.random.default_rng(0))
    assert out.min() >= 0 and out.max() <= 1
    ratio = out.sum(axis=1) / X.sum(axis=1)  # ink changes with the size factor only (±10 %)
    assert np.all((ratio > 0.75) & (ratio < 1.3))
    assert len({np.round(r, 6) for r in ratio}) == 200


@pytest.mark.parametrize(
    "call, error, named",
    [
        (lambda X, rng: mnist.random_affine(X.astype(np.uint8), rng), TypeError, "X_batch"),
        (lambda X, rng: mnist.random_affine(X[:, :100], rng), ValueError, "X_batch"),
        (lambda X, rng: mnist.random_affine(X, 0), TypeError, "rng"),
        (lambda X, rng: mnist.random_affine(X, rng, max_rotation=-1), ValueError, "max_rotation"),
        (lambda X, rng: mnist.random_affine(X, rng, max_scale=0.6), ValueError, "max_scale"),
        (lambda X, rng: mnist.random_affine(X, rng, max_shift=np.nan), ValueError, "max_shift"),
        (lambda X, rng: mnist.random_affine(X, rng, max_shift="2"), TypeError, "max_shift"),
    ],
)
def test_random_affine_rejects_bad_input(call, error, named):
    with pytest.raises(error, match=rf"^{named} "):
        call(np.zeros((2, 784)), np.random.default_rng(0))


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
    assert "preset default: MLP 784-16-10" in out and "random shift ±1 px" in out
    assert "epoch 1/2" in out and "epoch 2/2" in out
    assert "test accuracy" in out and "training time" in out and "peak memory" in out


def test_main_reports_missing_data_clearly(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(datasets.ENV_VAR, raising=False)
    assert mnist.main(["--data-dir", str(tmp_path), "--no-download", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert "cannot load MNIST" in err and "COURSE_MNIST_DIR" in err and "subset" in err


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


SMALL = ["--no-download", "--epochs", "2", "--hidden", "16", "--batch-size", "32"]


@pytest.fixture
def small_mnist(tmp_path, monkeypatch):
    """Four small IDX files (256 training, 64 test images) the loader accepts as MNIST."""
    monkeypatch.setattr(datasets, "_FILES", idx_files(tmp_path, np.random.default_rng(1)))
    return ["--data-dir", str(tmp_path)]


def test_progress_bar_only_on_a_terminal_and_never_with_quiet(small_mnist, monkeypatch, capsys):
    assert mnist.main(small_mnist + SMALL) == 0  # stderr is not a terminal here
    captured = capsys.readouterr()
    assert "\r" not in captured.out + captured.err and "img/s" not in captured.err
    for flags, drawn in (([], True), (["--quiet"], False)):
        terminal = FakeTerminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        assert mnist.main(small_mnist + SMALL + flags) == 0
        assert ("img/s" in terminal.getvalue() and "epoch 1/2" in terminal.getvalue()) == drawn
    assert "\r" not in capsys.readouterr().out, "the summary lines stay clean"


BAD_FLAGS = [  # argv -> the flag the single error message must name
    (["--epochs", "0"], "--epochs"),
    (["--epochs", "1.5"], "--epochs"),
    (["--epochs", "many"], "--epochs"),
    (["--epochs", "1001"], "--epochs"),
    (["--hidden", "0"], "--hidden"),
    (["--hidden", "9000"], "--hidden"),
    (["--hidden", *["8"] * 9], "--hidden"),
    (["--batch-size", "0"], "--batch-size"),
    (["--batch-size", "100000"], "--batch-size"),
    (["--lr", "0"], "--lr"),
    (["--lr", "-1"], "--lr"),
    (["--lr", "inf"], "--lr"),
    (["--lr", "nan"], "--lr"),
    (["--lr", "fast"], "--lr"),
    (["--momentum", "1"], "--momentum"),
    (["--momentum", "-0.1"], "--momentum"),
    (["--momentum", "nan"], "--momentum"),
    (["--augment", "blur"], "--augment"),
    (["--shift", "5"], "--shift"),
    (["--shift", "-1"], "--shift"),
    (["--augment", "shift", "--shift", "1.5"], "--shift"),
    (["--rotate", "90"], "--rotate"),
    (["--rotate", "-inf"], "--rotate"),
    (["--scale", "0.9"], "--scale"),
    (["--scale", "0.1"], "--scale"),  # the default preset's augmentation is "shift"
    (["--preset", "best", "--augment", "none", "--rotate", "5"], "--rotate"),
    (["--seed", "-1"], "--seed"),
    (["--seed", str(2**32)], "--seed"),
    (["--seed", "1.5"], "--seed"),
    (["--dtype", "float16"], "--dtype"),
    (["--data-dir", ""], "--data-dir"),
    (["--data-dir", __file__], "--data-dir"),
    (["--preset", "fastest"], "--preset"),
]


@pytest.mark.parametrize("argv, flag", BAD_FLAGS, ids=[" ".join(a)[:40] for a, _ in BAD_FLAGS])
def test_bad_flags_are_refused_when_parsed_naming_the_flag(argv, flag, capsys):
    with pytest.raises(SystemExit) as info:
        mnist.parse_args(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and f"argument {flag}" in errors[0], err
    assert "inf]" not in errors[0]


def test_every_flag_has_a_bad_value_in_the_table():
    flags = {a.option_strings[-1] for a in mnist.build_parser()._actions if a.option_strings}
    checked = {flag for _, flag in BAD_FLAGS}
    no_value = {"--help", "--no-download", "--quiet"}  # switches: nothing to get wrong
    assert flags - no_value == checked


def test_batch_size_larger_than_the_training_set_is_refused(small_mnist, capsys):
    status = mnist.main(small_mnist + ["--no-download", "--batch-size", "300"])
    assert status == 2
    err = capsys.readouterr().err
    assert "argument --batch-size" in err and "256 training images" in err
    assert "Traceback" not in err


def test_divergence_is_reported_without_a_traceback(small_mnist, capsys):
    status = mnist.main(small_mnist + SMALL + ["--lr", "1e6", "--quiet"])
    assert status == 1
    err = capsys.readouterr().err
    for part in ("training diverged in epoch 1/2", "batch", "global step", "--lr 100000",
                 "smaller --lr: the presets use 0.1"):
        assert part in err, err
    assert "Traceback" not in err


def test_train_epoch_raises_diverged_on_non_finite_weights():
    rng = np.random.default_rng(0)
    X, y = separable_data(rng, 64)
    model = MLP([784, 8, 10], rng=rng, dtype=np.float32)
    model.params["0.W"][0, 0] = np.nan
    with pytest.raises(mnist.Diverged, match="NaN or inf") as info:
        mnist.train_epoch(model, SoftmaxCrossEntropy(), SGD(0.1), X, y, batch_size=16, rng=rng,
                          schedule=constant(0.1), step=7)
    assert info.value.step == 7 and info.value.batch == 1


@pytest.mark.parametrize("when", ["during training", "while loading", "while scaling"])
def test_ctrl_c_says_where_it_stopped_and_exits_130(small_mnist, monkeypatch, capsys, when):
    def ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    if when == "while loading":
        monkeypatch.setattr(mnist, "load_mnist", ctrl_c)
    elif when == "while scaling":
        monkeypatch.setattr(mnist, "normalize", ctrl_c)
    else:
        calls = []
        real_shift = mnist.random_shift

        def shift_then_ctrl_c(X_batch, rng, max_shift):
            calls.append(1)
            if len(calls) == 8 + 3:  # epoch 2 (8 batches each), batch 3
                raise KeyboardInterrupt
            return real_shift(X_batch, rng, max_shift)

        monkeypatch.setattr(mnist, "random_shift", shift_then_ctrl_c)
    status = mnist.main(small_mnist + SMALL + ["--quiet"])
    assert status == 130
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    if when == "while loading":
        assert "interrupted (Ctrl-C) while loading MNIST" in captured.err
    elif when == "while scaling":
        assert "interrupted (Ctrl-C) before training started" in captured.err
    else:
        assert "epoch 1/2" in captured.out  # the finished epoch was reported
        assert "interrupted (Ctrl-C) in epoch 2/2, batch 2 of 8 (global step 10)" in captured.err
        assert "the last finished epoch, 1, had test accuracy" in captured.err


ACCURACY_BAD = [  # (X, y, batch_size) -> error, the argument named
    (np.full((2, 784), np.nan), [0, 1], 10, ValueError, "X"),
    (np.zeros((2, 784)), [0.0, 1.0], 10, TypeError, "y"),
    (np.zeros((2, 784)), [0, 10], 10, ValueError, "y"),
    (np.zeros((2, 784)), [-1, 0], 10, ValueError, "y"),
    (np.zeros((2, 784)), [0, 1, 2], 10, ValueError, "y"),
    (np.zeros(784), [0], 10, ValueError, "X"),
    (np.array([["a"] * 784]), [0], 10, TypeError, "X"),
    (np.zeros((2, 784)), [0, 1], 0, ValueError, "batch_size"),
    (np.zeros((2, 784)), [0, 1], 2.5, TypeError, "batch_size"),
]


@pytest.mark.parametrize("X, y, batch_size, error, named", ACCURACY_BAD)
def test_accuracy_rejects_bad_input(X, y, batch_size, error, named):
    model = MLP([784, 4, 10], rng=np.random.default_rng(0))
    with pytest.raises(error, match=rf"^{named} "):
        mnist.accuracy(model, X, np.asarray(y), batch_size=batch_size)


def test_accuracy_reports_a_model_with_nan_weights():
    model = MLP([784, 4, 10], rng=np.random.default_rng(0))
    model.params["2.b"][:] = np.nan
    with pytest.raises(mnist.Diverged):
        mnist.accuracy(model, np.zeros((3, 784)), np.array([0, 1, 2]))


# --------------------------------------------------------------------------------------------
# the presets (issue 12.7): what the docs say, and a smoke run of `--preset best`
# --------------------------------------------------------------------------------------------
def test_presets_are_what_the_docs_say():
    assert mnist.PRESETS["default"] == dict(hidden=[256], epochs=20, batch_size=128, lr=0.1,
                                            momentum=0.9, augment="shift", shift=1.0,
                                            rotate=0.0, scale=0.0)
    assert mnist.PRESETS["best"] == dict(hidden=[1024], epochs=25, batch_size=128, lr=0.1,
                                         momentum=0.9, augment="affine", shift=2.0, rotate=10.0,
                                         scale=0.1)
    doc = " ".join(mnist.__doc__.split())
    for phrase in ("``MLP([784, 256, 10])``, 20 epochs", "``MLP([784, 1024, 10])``, 25 epochs",
                   "rotation up to ±10°, size ±10 %, shift up to ±2 px"):
        assert phrase in doc
    best = mnist.parse_args(["--preset", "best"])
    assert (best.hidden, best.epochs, best.augment, best.rotate) == ([1024], 25, "affine", 10.0)
    mixed = mnist.parse_args(["--preset", "best", "--epochs", "3", "--hidden", "64", "32"])
    assert (mixed.epochs, mixed.hidden, mixed.scale) == (3, [64, 32], 0.1)
    default = mnist.parse_args([])
    assert (default.preset, default.hidden, default.augment, default.shift) == (
        "default", [256], "shift", 1.0)
    assert mnist.PRESETS["best"]["hidden"] == [1024], "parse_args must not alias the preset lists"


def test_best_preset_code_path_runs_on_a_few_hundred_images(small_mnist, capsys):
    status = mnist.main(small_mnist + ["--no-download", "--preset", "best", "--epochs", "1",
                                       "--quiet"])
    assert status == 0
    out = capsys.readouterr().out
    assert "preset best: MLP 784-1024-10" in out
    assert "random affine: rotation ±10°, size ±10 %, shift ±2 px" in out
    assert "test accuracy" in out


def test_makefile_mnist_uses_all_cores_and_passes_the_preset():
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    recipe = makefile.split("\nmnist:", 1)[1].split("\n\n", 1)[0]
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        assert f"{variable}=$(MNIST_THREADS)" in recipe
    assert "--preset $(PRESET)" in recipe


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
