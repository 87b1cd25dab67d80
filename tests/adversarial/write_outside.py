"""Tries to write outside its directory: a file beside the grader, and the grader's own package."""

from pathlib import Path

import keras

attempts = []
for target in ("__OUTSIDE__/planted.txt", "/tmp/planted-by-student.txt"):
    try:
        Path(target).write_text("student was here")
        attempts.append(f"{target}: written")
    except OSError as error:
        attempts.append(f"{target}: {error}")
try:
    import grader

    Path(grader.__file__).with_name("planted.py").write_text("x = 1")
    attempts.append("grader package: written")
except (ImportError, OSError) as error:
    attempts.append(f"grader package: {error}")

ANSWERS = {"part1_large": {"weights": "; ".join(attempts)}}


def part1_large():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")])
