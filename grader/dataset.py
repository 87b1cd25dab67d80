"""The bundled MNIST: loaded from the package, never downloaded, checked against its checksums."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from pydantic import BaseModel, ConfigDict

from grader.errors import DatasetError

# sha256 of each array's bytes, from grader/data/README.md.
MNIST_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
NUM_CLASSES = 10
IMAGE_SHAPE = (28, 28)
FLAT_SHAPE = (IMAGE_SHAPE[0] * IMAGE_SHAPE[1],)  # a model without an Input gets flat images


class InputTransform(BaseModel):
    """x_model = scale * pixels + shift, one scale and one shift for the whole dataset."""

    model_config = ConfigDict(frozen=True)

    scale: float = 1.0
    shift: float = 0.0

    @property
    def identity(self) -> bool:
        return self.scale == 1.0 and self.shift == 0.0

    @property
    def divisor(self) -> int | None:
        """n when the scale is exactly 1/n, as `x / 255` gives; otherwise None."""
        inverse = 1.0 / self.scale
        return int(inverse) if inverse == round(inverse) else None

    def describe(self) -> str:
        if self.identity:
            return "raw 0-255 pixels"
        if self.shift == 0.0:
            return (
                f"pixels scaled by {f'1/{self.divisor}' if self.divisor else f'{self.scale:.4g}'}"
            )
        mean, std = -self.shift / self.scale, 1.0 / self.scale
        return f"pixels standardized as (x - {mean:.4g}) / {std:.4g}"


@dataclass(frozen=True)
class Dataset:
    """Images as uint8 (n, 28, 28) and integer labels, in the original order."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int = NUM_CLASSES
    checksum: str = hashlib.sha256("".join(MNIST_SHA256.values()).encode()).hexdigest()

    def head(self, n_train: int, n_test: int) -> Dataset:
        """The first images of each split: small, real data for quick runs and tests."""
        derived = hashlib.sha256(f"{self.checksum}|{n_train}|{n_test}".encode()).hexdigest()
        return Dataset(
            self.x_train[:n_train], self.y_train[:n_train], self.x_test[:n_test],
            self.y_test[:n_test], checksum=derived,
        )  # fmt: skip


@cache
def load_mnist() -> Dataset:
    """The bundled MNIST, verified. Raises DatasetError when the file is missing or altered."""
    resource = resources.files("grader") / "data" / "mnist.npz"
    try:
        with resources.as_file(resource) as path, np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in MNIST_SHA256}
    except (OSError, KeyError, ValueError) as error:
        raise DatasetError(
            f"The bundled MNIST (grader/data/mnist.npz) cannot be read: {error}. "
            "Reinstall the grader from a clean checkout."
        ) from error
    verify_arrays(arrays)
    return Dataset(**arrays)


def verify_arrays(arrays: dict[str, np.ndarray]) -> None:
    """Raise DatasetError unless every array matches its published sha256."""
    for key, expected in MNIST_SHA256.items():
        actual = hashlib.sha256(np.ascontiguousarray(arrays[key]).tobytes()).hexdigest()
        if actual != expected:
            raise DatasetError(
                f"The bundled MNIST array {key} fails its checksum ({actual[:12]}... instead of "
                f"{expected[:12]}...). Reinstall the grader from a clean checkout."
            )
