"""
Title: Grading speed against a student's plain Keras run
Description: Trains the original notebook's six models the plain way (compile, fit with its
settings, evaluate), then grades the same six models end to end with `grade` (process start,
sandbox, checks, training, report; training cache off), and prints both wall times, their
ratio, each model's test accuracy both ways, the training FLOPs, the achieved GFLOP/s, the
machine's measured single-precision matrix-multiply peak, and the grading run's peak memory.

    python benchmarks/grading_speed.py [--epochs 10]

Targets (issue: grade fast): grade / plain <= 0.45, each test accuracy within 1 point of the
plain run, peak memory of the grading run <= 3 GB.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "reference"))

import notebook_experiment as notebook  # noqa: E402

TRAIN, VALIDATION, TEST = 54_000, 6_000, 10_000


def matmul_peak(n: int = 2048, repeats: int = 5) -> float:
    """Best of a few float32 n×n matrix products, in GFLOP/s: the physical limit here."""
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    b = np.random.default_rng(1).random((n, n), dtype=np.float32)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - started)
    return 2 * n**3 / best / 1e9


def training_flops(widths: list[int], epochs: int) -> float:
    """Dense multiply-adds: 6 per weight per training image, 2 per validation and test image."""
    sizes = [784, *widths, 10]
    weights = sum(a * b for a, b in itertools.pairwise(sizes))
    return weights * (6 * TRAIN * epochs + 2 * VALIDATION * epochs + 2 * TEST)


def plain_run(epochs: int) -> tuple[float, dict[str, float]]:
    data = notebook.prepare_data()
    started = time.perf_counter()
    accuracies = {
        name: notebook.run(name, widths, data, epochs)["test_accuracy"]
        for name, widths in notebook.MODELS.items()
    }
    return time.perf_counter() - started, accuracies


def grading_run(epochs: int) -> tuple[float, dict[str, float], float]:
    with tempfile.TemporaryDirectory() as folder:
        submission = Path(folder) / "notebook.py"
        source = (REPO / "reference" / "notebook_submission.py").read_text()
        fit = {name: {"epochs": epochs} for name in notebook.MODELS}
        submission.write_text(source + f"\nFIT = {fit!r}\n")
        output = Path(folder) / "result.json"
        command = ["grade", str(submission), "--no-cache", "--json", str(output)]
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        seconds = time.perf_counter() - started
        result = json.loads(output.read_text())
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    accuracies = {part["id"]: part["metrics"]["test_accuracy"] for part in result["parts"]}
    return seconds, accuracies, peak_gb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=notebook.EPOCHS)
    args = parser.parse_args()
    peak = matmul_peak()
    plain_seconds, plain_accuracy = plain_run(args.epochs)
    grade_seconds, grade_accuracy, peak_gb = grading_run(args.epochs)
    flops = sum(training_flops(widths, args.epochs) for widths in notebook.MODELS.values())
    print(f"{'model':<14}{'plain test acc':>16}{'grade test acc':>16}{'gap (points)':>14}")
    for name in notebook.MODELS:
        gap = abs(plain_accuracy[name] - grade_accuracy[name]) * 100
        print(f"{name:<14}{plain_accuracy[name]:>16.4f}{grade_accuracy[name]:>16.4f}{gap:>14.2f}")
    ratio = grade_seconds / plain_seconds
    print(f"\nplain Keras, six models: {plain_seconds:.1f} s wall")
    print(f"grade, end to end:       {grade_seconds:.1f} s wall")
    print(f"ratio grade / plain:     {ratio:.2f} (target <= 0.45)")
    print(f"training FLOPs:          {flops / 1e12:.3f} TFLOP")
    print(
        f"achieved:                plain {flops / plain_seconds / 1e9:.1f} GFLOP/s, grade {flops / grade_seconds / 1e9:.1f} GFLOP/s"
    )
    print(f"float32 matmul peak:     {peak:.1f} GFLOP/s (numpy 2048x2048, best of 5)")
    print(f"grading run peak memory: {peak_gb:.2f} GB (largest process; target <= 3 GB)")


if __name__ == "__main__":
    main()
