"""Importing Keras once, quietly: TensorFlow prints C++ start-up notices to stderr on import."""

from __future__ import annotations

import contextlib
import os
import sys
from types import ModuleType


def load_keras() -> ModuleType:
    """The keras module (TensorFlow backend, CPU), imported with its start-up notices muted."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with _stderr_muted():
        import keras
        import tensorflow as tf

    # Retracing notices speak to Keras developers, not to students or instructors.
    tf.get_logger().setLevel("ERROR")
    return keras


@contextlib.contextmanager
def _stderr_muted():
    """Point file descriptor 2 at /dev/null, since the notices bypass Python's sys.stderr."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
