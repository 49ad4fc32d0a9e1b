"""One scaffold run at a time per project: an exclusive flock on .scaffold/lock, held for the
whole command. The kernel frees it when its holder exits, however it exits (even SIGKILL),
so a killed run never leaves the project locked. The file is removed when the run ends."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from generator.errors import ScaffoldError
from generator.sync.manifest import STATE_DIR

LOCK = f"{STATE_DIR}/lock"
WAIT = 5.0  # seconds a second run waits for the first before it refuses
WAIT_VARIABLE = "SCAFFOLD_LOCK_WAIT"  # overrides WAIT (tests)
POLL = 0.05


class LockedError(ScaffoldError):
    pass


@contextlib.contextmanager
def project_lock(root: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the project's lock; wait up to ``wait`` seconds for another run to finish, then
    refuse with one sentence (exit 2)."""
    if wait is None:
        wait = float(os.environ.get(WAIT_VARIABLE) or WAIT)
    state = root / STATE_DIR
    made = not state.exists()
    try:
        state.mkdir(exist_ok=True)
    except OSError as error:
        raise ScaffoldError(f"cannot write to {root}: {error.strerror or error}") from None
    path = root / LOCK
    fd = _acquire(path, time.monotonic() + wait, wait)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):  # removed while held: a waiter retries on the new one
            path.unlink()
        os.close(fd)
        if made:
            with contextlib.suppress(OSError):
                state.rmdir()


def _acquire(path: Path, deadline: float, wait: float) -> int:
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        except OSError as error:
            raise ScaffoldError(f"cannot create {LOCK}: {error.strerror or error}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                raise LockedError(
                    f"another scaffold run{holder} is changing this project ({LOCK});"
                    f" waited {wait:g} s for it: run again once it has finished"
                ) from None
            time.sleep(POLL)
            continue
        if _same_file(fd, path):
            return fd
        os.close(fd)  # the holder removed it as we opened it: take the new one


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path, follow_symlinks=False).st_ino
    except FileNotFoundError:
        return False


def _holder(fd: int) -> str:
    """' (process 1234)' from the lock file, when it says."""
    with contextlib.suppress(OSError, ValueError):
        pid = int(os.pread(fd, 32, 0).decode().strip())
        return f" (process {pid})"
    return ""
