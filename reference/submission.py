"""
Title: Reference solution to the MNIST multi-layer perceptron assignment
Description: Six Keras models that meet every constraint of the default assignment, with the
answers to the written questions. Grading this file gives full marks:

    grade reference/submission.py

The models train quickly: inputs are rescaled inside each model, hidden layers use ReLU, and
Adam replaces plain SGD where accuracy matters. Part 1 and part 2 only report accuracy, so they
train for a few epochs.
"""

import keras
from keras import layers

## Constants

NUM_CLASSES = 10
INPUT_SHAPE = (784,)  # the grader feeds flattened raw pixels (0-255) unless told otherwise
LARGE_WIDTH = 400  # 784*400 + 400*10 = 317,600 weights, 400 + 10 = 410 biases
SMALL_WIDTH = 60  # 784*60 + 60*10 = 47,640 weights, 60 + 10 = 70 biases
DEEP_LAYERS = 10

## Training settings the grader uses (within the assignment's bounds)

FIT = {
    "part1_large": {"epochs": 3},
    "part1_small": {"epochs": 3},
    "part2_narrow": {"epochs": 2},
    "part2_medium": {"epochs": 2},
    "part2_wide": {"epochs": 2},
    "part3": {"epochs": 3, "batch_size": 128},
}

## Answers to the written questions of part 1


def _counts(width: int) -> dict[str, int]:
    weights = INPUT_SHAPE[0] * width + width * NUM_CLASSES
    biases = width + NUM_CLASSES
    return {"weights": weights, "biases": biases, "total": weights + biases}


ANSWERS = {"part1_large": _counts(LARGE_WIDTH), "part1_small": _counts(SMALL_WIDTH)}

## Part 1: one hidden layer


def _one_hidden_layer(width: int) -> keras.Model:
    return keras.Sequential(
        [
            keras.Input(INPUT_SHAPE),
            layers.Rescaling(1 / 255),
            layers.Dense(width, activation="relu"),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ]
    )


def part1_large() -> keras.Model:
    return _one_hidden_layer(LARGE_WIDTH)


def part1_small() -> keras.Model:
    return _one_hidden_layer(SMALL_WIDTH)


## Part 2: ten hidden layers in three width bands


def _deep(width: int) -> keras.Model:
    model = keras.Sequential([keras.Input(INPUT_SHAPE), layers.Rescaling(1 / 255)])
    for _ in range(DEEP_LAYERS):
        model.add(layers.Dense(width, activation="relu"))
    model.add(layers.Dense(NUM_CLASSES, activation="softmax"))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def part2_narrow() -> keras.Model:
    return _deep(9)


def part2_medium() -> keras.Model:
    return _deep(30)


def part2_wide() -> keras.Model:
    return _deep(75)


## Part 3: at least three hidden layers above 92% validation and test accuracy


def part3() -> keras.Model:
    model = keras.Sequential(
        [
            keras.Input(INPUT_SHAPE),
            layers.Rescaling(1 / 255),
            layers.Dense(256, activation="relu"),
            layers.Dense(128, activation="relu"),
            layers.Dense(64, activation="relu"),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
