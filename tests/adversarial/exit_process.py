"""A builder that ends its interpreter without a word."""

import os

import keras


def part1_large():
    os._exit(0)


def part3():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")])
