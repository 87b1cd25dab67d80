"""Models too large to build: a billion units, and 250 layers."""

import keras


def part1_large():
    return keras.Sequential([keras.layers.Dense(10**9), keras.layers.Dense(10)])


def part3():
    model = keras.Sequential([keras.Input((784,))])
    for _ in range(250):
        model.add(keras.layers.Dense(1))
    model.add(keras.layers.Dense(10))
    return model
