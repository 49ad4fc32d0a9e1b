"""The test that matters: a generated project installs, passes its own tests, lint and type
checks, and serves the API contract over HTTP (checked by the stack-neutral suite)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from generator.context import describe
from generator.spec import load_spec, load_spec_text
from generator.spec.starter import starter_spec
from tests.conformance.suite import Check, checks, make_client
from tests.e2e.conftest import SPECS, STARTER, run, scaffold

pytestmark = pytest.mark.e2e

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


# Resources the stack-neutral suite can drive: offset pagination, no refs to create first.
CONFORMANCE = ["reviews", "courses", "people", STARTER]


def _conformance_checks() -> list[tuple[str, Check]]:
    cases = []
    for name in CONFORMANCE:
        path = SPECS / f"{name}.yaml"
        spec = load_spec(path) if path.exists() else load_spec_text(starter_spec(name), name, name)
        cases += [(name, check) for check in checks(describe(spec))]
    return cases


@pytest.mark.parametrize(
    ("resource", "check"), _conformance_checks(), ids=lambda v: getattr(v, "name", v)
)
def test_conformance_over_http(
    server: str, admin_headers: dict[str, str], resource: str, check: Check
) -> None:
    with make_client(server, headers=admin_headers) as client:
        check(client)


def test_auth_rules_over_http(server: str, admin_headers: dict[str, str]) -> None:
    """The served app enforces the specs' `auth`: anonymous writes 401, a wrong role 403."""
    with make_client(server) as anonymous:
        assert anonymous.get("/api/v1/courses").status_code == 200
        assert anonymous.post("/api/v1/courses", json={}).status_code == 401
        assert anonymous.get("/api/v1/reviews").status_code == 401
        assert anonymous.delete(f"/api/v1/reviews/{uuid.UUID(int=1)}").status_code == 401
        email = f"learner-{uuid.uuid4().hex[:8]}@example.com"
        registered = anonymous.post(
            "/api/v1/auth/register", json={"email": email, "password": "learner password 1"}
        )
        assert registered.status_code == 201, registered.text
        login = anonymous.post(
            "/api/v1/auth/login", json={"email": email, "password": "learner password 1"}
        )
        token = login.json()["data"]["access_token"]
    with make_client(server, headers={"Authorization": f"Bearer {token}"}) as learner:
        refused = learner.post("/api/v1/courses", json={})
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == "FORBIDDEN"
        assert learner.get("/api/v1/reviews").status_code == 200


def _postgres_up() -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", 5432)) == 0


def test_destroy_leaves_a_project_that_passes(project: Path, python: Path, tmp_path: Path) -> None:
    """On a copy: destroy two resources, then the project still type-checks and passes."""
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    scaffold("destroy", "reviews", STARTER, cwd=copy)
    assert not (copy / "app" / "models" / "reviews.py").exists()
    assert "reviews" not in (copy / "app" / "routes.py").read_text(encoding="utf-8")
    # `python -m` puts the copy first on sys.path, ahead of the installed project.
    run([str(python), "-m", "mypy", "--strict", "app"], copy)
    output = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"], copy)
    assert " passed" in output and "failed" not in output


def test_destroy_refuses_a_resource_others_point_at(project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "generator", "destroy", "lessons"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "lessons is referenced by enrollments (lesson_id)" in result.stderr
    assert (copy / "app" / "models" / "lessons.py").exists()
