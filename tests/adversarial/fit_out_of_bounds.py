"""Asks for training settings outside the assignment's bounds."""

import keras

FIT = {"part1_large": {"epochs": 1000}, "part3": {"batch_size": 10**7}}


def _model():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")])


def part1_large():
    return _model()


def part3():
    return _model()
