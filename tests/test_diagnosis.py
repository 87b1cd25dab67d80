"""Diagnoses of failing models, on the original notebook's six models trained on an MNIST slice."""

import io

import pytest
from rich.console import Console

from grader.grading import grade
from grader.report.curves import save_curves
from grader.report.markdown import render_markdown
from grader.report.terminal import render_report
from tests.conftest import REPO


@pytest.fixture(scope="module")
def notebook(assignment, mnist):
    return grade(
        REPO / "reference" / "notebook_submission.py", assignment, dataset=mnist.head(3000, 1000)
    )


def part(result, part_id):
    return next(p for p in result.parts if p.id == part_id)


@pytest.mark.parametrize("part_id", ["part2_narrow", "part2_medium", "part2_wide"])
def test_deep_sigmoid_stacks_are_diagnosed_with_vanishing_gradients(notebook, part_id):
    graded = part(notebook, part_id)
    assert graded.metrics.test_accuracy < 0.2  # stuck near chance
    vanishing = next(d for d in graded.diagnoses if d.kind == "vanishing gradients")
    norms = [
        value for name, value in vanishing.evidence.items() if name.startswith("gradient norm")
    ]
    assert len(norms) == 11 and norms[0] / norms[-1] < 1e-3
    assert "ReLU" in vanishing.fix
    unscaled = next(
        d for d in graded.diagnoses if d.kind == "unscaled inputs into saturating units"
    )
    assert unscaled.evidence["largest input"] == 255.0
    assert "Rescaling(1 / 255)" in unscaled.fix


@pytest.mark.parametrize("part_id", ["part1_large", "part1_small"])
def test_models_that_learn_get_no_diagnosis(notebook, part_id):
    graded = part(notebook, part_id)
    assert graded.metrics.test_accuracy > 0.5
    assert graded.diagnoses == []


def test_curves_are_saved_for_every_trained_part(notebook, tmp_path):
    saved = save_curves(notebook, tmp_path)
    assert sorted(saved) == sorted(p.id for p in notebook.parts)
    for path in saved.values():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def test_reports_show_diagnoses_and_written_answers(notebook):
    buffer = io.StringIO()
    render_report(notebook, Console(file=buffer, width=140, color_system=None))
    text = " ".join(buffer.getvalue().split())
    assert "Diagnosis: vanishing gradients." in text and "Fix: Use ReLU" in text
    assert "written answer: part2 · hypothesis" in text
    markdown = render_markdown(notebook)
    assert "**Diagnosis: vanishing gradients.**" in markdown
    assert "**Written answer (part2, hypothesis):**" in markdown
    assert notebook.written_answers["part2"]["hypothesis"].startswith("Ten stacked sigmoid layers")
