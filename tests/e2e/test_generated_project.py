"""The test that matters: a generated project installs, passes its own tests, lint and type
checks, and serves the API contract over HTTP (checked by the stack-neutral suite)."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from generator.spec import load_spec, load_spec_text
from generator.spec.starter import starter_spec
from tests.conformance.specs import conformance_specs
from tests.conformance.suite import (
    Check,
    auth_rate_limit_checks_for,
    checks,
    login,
    make_client,
    rate_limit_checks_for,
)
from tests.e2e.conftest import SPECS, STARTER, UNLIMITED, Backend, run, scaffold, serve

pytestmark = pytest.mark.e2e

POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def test_generated_tests_pass_on_sqlite(
    project: Path, python: Path, record_property: Callable[[str, object], None]
) -> None:
    output = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert " passed" in output and "failed" not in output
    record_property("figures", f"generated tests on SQLite: {_summary(output)}")


def test_generated_tests_pass_on_postgresql(
    project: Path, python: Path, record_property: Callable[[str, object], None]
) -> None:
    if not _postgres_up():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    env = {**os.environ, "DATABASE_URL": POSTGRES_URL}
    output = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env)
    assert " passed" in output and "failed" not in output
    record_property("figures", f"generated tests on PostgreSQL: {_summary(output)}")


def _summary(pytest_output: str) -> str:
    """pytest's last line, less the time: `512 passed, 1 skipped`."""
    last = pytest_output.strip().splitlines()[-1]
    return re.sub(r" in [0-9.]+s.*$", "", last.strip("= "))


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["black", "--check", "."], ["mypy"]],
    ids=["ruff", "black", "mypy-strict"],
)
def test_generated_code_is_clean(project: Path, python: Path, command: list[str]) -> None:
    run([str(python), "-m", *command], project)


# The stack-neutral conformance suite (tests/conformance), over HTTP, on every resource of
# tests/e2e/specs and the starter: their normalised specs drive it (refs make parents first).
def _conformance_specs() -> dict[str, dict[str, object]]:
    specs = [load_spec(path) for path in sorted(SPECS.glob("*.yaml"))]
    specs.append(load_spec_text(starter_spec(STARTER), STARTER, STARTER))
    return conformance_specs(specs)


CONFORMANCE_SPECS = _conformance_specs()
CONFORMANCE_ADMIN = ("conformance-admin@example.com", "conformance admin password, long")
# Checks of behaviour the served app does not have yet: xfail(strict=False) by id, each
# with the missing feature. (None at present.)
NOT_YET: dict[str, str] = {}
# The second server's default limit per signed-in user (RATE_LIMIT_AUTHENTICATED).
LIMITED_AUTHENTICATED = "20/minute"
# The third server's limit of the auth routes per client address (RATE_LIMIT_AUTH).
AUTH_LIMIT = "5/minute"


def _conformance_params(cases: list[Check]) -> list[object]:
    return [
        pytest.param(
            check,
            id=check.id.replace(":", "-"),
            marks=(
                [pytest.mark.xfail(reason=NOT_YET[check.id], strict=False)]
                if check.id in NOT_YET
                else []
            ),
        )
        for check in cases
    ]


class _AdminToken:
    """An admin of the suite's own (not the schemathesis test's, whose token must stay
    fresh for it), signed in again when the access token may be near its 15 minutes."""

    def __init__(self, server: str) -> None:
        self.server, self.at = server, 0.0
        self.headers: dict[str, str] = {}

    def __call__(self) -> dict[str, str]:
        if time.monotonic() - self.at > 300:
            self.headers, self.at = login(self.server, *CONFORMANCE_ADMIN), time.monotonic()
        return self.headers


@pytest.fixture(scope="module")
def conformance_admin(server: str, project: Path, python: Path, backend: Backend) -> _AdminToken:
    env = {**os.environ, **backend.env(), "ADMIN_PASSWORD": CONFORMANCE_ADMIN[1]}
    run([str(python), "-m", "app.manage", "create-admin", CONFORMANCE_ADMIN[0]], project, env)
    return _AdminToken(server)


@pytest.mark.parametrize("check", _conformance_params(checks(CONFORMANCE_SPECS)))
def test_conformance_over_http(server: str, conformance_admin: _AdminToken, check: Check) -> None:
    with make_client(server, headers=conformance_admin()) as client:
        check(client)


@pytest.fixture(scope="module")
def limited_server(server: str, project: Path, python: Path, backend: Backend) -> Iterator[str]:
    """A second server of the same app and backend that enforces the specs' `rate_limit`
    (the first runs with RESOURCE_RATE_LIMITS=false) and LIMITED_AUTHENTICATED per user."""
    env = {
        **backend.env(),
        "RATE_LIMIT_AUTHENTICATED": LIMITED_AUTHENTICATED,
        "RATE_LIMIT_ANONYMOUS": "100000/minute",  # registrations are anonymous
        "RATE_LIMIT_AUTH": "100000/minute",
        "RESOURCE_RATE_LIMITS": "true",
        # Its own budgets: the first server's requests must not spend them.
        "RATE_LIMIT_KEY_PREFIX": f"{backend.env()['RATE_LIMIT_KEY_PREFIX']}-limited",
    }
    with serve(project, python, env, f"uvicorn-{backend.name}-limited.log") as base_url:
        yield base_url


@pytest.mark.parametrize(
    "check",
    _conformance_params(
        rate_limit_checks_for(CONFORMANCE_SPECS, default_authenticated=LIMITED_AUTHENTICATED)
    ),
)
def test_conformance_rate_limits_over_http(
    limited_server: str, conformance_admin: _AdminToken, check: Check
) -> None:
    with make_client(limited_server, headers=conformance_admin()) as client:
        check(client)


@pytest.fixture(scope="module")
def auth_limited_server(
    server: str, project: Path, python: Path, backend: Backend
) -> Iterator[str]:
    """A third server whose auth routes have a low budget per address (AUTH_LIMIT): the
    check spends it, and every other check registers users."""
    env = {
        **backend.env(),
        **UNLIMITED,
        "RATE_LIMIT_AUTH": AUTH_LIMIT,
        "RATE_LIMIT_KEY_PREFIX": f"{backend.env()['RATE_LIMIT_KEY_PREFIX']}-auth",
    }
    with serve(project, python, env, f"uvicorn-{backend.name}-auth.log") as base_url:
        yield base_url


@pytest.mark.parametrize(
    "check", _conformance_params(auth_rate_limit_checks_for(CONFORMANCE_SPECS, limit=AUTH_LIMIT))
)
def test_conformance_auth_limit_over_http(
    auth_limited_server: str, conformance_admin: _AdminToken, check: Check
) -> None:
    with make_client(auth_limited_server, headers=conformance_admin()) as client:
        check(client)


PRODUCTION_SECRET = secrets.token_urlsafe(48)


@pytest.fixture(scope="module")
def production_server(server: str, project: Path, python: Path, backend: Backend) -> Iterator[str]:
    """The app as deployed (ENVIRONMENT=production, a strong secret of its own), on the
    tables and users the first server has."""
    env = {
        **backend.env(),
        **UNLIMITED,
        "RESOURCE_RATE_LIMITS": "false",
        "ENVIRONMENT": "production",
        "SECRET_KEY": PRODUCTION_SECRET,
    }
    with serve(project, python, env, f"uvicorn-{backend.name}-production.log") as base_url:
        yield base_url


@pytest.fixture(scope="module")
def production_admin(production_server: str, conformance_admin: _AdminToken) -> _AdminToken:
    """The suite's admin signed in to the production server (whose key is another)."""
    return _AdminToken(production_server)


@pytest.mark.parametrize("check", _conformance_params(checks(CONFORMANCE_SPECS, production=True)))
def test_conformance_in_production_over_http(
    production_server: str, production_admin: _AdminToken, check: Check
) -> None:
    """The whole suite again, in production settings: the contract holds there too, and
    documentation, error details and unknown hosts are hidden or refused, HSTS is on."""
    with make_client(production_server, headers=production_admin()) as client:
        check(client)


def test_auth_rules_over_http(server: str) -> None:
    """The served app enforces the specs' `auth` (the suite checks every rule; this is the
    short story): anonymous writes 401, a wrong role 403."""
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


def test_production_refuses_a_guessable_secret(
    project: Path, python: Path, backend: Backend
) -> None:
    """With ENVIRONMENT=production and a secret anyone could guess the app does not start
    (the suite checks the rest of production over HTTP)."""
    env = {**os.environ, **backend.env(), "ENVIRONMENT": "production", "SECRET_KEY": "a" * 32}
    started = subprocess.run(
        [str(python), "-c", "import app.main"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "Invalid configuration: SECRET_KEY" in started.stderr, started.stderr[-2000:]


def _postgres_up() -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", 5432)) == 0


def test_destroy_leaves_a_project_that_passes(project: Path, python: Path, tmp_path: Path) -> None:
    """On a copy: destroy three resources (flags point at reviews, so they go together),
    then the project still type-checks and passes."""
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    scaffold("destroy", "reviews", "flags", STARTER, cwd=copy)
    assert not (copy / "app" / "models" / "reviews.py").exists()
    assert "reviews" not in (copy / "app" / "routes.py").read_text(encoding="utf-8")
    # `python -m` puts the copy first on sys.path, ahead of the installed project.
    run([str(python), "-m", "mypy"], copy)
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
    assert "lessons is referenced by courses (featured_lesson_id), enrollments (lesson_id)" in (
        result.stderr
    )
    assert (copy / "app" / "models" / "lessons.py").exists()


# Schemathesis: property-based requests to every operation the served app documents.
# Last in this file: it fills the served database with whatever it generates.
SCHEMATHESIS_CHECKS = [
    "not_a_server_error",  # no 5xx
    "status_code_conformance",  # every status returned is documented
    "content_type_conformance",  # with its documented content type
    "response_schema_conformance",  # and a body that matches its documented schema
    "response_headers_conformance",
    "unsupported_method",  # an undocumented method is a 405
    "allow_header_conformance",  # whose Allow header names the documented methods
    "missing_required_header",
    "ignored_auth",  # a protected operation refuses a request without credentials
]
# Per operation in the fuzzing phase; the coverage phase adds its own fixed set of boundary
# and invalid values.
SCHEMATHESIS_EXAMPLES = 25


@pytest.mark.parametrize("who", ["admin", "anonymous"])
def test_schemathesis_finds_nothing(
    server: str,
    backend: Backend,
    admin_headers: dict[str, str],
    who: str,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    """Generated requests to every documented operation, as an admin (past the auth rules,
    into validation and the database) and anonymously (the 401s must be documented too):
    no server error, and every response conforms to the OpenAPI document."""
    documented = httpx.get(f"{server}/openapi.json", timeout=10).json()
    operations = sum(
        method in {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
        for path_item in documented["paths"].values()
        for method in path_item
    )
    report = tmp_path / "schemathesis.json"
    args = [sys.executable, "-m", "schemathesis.cli", "run", f"{server}/openapi.json"]
    args += ["--checks", ",".join(SCHEMATHESIS_CHECKS), "--phases", "examples,coverage,fuzzing"]
    # Deterministic data (which also means no example database carried between runs): the
    # same requests every run, so CI is repeatable and a failure reproduces.
    args += ["--max-examples", str(SCHEMATHESIS_EXAMPLES), "--generation-deterministic"]
    args += ["--workers", "1", "--no-color"]
    args += ["--report", "json,junit", "--report-dir", str(tmp_path)]
    args += ["--report-json-path", str(report)]
    if who == "admin":
        args += ["--header", f"Authorization: {admin_headers['Authorization']}"]
    result = subprocess.run(
        args, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=900
    )
    output = result.stdout + result.stderr
    if not report.exists():
        pytest.fail(f"schemathesis wrote no report:\n{output}", pytrace=False)
    summary = json.loads(report.read_text(encoding="utf-8"))
    figures = {
        "operations": summary["operations"]["tested"],
        "examples": summary["test_cases"]["generated"],
        "failures": summary["test_cases"]["unique_failures"],
    }
    record_property("figures", f"schemathesis {who} ({backend.name}): {figures}")
    (tmp_path / "figures.json").write_text(json.dumps(figures), encoding="utf-8")
    if result.returncode != 0 or summary["failures"] or summary["operations"]["errored"]:
        # Its FAILURES section (each with a curl command that reproduces it) and SUMMARY,
        # without the WARNINGS between them (hints about test data, not failures).
        sections = re.split(r"^(=+ [A-Z]+ =+)$", output, flags=re.MULTILINE)
        shown = [
            heading + body
            for heading, body in zip(sections[1::2], sections[2::2], strict=True)
            if "WARNINGS" not in heading
        ]
        pytest.fail(
            f"schemathesis ({who}) exited {result.returncode}, {figures}\n"
            + ("".join(shown) or output)[-30000:],
            pytrace=False,
        )
    assert figures["operations"] == operations > 50
    assert figures["examples"] >= operations * 10
