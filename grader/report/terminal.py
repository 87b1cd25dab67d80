"""The terminal report (rich): per part a layer table, each check with its reason, the figures."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.model.recount import LayerCount, hidden_layers
from grader.results import Diagnosis, PartResult, SubmissionResult

STATUS_STYLE = {"passed": "green", "failed": "red", "missing": "yellow", "error": "red"}
TICK, CROSS = "✓", "✗"


def render_report(result: SubmissionResult, console: Console) -> None:
    """Print the whole report for one submission."""
    console.print(_header(result))
    if result.error:
        console.print(
            Panel(Text(result.error), title="not graded", border_style="red", title_align="left")
        )
    else:
        if result.models or result.notes or result.integrity:
            console.print(_script_panel(result))
        for part in result.parts:
            console.print(_part_panel(part))
    for key, entries in result.written_answers.items():
        for field, answer in entries.items():
            console.print(
                Panel(
                    Text(answer),
                    title=f"written answer: {key} · {field}",
                    title_align="left",
                    border_style="blue",
                )
            )
    console.print(_footer(result))


def _header(result: SubmissionResult) -> Text:
    text = Text()
    text.append(f"{result.submission}", style="bold")
    if result.sha256:
        text.append(f"  sha256 {result.sha256[:12]}", style="dim")
    text.append(f"\nassignment {result.assignment} · grader {result.grader_version}", style="dim")
    text.append(f" · sandbox: {result.sandbox}", style="dim")
    if not result.trained:
        text.append(" · training skipped (--no-train)", style="yellow")
    return text


def _part_panel(part: PartResult) -> Panel:
    body: list[RenderableType] = []
    if part.error:
        body.append(Text(part.error, style=STATUS_STYLE[part.status]))
    if part.layers:
        body.append(_layer_table(part))
    if part.metrics:
        metrics = part.metrics
        body.append(
            Text(
                f"validation accuracy {metrics.val_accuracy:.2%} · test accuracy "
                f"{metrics.test_accuracy:.2%} · {_plural(metrics.epochs, 'epoch')} · "
                f"{metrics.seconds_per_epoch:.2f} s/epoch",
                style="bold",
            )
        )
    for note in part.notes:
        body.append(Text(note, style="dim"))
    for finding in part.integrity:
        body.append(Text(f"! {finding}", style="magenta"))
    body.append(_check_table(part))
    for diagnosis in part.diagnoses:
        body.append(_diagnosis(diagnosis))
    style = STATUS_STYLE[part.status]
    title = Text.assemble((part.id, "bold"), "  ", (part.title, "dim"))
    subtitle = Text(f"{part.score:g}/{part.max_score:g} · {part.status}", style=style)
    return Panel(
        Group(*body), title=title, title_align="left", subtitle=subtitle,
        subtitle_align="right", border_style=style,
    )  # fmt: skip


def _script_panel(result: SubmissionResult) -> Panel:
    """A script or notebook: each captured model and the part it was graded as."""
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False)
    for column in ("model", "created", "structure", "graded as"):
        table.add_column(column)
    for entry in result.models:
        names = f" {', '.join(entry.names)}" if entry.names else ""
        part = f"{entry.part} ({entry.how})" if entry.part else "no part"
        style = "" if entry.part else "yellow"
        table.add_row(f"{entry.model}{names}", entry.origin, entry.summary, part, style=style)
    body: list[RenderableType] = [table] if result.models else []
    body += [Text(note) for note in result.notes]
    body += [Text(f"! {finding}", style="magenta") for finding in result.integrity]
    return Panel(
        Group(*body), title=f"{result.form}: models captured", title_align="left",
        border_style="blue",
    )  # fmt: skip


def _layer_table(part: PartResult) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_footer=True)
    params = part.params
    columns = [
        ("role", "total", "left"),
        ("layer", "", "left"),
        ("units", "", "right"),
        ("activation", "", "left"),
        ("weights", _count(params.weights) if params else "", "right"),
        ("biases", _count(params.biases) if params else "", "right"),
        ("other", _count(params.other_trainable) if params else "", "right"),
        ("fixed", _count(params.non_trainable) if params else "", "right"),
    ]
    for header, footer, justify in columns:
        table.add_column(header, footer=footer, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for role, layer, repeat in _layer_rows(part.layers):
        each = " each" if repeat > 1 else ""
        table.add_row(
            role, layer.type + ("" if layer.trainable else " (frozen)"), _blank(layer.units),
            layer.activation or "", _count(layer.weights) + each, _count(layer.biases) + each,
            _count(layer.other_trainable), _count(layer.non_trainable),
        )  # fmt: skip
    if params:
        table.caption = (
            f"{params.trainable:,} trainable + {params.non_trainable:,} non-trainable = "
            f"{params.total:,} parameters"
        )
    return table


def _layer_rows(layers: list[LayerCount]) -> list[tuple[str, LayerCount, int]]:
    """(role, layer, repeat) rows; runs of identical hidden layers share one row."""
    hidden = hidden_layers(layers)
    index = {id(layer): number for number, layer in enumerate(hidden, start=1)}
    output = [layer for layer in layers if layer.units is not None][-1:]
    rows: list[tuple[str, LayerCount, int]] = []
    run: list[LayerCount] = []

    def flush() -> None:
        if run:
            first, last = index[id(run[0])], index[id(run[-1])]
            role = f"hidden {first}" if first == last else f"hidden {first}-{last}"
            rows.append((role, run[0], len(run)))
            run.clear()

    for layer in layers:
        if id(layer) in index:
            if run and not _same_shape(run[-1], layer):
                flush()
            run.append(layer)
            continue
        flush()
        rows.append(("output" if output and layer is output[0] else "", layer, 1))
    flush()
    return rows


def _same_shape(a: LayerCount, b: LayerCount) -> bool:
    keys = ("type", "units", "activation", "weights", "biases", "trainable")
    return all(getattr(a, key) == getattr(b, key) for key in keys)


def _diagnosis(diagnosis: Diagnosis) -> Text:
    text = Text()
    text.append(f"\nDiagnosis: {diagnosis.kind}. ", style="bold yellow")
    text.append(diagnosis.summary)
    figures = "; ".join(f"{name} {value:.3g}" for name, value in diagnosis.evidence.items())
    text.append(f"\nMeasured: {figures}", style="dim")
    text.append("\nFix: ", style="bold")
    text.append(diagnosis.fix)
    return text


def _check_table(part: PartResult) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False, expand=False)
    table.add_column(width=1)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(justify="right", no_wrap=True)
    for check in part.checks:
        mark = Text(TICK, style="green") if check.passed else Text(CROSS, style="red")
        earned = check.points if check.passed else 0
        table.add_row(mark, check.name, check.message, f"{earned:g}/{check.points:g}")
    for name in part.skipped_checks:
        table.add_row(
            Text("·", style="dim"),
            Text(name, style="dim"),
            Text("not run: needs training (run without --no-train)", style="dim"),
            "",
        )
    return table


def _footer(result: SubmissionResult) -> Text:
    style = STATUS_STYLE[result.status]
    text = Text()
    text.append(f"Score {result.score:g}/{result.max_score:g}", style="bold")
    if not result.trained and result.status != "error":
        text.append(" (training checks not run)", style="yellow")
    text.append(f"  {result.status}", style=f"bold {style}")
    if result.status != "error":
        passed = sum(part.status == "passed" for part in result.parts)
        text.append(f"  ({passed}/{len(result.parts)} parts passed", style="dim")
        text.append(f", graded in {result.seconds:.1f} s)", style="dim")
    return text


def _blank(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _count(value: int) -> str:
    return f"{value:,}" if value else "0"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
