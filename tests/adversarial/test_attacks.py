"""Hostile submissions: each test asserts the grader defeats the attack and says why.

Attacks that only namespaces can stop (reading files outside, writing outside, the network,
signalling the grader, fork storms) run only where the sandbox level is bubblewrap; CI installs
it. After every test, nothing has been written outside the sandbox.
"""

from __future__ import annotations

import json
import socket
import tempfile
import threading
from pathlib import Path

import pytest

import grader
from grader.assignment import Limits
from grader.grading import grade
from grader.report.json_report import render_json
from grader.submission.sandbox import SandboxPolicy, detect_isolation

HERE = Path(__file__).parent
NAMESPACES = detect_isolation() == "bubblewrap"
needs_namespaces = pytest.mark.skipif(not NAMESPACES, reason="needs the bubblewrap sandbox")
needs_own_uid = pytest.mark.skipif(
    not SandboxPolicy().drops_privileges, reason="needs bubblewrap with the grader run as root"
)


@pytest.fixture
def outside(tmp_path_factory):
    """A directory outside the sandbox that no submission may touch."""
    return tmp_path_factory.mktemp("outside")


def _snapshot(*folders: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path): (path.stat().st_size, path.stat().st_mtime_ns)
        for folder in folders
        for path in folder.rglob("*")
    }


def _leftovers() -> set[str]:
    temp = Path(tempfile.gettempdir())
    names = {"planted-by-student.txt", "pwned"}
    return {p.name for p in temp.iterdir() if p.name.startswith("grader-") or p.name in names}


@pytest.fixture(autouse=True)
def nothing_written_outside(outside):
    package = Path(grader.__file__).parent
    before, temp_before = _snapshot(outside, package, HERE), _leftovers()
    yield
    assert _snapshot(outside, package, HERE) == before
    assert _leftovers() <= temp_before


@pytest.fixture
def hostile(tmp_path):
    def write(name: str, **tokens: str) -> Path:
        text = (HERE / f"{name}.py").read_text()
        for token, value in tokens.items():
            text = text.replace(f"__{token.upper()}__", value)
        path = tmp_path / f"{name}.py"
        path.write_text(text)
        return path

    return write


@pytest.fixture
def quick(assignment):
    return assignment.model_copy(update={"limits": Limits(builder_timeout_s=8)})


def part(result, part_id):
    return next(p for p in result.parts if p.id == part_id)


def still_graded(result, part_id="part3") -> bool:
    """The innocent part was inspected and checked, whatever its verdict."""
    graded = part(result, part_id)
    return graded.status in ("passed", "failed") and graded.params is not None


def test_patched_keras_methods_are_never_read(assignment, mnist_slice, hostile):
    result = grade(hostile("patched_keras"), assignment, dataset=mnist_slice)
    large = part(result, "part1_large")
    assert large.params.total == 784 * 8 + 8 + 8 * 10 + 10
    checks = {c.name: c for c in large.checks}
    assert not checks["trainable params"].passed and not checks["answer: weights"].passed
    assert part(result, "part3").metrics.epochs == 1
    assert part(result, "part3").metrics.test_accuracy < 0.9


def test_weights_smuggled_through_an_initializer_are_refused(assignment, hostile):
    result = grade(hostile("smuggled_weights"), assignment, train=False)
    assert part(result, "part3").status == "error"
    assert (
        "carries an array of 10 numbers" in part(result, "part3").error
        or "carries an array" in part(result, "part3").error
    )


def test_lambda_layer_is_refused_before_anything_is_rebuilt(assignment, hostile):
    result = grade(hostile("lambda_layer"), assignment, train=False)
    error = part(result, "part3").error
    assert "is a Lambda, which is not allowed" in error and "Dense, Flatten" in error


def test_custom_layer_class_is_refused(assignment, hostile):
    result = grade(hostile("custom_layer"), assignment, train=False)
    error = part(result, "part3").error
    assert "SneakyDense, which is not allowed" in error


def test_builder_that_loops_forever_times_out_alone(quick, hostile):
    result = grade(hostile("infinite_loop"), quick, train=False)
    assert "did not return within 8 s" in part(result, "part1_large").error
    assert still_graded(result)


def test_builder_that_allocates_without_end_fails_alone(assignment, hostile):
    result = grade(hostile("memory_bomb"), assignment, train=False)
    error = part(result, "part1_large").error
    assert "memory limit" in error or "MemoryError" in error
    assert still_graded(result)


@needs_own_uid
def test_fork_storm_is_bounded_and_fails_alone(quick, hostile):
    result = grade(hostile("fork_bomb"), quick, train=False)
    assert part(result, "part1_large").status == "error"
    assert still_graded(result)


def test_environment_secrets_are_invisible(assignment, hostile, monkeypatch, tmp_path_factory):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_topsecret0123456789")
    secret_file = tmp_path_factory.mktemp("home") / "id_rsa"
    secret_file.write_text("PRIVATE-KEY-MATERIAL")
    result = grade(hostile("read_secrets", secret_file=str(secret_file)), assignment, train=False)
    report = render_json(result)
    assert "ghp_topsecret0123456789" not in report
    if NAMESPACES:
        assert "PRIVATE-KEY-MATERIAL" not in report
    assert "ANSWERS['part1_large']['weights'] is" in report  # what it found was shown, sans secrets


@needs_namespaces
def test_writes_outside_the_sandbox_fail(assignment, hostile, outside):
    result = grade(hostile("write_outside", outside=str(outside)), assignment, train=False)
    answer = next(c for c in part(result, "part1_large").checks if c.name == "answer: weights")
    assert f"{outside}/planted.txt: [Errno 2] No such file or directory" in answer.message
    assert "grader package: No module named 'grader'" in answer.message
    assert not Path("/tmp/planted-by-student.txt").exists()  # its /tmp is its own
    assert not (outside / "planted.txt").exists()


@needs_namespaces
def test_network_is_unreachable(assignment, hostile):
    connections = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.2)

        def accept() -> None:
            for _ in range(150):
                try:
                    connections.append(listener.accept())
                except OSError:
                    continue

        watcher = threading.Thread(target=accept)
        watcher.start()
        port = listener.getsockname()[1]
        result = grade(hostile("open_socket", port=str(port)), assignment, train=False)
        watcher.join()
    assert connections == []
    answer = next(c for c in part(result, "part1_large").checks if c.name == "answer: weights")
    assert "refused: [Errno" in answer.message  # loopback of its own, or no route at all


def test_output_flood_fails_that_part_alone(quick, hostile):
    result = grade(hostile("print_flood"), quick, train=False)
    assert "File too large" in part(result, "part1_large").error
    assert still_graded(result)


def test_exit_from_a_builder_fails_that_part_alone(quick, hostile):
    result = grade(hostile("exit_process"), quick, train=False)
    assert "exited with code 0 while building the model" in part(result, "part1_large").error
    assert still_graded(result)


def test_segfault_fails_that_part_alone(quick, hostile):
    result = grade(hostile("segfault"), quick, train=False)
    assert "segmentation fault" in part(result, "part1_large").error
    assert still_graded(result)


def test_fit_settings_out_of_bounds_are_not_trained(assignment, mnist_slice, hostile):
    result = grade(hostile("fit_out_of_bounds"), assignment, dataset=mnist_slice)
    large, part3 = part(result, "part1_large"), part(result, "part3")
    assert large.metrics is None and part3.metrics is None
    trains = {c.name: c.message for c in large.checks}["trains"]
    assert trains == "not trained: FIT asks for epochs=1000; allowed 1 to 100"
    assert (
        "batch_size=10000000; allowed 1 to 4,096"
        in {c.name: c.message for c in part3.checks}["trains"]
    )


def test_models_over_the_caps_are_refused_before_they_are_built(assignment, hostile):
    result = grade(hostile("oversized_model"), assignment, train=False)
    assert "parameters; the limit is 20,000,000" in part(result, "part1_large").error
    assert "layers; the limit is 200" in part(result, "part3").error


@needs_namespaces
def test_a_submission_cannot_kill_the_grader(assignment, hostile):
    result = grade(hostile("kill_the_grader"), assignment, train=False)
    # Still here: the grader was out of reach, and the submission was graded as usual.
    assert still_graded(result)
    assert json.loads(render_json(result))["submission"].endswith("kill_the_grader.py")
