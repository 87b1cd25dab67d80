"""The training cache: its key changes exactly when the outcome could, and bad entries are ignored."""

import pytest

from grader.assignment import CompileDefaults
from grader.dataset import InputTransform
from grader.grading import grade
from grader.model.compile import resolve_compile
from grader.training import FitPlan
from grader.training_cache import TrainingCache, training_key
from tests.conftest import REPO, config_of

PLAN = FitPlan(epochs=3, batch_size=128, validation_split=0.1, from_student=False)
SETTINGS = resolve_compile(None, CompileDefaults())


def model_config(keras, units=32, activation="relu", names=("a", "b")):
    layers = keras.layers
    return config_of(
        keras.Sequential(
            [
                keras.Input((784,)),
                layers.Dense(units, activation=activation, name=names[0]),
                layers.Dense(10, name=names[1]),
            ]
        )
    )


def key(keras, *, plan=PLAN, settings=SETTINGS, seed=0, data="d", **model):
    return training_key(model_config(keras, **model), settings, plan, seed, data)


def test_layer_names_do_not_change_the_key(keras):
    assert key(keras) == key(keras, names=("first", "second"))


@pytest.mark.parametrize(
    "change",
    [
        {"units": 33},
        {"activation": "tanh"},
        {"seed": 1},
        {"data": "other"},
        {"plan": FitPlan(epochs=4, batch_size=128, validation_split=0.1, from_student=True)},
        {"plan": FitPlan(epochs=3, batch_size=64, validation_split=0.1, from_student=True)},
        {"plan": FitPlan(epochs=3, batch_size=128, validation_split=0.2, from_student=True)},
        {"plan": PLAN.model_copy(update={"transform": InputTransform(scale=1 / 255)})},
        {"plan": PLAN.model_copy(update={"transform": InputTransform(shift=-0.5)})},
        {
            "settings": resolve_compile(
                {"optimizer": "adam", "loss": "categorical_crossentropy"}, CompileDefaults()
            )
        },
        {
            "settings": resolve_compile(
                {"optimizer": "sgd", "loss": "sparse_categorical_crossentropy"}, CompileDefaults()
            )
        },
    ],
)
def test_anything_that_changes_the_outcome_changes_the_key(keras, change):
    assert key(keras, **change) != key(keras)


def test_who_chose_the_settings_does_not_matter(keras):
    chosen = FitPlan(epochs=3, batch_size=128, validation_split=0.1, from_student=True)
    assert key(keras, plan=chosen) == key(keras)


def test_same_model_in_another_file_is_trained_once(assignment, mnist_slice, tmp_path):
    cache = TrainingCache(tmp_path / "cache")
    first = grade(REPO / "submissions" / "alice.py", assignment, dataset=mnist_slice, cache=cache)
    twin = tmp_path / "twin.py"
    twin.write_text(
        "# the same homework, with a comment on top\n"
        + (REPO / "submissions" / "alice.py").read_text()
    )
    second = grade(twin, assignment, dataset=mnist_slice, cache=cache)
    for before, after in zip(first.parts, second.parts, strict=True):
        assert any("reused from the training cache" in note for note in after.notes)
        assert after.metrics == before.metrics
    assert len(list((tmp_path / "cache").glob("*.json"))) == 6


def test_corrupt_entries_are_ignored_and_rebuilt(assignment, mnist_slice, tmp_path):
    cache = TrainingCache(tmp_path / "cache")
    grade(REPO / "submissions" / "alice.py", assignment, dataset=mnist_slice, cache=cache)
    for entry in (tmp_path / "cache").glob("*.json"):
        entry.write_text('{"metrics": "forged"}')
    again = grade(REPO / "submissions" / "alice.py", assignment, dataset=mnist_slice, cache=cache)
    assert not any("reused" in note for part in again.parts for note in part.notes)
    assert all(part.metrics is not None for part in again.parts)
