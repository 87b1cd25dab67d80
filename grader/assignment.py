"""The assignment as data: pydantic models for the instructor's TOML file, and its loader."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from grader.errors import AssignmentError

DEFAULT_ASSIGNMENT = "mnist_mlp.toml"


class Spec(BaseModel):
    """Base for every model read from the instructor's file: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(Spec):
    """An inclusive range; either end may be open."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self

    def contains(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def describe(self) -> str:
        """Human wording of the range, e.g. '50 to 100', 'at least 10', 'at most 49,999'."""
        low, high = _number(self.min), _number(self.max)
        if self.min is not None and self.max is not None:
            return f"exactly {low}" if self.min == self.max else f"{low} to {high}"
        if self.min is not None:
            return f"at least {low}"
        if self.max is not None:
            return f"at most {high}"
        return "any"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


class CheckSpec(Spec):
    """Fields shared by every check: its points and an optional display name."""

    points: float = Field(default=1.0, ge=0)
    name: str | None = None


class HiddenLayersCheck(CheckSpec):
    """The number of hidden layers lies in a range."""

    kind: Literal["hidden_layers"]
    count: Range


class HiddenUnitsCheck(CheckSpec):
    """Every hidden layer's width lies in a range."""

    kind: Literal["hidden_units"]
    units: Range


class TrainableParamsCheck(CheckSpec):
    """The model's trainable parameter count lies in a range."""

    kind: Literal["trainable_params"]
    count: Range


class AnswerCheck(CheckSpec):
    """The student's written answer equals the grader's own count."""

    kind: Literal["answer"]
    field: Literal["weights", "biases", "total", "trainable", "non_trainable"]


class TrainsCheck(CheckSpec):
    """The grader trained the model to the end with a finite loss."""

    kind: Literal["trains"]


class AccuracyCheck(CheckSpec):
    """Accuracy measured by the grader on a split is strictly above a threshold."""

    kind: Literal["accuracy"]
    split: Literal["validation", "test"]
    above: float = Field(ge=0, lt=1)


Check = Annotated[
    HiddenLayersCheck
    | HiddenUnitsCheck
    | TrainableParamsCheck
    | AnswerCheck
    | TrainsCheck
    | AccuracyCheck,
    Field(discriminator="kind"),
]

TRAINING_CHECK_KINDS = frozenset({"trains", "accuracy"})
# Checks judged on the model alone: what a notebook's models are matched to parts by.
STRUCTURE_CHECK_KINDS = frozenset({"hidden_layers", "hidden_units", "trainable_params"})


def check_name(check: Check) -> str:
    """The name a check is reported under: the file's `name`, or one derived from its kind."""
    if check.name:
        return check.name
    match check:
        case AnswerCheck():
            return f"answer: {check.field}"
        case AccuracyCheck():
            return f"{check.split} accuracy"
        case _:
            return check.kind.replace("_", " ")


class Part(Spec):
    """One model the student must build, with the checks it is graded on."""

    id: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    title: str = ""
    train: bool = True
    checks: list[Check] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_check_names(self) -> Part:
        duplicates = _repeated([check_name(check) for check in self.checks])
        if duplicates:
            raise ValueError(f"checks need distinct names (add `name = ...`): {duplicates}")
        return self

    @property
    def max_score(self) -> float:
        return sum(check.points for check in self.checks)


class CompileDefaults(Spec):
    """Used for a model the student returns uncompiled."""

    optimizer: str = "sgd"
    loss: str = "categorical_crossentropy"


class FitSettings(Spec):
    """The `fit` arguments the grader trains with."""

    epochs: int = Field(ge=1)
    batch_size: int = Field(ge=1)
    validation_split: float = Field(gt=0, lt=1)


class FitBounds(Spec):
    """What a submission's FIT may ask for."""

    epochs: Range = Range(min=1, max=100)
    batch_size: Range = Range(min=1, max=4096)
    validation_split: Range = Range(min=0.05, max=0.5)


class Limits(Spec):
    """Caps that keep one submission from taking the grading run down with it."""

    builder_timeout_s: float = Field(default=60, gt=0)
    load_timeout_s: float = Field(default=120, gt=0)
    submission_timeout_s: float = Field(default=900, gt=0)  # everything in the student's process
    max_params: int = Field(default=20_000_000, gt=0)
    max_layers: int = Field(default=200, gt=0)
    max_config_bytes: int = Field(default=1_000_000, gt=0)


class Training(Spec):
    """How the grader trains: data, defaults, bounds and the seed."""

    dataset: Literal["mnist"] = "mnist"
    seed: int = 0
    compile: CompileDefaults = CompileDefaults()
    fit: FitSettings = FitSettings(epochs=10, batch_size=128, validation_split=0.1)
    fit_bounds: FitBounds = FitBounds()


class Assignment(Spec):
    """The whole assignment file."""

    name: str
    title: str = ""
    training: Training = Training()
    limits: Limits = Limits()
    parts: list[Part] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_part_ids(self) -> Assignment:
        duplicates = _repeated([part.id for part in self.parts])
        if duplicates:
            raise ValueError(f"part ids must be distinct: {duplicates}")
        return self

    @property
    def max_score(self) -> float:
        return sum(part.max_score for part in self.parts)

    def part(self, part_id: str) -> Part:
        return next(part for part in self.parts if part.id == part_id)


def _repeated(names: list[str]) -> list[str]:
    return sorted({name for name in names if names.count(name) > 1})


def load_assignment(path: Path | None = None) -> Assignment:
    """Read and validate an assignment file; None means the bundled default."""
    if path is None:
        resource = resources.files("grader") / "assignments" / DEFAULT_ASSIGNMENT
        return _parse(resource.read_text(encoding="utf-8"), f"<bundled {DEFAULT_ASSIGNMENT}>")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise AssignmentError(
            f"Cannot read the assignment file {path}: {error.strerror or error}. "
            "Pass the path of a TOML file with --assignment, or leave it out for the default."
        ) from error
    return _parse(text, str(path))


def _parse(text: str, source: str) -> Assignment:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AssignmentError(
            f"The assignment file {source} is not valid TOML: {error}."
        ) from error
    try:
        return Assignment.model_validate(data)
    except ValidationError as error:
        raise AssignmentError(
            f"The assignment file {source} is invalid; fix these fields:\n"
            + format_validation_error(error)
        ) from error


def format_validation_error(error: ValidationError) -> str:
    """One readable line per field, e.g. `parts.2.checks.0.count.min: Input should be ...`."""
    lines = []
    for item in error.errors():
        location = ".".join(str(step) for step in item["loc"]) or "(top level)"
        lines.append(f"  {location}: {item['msg']}")
    return "\n".join(lines)
