"""The generated tests can fail: each targeted mutation of the generated code (tests/e2e/
mutations.py) must make the resource's own generated tests fail. A mutation that survives
is a defect of that kind the generated suite would let through."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import SERVED_SERVER, _psql
from tests.e2e.mutations import MUTATIONS, Mutation, apply

pytestmark = pytest.mark.e2e

# Outcomes of this session's mutations, for the figures of test_mutation_figures.
RESULTS: dict[str, float] = {}


class Worker:
    """tests/e2e/mutation_worker.py under the e2e venv's interpreter: third-party imports
    done once, a forked pytest per run."""

    def __init__(self, python: Path) -> None:
        self.process = subprocess.Popen(
            [str(python), str(Path(__file__).with_name("mutation_worker.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert json.loads(self._answer()) == {"ready": True}

    def _answer(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            pytest.fail(f"the mutation worker exited with {self.process.wait()}", pytrace=False)
        return line

    def run(self, cwd: Path, args: list[str], env: dict[str, str], log: Path) -> tuple[int, str]:
        assert self.process.stdin is not None
        request = {"cwd": str(cwd), "args": args, "env": env, "log": str(log)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        returncode = int(json.loads(self._answer())["returncode"])
        return returncode, log.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


@pytest.fixture(scope="session")
def worker(python: Path) -> Iterator[Worker]:
    running = Worker(python)
    yield running
    running.close()


@pytest.fixture(scope="session")
def mutation_postgres() -> Iterator[str | None]:
    """A PostgreSQL database of its own for the mutations only PostgreSQL can show (the
    generated suite's `test` database may be in use by the other e2e tests); None when no
    server answers."""
    name = f"scaffold_mutations_{os.getpid()}"
    try:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    except (OSError, subprocess.SubprocessError):
        yield None
        return
    try:
        yield f"postgresql+asyncpg://{SERVED_SERVER}/{name}"
    finally:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _summary(output: str) -> str:
    lines = output.strip().splitlines()
    return lines[-1].strip("= ") if lines else ""


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_mutation_is_killed(
    project: Path,
    worker: Worker,
    mutation_postgres: str | None,
    mutation: Mutation,
    tmp_path: Path,
) -> None:
    env = {**os.environ}
    env.pop("DATABASE_URL", None)  # the generated suite's own SQLite file, unless:
    if mutation.postgresql_only:
        if mutation_postgres is None:
            pytest.skip("only PostgreSQL shows this defect, and none runs on 127.0.0.1:5432")
        env["DATABASE_URL"] = mutation_postgres
    started = time.monotonic()
    copy = tmp_path / "project"
    shutil.copytree(
        project, copy, ignore=shutil.ignore_patterns("*.db", "__pycache__", "uvicorn.log")
    )
    apply(mutation, copy)  # StaleMutation when the text to replace is not (only) there

    def pytest_run(*extra: str) -> tuple[int, str]:
        """`python -m pytest -x -q -p no:cacheprovider TESTS EXTRA` in the copy."""
        args = ["-x", "-q", "-p", "no:cacheprovider", *mutation.tests, *extra]
        return worker.run(copy, args, env, tmp_path / "pytest.log")

    # The tests expected to fail first; the whole files only if those pass.
    returncode, output = pytest_run("-k", mutation.killer)
    if returncode == 5:
        pytest.fail(
            f"mutation {mutation.id}: -k {mutation.killer!r} selects no test in "
            f"{' '.join(mutation.tests)}; name the tests that kill it",
            pytrace=False,
        )
    if returncode == 0:
        returncode, output = pytest_run()
        if returncode == 1:
            killers = re.findall(r"^FAILED (\S+)", output, flags=re.MULTILINE)
            warnings.warn(
                f"mutation {mutation.id} is killed by {killers}, not by -k {mutation.killer!r}",
                stacklevel=1,
            )
    summary = _summary(output)
    if returncode == 0:
        pytest.fail(
            f"mutation {mutation.id} survived: {' '.join(mutation.tests)} still pass "
            f"({summary}) with {mutation.file} changed from\n{mutation.find}\nto\n"
            f"{mutation.replace}",
            pytrace=False,
        )
    # Killed means a test failed; not that the mutated code no longer imports or the tests
    # could not be collected: such a mutation is broken, not killed.
    broken = re.search(r"\b(SyntaxError|IndentationError|ImportError|NameError)\b", output)
    if returncode != 1 or " failed" not in summary or broken:
        pytest.fail(
            f"mutation {mutation.id} is broken (pytest exited {returncode}: {summary}); "
            f"fix the mutation:\n{output[-5000:]}",
            pytrace=False,
        )
    RESULTS[mutation.id] = time.monotonic() - started


def test_mutation_figures(record_property: Callable[[str, object], None]) -> None:
    """After the mutations (this file runs in order, on one worker): how many were killed."""
    if not RESULTS:
        pytest.skip("no mutation ran in this session")
    seconds = sum(RESULTS.values())
    record_property(
        "figures",
        f"mutations: {len(RESULTS)} killed of {len(MUTATIONS)} in {seconds:.0f} s",
    )
