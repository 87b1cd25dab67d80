"""Telling what a notebook passed to `fit`: the training images under a scale and shift, the test
images, or something else, and whether the labels are the true ones.

The child sends a fingerprint of each array (its shape, every row's sum and a few whole rows).
The sampled rows pin down one scale and one shift for the whole array (`x / 255`,
`(x - mean) / std`); every row's sum must then agree with the grader's own images under that
transform, so shuffled, mixed-in, augmented or subset data is caught on every row, not sampled.
"""

from __future__ import annotations

import base64
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from grader.dataset import FLAT_SHAPE, Dataset, InputTransform
from grader.submission.script_runner import InputPrint

PIXELS = FLAT_SHAPE[0]
RELATIVE_TOLERANCE = 1e-4


class InputFinding(BaseModel):
    """What an array passed to fit/evaluate was, as far as the grader can tell."""

    model_config = ConfigDict(frozen=True)

    images: Literal["train", "test", "other"]
    rows: int = 0
    complete: bool = False  # every image of the split, in order
    transform: InputTransform | None = None
    wrong_labels: int | None = None  # labels that differ from the true ones; None: not checked
    detail: str = ""


def identify(fingerprint: InputPrint | None, reference: Dataset) -> InputFinding:
    """Which MNIST split the fingerprinted array is, and under which transform."""
    if fingerprint is None or fingerprint.error or fingerprint.row_sums is None:
        why = fingerprint.error if fingerprint and fingerprint.error else "no array recorded"
        return InputFinding(images="other", detail=f"not an array of images ({why})")
    rows = fingerprint.shape[0] if fingerprint.shape else 0
    size = int(np.prod(fingerprint.shape[1:])) if len(fingerprint.shape) > 1 else 0
    if size != PIXELS:
        return InputFinding(
            images="other", rows=rows, detail=f"shape {tuple(fingerprint.shape)}, not MNIST images"
        )
    reasons = []
    for split, images in (("train", reference.x_train), ("test", reference.x_test)):
        finding, reason = _match(fingerprint, rows, images, split)
        if finding is not None:
            return finding
        reasons.append(reason)
    return InputFinding(
        images="other",
        rows=rows,
        detail=reasons[0] if rows <= len(reference.x_train) else reasons[1],
    )


def check_labels(finding: InputFinding, labels: str | None, reference: Dataset) -> InputFinding:
    """The finding, with how many of the labels passed along differ from the true ones."""
    if finding.images == "other" or labels is None:
        return finding
    try:
        given = np.frombuffer(base64.b64decode(labels, validate=True), dtype=np.uint8)
    except ValueError:
        return finding.model_copy(update={"wrong_labels": finding.rows})
    truth = (reference.y_train if finding.images == "train" else reference.y_test)[: finding.rows]
    if len(given) != len(truth):
        return finding.model_copy(update={"wrong_labels": finding.rows})
    return finding.model_copy(update={"wrong_labels": int(np.sum(given != truth))})


def _match(fingerprint: InputPrint, rows: int, images: np.ndarray, split: str):
    """(finding, None) when the array is the first `rows` images of `images` transformed."""
    if rows == 0 or rows > len(images):
        return None, f"{rows:,} rows, more than the {len(images):,} {split} images"
    flat = images[:rows].reshape(rows, PIXELS)
    try:
        sums = _decode(fingerprint.row_sums, rows)
        sample = _decode(fingerprint.sample, len(fingerprint.sample_index) * PIXELS)
        index = np.asarray(fingerprint.sample_index, dtype=np.int64)
        if len(index) == 0 or index.min() < 0 or index.max() >= rows:
            raise ValueError("sample rows out of range")
    except ValueError as error:
        return None, f"unreadable fingerprint ({error})"
    reference = flat[index].astype(np.float64).ravel()
    observed = sample.astype(np.float64)
    if not np.all(np.isfinite(observed)) or np.ptp(reference) == 0:
        return None, "values that are not finite"
    scale, shift = np.polyfit(reference, observed, 1)
    tolerance = RELATIVE_TOLERANCE * (abs(scale) * 255 + abs(shift)) + 1e-6
    if abs(scale) < 1e-9 or np.max(np.abs(observed - (scale * reference + shift))) > tolerance:
        return None, (
            f"{rows:,} rows that are not the {split} images in order under one scale and shift "
            "(shuffled, mixed, augmented or altered data)"
        )
    expected = scale * flat.sum(axis=1, dtype=np.float64) + PIXELS * shift
    off = int(np.sum(np.abs(sums - expected) > tolerance * PIXELS))
    if off:
        return None, (
            f"{off:,} of {rows:,} rows are not the {split} images in order "
            "(shuffled, mixed, augmented or altered data)"
        )
    transform = _snapped(float(scale), float(shift))
    complete = rows == len(images)
    what = f"the {split} images" if complete else f"the first {rows:,} {split} images"
    finding = InputFinding(
        images=split, rows=rows, complete=complete, transform=transform,
        detail=f"{what}, {transform.describe()}",
    )  # fmt: skip
    return finding, None


def _decode(encoded: str | None, count: int) -> np.ndarray:
    if encoded is None:
        raise ValueError("missing")
    values = np.frombuffer(base64.b64decode(encoded, validate=True), dtype=np.float32)
    if len(values) != count:
        raise ValueError(f"{len(values)} values where {count} were expected")
    return values


def _snapped(scale: float, shift: float) -> InputTransform:
    """Round float32 noise away: 1/255 stays exactly 1/255, so figures match the builder form."""
    inverse = 1.0 / scale
    if abs(inverse - round(inverse)) < 1e-3 * abs(inverse) and round(inverse) != 0:
        scale = 1.0 / round(inverse)
    else:
        scale = float(f"{scale:.6g}")
    shift = 0.0 if abs(shift) < 1e-6 * (abs(scale) * 255) else float(f"{shift:.6g}")
    return InputTransform(scale=scale, shift=shift)
