"""The bundled MNIST: the published figures, and the checksum guard."""

import numpy as np
import pytest

from grader.dataset import verify_arrays
from grader.errors import DatasetError


def test_bundled_mnist_matches_the_published_figures(mnist):
    assert mnist.x_train.shape == (60000, 28, 28) and mnist.x_train.dtype == np.uint8
    assert mnist.x_test.shape == (10000, 28, 28)
    assert list(mnist.y_train[:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert list(mnist.y_test[:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert round(float(mnist.x_train.mean()), 4) == 33.3184
    assert list(np.bincount(mnist.y_train)) == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]


def test_an_altered_array_fails_its_checksum(mnist):
    arrays = {
        "x_train": mnist.x_train.copy(),
        "y_train": mnist.y_train,
        "x_test": mnist.x_test,
        "y_test": mnist.y_test,
    }
    arrays["x_train"][0, 0, 0] ^= 1
    with pytest.raises(DatasetError, match="x_train fails its checksum"):
        verify_arrays(arrays)
