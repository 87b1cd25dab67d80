"""Checking a part: each check of the assignment against the figures the grader measured itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.assignment import (
    AccuracyCheck,
    AnswerCheck,
    Check,
    HiddenLayersCheck,
    HiddenUnitsCheck,
    TrainableParamsCheck,
    TrainsCheck,
    check_name,
)
from grader.model.recount import Recount
from grader.results import CheckResult, TrainingOutcome


@dataclass(frozen=True)
class Evidence:
    """What one part's checks are judged on. `training_error` is why training did not happen."""

    part_id: str
    counted: Recount
    answers: Any = None
    answers_error: str | None = None
    training: TrainingOutcome | None = None
    training_error: str | None = None


def evaluate(check: Check, evidence: Evidence) -> CheckResult:
    """The verdict of one check, with a message that names the measured value and the bound."""
    match check:
        case HiddenLayersCheck():
            passed, message = _hidden_layers(check, evidence.counted)
        case HiddenUnitsCheck():
            passed, message = _hidden_units(check, evidence.counted)
        case TrainableParamsCheck():
            count = evidence.counted.params.trainable
            passed = check.count.contains(count)
            message = f"{count:,} trainable parameters; allowed {check.count.describe()}"
        case AnswerCheck():
            passed, message = _answer(check, evidence)
        case TrainsCheck():
            passed, message = _trains(evidence)
        case AccuracyCheck():
            passed, message = _accuracy(check, evidence)
    return CheckResult(name=check_name(check), passed=passed, message=message, points=check.points)


def failed_everywhere(check: Check, reason: str) -> CheckResult:
    """A check that could not be evaluated because the part itself failed."""
    return CheckResult(name=check_name(check), passed=False, message=reason, points=check.points)


def _hidden_layers(check: HiddenLayersCheck, counted: Recount) -> tuple[bool, str]:
    count = len(counted.hidden_layers)
    noun = "hidden layer" if count == 1 else "hidden layers"
    return check.count.contains(count), f"{count} {noun}; allowed {check.count.describe()}"


def _hidden_units(check: HiddenUnitsCheck, counted: Recount) -> tuple[bool, str]:
    units = counted.hidden_units
    if not units:
        return False, "the model has no hidden layers, so no widths to check"
    outside = [
        f"hidden layer {index} has {width} units"
        for index, width in enumerate(units, start=1)
        if not check.units.contains(width)
    ]
    allowed = f"allowed {check.units.describe()}"
    if outside:
        return False, f"{'; '.join(outside)}; {allowed}"
    return True, f"all {len(units)} hidden layers have {_widths(units)} units; {allowed}"


def _widths(units: list[int]) -> str:
    low, high = min(units), max(units)
    return str(low) if low == high else f"{low} to {high}"


def _answer(check: AnswerCheck, evidence: Evidence) -> tuple[bool, str]:
    params = evidence.counted.params
    truth = getattr(params, check.field)
    where = f"ANSWERS['{evidence.part_id}']['{check.field}']"
    if evidence.answers_error:
        return False, evidence.answers_error
    given = evidence.answers.get(check.field) if isinstance(evidence.answers, dict) else None
    if given is None:
        return False, f"no answer given; set {where} to a whole number"
    if isinstance(given, bool) or not isinstance(given, int | float) or int(given) != given:
        return False, f"{where} is {given!r}; answer with a whole number"
    if int(given) == truth:
        return True, f"{truth:,} {_noun(check.field)}, as the grader counts"
    return False, f"answered {int(given):,}, but {_explain(check.field, evidence.counted)}"


def _noun(field: str) -> str:
    return {"total": "parameters in total", "non_trainable": "non-trainable parameters"}.get(
        field, field if field != "trainable" else "trainable parameters"
    )


def _explain(field: str, counted: Recount) -> str:
    """The true figure, worked out, e.g. '784×400 + 400×10 = 317,600 weights'."""
    params = counted.params
    dense = [layer for layer in counted.layers if layer.units is not None]
    if field == "weights":
        terms = [f"{layer.weights // layer.units:,}×{layer.units:,}" for layer in dense]
        return f"the model has {' + '.join(terms)} = {params.weights:,} weights"
    if field == "biases":
        terms = [f"{layer.biases:,}" for layer in dense if layer.biases]
        worked = " + ".join(terms) if len(terms) > 1 else ""
        return f"the model has {worked + ' = ' if worked else ''}{params.biases:,} biases"
    if field == "total":
        parts = [f"{params.weights:,} weights", f"{params.biases:,} biases"]
        if params.other_trainable:
            parts.append(f"{params.other_trainable:,} other trainable")
        frozen_or_stats = params.total - params.weights - params.biases - params.other_trainable
        if frozen_or_stats:
            parts.append(f"{frozen_or_stats:,} non-trainable")
        return f"{' + '.join(parts)} = {params.total:,}"
    return f"the model has {getattr(params, field):,} {_noun(field)}"


def _trains(evidence: Evidence) -> tuple[bool, str]:
    if evidence.training is None:
        return False, f"not trained: {evidence.training_error or 'training was skipped'}"
    outcome = evidence.training
    losses = outcome.history.get("loss", [])
    if not outcome.finite_loss:
        bad = next((i for i, v in enumerate(losses, 1) if v != v or abs(v) == float("inf")), None)
        at = f" at epoch {bad}" if bad else ""
        return False, (
            f"the training loss became NaN or infinite{at}; lower the learning rate or "
            "scale the inputs (e.g. a Rescaling(1/255) layer)"
        )
    epochs = outcome.metrics.epochs
    return True, f"trained {epochs} epoch{'s' if epochs != 1 else ''}, final loss {losses[-1]:.4f}"


def _accuracy(check: AccuracyCheck, evidence: Evidence) -> tuple[bool, str]:
    if evidence.training is None:
        return False, f"not measured: {evidence.training_error or 'training was skipped'}"
    metrics = evidence.training.metrics
    value = metrics.val_accuracy if check.split == "validation" else metrics.test_accuracy
    return value > check.above, f"{value:.2%}; needs above {check.above:.2%}"
