"""Inspecting a part's model: allowlist, recount, then a seeded rebuild in the grader's own Keras."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.assignment import Limits
from grader.errors import ModelRejected
from grader.keras_loader import load_keras
from grader.model.allowlist import check_model_config
from grader.model.recount import Recount, Shape, recount

keras = load_keras()


def inspect_config(config: dict[str, Any], limits: Limits, default_input: Shape) -> Recount:
    """Vet a model config and count it; no Keras object is created."""
    check_model_config(config, max_bytes=limits.max_config_bytes, max_layers=limits.max_layers)
    try:
        counted = recount(config, default_input)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise ModelRejected(
            f"the model's config is malformed ({type(error).__name__}: {str(error)[:200]})"
        ) from error
    if counted.params.total > limits.max_params:
        raise ModelRejected(
            f"the model has {counted.params.total:,} parameters; the limit is {limits.max_params:,}"
        )
    return counted


def rebuild(config: dict[str, Any], counted: Recount, seed: int) -> Any:
    """A fresh Keras model from the vetted config, initialized from the grader's seed, and
    cross-checked against the recount (a disagreement means the grader is wrong: it says so)."""
    # free_memory=False skips a full garbage collection (0.2 s a model, most of a pre-flight's
    # rebuild time); the names and the seed state are reset all the same, and the initial
    # weights are identical either way.
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(seed)
    try:
        model = keras.saving.deserialize_keras_object(config, safe_mode=True)
        if not model.built:
            model.build((None, *counted.input_shape))
    except Exception as error:
        raise ModelRejected(
            f"Keras could not rebuild the model from its config ({type(error).__name__}: "
            f"{str(error)[:300]})"
        ) from error
    total = model.count_params()
    trainable = sum(int(np.prod(weight.shape)) for weight in model.trainable_weights)
    if (total, trainable) != (counted.params.total, counted.params.trainable):
        raise ModelRejected(
            f"the grader's recount ({counted.params.total:,} parameters, "
            f"{counted.params.trainable:,} trainable) disagrees with Keras ({total:,}, "
            f"{trainable:,}); this is a grader bug, please report it with the submission"
        )
    return model
