"""The grader's own parameter count: shapes propagated through the layer configs, counted per layer.

Nothing here builds a Keras model, so a config with a billion parameters is measured (and
refused) before any memory is allocated. The rebuild in Keras cross-checks these totals.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict

from grader.errors import ModelRejected

Shape = tuple[int, ...]  # without the batch dimension


class LayerCount(BaseModel):
    """One layer as the report shows it, with its parameters by kind."""

    model_config = ConfigDict(frozen=True)

    name: str
    type: str
    units: int | None = None
    activation: str | None = None
    weights: int = 0
    biases: int = 0
    other_trainable: int = 0
    non_trainable: int = 0
    trainable: bool = True
    output_shape: list[int]

    @property
    def trainable_params(self) -> int:
        return self.weights + self.biases + self.other_trainable if self.trainable else 0

    @property
    def total_params(self) -> int:
        return self.weights + self.biases + self.other_trainable + self.non_trainable


class ParamCounts(BaseModel):
    """Totals over a model. `weights` and `biases` count kernels and biases, frozen or not."""

    model_config = ConfigDict(frozen=True)

    weights: int
    biases: int
    other_trainable: int
    trainable: int
    non_trainable: int
    total: int


class Recount(BaseModel):
    """A model's structure and parameters, measured from its config."""

    model_config = ConfigDict(frozen=True)

    input_shape: list[int]
    output_shape: list[int]
    layers: list[LayerCount]
    params: ParamCounts

    @property
    def hidden_layers(self) -> list[LayerCount]:
        return hidden_layers(self.layers)

    @property
    def hidden_units(self) -> list[int]:
        return [layer.units for layer in self.hidden_layers if layer.units is not None]


def hidden_layers(layers: list[LayerCount]) -> list[LayerCount]:
    """Every layer with units except the last one (the output layer)."""
    with_units = [layer for layer in layers if layer.units is not None]
    return with_units[:-1]


# ---- per-layer rules: (config, input shapes, frozen) -> (output shape, counts) -------------------

LayerRule = Callable[[dict[str, Any], list[Shape], bool], tuple[Shape, dict[str, Any]]]


def _single(inputs: list[Shape], layer_type: str) -> Shape:
    if len(inputs) != 1:
        raise ModelRejected(f"a {layer_type} layer takes one input, not {len(inputs)}")
    return inputs[0]


def _identity(config: dict[str, Any], inputs: list[Shape], frozen: bool) -> tuple[Shape, dict]:
    return _single(inputs, "this"), {}


def _activation_layer(config: dict[str, Any], inputs: list[Shape], frozen: bool):
    return _single(inputs, "Activation"), {"activation": config.get("activation")}


def _dense(config: dict[str, Any], inputs: list[Shape], frozen: bool):
    shape = _single(inputs, "Dense")
    units = config.get("units")
    if not isinstance(units, int) or isinstance(units, bool) or units < 1:
        raise ModelRejected(f"a Dense layer has units={units!r}; use a positive whole number")
    if not shape:
        raise ModelRejected("a Dense layer receives a scalar input")
    return (*shape[:-1], units), {
        "units": units,
        "activation": config.get("activation") or "linear",
        "weights": shape[-1] * units,
        "biases": units if config.get("use_bias", True) else 0,
    }


def _flatten(config: dict[str, Any], inputs: list[Shape], frozen: bool):
    return (math.prod(_single(inputs, "Flatten")),), {}


def _reshape(config: dict[str, Any], inputs: list[Shape], frozen: bool):
    size = math.prod(_single(inputs, "Reshape"))
    target = [int(dim) for dim in config.get("target_shape") or []]
    known = math.prod(dim for dim in target if dim != -1)
    if target.count(-1) == 1 and known and size % known == 0:
        target[target.index(-1)] = size // known
    if -1 in target or math.prod(target) != size:
        raise ModelRejected(f"a Reshape to {tuple(target)} does not fit an input of {size} values")
    return tuple(target), {}


def _axes(config: dict[str, Any], shape: Shape, layer_type: str) -> list[int]:
    axis = config.get("axis", -1)
    axes = axis if isinstance(axis, list) else [axis]
    rank = len(shape) + 1  # the config's axes count the batch dimension
    try:
        return [shape[(a % rank) - 1] for a in axes if a % rank != 0]
    except (TypeError, IndexError):
        raise ModelRejected(f"a {layer_type} layer has axis={axis!r}, outside its input") from None


def _batch_normalization(config: dict[str, Any], inputs: list[Shape], frozen: bool):
    shape = _single(inputs, "BatchNormalization")
    channels = math.prod(_axes(config, shape, "BatchNormalization"))
    gamma_beta = channels * (int(config.get("scale", True)) + int(config.get("center", True)))
    return shape, {"other_trainable": gamma_beta, "non_trainable": 2 * channels}


def _layer_normalization(config: dict[str, Any], inputs: list[Shape], frozen: bool):
    shape = _single(inputs, "LayerNormalization")
    size = math.prod(_axes(config, shape, "LayerNormalization"))
    if config.get("rms_scaling"):
        count = size
    else:
        count = size * (int(config.get("scale", True)) + int(config.get("center", True)))
    return shape, {"other_trainable": count}


def _same_shapes(config: dict[str, Any], inputs: list[Shape], frozen: bool):
    if len(inputs) < 2 or len(set(inputs)) != 1:
        raise ModelRejected(f"a merge layer needs two or more inputs of one shape, got {inputs}")
    return inputs[0], {}


def _concatenate(config: dict[str, Any], inputs: list[Shape], frozen: bool):
    if len(inputs) < 2 or len({len(shape) for shape in inputs}) != 1:
        raise ModelRejected(f"a Concatenate layer needs inputs of one rank, got {inputs}")
    rank = len(inputs[0])
    axis = config.get("axis", -1)
    axis = axis % (rank + 1) - 1 if isinstance(axis, int) else -1
    rest = {tuple(d for i, d in enumerate(shape) if i != axis) for shape in inputs}
    if axis < 0 or len(rest) != 1:
        raise ModelRejected(f"a Concatenate layer cannot join inputs of shapes {inputs}")
    out = list(inputs[0])
    out[axis] = sum(shape[axis] for shape in inputs)
    return tuple(out), {}


LAYER_RULES: dict[str, LayerRule] = {
    "Dense": _dense,
    "Flatten": _flatten,
    "Reshape": _reshape,
    "BatchNormalization": _batch_normalization,
    "LayerNormalization": _layer_normalization,
    "Activation": _activation_layer,
    "Concatenate": _concatenate,
    **dict.fromkeys(("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"), _same_shapes),
    **dict.fromkeys(
        (
            "Dropout",
            "GaussianNoise",
            "GaussianDropout",
            "AlphaDropout",
            "ActivityRegularization",
            "Rescaling",
            "ReLU",
            "LeakyReLU",
            "ELU",
            "Softmax",
            "UnitNormalization",
        ),
        _identity,
    ),
}
ACTIVATION_LAYERS = {"ReLU": "relu", "LeakyReLU": "leaky_relu", "ELU": "elu", "Softmax": "softmax"}


# ---- walking a model's config ------------------------------------------------------------------


def recount(model: dict[str, Any], default_input: Shape) -> Recount:
    """Count a serialized Sequential or functional model. `default_input` is the input shape
    used when a Sequential model declares none (the dataset's flattened features)."""
    class_name, config = model.get("class_name"), model.get("config") or {}
    frozen = config.get("trainable") is False
    if class_name == "Sequential":
        input_shape, layers = _sequential(config, default_input, frozen)
    elif class_name == "Functional":
        input_shape, layers = _functional(config, frozen)
    else:
        raise ModelRejected(
            f"the model is a {class_name}; build it with keras.Sequential or the functional API"
        )
    if not any(layer.units is not None for layer in layers):
        raise ModelRejected("the model has no Dense layer")
    return Recount(
        input_shape=list(input_shape),
        output_shape=layers[-1].output_shape,
        layers=layers,
        params=_totals(layers),
    )


def _sequential(config: dict[str, Any], default_input: Shape, frozen: bool):
    entries = list(config.get("layers") or [])
    if entries and entries[0].get("class_name") == "InputLayer":
        input_shape = _input_shape(entries.pop(0))
    elif config.get("build_input_shape"):
        input_shape = tuple(int(d) for d in config["build_input_shape"][1:])
    else:
        input_shape = default_input
    if not entries:
        raise ModelRejected("the model has no layers")
    shape, layers = input_shape, []
    for entry in entries:
        layer = _count_layer(entry, [shape], frozen)
        layers.append(layer)
        shape = tuple(layer.output_shape)
    return input_shape, layers


def _functional(config: dict[str, Any], frozen: bool):
    inputs, outputs = config.get("input_layers"), config.get("output_layers")
    if _tensor_refs(inputs) is None or _tensor_refs(outputs) is None:
        raise ModelRejected("the model must have exactly one input and one output")
    shapes: dict[str, Shape] = {}
    layers: list[LayerCount] = []
    input_shape: Shape | None = None
    for entry in config.get("layers") or []:
        name = entry.get("name") or (entry.get("config") or {}).get("name")
        if entry.get("class_name") == "InputLayer":
            if input_shape is not None:
                raise ModelRejected("the model must have exactly one input")
            input_shape = shapes[name] = _input_shape(entry)
            continue
        nodes = entry.get("inbound_nodes") or []
        if len(nodes) != 1:
            raise ModelRejected(f"layer {name} is used {len(nodes)} times; use each layer once")
        sources = _node_sources(nodes[0])
        if not sources or any(source not in shapes for source in sources):
            raise ModelRejected(f"layer {name} takes an input the model does not define")
        layer = _count_layer(entry, [shapes[source] for source in sources], frozen)
        shapes[name] = tuple(layer.output_shape)
        layers.append(layer)
    if input_shape is None or not layers:
        raise ModelRejected("the model has no input or no layers")
    if _tensor_refs(outputs) != layers[-1].name:
        raise ModelRejected("the model's output must be its last layer")
    return input_shape, layers


def _tensor_refs(refs: Any) -> str | None:
    """The layer name of a single [name, node, tensor] reference, else None."""
    if isinstance(refs, list) and len(refs) == 1 and isinstance(refs[0], list):
        refs = refs[0]
    if isinstance(refs, list) and len(refs) == 3 and isinstance(refs[0], str):
        return refs[0]
    return None


def _node_sources(node: Any) -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("class_name") == "__keras_tensor__":
                history = (value.get("config") or {}).get("keras_history") or [None]
                found.append(history[0])
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(node.get("args") if isinstance(node, dict) else node)
    return found


def _input_shape(entry: dict[str, Any]) -> Shape:
    batch_shape = (entry.get("config") or {}).get("batch_shape")
    if not isinstance(batch_shape, list) or len(batch_shape) < 2:
        raise ModelRejected("the model's Input has no shape; give it one, e.g. keras.Input((784,))")
    dims = batch_shape[1:]
    if any(not isinstance(d, int) or isinstance(d, bool) or d < 1 for d in dims):
        raise ModelRejected(f"the model's Input shape {tuple(dims)} must be fixed positive sizes")
    return tuple(dims)


def _count_layer(entry: dict[str, Any], inputs: list[Shape], frozen: bool) -> LayerCount:
    layer_type = entry.get("class_name")
    config = entry.get("config") or {}
    rule = LAYER_RULES.get(layer_type)  # type: ignore[arg-type]
    if rule is None:
        raise ModelRejected(f"layer type {layer_type} is not supported by this assignment")
    frozen = frozen or config.get("trainable") is False
    output_shape, counts = rule(config, inputs, frozen)
    if layer_type in ACTIVATION_LAYERS:
        counts["activation"] = ACTIVATION_LAYERS[layer_type]
    return LayerCount(
        name=str(config.get("name", layer_type)),
        type=layer_type,
        trainable=not frozen,
        output_shape=list(output_shape),
        **counts,
    )


def _totals(layers: list[LayerCount]) -> ParamCounts:
    trainable = sum(layer.trainable_params for layer in layers)
    total = sum(layer.total_params for layer in layers)
    return ParamCounts(
        weights=sum(layer.weights for layer in layers),
        biases=sum(layer.biases for layer in layers),
        other_trainable=sum(layer.other_trainable for layer in layers if layer.trainable),
        trainable=trainable,
        non_trainable=total - trainable,
        total=total,
    )
