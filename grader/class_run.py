"""Grading a class: many submissions, each graded once, kept in the results folder, summarized.

Each submission is graded in the order given (or by `jobs` worker processes at once); a result
is stored the moment it is ready, so Ctrl-C or a crash loses nothing already graded, and the
next run takes stored results for files that did not change.
"""

from __future__ import annotations

import glob
import multiprocessing
import os
import statistics
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from grader.assignment import Assignment
from grader.errors import SubmissionError
from grader.grading import Observer, grade
from grader.results import SubmissionResult
from grader.store import ResultStore, result_key
from grader.submission.source import file_sha256
from grader.training_cache import TrainingCache

OnGraded = Callable[["StudentResult"], None]


class StudentResult(BaseModel):
    """One student's row: the result, and whether it came from the results folder."""

    model_config = ConfigDict(frozen=True)

    student: str
    result: SubmissionResult
    cached: bool = False


class ClassResult(BaseModel):
    """A whole class, in the order the submissions were given."""

    model_config = ConfigDict(frozen=True)

    students: list[StudentResult]
    assignment: str

    @property
    def scores(self) -> list[float]:
        return [row.result.score for row in self.students]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.students else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.scores) if self.students else 0.0

    def most_failed(self, count: int = 3) -> list[tuple[str, int]]:
        """Part ids most often not passed (failed, missing or error), with how often."""
        misses = Counter(
            part.id for row in self.students for part in row.result.parts if part.status != "passed"
        )
        return misses.most_common(count)

    @property
    def exit_code(self) -> int:
        return max((row.result.exit_code for row in self.students), default=0)


def find_submissions(arguments: list[str]) -> list[Path]:
    """Files named, folders (their *.py and *.ipynb files, sorted) and glob patterns."""
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found += sorted(
                p for p in path.iterdir() if p.suffix in (".py", ".ipynb") and p.is_file()
            )
        elif any(char in argument for char in "*?["):
            found += sorted(Path(p) for p in glob.glob(argument, recursive=True))
        else:
            found.append(path)
    unique: list[Path] = []
    for path in found:
        if path not in unique:
            unique.append(path)
    if not unique:
        raise SubmissionError(
            f"No submissions found in {' '.join(arguments)}. Pass .py or .ipynb files, "
            "folders that hold them, or a quoted glob such as 'submissions/*.py'."
        )
    return unique


def student_names(paths: list[Path]) -> dict[Path, str]:
    """The file's stem, or its path without suffix where two files share a stem."""
    stems = Counter(path.stem for path in paths)
    return {
        path: path.stem if stems[path.stem] == 1 else str(path.with_suffix("")) for path in paths
    }


def grade_class(
    paths: list[Path],
    assignment: Assignment,
    store: ResultStore,
    *,
    train: bool = True,
    force: bool = False,
    jobs: int = 1,
    on_graded: OnGraded | None = None,
    observer: Observer | None = None,
    cache: TrainingCache | None = None,
) -> ClassResult:
    """Grade every submission not already in the store (all of them with `force`)."""
    names = student_names(paths)
    done: dict[Path, StudentResult] = {}
    pending: list[tuple[Path, str]] = []
    for path in paths:
        key = result_key(file_sha256(path) or "unreadable", assignment, train)
        stored = None if force else store.load(key)
        if stored is not None:
            done[path] = _finish(
                StudentResult(student=names[path], result=stored, cached=True), on_graded
            )
        else:
            pending.append((path, key))

    def record(path: Path, key: str, result: SubmissionResult) -> None:
        if result.sha256:  # a file that could not even be read is not worth keeping
            store.save(key, result)
        done[path] = _finish(StudentResult(student=names[path], result=result), on_graded)

    if jobs <= 1 or len(pending) <= 1:
        for path, key in pending:
            result = grade(path, assignment, train=train, observer=observer, cache=cache)
            record(path, key, result)
    else:
        _grade_in_workers(pending, assignment, train, jobs, record, cache)
    return ClassResult(students=[done[path] for path in paths], assignment=assignment.name)


def _grade_in_workers(
    pending, assignment: Assignment, train: bool, jobs: int, record, cache
) -> None:
    """Several submissions at once, each worker with its share of the cores."""
    threads = max(1, (os.cpu_count() or 1) // jobs)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_worker_setup, initargs=(threads,)
    ) as pool:
        folder = str(cache.folder) if cache else None
        settings = assignment.model_dump_json()
        futures: dict[Future, tuple[Path, str]] = {
            pool.submit(_grade_in_worker, str(path), settings, train, folder): (path, key)
            for path, key in pending
        }
        remaining = set(futures)
        while remaining:
            finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
            for future in finished:
                path, key = futures[future]
                record(path, key, SubmissionResult.model_validate_json(future.result()))


def _worker_setup(threads: int) -> None:
    # Set before the worker imports TensorFlow, so that N workers do not oversubscribe the cores.
    os.environ["TF_NUM_INTRAOP_THREADS"] = str(threads)
    os.environ["TF_NUM_INTEROP_THREADS"] = "1"
    os.environ["OMP_NUM_THREADS"] = str(threads)


def _grade_in_worker(path: str, assignment_json: str, train: bool, cache: str | None) -> str:
    assignment = Assignment.model_validate_json(assignment_json)
    training_cache = TrainingCache(Path(cache)) if cache else None
    return grade(Path(path), assignment, train=train, cache=training_cache).model_dump_json()


def _finish(row: StudentResult, on_graded: OnGraded | None) -> StudentResult:
    if on_graded is not None:
        on_graded(row)
    return row
