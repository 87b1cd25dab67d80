"""A cache of training outcomes, keyed by what determines them, not by the submission's bytes.

The key covers the model's config (with layer names made canonical, so two students who build
the same architecture share it), the optimizer and loss, the fit settings, the seed, the data's
checksum, the training protocol and the grader's version. A comment changed in a file reuses the
result; in a class where several students submit the same model and settings, it is trained
once. A corrupt or foreign entry is ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from grader import __version__
from grader.results import TrainingOutcome

if TYPE_CHECKING:  # these modules load Keras; the cache itself does not need it
    from grader.model.compile import CompileSettings
    from grader.training import FitPlan

PROTOCOL = "fit-last-fraction-validation/grader-accuracy"


def default_cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "grader" / "training"


def canonical_config(config: dict[str, Any]) -> Any:
    """The config with every layer and model name replaced by its position."""
    names: dict[str, str] = {}
    inner = config.get("config") or {}
    if isinstance(inner.get("name"), str):
        names[inner["name"]] = "model"
    for index, layer in enumerate(inner.get("layers") or []):
        if isinstance(layer, dict):
            for name in (layer.get("name"), (layer.get("config") or {}).get("name")):
                if isinstance(name, str):
                    names.setdefault(name, f"layer_{index}")

    def rename(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: rename(item) for key, item in value.items()}
        if isinstance(value, list):
            return [rename(item) for item in value]
        if isinstance(value, str):
            return names.get(value, value)
        return value

    return rename(config)


def training_key(
    config: dict[str, Any], settings: CompileSettings, plan: FitPlan, seed: int, data_checksum: str
) -> str:
    from grader.training import STEPS_PER_EXECUTION, XLA_FROM_PARAMS

    recipe = {
        "model": canonical_config(config),
        "optimizer": settings.optimizer,
        "loss": settings.loss,
        "sparse_labels": settings.sparse_labels,
        "fit": {
            "epochs": plan.epochs,
            "batch_size": plan.batch_size,
            "validation_split": plan.validation_split,
        },
        "inputs": plan.transform.model_dump(),
        "seed": seed,
        "data": data_checksum,
        "protocol": f"{PROTOCOL}/steps-per-execution-{STEPS_PER_EXECUTION}/xla-from-{XLA_FROM_PARAMS}",
        "grader": __version__,
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()


class TrainingCache:
    """Training outcomes on disk, one JSON file per key, written atomically."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder else default_cache_folder()

    def load(self, key: str) -> TrainingOutcome | None:
        try:
            return TrainingOutcome.model_validate_json((self.folder / f"{key}.json").read_bytes())
        except (OSError, ValidationError, ValueError):
            return None

    def save(self, key: str, outcome: TrainingOutcome) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".partial-")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(outcome.model_dump_json())
            os.replace(temporary, self.folder / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written only costs time
