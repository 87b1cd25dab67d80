"""Grading notebooks and script-style files end to end, in the real sandbox, on real MNIST."""

from pathlib import Path

import pytest

from grader.grading import grade
from tests.conftest import REPO

IMPORTS = """
import numpy as np
import matplotlib.pyplot as plt
from tensorflow.keras.datasets import mnist
from tensorflow.keras import Input, Sequential
from tensorflow.keras.layers import Dense
from tensorflow.keras.utils import to_categorical
(x_train, y_train), (x_test, y_test) = mnist.load_data()
"""

ONE_HIDDEN = """
def one_hidden(width):
    model = Sequential([Input((784,)), Dense(width, activation="relu"), Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
"""


@pytest.fixture(scope="module")
def carol(assignment):
    return grade(REPO / "submissions" / "carol.ipynb", assignment, train=False)


def test_carol_maps_six_models_to_their_parts_without_edits(carol):
    assert carol.form == "notebook" and carol.error is None
    graded = {entry.part: entry.model for entry in carol.models}
    assert graded == {
        "part1_large": 1, "part1_small": 2, "part2_narrow": 3, "part2_medium": 4,
        "part2_wide": 5, "part3": 6,
    }  # fmt: skip
    assert all(part.status == "passed" for part in carol.parts)
    # the two part 1 models share the variable `model`: only the last is still bound to it
    assert [entry.names for entry in carol.models[:2]] == [[], ["model"]]


def test_carol_fit_settings_and_transform_are_as_written(carol, assignment):
    part1, part2, part3 = carol.parts[0], carol.parts[2], carol.parts[5]
    assert "model 1, fit as recorded in cell 6 [4], line 4" in part1.notes
    assert "inputs: pixels scaled by 1/255, as passed to fit" in part1.notes
    assert "model 3, fit as recorded in cell 11 [7], line 14" in part2.notes
    assert "model 6, fit as recorded in cell 13 [8], line 9" in part3.notes


def test_carol_test_set_fit_is_flagged(carol):
    part3 = carol.parts[5]
    assert part3.integrity[0] == (
        "fit on the test images (cell 14 [9], line 2): the model was trained on the test set"
    )
    assert "fit was called 2 times on this model" in part3.integrity[1]
    assert all(not part.integrity for part in carol.parts[:5])


def test_reports_show_the_mapping_and_the_integrity_notes(carol):
    from grader.report.html import render_page
    from grader.report.json_report import submission_dict
    from grader.report.markdown import render_markdown

    markdown = render_markdown(carol)
    assert (
        "| 6 `best` | cell 13 [8], line 1 | 3 hidden (256, 128, 64), 242,762 params | part3 (proposed) |"
        in markdown
    )
    assert "> ⚠️ fit on the test images (cell 14 [9], line 2)" in markdown
    page = render_page("carol", carol)
    assert (
        "notebook: models captured" in page and "<b>Integrity:</b> fit on the test images" in page
    )
    data = submission_dict(carol)
    assert data["form"] == "notebook" and len(data["models"]) == 6
    assert data["parts"][5]["integrity"] == carol.parts[5].integrity


def test_builder_and_notebook_forms_get_the_same_figures(assignment, mnist_slice, tmp_path):
    builder = tmp_path / "builder.py"
    builder.write_text(
        "import keras\nfrom keras import Input, Sequential\nfrom keras.layers import Dense\n"
        + ONE_HIDDEN
        + "FIT = {'part1_large': {'epochs': 2, 'batch_size': 64, 'validation_split': 0.2}}\n"
        "def part1_large():\n    return one_hidden(400)\n"
    )
    notebook = tmp_path / "notebook.py"
    notebook.write_text(
        IMPORTS
        + ONE_HIDDEN
        + "m = one_hidden(400)\nm.fit(x_train, y_train, epochs=2, batch_size=64, validation_split=0.2)\n"
    )
    results = [grade(path, assignment, dataset=mnist_slice) for path in (builder, notebook)]
    (b, n) = (result.parts[0] for result in results)
    assert results[1].form == "script"
    assert b.metrics.test_accuracy > 0.5
    assert (b.metrics.val_accuracy, b.metrics.test_accuracy) == (
        n.metrics.val_accuracy, n.metrics.test_accuracy,
    )  # fmt: skip
    assert b.history == n.history
    assert b.params == n.params


def test_scaled_inputs_train_as_the_notebook_scaled_them(assignment, mnist_slice, tmp_path):
    raw, scaled = tmp_path / "raw.py", tmp_path / "scaled.py"
    fit = "m.fit(x_train.reshape(-1, 784){0}, y_train, epochs=1, batch_size=32, validation_data=(x_test{0}, y_test))\n"
    raw.write_text(IMPORTS + ONE_HIDDEN + "m = one_hidden(400)\n" + fit.format(""))
    scaled.write_text(IMPORTS + ONE_HIDDEN + "m = one_hidden(400)\n" + fit.format(" / 255.0"))
    raw_part, scaled_part = (
        grade(p, assignment, dataset=mnist_slice).parts[0] for p in (raw, scaled)
    )
    assert "inputs: raw 0-255 pixels, as passed to fit" in raw_part.notes
    assert raw_part.notes[1] == (
        "the recorded fit has validation_data (the test images): the grader holds out the last "
        "10% of the training images for validation"
    )
    assert "inputs: pixels scaled by 1/255, as passed to fit" in scaled_part.notes
    assert scaled_part.history["loss"] != raw_part.history["loss"]
    assert scaled_part.metrics.test_accuracy > 0.8


def test_a_failing_cell_is_named_and_the_models_before_it_are_graded(assignment, write_notebook):
    path = write_notebook(
        [
            IMPORTS + ONE_HIDDEN,
            "large = one_hidden(400)\nlarge.fit(x_train, y_train, epochs=2)",
            "small = one_hidden(60)\nraise ValueError('plot went wrong')",
            "later = one_hidden(30)",
        ]
    )
    result = grade(path, assignment, train=False)
    assert result.error is None
    assert result.notes[0].startswith(
        "cell 4 [3], line 2 raised ValueError: plot went wrong (`raise ValueError('plot went "
        "wrong')`); the cells after it did not run"
    )
    assert [entry.part for entry in result.models] == ["part1_large", "part1_small"]
    structure = {c.name: c.passed for c in result.parts[0].checks if "answer" not in c.name}
    assert structure == {"hidden layers": True, "trainable params": True}
    assert result.parts[2].status == "missing"
    assert "the recorded fit has no validation_split" in result.parts[0].notes[1]


def test_a_broken_notebook_is_an_error_with_a_fix(assignment, tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [{"cell_type": "code", "source": "x = 1"', encoding="utf-8")
    result = grade(path, assignment, train=False)
    assert result.status == "error"
    assert "its JSON is broken" in result.error and "save it again" in result.error


def test_pinned_mapping_with_parts_and_out_of_order_cells(assignment, write_notebook):
    path = write_notebook(
        [
            IMPORTS + ONE_HIDDEN,
            "a = one_hidden(60)\nb = one_hidden(400)",
            "PARTS = {'part1_small': b}",
        ],
        counts=[1, 5, 2],
    )
    result = grade(path, assignment, train=False)
    mapping = {entry.model: (entry.part, entry.how) for entry in result.models}
    assert mapping == {1: ("part1_large", "proposed"), 2: ("part1_small", "PARTS")}
    assert result.parts[1].status == "failed"  # 318,010 parameters: not fewer than 50,000
    assert "cells ran out of order (execution counts 1, 5, 2)" in result.integrity[0]


def test_a_script_whose_fit_uses_shuffled_data_is_flagged(assignment, write_submission):
    path = write_submission(
        IMPORTS
        + ONE_HIDDEN
        + "order = np.random.default_rng(0).permutation(60000)\n"
        + "m = one_hidden(400)\nm.fit(x_train[order] / 255, y_train[order], epochs=1)\n",
        name="shuffled.py",
    )
    part = grade(Path(path), assignment, train=False).parts[0]
    assert "fit inputs in shuffled.py, line 16 are not the training images" in part.integrity[0]
    assert "inputs: raw 0-255 pixels (the fit inputs are not the training images)" in part.notes


def test_a_hanging_cell_is_stopped_and_named(assignment, write_notebook):
    limits = assignment.limits.model_copy(update={"load_timeout_s": 20})
    quick = assignment.model_copy(update={"limits": limits})
    path = write_notebook([IMPORTS + ONE_HIDDEN + "m = one_hidden(400)", "while True:\n    pass"])
    result = grade(path, quick, train=False)
    assert result.notes[0].startswith("cell 3 [2] did not finish within 20 s")
    assert result.models[0].part == "part1_large"


def test_a_cell_that_kills_its_process_keeps_the_models_before_it(assignment, write_notebook):
    path = write_notebook(
        [
            IMPORTS + ONE_HIDDEN + "m = one_hidden(400)",
            "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
        ]
    )
    result = grade(path, assignment, train=False)
    assert result.notes[0] == (
        "cell 3 [2]: the process was killed (SIGKILL); the cells after it did not run"
    )
    assert result.models[0].part == "part1_large"
    assert result.parts[0].params.trainable == 318_010


def test_saved_accuracies_the_grader_does_not_reproduce_are_flagged(
    assignment, mnist_slice, write_notebook
):
    evaluate = "m{n}.evaluate(x_test, y_test)"
    path = write_notebook(
        [
            IMPORTS + ONE_HIDDEN,
            "m1 = one_hidden(400)\nm1.fit(x_train, y_train, epochs=1)\n" + evaluate.format(n=1),
            "m2 = one_hidden(60)\nm2.fit(x_train, y_train, epochs=1)\n" + evaluate.format(n=2),
        ],
        printed=["", "313/313 - 1s - accuracy: 0.9990 - loss: 0.0100\n", ""],
    )
    result = grade(path, assignment, dataset=mnist_slice)
    measured = result.parts[0].metrics.test_accuracy
    assert measured < 0.97  # one epoch on 3,000 raw images
    assert result.integrity == [
        f"cell 3 [2]'s saved output shows test accuracy 0.9990 for model 1 (part1_large); "
        f"retraining it as written, the grader measured {measured:.4f}"
    ]


def test_claimed_accuracies_are_read_as_fractions_or_percentages():
    from grader.script.parts import _claimed_accuracies

    text = "Test accuracy: 97.5%\nval_accuracy: 0.9612 - loss 0.12\nacc = 0.5\nepochs: 10"
    assert _claimed_accuracies(text) == [0.975, 0.9612, 0.5]


def test_the_model_is_taken_as_it_was_at_its_first_fit_on_the_training_images(
    assignment, mnist_slice, write_submission
):
    path = write_submission(
        IMPORTS
        + ONE_HIDDEN
        + "m = one_hidden(400)\n"
        + "m.fit(x_test, y_test, epochs=3)\n"
        + "m.compile(optimizer='sgd', loss='sparse_categorical_crossentropy')\n"
        + "m.fit(x_train, y_train, epochs=1, batch_size=64, validation_split=0.2)\n",
        name="recompiled.py",
    )
    part = grade(Path(path), assignment, dataset=mnist_slice).parts[0]
    assert part.notes[0] == "model 1, fit as recorded in recompiled.py, line 17"
    assert "compile: SGD (learning rate 0.01), sparse_categorical_crossentropy" in part.notes
    assert "fit (as recorded): epochs 1, batch size 64, validation split 0.2, seed 0" in part.notes
    assert part.integrity[0].startswith("fit on the test images (recompiled.py, line 15)")
