"""
Title: The original notebook's experiment, reproduced
Description: Trains the six multi-layer perceptrons of the original MNIST notebook with its
settings (sigmoid hidden layers, SGD, categorical cross-entropy, raw 0-255 pixels, batch size 128,
10 epochs, validation split 0.1), prints the table of parameters, validation and test accuracy
and seconds per epoch, and saves each model's training curves as PNG.

    python reference/notebook_experiment.py [--out reference/out] [--epochs 10]

This is plain Keras, as a student's notebook runs it: it does not use the grader, and so it is
also the yardstick the grader's own training is compared with. The data is the MNIST bundled
with the grader; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from grader.dataset import load_mnist
from grader.keras_loader import load_keras
from grader.report.curves import plot_history

keras = load_keras()
layers = keras.layers

## Settings of the original notebook

NUM_CLASSES = 10
BATCH_SIZE = 128
EPOCHS = 10
VALIDATION_SPLIT = 0.1
SEED = 0

# The notebook's six models: hidden layer widths, all sigmoid, softmax output.
MODELS = {
    "part1_large": [400],
    "part1_small": [60],
    "part2_narrow": [9] * 10,
    "part2_medium": [30] * 10,
    "part2_wide": [75] * 10,
    "part3": [2048, 1024, 512],
}

# Test accuracies the original notebook printed, for comparison.
NOTEBOOK_TEST_ACCURACY = {
    "part1_large": 0.942,
    "part1_small": 0.917,
    "part2_narrow": 0.113,
    "part2_medium": 0.113,
    "part2_wide": 0.101,
    "part3": 0.930,
}

## Prepare the data


def prepare_data():
    mnist = load_mnist()
    x_train = mnist.x_train.reshape(-1, 784).astype("float32")  # raw 0-255, as the notebook
    x_test = mnist.x_test.reshape(-1, 784).astype("float32")
    y_train = keras.utils.to_categorical(mnist.y_train, NUM_CLASSES)
    y_test = keras.utils.to_categorical(mnist.y_test, NUM_CLASSES)
    return (x_train, y_train), (x_test, y_test)


## Build the models


def build(widths: list[int]) -> keras.Model:
    model = keras.Sequential([keras.Input((784,))])
    for width in widths:
        model.add(layers.Dense(width, activation="sigmoid"))
    model.add(layers.Dense(NUM_CLASSES, activation="softmax"))
    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


## Train and evaluate


def run(name: str, widths: list[int], data, epochs: int) -> dict:
    (x_train, y_train), (x_test, y_test) = data
    keras.utils.set_random_seed(SEED)
    model = build(widths)
    started = time.perf_counter()
    history = model.fit(
        x_train, y_train, batch_size=BATCH_SIZE, epochs=epochs,
        validation_split=VALIDATION_SPLIT, verbose=0,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    _, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    return {
        "name": name,
        "params": model.count_params(),
        "val_accuracy": history.history["val_accuracy"][-1],
        "test_accuracy": float(test_accuracy),
        "seconds": seconds,
        "seconds_per_epoch": seconds / epochs,
        "history": history.history,
    }


def save_curves(row: dict, out: Path) -> Path:
    return plot_history(row["history"], row["name"], out / f"curves_{row['name']}.png")


def table(rows: list[dict]) -> Table:
    result = Table(title="The original notebook's six models, retrained (plain Keras)")
    for column in (
        "model",
        "hidden widths",
        "parameters",
        "val acc",
        "test acc",
        "notebook test acc",
        "s/epoch",
    ):
        result.add_column(
            column, justify="left" if column in ("model", "hidden widths") else "right"
        )
    for row in rows:
        widths = MODELS[row["name"]]
        shown = (
            f"{widths[0]} x{len(widths)}"
            if len(set(widths)) == 1 and len(widths) > 1
            else str(widths)
        )
        result.add_row(
            row["name"], shown, f"{row['params']:,}", f"{row['val_accuracy']:.1%}",
            f"{row['test_accuracy']:.1%}", f"{NOTEBOOK_TEST_ACCURACY[row['name']]:.1%}",
            f"{row['seconds_per_epoch']:.2f}",
        )  # fmt: skip
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=Path("reference/out"), help="folder for the PNG curves"
    )
    parser.add_argument(
        "--epochs", type=int, default=EPOCHS, help="epochs per model (notebook: 10)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    console = Console()
    data = prepare_data()
    rows = []
    for name, widths in MODELS.items():
        console.print(f"[dim]training {name} ({args.epochs} epochs)…[/dim]")
        row = run(name, widths, data, args.epochs)
        rows.append(row)
        save_curves(row, args.out)
    console.print(table(rows))
    console.print(f"Curves saved in {args.out}/ (curves_<model>.png).")
    gaps = [abs(row["test_accuracy"] - NOTEBOOK_TEST_ACCURACY[row["name"]]) for row in rows]
    console.print(f"Largest gap to the notebook's test accuracy: {max(gaps) * 100:.1f} points.")


if __name__ == "__main__":
    main()
