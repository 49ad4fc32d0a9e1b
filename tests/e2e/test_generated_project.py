"""The test that matters: a generated project installs, passes its own tests, lint and type
checks, and serves the API contract over HTTP (checked by the stack-neutral suite)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.context import describe
from generator.spec import load_spec
from tests.conformance.suite import Check, checks, make_client, run_conformance
from tests.e2e.conftest import run

pytestmark = pytest.mark.e2e

RESOURCES = ["reviews", "courses"]
POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def test_generated_tests_pass_on_sqlite(project: Path, python: Path) -> None:
    output = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert " passed" in output and "failed" not in output


def test_generated_tests_pass_on_postgresql(project: Path, python: Path) -> None:
    if not _postgres_up():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    env = {**os.environ, "DATABASE_URL": POSTGRES_URL}
    output = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env)
    assert " passed" in output and "failed" not in output


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["black", "--check", "."], ["mypy", "--strict", "app"]],
    ids=["ruff", "black", "mypy-strict"],
)
def test_generated_code_is_clean(project: Path, python: Path, command: list[str]) -> None:
    run([str(python), "-m", *command], project)


def _conformance_checks() -> list[tuple[str, Check]]:
    spec = load_spec(Path(__file__).parent / "specs" / "reviews.yaml")
    return [("reviews", check) for check in checks(describe(spec))]


@pytest.mark.parametrize(
    ("resource", "check"), _conformance_checks(), ids=lambda v: getattr(v, "name", v)
)
def test_conformance_over_http(server: str, resource: str, check: Check) -> None:
    with make_client(server) as client:
        check(client)


def test_starter_resource_conforms_over_http(server: str, project: Path) -> None:
    spec = load_spec(project / "specs" / "courses.yaml")
    failures = [r for r in run_conformance(server, describe(spec)) if not r.passed]
    assert not failures, "\n".join(f"{r.name}: {r.detail}" for r in failures)


def _postgres_up() -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", 5432)) == 0
