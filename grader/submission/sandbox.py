"""The student's process: its own empty directory, a scrubbed environment, resource limits and,
where the machine offers it, Linux namespaces through bubblewrap.

Two levels, named in every report:
- `bubblewrap`: new PID, network, IPC and UTS namespaces; a read-only view of /usr and the Python
  installation, nothing else of the file system but the sandbox directory; no network; run as
  `nobody` when the grader runs as root.
- `process`: resource limits, a scrubbed environment and a private working directory only. It
  stops accidents, not attacks; SECURITY.md says what it leaves open.
"""

from __future__ import annotations

import functools
import os
import random
import resource
import shutil
import site
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.submission.cgroups import ControlGroup

GIB = 1024**3
MIB = 1024**2
UID_RANGE = (100_000, 1_000_000)  # an unused uid per child, so limits and signals stay its own
SANDBOX_HOME = "/sandbox"
CHILD_INSIDE = "/grader/child.py"
RECORDER_INSIDE = "/grader/recorder.py"  # child.py loads it from its own folder

# Passed through to the student's process; everything else (tokens, HOME's contents) is dropped.
KEPT_VARIABLES = ("LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


@dataclass(frozen=True)
class SandboxPolicy:
    """Resource limits and the isolation level for the student's process.

    RLIMIT_AS is only a loose backstop: TensorFlow reserves virtual memory per thread and fails
    to import under about 2 GiB although it uses about 0.5 GiB of real memory.
    """

    address_space_bytes: int = 4 * GIB
    cpu_seconds: int = 600
    file_size_bytes: int = 16 * MIB
    open_files: int = 256
    processes: int = 256
    memory_bytes: int = 2 * GIB  # real memory, where control groups are available
    tmpfs_bytes: int = 64 * MIB
    isolation: str = field(default_factory=lambda: detect_isolation())
    control_groups: bool = field(default_factory=lambda: control_groups_available())

    @property
    def level(self) -> str:
        """What the report states: the isolation, and whether control groups bound the child."""
        return f"{self.isolation}+cgroups" if self.control_groups else self.isolation

    @property
    def drops_privileges(self) -> bool:
        return self.isolation == "bubblewrap" and os.geteuid() == 0

    def environment(self, home: str) -> dict[str, str]:
        env = {name: os.environ[name] for name in KEPT_VARIABLES if name in os.environ}
        env.update(
            PATH="/usr/bin:/bin",
            HOME=home,
            TMPDIR=home,
            KERAS_HOME=f"{home}/.keras",
            MPLCONFIGDIR=f"{home}/.matplotlib",
            MPLBACKEND="Agg",
            TF_CPP_MIN_LOG_LEVEL="3",
            CUDA_VISIBLE_DEVICES="",
            MALLOC_ARENA_MAX="2",
            PYTHONDONTWRITEBYTECODE="1",
        )
        return env

    def launch(
        self, child_script: Path, workdir: Path, arguments: list[str], entry: str = "submission.py"
    ) -> list[str]:
        """The command line that runs child.py on `entry`, a file in `workdir`."""
        if self.isolation != "bubblewrap":
            script = str(workdir / entry)
            return [sys.executable, "-I", str(child_script), script, *arguments]
        script = f"{SANDBOX_HOME}/{entry}"
        inner = [sys.executable, "-I", CHILD_INSIDE, script, *arguments]
        if self.drops_privileges:
            uid = random.randrange(*UID_RANGE)
            for path in (workdir, *workdir.iterdir()):
                os.chown(path, uid, uid)
            inner = [
                shutil.which("setpriv") or "/usr/bin/setpriv",
                f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs",
                "--inh-caps=-all", "--bounding-set=-all", "--", *inner,
            ]  # fmt: skip
        return [
            *bubblewrap_arguments(workdir, child_script, self.tmpfs_bytes),
            *_environment_arguments(self.environment(SANDBOX_HOME)),
            *inner,
        ]

    def process_environment(self, workdir: Path) -> dict[str, str]:
        """The environment given to subprocess: bubblewrap sets the real one itself."""
        if self.isolation == "bubblewrap":
            return {"PATH": "/usr/bin:/bin"}
        return self.environment(str(workdir))

    def apply_limits(self) -> None:
        """Run in the child between fork and exec; bubblewrap and the child inherit them."""
        limits = {
            resource.RLIMIT_AS: self.address_space_bytes,
            resource.RLIMIT_CPU: self.cpu_seconds,
            resource.RLIMIT_FSIZE: self.file_size_bytes,
            resource.RLIMIT_NOFILE: self.open_files,
            resource.RLIMIT_CORE: 0,
        }
        if self.drops_privileges:
            limits[resource.RLIMIT_NPROC] = self.processes
        for which, value in limits.items():
            resource.setrlimit(which, (value, value))


def bubblewrap_arguments(workdir: Path, child_script: Path, tmpfs_bytes: int) -> list[str]:
    """bwrap's options: namespaces, a read-only system, the sandbox directory, nothing else."""
    root = os.geteuid() == 0
    arguments = [
        shutil.which("bwrap") or "bwrap",
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--die-with-parent", "--new-session", "--clearenv", "--hostname", "sandbox",
    ]  # fmt: skip
    if not root:
        # Unprivileged: bubblewrap makes a user namespace; drop every capability inside it.
        arguments += ["--unshare-user", "--cap-drop", "ALL"]
    arguments += _system_mounts()
    binds = _python_paths()
    for directory in [*_ancestors(binds), str(Path(CHILD_INSIDE).parent)]:
        arguments += ["--perms", "0755", "--dir", directory]
    for path in binds:
        arguments += ["--ro-bind", path, path]
    arguments += [
        "--proc", "/proc", "--dev", "/dev",
        "--perms", "1777", "--size", str(tmpfs_bytes), "--tmpfs", "/tmp",
        "--ro-bind", str(child_script), CHILD_INSIDE,
        "--ro-bind", str(child_script.with_name("recorder.py")), RECORDER_INSIDE,
        "--bind", str(workdir), SANDBOX_HOME,
        "--chdir", SANDBOX_HOME,
    ]  # fmt: skip
    return arguments


def _system_mounts() -> list[str]:
    mounts = ["--ro-bind", "/usr", "/usr"]
    for name in ("lib", "lib64", "lib32", "bin", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            mounts += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            mounts += ["--ro-bind", str(path), str(path)]
    if Path("/etc/ld.so.cache").exists():
        mounts += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return mounts


def _python_paths() -> list[str]:
    """The Python installation and its site-packages, outside /usr, without nesting."""
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages()}
    paths = sorted(
        str(Path(path).resolve())
        for path in candidates
        if Path(path).exists() and not str(Path(path).resolve()).startswith("/usr/")
    )
    kept: list[str] = []
    for path in paths:
        if not any(path == other or path.startswith(other + "/") for other in kept):
            kept.append(path)
    return kept


def _ancestors(paths: list[str]) -> list[str]:
    """Parent directories to create world-readable (bubblewrap makes them 0700 otherwise)."""
    found: list[str] = []
    for path in paths:
        for parent in reversed(Path(path).parents):
            text = str(parent)
            if text != "/" and text not in found:
                found.append(text)
    return found


def _environment_arguments(env: dict[str, str]) -> list[str]:
    arguments: list[str] = []
    for name, value in env.items():
        arguments += ["--setenv", name, value]
    return arguments


@functools.cache
def detect_isolation() -> str:
    """`bubblewrap` when bwrap is installed and can start a sandbox here, else `process`.
    GRADER_SANDBOX=process forces the weaker level (e.g. inside a container without
    namespaces); it can never force a level the machine does not have."""
    if os.environ.get("GRADER_SANDBOX") == "process" or shutil.which("bwrap") is None:
        return "process"
    with tempfile.TemporaryDirectory(prefix="grader-probe-") as empty:
        probe = [
            *bubblewrap_arguments(Path(empty), Path(__file__), 1 * MIB),
            sys.executable, "-I", "-c", "pass",
        ]  # fmt: skip
        try:
            completed = subprocess.run(probe, capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return "process"
    return "bubblewrap" if completed.returncode == 0 else "process"


@functools.cache
def control_groups_available() -> bool:
    """Whether this process may create control groups with memory and process limits."""
    group = ControlGroup.create(memory_bytes=GIB, processes=64)
    if group is None:
        return False
    group.destroy()
    return True
