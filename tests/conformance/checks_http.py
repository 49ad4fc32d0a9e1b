"""Checks of what every route shares: malformed bodies, unknown routes and methods, the
request id, security headers, messages in English and Vietnamese, and rate limits."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

import httpx

from tests.conformance.checks_crud import N
from tests.conformance.support import (
    UNKNOWN_FIELD,
    Api,
    Check,
    Resource,
    Session,
    describe,
    expect_envelope,
    require,
)

# The Vietnamese message of each error code (English messages say more, and vary).
VIETNAMESE = {
    "BAD_REQUEST": "Yêu cầu không hợp lệ",
    "VALIDATION_ERROR": "Dữ liệu gửi lên không hợp lệ",
    "UNAUTHORIZED": "Chưa xác thực hoặc thông tin xác thực không hợp lệ",
    "FORBIDDEN": "Bạn không có quyền thực hiện thao tác này",
    "NOT_FOUND": "Không tìm thấy tài nguyên",
    "METHOD_NOT_ALLOWED": "Phương thức không được hỗ trợ",
    "CONFLICT": "Dữ liệu xung đột với bản ghi đã có",
    "PAYLOAD_TOO_LARGE": "Dữ liệu gửi lên quá lớn",
    "RATE_LIMITED": "Quá nhiều yêu cầu, vui lòng thử lại sau",
    "INTERNAL_ERROR": "Lỗi máy chủ nội bộ",
    "SERVICE_UNAVAILABLE": "Dịch vụ tạm thời không khả dụng",
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def http_checks(api: Api, res: Resource) -> list[Check]:
    def check(name: str, fn: Any) -> Check:
        return Check(name, partial(fn, res), api, res.plural)

    return [
        check("malformed_json", _malformed_json),
        check("unknown_route", _unknown_route),
        check("method_not_allowed", _method_not_allowed),
        check("request_id_header", _request_id),
    ]


def api_checks(api: Api) -> list[Check]:
    return [
        Check("request_id_echoed", _request_id_echoed, api),
        Check("security_headers", _security_headers, api),
        Check("error_messages_in_vietnamese", _vietnamese, api),
    ]


def _malformed_json(res: Resource, s: Session) -> None:
    resp = s.admin.post(
        res.collection, content=b'{"rating": ', headers={"Content-Type": "application/json"}
    )
    s.records.track(res, resp)
    expect_envelope(resp, 400, code="BAD_REQUEST")


def _unknown_route(res: Resource, s: Session) -> None:
    expect_envelope(s.admin.get(f"{res.prefix}/definitely-not-a-route"), 404, code="NOT_FOUND")


def _method_not_allowed(res: Resource, s: Session) -> None:
    for method in ("PUT", "DELETE"):
        resp = s.admin.request(method, res.collection, json={})
        expect_envelope(resp, 405, code="METHOD_NOT_ALLOWED")
        allow = {m.strip().upper() for m in resp.headers.get("allow", "").split(",")}
        require({"GET", "POST"} <= allow, f"Allow must list GET and POST: {allow}")
        require(method not in allow, f"Allow lists {method}, which was refused: {allow}")


def _request_id(res: Resource, s: Session) -> None:
    body = {**s.records.body(res, N["request_id"]), UNKNOWN_FIELD: "x"}
    rejected = s.admin.post(res.collection, json=body)
    s.records.track(res, rejected)
    for resp in (
        s.admin.get(res.collection),
        s.admin.get(f"{res.prefix}/definitely-not-a-route"),
        rejected,
    ):
        value = resp.headers.get("x-request-id", "")
        require(bool(value.strip()), f"no X-Request-ID header: {describe(resp)}")


def _request_id_echoed(s: Session) -> None:
    """A well-formed X-Request-ID from the client is returned as is; another is replaced."""
    path = f"{s.api.prefix}/definitely-not-a-route"
    given = "conformance-request.42:a_b"
    resp = s.anonymous().get(path, headers={"X-Request-ID": given})
    require(resp.headers.get("x-request-id") == given, f"X-Request-ID not echoed: {resp.headers}")
    for bad in ("has spaces in it", "x" * 129):
        resp = s.anonymous().get(path, headers={"X-Request-ID": bad})
        got = resp.headers.get("x-request-id", "")
        require(bool(got) and got != bad, f"X-Request-ID {bad!r} must be replaced, got {got!r}")
    first = s.anonymous().get(path).headers.get("x-request-id")
    second = s.anonymous().get(path).headers.get("x-request-id")
    require(bool(first) and first != second, f"two requests share the id {first!r}")


def _security_headers(s: Session) -> None:
    for resp in (
        s.anonymous().get(f"{s.api.prefix}/definitely-not-a-route"),
        s.anonymous().get(f"{s.api.prefix}/auth/me"),
        s.admin.get(f"{s.api.prefix}/auth/me"),
    ):
        for name, value in SECURITY_HEADERS.items():
            got = resp.headers.get(name)
            require(got == value, f"{name} must be {value!r}, got {got!r}: {describe(resp)}")


def _vietnamese(s: Session) -> None:
    """`Accept-Language` picks the message language (vi or en) and Content-Language says
    which; Vietnamese messages are fixed per code."""
    path = f"{s.api.prefix}/definitely-not-a-route"
    for accept, language in (
        ("vi", "vi"),
        ("vi-VN,vi;q=0.9,en;q=0.8", "vi"),
        ("en-US,vi;q=0.5", "en"),
        ("fr", "en"),
        (None, "en"),
    ):
        headers = {"Accept-Language": accept} if accept else {}
        for resp in (
            s.anonymous().get(path, headers=headers),
            s.anonymous().get(f"{s.api.prefix}/auth/me", headers=headers),
            s.admin.get(f"{s.api.prefix}/users", params={"limit": 0}, headers=headers),
        ):
            body = expect_envelope(resp, resp.status_code)
            code, message = body["error"]["code"], body["error"]["message"]
            if language == "vi":
                want = VIETNAMESE[code]
                require(message == want, f"Accept-Language {accept}: {message!r}, want {want!r}")
            else:
                require(
                    message not in VIETNAMESE.values(), f"Accept-Language {accept}: {message!r}"
                )
            got = resp.headers.get("content-language")
            require(got == language, f"Content-Language must be {language!r}: {got!r}")


# ---------------------------------------------------------------- rate limits (opt-in)


def rate_limit_checks(api: Api, default_authenticated: tuple[int, int] | None) -> list[Check]:
    """Checks that spend budgets: run them against a server that enforces the specs'
    `rate_limit` (and, with `default_authenticated`, that default per user)."""
    out = []
    for res in api.resources.values():
        if res.rate_limit is None:
            continue
        out.append(Check("rate_limit_per_user", partial(_per_user, res), api, res.plural))
        if res.auth["list"].public:
            out.append(
                Check("rate_limit_anonymous", partial(_anonymous_limit, res), api, res.plural)
            )
    if default_authenticated is not None:
        check = partial(_default_limit, default_authenticated)
        out.append(Check("rate_limit_default_authenticated", check, api))
    return out


def _expect_limited(resp: httpx.Response, period: int) -> None:
    expect_envelope(resp, 429, code="RATE_LIMITED")
    retry = resp.headers.get("retry-after", "")
    require(
        retry.isdigit() and 1 <= int(retry) <= period,
        f"Retry-After must be whole seconds from 1 to {period}, got {retry!r}",
    )


def _spend(client: httpx.Client, path: str, amount: int, period: int) -> httpx.Response | None:
    """`amount` requests, none refused, then one more (returned); None when a window
    boundary may have fallen between them (the caller retries)."""
    start = time.time()
    for i in range(amount):
        resp = client.get(path)
        require(
            resp.status_code != 429, f"request {i + 1} of {amount} was refused: {describe(resp)}"
        )
    last = client.get(path)
    if last.status_code != 429 and int(start // period) != int(time.time() // period):
        return None
    return last


def _per_user(res: Resource, s: Session) -> None:
    """A resource's own limit, per user, in a budget of its own."""
    amount, period = res.rate_limit or (0, 0)
    rule = res.auth["list"]
    for _ in range(2):
        user = s.user(rule.roles[:1] if rule.roles_only else ())
        last = _spend(user.client, res.collection, amount, period)
        if last is not None:
            break
    assert last is not None
    _expect_limited(last, period)
    me = user.client.get(f"{s.api.prefix}/auth/me")
    require(me.status_code == 200, f"the default budget is spent too: {describe(me)}")
    other = s.user(rule.roles[:1] if rule.roles_only else ())
    resp = other.client.get(res.collection)
    require(resp.status_code == 200, f"another user shares the budget: {describe(resp)}")


def _anonymous_limit(res: Resource, s: Session) -> None:
    """Anonymous clients are counted by address: a 429 by request limit + 1."""
    amount, period = res.rate_limit or (0, 0)
    client = s.anonymous()
    for _ in range(amount + 1):
        resp = client.get(res.collection)
        if resp.status_code == 429:
            _expect_limited(resp, period)
            return
    raise AssertionError(f"{amount + 1} anonymous requests to {res.collection}, none refused")


def _default_limit(limit: tuple[int, int], s: Session) -> None:
    amount, period = limit
    path = f"{s.api.prefix}/auth/me"
    for _ in range(2):
        user = s.user()
        last = _spend(user.client, path, amount, period)
        if last is not None:
            break
    assert last is not None
    _expect_limited(last, period)
