"""Alice's MNIST homework: six multi-layer perceptrons and the part 1 answers."""

import keras
from keras import layers

FIT = {
    "part2_narrow": {"epochs": 2},
    "part2_medium": {"epochs": 2},
    "part2_wide": {"epochs": 2},
    "part3": {"epochs": 3, "batch_size": 128},
}

ANSWERS = {
    # 784*400 + 400*10 weights, 400 + 10 biases
    "part1_large": {"weights": 317_600, "biases": 410, "total": 318_010},
    # 784*60 + 60*10 weights, 60 + 10 biases
    "part1_small": {"weights": 47_640, "biases": 70, "total": 47_710},
}


def part1_large():
    return keras.Sequential(
        [
            keras.Input((784,)),
            layers.Dense(400, activation="sigmoid"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def part1_small():
    return keras.Sequential(
        [
            keras.Input((784,)),
            layers.Dense(60, activation="sigmoid"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def _deep(width):
    model = keras.Sequential([keras.Input((784,)), layers.Rescaling(1 / 255)])
    for _ in range(10):
        model.add(layers.Dense(width, activation="relu"))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def part2_narrow():
    return _deep(9)


def part2_medium():
    return _deep(32)


def part2_wide():
    return _deep(64)


def part3():
    model = keras.Sequential(
        [
            keras.Input((28, 28)),
            layers.Flatten(),
            layers.Rescaling(1 / 255),
            layers.Dense(256, activation="relu"),
            layers.Dense(128, activation="relu"),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
