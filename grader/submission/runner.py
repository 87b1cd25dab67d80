"""Runs a submission in the sandboxed child and collects what it sends, under time and size limits.

One child imports the file and calls the builders in turn. When a builder hangs or kills its
process, that part fails with the reason and a fresh child carries on with the parts left.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from grader.assignment import Limits
from grader.errors import SubmissionError
from grader.submission.cgroups import ControlGroup
from grader.submission.sandbox import SandboxPolicy
from grader.submission.source import SubmissionSource

CHILD_SCRIPT = Path(__file__).with_name("child.py")
LOG_TAIL_BYTES = 4000


class StudentError(BaseModel):
    """What went wrong on the student's side, as the child or the runner saw it."""

    model_config = ConfigDict(frozen=True)

    kind: str  # exception, not_a_model, not_serializable, timeout, crash, protocol
    message: str
    type: str | None = None
    line: int | None = None
    code: str | None = None

    def describe(self, filename: str) -> str:
        if self.kind != "exception":
            return self.message
        where = f" at {filename}, line {self.line}" if self.line else ""
        code = f" (`{self.code.strip()}`)" if self.code and self.code.strip() else ""
        return f"raised {self.type}: {self.message}{where}{code}"


class ModuleValue(BaseModel):
    """A module-level value (FIT, ANSWERS) as plain data, or why it is not plain data."""

    model_config = ConfigDict(frozen=True)

    value: Any = None
    error: str | None = None


class BuiltPart(BaseModel):
    """One builder's outcome: the model's Keras config and compile config, or an error."""

    model_config = ConfigDict(frozen=True)

    part_id: str
    config: dict[str, Any] | None = None
    compile_config: dict[str, Any] | None = None
    error: StudentError | None = None


class CapturedSubmission(BaseModel):
    """Everything taken back from the student's process: data only."""

    model_config = ConfigDict(frozen=True)

    defined: list[str]
    parts: dict[str, BuiltPart]
    fit: ModuleValue | None = None
    answers: ModuleValue | None = None
    log_tail: str = ""


SIGNAL_MEANINGS = {
    signal.SIGSEGV: "crashed (segmentation fault)",
    signal.SIGBUS: "crashed (bus error)",
    signal.SIGABRT: "aborted",
    signal.SIGXFSZ: "wrote more than its output limit",
    signal.SIGXCPU: "used more than its CPU-time limit",
    signal.SIGKILL: "was killed (SIGKILL)",
}


class _ChildEnded(Exception):
    def __init__(self, error: StudentError):
        super().__init__(error.message)
        self.error = error


class _Child:
    """One run of child.py with a line-reading channel and a deadline per read."""

    def __init__(
        self,
        arguments: list[str],
        policy: SandboxPolicy,
        workdir: Path,
        log: Path,
        entry: str = "submission.py",
    ):
        read_fd, write_fd = os.pipe()
        self._log = open(log, "ab")  # noqa: SIM115 - closed in close()
        command = policy.launch(CHILD_SCRIPT, workdir, [str(write_fd), *arguments], entry)
        self.namespaced = policy.isolation == "bubblewrap"
        self.group = (
            ControlGroup.create(policy.memory_bytes, policy.processes)
            if policy.control_groups
            else None
        )
        self._policy = policy
        self.process = subprocess.Popen(
            command,
            cwd=workdir,
            env=policy.process_environment(workdir),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            pass_fds=(write_fd,),
            preexec_fn=self._enter_limits,
            start_new_session=True,
        )
        os.close(write_fd)
        self._channel = read_fd
        self._buffer = b""
        self._selector = selectors.DefaultSelector()
        self._selector.register(read_fd, selectors.EVENT_READ)

    def _enter_limits(self) -> None:
        """Between fork and exec: resource limits, then the control group."""
        self._policy.apply_limits()
        if self.group is not None:
            self.group.join()

    def read(self, deadline: float, max_bytes: int) -> dict[str, Any]:
        """The next message, or _ChildEnded when the child dies, hangs or misbehaves."""
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._selector.select(timeout=remaining):
                raise _ChildEnded(StudentError(kind="timeout", message="timed out"))
            chunk = os.read(self._channel, 1 << 16)
            if not chunk:
                raise _ChildEnded(self._exit_error())
            self._buffer += chunk
            if len(self._buffer) > max_bytes:
                raise _ChildEnded(
                    StudentError(kind="protocol", message=f"sent more than {max_bytes:,} bytes")
                )
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            raise _ChildEnded(
                StudentError(kind="protocol", message="sent malformed data")
            ) from None
        if not isinstance(message, dict):
            raise _ChildEnded(StudentError(kind="protocol", message="sent malformed data"))
        return message

    def _exit_error(self) -> StudentError:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return StudentError(kind="crash", message="closed its channel and kept running")
        if self.group is not None and self.group.out_of_memory():
            limit = self._policy.memory_bytes / 1024**3
            return StudentError(
                kind="crash", message=f"used more than its {limit:g} GiB memory limit"
            )
        # Killed by a signal: negative directly, or 128 + signal when reported by bubblewrap.
        number = -code if code < 0 else code - 128 if self.namespaced and code > 128 else 0
        if number in SIGNAL_MEANINGS:
            return StudentError(kind="crash", message=f"the process {SIGNAL_MEANINGS[number]}")
        if number:
            return StudentError(kind="crash", message=f"the process was killed by signal {number}")
        return StudentError(kind="crash", message=f"the process exited with code {code}")

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        if self.group is not None:
            self.group.destroy()  # every process the child started, gone before the next one
        self._selector.close()
        os.close(self._channel)
        self._log.close()


def run_submission(
    source: SubmissionSource,
    part_ids: list[str],
    limits: Limits,
    policy: SandboxPolicy | None = None,
) -> CapturedSubmission:
    """Import the submission in a sandboxed child and call each part's builder there.

    Raises SubmissionError when the file cannot be imported at all.
    """
    policy = policy or SandboxPolicy()
    private = Path(tempfile.mkdtemp(prefix="grader-run-"))  # the student's process never sees it
    workdir = Path(tempfile.mkdtemp(prefix="grader-sandbox-"))
    try:
        (workdir / "submission.py").write_text(source.text, encoding="utf-8")
        return _collect(source, part_ids, policy, workdir, private / "output.log", limits)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)


def _collect(source, part_ids, policy, workdir, log, limits: Limits) -> CapturedSubmission:
    max_bytes = 2 * limits.max_config_bytes + 65536
    overall = time.monotonic() + limits.submission_timeout_s

    def deadline(seconds: float) -> float:
        return min(time.monotonic() + seconds, overall)

    parts: dict[str, BuiltPart] = {}
    loaded: dict[str, Any] | None = None
    remaining = list(part_ids)
    while remaining:
        child = _Child([json.dumps(remaining)], policy, workdir, log)
        in_flight: str | None = None
        try:
            try:
                message = _expect_loaded(
                    child, source, log, deadline(limits.load_timeout_s), max_bytes
                )
            except (SubmissionError, _ChildEnded) as error:
                if loaded is None:
                    raise
                # A fresh child for the parts left failed where the first one loaded.
                reason = f"not built: the submission could not be restarted ({error})"
                for part_id in remaining:
                    parts[part_id] = BuiltPart(
                        part_id=part_id, error=StudentError(kind="crash", message=reason)
                    )
                break
            loaded = loaded or message
            remaining = [p for p in remaining if p in (loaded.get("defined") or [])]
            while remaining:
                message = child.read(deadline(limits.builder_timeout_s), max_bytes)
                if message.get("event") == "start" and message.get("part") == remaining[0]:
                    in_flight = remaining[0]
                    continue
                if message.get("event") != "built" or message.get("part") != in_flight:
                    raise _ChildEnded(StudentError(kind="protocol", message="sent malformed data"))
                parts[in_flight] = _built_part(in_flight, message, max_config_bytes=max_bytes)
                remaining.pop(0)
                in_flight = None
        except _ChildEnded as ended:
            failed = in_flight or (remaining[0] if loaded and remaining else None)
            if failed is None:
                raise SubmissionError(_load_error(source, ended.error.model_dump(), log)) from None
            if time.monotonic() >= overall:
                reason = (
                    f"not built: the submission's overall time limit "
                    f"({limits.submission_timeout_s:g} s) ran out"
                )
                for part_id in remaining[remaining.index(failed) :]:
                    parts[part_id] = BuiltPart(
                        part_id=part_id, error=StudentError(kind="timeout", message=reason)
                    )
                break
            parts[failed] = BuiltPart(
                part_id=failed, error=_ended_error(ended.error, limits.builder_timeout_s)
            )
            remaining = remaining[remaining.index(failed) + 1 :]
        finally:
            child.close()
    loaded = loaded or {}
    return CapturedSubmission(
        defined=[p for p in part_ids if p in (loaded.get("defined") or [])],
        parts=parts,
        fit=_module_value(loaded.get("fit")),
        answers=_module_value(loaded.get("answers")),
        log_tail=_log_tail(log),
    )


def _expect_loaded(child, source, log, deadline: float, max_bytes: int) -> dict[str, Any]:
    """The child's first message: the module loaded, or a SubmissionError saying why not."""
    message = child.read(deadline, max_bytes)
    if message.get("event") == "load_error":
        raise SubmissionError(_load_error(source, message.get("error"), log))
    if message.get("event") != "loaded":
        raise _ChildEnded(StudentError(kind="protocol", message="sent malformed data"))
    return message


def _built_part(part_id: str, message: dict[str, Any], *, max_config_bytes: int) -> BuiltPart:
    try:
        if message.get("error") is not None:
            return BuiltPart(part_id=part_id, error=StudentError.model_validate(message["error"]))
        return BuiltPart(
            part_id=part_id,
            config=message.get("model_config"),
            compile_config=message.get("compile_config"),
        )
    except ValidationError:
        return BuiltPart(
            part_id=part_id, error=StudentError(kind="protocol", message="sent malformed data")
        )


def _ended_error(error: StudentError, builder_timeout_s: float) -> StudentError:
    if error.kind == "timeout":
        return StudentError(
            kind="timeout",
            message=f"did not return within {builder_timeout_s:g} s; make the builder only "
            "build and compile the model (no training, no loops waiting on input)",
        )
    return StudentError(kind=error.kind, message=f"{error.message} while building the model")


def _module_value(raw: Any) -> ModuleValue | None:
    if raw is None:
        return None
    try:
        return ModuleValue.model_validate(raw)
    except ValidationError:
        return ModuleValue(error="malformed")


def _load_error(source: SubmissionSource, raw: Any, log: Path) -> str:
    try:
        error = StudentError.model_validate(raw)
    except ValidationError:
        error = StudentError(kind="protocol", message="sent malformed data")
    if error.kind == "timeout":
        return (
            f"{source.name} did not finish importing within the time limit. Move slow work "
            "(training, downloads, loops) out of module level: the grader only needs the "
            "builder functions."
        )
    if error.kind != "exception":
        tail = _log_tail(log).strip().splitlines()[-1:] or [""]
        return (
            f"{source.name} could not be imported: {error.message}. "
            f"Last output: {tail[0][:300]!r}. Run `python {source.name}` to reproduce it."
        )
    where = f", line {error.line}" if error.line else ""
    code = f" (`{error.code.strip()}`)" if error.code else ""
    hint = (
        " Only tensorflow, keras, numpy and the standard library are available to submissions."
        if error.type in ("ModuleNotFoundError", "ImportError")
        else " Code at module level runs when the file is imported; fix it or move it into a function."
    )
    return (
        f"{source.name}{where}: importing the file raised {error.type}: {error.message}{code}."
        + hint
    )


def _log_tail(log: Path) -> str:
    try:
        with open(log, "rb") as handle:
            handle.seek(max(0, log.stat().st_size - LOG_TAIL_BYTES))
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
