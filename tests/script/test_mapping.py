"""Matching captured models to parts: PARTS, `# grade:` comments, then the grader's proposal."""

from grader.assignment import Limits
from grader.dataset import FLAT_SHAPE
from grader.model.rebuild import inspect_config
from grader.script.mapping import Candidate, grade_comments, map_models
from grader.submission.notebook import Cell
from tests.conftest import config_of


def counted(keras, widths):
    model = keras.Sequential([keras.Input((784,))])
    for width in widths:
        model.add(keras.layers.Dense(width, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    return inspect_config(config_of(model), Limits(), FLAT_SHAPE)


NOTEBOOK_MODELS = {  # part -> hidden widths, in the assignment's order
    "part1_large": [400],
    "part1_small": [60],
    "part2_narrow": [8] * 10,
    "part2_medium": [32] * 10,
    "part2_wide": [64] * 10,
    "part3": [256, 128, 64],
}


def candidates(keras, order):
    return [
        Candidate(number, [(2, number)], counted(keras, NOTEBOOK_MODELS[part]))
        for number, part in enumerate(order, start=1)
    ]


def test_the_proposal_follows_structure_whatever_the_order(keras, assignment):
    order = ["part3", "part2_wide", "part1_small", "part2_narrow", "part1_large", "part2_medium"]
    chosen, how, notes = map_models(candidates(keras, order), assignment.parts, {}, [])
    assert chosen == {part: order.index(part) + 1 for part in NOTEBOOK_MODELS}
    assert set(how.values()) == {"proposed"} and notes == []


def test_creation_order_breaks_ties_and_extra_models_match_no_part(keras, assignment):
    order = ["part1_large", "part1_large", "part1_small"]  # a first try, then the real one
    chosen, _, _ = map_models(candidates(keras, order), assignment.parts[:2], {}, [])
    assert chosen == {"part1_large": 1, "part1_small": 3}


def test_parts_dict_and_comments_pin_against_the_structure(keras, assignment):
    order = ["part1_large", "part1_small"]
    models = candidates(keras, order)
    pinned, how, _ = map_models(models, assignment.parts[:2], {"part1_small": 1}, [])
    cells = [
        Cell(
            index=2, filename="cell 2", source="a = 1\nb = make(\n    60\n)  # grade: part1_large\n"
        )
    ]
    comments = grade_comments(cells)
    assert [(c.part, c.first_line, c.last_line) for c in comments] == [("part1_large", 2, 4)]
    commented, commented_how, _ = map_models(models, assignment.parts[:2], {}, comments)
    assert pinned == {"part1_small": 1, "part1_large": 2}
    assert how == {"part1_small": "PARTS", "part1_large": "proposed"}
    assert commented == {"part1_large": 2, "part1_small": 1}
    assert commented_how == {"part1_large": "comment", "part1_small": "proposed"}


def test_pins_naming_no_part_are_reported(keras, assignment):
    cells = [Cell(index=3, filename="cell 3", source="m = 1  # grade: part9\n")]
    chosen, how, notes = map_models(
        candidates(keras, ["part1_large"]),
        assignment.parts[:1],
        {"partX": 1},
        grade_comments(cells),
    )
    assert chosen == {"part1_large": 1} and how == {"part1_large": "proposed"}
    assert any("PARTS names 'partX'" in note for note in notes)
    assert any("`# grade: part9` in cell 3 names no part" in note for note in notes)
