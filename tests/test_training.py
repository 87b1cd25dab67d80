"""Training on real MNIST slices: faithful to plain Keras, seeded, and measured by the grader."""

import math

import numpy as np
import pytest

from grader.assignment import CompileDefaults, FitBounds, FitSettings, Limits, TrainsCheck
from grader.checks import Evidence, evaluate
from grader.errors import ModelRejected
from grader.model.compile import resolve_compile
from grader.model.rebuild import inspect_config, rebuild
from grader.training import FitPlan, model_inputs, resolve_fit, train
from tests.conftest import config_of

PLAN = FitPlan(epochs=2, batch_size=64, validation_split=0.1, from_student=False)
SEED = 0


def small_model(keras, activation="sigmoid"):
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((784,)),
            layers.Dense(32, activation=activation),
            layers.Dense(10, activation="softmax"),
        ]
    )


def grader_train(keras, model, data, compile_config=None, plan=PLAN):
    config = config_of(model)
    counted = inspect_config(config, Limits(), (784,))
    rebuilt = rebuild(config, counted, SEED)
    settings = resolve_compile(compile_config, CompileDefaults())
    return train(rebuilt, settings, plan, data, counted.input_shape)


def test_engine_matches_plain_keras_with_the_same_seed(keras, mnist_slice):
    outcome = grader_train(keras, small_model(keras), mnist_slice)

    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    plain = small_model(keras)
    plain.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    x = mnist_slice.x_train.reshape(-1, 784).astype("float32")
    y = np.eye(10, dtype="float32")[mnist_slice.y_train]
    history = plain.fit(x, y, batch_size=64, epochs=2, validation_split=0.1, verbose=0)
    _, test_accuracy = plain.evaluate(
        mnist_slice.x_test.reshape(-1, 784).astype("float32"),
        np.eye(10)[mnist_slice.y_test],
        verbose=0,
    )

    assert outcome.metrics.test_accuracy == pytest.approx(test_accuracy, abs=1e-6)
    assert outcome.metrics.val_accuracy == pytest.approx(
        history.history["val_accuracy"][-1], abs=1e-6
    )
    assert outcome.history["loss"] == pytest.approx(history.history["loss"], rel=1e-5)
    assert outcome.metrics.epochs == 2 and outcome.metrics.seconds_per_epoch > 0


def test_same_submission_twice_gives_the_same_figures(keras, mnist_slice):
    first = grader_train(
        keras,
        small_model(keras, "relu"),
        mnist_slice,
        {"optimizer": "adam", "loss": "categorical_crossentropy"},
    )
    second = grader_train(
        keras,
        small_model(keras, "relu"),
        mnist_slice,
        {"optimizer": "adam", "loss": "categorical_crossentropy"},
    )
    assert first.metrics.test_accuracy == second.metrics.test_accuracy
    assert first.history == second.history


def test_diverging_training_fails_the_trains_check(keras, mnist_slice, assignment):
    config = {
        "optimizer": {
            "module": "keras.optimizers",
            "class_name": "SGD",
            "config": {"learning_rate": 10.0},
        },
        "loss": "mean_squared_error",
    }
    layers = keras.layers
    model = keras.Sequential(
        [keras.Input((784,)), layers.Dense(64, activation="relu"), layers.Dense(10)]
    )
    outcome = grader_train(keras, model, mnist_slice, config)
    assert not outcome.finite_loss
    counted = inspect_config(config_of(model), Limits(), (784,))
    result = evaluate(
        TrainsCheck(kind="trains"), Evidence(part_id="p", counted=counted, training=outcome)
    )
    assert not result.passed and "NaN or infinite" in result.message


def test_wrong_output_width_is_refused_before_training(keras, mnist_slice):
    layers = keras.layers
    model = keras.Sequential([keras.Input((784,)), layers.Dense(8), layers.Dense(5)])
    with pytest.raises(ModelRejected, match="needs 10 units"):
        grader_train(keras, model, mnist_slice)


@pytest.mark.parametrize(
    ("shape", "expected"),
    [([784], (2, 784)), ([28, 28], (2, 28, 28)), ([28, 28, 1], (2, 28, 28, 1))],
)
def test_inputs_take_the_model_shape_as_raw_float_pixels(mnist_slice, shape, expected):
    x = model_inputs(mnist_slice.x_train[:2], shape)
    assert x.shape == expected and x.dtype == np.float32 and x.max() == 255.0


def test_other_input_shapes_are_refused(mnist_slice):
    with pytest.raises(ModelRejected, match=r"input shape is \(32,\)"):
        model_inputs(mnist_slice.x_train[:2], [32])


DEFAULTS = FitSettings(epochs=10, batch_size=128, validation_split=0.1)


@pytest.mark.parametrize(
    ("asked", "expected_error"),
    [
        ({"epochs": 100}, None),
        ({"epochs": 101}, "epochs=101; allowed 1 to 100"),
        ({"epochs": 0}, "epochs=0; allowed 1 to 100"),
        ({"validation_split": 0.0}, "validation_split=0.0; allowed 0.05 to 0.5"),
        ({"batch_size": 5000}, "batch_size=5000; allowed 1 to 4,096"),
        ({"epochs": "10"}, "FIT for this part is invalid"),
        ({"epoch": 3}, "FIT for this part is invalid"),
    ],
)
def test_fit_bounds(asked, expected_error):
    if expected_error is None:
        plan = resolve_fit(asked, DEFAULTS, FitBounds())
        assert plan.epochs == asked["epochs"] and plan.batch_size == 128 and plan.from_student
        return
    with pytest.raises(ModelRejected, match=expected_error):
        resolve_fit(asked, DEFAULTS, FitBounds())


def test_validation_split_is_the_last_fraction_as_keras_takes_it():
    assert math.floor(60000 * (1 - 0.1)) == 54000


def test_an_input_transform_gives_exactly_the_notebooks_arrays(mnist_slice):
    from grader.dataset import InputTransform
    from grader.training import model_inputs

    x = mnist_slice.x_train
    scaled = model_inputs(x, [784], InputTransform(scale=1 / 255))
    mean, std = float(x.mean()), float(x.std())
    standardized = model_inputs(x, [28, 28], InputTransform(scale=1 / std, shift=-mean / std))
    assert np.array_equal(scaled, (x.reshape(-1, 784) / 255).astype("float32"))
    assert np.allclose(standardized, ((x - mean) / std).astype("float32"), atol=1e-6)
    assert np.array_equal(
        model_inputs(x, [784], InputTransform()), x.reshape(-1, 784).astype("float32")
    )
