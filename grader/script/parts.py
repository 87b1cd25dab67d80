"""From a recorded script or notebook run to what the grading pipeline needs: one built part per
mapped model, the fit settings and input transform of its first fit on the training images, and
the notes an instructor wants (test-set fits, repeated fits, cells run out of order, claims the
grader did not reproduce).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict

from grader.assignment import Assignment, FitSettings
from grader.dataset import FLAT_SHAPE, Dataset, InputTransform
from grader.errors import ModelRejected
from grader.results import ModelMapping, PartResult
from grader.script.inputs import InputFinding, check_labels, identify
from grader.script.mapping import (
    Candidate,
    grade_comments,
    map_models,
    structure_summary,
)
from grader.submission.notebook import out_of_order
from grader.submission.runner import BuiltPart, CapturedSubmission, StudentError
from grader.submission.script_runner import RecordedFit, RecordedModel, ScriptCapture
from grader.submission.source import SubmissionSource

KERAS_DEFAULT_BATCH = 32
KERAS_DEFAULT_EPOCHS = 1
CLAIM_TOLERANCE = 0.02  # seeds and library versions differ; a larger gap is worth a look
FitFinding = tuple[RecordedFit, InputFinding]  # a recorded fit and what its inputs were
ACCURACY_CLAIM = re.compile(r"acc\w*\W{0,20}?(\d+(?:\.\d+)?)\s*(%?)", re.IGNORECASE)


class PartRecipe(BaseModel):
    """How a notebook trained the model mapped to one part."""

    model_config = ConfigDict(frozen=True)

    model: int
    fit: dict[str, Any] | None = None  # epochs, batch_size, validation_split, as recorded
    transform: InputTransform = InputTransform()
    notes: list[str] = []
    integrity: list[str] = []


class ScriptReading(BaseModel):
    """A script or notebook run, read: the parts to grade and what the report says about it."""

    model_config = ConfigDict(frozen=True)

    captured: CapturedSubmission
    recipes: dict[str, PartRecipe]
    models: list[ModelMapping]
    notes: list[str] = []
    integrity: list[str] = []


def read_capture(
    capture: ScriptCapture, source: SubmissionSource, assignment: Assignment, reference: Dataset
) -> ScriptReading:
    """Map the recorded models to parts and work out how each was trained."""
    from grader.model.rebuild import inspect_config  # loads Keras, which grading loads anyway

    numbers = {model.index: number for number, model in enumerate(capture.models, start=1)}
    counted, summaries = {}, {}
    for number, model in enumerate(capture.models, start=1):
        try:
            if model.config is None:
                raise ModelRejected(model.error or "its config could not be exported")
            counted[number] = inspect_config(model.config, assignment.limits, FLAT_SHAPE)
            summaries[number] = structure_summary(counted[number])
        except ModelRejected as error:
            summaries[number] = f"not counted: {error}"
    candidates = [
        Candidate(number, model.origin, counted.get(number))
        for number, model in enumerate(capture.models, start=1)
    ]
    pinned, notes = _pinned(capture, numbers)
    chosen, how, mapping_notes = map_models(
        candidates, assignment.parts, pinned, grade_comments(source.cells)
    )
    notes += mapping_notes
    part_of = {model: part for part, model in chosen.items()}
    mapping = [
        ModelMapping(
            model=number,
            origin=_where(source, *(model.origin[-1] if model.origin else (model.cell, None))),
            names=model.names,
            summary=summaries[number],
            part=part_of.get(number),
            how=how.get(part_of.get(number), "none"),
        )
        for number, model in enumerate(capture.models, start=1)
    ]
    if capture.failure:
        notes.insert(0, capture.failure)
    if any(entry.how == "proposed" for entry in mapping):
        notes.append(
            "Models were matched to parts by the grader from their structure and creation order. "
            "To pin a model, end the line that creates it with `# grade: PART_ID`, or set "
            "PARTS = {'PART_ID': model, ...} at the end."
        )
    parts: dict[str, BuiltPart] = {}
    recipes: dict[str, PartRecipe] = {}
    fit_defaults = assignment.training.fit
    for part_id, number in chosen.items():
        model = capture.models[number - 1]
        findings = [(fit, _finding(fit, reference)) for fit in model.fits]
        parts[part_id] = _built(part_id, model, findings)
        recipes[part_id] = _recipe(number, model, findings, source, reference, fit_defaults)
    captured = CapturedSubmission(
        defined=[part.id for part in assignment.parts if part.id in chosen],
        parts=parts,
        answers=capture.answers,
        log_tail=capture.log_tail,
    )
    integrity = []
    counts = out_of_order(source.cells)
    if counts:
        integrity.append(
            "The saved notebook's cells ran out of order (execution counts "
            f"{', '.join(map(str, counts[:20]))}): its outputs may not come from the code as it reads."
        )
    return ScriptReading(
        captured=captured, recipes=recipes, models=mapping, notes=notes, integrity=integrity
    )


def unreproduced_claims(
    capture: ScriptCapture,
    source: SubmissionSource,
    reading: ScriptReading,
    parts: list[PartResult],
    reference: Dataset,
) -> list[str]:
    """Test accuracies printed in the saved outputs that the grader's training does not match.

    The k-th accuracy printed in a cell's output is read as the claim of the k-th `evaluate` on
    the test images in that cell; a cell whose counts differ is left alone, as ambiguous."""
    measured = {part.id: part.metrics.test_accuracy for part in parts if part.metrics}
    part_of = {recipe.model: part_id for part_id, recipe in reading.recipes.items()}
    evaluations: dict[int, list[tuple[int, int]]] = {}  # cell -> [(seq, model)]
    for number, model in enumerate(capture.models, start=1):
        for use in model.uses:
            if use.kind == "evaluate" and identify(use.x, reference).images == "test":
                evaluations.setdefault(use.cell, []).append((use.seq, number))
    found = []
    for cell in source.cells:
        claims = _claimed_accuracies(cell.outputs)
        ordered = [number for _, number in sorted(evaluations.get(cell.index, []))]
        if not claims or len(claims) != len(ordered):
            continue
        for number, claimed in zip(ordered, claims, strict=True):
            part_id = part_of.get(number)
            if part_id in measured and abs(claimed - measured[part_id]) > CLAIM_TOLERANCE:
                found.append(
                    f"{cell.label}'s saved output shows test accuracy {claimed:.4f} for model "
                    f"{number} ({part_id}); retraining it as written, the grader measured "
                    f"{measured[part_id]:.4f}"
                )
    return found


def _claimed_accuracies(text: str) -> list[float]:
    values = []
    for match in ACCURACY_CLAIM.finditer(text):
        value = float(match.group(1))
        value = value / 100 if match.group(2) or value > 1 else value
        if 0 <= value <= 1:
            values.append(value)
    return values


def _pinned(capture: ScriptCapture, numbers: dict[int, int]) -> tuple[dict[str, int], list[str]]:
    if capture.pinned is None:
        return {}, []
    value = capture.pinned.value
    if capture.pinned.error or not isinstance(value, dict):
        return {}, [f"PARTS ignored: {capture.pinned.error or 'not a dict'}"]
    pinned = {str(part): numbers[index] for part, index in value.items() if index in numbers}
    return pinned, []


def _built(part_id: str, model: RecordedModel, findings: list[FitFinding]) -> BuiltPart:
    """The model as it was when its settings were taken: at the fit the recipe uses."""
    fit = _chosen_fit(findings)[0]
    config = (fit.config if fit and fit.config else None) or model.config
    compile_config = (fit.compile_config if fit else None) or model.compile_config
    if config is None:
        error = StudentError(kind="not_serializable", message=model.error or "no config came back")
        return BuiltPart(part_id=part_id, error=error)
    return BuiltPart(part_id=part_id, config=config, compile_config=compile_config)


def _chosen_fit(findings: list[FitFinding]) -> tuple[RecordedFit | None, InputFinding | None]:
    """The first fit on the training images, else the first fit, else none."""
    if not findings:
        return None, None
    for fit, finding in findings:
        if finding.images == "train":
            return fit, finding
    return findings[0]


def _finding(fit: RecordedFit, reference: Dataset) -> InputFinding:
    return check_labels(identify(fit.x, reference), fit.labels, reference)


def _recipe(
    number: int,
    model: RecordedModel,
    findings: list[FitFinding],
    source: SubmissionSource,
    reference: Dataset,
    defaults: FitSettings,
) -> PartRecipe:
    chosen, finding = _chosen_fit(findings)
    notes: list[str] = []
    integrity: list[str] = []
    for fit, fit_finding in findings:
        integrity += _fit_integrity(fit, fit_finding, source)
    if len(model.fits) > 1 and chosen is not None:
        where = ", ".join(_where(source, fit.cell, fit.line) for fit in model.fits[:5])
        integrity.append(
            f"fit was called {len(model.fits)} times on this model ({where}); the grader used "
            f"the settings of the one in {_where(source, chosen.cell, chosen.line)}"
        )
    if chosen is None:
        notes.append(f"model {number} is never fit: the default fit settings apply")
        return PartRecipe(model=number, notes=notes, integrity=integrity)
    epochs = chosen.epochs if chosen.epochs is not None else KERAS_DEFAULT_EPOCHS
    batch_size = chosen.batch_size if chosen.batch_size is not None else KERAS_DEFAULT_BATCH
    split = chosen.validation_split or 0
    if not split:
        split = defaults.validation_split
        given = "no validation_split"
        if chosen.validation_data:
            on_test = identify(chosen.validation_x, reference).images == "test"
            given = "validation_data (the test images)" if on_test else "validation_data"
        notes.append(
            f"the recorded fit has {given}: the grader holds out the last {split:.0%} of the "
            "training images for validation"
        )
    transform = InputTransform()
    if finding is not None and finding.transform is not None:
        transform = finding.transform
        notes.append(f"inputs: {transform.describe()}, as passed to fit")
    else:
        notes.append("inputs: raw 0-255 pixels (the fit inputs are not the training images)")
    fit = {"epochs": epochs, "batch_size": batch_size, "validation_split": float(split)}
    notes.insert(
        0, f"model {number}, fit as recorded in {_where(source, chosen.cell, chosen.line)}"
    )
    return PartRecipe(model=number, fit=fit, transform=transform, notes=notes, integrity=integrity)


def _fit_integrity(fit: RecordedFit, finding: InputFinding, source) -> list[str]:
    where = _where(source, fit.cell, fit.line)
    found = []
    if finding.images == "test":
        found.append(f"fit on the test images ({where}): the model was trained on the test set")
    elif finding.images == "other":
        found.append(
            f"fit inputs in {where} are not the training images ({finding.detail}); the grader "
            "trained on its own copy of them"
        )
    elif not finding.complete:
        found.append(f"fit in {where} uses only {finding.detail}; the grader trains on all of them")
    if finding.wrong_labels:
        found.append(
            f"the labels passed to fit in {where} differ from MNIST's for "
            f"{finding.wrong_labels:,} of {finding.rows:,} images; the grader trained with the "
            "true labels"
        )
    return found


def _where(source: SubmissionSource, cell: int, line: int | None) -> str:
    label = next((c.label for c in source.cells if c.index == cell), f"cell {cell}")
    return f"{label}, line {line}" if line else label
