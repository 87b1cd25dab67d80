"""The `grade` command: parse arguments, call grade(), render, set the exit code. Nothing else."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from grader import __version__
from grader.assignment import load_assignment
from grader.errors import GraderError
from grader.grading import grade
from grader.report.json_report import render_json
from grader.report.terminal import render_report

EXIT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grade",
        description="Grade a Keras homework submission: rebuild each model, recount its "
        "parameters, check every constraint, train it on MNIST and report.",
        epilog="Exit codes: 0 every check passed; 1 a check failed or a part is missing; "
        "2 the submission (or the assignment file) could not be graded at all.",
    )
    parser.add_argument("submission", type=Path, help="the student's .py file")
    parser.add_argument(
        "--assignment", type=Path, metavar="FILE",
        help="an assignment TOML file (default: the bundled MNIST MLP assignment)",
    )  # fmt: skip
    parser.add_argument(
        "--no-train", action="store_true",
        help="skip training: the seconds-long pre-flight of structure, counts and answers",
    )  # fmt: skip
    parser.add_argument(
        "--json", metavar="FILE",
        help="also write the result as JSON to FILE ('-' for stdout; the report then goes to stderr)",
    )  # fmt: skip
    parser.add_argument("--debug", action="store_true", help="show tracebacks of grader errors")
    parser.add_argument("--version", action="version", version=f"grader {__version__}")
    return parser


class ProgressObserver:
    """Shows the grading stages and, per trained part, an epoch bar on stderr."""

    def __init__(self, console: Console):
        self._console = console
        self._progress: Progress | None = None

    def stage(self, message: str) -> None:
        self._console.print(f"[dim]{message}…[/dim]")

    def training_started(self, part_id: str, epochs: int) -> None:
        self._progress = Progress(
            TextColumn(f"[bold]training {part_id:<14}"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("epochs {task.fields[logs]}"),
            TimeElapsedColumn(),
            console=self._console,
        )
        self._progress.add_task(part_id, total=epochs, logs="")
        self._progress.start()

    def epoch_finished(self, part_id: str, epoch: int, logs: dict[str, float]) -> None:
        shown = f"loss {logs.get('loss', float('nan')):.3f}"
        if "val_accuracy" in logs:
            shown += f" · val acc {logs['val_accuracy']:.1%}"
        if self._progress is not None:
            self._progress.update(self._progress.task_ids[0], completed=epoch, logs=shown)

    def training_finished(self, part_id: str) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    to_stdout = args.json == "-"
    report_console = Console(stderr=to_stdout)
    progress_console = Console(stderr=True)
    try:
        assignment = load_assignment(args.assignment)
        result = grade(
            args.submission,
            assignment,
            train=not args.no_train,
            observer=ProgressObserver(progress_console),
        )
    except GraderError as error:
        progress_console.print(f"[bold red]error:[/bold red] {error}", highlight=False)
        if args.debug:
            progress_console.print(traceback.format_exc(), highlight=False)
        return EXIT_ERROR
    except Exception as error:
        progress_console.print(
            f"[bold red]internal error:[/bold red] the grader failed ({type(error).__name__}: "
            f"{error}). This is a bug in the grader, not in the submission; rerun with --debug "
            "and report the traceback.",
            highlight=False,
        )
        if args.debug:
            progress_console.print(traceback.format_exc(), highlight=False)
        return EXIT_ERROR
    render_report(result, report_console)
    if args.json:
        try:
            _write(args.json, render_json(result))
        except OSError as error:
            progress_console.print(
                f"[bold red]error:[/bold red] cannot write the JSON result to {args.json}: "
                f"{error.strerror or error}. The report above is complete; pass a writable path.",
                highlight=False,
            )
            return EXIT_ERROR
    return result.exit_code


def _write(target: str, text: str) -> None:
    if target == "-":
        sys.stdout.write(text)
    else:
        Path(target).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
