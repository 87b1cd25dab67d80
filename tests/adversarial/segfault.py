"""A builder that crashes the interpreter."""

import ctypes

import keras


def part1_large():
    return ctypes.string_at(0)


def part3():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")])
