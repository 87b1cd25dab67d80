"""The grader's own parameter count, with real Keras's count_params as the oracle."""

import numpy as np
import pytest

from grader.errors import ModelRejected
from grader.model.recount import recount
from tests.conftest import config_of


def keras_counts(model):
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    return model.count_params(), trainable


def assert_matches_keras(model, default_input=(784,)):
    counted = recount(config_of(model), default_input)
    assert (counted.params.total, counted.params.trainable) == keras_counts(model)
    return counted


def test_dense_weights_and_biases(keras):
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input((784,)),
            layers.Dense(400, activation="sigmoid"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    counted = assert_matches_keras(model)
    assert counted.params.weights == 784 * 400 + 400 * 10 == 317_600
    assert counted.params.biases == 410
    assert counted.hidden_units == [400]
    assert [layer.activation for layer in counted.layers] == ["sigmoid", "softmax"]


def test_use_bias_false_has_no_biases(keras):
    layers = keras.layers
    model = keras.Sequential(
        [keras.Input((784,)), layers.Dense(32, use_bias=False), layers.Dense(10)]
    )
    counted = assert_matches_keras(model)
    assert counted.params.biases == 10
    assert counted.layers[0].biases == 0


def test_batch_normalization_splits_trainable_and_moving_statistics(keras):
    layers = keras.layers
    model = keras.Sequential(
        [keras.Input((784,)), layers.Dense(64), layers.BatchNormalization(), layers.Dense(10)]
    )
    counted = assert_matches_keras(model)
    bn = counted.layers[1]
    assert (bn.other_trainable, bn.non_trainable) == (128, 128)
    assert counted.params.non_trainable == 128
    assert counted.hidden_units == [64]


def test_batch_normalization_without_scale(keras):
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input((784,)),
            layers.Dense(16),
            layers.BatchNormalization(scale=False),
            layers.Dense(10),
        ]
    )
    assert assert_matches_keras(model).layers[1].other_trainable == 16


def test_dropout_flatten_activation_and_rescaling_have_no_parameters(keras):
    layers = keras.layers
    model = keras.Sequential([
        keras.Input((28, 28)), layers.Flatten(), layers.Rescaling(1 / 255), layers.Dense(50),
        layers.Activation("relu"), layers.Dropout(0.5), layers.Dense(10),
    ])  # fmt: skip
    counted = assert_matches_keras(model)
    assert counted.hidden_units == [50]
    assert [layer.total_params for layer in counted.layers] == [0, 0, 784 * 50 + 50, 0, 0, 510]
    assert counted.layers[3].activation == "relu"


def test_dense_on_unflattened_28x28_input_uses_the_last_axis(keras):
    layers = keras.layers
    model = keras.Sequential(
        [keras.Input((28, 28)), layers.Dense(16), layers.Flatten(), layers.Dense(10)]
    )
    counted = assert_matches_keras(model)
    assert counted.layers[0].weights == 28 * 16
    assert counted.layers[2].weights == 28 * 16 * 10


def test_functional_model_with_a_branch(keras):
    layers = keras.layers
    inputs = keras.Input((28, 28, 1))
    x = layers.Flatten()(inputs)
    a = layers.Dense(30, activation="relu")(x)
    b = layers.Dense(20, activation="tanh")(x)
    merged = layers.Concatenate()([a, b])
    outputs = layers.Dense(10, activation="softmax")(layers.LayerNormalization()(merged))
    counted = assert_matches_keras(keras.Model(inputs, outputs))
    assert counted.input_shape == [28, 28, 1]
    assert counted.hidden_units == [30, 20]
    assert counted.params.other_trainable == 100  # LayerNormalization over 50 features


def test_sequential_without_input_uses_the_default_input(keras):
    layers = keras.layers
    model = keras.Sequential([layers.Dense(8), layers.Dense(10)])
    counted = recount(config_of(model), (784,))
    model.build((None, 784))
    assert (counted.params.total, counted.params.trainable) == keras_counts(model)


def test_frozen_layer_counts_as_non_trainable(keras):
    layers = keras.layers
    model = keras.Sequential(
        [keras.Input((784,)), layers.Dense(20, trainable=False), layers.Dense(10)]
    )
    counted = assert_matches_keras(model)
    assert counted.params.weights == 784 * 20 + 200
    assert counted.params.non_trainable == 784 * 20 + 20


@pytest.mark.parametrize("layer_name", ["Conv2D", "Embedding"])
def test_layers_outside_the_rules_are_rejected(keras, layer_name):
    layers = keras.layers
    extra = layers.Conv2D(2, 3) if layer_name == "Conv2D" else layers.Embedding(10, 4)
    shape = (28, 28, 1) if layer_name == "Conv2D" else (784,)
    model = keras.Sequential([keras.Input(shape), extra, layers.Flatten(), layers.Dense(10)])
    with pytest.raises(ModelRejected, match=f"layer type {layer_name} is not supported"):
        recount(config_of(model), (784,))
