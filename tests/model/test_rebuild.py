"""Inspecting and rebuilding: malformed configs are refused cleanly; the rebuild is seeded."""

import copy

import numpy as np
import pytest

from grader.assignment import Limits
from grader.errors import ModelRejected
from grader.model.rebuild import inspect_config, rebuild
from tests.conftest import config_of


@pytest.fixture
def config(keras):
    layers = keras.layers
    return config_of(
        keras.Sequential(
            [keras.Input((784,)), layers.Dense(16, activation="relu"), layers.Dense(10)]
        )
    )


def _break_units(config):
    config["config"]["layers"][1]["config"]["units"] = "sixteen"


def _drop_layer_config(config):
    config["config"]["layers"][1]["config"] = None


def _input_without_shape(config):
    config["config"]["layers"][0]["config"]["batch_shape"] = "wide"


def _layers_not_a_list(config):
    config["config"]["layers"] = {"a": 1}


@pytest.mark.parametrize(
    "damage", [_break_units, _drop_layer_config, _input_without_shape, _layers_not_a_list]
)
def test_malformed_configs_are_refused_not_crashed_on(config, damage):
    broken = copy.deepcopy(config)
    damage(broken)
    with pytest.raises(ModelRejected):
        inspect_config(broken, Limits(), (784,))


def test_parameter_cap_comes_from_the_assignment(config):
    with pytest.raises(ModelRejected, match="12,730 parameters; the limit is 1,000"):
        inspect_config(config, Limits(max_params=1000), (784,))


def test_rebuild_is_seeded_and_cross_checked(config):
    counted = inspect_config(config, Limits(), (784,))
    first = [w.numpy() for w in rebuild(config, counted, seed=3).weights]
    second = [w.numpy() for w in rebuild(config, counted, seed=3).weights]
    other = [w.numpy() for w in rebuild(config, counted, seed=4).weights]
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    assert not np.array_equal(first[0], other[0])
    assert sum(w.size for w in first) == counted.params.total == 12_730
