"""A builder that never returns."""

import keras


def part1_large():
    while True:
        pass


def part3():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")])
