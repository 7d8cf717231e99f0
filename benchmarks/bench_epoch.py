"""Benchmark (Chapter 6): one training epoch, course_lib vs scikit-learn vs PyTorch vs the BLAS bound.

Same machine, same data (60,000 × 784 float32: the real MNIST training set when a directory with
it is known — ``COURSE_MNIST_DIR`` or ``--data-dir`` — else random numbers of that shape), same
network 784-256-10 ReLU with softmax cross-entropy, mini-batches of 128, SGD with momentum 0.9:

* ``course_lib fit``  — :func:`course_lib.training.fit`, what the chapters use;
* ``course_lib loop`` — the four steps written out (:func:`course_lib.mnist.train_epoch`);
* ``NumPy by hand``   — the same epoch as one flat NumPy loop, no classes and no checks: the floor
  for NumPy, so ``course_lib`` minus it is the price of the library's structure and validation;
* ``scikit-learn``    — ``MLPClassifier(solver='sgd', hidden_layer_sizes=(256,), batch_size=128,
  max_iter=1)`` on float32 input (it then computes in float32);
* ``PyTorch``         — ``nn.Sequential`` on the CPU, when torch is importable (else skipped);
* ``BLAS bound``      — only the epoch's two large matrix products per batch, ``X_b @ W1`` and
  ``X_bᵀ @ δ1`` (each 128×784×256 multiply-adds), on pre-made batches: no framework can beat it.

Each contender runs ``--repeats`` times, interleaved (so a busy neighbour slows all alike); the
table gives the median, min and max seconds and the ratio of the median to the bound's median.
Run it with ``make bench`` (one BLAS thread, like the Makefile) or
``OPENBLAS_NUM_THREADS=2 python benchmarks/bench_epoch.py`` to try two.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
import warnings

import numpy as np

from course_lib.datasets import load_mnist, normalize
from course_lib.layers import SoftmaxCrossEntropy
from course_lib.mnist import train_epoch
from course_lib.network import MLP
from course_lib.optim import SGD
from course_lib.schedules import constant
from course_lib.training import fit

N, D, H, C, BATCH = 60_000, 784, 256, 10, 128
LR, MOMENTUM = 0.01, 0.9


def load_data(data_dir, seed: int):
    """The real training set as float32 in [0, 1], or random data of the same shape."""
    data_dir = data_dir or os.environ.get("COURSE_MNIST_DIR")
    if data_dir:
        try:
            (X, y), _ = load_mnist("full", data_dir=data_dir, download=False)
            return normalize(X, np.float32), y, f"real MNIST from {data_dir}"
        except (OSError, ValueError) as err:
            print(f"(could not read MNIST from {data_dir}: {err.__class__.__name__}; "
                  "using random data)", file=sys.stderr)
    rng = np.random.default_rng(seed)
    X = rng.random((N, D), dtype=np.float32)
    y = rng.integers(0, C, size=N)
    return X, y, "random data (no MNIST directory)"


def run_course_lib_fit(X, y, seed):
    rng = np.random.default_rng(seed)
    model = MLP([D, H, C], rng=rng, dtype=np.float32)
    start = time.perf_counter()
    fit(model, SoftmaxCrossEntropy(), SGD(LR, momentum=MOMENTUM), X, y, epochs=1,
        batch_size=BATCH, rng=rng, progress=False)
    return time.perf_counter() - start


def run_course_lib_loop(X, y, seed):
    rng = np.random.default_rng(seed)
    model = MLP([D, H, C], rng=rng, dtype=np.float32)
    start = time.perf_counter()
    train_epoch(model, SoftmaxCrossEntropy(), SGD(LR, momentum=MOMENTUM), X, y,
                batch_size=BATCH, rng=rng, schedule=constant(LR), step=0, max_shift=0)
    return time.perf_counter() - start


def run_numpy_by_hand(X, y, seed):
    """The same epoch (same weights, shuffle, loss and update rule) in plain NumPy, unchecked."""
    rng = np.random.default_rng(seed)
    net = MLP([D, H, C], rng=rng, dtype=np.float32)
    W1, b1, W2, b2 = (p.copy() for p in net.params.values())
    params = [W1, b1, W2, b2]
    velocity = [np.zeros_like(p) for p in params]
    scratch = [np.zeros_like(p) for p in params]
    start = time.perf_counter()
    order, total_loss = rng.permutation(len(X)), 0.0
    for i in range(0, len(X), BATCH):
        idx = order[i : i + BATCH]
        Xb, yb, rows = X[idx], y[idx], np.arange(len(idx))
        a = Xb @ W1 + b1
        h = np.maximum(a, 0)
        z = h @ W2 + b2
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        norm = e.sum(axis=1, keepdims=True)
        total_loss += float(np.mean(np.log(norm[:, 0]) - shifted[rows, yb])) * len(idx)
        p = e / norm                                     # softmax
        p[rows, yb] -= 1
        p /= len(idx)                                    # δ2 = dL/dz
        dh = (p @ W2.T) * (a > 0)                        # δ1
        grads = [Xb.T @ dh, dh.sum(axis=0), h.T @ p, p.sum(axis=0)]
        for w, v, s, g in zip(params, velocity, scratch, grads):
            np.multiply(g, LR, out=s)
            v *= MOMENTUM
            v -= s
            w += v
    return time.perf_counter() - start


def run_sklearn(X, y, seed):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=(H,), solver="sgd", batch_size=BATCH, max_iter=1,
                        learning_rate_init=LR, momentum=MOMENTUM, nesterovs_momentum=False,
                        alpha=0.0, shuffle=True, random_state=seed)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    return time.perf_counter() - start


def torch_runner(threads: int):
    """The PyTorch contender, or ``None`` when torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)

    def run(X, y, seed):
        torch.manual_seed(seed)
        model = torch.nn.Sequential(torch.nn.Linear(D, H), torch.nn.ReLU(), torch.nn.Linear(H, C))
        opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
        loss_fn = torch.nn.CrossEntropyLoss()
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
        start = time.perf_counter()
        order = torch.randperm(len(Xt))
        for i in range(0, len(Xt), BATCH):
            idx = order[i : i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        return time.perf_counter() - start

    return run


def run_bound(X, y, seed):
    """Only the two large products of every batch, into preallocated arrays."""
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((D, H)).astype(np.float32)
    delta = rng.standard_normal((BATCH, H)).astype(np.float32)
    out = np.empty((BATCH, H), np.float32)
    dW1 = np.empty((D, H), np.float32)
    batches = [X[i : i + BATCH] for i in range(0, len(X), BATCH)]
    start = time.perf_counter()
    for Xb in batches:
        np.matmul(Xb, W1, out=out[: len(Xb)])          # forward:  X_b @ W1
        np.matmul(Xb.T, delta[: len(Xb)], out=dW1)     # backward: X_bᵀ @ δ1
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each contender (median)")
    parser.add_argument("--data-dir", default=None, help="MNIST directory (default $COURSE_MNIST_DIR)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    threads = int(os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or 0)
    X, y, source = load_data(args.data_dir, args.seed)
    contenders = {
        "BLAS bound": run_bound,
        "course_lib fit": run_course_lib_fit,
        "course_lib loop": run_course_lib_loop,
        "NumPy by hand": run_numpy_by_hand,
        "scikit-learn": run_sklearn,
    }
    torch_run = torch_runner(threads or os.cpu_count() or 1)
    if torch_run is not None:
        contenders["PyTorch"] = torch_run
    steps = math.ceil(N / BATCH)
    print(f"one epoch: {N:,} × {D} float32 ({source}), {D}-{H}-{C} ReLU, batch {BATCH} "
          f"({steps} steps), SGD momentum {MOMENTUM}")
    print(f"BLAS threads: {threads or 'library default'}; {args.repeats} runs each, interleaved"
          + ("" if torch_run else "; PyTorch not installed: skipped"))

    for run in contenders.values():  # warm-up: imports, page faults, BLAS buffers
        run(X[: 20 * BATCH], y[: 20 * BATCH], args.seed)
    times = {name: [] for name in contenders}
    for r in range(args.repeats):
        for name, run in contenders.items():
            times[name].append(run(X, y, args.seed + r))

    bound = statistics.median(times["BLAS bound"])
    print(f"\n{'':16}{'median s':>10}{'min s':>8}{'max s':>8}{'× bound':>9}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:16}{med:10.3f}{min(ts):8.3f}{max(ts):8.3f}{med / bound:9.2f}")

    ours = statistics.median(times["course_lib fit"])
    peers = {k: statistics.median(v) for k, v in times.items() if k in ("scikit-learn", "PyTorch")}
    print(f"\ntarget course_lib fit ≤ 1.15 × bound: {'met' if ours <= 1.15 * bound else 'NOT met'} "
          f"({ours / bound:.2f}×)")
    for name, t in peers.items():
        print(f"course_lib fit vs {name}: {t / ours:.2f}× {'faster' if ours < t else 'SLOWER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
