"""Gradescope, JUnit and markdown outputs, read back the way their consumers read them."""

import json
import shutil
import subprocess

import junitparser
import pytest

from grader.cli import main
from grader.grading import grade
from grader.report.gradescope import gradescope_dict
from grader.report.junit import render_junit
from grader.report.markdown import render_markdown
from tests.conftest import REPO

GRADESCOPE_TEST_FIELDS = {
    "name": str,
    "score": float,
    "max_score": float,
    "status": str,
    "output": str,
    "visibility": str,
}


@pytest.fixture(scope="module")
def bob(assignment):
    return grade(REPO / "submissions" / "bob.py", assignment, train=False)


def test_gradescope_results_have_the_formats_fields(bob):
    data = json.loads(json.dumps(gradescope_dict(bob)))
    assert isinstance(data["score"], float) and isinstance(data["execution_time"], int)
    assert isinstance(data["output"], str) and data["visibility"] in (
        "visible",
        "hidden",
        "after_due_date",
        "after_published",
    )
    assert len(data["tests"]) == sum(len(part.checks) for part in bob.parts)
    for test in data["tests"]:
        assert {key: type(test[key]) for key in GRADESCOPE_TEST_FIELDS} == GRADESCOPE_TEST_FIELDS
        assert test["status"] in ("passed", "failed")
        assert 0 <= test["score"] <= test["max_score"]
    assert sum(test["score"] for test in data["tests"]) == data["score"] == bob.score
    failing = next(t for t in data["tests"] if t["name"] == "part2_medium: hidden units")
    assert (
        failing["status"] == "failed"
        and failing["output"] == "hidden layer 10 has 51 units; allowed 10 to 50"
    )


def test_gradescope_format_on_stdout(capsys):
    assert main([str(REPO / "submissions" / "bob.py"), "--no-train", "--format", "gradescope"]) == 1
    assert json.loads(capsys.readouterr().out)["score"] == 14.0


def test_junit_reads_back_with_a_real_parser(bob, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(render_junit([bob]))
    suites = list(junitparser.JUnitXml.fromfile(str(path)))
    assert len(suites) == 1
    cases = list(suites[0])
    assert len(cases) == sum(len(part.checks) for part in bob.parts)
    failed = {case.name: case.result[0].message for case in cases if case.result}
    assert failed["hidden units"] == "hidden layer 10 has 51 units; allowed 10 to 50"
    assert failed["answer: total"].startswith("answered 318,610")
    assert suites[0].failures == 3


def test_junit_marks_an_ungradable_submission_as_an_error(assignment, write_submission, tmp_path):
    result = grade(write_submission("def part1_large(:\n", name="gus.py"), assignment)
    path = tmp_path / "report.xml"
    path.write_text(render_junit([result]))
    suite = next(iter(junitparser.JUnitXml.fromfile(str(path))))
    assert suite.errors == 1 and "syntax error" in next(iter(suite)).result[0].message


def test_markdown_report_and_the_github_step_summary(bob, tmp_path, monkeypatch):
    text = render_markdown(bob)
    assert text.startswith("## Grade: 14/27 (failed)")
    assert "| part2_medium | ❌ failed | 1/3 |" in text
    assert "| ❌ | hidden units | hidden layer 10 has 51 units; allowed 10 to 50 | 0/1 |" in text
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    main([str(REPO / "submissions" / "bob.py"), "--no-train"])
    assert summary.read_text().startswith("## Grade: 14/27 (failed)")


@pytest.mark.skipif(
    shutil.which("check-jsonschema") is None, reason="check-jsonschema is a dev dependency"
)
def test_the_student_workflow_is_a_valid_github_workflow(tmp_path):
    workflow = REPO / "ci" / "github" / "grade.yml"
    command = ["check-jsonschema", "--builtin-schema", "vendor.github-workflows"]
    assert subprocess.run([*command, str(workflow)], capture_output=True).returncode == 0
    broken = tmp_path / "broken.yml"
    broken.write_text(
        workflow.read_text().replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest")
    )
    assert subprocess.run([*command, str(broken)], capture_output=True).returncode != 0


def test_gradescope_scripts_are_valid_shell():
    for script in ("setup.sh", "run_autograder"):
        path = REPO / "ci" / "gradescope" / script
        assert subprocess.run(["bash", "-n", str(path)]).returncode == 0
        assert path.stat().st_mode & 0o111
