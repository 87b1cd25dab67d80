"""Why a trained model failed: evidence measured on the model at initialization, and one fix.

Run when a part ends near chance or far under its accuracy threshold. Each diagnosis names the
figures it rests on (gradient norms per layer, the share of saturated units, the input range,
the loss curve), never a guess from the architecture alone.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from grader.assignment import AccuracyCheck, Part
from grader.dataset import Dataset, InputTransform
from grader.keras_loader import load_keras
from grader.model.compile import CompileSettings
from grader.results import Diagnosis, TrainingOutcome
from grader.training import labels_for, model_inputs

keras = load_keras()

SAMPLE = 256
VANISHING_RATIO = 1e-3  # first layer's gradient norm over the last one's
SATURATED = 0.5  # share of sigmoid/tanh units pinned near their limits
FAR_UNDER = 0.05  # accuracy this far under a threshold counts as failing badly
SQUASHING = {"sigmoid", "tanh", "hard_sigmoid"}


def needs_diagnosis(part: Part, outcome: TrainingOutcome, num_classes: int) -> bool:
    """Near chance, diverged, or far under one of the part's accuracy thresholds."""
    metrics = outcome.metrics
    if not outcome.finite_loss or metrics.test_accuracy < 2.0 / num_classes:
        return True
    for check in part.checks:
        if isinstance(check, AccuracyCheck):
            value = metrics.val_accuracy if check.split == "validation" else metrics.test_accuracy
            if value < check.above - FAR_UNDER:
                return True
    return False


def diagnose(
    model: Any,
    settings: CompileSettings,
    data: Dataset,
    input_shape: list[int],
    outcome: TrainingOutcome,
    transform: InputTransform | None = None,
) -> list[Diagnosis]:
    """Measure a freshly initialized copy of the trained model on a batch of training images."""
    x = model_inputs(data.x_train[:SAMPLE], input_shape, transform)
    y = labels_for(data.y_train[:SAMPLE], data.num_classes, settings.sparse_labels)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    norms = _gradient_norms(model, keras.losses.get(settings.loss), x, y, dense)
    saturation = _saturation(model, x, dense)
    found = [
        finding
        for finding in (
            _vanishing(dense, norms),
            _unscaled_inputs(x, dense, saturation),
            _learning_rate(settings, outcome),
        )
        if finding is not None
    ]
    return found


def _gradient_norms(model, loss, x, y, dense) -> list[float]:
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss_value = loss(y, model(x, training=False))
    gradients = tape.gradient(loss_value, [layer.kernel for layer in dense])
    return [float(tf.norm(g)) if g is not None else 0.0 for g in gradients]


def _saturation(model, x, dense) -> dict[str, float]:
    """Per squashing layer: the share of its outputs pinned within 1% of a limit."""
    squashing = [layer for layer in dense if _activation(layer) in SQUASHING]
    if not squashing:
        return {}
    probe = keras.Model(model.inputs[0], [layer.output for layer in squashing])
    outputs = probe(x, training=False)
    outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
    shares = {}
    for layer, values in zip(squashing, outputs, strict=True):
        values = np.asarray(values)
        if _activation(layer) == "tanh":
            pinned = np.abs(values) > 0.99
        else:
            pinned = (values < 0.01) | (values > 0.99)
        shares[layer.name] = float(pinned.mean())
    return shares


def _activation(layer) -> str:
    return getattr(layer.activation, "__name__", str(layer.activation))


def _vanishing(dense, norms: list[float]) -> Diagnosis | None:
    if len(dense) < 3 or norms[-1] <= 0:
        return None
    ratio = norms[0] / norms[-1]
    if ratio >= VANISHING_RATIO:
        return None
    activations = sorted({_activation(layer) for layer in dense[:-1]})
    return Diagnosis(
        kind="vanishing gradients",
        summary=(
            f"At initialization the first layer's gradient is {ratio:.1e} times the last "
            f"layer's ({norms[0]:.2e} against {norms[-1]:.2e}): through {len(dense) - 1} "
            f"{'/'.join(activations)} hidden layers the error signal vanishes before it "
            "reaches the first layers, so they barely learn."
        ),
        evidence={
            f"gradient norm, {layer.name}": norm for layer, norm in zip(dense, norms, strict=True)
        },
        fix=(
            "Use ReLU in the hidden layers (or add BatchNormalization between them), and "
            "scale the inputs to [0, 1] with layers.Rescaling(1 / 255)."
        ),
    )


def _unscaled_inputs(x: np.ndarray, dense, saturation: dict[str, float]) -> Diagnosis | None:
    first = dense[0]
    share = saturation.get(first.name)
    if share is None or share < SATURATED or float(np.abs(x).max()) <= 1.5:
        return None
    return Diagnosis(
        kind="unscaled inputs into saturating units",
        summary=(
            f"The inputs range up to {float(np.abs(x).max()):g} and {share:.0%} of the first "
            f"layer's {_activation(first)} units sit pinned at 0 or 1 at initialization, where "
            "their gradient is close to zero."
        ),
        evidence={f"saturated share, {name}": value for name, value in saturation.items()}
        | {"largest input": float(np.abs(x).max())},
        fix="Scale the inputs to [0, 1]: add layers.Rescaling(1 / 255) as the first layer.",
    )


def _learning_rate(settings: CompileSettings, outcome: TrainingOutcome) -> Diagnosis | None:
    losses = outcome.history.get("loss", [])
    rate = None
    if isinstance(settings.optimizer, dict):
        rate = settings.optimizer.get("config", {}).get("learning_rate")
    if not outcome.finite_loss:
        return Diagnosis(
            kind="diverged",
            summary="The training loss became NaN or infinite: the updates overshoot.",
            evidence={"learning rate": rate if isinstance(rate, int | float) else float("nan")},
            fix="Lower the learning rate (e.g. by 10x), or scale the inputs to [0, 1].",
        )
    if isinstance(rate, int | float) and rate < 1e-4 and len(losses) > 1:
        change = (losses[0] - losses[-1]) / max(abs(losses[0]), 1e-12)
        if change < 0.01 and math.isfinite(change):
            return Diagnosis(
                kind="learning rate too small",
                summary=f"With learning rate {rate:g} the loss moved by {change:.1%} in {len(losses)} epochs.",
                evidence={
                    "learning rate": float(rate),
                    "first loss": losses[0],
                    "last loss": losses[-1],
                },
                fix="Raise the learning rate (SGD: around 0.01 to 0.1; Adam: 1e-3).",
            )
    return None
