"""Training curves as PNG: accuracy and loss per epoch, training and validation (matplotlib)."""

from __future__ import annotations

import io
from pathlib import Path

from grader.results import SubmissionResult


def plot_history(history: dict[str, list[float]], title: str, path: Path) -> Path:
    """Save the two panels the original notebook drew by hand; returns the PNG's path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(history_png(history, title))
    return path


def history_png(history: dict[str, list[float]], title: str) -> bytes:
    """The curves as PNG bytes (for files, and for pages that embed them)."""
    # Imported here: matplotlib costs a third of a second that a run without curves never needs.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    figure, (accuracy_axis, loss_axis) = plt.subplots(1, 2, figsize=(10, 4))
    for axis, metric in ((accuracy_axis, "accuracy"), (loss_axis, "loss")):
        for key, label in ((metric, "training"), (f"val_{metric}", "validation")):
            values = history.get(key) or []
            if values:
                axis.plot(range(1, len(values) + 1), values, marker="o", label=label)
        axis.set(title=f"{title}: {metric}", xlabel="epoch")
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.legend()
    accuracy_axis.set_ylim(0, 1)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return buffer.getvalue()


def save_curves(result: SubmissionResult, folder: Path) -> dict[str, Path]:
    """One PNG per trained part, named after the part, in `folder`."""
    return {
        part.id: plot_history(part.history, part.id, Path(folder) / f"{part.id}.png")
        for part in result.parts
        if part.history.get("loss")
    }
