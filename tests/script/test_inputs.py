"""Fit inputs against the grader's own MNIST, fingerprinted exactly as the sandboxed recorder does."""

import importlib.util

import numpy as np
import pytest

from grader.dataset import InputTransform
from grader.script.inputs import check_labels, identify
from grader.submission.runner import CHILD_SCRIPT
from grader.submission.script_runner import InputPrint

_spec = importlib.util.spec_from_file_location("recorder", CHILD_SCRIPT.with_name("recorder.py"))
recorder = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(recorder)


def fingerprint(x) -> InputPrint:
    return InputPrint.model_validate(recorder._fingerprint(x))


def test_raw_pixels_are_the_training_images_untransformed(mnist):
    finding = identify(fingerprint(mnist.x_train), mnist)
    assert (finding.images, finding.complete) == ("train", True)
    assert finding.transform == InputTransform()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_division_by_255_is_found_exactly(mnist, dtype):
    x = mnist.x_train.reshape(-1, 784).astype(dtype) / 255
    finding = identify(fingerprint(x), mnist)
    assert finding.transform == InputTransform(scale=1 / 255)
    assert finding.detail == "the train images, pixels scaled by 1/255"


def test_standardization_is_a_scale_and_a_shift(mnist):
    x = (mnist.x_train - mnist.x_train.mean()) / mnist.x_train.std()
    finding = identify(fingerprint(x), mnist)
    assert finding.images == "train"
    assert finding.transform.scale == pytest.approx(1 / mnist.x_train.std(), rel=1e-5)
    assert finding.transform.shift == pytest.approx(
        -mnist.x_train.mean() / mnist.x_train.std(), rel=1e-5
    )


def test_test_images_and_a_prefix_of_the_training_images_are_told_apart(mnist):
    test = identify(fingerprint(mnist.x_test / 255.0), mnist)
    head = identify(fingerprint(mnist.x_train[:5000] / 255.0), mnist)
    assert (test.images, test.complete) == ("test", True)
    assert (head.images, head.complete, head.rows) == ("train", False, 5000)


def test_mixed_shuffled_and_augmented_inputs_are_not_the_training_images(mnist):
    x = mnist.x_train.reshape(-1, 784) / 255.0
    mixed = x.copy()
    mixed[100:110] = mnist.x_test[:10].reshape(-1, 784) / 255.0  # between the sampled rows
    shuffled = x[np.random.default_rng(0).permutation(len(x))]
    noisy = x + np.random.default_rng(1).normal(0, 0.01, x.shape)
    for altered in (mixed, shuffled, noisy):
        assert identify(fingerprint(altered), mnist).images == "other"
    assert "10 of 60,000 rows" in identify(fingerprint(mixed), mnist).detail


def test_labels_are_checked_one_hot_or_not(mnist):
    finding = identify(fingerprint(mnist.x_train), mnist)
    one_hot = np.eye(10)[mnist.y_train]
    relabelled = mnist.y_train.copy()
    relabelled[:25] = (relabelled[:25] + 1) % 10
    assert check_labels(finding, recorder._labels(one_hot), mnist).wrong_labels == 0
    assert check_labels(finding, recorder._labels(relabelled), mnist).wrong_labels == 25


def test_things_that_are_not_image_arrays(mnist):
    assert identify(fingerprint(mnist.x_train[:, :20]), mnist).detail.startswith("shape")
    assert identify(InputPrint(error="generator, not an array"), mnist).images == "other"
    assert identify(None, mnist).images == "other"
