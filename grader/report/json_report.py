"""The stable JSON form of a submission's result, for CI jobs and class summaries."""

from __future__ import annotations

import json
from typing import Any

from grader.results import PartResult, SubmissionResult

PART_FIELDS = (
    "id", "status", "error", "score", "max_score", "hidden_units", "params", "layers", "metrics",
    "checks", "integrity",
)  # fmt: skip
LAYER_FIELDS = {
    "name", "type", "units", "activation", "weights", "biases", "other_trainable", "non_trainable",
}  # fmt: skip


def submission_dict(result: SubmissionResult) -> dict[str, Any]:
    """The documented JSON form: exactly the README's fields, parts in the assignment's order."""
    return {
        "submission": result.submission,
        "sha256": result.sha256,
        "assignment": result.assignment,
        "grader_version": result.grader_version,
        "score": result.score,
        "max_score": result.max_score,
        "status": result.status,
        "error": result.error,
        "form": result.form,
        "models": [model.model_dump() for model in result.models],
        "notes": result.notes,
        "integrity": result.integrity,
        "parts": [_part_dict(part) for part in result.parts],
    }


def _part_dict(part: PartResult) -> dict[str, Any]:
    data = part.model_dump(include=set(PART_FIELDS) - {"layers"})
    data["layers"] = [layer.model_dump(include=LAYER_FIELDS) for layer in part.layers]
    data["params"] = part.params.model_dump() if part.params else None
    return {field: data[field] for field in PART_FIELDS}


def render_json(result: SubmissionResult) -> str:
    return json.dumps(submission_dict(result), indent=2) + "\n"


def render_json_list(results: list[SubmissionResult]) -> str:
    """A class run: the list of per-submission JSON forms, in the order graded."""
    return json.dumps([submission_dict(result) for result in results], indent=2) + "\n"
