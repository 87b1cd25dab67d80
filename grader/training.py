"""Training a rebuilt model on the bundled data, seeded, and measuring it with the grader's own code."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from grader.assignment import FitBounds, FitSettings, Range
from grader.dataset import FLAT_SHAPE, IMAGE_SHAPE, Dataset, InputTransform
from grader.errors import ModelRejected
from grader.keras_loader import load_keras
from grader.model.compile import CompileSettings
from grader.results import Metrics, TrainingOutcome

keras = load_keras()

EpochCallback = Callable[[int, dict[str, float]], None]
PREDICT_BATCH = 2048
# Several optimizer steps per call into TensorFlow: the same arithmetic in the same order (the
# losses match step_per_execution=1 to the last digit), with less per-step overhead, which is
# most of the time of small models (measured: 11-layer, 9-unit model, 3 epochs, 3.1 s -> 2.0 s).
STEPS_PER_EXECUTION = 32
# XLA compilation pays off only for models with big matrices. Measured in this engine on
# MNIST (batch 128, SGD, 2 cores), seconds per epoch: 4.2M parameters 10.2 -> 9.2 with XLA,
# but 318k 1.10 -> 1.25 and smaller models slower still. Same arithmetic in another order:
# the test accuracies agree to 0.1 point.
XLA_FROM_PARAMS = 1_000_000


class FitPlan(BaseModel):
    """The fit settings used, and whether the student chose them."""

    model_config = ConfigDict(frozen=True)

    epochs: int
    batch_size: int
    validation_split: float
    from_student: bool
    transform: InputTransform = InputTransform()  # what a notebook did to the pixels before fit


class _StudentFit(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    epochs: int | None = None
    batch_size: int | None = None
    validation_split: float | None = None


def resolve_fit(raw: Any, defaults: FitSettings, bounds: FitBounds) -> FitPlan:
    """A part's FIT entry merged over the defaults and checked against the bounds."""
    if raw is None:
        return FitPlan(**defaults.model_dump(), from_student=False)
    try:
        asked = _StudentFit.model_validate(raw)
    except ValidationError as error:
        fields = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in error.errors()
        )
        raise ModelRejected(
            f"FIT for this part is invalid ({fields}); use a dict like "
            "{'epochs': 10, 'batch_size': 128, 'validation_split': 0.1}"
        ) from None
    chosen = {**defaults.model_dump(), **asked.model_dump(exclude_none=True)}
    for field in ("epochs", "batch_size", "validation_split"):
        allowed: Range = getattr(bounds, field)
        if not allowed.contains(chosen[field]):
            raise ModelRejected(
                f"FIT asks for {field}={chosen[field]}; allowed {allowed.describe()}"
            )
    return FitPlan(**chosen, from_student=True)


def model_inputs(
    images: np.ndarray, input_shape: list[int], transform: InputTransform | None = None
) -> np.ndarray:
    """Pixels as float32, shaped for the model: (784,), (28, 28) or (28, 28, 1); raw 0-255
    unless a transform is given, computed in float64 as `x / 255` in a notebook is."""
    accepted = {
        FLAT_SHAPE: (-1, *FLAT_SHAPE),
        IMAGE_SHAPE: (-1, *IMAGE_SHAPE),
        (*IMAGE_SHAPE, 1): (-1, *IMAGE_SHAPE, 1),
    }
    target = accepted.get(tuple(input_shape))
    if target is None:
        raise ModelRejected(
            f"the model's input shape is {tuple(input_shape)}; MNIST images fit (784,), (28, 28) "
            "or (28, 28, 1)"
        )
    shaped = images.reshape(target)
    if transform is None or transform.identity:
        return shaped.astype(np.float32)
    if transform.divisor:
        return (shaped / transform.divisor + transform.shift).astype(np.float32)
    return (shaped * transform.scale + transform.shift).astype(np.float32)


def train(
    model: Any,
    settings: CompileSettings,
    plan: FitPlan,
    data: Dataset,
    input_shape: list[int],
    on_epoch: EpochCallback | None = None,
) -> TrainingOutcome:
    """Compile and fit the (freshly rebuilt, seeded) model, then measure it."""
    output = tuple(model.outputs[0].shape[1:])
    if output != (data.num_classes,):
        raise ModelRejected(
            f"the model's output shape is {output}; it needs {data.num_classes} units, one per class"
        )
    x_all = model_inputs(data.x_train, input_shape, plan.transform)
    x_test = model_inputs(data.x_test, input_shape, plan.transform)
    split_at = math.floor(len(x_all) * (1.0 - plan.validation_split))  # as Keras splits
    y_all = labels_for(data.y_train, data.num_classes, settings.sparse_labels)
    model.compile(
        optimizer=keras.optimizers.get(settings.optimizer),
        loss=keras.losses.get(settings.loss),
        metrics=["accuracy"],
        steps_per_execution=STEPS_PER_EXECUTION,
        jit_compile=model.count_params() >= XLA_FROM_PARAMS,
    )
    timer = _EpochTimer(on_epoch)
    history = model.fit(
        x_all[:split_at],
        y_all[:split_at],
        batch_size=plan.batch_size,
        epochs=plan.epochs,
        validation_data=(x_all[split_at:], y_all[split_at:]),
        shuffle=True,
        verbose=0,
        callbacks=[timer],
    )
    losses = history.history.get("loss", [])
    return TrainingOutcome(
        metrics=Metrics(
            val_accuracy=accuracy(model, x_all[split_at:], data.y_train[split_at:]),
            test_accuracy=accuracy(model, x_test, data.y_test),
            epochs=len(timer.seconds),
            seconds_per_epoch=round(sum(timer.seconds) / max(1, len(timer.seconds)), 3),
        ),
        history={key: [float(v) for v in values] for key, values in history.history.items()},
        finite_loss=bool(losses) and all(math.isfinite(v) for v in losses),
    )


def accuracy(model: Any, x: np.ndarray, labels: np.ndarray) -> float:
    """Share of images whose highest output is the true class: the grader's own arithmetic."""
    predictions = model.predict(x, batch_size=PREDICT_BATCH, verbose=0)
    return round(float(np.mean(np.argmax(predictions, axis=1) == labels)), 6)


def labels_for(labels: np.ndarray, num_classes: int, sparse: bool) -> np.ndarray:
    if sparse:
        return labels.astype(np.int64)
    return np.eye(num_classes, dtype=np.float32)[labels]


class _EpochTimer(keras.callbacks.Callback):
    """Times each epoch and forwards the epoch's logs to the progress display."""

    def __init__(self, on_epoch: EpochCallback | None) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self._on_epoch = on_epoch
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)
        if self._on_epoch is not None:
            self._on_epoch(epoch + 1, {k: float(v) for k, v in (logs or {}).items()})
