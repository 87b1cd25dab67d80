"""The allowlist on configs from the student's process: what it refuses, and why it says so."""

import copy

import pytest

from grader.errors import ModelRejected
from grader.model.allowlist import check_model_config
from tests.conftest import config_of

LIMITS = {"max_bytes": 1_000_000, "max_layers": 200}


@pytest.fixture
def plain_config(keras):
    layers = keras.layers
    return config_of(
        keras.Sequential(
            [keras.Input((784,)), layers.Dense(32, activation="relu"), layers.Dense(10)]
        )
    )


def test_a_plain_model_passes(plain_config):
    check_model_config(plain_config, **LIMITS)


def test_lambda_layer_is_refused(keras):
    layers = keras.layers
    model = keras.Sequential(
        [keras.Input((784,)), layers.Lambda(lambda x: x * 2), layers.Dense(10)]
    )
    with pytest.raises(ModelRejected, match="is a Lambda, which is not allowed"):
        check_model_config(config_of(model), **LIMITS)


def test_array_smuggled_through_an_initializer_is_refused(plain_config):
    config = copy.deepcopy(plain_config)
    config["config"]["layers"][1]["config"]["kernel_initializer"] = {
        "module": "keras.initializers", "class_name": "Constant",
        "config": {"value": [0.1] * 100}, "registered_name": None,
    }  # fmt: skip
    with pytest.raises(ModelRejected, match="carries an array of 100 numbers"):
        check_model_config(config, **LIMITS)


def test_custom_registered_class_is_refused(plain_config):
    config = copy.deepcopy(plain_config)
    config["config"]["layers"][1]["module"] = "submission"
    config["config"]["layers"][1]["registered_name"] = "MyDense"
    with pytest.raises(ModelRejected, match="not allowed"):
        check_model_config(config, **LIMITS)


def test_activation_that_is_not_a_standard_name_is_refused(plain_config):
    config = copy.deepcopy(plain_config)
    config["config"]["layers"][1]["config"]["activation"] = {
        "module": "os",
        "class_name": "function",
        "config": "system",
    }
    with pytest.raises(ModelRejected, match="use a standard one by name"):
        check_model_config(config, **LIMITS)


def test_size_and_layer_caps(plain_config):
    with pytest.raises(ModelRejected, match="bytes; the limit is 100"):
        check_model_config(plain_config, max_bytes=100, max_layers=200)
    with pytest.raises(ModelRejected, match="layers; the limit is 2"):
        check_model_config(plain_config, max_bytes=1_000_000, max_layers=2)
