"""Bob's MNIST homework, with the mistakes students really make."""

from tensorflow import keras
from tensorflow.keras.layers import Dense

FIT = {
    "part1_large": {"epochs": 2},
    "part1_small": {"epochs": 2},
    "part2_narrow": {"epochs": 1},
    "part2_medium": {"epochs": 1},
    "part2_wide": {"epochs": 1},
    "part3": {"epochs": 1},
}

ANSWERS = {
    # Right weights, but the total adds the output layer's biases twice: 318,610.
    "part1_large": {"weights": 317_600, "biases": 410, "total": 318_610},
    "part1_small": {"weights": 47_640, "biases": 70, "total": 47_710},
}


def part1_large():
    model = keras.Sequential()
    model.add(Dense(400, activation="sigmoid", input_shape=(784,)))
    model.add(Dense(10, activation="softmax"))
    return model


def part1_small():
    model = keras.Sequential()
    model.add(Dense(60, activation="sigmoid", input_shape=(784,)))
    model.add(Dense(10, activation="softmax"))
    return model


def part2_narrow():
    # Nine hidden layers: one short of the ten the part asks for.
    model = keras.Sequential()
    model.add(Dense(9, activation="sigmoid", input_shape=(784,)))
    for _ in range(8):
        model.add(Dense(9, activation="sigmoid"))
    model.add(Dense(10, activation="softmax"))
    return model


def part2_medium():
    # The last hidden layer is 51 units wide: outside the 10-50 band by one.
    model = keras.Sequential()
    model.add(Dense(50, activation="sigmoid", input_shape=(784,)))
    for _ in range(8):
        model.add(Dense(50, activation="sigmoid"))
    model.add(Dense(51, activation="sigmoid"))
    model.add(Dense(10, activation="softmax"))
    return model


def part2_wide():
    model = keras.Sequential()
    model.add(Dense(100, activation="sigmoid", input_shape=(784,)))
    for _ in range(9):
        model.add(Dense(100, activation="sigmoid"))
    model.add(Dense(10, activation="softmax"))
    return model


def part3():
    # Deep sigmoid layers on raw pixels with plain SGD for one epoch: stays well under 92%.
    model = keras.Sequential()
    model.add(Dense(32, activation="sigmoid", input_shape=(784,)))
    model.add(Dense(32, activation="sigmoid"))
    model.add(Dense(32, activation="sigmoid"))
    model.add(Dense(10, activation="softmax"))
    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
