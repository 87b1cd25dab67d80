"""A builder that prints far more than anyone will read."""

import sys

import keras

LINE = "x" * 1023 + "\n"


def part1_large():
    for _ in range(64 * 1024):  # 64 MB
        sys.stdout.write(LINE)
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])


def part3():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")])
