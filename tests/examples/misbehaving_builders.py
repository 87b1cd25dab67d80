"""One submission whose builders fail in every way a builder can; the good one must survive."""

import os
import time

import keras

FIT = {"part2_wide": {"epochs": 1}}


def part1_large():
    values = [1, 2, 3]
    return values[10]  # IndexError on this line


def part1_small():
    return 42


def part2_narrow():
    while True:
        time.sleep(0.1)


def part2_medium():
    os._exit(3)


def part2_wide():
    model = keras.Sequential([keras.Input((784,))])
    for _ in range(10):
        model.add(keras.layers.Dense(60, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    return model


# part3 is missing on purpose.
