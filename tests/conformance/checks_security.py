"""Checks of what keeps a served app safe by default: body size, trusted hosts, tokens never
cached, logout, the per-account lock after failed logins, the per-address limit of the
auth routes (on a server of its own) and, against a server in production settings, hidden
documentation and error details and HSTS."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from functools import partial

import httpx

from tests.conformance.checks_http import VIETNAMESE
from tests.conformance.support import (
    PASSWORD,
    Api,
    Check,
    CheckFn,
    Session,
    describe,
    expect_data,
    expect_envelope,
    expect_validation_error,
    require,
)

MAX_BODY_BYTES = 1_048_576  # the contract's default MAX_BODY_BYTES
FREE_FAILURES = 5  # failed logins an account may have before it is locked
FIRST_LOCK = 30  # seconds of the first lock
DOCUMENTS = ("/docs", "/redoc", "/openapi.json")
UNTRUSTED_HOST = "evil.example"


def security_checks(api: Api, *, production: bool = False) -> list[Check]:
    """The whole API's security checks; ``production``: of a server with
    ENVIRONMENT=production (documentation hidden, HSTS, no error details)."""

    def check(name: str, fn: CheckFn, resource: str = "api") -> Check:
        return Check(name, fn, api, resource)

    out = [
        check("body_too_large", _body_too_large),
        check("untrusted_host", _untrusted_host),
        check("auth_responses_not_stored", _not_stored, "auth"),
        check("auth_logout", _logout, "auth"),
        check("auth_logout_all", _logout_all, "auth"),
        check("auth_login_lockout", _lockout, "auth"),
    ]
    if production:
        out += [
            check("production_hides_documentation", _documentation_hidden),
            check("production_sends_hsts", _hsts),
            check("production_hides_details", _details_hidden),
        ]
    else:
        out.append(check("openapi_document", _openapi_document))
    return out


def _auth(s: Session, path: str) -> str:
    return f"{s.api.prefix}/auth/{path}"


# ---------------------------------------------------------------- requests


def _chunks(body: bytes, size: int = 65536) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def _login_body(length: int) -> bytes:
    """A JSON login body of exactly `length` bytes (its password pads it)."""
    head, tail = b'{"email": "nobody@example.com", "password": "', b'"}'
    return head + b"x" * (length - len(head) - len(tail)) + tail


def _body_too_large(s: Session) -> None:
    """A body over MAX_BODY_BYTES is a 413 PAYLOAD_TOO_LARGE in the envelope, whether its
    Content-Length says so or it arrives in chunks; one of exactly the limit is read."""
    url, json_type = _auth(s, "login"), {"Content-Type": "application/json"}
    client = s.anonymous()
    big = _login_body(MAX_BODY_BYTES + 1)
    for content in (big, _chunks(big)):
        try:
            resp = client.post(url, content=content, headers=json_type)
        except httpx.TransportError as exc:  # closed before a response: no envelope either
            raise AssertionError(f"a body of {len(big)} bytes got no response: {exc}") from exc
        expect_envelope(resp, 413, code="PAYLOAD_TOO_LARGE")
    resp = client.post(url, content=big, headers={**json_type, "Accept-Language": "vi"})
    body = expect_envelope(resp, 413, code="PAYLOAD_TOO_LARGE")
    want = VIETNAMESE["PAYLOAD_TOO_LARGE"]
    require(body["error"]["message"] == want, f"Vietnamese 413: {body['error']['message']!r}")
    at_limit = client.post(url, content=_login_body(MAX_BODY_BYTES), headers=json_type)
    expect_validation_error(at_limit, "password")


def _untrusted_host(s: Session) -> None:
    """A Host the app was not configured for is a 400 before anything else, so no link
    or redirect the app makes can point at it."""
    client = s.anonymous()
    for path in ("/health", _auth(s, "me"), f"{s.api.prefix}/definitely-not-a-route"):
        resp = client.get(path, headers={"Host": UNTRUSTED_HOST})
        expect_envelope(resp, 400, code="BAD_REQUEST")
        require(UNTRUSTED_HOST not in resp.headers.get("location", ""), describe(resp))


def _expect_no_store(resp: httpx.Response) -> None:
    got = resp.headers.get("cache-control", "")
    require(
        "no-store" in got.lower(), f"Cache-Control must hold no-store: {got!r} {describe(resp)}"
    )


def _not_stored(s: Session) -> None:
    """Accounts and tokens are never kept by a browser or proxy: every successful auth
    response carries Cache-Control: no-store."""
    email = f"conformance-{uuid.uuid4().hex[:16]}@example.com"
    anonymous = s.anonymous()
    registered = anonymous.post(_auth(s, "register"), json={"email": email, "password": PASSWORD})
    expect_data(registered, 201)
    login = anonymous.post(_auth(s, "login"), json={"email": email, "password": PASSWORD})
    tokens = expect_data(login)
    refreshed = anonymous.post(_auth(s, "refresh"), json={"refresh_token": tokens["refresh_token"]})
    expect_data(refreshed)
    me = s.client({"Authorization": f"Bearer {tokens['access_token']}"}).get(_auth(s, "me"))
    expect_data(me)
    for resp in (registered, login, refreshed, me):
        _expect_no_store(resp)


def _logout_with(s: Session, body: object) -> httpx.Response:
    return s.anonymous().post(_auth(s, "logout"), json=body)


def _refresh(s: Session, token: str) -> httpx.Response:
    return s.anonymous().post(_auth(s, "refresh"), json={"refresh_token": token})


def _logout(s: Session) -> None:
    """Logout revokes the refresh token given (204, empty) and no other: refreshing or
    logging out with it again is a 401, as is a token that is not one; the body is
    strict. (Replaying a revoked token may revoke the user's others, as reuse does.)"""
    user = s.user()
    other = s.login(user.email)
    resp = _logout_with(s, {"refresh_token": user.refresh_token})
    require(resp.status_code == 204 and resp.content == b"", f"logout: {describe(resp)}")
    expect_data(_refresh(s, other["refresh_token"]))  # the user's other session lives on
    other = s.login(user.email)
    expect_envelope(_refresh(s, user.refresh_token), 401, code="UNAUTHORIZED")
    again = _logout_with(s, {"refresh_token": user.refresh_token})
    expect_envelope(again, 401, code="UNAUTHORIZED")
    expect_envelope(_logout_with(s, {"refresh_token": "not-a-token"}), 401, code="UNAUTHORIZED")
    for body, field in (
        ({}, "refresh_token"),
        ({"refresh_token": other["refresh_token"], "all": "yes"}, "all"),
        ({"refresh_token": other["refresh_token"], "everywhere": True}, "everywhere"),
    ):
        expect_validation_error(_logout_with(s, body), field)


def _logout_all(s: Session) -> None:
    """With "all": true every refresh token of the user is revoked; they sign in again."""
    user = s.user()
    other = s.login(user.email)
    resp = _logout_with(s, {"refresh_token": user.refresh_token, "all": True})
    require(resp.status_code == 204, f"logout with all: {describe(resp)}")
    # The other token first: refreshing with the given one again may revoke all as a reuse.
    for token in (other["refresh_token"], user.refresh_token):
        expect_envelope(_refresh(s, token), 401, code="UNAUTHORIZED")
    s.login(user.email)


def _lockout(s: Session) -> None:
    """After 5 failed logins an account's logins, the right password too, are a 429 with
    Retry-After (30 s at first); other accounts sign in as usual."""
    email, _ = s.register()
    bystander, _ = s.register()
    anonymous = s.anonymous()
    wrong = {"email": email, "password": PASSWORD + " wrong"}
    for _ in range(FREE_FAILURES):
        expect_envelope(anonymous.post(_auth(s, "login"), json=wrong), 401, code="UNAUTHORIZED")
    for body in (wrong, {"email": email.upper(), "password": PASSWORD}):
        resp = anonymous.post(_auth(s, "login"), json=body)
        expect_envelope(resp, 429, code="RATE_LIMITED")
        retry = resp.headers.get("retry-after", "")
        require(
            retry.isdigit() and 1 <= int(retry) <= FIRST_LOCK,
            f"Retry-After must be whole seconds up to {FIRST_LOCK}: {retry!r}",
        )
    s.login(bystander)


# ---------------------------------------------------------------- production settings


def _documentation_hidden(s: Session) -> None:
    """In production the OpenAPI document and the documentation pages are a 404."""
    for path in DOCUMENTS:
        expect_envelope(s.anonymous().get(path), 404, code="NOT_FOUND")


def _openapi_document(s: Session) -> None:
    """Outside production the app serves its OpenAPI document, auth routes included."""
    resp = s.anonymous().get("/openapi.json")
    require(resp.status_code == 200, f"no OpenAPI document: {describe(resp)}")
    document = resp.json()
    require(str(document.get("openapi", "")).startswith("3."), f"not OpenAPI 3: {describe(resp)}")
    paths = document.get("paths") or {}
    require(_auth(s, "login") in paths, f"the document lacks {_auth(s, 'login')}: {list(paths)}")


def _hsts(s: Session) -> None:
    for resp in (
        s.anonymous().get("/health"),
        s.anonymous().get(_auth(s, "me")),
        s.admin.get(_auth(s, "me")),
    ):
        got = resp.headers.get("strict-transport-security", "")
        require("max-age=" in got, f"production needs Strict-Transport-Security: {describe(resp)}")


def _details_hidden(s: Session) -> None:
    """In production `details` is null on every error, validation errors included."""
    anonymous = s.anonymous()
    for resp in (
        anonymous.post(_auth(s, "login"), json={"email": 5}),
        anonymous.post(_auth(s, "register"), json={"email": "x@example.com", "password": "x"}),
        anonymous.get(f"{s.api.prefix}/definitely-not-a-route"),
        s.admin.get(f"{s.api.prefix}/users", params={"limit": 0}),
    ):
        body = expect_envelope(resp, resp.status_code)
        require(resp.status_code >= 400, f"expected an error: {describe(resp)}")
        require(body["error"]["details"] is None, f"details shown in production: {describe(resp)}")


# ---------------------------------------------------------------- the auth routes' own limit


def auth_rate_limit_checks(api: Api, limit: tuple[int, int]) -> list[Check]:
    """For a server whose RATE_LIMIT_AUTH is ``limit``; it spends the address's budget, so
    nothing else that registers or signs in may share the server."""
    return [Check("rate_limit_auth_per_address", partial(_auth_limit, limit), api)]


def _auth_limit(limit: tuple[int, int], s: Session) -> None:
    """Register, login, refresh and logout share one budget per client address, whatever
    token a request carries: tokens of throw-away accounts buy no extra attempts."""
    amount, period = limit
    clients = (s.anonymous(), s.admin)  # alternately without a token and with one
    for i in range(amount + 1):  # earlier requests from this address may have spent some
        body = {"email": f"nobody-{uuid.uuid4().hex}@example.com", "password": PASSWORD}
        resp = clients[i % 2].post(_auth(s, "login"), json=body)
        if resp.status_code == 429:
            break
        require(resp.status_code == 401, f"attempt {i + 1}: {describe(resp)}")
    expect_envelope(resp, 429, code="RATE_LIMITED")
    retry = resp.headers.get("retry-after", "")
    require(retry.isdigit() and 1 <= int(retry) <= period, f"Retry-After: {retry!r}")
