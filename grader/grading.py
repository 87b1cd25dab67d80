"""The pipeline: read the file, run it sandboxed, inspect and check each part, train, score.

`grade` is pure in the sense the CLI needs: it returns a SubmissionResult and prints nothing;
progress goes to an observer the caller injects.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from grader import __version__
from grader.assignment import TRAINING_CHECK_KINDS, Assignment, Part, check_name
from grader.checks import Evidence, evaluate, failed_everywhere
from grader.dataset import FLAT_SHAPE, Dataset, load_mnist
from grader.errors import ModelRejected, SubmissionError
from grader.keras_loader import load_keras
from grader.results import CheckResult, Diagnosis, PartResult, SubmissionResult
from grader.script.parts import ScriptReading, read_capture, unreproduced_claims
from grader.submission.runner import CapturedSubmission, run_submission
from grader.submission.sandbox import SandboxPolicy
from grader.submission.script_runner import ScriptCapture, run_script
from grader.submission.source import SubmissionSource, file_sha256, read_submission
from grader.training_cache import TrainingCache, training_key


class Observer(Protocol):
    """Receives progress while grading; the CLI shows it, tests ignore it."""

    def stage(self, message: str) -> None: ...
    def training_started(self, part_id: str, epochs: int) -> None: ...
    def epoch_finished(self, part_id: str, epoch: int, logs: dict[str, float]) -> None: ...
    def training_finished(self, part_id: str) -> None: ...


@dataclass(frozen=True)
class _Context:
    """What every part of one submission is graded with."""

    assignment: Assignment
    captured: CapturedSubmission
    source: SubmissionSource
    data: Dataset | None
    observer: Observer
    cache: TrainingCache | None
    reading: ScriptReading | None = None  # script and notebook forms


class SilentObserver:
    def stage(self, message: str) -> None:
        pass

    def training_started(self, part_id: str, epochs: int) -> None:
        pass

    def epoch_finished(self, part_id: str, epoch: int, logs: dict[str, float]) -> None:
        pass

    def training_finished(self, part_id: str) -> None:
        pass


def grade(
    path: Path,
    assignment: Assignment,
    *,
    train: bool = True,
    dataset: Dataset | None = None,
    observer: Observer | None = None,
    policy: SandboxPolicy | None = None,
    cache: TrainingCache | None = None,
) -> SubmissionResult:
    """Grade one submission file. Never raises for a bad submission: the result says why.
    With a `cache`, a model trained before with the same recipe is not trained again."""
    observer = observer or SilentObserver()
    policy = policy or SandboxPolicy()
    started = time.monotonic()
    header: dict[str, Any] = dict(
        submission=str(path),
        sha256=file_sha256(Path(path)),
        assignment=assignment.name,
        grader_version=__version__,
        trained=train,
        sandbox=policy.level,
    )
    try:
        source = read_submission(Path(path), [part.id for part in assignment.parts])
        observer.stage(f"Running {source.name} in the sandbox")
        captured = _capture_while_loading_keras(source, assignment, policy)
    except SubmissionError as error:
        reason = "not graded: the submission could not be loaded"
        parts = [_unbuilt_part(part, "error", reason) for part in assignment.parts]
        return SubmissionResult(
            **header, error=str(error), parts=parts, seconds=time.monotonic() - started
        )
    header["form"] = source.form
    reading = None
    if isinstance(captured, ScriptCapture):
        script, reading = captured, read_capture(captured, source, assignment, load_mnist())
        captured = reading.captured
    data = (dataset or load_mnist()) if train else None
    context = _Context(assignment, captured, source, data, observer, cache, reading)
    parts = [_grade_part(part, context) for part in assignment.parts]
    extra: dict[str, Any] = {}
    if reading is not None:
        claims = unreproduced_claims(script, source, reading, parts, load_mnist())
        extra = dict(
            models=reading.models, notes=reading.notes, integrity=reading.integrity + claims
        )
    return SubmissionResult(
        **header,
        parts=parts,
        seconds=round(time.monotonic() - started, 2),
        written_answers=written_answers(captured),
        **extra,
    )


def written_answers(captured: CapturedSubmission, limit: int = 4000) -> dict[str, dict[str, str]]:
    """Free-text entries of ANSWERS (e.g. a hypothesis), shown to the instructor as written."""
    value = captured.answers.value if captured.answers else None
    if not isinstance(value, dict):
        return {}
    found: dict[str, dict[str, str]] = {}
    for key, entries in value.items():
        if isinstance(entries, dict):
            texts = {str(k): v[:limit] for k, v in entries.items() if isinstance(v, str)}
            if texts:
                found[str(key)] = texts
    return found


def _capture_while_loading_keras(
    source: SubmissionSource, assignment: Assignment, policy: SandboxPolicy
) -> CapturedSubmission | ScriptCapture:
    """Run the student's process while this one imports Keras: both take seconds."""
    part_ids = [part.id for part in assignment.parts]
    with ThreadPoolExecutor(max_workers=1) as pool:
        if source.form == "builder":
            future = pool.submit(run_submission, source, part_ids, assignment.limits, policy)
        else:
            future = pool.submit(run_script, source, assignment.limits, policy)
        load_keras()
        return future.result()


def _grade_part(part: Part, context: _Context) -> PartResult:
    # Imported here so that Keras loads while the student's process runs (see above).
    from grader.model.rebuild import inspect_config, rebuild

    assignment, captured, data = context.assignment, context.captured, context.data
    recorded = context.reading.recipes.get(part.id) if context.reading else None
    name = f"{part.id}()" if recorded is None else f"model {recorded.model} ({part.id})"
    if part.id not in captured.defined:
        return _unbuilt_part(part, "missing", _missing_reason(part.id, context))
    built = captured.parts.get(part.id)
    if built is None or built.error is not None or built.config is None:
        why = (
            built.error.describe(context.source.name)
            if built and built.error
            else "no model came back"
        )
        return _unbuilt_part(part, "error", f"{name} {why}")
    try:
        counted = inspect_config(built.config, assignment.limits, default_input=FLAT_SHAPE)
        model = rebuild(built.config, counted, assignment.training.seed)
    except ModelRejected as error:
        return _unbuilt_part(part, "error", f"{name}: {error}")

    answers, answers_error = _answers_for(part.id, captured)
    notes: list[str] = list(recorded.notes) if recorded else []
    training, training_error = None, None
    wants_training = part.train and data is not None
    diagnoses: list[Diagnosis] = []
    if wants_training:
        recipe, training_error = _training_recipe(part, built, recorded, context)
        if recipe is not None:
            training, training_error = _train_part(part, model, built, recipe, context, notes)
        if training is not None:
            diagnoses = _diagnose(part, built, counted, recipe, context, training, notes)
    evidence = Evidence(
        part_id=part.id,
        counted=counted,
        answers=answers,
        answers_error=answers_error,
        training=training,
        training_error=training_error,
    )
    checks, skipped = [], []
    for check in part.checks:
        if check.kind in TRAINING_CHECK_KINDS and not wants_training:
            skipped.append(check_name(check))
            continue
        checks.append(evaluate(check, evidence))
    return PartResult(
        id=part.id,
        title=part.title,
        status="passed" if all(check.passed for check in checks) else "failed",
        max_score=part.max_score,
        hidden_units=counted.hidden_units,
        params=counted.params,
        layers=counted.layers,
        metrics=training.metrics if training else None,
        checks=checks,
        skipped_checks=skipped,
        notes=notes,
        history=training.history if training else {},
        diagnoses=diagnoses,
        integrity=recorded.integrity if recorded else [],
    )


def _missing_reason(part_id: str, context: _Context) -> str:
    if context.reading is None:
        return f"missing: define a function {part_id}() that returns a keras.Model"
    return (
        f"missing: no compiled model in {context.source.name} was matched to this part "
        f"(pin one with `# grade: {part_id}`)"
    )


def _diagnose(part, built, counted, recipe, context: _Context, training, notes) -> list[Diagnosis]:
    """Evidence for a failing model, measured on a fresh copy with the same initialization."""
    from grader.diagnosis import diagnose, needs_diagnosis
    from grader.model.rebuild import rebuild

    data = context.data
    if not needs_diagnosis(part, training, data.num_classes):
        return []
    try:
        fresh = rebuild(built.config, counted, context.assignment.training.seed)
        plan, settings = recipe
        shape = list(fresh.inputs[0].shape[1:])
        return diagnose(fresh, settings, data, shape, training, plan.transform)
    except Exception as error:  # a diagnosis is a help, never a reason to lose the grade
        notes.append(f"no diagnosis: {type(error).__name__}: {str(error)[:200]}")
        return []


def _training_recipe(part, built, recorded, context: _Context):
    """The fit plan and compile settings, or (None, why the part cannot be trained).
    `recorded`: how a script or notebook trained this part's model, if it is one."""
    from grader.model.compile import resolve_compile
    from grader.training import resolve_fit

    training = context.assignment.training
    raw_fit = recorded.fit if recorded else _fit_for(part.id, context.captured)
    try:
        plan = resolve_fit(raw_fit, training.fit, training.fit_bounds)
        if recorded is not None:
            plan = plan.model_copy(update={"transform": recorded.transform})
        return (plan, resolve_compile(built.compile_config, training.compile)), None
    except ModelRejected as error:
        return None, str(error)


def _train_part(part, model, built, recipe, context: _Context, notes):
    """Train one rebuilt model; returns (outcome, None) or (None, why it was not trained)."""
    from grader.training import train

    training, observer, data = context.assignment.training, context.observer, context.data
    plan, settings = recipe
    notes.append(f"compile: {settings.describe()}")
    chosen_by = "as recorded" if context.reading else "FIT"
    source = chosen_by if plan.from_student else "default"
    notes.append(
        f"fit ({source}): epochs {plan.epochs}, batch size {plan.batch_size}, "
        f"validation split {plan.validation_split:g}, seed {training.seed}"
    )
    key = training_key(built.config, settings, plan, training.seed, data.checksum)
    cached = context.cache.load(key) if context.cache else None
    if cached is not None:
        notes.append("training: reused from the training cache (same model, settings and data)")
        return cached, None
    observer.training_started(part.id, plan.epochs)
    try:
        outcome = train(
            model, settings, plan, data, list(model.inputs[0].shape[1:]),
            on_epoch=lambda epoch, logs: observer.epoch_finished(part.id, epoch, logs),
        )  # fmt: skip
    except ModelRejected as error:
        return None, str(error)
    except Exception as error:  # a vetted config Keras still cannot train: that part fails
        return None, f"training failed ({type(error).__name__}: {str(error)[:300]})"
    finally:
        observer.training_finished(part.id)
    if context.cache is not None:
        context.cache.save(key, outcome)
    return outcome, None


def _fit_for(part_id: str, captured: CapturedSubmission) -> Any:
    if captured.fit is None:
        return None
    if captured.fit.error or not isinstance(captured.fit.value, dict):
        raise ModelRejected(
            f"FIT must be a dict of part ids to dicts ({captured.fit.error or 'not a dict'})"
        )
    return captured.fit.value.get(part_id)


def _answers_for(part_id: str, captured: CapturedSubmission) -> tuple[Any, str | None]:
    if captured.answers is None:
        return None, None
    if captured.answers.error or not isinstance(captured.answers.value, dict):
        return None, (
            "ANSWERS must be a dict of part ids to dicts of whole numbers "
            f"({captured.answers.error or 'not a dict'})"
        )
    return captured.answers.value.get(part_id), None


def _unbuilt_part(part: Part, status: str, reason: str) -> PartResult:
    checks: list[CheckResult] = [failed_everywhere(check, reason) for check in part.checks]
    return PartResult(
        id=part.id, title=part.title, status=status, error=reason, max_score=part.max_score,
        checks=checks,
    )  # fmt: skip
