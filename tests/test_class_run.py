"""Class runs: a folder of submissions, the summary, the gradebook, the stored results, resuming."""

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from grader.class_run import find_submissions, student_names
from grader.cli import main
from tests.conftest import EXAMPLES, REPO

QUICK_ASSIGNMENT = (
    (REPO / "grader" / "assignments" / "mnist_mlp.toml")
    .read_text()
    .replace("builder_timeout_s = 60", "builder_timeout_s = 5")
)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """Six submissions: full marks, mistakes, a syntax error, a hanging builder, missing parts."""
    folder = tmp_path_factory.mktemp("class")
    shutil.copy(REPO / "submissions" / "alice.py", folder / "alice.py")
    shutil.copy(REPO / "submissions" / "bob.py", folder / "bob.py")
    shutil.copy(REPO / "submissions" / "template.py", folder / "carol.py")
    (folder / "dave.py").write_text("import keras\n\ndef part1_large(:\n    pass\n")
    shutil.copy(EXAMPLES / "hanging_builder.py", folder / "erin.py")
    (folder / "frank.py").write_text(
        (REPO / "submissions" / "alice.py").read_text().split("def part2_narrow")[0]
    )
    assignment = tmp_path_factory.mktemp("assignment") / "quick.toml"
    assignment.write_text(QUICK_ASSIGNMENT)
    return folder, assignment


def run_class(classroom, results, *extra, folder=None):
    default_folder, assignment = classroom
    arguments = [str(folder or default_folder), "--no-train", "--assignment", str(assignment)]
    return main([*arguments, "--results", str(results), *extra])


@pytest.fixture(scope="module")
def first_run(classroom, tmp_path_factory):
    """The class graded once: exit code, printed summary, results, CSV, JSON and HTML."""
    out = tmp_path_factory.mktemp("first-run")
    capture = io.StringIO()
    with redirect_stdout(capture):
        code = run_class(
            classroom,
            out / "results",
            "--csv",
            str(out / "grades.csv"),
            "--json",
            str(out / "class.json"),
            "--html",
            str(out / "html"),
        )
    return code, capture.getvalue(), out


def copy_of_results(first_run, tmp_path) -> Path:
    return Path(shutil.copytree(first_run[2] / "results", tmp_path / "results"))


def test_folder_run_prints_the_summary_and_writes_gradebook_and_json(first_run):
    code, printed, out = first_run
    assert code == 2  # dave's file cannot be graded at all
    summary = " ".join(printed.split())
    for student in ("alice", "bob", "carol", "dave", "erin", "frank"):
        assert student in summary
    assert "mean" in summary and "median" in summary and "Most often not passed" in summary
    assert "dave: dave.py, line 3: syntax error" in summary

    rows = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))
    assert [row["student"] for row in rows] == ["alice", "bob", "carol", "dave", "erin", "frank"]
    assert (
        rows[0]["total"] == "17" and rows[0]["part1_large"] == "5" and rows[0]["status"] == "passed"
    )
    assert rows[3]["status"] == "error" and rows[3]["total"] == "0"
    by_student = {row["student"]: row for row in rows}
    assert by_student["erin"]["part1_small"] == "2"  # graded although part1_large hangs
    assert by_student["frank"]["part2_wide"] == "0"  # missing parts score nothing

    forms = json.loads((out / "class.json").read_text())
    assert [form["submission"].split("/")[-1] for form in forms] == [
        f"{s}.py" for s in ("alice", "bob", "carol", "dave", "erin", "frank")
    ]
    assert forms[4]["parts"][0]["error"].startswith("part1_large() did not return within 5 s")
    assert forms[5]["parts"][2]["status"] == "missing"


def test_class_run_writes_the_html_index_and_a_page_per_student(first_run):
    html = first_run[2] / "html"
    index = (html / "index.html").read_text()
    for student in ("alice", "bob", "carol", "dave", "erin", "frank"):
        assert f"href='{student}.html'" in index
        assert (html / f"{student}.html").read_text().startswith("<!DOCTYPE html>")
    assert "id='histogram'" in index


def test_second_run_reuses_every_stored_result(classroom, first_run, tmp_path, capsys):
    results = copy_of_results(first_run, tmp_path)
    stored = sorted(p.name for p in results.iterdir())
    run_class(classroom, results)
    err = capsys.readouterr().err
    assert err.count("(cached)") == 6  # dave's syntax error too: his file has not changed
    assert sorted(p.name for p in results.iterdir()) == stored


def test_a_changed_file_is_regraded(classroom, first_run, tmp_path, capsys):
    results = copy_of_results(first_run, tmp_path)
    copy = Path(shutil.copytree(classroom[0], tmp_path / "class"))
    with (copy / "alice.py").open("a") as source:
        source.write("\n# a comment changes the file's bytes\n")
    run_class(classroom, results, folder=copy)
    err = capsys.readouterr().err
    assert "alice: 17/27 passed" in err and err.count("(cached)") == 5


def test_force_regrades_everything(classroom, first_run, tmp_path, capsys):
    results = copy_of_results(first_run, tmp_path)
    pair = tmp_path / "pair"
    pair.mkdir()
    for name in ("alice.py", "bob.py"):
        shutil.copy(classroom[0] / name, pair / name)
    run_class(classroom, results, folder=pair)
    assert capsys.readouterr().err.count("(cached)") == 2
    run_class(classroom, results, "--force", folder=pair)
    assert "(cached)" not in capsys.readouterr().err


def test_corrupt_stored_result_is_ignored_and_rebuilt(classroom, first_run, tmp_path, capsys):
    results = copy_of_results(first_run, tmp_path)
    victim = sorted(results.iterdir())[0]
    victim.write_text("{not json")
    run_class(classroom, results)
    assert capsys.readouterr().err.count("(cached)") == 5
    assert json.loads(victim.read_text())["assignment"] == "mnist-mlp"


def test_killed_run_resumes_with_only_the_rest(classroom, tmp_path, capsys):
    folder, assignment = classroom
    results = tmp_path / "results"
    command = [
        sys.executable,
        "-m",
        "grader.cli",
        str(folder),
        "--no-train",
        "--assignment",
        str(assignment),
        "--results",
        str(results),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(list(results.glob("*.json"))) < 2:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    kept = len(list(results.glob("*.json")))
    assert 2 <= kept < 6
    assert not list(results.glob(".partial-*"))  # no half-written result survives
    capsys.readouterr()
    run_class(classroom, results)
    err = capsys.readouterr().err
    assert err.count("(cached)") == kept
    assert len(list(results.glob("*.json"))) == 6


def test_submissions_are_found_in_folders_globs_and_lists(tmp_path):
    for name in ("b.py", "a.py", "notes.txt", "c.ipynb"):
        (tmp_path / name).write_text("x = 1\n")
    assert [p.name for p in find_submissions([str(tmp_path)])] == ["a.py", "b.py", "c.ipynb"]
    assert [p.name for p in find_submissions([str(tmp_path / "*.py")])] == ["a.py", "b.py"]
    names = student_names([Path("x/alice.py"), Path("y/alice.py"), Path("y/bob.py")])
    assert list(names.values()) == ["x/alice", "y/alice", "bob"]


def test_jobs_grade_several_at_once_with_the_same_results(classroom, first_run, tmp_path):
    parallel = tmp_path / "parallel.json"
    run_class(classroom, tmp_path / "results", "--json", str(parallel), "--jobs", "2")

    def figures(path):
        forms = json.loads(path.read_text())
        return [(f["submission"], f["score"], [p["status"] for p in f["parts"]]) for f in forms]

    assert figures(first_run[2] / "class.json") == figures(parallel)
