"""A builder that allocates memory without end."""

import keras


def part1_large():
    hoard = []
    while True:
        hoard.append(bytearray(256 * 1024 * 1024))


def part3():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")])
