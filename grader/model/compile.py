"""The optimizer and loss the student asked for, read from the compile config as data and vetted."""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict

from grader.assignment import CompileDefaults
from grader.errors import ModelRejected

OPTIMIZERS = {
    "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion",
}  # fmt: skip
LOSSES = {
    "categorical_crossentropy": "CategoricalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
    "categorical_focal_crossentropy": "CategoricalFocalCrossentropy",
    "kl_divergence": "KLDivergence",
    "mean_squared_error": "MeanSquaredError",
    "mean_absolute_error": "MeanAbsoluteError",
    "categorical_hinge": "CategoricalHinge",
    "poisson": "Poisson",
}
LOSS_ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error", "kld": "kl_divergence"}
MAX_LEARNING_RATE = 10.0


class CompileSettings(BaseModel):
    """What training compiles with: a serialized optimizer and loss, both vetted."""

    model_config = ConfigDict(frozen=True)

    optimizer: dict[str, Any] | str
    loss: dict[str, Any] | str
    sparse_labels: bool
    from_student: bool

    def describe(self) -> str:
        optimizer = (
            self.optimizer if isinstance(self.optimizer, str) else self.optimizer["class_name"]
        )
        rate = (
            None if isinstance(self.optimizer, str) else self.optimizer["config"]["learning_rate"]
        )
        loss = self.loss if isinstance(self.loss, str) else self.loss["class_name"]
        rate_text = f" (learning rate {rate:.3g})" if isinstance(rate, float | int) else ""
        source = "" if self.from_student else " (default)"
        return f"{optimizer}{rate_text}, {loss}{source}"


def resolve_compile(
    compile_config: dict[str, Any] | None, defaults: CompileDefaults
) -> CompileSettings:
    """The student's optimizer and loss when the model was compiled, else the assignment's."""
    if not compile_config:
        return _settings(defaults.optimizer, defaults.loss, from_student=False)
    return _settings(
        compile_config.get("optimizer") or defaults.optimizer,
        compile_config.get("loss") or defaults.loss,
        from_student=True,
    )


def _settings(optimizer: Any, loss: Any, *, from_student: bool) -> CompileSettings:
    loss = _vet_loss(loss)
    name = loss if isinstance(loss, str) else loss["config"].get("name", loss["class_name"])
    return CompileSettings(
        optimizer=_vet_optimizer(optimizer),
        loss=loss,
        sparse_labels="sparse" in str(name).lower() or "Sparse" in str(loss),
        from_student=from_student,
    )


def _vet_optimizer(optimizer: Any) -> dict[str, Any] | str:
    if isinstance(optimizer, str):
        if optimizer.lower() not in {name.lower() for name in OPTIMIZERS}:
            raise ModelRejected(f"optimizer {optimizer!r} is not a standard Keras optimizer")
        return optimizer.lower()
    if not isinstance(optimizer, dict) or optimizer.get("module") != "keras.optimizers":
        raise ModelRejected(
            "the optimizer must be a standard Keras optimizer, e.g. 'sgd' or Adam()"
        )
    if optimizer.get("class_name") not in OPTIMIZERS:
        raise ModelRejected(
            f"optimizer {optimizer.get('class_name')} is not allowed; use one of {sorted(OPTIMIZERS)}"
        )
    config = optimizer.get("config")
    if not isinstance(config, dict) or not all(_scalar(v) for v in config.values()):
        raise ModelRejected(
            "the optimizer's settings must be plain numbers (no learning-rate schedules or objects)"
        )
    rate = config.get("learning_rate")
    if not isinstance(rate, int | float) or not 0 < rate <= MAX_LEARNING_RATE:
        raise ModelRejected(
            f"the optimizer's learning rate {rate!r} is outside (0, {MAX_LEARNING_RATE:g}]"
        )
    return {"module": "keras.optimizers", "class_name": optimizer["class_name"], "config": config}


def _vet_loss(loss: Any) -> dict[str, Any] | str:
    if isinstance(loss, dict) and loss.get("class_name") == "function":
        loss = loss.get("config")  # a loss function given by reference: keep its name
    if isinstance(loss, str):
        name = LOSS_ALIASES.get(loss, loss)
        if name not in LOSSES:
            raise ModelRejected(f"loss {loss!r} is not allowed; use one of {sorted(LOSSES)}")
        return name
    if (
        isinstance(loss, dict)
        and loss.get("module") == "keras.losses"
        and loss.get("class_name") in LOSSES.values()
        and isinstance(loss.get("config"), dict)
        and all(_scalar(v) for v in loss["config"].values())
    ):
        return {
            "module": "keras.losses",
            "class_name": loss["class_name"],
            "config": loss["config"],
        }
    raise ModelRejected(
        "the loss must be a standard Keras classification loss, e.g. 'categorical_crossentropy'"
    )


def _scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, bool | int | str)
