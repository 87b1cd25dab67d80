"""Reading notebooks: code cells in order, magics skipped, broken files named, execution order."""

import pytest

from grader.errors import SubmissionError
from grader.submission.notebook import notebook_cells, out_of_order
from grader.submission.source import read_submission
from tests.conftest import notebook_json

PARTS = ["part1_large", "part1_small"]


def test_magics_and_shell_lines_become_pass_and_keep_line_numbers():
    text = notebook_json(["%matplotlib inline\nx = 1\n!pip install keras\nfiles = !ls\ny = x + 1"])
    (cell,) = notebook_cells(text, "nb.ipynb")
    assert cell.index == 2 and cell.filename == "cell 2"
    assert cell.source.splitlines() == ["pass", "x = 1", "pass", "pass", "y = x + 1"]


def test_cell_magics_other_than_timing_are_skipped():
    text = notebook_json(["%%bash\necho hi", "%%time\nz = 3", "w = 4"])
    cells = notebook_cells(text, "nb.ipynb")
    assert [cell.index for cell in cells] == [3, 4]
    assert "z = 3" in cells[0].source


def test_broken_json_is_a_clear_error():
    with pytest.raises(SubmissionError, match="not a valid notebook: its JSON is broken"):
        notebook_cells('{"cells": [', "nb.ipynb")


def test_a_json_file_without_cells_is_refused():
    with pytest.raises(SubmissionError, match="no list of cells"):
        notebook_cells('{"hello": 1}', "nb.ipynb")


def test_execution_counts_out_of_order_are_reported():
    in_order = notebook_cells(notebook_json(["a = 1", "b = 2"], counts=[1, 2]), "nb")
    shuffled = notebook_cells(notebook_json(["a = 1", "b = 2", "c = 3"], counts=[3, 1, 2]), "nb")
    assert out_of_order(in_order) == []
    assert out_of_order(shuffled) == [3, 1, 2]


def test_a_syntax_error_stops_the_notebook_at_that_cell(write_notebook):
    path = write_notebook(["a = 1", "b = 2", "c = (", "d = 4"])
    source = read_submission(path, PARTS)
    assert source.form == "notebook"
    assert [cell.index for cell in source.cells] == [2, 3]
    assert source.stopped.startswith("cell 4 [3], line 1: syntax error")


def test_a_py_file_without_builders_is_a_script(write_submission):
    script = read_submission(write_submission("import keras\nmodel = None\n"), PARTS)
    builders = read_submission(write_submission("def part1_large():\n    pass\n"), PARTS)
    assert script.form == "script" and len(script.cells) == 1
    assert script.cells[0].filename == "submission.py"
    assert builders.form == "builder" and builders.cells == []


def test_other_suffixes_are_refused(tmp_path):
    path = tmp_path / "homework.txt"
    path.write_text("x = 1")
    with pytest.raises(SubmissionError, match=r"expected \.py or \.ipynb"):
        read_submission(path, PARTS)
