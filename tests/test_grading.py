"""The pipeline end to end on example submissions (pre-flight, or training on MNIST slices)."""

import pytest

from grader.assignment import Limits
from grader.grading import grade
from tests.conftest import EXAMPLES, REPO

SUBMISSIONS = REPO / "submissions"


def checks_of(result, part_id):
    part = next(part for part in result.parts if part.id == part_id)
    return {check.name: check for check in part.checks}


def test_alice_passes_every_check_of_the_preflight(assignment):
    result = grade(SUBMISSIONS / "alice.py", assignment, train=False)
    assert result.status == "passed" and result.exit_code == 0
    assert all(part.status == "passed" and part.metrics is None for part in result.parts)
    assert "trains" in result.parts[0].skipped_checks
    assert result.score == sum(
        c.points for p in assignment.parts for c in p.checks if c.kind not in ("trains", "accuracy")
    )


def test_bob_fails_with_each_broken_constraint_named(assignment):
    result = grade(SUBMISSIONS / "bob.py", assignment, train=False)
    assert result.status == "failed" and result.exit_code == 1
    failures = {(p.id, c.name): c.message for p in result.parts for c in p.checks if not c.passed}
    assert failures == {
        (
            "part1_large",
            "answer: total",
        ): "answered 318,610, but 317,600 weights + 410 biases = 318,010",
        ("part2_narrow", "hidden layers"): "9 hidden layers; allowed at least 10",
        ("part2_medium", "hidden units"): "hidden layer 10 has 51 units; allowed 10 to 50",
    }


def test_template_grades_every_part_as_an_error_with_the_reason(assignment):
    result = grade(SUBMISSIONS / "template.py", assignment, train=False)
    assert [part.status for part in result.parts] == ["error"] * 6
    assert "raised NotImplementedError: build your model here" in result.parts[0].error
    assert result.score == 0 and result.exit_code == 1


def test_syntax_error_is_an_ungradable_submission(assignment, write_submission):
    result = grade(write_submission("def part1_large(:\n", name="dave.py"), assignment)
    assert result.status == "error" and result.exit_code == 2
    assert result.error.startswith("dave.py, line 1: syntax error")
    assert len(result.parts) == 6 and all(part.status == "error" for part in result.parts)


def test_misbehaving_builders_fail_alone_and_the_good_part_is_trained(assignment, mnist_slice):
    quick = assignment.model_copy(update={"limits": Limits(builder_timeout_s=4)})
    result = grade(EXAMPLES / "misbehaving_builders.py", quick, dataset=mnist_slice)
    statuses = {part.id: part.status for part in result.parts}
    assert statuses == {
        "part1_large": "error", "part1_small": "error", "part2_narrow": "error",
        "part2_medium": "error", "part2_wide": "passed", "part3": "missing",
    }  # fmt: skip
    wide = result.parts[4]
    assert wide.metrics is not None and wide.metrics.epochs == 1
    assert "did not return within 4 s" in result.parts[2].error
    assert result.parts[5].error == "missing: define a function part3() that returns a keras.Model"
    assert result.exit_code == 1


@pytest.mark.slow
def test_reference_submission_scores_full_marks(assignment):
    """The one full grade: every model trained on all of MNIST."""
    result = grade(REPO / "reference" / "submission.py", assignment)
    assert result.status == "passed", [
        c.message for p in result.parts for c in p.checks if not c.passed
    ]
    assert result.score == result.max_score == assignment.max_score
    part3 = result.parts[-1]
    assert part3.metrics.val_accuracy > 0.92 and part3.metrics.test_accuracy > 0.92
