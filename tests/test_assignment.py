"""The assignment file: the bundled default and readable errors for broken ones."""

import pytest

from grader.assignment import Range, check_name, load_assignment
from grader.errors import AssignmentError


def test_default_assignment_has_the_six_parts_in_order(assignment):
    assert [part.id for part in assignment.parts] == [
        "part1_large", "part1_small", "part2_narrow", "part2_medium", "part2_wide", "part3",
    ]  # fmt: skip
    assert assignment.training.fit.epochs == 10
    assert assignment.training.fit.batch_size == 128
    assert assignment.training.compile.optimizer == "sgd"


def test_score_is_the_sum_of_check_weights(assignment):
    assert assignment.max_score == sum(c.points for p in assignment.parts for c in p.checks)


@pytest.mark.parametrize(
    ("text", "expected_error"),
    [
        ("name = 'x'\nparts = []", "parts: List should have at least 1 item"),
        ("name = 'x'\n[[parts]]\nid = 'p'\nchecks = [{ kind = 'nope' }]", "parts.0.checks.0"),
        (
            "name = 'x'\n[[parts]]\nid = 'p'\nchecks = [{ kind = 'hidden_layers', count = { min = 3, max = 1 } }]",
            "min (3.0) is greater than max (1.0)",
        ),
        (
            "name = 'x'\ncolour = 1\n[[parts]]\nid = 'p'\nchecks = [{ kind = 'trains' }]",
            "colour: Extra inputs",
        ),
        (
            "name = 'x'\n[[parts]]\nid = 'p'\nchecks = [{ kind = 'trains' }, { kind = 'trains' }]",
            "distinct names",
        ),
        ("name = = 'x'", "not valid TOML"),
    ],
)
def test_invalid_assignment_files_name_the_field(tmp_path, text, expected_error):
    path = tmp_path / "assignment.toml"
    path.write_text(text)
    with pytest.raises(AssignmentError) as raised:
        load_assignment(path)
    assert expected_error in str(raised.value)
    assert str(path) in str(raised.value)


def test_missing_assignment_file_says_what_to_pass(tmp_path):
    with pytest.raises(AssignmentError, match="--assignment"):
        load_assignment(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("low", "high", "wording"),
    [
        (1, 1, "exactly 1"),
        (10, 50, "10 to 50"),
        (300_000, None, "at least 300,000"),
        (None, 49_999, "at most 49,999"),
    ],
)
def test_range_wording(low, high, wording):
    assert Range(min=low, max=high).describe() == wording


def test_check_names_default_to_their_kind(assignment):
    names = [check_name(check) for check in assignment.part("part3").checks]
    assert names == ["hidden layers", "trains", "validation accuracy", "test accuracy"]
