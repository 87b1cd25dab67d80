"""The rich report: layer tables, ticks and crosses with reasons, the score."""

import io

from rich.console import Console

from grader.grading import grade
from grader.report.terminal import render_report
from tests.conftest import REPO


def rendered(result) -> str:
    buffer = io.StringIO()
    render_report(result, Console(file=buffer, width=140, color_system=None))
    return buffer.getvalue()


def test_report_shows_layers_checks_and_score(assignment):
    text = rendered(grade(REPO / "submissions" / "bob.py", assignment, train=False))
    assert "hidden 2-10" in text  # identical hidden layers share a row
    assert "✗  hidden units" in text and "hidden layer 10 has 51 units; allowed 10 to 50" in text
    assert "✓  hidden layers" in text
    assert "317,600" in text and "318,010 parameters" in text
    assert "not run: needs training" in text
    assert "Score 14/27" in text and "failed" in text


def test_ungradable_submission_shows_the_error(assignment, write_submission):
    text = rendered(grade(write_submission("def part1_large(:\n", name="fay.py"), assignment))
    assert "not graded" in text and "fay.py, line 1: syntax error" in text
