"""MNIST multi-layer perceptrons: copy this file, fill in each builder, then run

    grade --no-train yourname.py     # seconds: structure, parameter counts, answers
    grade yourname.py                # minutes: the grader also trains every model

Each builder takes no arguments and returns a keras.Model, compiled or not. An uncompiled model
is compiled with SGD and categorical cross-entropy. The grader feeds raw 0-255 pixels as float32,
flattened to 784 values unless your model's input is (28, 28) or (28, 28, 1); scale them inside
the model if you want (e.g. keras.layers.Rescaling(1 / 255)). Labels are one-hot, or integers
when your loss is sparse_categorical_crossentropy.

A hidden layer is every layer with units (Dense) except the last one.

Working in Jupyter instead? Submit the notebook as it is (`grade yourname.ipynb`): the grader
runs it, records each compiled model and its fit, and matches the models to the parts; end the
line that creates a model with `# grade: part1_large` to pin it (see the README).
"""

import keras
from keras import layers

# Optional: training settings per part (defaults: epochs 10, batch_size 128,
# validation_split 0.1; epochs may be 1 to 100).
FIT = {
    # "part3": {"epochs": 5, "batch_size": 64},
}

# The written questions of part 1: how many weights and biases each model has.
ANSWERS = {
    "part1_large": {"weights": None, "biases": None, "total": None},
    "part1_small": {"weights": None, "biases": None, "total": None},
}


def part1_large():
    """Exactly one hidden layer, at least 300,000 trainable parameters."""
    raise NotImplementedError("build your model here")


def part1_small():
    """Exactly one hidden layer, fewer than 50,000 trainable parameters."""
    raise NotImplementedError("build your model here")


def part2_narrow():
    """At least 10 hidden layers, each with fewer than 10 units."""
    raise NotImplementedError("build your model here")


def part2_medium():
    """At least 10 hidden layers, each with 10 to 50 units."""
    raise NotImplementedError("build your model here")


def part2_wide():
    """At least 10 hidden layers, each with 50 to 100 units."""
    raise NotImplementedError("build your model here")


def part3():
    """At least 3 hidden layers, above 92% validation and test accuracy."""
    model = keras.Sequential([keras.Input((784,)), layers.Dense(10, activation="softmax")])
    raise NotImplementedError("build your model here")
    return model
