"""Results: typed, immutable records of what the grader measured and decided, with computed totals."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

from grader.model.recount import LayerCount, ParamCounts

PartStatus = Literal["passed", "failed", "missing", "error"]
SubmissionStatus = Literal["passed", "failed", "error"]


class Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class Metrics(Result):
    """What the grader measured by training; accuracies are fractions."""

    val_accuracy: float
    test_accuracy: float
    epochs: int
    seconds_per_epoch: float


class TrainingOutcome(Result):
    """Metrics, the per-epoch history, and whether the loss stayed finite."""

    metrics: Metrics
    history: dict[str, list[float]]
    finite_loss: bool


class Diagnosis(Result):
    """Why a trained model failed: the figures measured, and one concrete fix."""

    kind: str
    summary: str
    evidence: dict[str, float]
    fix: str


class CheckResult(Result):
    """One check: its verdict, the measured value against the bound, and its weight in points."""

    name: str
    passed: bool
    message: str
    points: float


class PartResult(Result):
    """One part: status, structure, training figures, checks. `score` sums the passed checks."""

    id: str
    title: str = ""
    status: PartStatus
    error: str | None = None
    max_score: float
    hidden_units: list[int] = []
    params: ParamCounts | None = None
    layers: list[LayerCount] = []
    metrics: Metrics | None = None
    checks: list[CheckResult] = []
    skipped_checks: list[str] = []
    notes: list[str] = []
    history: dict[str, list[float]] = {}
    diagnoses: list[Diagnosis] = []
    integrity: list[str] = []  # what the instructor should know about how it was trained

    @computed_field  # type: ignore[prop-decorator]
    @property
    def score(self) -> float:
        return sum(check.points for check in self.checks if check.passed)


class ModelMapping(Result):
    """One captured model: where it came from and the part it was graded as (if any)."""

    model: int  # 1-based, in creation order
    origin: str  # "cell 5, line 3"
    names: list[str] = []
    summary: str = ""  # "1 hidden layer (400), 318,010 parameters", or why it was not counted
    part: str | None = None
    how: Literal["PARTS", "comment", "proposed", "none"] = "none"

    def describe(self) -> str:
        named = f" (`{', '.join(self.names)}`)" if self.names else ""
        return f"model {self.model}{named}, {self.origin}"


class SubmissionResult(Result):
    """A whole submission: its parts in the assignment's order, or why it could not be graded."""

    submission: str
    sha256: str
    assignment: str
    grader_version: str
    error: str | None = None
    parts: list[PartResult]
    trained: bool
    sandbox: str
    seconds: float = 0.0
    written_answers: dict[str, dict[str, str]] = {}  # free text from ANSWERS, for the instructor
    form: Literal["builder", "script", "notebook"] = "builder"
    models: list[ModelMapping] = []  # script and notebook forms: every captured model
    notes: list[str] = []  # e.g. the cell that raised, how to pin the mapping
    integrity: list[str] = []  # e.g. cells run out of order, claims not reproduced

    @computed_field  # type: ignore[prop-decorator]
    @property
    def score(self) -> float:
        return sum(part.score for part in self.parts)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def max_score(self) -> float:
        return sum(part.max_score for part in self.parts)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> SubmissionStatus:
        if self.error is not None:
            return "error"
        return "passed" if all(part.status == "passed" for part in self.parts) else "failed"

    @property
    def exit_code(self) -> int:
        return {"passed": 0, "failed": 1, "error": 2}[self.status]
