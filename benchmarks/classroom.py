"""How many learners does this machine serve? A classroom load test on a real local JupyterHub.

Usage (what ``make classroom`` runs)::

    .venv/bin/python benchmarks/classroom.py [--sizes 1,2,4,6,8] [--json build/classroom.json]

For each class size N a fresh hub starts on 127.0.0.1; N learners log in at once, get their own
server, pull the student copies with nbgitpuller (from a local git repository) and run chapter 1,
then chapter 6, through their own kernels — all N at the same time. Printed per class size: the
time to a ready server (login → server answering), the time to run each chapter (slowest and
median learner), and the peak resident memory of one learner's server and kernels (largest
learner). The capacity is the largest N whose slowest chapter-6 run stays within 2× the time of a
learner alone (N = 1, measured in the same run), and the memory that N needs.

The student copies stop at their unfinished exercises (NotImplementedError); everything before
them — the whole chapter — runs. Nothing here goes beyond loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hub"))  # hub/ is a folder of scripts, not a package

import harness  # noqa: E402
import student_repo  # noqa: E402

CHAPTERS = ("01_loss_functions.ipynb", "06_mnist.ipynb")


def one_learner(learner: harness.Learner, repo: str) -> dict:
    t0 = time.perf_counter()
    learner.login()
    learner.start_server()
    ready = time.perf_counter() - t0
    learner.pull(repo)
    row = {"learner": learner.name, "ready_s": ready}
    for nb in CHAPTERS:
        run = learner.run_notebook(f"{student_repo.TARGET}/{nb}")
        row[f"{nb[:2]}_s"] = run.seconds
    row["server_mb"] = harness.peak_rss_mb(learner.server_process().pid)
    row["kernels_mb"] = sum(harness.peak_rss_mb(k.pid) for k in learner.kernel_processes())
    return row


def one_class(size: int, repo: Path, base: Path) -> list[dict]:
    hub = harness.Hub(base / f"hub-{size}")
    hub.start()
    try:
        learners = [harness.Learner(hub, f"learner{i:02d}") for i in range(size)]
        with ThreadPoolExecutor(size) as pool:
            return list(pool.map(lambda l: one_learner(l, repo.as_uri()), learners))
    finally:
        hub.shutdown()


def summarise(size: int, rows: list[dict]) -> dict:
    col = lambda key: [r[key] for r in rows]  # noqa: E731
    return {"learners": size, "ready_max_s": max(col("ready_s")), "ch01_med_s": statistics.median(col("01_s")),
            "ch01_max_s": max(col("01_s")), "ch06_med_s": statistics.median(col("06_s")),
            "ch06_max_s": max(col("06_s")), "server_mb": max(col("server_mb")), "kernels_mb": max(col("kernels_mb"))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,2,3,4,6,8", help="class sizes to try, comma-separated")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    args = parser.parse_args(argv)
    if harness.proxy_command() is None:
        print("configurable-http-proxy is missing: run `make hub-proxy`.", file=sys.stderr)
        return 1
    sizes = sorted({int(s) for s in args.sizes.split(",")} | {1})
    print(f"Classroom load test on {os.cpu_count()} cores; chapters {', '.join(CHAPTERS)}.", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="classroom-") as tmp:
        base = Path(tmp)
        repo = base / "student-repo"
        student_repo.update_repo(repo)
        header = f"{'N':>3} {'ready max s':>12} {'ch1 med/max s':>14} {'ch6 med/max s':>14} {'server MB':>10} {'kernels MB':>11}"
        print(header)
        for size in sizes:
            rows = one_class(size, repo, base)
            s = summarise(size, rows)
            s["rows"] = rows
            results.append(s)
            print(f"{size:>3} {s['ready_max_s']:>12.1f} {s['ch01_med_s']:>6.1f}/{s['ch01_max_s']:<7.1f}"
                  f" {s['ch06_med_s']:>6.1f}/{s['ch06_max_s']:<7.1f} {s['server_mb']:>10.0f} {s['kernels_mb']:>11.0f}",
                  flush=True)
    alone = results[0]["ch06_max_s"]
    fits = [r for r in results if r["ch06_max_s"] <= 2 * alone]
    best = max(fits, key=lambda r: r["learners"])
    per_learner_mb = max(r["server_mb"] + r["kernels_mb"] for r in results)
    print(f"\nAlone, chapter 6 runs in {alone:.1f} s. Largest class with every chapter-6 run within 2x: "
          f"{best['learners']} learners ({best['ch06_max_s']:.1f} s slowest) = "
          f"{best['learners'] / os.cpu_count():.1f} learners per core.")
    total_mb = harness.psutil.virtual_memory().total / 1e6
    by_memory = int(total_mb // per_learner_mb)
    limit = "CPU" if best["learners"] <= by_memory else "memory"
    print(f"Memory: at most {per_learner_mb:.0f} MB per learner (server + two kernels) = "
          f"{1000 / per_learner_mb:.1f} learners per GB; the {total_mb / 1000:.0f} GB here would hold "
          f"{by_memory} learners, so {limit} sets the limit.")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
