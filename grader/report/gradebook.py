"""The gradebook CSV an LMS imports: one row per student, a column per part and the total."""

from __future__ import annotations

import csv
import io

from grader.class_run import ClassResult


def render_gradebook(classroom: ClassResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    part_ids = (
        [part.id for part in classroom.students[0].result.parts] if classroom.students else []
    )
    writer.writerow(["student", *part_ids, "total", "max_score", "status", "sha256"])
    for row in classroom.students:
        result = row.result
        scores = {part.id: part.score for part in result.parts}
        writer.writerow(
            [row.student, *(f"{scores.get(p, 0):g}" for p in part_ids),
             f"{result.score:g}", f"{result.max_score:g}", result.status, result.sha256]
        )  # fmt: skip
    return buffer.getvalue()
