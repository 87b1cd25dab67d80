"""Patches Keras in its own process to report perfect figures; the grader must not believe it."""

import keras

keras.Model.count_params = lambda self: 300_000
keras.Model.evaluate = lambda self, *args, **kwargs: [0.0, 1.0]
keras.Model.fit = lambda self, *args, **kwargs: None

FIT = {"part3": {"epochs": 1}}
ANSWERS = {"part1_large": {"weights": 300_000, "biases": 0, "total": 300_000}}


def part1_large():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(8), keras.layers.Dense(10)])


def part3():
    model = keras.Sequential([keras.Input((784,))])
    for _ in range(3):
        model.add(keras.layers.Dense(4, activation="sigmoid"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    return model
