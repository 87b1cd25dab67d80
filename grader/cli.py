"""The `grade` command: parse arguments, call grade(), render, set the exit code. Nothing else."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from grader import __version__
from grader.assignment import Assignment, load_assignment
from grader.class_run import StudentResult, find_submissions, grade_class
from grader.errors import GraderError
from grader.grading import grade
from grader.report.curves import save_curves
from grader.report.gradebook import render_gradebook
from grader.report.gradescope import render_gradescope
from grader.report.html import write_html
from grader.report.json_report import render_json, render_json_list
from grader.report.junit import render_junit
from grader.report.markdown import render_markdown
from grader.report.summary import render_summary
from grader.report.terminal import render_report
from grader.store import DEFAULT_RESULTS, ResultStore, default_results_cache
from grader.training_cache import TrainingCache

EXIT_ERROR = 2


FORMATS = ("terminal", "markdown", "gradescope", "json")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grade",
        description="Grade Keras homework submissions: rebuild each model, recount its "
        "parameters, check every constraint, train it on MNIST and report. One file gives its "
        "report; several files, a folder or a glob give a class run with a summary table.",
        epilog="Exit codes: 0 every check passed; 1 a check failed or a part is missing; "
        "2 a submission (or the assignment file) could not be graded at all.",
    )
    parser.add_argument(
        "submissions", nargs="+", metavar="SUBMISSION",
        help="a student's .py or .ipynb file; or several, a folder, or a quoted glob for a class run",
    )  # fmt: skip
    parser.add_argument(
        "--assignment", type=Path, metavar="FILE",
        help="an assignment TOML file (default: the bundled MNIST MLP assignment)",
    )  # fmt: skip
    parser.add_argument(
        "--no-train", action="store_true",
        help="skip training: the seconds-long pre-flight of structure, counts and answers",
    )  # fmt: skip
    parser.add_argument(
        "--format", choices=FORMATS, default="terminal",
        help="what to print on stdout for one submission: the rich report (default), markdown, "
        "Gradescope's results.json, or the JSON form",
    )  # fmt: skip
    parser.add_argument(
        "--json", metavar="FILE",
        help="also write the JSON form to FILE ('-' for stdout); a class run writes a list",
    )  # fmt: skip
    parser.add_argument(
        "--junit", metavar="FILE", help="also write JUnit XML, a test case per check"
    )
    parser.add_argument("--csv", metavar="FILE", help="class run: write a gradebook CSV")
    parser.add_argument(
        "--html", type=Path, metavar="DIR",
        help="write a self-contained HTML report to DIR: a page per submission and an index",
    )  # fmt: skip
    parser.add_argument(
        "--curves", type=Path, metavar="DIR",
        help="save each trained part's accuracy and loss curves as PNG in DIR (a class run: "
        "one folder per student; default there: the results folder's curves/)",
    )  # fmt: skip
    parser.add_argument(
        "--results", type=Path, metavar="DIR",
        help=f"class run: where results are kept and reused (default: ./{DEFAULT_RESULTS})",
    )  # fmt: skip
    parser.add_argument(
        "--force", action="store_true",
        help="grade again instead of reusing a stored result of the same file",
    )  # fmt: skip
    parser.add_argument(
        "--no-cache", action="store_true",
        help="grade and train again instead of reusing the caches (~/.cache/grader: results of "
        "unchanged files, and trained models shared by the same config, settings and data)",
    )  # fmt: skip
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="N",
        help="class run: grade N submissions at once, sharing the cores among them",
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
    errors = Console(stderr=True)
    try:
        assignment = load_assignment(args.assignment)
        if _is_class_run(args.submissions):
            return _class_run(args, assignment, errors)
        return _single_run(args, assignment, errors)
    except GraderError as error:
        errors.print(f"[bold red]error:[/bold red] {error}", highlight=False)
    except OSError as error:
        errors.print(
            f"[bold red]error:[/bold red] cannot write {error.filename}: {error.strerror}. "
            "Pass a writable path; everything printed above is complete.",
            highlight=False,
        )
    except Exception as error:
        errors.print(
            f"[bold red]internal error:[/bold red] the grader failed ({type(error).__name__}: "
            f"{error}). This is a bug in the grader, not in the submission; rerun with --debug "
            "and report the traceback.",
            highlight=False,
        )
    if args.debug:
        errors.print(traceback.format_exc(), highlight=False)
    return EXIT_ERROR


def _training_cache(args: argparse.Namespace) -> TrainingCache | None:
    return None if args.no_cache else TrainingCache()


def _is_class_run(arguments: list[str]) -> bool:
    return (
        len(arguments) > 1 or Path(arguments[0]).is_dir() or any(c in arguments[0] for c in "*?[")
    )


def _single_run(args: argparse.Namespace, assignment: Assignment, errors: Console) -> int:
    path = Path(args.submissions[0])
    observer = ProgressObserver(errors)
    cache = _training_cache(args)
    folder = args.results or (None if args.no_cache else default_results_cache())
    if folder:
        classroom = grade_class(
            [path], assignment, ResultStore(folder), train=not args.no_train, force=args.force,
            observer=observer, cache=cache,
        )  # fmt: skip
        result = classroom.students[0].result
        if classroom.students[0].cached:
            result = result.model_copy(update={"submission": str(path)})
            errors.print(
                f"[dim]Reused the result stored in {folder} for this file's exact bytes, this "
                "assignment and grader version (--force grades again).[/dim]",
                highlight=False,
            )
    else:
        result = grade(path, assignment, train=not args.no_train, observer=observer, cache=cache)
    json_to_stdout = args.json == "-"
    if args.format == "terminal":
        render_report(result, Console(stderr=json_to_stdout))
    else:
        sys.stdout.write(SINGLE_FORMATS[args.format](result))
    if args.json:
        _write(args.json, render_json(result))
    if args.junit:
        _write(args.junit, render_junit([result]))
    if args.curves:
        save_curves(result, args.curves)
    if args.html:
        write_html(args.html, [(path.stem, result)], title=f"{assignment.name}: {path.stem}")
    _append_step_summary(render_markdown(result))
    return result.exit_code


def _class_run(args: argparse.Namespace, assignment: Assignment, errors: Console) -> int:
    if args.format not in ("terminal", "json"):
        raise GraderError(
            f"--format {args.format} describes one submission; for a class run use the summary "
            "with --csv, --json or --junit, or grade each file on its own."
        )
    paths = find_submissions(args.submissions)
    store = ResultStore(args.results or DEFAULT_RESULTS)
    progress = ClassProgress(errors, len(paths))
    try:
        classroom = grade_class(
            paths, assignment, store, train=not args.no_train, force=args.force,
            jobs=max(1, args.jobs), on_graded=progress.graded,
            cache=_training_cache(args),
        )  # fmt: skip
    except KeyboardInterrupt:
        errors.print(
            f"[yellow]Interrupted.[/yellow] {progress.count} of {len(paths)} results are kept in "
            f"{store.folder}; run the same command again to grade the rest."
        )
        return 130
    results = [row.result for row in classroom.students]
    json_to_stdout = args.json == "-" or args.format == "json"
    render_summary(classroom, Console(stderr=json_to_stdout))
    if json_to_stdout:
        sys.stdout.write(render_json_list(results))
    if args.json and args.json != "-":
        _write(args.json, render_json_list(results))
    if args.csv:
        _write(args.csv, render_gradebook(classroom))
    if args.junit:
        _write(args.junit, render_junit(results))
    curves = args.curves or store.folder / "curves"
    for row in classroom.students:
        if not (row.cached and (curves / row.student).exists()):
            save_curves(row.result, curves / row.student)
    if args.html:
        rows = [(row.student, row.result) for row in classroom.students]
        write_html(args.html, rows, title=f"{assignment.name}: {len(rows)} submissions")
    _append_step_summary("".join(render_markdown(result) for result in results))
    return classroom.exit_code


class ClassProgress:
    """One line per graded submission on stderr, as results arrive."""

    def __init__(self, console: Console, total: int):
        self._console = console
        self._total = total
        self.count = 0

    def graded(self, row: StudentResult) -> None:
        self.count += 1
        result = row.result
        how = "cached" if row.cached else f"{result.seconds:.0f} s"
        self._console.print(
            f"[dim]{self.count}/{self._total}[/dim] {row.student}: "
            f"{result.score:g}/{result.max_score:g} {result.status} [dim]({how})[/dim]",
            highlight=False,
        )


SINGLE_FORMATS = {"markdown": render_markdown, "gradescope": render_gradescope, "json": render_json}


def _append_step_summary(markdown: str) -> None:
    """On GitHub Actions, add the report to the job's summary page."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as summary:
            summary.write(markdown + "\n")


def _write(target: str, text: str) -> None:
    if target == "-":
        sys.stdout.write(text)
    else:
        Path(target).write_text(text, encoding="utf-8")


def run() -> None:
    """The console entry point: main(), then exit without TensorFlow's slow interpreter teardown
    (about half a second of a pre-flight). Every file was written and closed by then."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
