"""Runs inside the student's process: imports the submission, calls its builders, sends data back.

This file is executed by path (`python -I child.py ...`) in the sandbox and imports nothing from
the grader. Everything it sends is plain JSON on a private pipe; the grader treats all of it as
untrusted input: it rebuilds the models from the configs and measures every figure itself.

Usage: child.py SUBMISSION CHANNEL_FD PART_IDS_JSON  (builder form: call each part's builder)
       child.py CELLS_JSON CHANNEL_FD --script      (script and notebook forms: see recorder.py)
"""

import importlib.util
import json
import os
import sys
import traceback

MAX_MESSAGE_CHARS = 500


def _recorder():
    return _load_by_path("recorder", os.path.join(os.path.dirname(__file__), "recorder.py"))


def main() -> None:
    submission, channel_fd = sys.argv[1], int(sys.argv[2])
    channel = os.fdopen(channel_fd, "w", encoding="utf-8")
    # The student's prints go to the log, never onto the channel.
    os.dup2(2, 1)

    def send(message: dict) -> None:
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    recorder = _recorder()
    if sys.argv[3] == "--script":
        data = os.path.join(os.path.dirname(os.path.abspath(submission)), "mnist.npz")
        recorder.run(submission, data, send)
        return
    _build_parts(submission, json.loads(sys.argv[3]), send, recorder.plain)


def _build_parts(submission: str, part_ids: list[str], send, plain) -> None:
    try:
        module = _import(submission)
    except BaseException as error:
        send({"event": "load_error", "error": _describe(error, submission)})
        return
    send(
        {
            "event": "loaded",
            "fit": plain(getattr(module, "FIT", None), "FIT"),
            "answers": plain(getattr(module, "ANSWERS", None), "ANSWERS"),
            "defined": [part for part in part_ids if callable(getattr(module, part, None))],
        }
    )
    for part in part_ids:
        builder = getattr(module, part, None)
        if not callable(builder):
            continue
        send({"event": "start", "part": part})
        try:
            send({"event": "built", "part": part, **_describe_model(builder())})
        except BaseException as error:
            send({"event": "built", "part": part, "error": _describe(error, submission)})
    send({"event": "done"})


def _import(path: str):
    return _load_by_path("submission", path)


def _load_by_path(name: str, path: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _describe_model(model) -> dict:
    import keras

    if not isinstance(model, keras.Model):
        kind = type(model).__name__
        return {
            "error": {"kind": "not_a_model", "message": f"returned a {kind}, not a keras.Model"}
        }
    try:
        config = json.loads(model.to_json())
    except Exception as error:
        return {
            "error": {
                "kind": "not_serializable",
                "message": f"its config cannot be exported ({type(error).__name__}: "
                f"{str(error)[:MAX_MESSAGE_CHARS]}); build it with keras.Sequential or the "
                "functional API from standard Keras layers",
            }
        }
    compile_config = config.pop("compile_config", None) or None
    return {"model_config": config, "compile_config": compile_config}


def _describe(error: BaseException, submission: str) -> dict:
    """The exception's type, message and the submission's line where it happened."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if os.path.abspath(frame.filename) == os.path.abspath(submission)
    ]
    line = frames[-1].lineno if frames else getattr(error, "lineno", None)
    code = frames[-1].line if frames else None
    return {
        "kind": "exception",
        "type": type(error).__name__,
        "message": str(error)[:MAX_MESSAGE_CHARS],
        "line": line,
        "code": code,
    }


if __name__ == "__main__":
    main()
