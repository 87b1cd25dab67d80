"""A custom, registered layer class: its code lives in the student's file, not in Keras."""

import keras


@keras.saving.register_keras_serializable(package="student")
class SneakyDense(keras.layers.Dense):
    def call(self, inputs):
        return super().call(inputs) * 0 + 1


def part3():
    return keras.Sequential([keras.Input((784,)), SneakyDense(10, activation="softmax")])
