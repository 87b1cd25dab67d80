"""The student's process: its own empty directory, a scrubbed environment and resource limits."""

from __future__ import annotations

import os
import resource
import sys
from dataclasses import dataclass
from pathlib import Path

GIB = 1024**3

# Passed through to the student's process; everything else (tokens, HOME's contents) is dropped.
KEPT_VARIABLES = ("PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


@dataclass(frozen=True)
class SandboxPolicy:
    """Resource limits for the student's process.

    RLIMIT_AS is only a loose backstop: TensorFlow reserves virtual memory per thread and
    fails to import under about 2 GiB even though it uses about 0.5 GiB of real memory.
    """

    address_space_bytes: int = 8 * GIB
    cpu_seconds: int = 900
    file_size_bytes: int = 64 * 1024**2
    open_files: int = 256

    level: str = "process"  # what isolation is in force, as the report states it

    def environment(self, workdir: Path) -> dict[str, str]:
        env = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
        env.update(
            HOME=str(workdir),
            TMPDIR=str(workdir),
            KERAS_HOME=str(workdir / ".keras"),
            MPLCONFIGDIR=str(workdir / ".matplotlib"),
            MPLBACKEND="Agg",
            TF_CPP_MIN_LOG_LEVEL="3",
            CUDA_VISIBLE_DEVICES="",
            MALLOC_ARENA_MAX="2",
            PYTHONDONTWRITEBYTECODE="1",
        )
        return env

    def command(self, child_script: Path, arguments: list[str]) -> list[str]:
        # -I: isolated mode, no user site-packages, no PYTHON* variables, no script dir on sys.path.
        return [sys.executable, "-I", str(child_script), *arguments]

    def apply_limits(self) -> None:
        """Run in the child between fork and exec."""
        limits = {
            resource.RLIMIT_AS: self.address_space_bytes,
            resource.RLIMIT_CPU: self.cpu_seconds,
            resource.RLIMIT_FSIZE: self.file_size_bytes,
            resource.RLIMIT_NOFILE: self.open_files,
            resource.RLIMIT_CORE: 0,
        }
        for which, value in limits.items():
            resource.setrlimit(which, (value, value))
