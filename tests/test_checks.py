"""Each bound of the default assignment at its edge, measured on real Keras models."""

import pytest

from grader.assignment import AnswerCheck
from grader.checks import Evidence, evaluate
from grader.model.recount import recount
from tests.conftest import config_of


def verdicts(assignment, part_id, model, answers=None):
    evidence = Evidence(part_id=part_id, counted=recount(config_of(model), (784,)), answers=answers)
    part = assignment.part(part_id)
    static = [check for check in part.checks if check.kind not in ("trains", "accuracy")]
    return {result.name: result for result in (evaluate(check, evidence) for check in static)}


def model_with_299_999(keras):
    """One hidden layer: 392×721 + 721 + 1,442 + 7,210×10 + 784 = 299,999 trainable."""
    layers = keras.layers
    return keras.Sequential([
        keras.Input((784,)), layers.Reshape((2, 392)), layers.LayerNormalization(),
        layers.Dense(721), layers.LayerNormalization(), layers.Flatten(),
        layers.Dense(10, use_bias=False, activation="softmax"),
    ])  # fmt: skip


def model_with_300_000(keras):
    """One hidden layer: 8×303 + 606 + 29,694×10 + 10 + 20 = 300,000 trainable."""
    layers = keras.layers
    return keras.Sequential([
        keras.Input((784,)), layers.Reshape((98, 8)), layers.Dense(303, use_bias=False),
        layers.LayerNormalization(), layers.Flatten(), layers.Dense(10),
        layers.LayerNormalization(),
    ])  # fmt: skip


def test_parameter_floor_of_part1_large_at_its_edge(keras, assignment):
    below = verdicts(assignment, "part1_large", model_with_299_999(keras))
    at = verdicts(assignment, "part1_large", model_with_300_000(keras))
    assert below["trainable params"].message.startswith("299,999 trainable parameters")
    assert not below["trainable params"].passed
    assert at["trainable params"].message.startswith("300,000 trainable parameters")
    assert at["trainable params"].passed
    assert below["hidden layers"].passed and at["hidden layers"].passed


def deep(keras, widths):
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((784,)),
            *(layers.Dense(w, activation="relu") for w in widths),
            layers.Dense(10),
        ]
    )


@pytest.mark.parametrize(
    ("width", "narrow", "medium", "wide"),
    [(9, True, False, False), (10, False, True, False), (49, False, True, False),
     (50, False, True, True), (51, False, False, True), (100, False, False, True), (101, False, False, False)],
)  # fmt: skip
def test_width_bands_at_their_edges(keras, assignment, width, narrow, medium, wide):
    model = deep(keras, [width] * 10)
    for part_id, expected in (
        ("part2_narrow", narrow),
        ("part2_medium", medium),
        ("part2_wide", wide),
    ):
        assert verdicts(assignment, part_id, model)["hidden units"].passed is expected, part_id


def test_a_band_missed_by_one_names_the_layer_and_the_bound(keras, assignment):
    model = deep(keras, [64] * 9 + [101])
    result = verdicts(assignment, "part2_wide", model)["hidden units"]
    assert result.message == "hidden layer 10 has 101 units; allowed 50 to 100"


@pytest.mark.parametrize(("count", "passed"), [(9, False), (10, True)])
def test_hidden_layer_count_at_ten(keras, assignment, count, passed):
    result = verdicts(assignment, "part2_medium", deep(keras, [20] * count))["hidden layers"]
    assert result.passed is passed
    assert result.message == f"{count} hidden layers; allowed at least 10"


def test_answers_are_compared_with_the_grader_count(keras, assignment):
    model = deep(keras, [400])
    answers = {"weights": 317_600, "biases": 410, "total": 318_610}
    results = verdicts(assignment, "part1_large", model, answers)
    assert results["answer: weights"].passed and results["answer: biases"].passed
    assert not results["answer: total"].passed
    assert (
        results["answer: total"].message
        == "answered 318,610, but 317,600 weights + 410 biases = 318,010"
    )


@pytest.mark.parametrize(
    ("answers", "message"),
    [(None, "no answer given; set ANSWERS['part1_large']['weights']"),
     ({"weights": "317600"}, "answer with a whole number"),
     ({"weights": 317_000}, "the model has 784×400 + 400×10 = 317,600 weights")],
)  # fmt: skip
def test_wrong_or_missing_answers_explain_themselves(keras, answers, message):
    evidence = Evidence(
        part_id="part1_large",
        counted=recount(config_of(deep(keras, [400])), (784,)),
        answers=answers,
    )
    result = evaluate(AnswerCheck(kind="answer", field="weights"), evidence)
    assert not result.passed and message in result.message
