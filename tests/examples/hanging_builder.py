"""One builder that never returns; the rest of the class must still be graded."""

import keras


def part1_large():
    while True:
        pass


def part1_small():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(60), keras.layers.Dense(10)])
