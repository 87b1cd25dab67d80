"""Shared fixtures: the default assignment, a small real MNIST slice, and helpers for configs."""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
from pathlib import Path

import pytest

from grader.assignment import Assignment, load_assignment
from grader.dataset import Dataset, load_mnist
from grader.keras_loader import load_keras

# The grade command caches training outcomes under XDG_CACHE_HOME: keep the tests' own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="grader-test-cache-")

EXAMPLES = Path(__file__).parent / "examples"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def keras():
    return load_keras()


@pytest.fixture(scope="session")
def assignment() -> Assignment:
    return load_assignment()


@pytest.fixture(scope="session")
def mnist() -> Dataset:
    return load_mnist()


@pytest.fixture(scope="session")
def mnist_slice(mnist) -> Dataset:
    """3,000 training and 1,000 test images: real data, seconds to train on."""
    return mnist.head(3000, 1000)


def config_of(model) -> dict:
    """A model's config as the student's process sends it (to_json, compile config removed)."""
    config = json.loads(model.to_json())
    config.pop("compile_config", None)
    return config


@pytest.fixture
def write_submission(tmp_path):
    """Write a submission file from source text and return its path."""

    def write(source: str, name: str = "submission.py") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path

    return write


def notebook_json(
    cells: list[str], counts: list[int | None] | None = None, printed: list[str] | None = None
) -> str:
    """A Jupyter notebook (format 4) holding the given code cells, with a markdown cell first;
    `printed` is each cell's saved stdout."""
    counts = counts or list(range(1, len(cells) + 1))
    printed = printed or [""] * len(cells)
    code = [
        {
            "cell_type": "code",
            "execution_count": count,
            "metadata": {},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": [text]}]
            if text
            else [],
            "source": textwrap.dedent(source).strip("\n").splitlines(keepends=True),
        }
        for source, count, text in zip(cells, counts, printed, strict=True)
    ]
    intro = {"cell_type": "markdown", "metadata": {}, "source": ["# Homework"]}
    return json.dumps({"cells": [intro, *code], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def write_notebook(tmp_path):
    """Write a notebook of code cells and return its path (cell N of the list is cell N + 2)."""

    def write(cells: list[str], name: str = "homework.ipynb", counts=None, printed=None) -> Path:
        path = tmp_path / name
        path.write_text(notebook_json(cells, counts, printed), encoding="utf-8")
        return path

    return write
