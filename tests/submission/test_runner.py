"""The student's process: builders that raise, hang, crash or lie fail alone; data comes back."""

import pytest

from grader.assignment import Limits
from grader.errors import SubmissionError
from grader.submission.runner import run_submission
from grader.submission.source import read_submission
from tests.conftest import EXAMPLES

PARTS = ["part1_large", "part1_small", "part2_narrow", "part2_medium", "part2_wide", "part3"]


def run(path, **limits):
    return run_submission(read_submission(path), PARTS, Limits(load_timeout_s=60, **limits))


@pytest.fixture(scope="module")
def misbehaving():
    return run(EXAMPLES / "misbehaving_builders.py", builder_timeout_s=4)


def test_missing_part_is_not_defined(misbehaving):
    assert "part3" not in misbehaving.defined
    assert "part3" not in misbehaving.parts


def test_raising_builder_reports_type_and_line(misbehaving):
    error = misbehaving.parts["part1_large"].error
    assert (error.type, error.line) == ("IndexError", 13)
    assert error.describe("x.py").startswith(
        "raised IndexError: list index out of range at x.py, line 13"
    )


def test_builder_returning_something_else(misbehaving):
    assert misbehaving.parts["part1_small"].error.message == "returned a int, not a keras.Model"


def test_hanging_builder_times_out(misbehaving):
    error = misbehaving.parts["part2_narrow"].error
    assert error.kind == "timeout" and "within 4 s" in error.message


def test_builder_that_exits_the_process(misbehaving):
    error = misbehaving.parts["part2_medium"].error
    assert error.kind == "crash" and "exited with code 3" in error.message


def test_good_builder_after_all_that_still_comes_back(misbehaving):
    built = misbehaving.parts["part2_wide"]
    assert built.error is None
    assert built.config["class_name"] == "Sequential"
    assert misbehaving.fit.value == {"part2_wide": {"epochs": 1}}


def test_import_error_is_a_submission_error_naming_the_line():
    with pytest.raises(SubmissionError) as raised:
        run(EXAMPLES / "import_error.py")
    message = str(raised.value)
    assert message.startswith(
        "import_error.py, line 4: importing the file raised ModuleNotFoundError"
    )
    assert "Only tensorflow, keras, numpy" in message


def test_module_level_failure_is_a_submission_error():
    with pytest.raises(
        SubmissionError, match=r"module_level_error.py, line 10: importing the file raised"
    ):
        run(EXAMPLES / "module_level_error.py")


def test_values_that_are_not_plain_data(write_submission):
    path = write_submission("import keras\nFIT = {'part3': object()}\nANSWERS = [1, 2]\n")
    captured = run(path)
    assert "must hold only dicts" in captured.fit.error
    assert captured.answers.value == [1, 2]
    assert captured.defined == []


def test_student_output_does_not_reach_the_channel(write_submission):
    path = write_submission(
        """
        import keras
        print('{"event": "done"}')
        def part1_large():
            print("building...")
            return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])
        """
    )
    captured = run(path)
    assert captured.parts["part1_large"].error is None
    assert "building..." in captured.log_tail


def test_parts_built_before_a_failed_restart_are_kept(write_submission):
    path = write_submission(
        """
        import os
        import keras
        if os.path.exists("imported-once"):
            raise RuntimeError("refuses a second import")
        open("imported-once", "w").close()

        def part1_large():
            return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])

        def part1_small():
            os._exit(1)

        def part3():
            return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10)])
        """
    )
    captured = run(path)
    assert captured.parts["part1_large"].error is None
    assert "exited with code 1" in captured.parts["part1_small"].error.message
    restart = captured.parts["part3"].error.message
    assert restart.startswith("not built: the submission could not be restarted")
    assert "refuses a second import" in restart


def test_overall_time_limit_ends_the_remaining_parts():
    captured = run(
        EXAMPLES / "misbehaving_builders.py", builder_timeout_s=30, submission_timeout_s=12
    )
    assert captured.parts["part1_large"].error.type == "IndexError"  # built before the limit
    for part_id in ("part2_narrow", "part2_medium", "part2_wide"):
        message = captured.parts[part_id].error.message
        assert message == "not built: the submission's overall time limit (12 s) ran out"
