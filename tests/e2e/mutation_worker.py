"""Runs the generated tests of mutated project copies, one forked pytest per request.

Started by test_mutations.py with the e2e venv's interpreter; it imports only the project's
third-party dependencies (never the project), then forks for each run, so every run pays
for importing the mutated copy but not for FastAPI, SQLAlchemy and pytest again. A run is
what `python -m pytest ARGS` in the copy would be: the copy first on sys.path, its
environment, its output to a file, pytest's exit code back.

Protocol: a line {"ready": true} once loaded; then per line of input, a JSON object with
cwd, args, env and log, answered by a line {"returncode": N}.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import sys

# Imported once, before any fork. Not pytest plugins (pytest would warn that it cannot
# rewrite their asserts), nothing of the project.
PRELOAD = [
    "pytest",
    "httpx",
    "fastapi",
    "pydantic",
    "email_validator",
    "sqlalchemy",
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.dialects.sqlite.aiosqlite",
    "sqlalchemy.dialects.postgresql.asyncpg",
    "aiosqlite",
    "asyncpg",
    "limits",
    "limits.aio.storage",
    "limits.aio.strategies",
    "redis.asyncio",
    "jwt",
    "argon2",
    "bcrypt",
    "alembic",
]
RUN_SECONDS = 600


def _run(request: dict[str, object]) -> int:
    """In the forked child: pytest as `python -m pytest` in the copy would run it."""
    signal.alarm(RUN_SECONDS)
    cwd = str(request["cwd"])
    os.chdir(cwd)
    log = os.open(str(request["log"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.environ.clear()
    os.environ.update(dict(request["env"]))  # type: ignore[call-overload]
    sys.path.insert(0, cwd)
    import pytest

    return int(pytest.main([str(arg) for arg in request["args"]]))  # type: ignore[attr-defined]


def main() -> None:
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 3
            try:
                code = _run(request)
            except BaseException:  # noqa: BLE001 - reported in the log, as pytest's own error
                import traceback

                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}), flush=True)


if __name__ == "__main__":
    main()
