"""The grade command: exit codes, one-paragraph errors, JSON on stdout."""

import json
import subprocess
import sys
import textwrap

import pytest

from grader.cli import main
from tests.conftest import REPO

SUBMISSIONS = REPO / "submissions"


def test_alice_preflight_exits_0(capsys):
    assert main([str(SUBMISSIONS / "alice.py"), "--no-train"]) == 0
    out = capsys.readouterr().out
    assert "Score 17/27" in out and "passed" in out


def test_bob_preflight_exits_1_and_names_the_broken_constraints(capsys):
    assert main([str(SUBMISSIONS / "bob.py"), "--no-train"]) == 1
    out = " ".join(capsys.readouterr().out.split())
    for message in (
        "9 hidden layers; allowed at least 10",
        "hidden layer 10 has 51 units",
        "answered 318,610",
    ):
        assert message in out


def test_syntax_error_exits_2_with_one_paragraph_and_no_traceback(write_submission, capsys):
    path = write_submission("import keras\ndef part1_large(:\n", name="erin.py")
    assert main([str(path), "--no-train"]) == 2
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "erin.py, line 2: syntax error" in " ".join(text.split())
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody.py"], "No such file"),
        (["--assignment", "nope.toml"], "Cannot read the assignment file"),
    ],
)
def test_unusable_inputs_exit_2(tmp_path, capsys, args, message):
    argv = (
        [str(SUBMISSIONS / "alice.py"), *args]
        if args[0].startswith("--")
        else [str(tmp_path / args[0])]
    )
    assert main([*argv, "--no-train"]) == 2
    captured = capsys.readouterr()
    assert message in " ".join((captured.out + captured.err).split())


def test_json_to_stdout_has_the_documented_fields(capsys):
    assert main([str(SUBMISSIONS / "bob.py"), "--no-train", "--json", "-"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "submission",
        "sha256",
        "assignment",
        "grader_version",
        "score",
        "max_score",
        "status",
        "error",
        "form",
        "models",
        "notes",
        "integrity",
        "parts",
    ]
    assert (data["form"], data["models"], data["integrity"]) == ("builder", [], [])
    part = data["parts"][0]
    assert list(part) == [
        "id",
        "status",
        "error",
        "score",
        "max_score",
        "hidden_units",
        "params",
        "layers",
        "metrics",
        "checks",
        "integrity",
    ]
    assert list(part["params"]) == [
        "weights",
        "biases",
        "other_trainable",
        "trainable",
        "non_trainable",
        "total",
    ]
    assert set(part["layers"][0]) == {
        "name",
        "type",
        "units",
        "activation",
        "weights",
        "biases",
        "other_trainable",
        "non_trainable",
    }
    assert set(part["checks"][0]) == {"name", "passed", "message", "points"}
    assert part["metrics"] is None and data["status"] == "failed"
    assert [p["id"] for p in data["parts"]][-1] == "part3"


def test_installed_entry_point_runs():
    completed = subprocess.run(
        [sys.executable, "-m", "grader.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.startswith("grader ")


def test_unwritable_json_path_is_a_clear_error(tmp_path, capsys):
    target = tmp_path / "no-such-folder" / "result.json"
    assert main([str(SUBMISSIONS / "alice.py"), "--no-train", "--json", str(target)]) == 2
    captured = capsys.readouterr()
    assert "cannot write" in captured.err and "Pass a writable path" in " ".join(
        captured.err.split()
    )
    assert "Score 17/27" in captured.out  # the report itself was not lost


def test_json_file_is_written(tmp_path):
    target = tmp_path / "result.json"
    assert main([str(SUBMISSIONS / "alice.py"), "--no-train", "--json", str(target)]) == 0
    assert json.loads(target.read_text())["status"] == "passed"


def test_training_cache_is_used_unless_turned_off(write_submission, capsys):
    path = write_submission(
        """
        import keras
        FIT = {"part1_small": {"epochs": 1}}
        def part1_small():
            return keras.Sequential([keras.Input((784,)), keras.layers.Dense(8), keras.layers.Dense(10)])
        """,
        name="cached.py",
    )
    main([str(path)])
    assert "training part1_small" in capsys.readouterr().err
    main([str(path)])
    assert "training part1_small" not in capsys.readouterr().err  # reused from the cache
    main([str(path), "--no-cache"])
    assert "training part1_small" in capsys.readouterr().err


def test_an_unchanged_file_reuses_its_result_and_a_changed_one_its_training(
    write_submission, capsys
):
    source = """
        import keras
        FIT = {"part1_small": {"epochs": 1}}
        def part1_small():
            return keras.Sequential([keras.Input((784,)), keras.layers.Dense(9), keras.layers.Dense(10)])
        """
    path = write_submission(source, name="again.py")
    main([str(path), "--json", "-"])
    first = json.loads(capsys.readouterr().out)
    main([str(path), "--json", "-"])
    again = capsys.readouterr()
    assert "Reused the result stored in" in again.err
    assert json.loads(again.out) == first
    commented = "# a comment changes the bytes, not the model\n" + textwrap.dedent(source)
    write_submission(commented, name="again.py")
    assert main([str(path)]) == 1  # graded (part 1 small passes; the other parts are missing)
    changed = capsys.readouterr().err
    assert "Reused the result" not in changed and "training part1_small" not in changed
    main([str(path), "--force"])
    assert "training part1_small" not in capsys.readouterr().err  # the training cache still holds
