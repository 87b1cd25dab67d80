"""Reading the student's optimizer and loss from the compile config, as data."""

import pytest

from grader.assignment import CompileDefaults
from grader.errors import ModelRejected
from grader.model.compile import resolve_compile


def compile_config_of(keras, **compile_args):
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])
    model.compile(**compile_args)
    return model.get_compile_config()


def test_uncompiled_model_gets_the_assignment_defaults():
    settings = resolve_compile(None, CompileDefaults())
    assert (settings.optimizer, settings.loss, settings.sparse_labels) == (
        "sgd",
        "categorical_crossentropy",
        False,
    )
    assert not settings.from_student


def test_student_optimizer_and_sparse_loss_are_kept(keras):
    config = compile_config_of(
        keras, optimizer=keras.optimizers.Adam(3e-4), loss="sparse_categorical_crossentropy"
    )
    settings = resolve_compile(config, CompileDefaults())
    assert settings.optimizer["class_name"] == "Adam"
    assert settings.optimizer["config"]["learning_rate"] == pytest.approx(3e-4)
    assert settings.sparse_labels and settings.from_student


def test_loss_given_as_a_function_or_an_object(keras):
    by_function = compile_config_of(
        keras, optimizer="sgd", loss=keras.losses.sparse_categorical_crossentropy
    )
    assert resolve_compile(by_function, CompileDefaults()).sparse_labels
    by_object = compile_config_of(
        keras, optimizer="sgd", loss=keras.losses.CategoricalCrossentropy(from_logits=True)
    )
    settings = resolve_compile(by_object, CompileDefaults())
    assert settings.loss["config"]["from_logits"] is True and not settings.sparse_labels


@pytest.mark.parametrize(
    ("compile_config", "message"),
    [
        (
            {
                "optimizer": {
                    "module": "keras.optimizers",
                    "class_name": "SGD",
                    "config": {"learning_rate": 1e6},
                },
                "loss": "mse",
            },
            "learning rate",
        ),
        (
            {"optimizer": {"module": "evil", "class_name": "SGD", "config": {}}, "loss": "mse"},
            "standard Keras optimizer",
        ),
        (
            {
                "optimizer": "sgd",
                "loss": {"module": "builtins", "class_name": "function", "config": "my_loss"},
            },
            "not allowed",
        ),
        ({"optimizer": "sgd", "loss": "binary_crossentropy"}, "not allowed"),
    ],
)
def test_unvetted_settings_are_refused(compile_config, message):
    with pytest.raises(ModelRejected, match=message):
        resolve_compile(compile_config, CompileDefaults())
