"""Gradescope's autograder results.json: the top-level score, and one test per check."""

from __future__ import annotations

import json
from typing import Any

from grader.results import SubmissionResult


def gradescope_dict(result: SubmissionResult) -> dict[str, Any]:
    tests: list[dict[str, Any]] = []
    for part in result.parts:
        for check in part.checks:
            tests.append(
                {
                    "name": f"{part.id}: {check.name}",
                    "score": check.points if check.passed else 0.0,
                    "max_score": check.points,
                    "status": "passed" if check.passed else "failed",
                    "output": check.message,
                    "visibility": "visible",
                }
            )
    output = (
        f"Score {result.score:g}/{result.max_score:g} ({result.status}); sandbox {result.sandbox}."
    )
    if result.error:
        output = f"Not graded: {result.error}"
    return {
        "score": result.score,
        "execution_time": round(result.seconds),
        "output": output,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def render_gradescope(result: SubmissionResult) -> str:
    return json.dumps(gradescope_dict(result), indent=2) + "\n"
