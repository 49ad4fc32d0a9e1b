"""End-to-end fixtures: one generated project per test session, installed once into a venv
that is reused across sessions while the generated project's dependencies stay the same."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SPECS = Path(__file__).parent / "specs"
CACHE = REPO / ".cache"


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command; fail the test with its output if it fails."""
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=900
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    return result.stdout + result.stderr


def scaffold(*args: str, cwd: Path) -> str:
    return run([sys.executable, "-m", "generator", *args], cwd)


# Every spec under tests/e2e/specs, plus `notes`, which has none: scaffold writes a starter.
RESOURCES = sorted(p.stem for p in SPECS.glob("*.yaml"))
STARTER = "notes"
# A real public OpenAPI document (the Swagger Petstore), imported with `scaffold import`.
PETSTORE = REPO / "tests" / "unit" / "fixtures" / "petstore.yaml"


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`scaffold new gamelearn`, then every resource of tests/e2e/specs, a starter one and
    the Petstore's schemas."""
    workdir = tmp_path_factory.mktemp("e2e")
    scaffold("new", "gamelearn", "--no-input", cwd=workdir)
    root = workdir / "gamelearn"
    for spec in SPECS.glob("*.yaml"):
        shutil.copy(spec, root / "specs" / spec.name)
    imported = json.loads(scaffold("import", str(PETSTORE), "--json", cwd=root))
    petstore = [Path(path).stem for path in imported["written"]]
    scaffold("resource", *RESOURCES, STARTER, *petstore, cwd=root)
    return root


@pytest.fixture(scope="session")
def python(project: Path) -> Path:
    """A venv holding the generated project's dependencies, keyed by its pyproject.toml."""
    return installed_python(project)


def installed_python(project: Path) -> Path:
    """The interpreter of the cached venv for ``project``'s dependencies (built on first
    use, under .cache/), with ``project`` installed in it (editable). Other test folders
    that generate projects use it too: one venv for every generated project."""
    key = hashlib.sha256((project / "pyproject.toml").read_bytes()).hexdigest()[:12]
    env_dir = CACHE / f"e2e-venv-{key}"
    interpreter = env_dir / "bin" / "python"
    CACHE.mkdir(exist_ok=True)
    # Every e2e file has a session of its own on its xdist worker: one builds the venv at a time.
    with (CACHE / "e2e-venv.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _install(project, env_dir, interpreter)
    return interpreter


def _install(project: Path, env_dir: Path, interpreter: Path) -> None:
    if not (env_dir / ".complete").exists():
        for stale in CACHE.glob("e2e-venv-*"):  # made for other dependencies
            shutil.rmtree(stale, ignore_errors=True)
        venv.create(env_dir, with_pip=True)
        run([str(interpreter), "-m", "pip", "install", "-q", "-e", ".[dev]"], project)
        (env_dir / ".complete").touch()
    else:  # dependencies are in place: point the editable install at this session's project
        run([str(interpreter), "-m", "pip", "install", "-q", "--no-deps", "-e", "."], project)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(project: Path, python: Path, env: dict[str, str], log_name: str) -> Iterator[str]:
    """The generated app (`python -m app`) on a free loopback port, with ``env`` over the
    environment; yields its base URL. Its output (a JSON access line per request) goes to
    ``log_name`` in the project: an undrained pipe fills up and blocks the server."""
    port = free_port()
    log_path = project / log_name
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(python), "-m", "app"],  # uvicorn on HOST:PORT, as a user starts it
            cwd=project,
            env={**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process, log_path)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass(frozen=True)
class Backend:
    """Where a served app keeps its state: the database, and Redis for rate limits and the
    cache (shared by every process of the app) or none (each process keeps its own)."""

    name: str
    database_url: str
    redis_url: str = ""  # empty: in-process stores

    def env(self) -> dict[str, str]:
        # A prefix of this run's own keeps its Redis keys apart from any other run's.
        prefix = f"e2e{os.getpid()}"
        return {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "RATE_LIMIT_KEY_PREFIX": f"{prefix}:rate",
            "CACHE_KEY_PREFIX": f"{prefix}:cache",
        }


# What lets the conformance suite send hundreds of requests as one admin within a minute
# and register users for its checks.
UNLIMITED = {
    "RATE_LIMIT_AUTHENTICATED": "100000/minute",
    "RATE_LIMIT_ANONYMOUS": "100000/minute",
    "RATE_LIMIT_AUTH": "100000/minute",
}


@pytest.fixture(scope="session")
def server(project: Path, python: Path, backend: Backend) -> Iterator[str]:
    """The served app on its backend (see `backend`)."""
    env = {
        **backend.env(),
        **UNLIMITED,
        # Limits of their own (spec `rate_limit`) are proved by the generated tests.
        "RESOURCE_RATE_LIMITS": "false",
    }
    with serve(project, python, env, f"uvicorn-{backend.name}.log") as base_url:
        yield base_url


SERVED_SERVER = "postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="session", params=["postgresql+redis", "sqlite"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """Every test of the served app runs twice: as in production (a fresh PostgreSQL
    database made for this run and dropped after it, Redis) and as `scaffold new` makes it
    (SQLite, no Redis)."""
    if request.param == "sqlite":
        yield Backend(
            "sqlite", f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('served') / 'app.db'}"
        )
        return
    name = f"scaffold_e2e_{os.getpid()}"
    _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    try:
        yield Backend("postgresql", f"postgresql+asyncpg://{SERVED_SERVER}/{name}", REDIS_URL)
    finally:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _psql(*statements: str) -> None:
    for statement in statements:
        command = ["psql", f"postgresql://{SERVED_SERVER}/postgres", "-qc", statement]
        subprocess.run(command, check=True, capture_output=True, timeout=60)


ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "e2e admin password, long enough"


@pytest.fixture(scope="session")
def admin_headers(server: str, project: Path, python: Path, backend: Backend) -> dict[str, str]:
    """An admin's access token for the served app (admins pass every `auth` rule): the admin
    is made with the project's own management command, then logs in over HTTP."""
    env = {**os.environ, **backend.env(), "ADMIN_PASSWORD": ADMIN_PASSWORD}
    run([str(python), "-m", "app.manage", "create-admin", ADMIN_EMAIL], project, env)
    response = httpx.post(
        f"{server}/api/v1/auth/login",
        json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


STARTUP_SECONDS = 120


def _wait_until_up(base_url: str, process: subprocess.Popen[str], log_path: Path) -> None:
    # Importing an app of many resources takes seconds, more on a busy machine.
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_path.read_text()
            pytest.fail(f"uvicorn exited with {process.returncode}:\n{output}", pytrace=False)
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    output = log_path.read_text()
    pytest.fail(
        f"uvicorn did not answer /health within {STARTUP_SECONDS} s:\n{output}", pytrace=False
    )
