"""The results folder: one JSON file per graded submission, written atomically, found again by key.

A result is keyed by what determines it: the submission file's sha256, the assignment (its
validated content), the grader's version and whether training ran. A second class run re-grades
only what changed; an interrupted one resumes, because every finished grade is already on disk.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from grader import __version__
from grader.assignment import Assignment
from grader.results import SubmissionResult
from grader.training_cache import default_cache_folder

DEFAULT_RESULTS = Path("grader-results")


def default_results_cache() -> Path:
    """Where a one-file run keeps its results, beside the training cache."""
    return default_cache_folder().parent / "results"


def result_key(sha256: str, assignment: Assignment, train: bool) -> str:
    """The file name a result is stored under."""
    recipe = f"{assignment.model_dump_json()}|{__version__}|train={train}"
    digest = hashlib.sha256(recipe.encode()).hexdigest()[:16]
    return f"{sha256[:32]}-{digest}.json"


class ResultStore:
    """Reads and writes results under one folder; a corrupt or foreign file is ignored."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def load(self, key: str) -> SubmissionResult | None:
        path = self.folder / key
        try:
            return SubmissionResult.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            return None

    def save(self, key: str, result: SubmissionResult) -> Path:
        """Write atomically: a reader (or a crash) never sees half a file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / key
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".partial-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(result.model_dump_json())
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target
