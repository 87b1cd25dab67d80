"""Reading a submission file and checking that it is Python, without running any of it.

Three forms are accepted: a .py file with one builder function per part (the builder form), a
.py script that builds its models at top level (the script form) and a Jupyter notebook. The
script and notebook forms run as cells, in order; see recorder.py.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from grader.errors import SubmissionError
from grader.submission.notebook import Cell, notebook_cells

MAX_SOURCE_BYTES = 2_000_000


class SubmissionSource(BaseModel):
    """The submission's text, as read once by the grader; the sandbox runs a copy of it."""

    model_config = ConfigDict(frozen=True)

    path: Path
    text: str
    form: Literal["builder", "script", "notebook"] = "builder"
    cells: list[Cell] = []  # script and notebook forms: what runs, in order
    stopped: str | None = (
        None  # a notebook cell that cannot run (syntax error): cells end before it
    )

    @property
    def name(self) -> str:
        return self.path.name


def read_submission(path: Path, part_ids: list[str] | tuple[str, ...] = ()) -> SubmissionSource:
    """Read and syntax-check a submission and tell its form. Raises SubmissionError with a fix."""
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"No such file: {path}. Pass the path of your submission's .py file.")
    if not path.is_file():
        raise SubmissionError(f"{path} is not a file. Pass the path of your submission's .py file.")
    if path.suffix not in (".py", ".ipynb"):
        raise SubmissionError(
            f"{path} is neither a Python file nor a notebook (expected .py or .ipynb). Submit "
            "your notebook, or a .py file (see submissions/template.py)."
        )
    raw = path.read_bytes()
    if len(raw) > MAX_SOURCE_BYTES:
        raise SubmissionError(
            f"{path} is {len(raw):,} bytes; submissions are limited to {MAX_SOURCE_BYTES:,} bytes. "
            "Remove embedded data or outputs from the file."
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SubmissionError(
            f"{path} is not UTF-8 text (byte {error.start} cannot be decoded), so it is not a "
            "Python source file. Save it as UTF-8 text."
        ) from error
    if path.suffix == ".ipynb":
        return _notebook_source(path, text)
    tree = _check_syntax(text, path)
    builders = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    if builders & set(part_ids) or not part_ids:
        return SubmissionSource(path=path, text=text)
    script = Cell(index=1, filename=path.name, source=text)
    return SubmissionSource(path=path, text=text, form="script", cells=[script])


def _notebook_source(path: Path, text: str) -> SubmissionSource:
    cells, stopped = [], None
    for cell in notebook_cells(text, path.name):
        try:
            compile(cell.source, cell.filename, "exec", dont_inherit=True)
        except SyntaxError as error:
            shown = f" near `{error.text.strip()}`" if (error.text or "").strip() else ""
            stopped = (
                f"{cell.label}, line {error.lineno}: syntax error: {error.msg}{shown}; the cells "
                "from this one on were not run"
            )
            break
        except (ValueError, RecursionError, MemoryError) as error:
            stopped = f"{cell.label} cannot be compiled ({type(error).__name__}); not run"
            break
        cells.append(cell)
    return SubmissionSource(path=path, text=text, form="notebook", cells=cells, stopped=stopped)


def file_sha256(path: Path) -> str:
    """The digest of the file's bytes (what results are keyed by), or "" when it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _check_syntax(text: str, path: Path) -> ast.Module:
    try:
        tree = ast.parse(text, str(path))
        compile(tree, str(path), "exec", dont_inherit=True)  # errors ast.parse lets through
        return tree
    except SyntaxError as error:
        code = (error.text or "").rstrip()
        shown = f" near `{code.strip()}`" if code.strip() else ""
        raise SubmissionError(
            f"{path.name}, line {error.lineno}: syntax error: {error.msg}{shown}. The file must be "
            "valid Python before anything can be graded; run `python "
            f"{path.name}` to see the error, fix it and grade again."
        ) from error
    except (ValueError, RecursionError, MemoryError) as error:
        raise SubmissionError(
            f"{path.name} cannot be compiled as Python ({type(error).__name__}: {error})."
        ) from error
