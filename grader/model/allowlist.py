"""What a model config from the student's process may contain before the grader rebuilds it.

Keras's own safe_mode is a denylist; this is an allowlist: standard layers, initializers,
regularizers, constraints and activations, scalar arguments only (an array in a config would be
smuggled weights), within the assignment's size caps. A rejection names the place and the fix.
"""

from __future__ import annotations

import json
import math
from typing import Any

from grader.errors import ModelRejected
from grader.model.recount import LAYER_RULES

MODELS = {("keras", "Sequential"), ("keras", "Functional"), ("keras.models", "Sequential")}
OBJECTS = {
    ("keras", "DTypePolicy"),
    ("keras.layers", "InputLayer"),
    *(("keras.layers", name) for name in LAYER_RULES),
    *(
        ("keras.initializers", name)
        for name in (
            "GlorotUniform",
            "GlorotNormal",
            "HeUniform",
            "HeNormal",
            "LecunUniform",
            "LecunNormal",
            "RandomUniform",
            "RandomNormal",
            "TruncatedNormal",
            "VarianceScaling",
            "Orthogonal",
            "Zeros",
            "Ones",
            "Constant",
            "Identity",
        )
    ),
    *(("keras.regularizers", name) for name in ("L1", "L2", "L1L2", "OrthogonalRegularizer")),
    *(("keras.constraints", name) for name in ("MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm")),
}
ACTIVATIONS = {
    "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "swish",
    "sigmoid", "hard_sigmoid", "hard_silu", "hard_swish", "softmax", "log_softmax",
    "softplus", "softsign", "tanh", "exponential", "mish",
}  # fmt: skip
MAX_LIST_LENGTH = 8  # shapes and axes; anything longer is data
MAX_DEPTH = 16


def check_model_config(config: Any, *, max_bytes: int, max_layers: int) -> None:
    """Raise ModelRejected unless the config uses only allowed, scalar-argument objects."""
    size = len(json.dumps(config))
    if size > max_bytes:
        raise ModelRejected(f"the model's config is {size:,} bytes; the limit is {max_bytes:,}")
    if (
        not isinstance(config, dict)
        or (config.get("module"), config.get("class_name")) not in MODELS
    ):
        name = config.get("class_name") if isinstance(config, dict) else type(config).__name__
        raise ModelRejected(
            f"the model is a {name}; build it with keras.Sequential or the functional API"
        )
    layers = (config.get("config") or {}).get("layers")
    if not isinstance(layers, list) or not layers:
        raise ModelRejected("the model has no layers")
    if len(layers) > max_layers:
        raise ModelRejected(f"the model has {len(layers)} layers; the limit is {max_layers}")
    for layer in layers:
        where = f"layer {_layer_name(layer)}"
        if not isinstance(layer, dict) or layer.get("class_name") not in {
            "InputLayer",
            *LAYER_RULES,
        }:
            kind = layer.get("class_name") if isinstance(layer, dict) else layer
            raise ModelRejected(f"{where} is a {kind}, which is not allowed; {_layer_hint()}")
        _walk(layer, where, depth=0)
    _walk({k: v for k, v in config["config"].items() if k != "layers"}, "the model", depth=0)


def _walk(value: Any, where: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ModelRejected(f"{where}: the config is nested too deeply")
    if isinstance(value, dict):
        _check_object(value, where)
        for key, item in value.items():
            if key == "activation" and not (
                item is None or (isinstance(item, str) and item in ACTIVATIONS)
            ):
                raise ModelRejected(
                    f"{where} uses activation {_short(item)}; use a standard one by name, "
                    "e.g. 'relu', 'sigmoid' or 'softmax'"
                )
            _walk(item, where, depth + 1)
    elif isinstance(value, list):
        if len(value) > MAX_LIST_LENGTH and all(isinstance(v, int | float) for v in value):
            raise ModelRejected(
                f"{where} carries an array of {len(value)} numbers; configs may hold scalars "
                "only (initial values come from the grader's own initialization)"
            )
        for item in value:
            _walk(item, where, depth + 1)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ModelRejected(f"{where} has a non-finite number ({value})")


def _check_object(value: dict[str, Any], where: str) -> None:
    class_name = value.get("class_name")
    if class_name is None or class_name == "__keras_tensor__":
        return
    module = value.get("module")
    registered = value.get("registered_name")
    if (module, class_name) not in OBJECTS or registered not in (None, class_name):
        raise ModelRejected(
            f"{where} uses {module}.{class_name}, which is not allowed: only standard Keras "
            "layers, initializers, regularizers and constraints (no Lambda, custom or nested "
            "model classes)"
        )


def _layer_name(layer: Any) -> str:
    if isinstance(layer, dict):
        return str(layer.get("name") or (layer.get("config") or {}).get("name") or "?")
    return "?"


def _layer_hint() -> str:
    return "use standard layers such as Dense, Flatten, Dropout, BatchNormalization, Activation"


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) < 60 else text[:57] + "..."
