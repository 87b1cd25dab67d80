"""Runs a script-style submission or a notebook in the sandboxed child and collects its records.

The cells run in one child, in order (see recorder.py). What the child sends is validated into
typed records; when a cell raises, hangs or kills the process, the records sent before it are
kept, so the models built before the failing cell are still graded.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from grader.assignment import Limits
from grader.submission.runner import (
    ModuleValue,
    StudentError,
    _Child,
    _ChildEnded,
    _log_tail,
    _module_value,
)
from grader.submission.sandbox import SandboxPolicy
from grader.submission.source import SubmissionSource

MAX_FITS_PER_MODEL = 10
MAX_USES_PER_MODEL = 10


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class InputPrint(Record):
    """What the child saw of an array passed to fit/evaluate/predict (see recorder.py)."""

    shape: list[int] = []
    row_sums: str | None = None  # float32, base64
    sample_index: list[int] = []
    sample: str | None = None  # the rows at sample_index, float32, base64
    error: str | None = None  # why there is no fingerprint (not an array, too many calls)


class RecordedFit(Record):
    """One `fit` call: its settings as Keras would have used them, and its inputs."""

    cell: int
    line: int | None = None
    epochs: int | float | None = None
    batch_size: int | float | None = None
    validation_split: int | float | None = None
    validation_data: bool = False
    validation_x: InputPrint | None = None  # the images of validation_data, when given
    x: InputPrint | None = None
    labels: str | None = None  # uint8, base64
    config: dict[str, Any] | None = None
    compile_config: dict[str, Any] | None = None


class RecordedUse(Record):
    """One `evaluate` or `predict` call."""

    kind: str
    cell: int
    seq: int = 0  # its place among all the run's evaluate/predict calls
    x: InputPrint | None = None


class RecordedModel(Record):
    """A compiled model: where it was created, its configs, and what was done with it."""

    index: int
    serial: int
    origin: list[tuple[int, int]] = []  # (cell, line) of the student's frames, innermost first
    cell: int
    config: dict[str, Any] | None = None
    compile_config: dict[str, Any] | None = None
    error: str | None = None
    fits: list[RecordedFit] = []
    uses: list[RecordedUse] = []
    names: list[str] = []


class ScriptCapture(Record):
    """Everything recorded from a script or notebook run, models in creation order."""

    models: list[RecordedModel]
    failure: str | None = None  # the cell that raised, hung or crashed, and how
    pinned: ModuleValue | None = None  # PARTS, as part id -> model index
    answers: ModuleValue | None = None
    log_tail: str = ""


def run_script(
    source: SubmissionSource, limits: Limits, policy: SandboxPolicy | None = None
) -> ScriptCapture:
    """Run the submission's cells in a sandboxed child, recording models, fits and uses."""
    policy = policy or SandboxPolicy()
    private = Path(tempfile.mkdtemp(prefix="grader-run-"))
    workdir = Path(tempfile.mkdtemp(prefix="grader-sandbox-"))
    try:
        cells = [cell.model_dump(include={"index", "filename", "source"}) for cell in source.cells]
        (workdir / "cells.json").write_text(json.dumps(cells), encoding="utf-8")
        with resources.as_file(resources.files("grader") / "data" / "mnist.npz") as data:
            shutil.copyfile(data, workdir / "mnist.npz")
        return _Session(source, limits).collect(policy, workdir, private / "output.log")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)


class _Session:
    """The records of one run, updated message by message."""

    def __init__(self, source: SubmissionSource, limits: Limits):
        self.source = source
        self.limits = limits
        self.models: dict[int, dict[str, Any]] = {}
        self.cell = source.cells[0].index if source.cells else 0
        self.failure: str | None = None
        self.done: dict[str, Any] = {}

    def collect(self, policy: SandboxPolicy, workdir: Path, log: Path) -> ScriptCapture:
        limits = self.limits
        max_bytes = 2 * limits.max_config_bytes + 2_000_000
        overall = time.monotonic() + limits.submission_timeout_s
        child = _Child(["--script"], policy, workdir, log, entry="cells.json")
        try:
            while not self.done:
                deadline = min(time.monotonic() + limits.load_timeout_s, overall)
                self._receive(child.read(deadline, max_bytes))
        except _ChildEnded as ended:
            self.failure = self._ended(ended.error, time.monotonic() >= overall)
        finally:
            child.close()
        return self._capture(log)

    def _receive(self, message: dict[str, Any]) -> None:
        event = message.get("event")
        try:
            if event == "cell":
                self.cell = int(message["cell"])
            elif event == "model":
                self._model(message)
            elif event in ("fit", "use"):
                self._call(event, message)
            elif event == "cell_error":
                error = StudentError.model_validate(message["error"])
                self.failure = self._described(int(message["cell"]), error)
            elif event == "done":
                self.done = message
            else:
                raise ValueError(event)
        except (KeyError, TypeError, ValueError, ValidationError):
            raise _ChildEnded(
                StudentError(kind="protocol", message="sent malformed data")
            ) from None

    def _model(self, message: dict[str, Any]) -> None:
        index = int(message["index"])
        known = self.models.setdefault(index, {"fits": [], "uses": []})
        known.update(
            index=index,
            serial=int(message["serial"]),
            origin=[(int(cell), int(line)) for cell, line in message.get("origin") or []],
            cell=int(message["cell"]),
            config=message.get("model_config"),
            compile_config=message.get("compile_config"),
            error=message.get("error"),
        )

    def _call(self, event: str, message: dict[str, Any]) -> None:
        known = self.models.get(message.get("index"))  # a use of a model never compiled: ignored
        if known is None:
            return
        if event == "fit" and len(known["fits"]) < MAX_FITS_PER_MODEL:
            fields = {k: v for k, v in message.items() if k not in ("event", "index")}
            fields["config"] = fields.pop("model_config", None)
            known["fits"].append(RecordedFit.model_validate(fields))
        elif event == "use" and len(known["uses"]) < MAX_USES_PER_MODEL:
            known["uses"].append(RecordedUse.model_validate(message))

    def _ended(self, error: StudentError, out_of_time: bool) -> str:
        if out_of_time:
            return (
                f"{self._label(self.cell)} was still running when the submission's overall time "
                f"limit ({self.limits.submission_timeout_s:g} s) ran out; the cells after it did not run"
            )
        if error.kind == "timeout":
            return (
                f"{self._label(self.cell)} did not finish within {self.limits.load_timeout_s:g} s; "
                "the cells after it did not run (training is recorded, not run: look for loops "
                "or slow work)"
            )
        return f"{self._label(self.cell)}: {error.message}; the cells after it did not run"

    def _described(self, cell: int, error: StudentError) -> str:
        where = f"{self._label(cell)}, line {error.line}" if error.line else self._label(cell)
        code = f" (`{error.code.strip()}`)" if error.code and error.code.strip() else ""
        return (
            f"{where} raised {error.type}: {error.message}{code}; the cells after it did not run, "
            "the models built before it are graded"
        )

    def _label(self, index: int) -> str:
        for cell in self.source.cells:
            if cell.index == index:
                return cell.label
        return f"cell {index}"

    def _capture(self, log: Path) -> ScriptCapture:
        names = self.done.get("names") if isinstance(self.done.get("names"), dict) else {}
        models = []
        for index, fields in self.models.items():
            try:
                named = names.get(str(index))
                fields = {
                    **fields,
                    "names": [str(n) for n in named] if isinstance(named, list) else [],
                }
                models.append(RecordedModel.model_validate(fields))
            except ValidationError:
                continue
        models.sort(key=lambda model: (model.serial, model.index))
        return ScriptCapture(
            models=models,
            failure=self.failure or self.source.stopped,
            pinned=_module_value(self.done.get("pinned")),
            answers=_module_value(self.done.get("answers")),
            log_tail=_log_tail(log),
        )
