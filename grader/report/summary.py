"""The instructor's summary of a class run (rich): a row per student, a footer for the class."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.class_run import ClassResult
from grader.results import SubmissionResult

GLYPH = {
    "passed": ("✓", "green"),
    "failed": ("✗", "red"),
    "missing": ("–", "yellow"),
    "error": ("!", "red"),
}


def accuracy_columns(result: SubmissionResult) -> list[str]:
    """Parts whose test accuracy is checked: the figures an instructor looks for first."""
    return [part.id for part in result.parts if any(c.name == "test accuracy" for c in part.checks)]


def render_summary(classroom: ClassResult, console: Console) -> None:
    """Print the summary table with the class's mean, median and most-failed parts."""
    if not classroom.students:
        return
    first = classroom.students[0].result
    part_ids = [part.id for part in first.parts]
    accuracy_parts = accuracy_columns(first)
    table = Table(
        title=f"{classroom.assignment}: {len(classroom.students)} submissions",
        box=box.SIMPLE_HEAVY,
        show_footer=True,
    )
    table.add_column("student", footer="class")
    table.add_column(
        "score", justify="right", footer=f"mean {classroom.mean:.1f} · median {classroom.median:g}"
    )
    for part_id in part_ids:
        table.add_column(part_id, justify="center")
    for part_id in accuracy_parts:
        table.add_column(f"{part_id} test", justify="right")
    table.add_column("time", justify="right")
    for row in classroom.students:
        result = row.result
        score = Text(
            f"{result.score:g}/{result.max_score:g}",
            style="bold" if result.status == "passed" else "",
        )
        if result.status == "error":
            cells = [Text("error", style="red")] + [""] * (len(part_ids) - 1) if part_ids else []
        else:
            cells = [Text(*GLYPH[part.status]) for part in result.parts]
        accuracies = []
        for part_id in accuracy_parts:
            part = next((p for p in result.parts if p.id == part_id), None)
            accuracies.append(f"{part.metrics.test_accuracy:.1%}" if part and part.metrics else "")
        time = "cached" if row.cached else f"{result.seconds:.0f} s"
        table.add_row(row.student, score, *cells, *accuracies, time)
    console.print(table)
    failed = ", ".join(f"{part_id} ({count})" for part_id, count in classroom.most_failed())
    if failed:
        console.print(f"Most often not passed: {failed}")
    errors = [row for row in classroom.students if row.result.status == "error"]
    for row in errors:
        console.print(Text(f"{row.student}: {row.result.error}", style="red"))
