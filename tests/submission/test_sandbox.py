"""The sandbox levels: what the student's process sees, and that isolation never changes a grade."""

import json

import pytest

from grader.grading import grade
from grader.report.json_report import submission_dict
from grader.submission.sandbox import SandboxPolicy, detect_isolation
from tests.conftest import REPO

PROCESS_ONLY = SandboxPolicy(isolation="process", control_groups=False)


def test_environment_is_scrubbed(monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_TOKEN", "secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    env = PROCESS_ONLY.environment(str(tmp_path))
    assert "GITHUB_TOKEN" not in env and "AWS_SECRET_ACCESS_KEY" not in env
    assert env["HOME"] == str(tmp_path) and env["PATH"] == "/usr/bin:/bin"


def test_report_names_the_level_in_force(assignment, write_submission):
    path = write_submission("import keras\n")
    assert grade(path, assignment, train=False, policy=PROCESS_ONLY).sandbox == "process"
    assert grade(path, assignment, train=False).sandbox == SandboxPolicy().level


@pytest.mark.skipif(detect_isolation() != "bubblewrap", reason="needs the bubblewrap sandbox")
def test_a_benign_grade_is_the_same_at_every_level(assignment, mnist_slice):
    alice = REPO / "submissions" / "alice.py"
    strong = submission_dict(grade(alice, assignment, dataset=mnist_slice))
    weak = submission_dict(grade(alice, assignment, dataset=mnist_slice, policy=PROCESS_ONLY))
    for result in (strong, weak):
        for part in result["parts"]:
            part["metrics"].pop("seconds_per_epoch")
    assert json.dumps(strong, sort_keys=True) == json.dumps(weak, sort_keys=True)
    assert all(part["params"] and "val_accuracy" in part["metrics"] for part in strong["parts"])
