"""Fails while importing: a module students do not have."""

import keras
import torch  # noqa: F401


def part1_large():
    return keras.Sequential()
