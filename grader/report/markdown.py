"""The report as GitHub-flavoured markdown: for job summaries and pull-request comments."""

from __future__ import annotations

from grader.results import PartResult, SubmissionResult

MARK = {True: "✅", False: "❌"}
STATUS = {"passed": "✅ passed", "failed": "❌ failed", "missing": "⚠️ missing", "error": "❌ error"}


def render_markdown(result: SubmissionResult) -> str:
    lines = [
        f"## Grade: {result.score:g}/{result.max_score:g} ({result.status})",
        "",
        f"`{result.submission}` · assignment `{result.assignment}` · grader {result.grader_version}"
        f" · sandbox {result.sandbox}" + ("" if result.trained else " · training skipped"),
        "",
    ]
    if result.error:
        return "\n".join([*lines, f"> **Not graded:** {_escape(result.error)}", ""])
    lines += _script_section(result)
    lines += ["| part | status | score | test accuracy |", "|---|---|---:|---:|"]
    for part in result.parts:
        accuracy = f"{part.metrics.test_accuracy:.2%}" if part.metrics else ""
        lines.append(
            f"| {part.id} | {STATUS[part.status]} | {part.score:g}/{part.max_score:g} | {accuracy} |"
        )
    for part in result.parts:
        lines += ["", *_part_section(part)]
    for key, entries in result.written_answers.items():
        for field, answer in entries.items():
            lines += ["", f"**Written answer ({key}, {field}):**", "", f"> {_escape(answer)}"]
    return "\n".join(lines) + "\n"


def _part_section(part: PartResult) -> list[str]:
    open_attribute = "" if part.status == "passed" else " open"
    lines = [
        f"<details{open_attribute}><summary><b>{part.id}</b>: {_escape(part.title)}</summary>",
        "",
    ]
    if part.error:
        lines += [f"> {_escape(part.error)}", ""]
    if part.params:
        lines.append(
            f"Hidden layers: {len(part.hidden_units)} ({', '.join(map(str, part.hidden_units)) or 'none'}) · "
            f"{part.params.weights:,} weights + {part.params.biases:,} biases · "
            f"{part.params.trainable:,} trainable parameters"
        )
        lines.append("")
    if part.metrics:
        lines += [
            f"Validation accuracy {part.metrics.val_accuracy:.2%} · test accuracy "
            f"{part.metrics.test_accuracy:.2%} · {part.metrics.epochs} epochs",
            "",
        ]
    lines += ["| | check | result | points |", "|---|---|---|---:|"]
    for check in part.checks:
        earned = check.points if check.passed else 0
        lines.append(
            f"| {MARK[check.passed]} | {check.name} | {_escape(check.message)} | {earned:g}/{check.points:g} |"
        )
    for name in part.skipped_checks:
        lines.append(f"| ⏭️ | {name} | not run (--no-train) | |")
    for finding in part.integrity:
        lines += ["", f"> ⚠️ {_escape(finding)}"]
    for diagnosis in part.diagnoses:
        figures = "; ".join(f"{name} {value:.3g}" for name, value in diagnosis.evidence.items())
        lines += [
            "",
            f"**Diagnosis: {diagnosis.kind}.** {_escape(diagnosis.summary)}",
            f"Measured: {figures}. **Fix:** {_escape(diagnosis.fix)}",
        ]
    return [*lines, "", "</details>"]


def _script_section(result: SubmissionResult) -> list[str]:
    """A script or notebook: which captured model was graded as which part, and the notes."""
    if not (result.models or result.notes or result.integrity):
        return []
    lines = [f"**{result.form.capitalize()}: models captured**", ""]
    if result.models:
        lines += ["| model | created | structure | graded as |", "|---|---|---|---|"]
        for entry in result.models:
            names = f" `{', '.join(entry.names)}`" if entry.names else ""
            graded = f"{entry.part} ({entry.how})" if entry.part else "no part"
            lines.append(
                f"| {entry.model}{names} | {_escape(entry.origin)} | {_escape(entry.summary)} | {graded} |"
            )
        lines.append("")
    lines += [f"- {_escape(note)}" for note in result.notes]
    lines += [f"- ⚠️ {_escape(finding)}" for finding in result.integrity]
    return [*lines, ""]


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
