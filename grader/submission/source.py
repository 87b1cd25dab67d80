"""Reading a submission file and checking that it is Python, without running any of it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from grader.errors import SubmissionError

MAX_SOURCE_BYTES = 2_000_000


class SubmissionSource(BaseModel):
    """The submission's text, as read once by the grader; the sandbox runs a copy of it."""

    model_config = ConfigDict(frozen=True)

    path: Path
    text: str

    @property
    def name(self) -> str:
        return self.path.name


def read_submission(path: Path) -> SubmissionSource:
    """Read and syntax-check a submission. Raises SubmissionError with a fix for the student."""
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"No such file: {path}. Pass the path of your submission's .py file.")
    if not path.is_file():
        raise SubmissionError(f"{path} is not a file. Pass the path of your submission's .py file.")
    if path.suffix != ".py":
        raise SubmissionError(
            f"{path} is not a Python file (expected a .py file). Save your submission as a .py "
            "script that defines one builder function per part (see submissions/template.py)."
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
    _check_syntax(text, path)
    return SubmissionSource(path=path, text=text)


def file_sha256(path: Path) -> str:
    """The digest of the file's bytes (what results are keyed by), or "" when it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _check_syntax(text: str, path: Path) -> None:
    try:
        compile(text, str(path), "exec", dont_inherit=True)
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
