"""Reading a submission: what is refused before anything runs."""

import pytest

from grader.errors import SubmissionError
from grader.submission.source import file_sha256, read_submission


def test_syntax_error_names_the_file_and_line(write_submission):
    path = write_submission("import keras\n\ndef part1_large(:\n    pass\n", name="carol.py")
    with pytest.raises(SubmissionError) as raised:
        read_submission(path)
    message = str(raised.value)
    assert message.startswith("carol.py, line 3: syntax error")
    assert "Traceback" not in message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "is neither a Python file nor a notebook"),
        ("latin.py", b"x = '\xe9'\n", "is not UTF-8 text"),
    ],
)
def test_files_that_are_not_python_source(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match=message):
        read_submission(path)


def test_missing_file(tmp_path):
    with pytest.raises(SubmissionError, match="No such file"):
        read_submission(tmp_path / "nobody.py")


def test_digest_is_of_the_file_bytes(write_submission):
    import hashlib

    path = write_submission("x = 1\n")
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert file_sha256(path.with_name("missing.py")) == ""
