"""The original notebook's six models, written as a submission.

Sigmoid hidden layers, no compile (so the grader's defaults apply: SGD and categorical
cross-entropy, as in the notebook), raw pixels, the notebook's 10 epochs. Grading it shows what
the original experiment earns, with training curves and, for the part 2 models that stay at
chance, the vanishing-gradient diagnosis:

    grade reference/notebook_submission.py
"""

import keras
from keras import layers

ANSWERS = {
    "part1_large": {"weights": 784 * 400 + 400 * 10, "biases": 400 + 10, "total": 318_010},
    "part1_small": {"weights": 784 * 60 + 60 * 10, "biases": 60 + 10, "total": 47_710},
    "part2": {
        "hypothesis": "Ten stacked sigmoid layers trained with SGD on raw pixels stay at chance: "
        "the gradient shrinks at every sigmoid on its way back to the first layers."
    },
}


def _sigmoid_mlp(widths: list[int]) -> keras.Model:
    model = keras.Sequential([keras.Input((784,))])
    for width in widths:
        model.add(layers.Dense(width, activation="sigmoid"))
    model.add(layers.Dense(10, activation="softmax"))
    return model


def part1_large():
    return _sigmoid_mlp([400])


def part1_small():
    return _sigmoid_mlp([60])


def part2_narrow():
    return _sigmoid_mlp([9] * 10)


def part2_medium():
    return _sigmoid_mlp([30] * 10)


def part2_wide():
    return _sigmoid_mlp([75] * 10)


def part3():
    return _sigmoid_mlp([2048, 1024, 512])
