"""Domain exceptions: each says who sees it; only the CLI turns them into exit codes."""


class GraderError(Exception):
    """Base class. Its message is a one-paragraph explanation meant for a person."""


class AssignmentError(GraderError):
    """The instructor's assignment file is missing or invalid. Seen by instructors (exit 2)."""


class SubmissionError(GraderError):
    """The submission cannot be graded at all: no such file, not Python, a syntax error, an
    import-time failure. Seen by students (exit 2); the message names the file and line."""


class DatasetError(GraderError):
    """The bundled dataset is missing or fails its checksums: the installation is broken."""


class ModelRejected(GraderError):
    """A part's model config cannot be rebuilt or trained (unsupported layer, wrong shape,
    settings out of bounds). Seen by students as that part's error; other parts go on."""
