"""Real memory and process-count limits for the student's process, through Linux control groups.

Used where the grader may create control groups (root, cgroup v1 `memory` and `pids`
hierarchies, or cgroup v2 with those controllers enabled); elsewhere the sandbox falls back to
resource limits alone. A control group also tells the grader when every process of a run is gone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class ControlGroup:
    """One control group per child process (one folder per hierarchy on cgroup v1)."""

    paths: tuple[Path, ...]

    @classmethod
    def create(cls, memory_bytes: int, processes: int) -> ControlGroup | None:
        """A new group with both limits set, or None where the machine does not allow it."""
        name = f"grader-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        if (CGROUP_ROOT / "cgroup.controllers").exists():
            plan = [(CGROUP_ROOT / name, {"memory.max": memory_bytes, "pids.max": processes})]
        else:
            plan = [
                (CGROUP_ROOT / "memory" / name, {"memory.limit_in_bytes": memory_bytes}),
                (CGROUP_ROOT / "pids" / name, {"pids.max": processes}),
            ]
        made: list[Path] = []
        try:
            for path, settings in plan:
                path.mkdir()
                made.append(path)
                for key, value in settings.items():
                    (path / key).write_text(str(value))
        except OSError:
            for path in made:
                with contextlib.suppress(OSError):
                    path.rmdir()
            return None
        return cls(tuple(made))

    def join(self) -> None:
        """Move the calling process into the group (run between fork and exec)."""
        for path in self.paths:
            (path / "cgroup.procs").write_text(str(os.getpid()))

    def members(self) -> set[int]:
        found: set[int] = set()
        for path in self.paths:
            with contextlib.suppress(OSError, ValueError):
                found |= {int(pid) for pid in (path / "cgroup.procs").read_text().split()}
        return found

    def out_of_memory(self) -> bool:
        """Whether the memory limit was hit (the kernel then kills a process of the group)."""
        for path in self.paths:
            for name, key in (("memory.events", "oom_kill"), ("memory.failcnt", None)):
                with contextlib.suppress(OSError, ValueError):
                    text = (path / name).read_text()
                    if key is None:
                        return int(text) > 0
                    counts = dict(line.split() for line in text.splitlines())
                    return int(counts.get(key, 0)) > 0
        return False

    def destroy(self, timeout_s: float = 10.0) -> None:
        """Kill every process left in the group, wait until they are gone, remove the group."""
        deadline = time.monotonic() + timeout_s
        while (pids := self.members()) and time.monotonic() < deadline:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)
        for path in self.paths:
            with contextlib.suppress(OSError):
                path.rmdir()
