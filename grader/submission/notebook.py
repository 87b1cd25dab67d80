"""Reading a Jupyter notebook into code cells the sandbox can run, without running any of it.

IPython magics and shell lines (`%matplotlib inline`, `!pip install ...`) become `pass` so the
line numbers stay those the student sees; a cell that starts with a cell magic other than
`%%time`, `%%timeit` or `%%capture` is not Python and is skipped. The cells' execution counts
and the text of their outputs are kept for the integrity notes.
"""

from __future__ import annotations

import itertools
import json
import re

from pydantic import BaseModel, ConfigDict

from grader.errors import SubmissionError

PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture")
MAX_OUTPUT_CHARS = 20_000


class Cell(BaseModel):
    """A unit of code run in order: one notebook code cell, or a whole script."""

    model_config = ConfigDict(frozen=True)

    index: int  # the cell's position in the notebook (1-based, all cells counted)
    filename: str  # what tracebacks name: "cell 3", or the script's file name
    source: str
    execution_count: int | None = None
    outputs: str = ""

    @property
    def label(self) -> str:
        count = f" [{self.execution_count}]" if self.execution_count is not None else ""
        return f"{self.filename}{count}"


def notebook_cells(text: str, name: str) -> list[Cell]:
    """The notebook's code cells as runnable Python. Raises SubmissionError for a broken file."""
    try:
        notebook = json.loads(text)
    except ValueError as error:
        raise SubmissionError(
            f"{name} is not a valid notebook: its JSON is broken ({error}). Open it in Jupyter and "
            "save it again, or export it with File > Download as > Notebook (.ipynb)."
        ) from None
    raw_cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(raw_cells, list):
        raise SubmissionError(
            f"{name} is not a Jupyter notebook in format 4 (it has no list of cells). Save it "
            "from Jupyter 4 or later, or submit a .py file."
        )
    cells = []
    for position, raw in enumerate(raw_cells, start=1):
        if not isinstance(raw, dict) or raw.get("cell_type") != "code":
            continue
        source = _python_only(_joined(raw.get("source")))
        if source is None:
            continue
        count = raw.get("execution_count")
        cells.append(
            Cell(
                index=position,
                filename=f"cell {position}",
                source=source,
                execution_count=count if isinstance(count, int) else None,
                outputs=_output_text(raw.get("outputs")),
            )
        )
    return cells


def out_of_order(cells: list[Cell]) -> list[int]:
    """The execution counts, when the saved notebook's cells were not run top to bottom."""
    counts = [cell.execution_count for cell in cells if cell.execution_count is not None]
    if any(later <= earlier for earlier, later in itertools.pairwise(counts)):
        return counts
    return []


def _joined(source) -> str:
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def _python_only(source: str) -> str | None:
    lines = source.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%") and not first.startswith(PYTHON_CELL_MAGICS):
        return None
    kept = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or re.match(r"^\w+\s*=\s*[!%]", stripped):
            kept.append(line[: len(line) - len(stripped)] + "pass")
        else:
            kept.append(line)
    return "\n".join(kept) + "\n"


def _output_text(outputs) -> str:
    texts: list[str] = []
    for output in outputs if isinstance(outputs, list) else []:
        if not isinstance(output, dict):
            continue
        texts.append(_joined(output.get("text")))
        data = output.get("data")
        if isinstance(data, dict):
            texts.append(_joined(data.get("text/plain")))
    return "\n".join(text for text in texts if text)[:MAX_OUTPUT_CHARS]
