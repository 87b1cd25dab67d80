"""Runs a script-style submission or a notebook's cells inside the sandbox, recording the models.

Like child.py, this file runs in the student's process and imports nothing from the grader.
The code runs top to bottom in one namespace. Keras is patched first so that:

- every model that is compiled is recorded in creation order, with the student's lines that
  created it (for `# grade:` comments) and the variable names bound to it;
- `fit` records its settings and a fingerprint of its inputs and does not train: it returns a
  History whose lists hold placeholders, so plotting cells keep working;
- `evaluate` and `predict` record what they were given and answer with placeholders;
- `save`, `plt.show` and `savefig` do nothing, and `mnist.load_data` serves the bundled data.

A fingerprint is the inputs' shape, each row's sum and a few whole rows (float32, base64) and
the labels (uint8, base64): the grader compares them with its own MNIST to tell training
images from test images and to find the scale and shift the student applied.
"""

import base64
import builtins
import inspect
import json
import linecache
import sys
import traceback

MAX_MESSAGE_CHARS = 500
MAX_MODELS = 50
MAX_FINGERPRINTS = 60  # fits, evaluations and predictions with inputs recorded, in all
MAX_ROWS = 100_000
SAMPLE_ROWS = 8


class Recorder:
    def __init__(self, send, cells: list[dict], data_path: str):
        self.send = send
        self.cells = cells
        self.data_path = data_path
        self.namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
        self.cell_of_file = {cell["filename"]: cell["index"] for cell in cells}
        self.serials: dict[int, int] = {}  # id(model) -> creation serial
        self.origins: dict[int, list] = {}
        self.models: list = []  # compiled models, in creation order of first compile
        self.fingerprints = 0
        self.calls = 0  # fit/evaluate/predict calls, in the order they happened
        self.current_cell = 0

    # -- running -----------------------------------------------------------------------------

    def run(self) -> None:
        import numpy  # noqa: F401 - fail here, not in a cell, if the sandbox lacks it

        self._patch_keras()
        self._patch_matplotlib()
        self.namespace["display"] = lambda *objects, **_: print(*objects)
        for cell in self.cells:
            self.current_cell = cell["index"]
            self.send({"event": "cell", "cell": cell["index"]})
            # Tracebacks (and the error sent back) quote the cell's lines from here.
            lines = cell["source"].splitlines(keepends=True)
            linecache.cache[cell["filename"]] = (len(cell["source"]), None, lines, cell["filename"])
            try:
                code = compile(cell["source"], cell["filename"], "exec", dont_inherit=True)
                exec(code, self.namespace)
            except BaseException as error:  # the cells after this one depend on it: stop
                if isinstance(error, SystemExit) and not error.code:
                    break
                self.send(
                    {"event": "cell_error", "cell": cell["index"], "error": self._describe(error)}
                )
                break
        self.send(
            {
                "event": "done",
                "pinned": self._pinned(),
                "answers": plain(self.namespace.get("ANSWERS"), "ANSWERS"),
                "names": {str(self._index(m)): self._names(m) for m in self.models},
            }
        )

    # -- patches -----------------------------------------------------------------------------

    def _patch_keras(self) -> None:
        import keras
        from keras.src.datasets import mnist

        recorder = self
        model_class = keras.Model
        original_new = model_class.__new__
        original_compile = model_class.compile

        def recording_new(cls, *args, **kwargs):
            model = original_new(cls, *args, **kwargs)
            if id(model) not in recorder.serials:
                recorder.serials[id(model)] = len(recorder.serials)
                recorder.origins[id(model)] = recorder._student_frames()
            return model

        def compile(model, *args, **kwargs):
            result = original_compile(model, *args, **kwargs)
            recorder._compiled(model)
            return result

        fit_signature = inspect.signature(model_class.fit)
        use_signature = inspect.signature(model_class.evaluate)

        def fit(model, *args, **kwargs):
            bound = fit_signature.bind(model, *args, **kwargs)
            bound.apply_defaults()
            recorder._fit(model, bound.arguments)
            return recorder._history(model, bound.arguments)

        def evaluate(model, *args, **kwargs):
            bound = use_signature.bind(model, *args, **kwargs)
            recorder._used(model, "evaluate", bound.arguments.get("x"))
            names = ["loss", *recorder._metric_names(model)]
            if bound.arguments.get("return_dict"):
                return {name: 0.0 for name in names}
            return 0.0 if len(names) == 1 else [0.0] * len(names)

        def predict(model, x=None, *args, **kwargs):
            import numpy as np

            recorder._used(model, "predict", x)
            rows = len(x) if hasattr(x, "__len__") else 1
            try:
                shape = tuple(int(d or 1) for d in model.outputs[0].shape[1:])
            except Exception:  # a model that was never built has no outputs yet
                shape = (1,)
            return np.zeros((rows, *shape), dtype="float32")

        def nothing(*args, **kwargs):
            return None

        model_class.__new__ = recording_new
        model_class.compile = compile
        model_class.fit = fit
        model_class.evaluate = evaluate
        model_class.predict = predict
        for name in ("save", "save_weights", "export"):
            setattr(model_class, name, nothing)
        served = _served_load_data(self.data_path)
        mnist.load_data.__code__ = served.__code__
        mnist.load_data.__defaults__ = served.__defaults__

    def _patch_matplotlib(self) -> None:
        try:
            import matplotlib.figure
            import matplotlib.pyplot as plt
        except Exception:  # matplotlib is optional for the student
            return

        def nothing(*args, **kwargs):
            return None

        plt.show = nothing
        plt.savefig = nothing
        matplotlib.figure.Figure.savefig = nothing

    # -- what the patches record ---------------------------------------------------------------

    def _index(self, model) -> int | None:
        for index, known in enumerate(self.models):
            if known is model:
                return index
        return None

    def _compiled(self, model) -> None:
        index = self._index(model)
        if index is None:
            if len(self.models) >= MAX_MODELS:
                return
            self.models.append(model)
            index = len(self.models) - 1
        self.send(
            {
                "event": "model",
                "index": index,
                "serial": self.serials.get(id(model), -1),
                "origin": self.origins.get(id(model), []),
                "cell": self.current_cell,
                **_configs(model),
            }
        )

    def _fit(self, model, arguments: dict) -> None:
        index = self._index(model)
        if index is None:
            self._compiled(model)  # Keras refuses to fit an uncompiled model; record it anyway
            index = self._index(model)
            if index is None:
                return
        validation_data = arguments.get("validation_data")
        self.send(
            {
                "event": "fit",
                "index": index,
                "cell": self.current_cell,
                "line": self._student_line(),
                "epochs": _number(arguments.get("epochs")),
                "batch_size": _number(arguments.get("batch_size")),
                "validation_split": _number(arguments.get("validation_split")),
                "validation_data": validation_data is not None,
                "validation_x": (
                    self._fingerprint(validation_data[0])
                    if isinstance(validation_data, tuple | list) and validation_data
                    else None
                ),
                "x": self._fingerprint(arguments.get("x")),
                "labels": _labels(arguments.get("y")),
                **_configs(model),
            }
        )

    def _used(self, model, kind: str, x) -> None:
        index = self._index(model)
        self.calls += 1
        self.send(
            {
                "event": "use",
                "seq": self.calls,
                "kind": kind,
                "index": index,
                "cell": self.current_cell,
                "x": self._fingerprint(x),
            }
        )

    def _fingerprint(self, x):
        if self.fingerprints >= MAX_FINGERPRINTS:
            return {"error": "not recorded: too many calls"}
        self.fingerprints += 1
        return _fingerprint(x)

    def _history(self, model, arguments: dict):
        import keras

        epochs = _number(arguments.get("epochs"))
        epochs = int(epochs) if isinstance(epochs, int | float) and 0 < epochs <= 10_000 else 1
        names = ["loss", *self._metric_names(model)]
        validated = (
            arguments.get("validation_data") is not None
            or (_number(arguments.get("validation_split")) or 0) > 0
        )
        if validated:
            names += [f"val_{name}" for name in names]
        history = keras.callbacks.History()
        history.set_model(model)
        history.epoch = list(range(epochs))
        history.params = {"epochs": epochs, "verbose": 0}
        history.history = _Placeholders({name: [0.0] * epochs for name in names}, epochs)
        return history

    def _metric_names(self, model) -> list[str]:
        config = getattr(model, "_compile_config", None)
        metrics = (getattr(config, "config", None) or {}).get("metrics") if config else None
        names = []
        for metric in metrics or []:
            if isinstance(metric, str):
                names.append(metric)
            else:
                names.append(getattr(metric, "name", "metric"))
        return names

    def _names(self, model) -> list[str]:
        return sorted(
            name
            for name, value in self.namespace.items()
            if value is model and isinstance(name, str) and not name.startswith("_")
        )[:5]

    def _pinned(self):
        parts = self.namespace.get("PARTS")
        if parts is None:
            return None
        if not isinstance(parts, dict):
            return {"error": "PARTS must be a dict of part ids to models"}
        pinned = {}
        for part, model in parts.items():
            index = self._index(model)
            if index is None:
                return {"error": f"PARTS[{str(part)[:60]!r}] is not a compiled Keras model"}
            pinned[str(part)] = index
        return {"value": pinned}

    def _student_frames(self) -> list:
        frames = []
        frame = sys._getframe(2)
        while frame is not None:
            cell = self.cell_of_file.get(frame.f_code.co_filename)
            if cell is not None:
                frames.append([cell, frame.f_lineno])
            frame = frame.f_back
        return frames[:20]

    def _student_line(self) -> int | None:
        """The line of the running cell's statement (a helper defined elsewhere may be deeper)."""
        frames = [f for f in self._student_frames() if f[0] == self.current_cell]
        return frames[-1][1] if frames else None

    def _describe(self, error: BaseException) -> dict:
        frames = [
            frame
            for frame in traceback.extract_tb(error.__traceback__)
            if frame.filename in self.cell_of_file
        ]
        line = frames[-1].lineno if frames else getattr(error, "lineno", None)
        return {
            "kind": "exception",
            "type": type(error).__name__,
            "message": str(error)[:MAX_MESSAGE_CHARS],
            "line": line,
            "code": frames[-1].line if frames else getattr(error, "text", None),
        }


class _Placeholders(dict):
    """History.history: any metric a cell asks for exists, filled with placeholders."""

    def __init__(self, values: dict, epochs: int):
        super().__init__(values)
        self._epochs = epochs

    def __missing__(self, key):
        return [0.0] * self._epochs


def _served_load_data(data_path: str):
    def load_data(path="mnist.npz", _served_from=data_path):
        numpy = __import__("numpy")
        with numpy.load(_served_from, allow_pickle=False) as archive:
            return (archive["x_train"], archive["y_train"]), (archive["x_test"], archive["y_test"])

    return load_data


def _configs(model) -> dict:
    try:
        config = json.loads(model.to_json())
    except Exception as error:
        return {
            "error": f"its config cannot be exported ({type(error).__name__}: {str(error)[:200]})"
        }
    compile_config = config.pop("compile_config", None) or None
    return {"model_config": config, "compile_config": compile_config}


def _number(value):
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value) if isinstance(value, float) else int(value)
    except (TypeError, ValueError):
        return None


def _encode(array, dtype: str) -> str:
    import numpy as np

    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def _fingerprint(x):
    import numpy as np

    if x is None:
        return None
    try:
        array = np.asarray(x)
        if array.dtype == object or array.ndim < 1:
            raise TypeError(type(x).__name__)
    except Exception:
        return {"error": f"{type(x).__name__}, not an array"}
    rows = int(array.shape[0])
    shape = [int(d) for d in array.shape]
    if rows == 0 or rows > MAX_ROWS:
        return {"shape": shape}
    flat = array.reshape(rows, -1)
    if not np.issubdtype(flat.dtype, np.number):
        return {"shape": shape, "error": f"{flat.dtype} values, not numbers"}
    picked = np.linspace(0, rows - 1, num=min(SAMPLE_ROWS, rows)).astype(int)
    return {
        "shape": shape,
        "row_sums": _encode(flat.sum(axis=1, dtype=np.float64), "float32"),
        "sample_index": [int(i) for i in picked],
        "sample": _encode(flat[picked], "float32"),
    }


def _labels(y):
    import numpy as np

    if y is None:
        return None
    try:
        array = np.asarray(y)
        if array.ndim == 2 and array.shape[1] > 1:
            array = array.argmax(axis=1)
        array = array.reshape(-1)
        if len(array) > MAX_ROWS or not np.issubdtype(array.dtype, np.number):
            return None
        return _encode(np.clip(array, 0, 255), "uint8")
    except Exception:
        return None


def plain(value, name: str):
    """A module-level value (FIT, ANSWERS) as JSON data, or a note that it is not plain data.
    child.py uses it too."""
    if value is None:
        return None
    try:
        return {"value": json.loads(json.dumps(value))}
    except (TypeError, ValueError) as error:
        return {"error": f"{name} must hold only dicts, numbers and strings ({error})"}


def run(cells_path: str, data_path: str, send) -> None:
    with open(cells_path, encoding="utf-8") as handle:
        cells = json.load(handle)
    Recorder(send, cells, data_path).run()
