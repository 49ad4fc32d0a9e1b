"""Stack-neutral HTTP conformance checks for the resources of a generated backend.

The suite only speaks HTTP. Give it a base URL, the normalised specs of the resources
(``{plural: spec}``, or one spec; see README.md for the keys) and an admin's credentials, and
it checks the contract of docs/conventions.md: routes, status codes, the envelope,
validation and strict types, the stored form of values, pages and cursors, `?include=`,
references and what deleting a parent does, soft delete, `read_only` fields, the auth and
users APIs, each resource's `auth` rules and their order, the request id, messages in
English and Vietnamese and, against a server that enforces them, rate limits. Every check
creates the records (and users) it needs and deletes its records afterwards, so checks can
run in any order or alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import httpx

from tests.conformance.checks_auth import auth_api_checks
from tests.conformance.checks_crud import crud_checks
from tests.conformance.checks_filters import filter_checks
from tests.conformance.checks_http import api_checks, http_checks, rate_limit_checks
from tests.conformance.checks_lists import list_checks
from tests.conformance.checks_refs import ref_checks
from tests.conformance.checks_rules import rule_checks
from tests.conformance.checks_security import auth_rate_limit_checks, security_checks
from tests.conformance.support import (
    Api,
    Check,
    CheckResult,
    ConformanceError,
    Resource,
    bearer,
    expect_envelope,
    make_client,
    parse_rate_limit,
    same_value,
    unknown_id_like,
)

__all__ = [
    "Check",
    "CheckResult",
    "ConformanceError",
    "Resource",
    "auth_rate_limit_checks_for",
    "checks",
    "expect_envelope",
    "login",
    "make_client",
    "rate_limit_checks_for",
    "run_conformance",
    "same_value",
    "unknown_id_like",
]

Specs = Mapping[str, Any]


def checks(
    specs: Specs,
    *,
    only: Iterable[str] | None = None,
    api: bool = True,
    production: bool = False,
) -> list[Check]:
    """Every check, in a stable order: those of the whole API (auth, users, request ids,
    languages, security) unless ``api=False``, then each resource's (of those named in
    ``only``, by plural; all by default). Names are unique per resource
    (``Check.resource``); the specs of resources left out of ``only`` still serve as the
    parents of refs. ``production``: the server runs with ENVIRONMENT=production."""
    model = Api.from_specs(specs)
    wanted = list(model.resources) if only is None else list(only)
    unknown = [p for p in wanted if p not in model.resources]
    if unknown:
        raise ValueError(f"no spec for {unknown}; specs: {sorted(model.resources)}")
    out: list[Check] = []
    if api:
        out += auth_api_checks(model) + api_checks(model)
        out += security_checks(model, production=production)
    for plural in wanted:
        res = model[plural]
        out += crud_checks(model, res) + list_checks(model, res) + filter_checks(model, res)
        out += ref_checks(model, res)
        out += rule_checks(model, res) + http_checks(model, res)
    seen: set[str] = set()
    for check in out:
        if check.id in seen:
            raise AssertionError(f"two checks are called {check.id}")
        seen.add(check.id)
    return out


def rate_limit_checks_for(specs: Specs, *, default_authenticated: str | None = None) -> list[Check]:
    """The checks that spend rate-limit budgets, for a server that enforces the specs'
    `rate_limit` (and whose default limit per signed-in user is ``default_authenticated``,
    e.g. ``"20/minute"``, when given). Run them on a server of their own: they leave the
    budgets spent."""
    return rate_limit_checks(Api.from_specs(specs), parse_rate_limit(default_authenticated))


def auth_rate_limit_checks_for(specs: Specs, *, limit: str = "5/minute") -> list[Check]:
    """The check of the auth routes' budget per client address, for a server whose
    RATE_LIMIT_AUTH is ``limit``. It spends that budget: run it on a server of its own
    (every other check registers and signs in)."""
    parsed = parse_rate_limit(limit)
    assert parsed is not None
    return auth_rate_limit_checks(Api.from_specs(specs), parsed)


def login(
    base_url: str,
    email: str,
    password: str,
    *,
    prefix: str = "/api/v1",
    transport: httpx.BaseTransport | None = None,
) -> dict[str, str]:
    """The Authorization header of a user who signs in with `email` and `password`."""
    with make_client(base_url, transport=transport) as client:
        resp = client.post(f"{prefix}/auth/login", json={"email": email, "password": password})
    data = expect_envelope(resp, 200)["data"]
    return bearer(data["access_token"])


def run_conformance(
    base_url: str,
    specs: Specs,
    *,
    headers: Mapping[str, str] | None = None,
    admin: tuple[str, str] | None = None,
    only: Iterable[str] | None = None,
    api: bool = True,
    rate_limits: bool = False,
    default_authenticated: str | None = None,
    production: bool = False,
    timeout: float = 10.0,
    transport: httpx.BaseTransport | None = None,
) -> list[CheckResult]:
    """Run every check against ``base_url`` as an admin (``headers`` with their token, or
    ``admin=(email, password)`` to sign in); never raises for a failing check. With
    ``rate_limits`` the rate-limit checks run last; ``production``: the server runs
    with ENVIRONMENT=production. ``transport`` reaches a server in this
    process (an httpx WSGI or ASGI transport)."""
    try:
        if admin is not None:
            headers = {**(headers or {}), **login(base_url, *admin, transport=transport)}
        selected = checks(specs, only=only, api=api, production=production)
    except (httpx.HTTPError, AssertionError) as exc:
        return [CheckResult("sign_in", False, f"{type(exc).__name__}: {exc}", "api")]
    if rate_limits:
        selected += rate_limit_checks_for(specs, default_authenticated=default_authenticated)
    results: list[CheckResult] = []
    with make_client(base_url, headers=headers, timeout=timeout, transport=transport) as client:
        for check in selected:
            try:
                check(client)
            except ConformanceError as exc:
                results.append(CheckResult(check.name, False, str(exc), check.resource))
            except Exception as exc:  # a transport error or a crash is a failed check too
                detail = f"{type(exc).__name__}: {exc}"
                results.append(CheckResult(check.name, False, detail, check.resource))
            else:
                results.append(CheckResult(check.name, True, "ok", check.resource))
    return results


# ---------------------------------------------------------------- command line


def _load_specs(path: str) -> Specs:
    with open(path, encoding="utf-8") as handle:
        loaded = json.load(handle)
    if isinstance(loaded, list):
        return {spec["plural"]: spec for spec in loaded}
    specs: Specs = loaded
    return specs


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tests.conformance.suite BASE_URL SPECS.json --admin EMAIL PASSWORD``:
    print results, exit 1 on any failure."""
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.suite")
    parser.add_argument("base_url")
    parser.add_argument("specs", help="JSON: one normalised spec, a list, or {plural: spec}")
    parser.add_argument("--admin", nargs=2, metavar=("EMAIL", "PASSWORD"))
    parser.add_argument("--token", help="an admin's access token, instead of --admin")
    parser.add_argument("--only", action="append", help="a plural to check (repeatable)")
    parser.add_argument("--rate-limits", action="store_true", help="also spend rate limits")
    parser.add_argument("--default-authenticated", help="the server's limit per user, 20/minute")
    parser.add_argument("--production", action="store_true", help="ENVIRONMENT=production")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    results = run_conformance(
        args.base_url,
        _load_specs(args.specs),
        headers=bearer(args.token) if args.token else None,
        admin=tuple(args.admin) if args.admin else None,
        only=args.only,
        rate_limits=args.rate_limits,
        default_authenticated=args.default_authenticated,
        production=args.production,
    )
    for result in results:
        print(f"{'PASS' if result.passed else 'FAIL'} {result.resource}:{result.name}")
        if not result.passed:
            print(f"    {result.detail}")
    failed = sum(not r.passed for r in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
