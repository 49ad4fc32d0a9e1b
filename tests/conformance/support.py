"""Plumbing shared by the conformance checks: envelope assertions, clients, users and the
records a check creates (and deletes afterwards); the resource model is in model.py.

Nothing here knows which stack serves the URL: it speaks HTTP and reads the contract of
docs/conventions.md.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import random
import re
import ssl
import string
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from generator.samples import required_payload, valid_payload
from tests.conformance.model import ACTIONS as ACTIONS
from tests.conformance.model import ADMIN_ROLE as ADMIN_ROLE
from tests.conformance.model import DEFAULT_AUTH as DEFAULT_AUTH
from tests.conformance.model import Api as Api
from tests.conformance.model import Ref as Ref
from tests.conformance.model import Resource as Resource
from tests.conformance.model import Rule as Rule
from tests.conformance.model import parse_rate_limit as parse_rate_limit

ENVELOPE_KEYS = frozenset({"success", "data", "error", "meta"})
ERROR_KEYS = frozenset({"code", "message", "details"})
OFFSET_META = frozenset({"page", "limit", "total"})
CURSOR_META = frozenset({"limit", "next_cursor"})
USER_KEYS = frozenset({"id", "email", "roles", "is_active", "created_at"})
TOKEN_KEYS = frozenset({"access_token", "refresh_token", "token_type", "expires_in"})
UNKNOWN_FIELD = "definitely_not_a_field"
UNKNOWN_RELATION = "definitely_not_a_relation"
PASSWORD = "conformance password 1"
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
# Sample numbers for records of the newer checks and for every parent record: one process-
# wide sequence, far from the fixed numbers of the basic checks, so unique values never clash.
_FRESH_N = itertools.count(1000)


def fresh_n() -> int:
    return next(_FRESH_N)


class ConformanceError(AssertionError):
    """A response broke the contract; the message says which request and why."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str
    resource: str = ""


# ---------------------------------------------------------------- responses


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ConformanceError(message)


def describe(resp: httpx.Response) -> str:
    text = resp.text if len(resp.text) <= 600 else resp.text[:600] + "..."
    return (
        f"{resp.request.method} {resp.request.url.raw_path.decode()} -> {resp.status_code} {text}"
    )


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def expect_envelope(
    resp: httpx.Response,
    status: int,
    *,
    code: str | None = None,
    is_list: bool = False,
    style: str = "offset",
) -> dict[str, Any]:
    """Assert the status and the full envelope shape; return the parsed body."""
    where = describe(resp)
    require(resp.status_code == status, f"expected status {status}: {where}")
    require(
        resp.headers.get("content-type", "").startswith("application/json"),
        f"content-type is not application/json: {where}",
    )
    try:
        body = resp.json()
    except ValueError:
        raise ConformanceError(f"body is not JSON: {where}") from None
    require(
        isinstance(body, dict) and set(body) == ENVELOPE_KEYS,
        f"top-level keys must be exactly {sorted(ENVELOPE_KEYS)}: {where}",
    )
    ok = status < 400
    require(body["success"] is ok, f"success must be {str(ok).lower()}: {where}")
    if ok:
        require(body["error"] is None, f"error must be null on success: {where}")
    else:
        error = body["error"]
        require(
            isinstance(error, dict) and set(error) == ERROR_KEYS,
            f"error must have exactly the keys {sorted(ERROR_KEYS)}: {where}",
        )
        require(
            isinstance(error["code"], str) and bool(_UPPER_SNAKE.match(error["code"])),
            f"error.code must be an UPPER_SNAKE string: {where}",
        )
        require(code is None or error["code"] == code, f"error.code must be {code}: {where}")
        require(
            isinstance(error["message"], str) and bool(error["message"].strip()),
            f"error.message must be a non-empty string: {where}",
        )
        require(body["data"] is None, f"data must be null on failure: {where}")
    if is_list:
        meta = body["meta"]
        keys = CURSOR_META if style == "cursor" else OFFSET_META
        require(
            isinstance(meta, dict) and set(meta) == keys,
            f"meta must have exactly the keys {sorted(keys)} on a list: {where}",
        )
        for key in keys - {"next_cursor"}:
            require(is_int(meta.get(key)), f"meta.{key} must be an integer: {where}")
        if style == "cursor":
            cursor = meta["next_cursor"]
            require(
                cursor is None or (isinstance(cursor, str) and bool(cursor)),
                f"meta.next_cursor must be a string or null: {where}",
            )
        require(isinstance(body["data"], list), f"data must be a list: {where}")
    else:
        require(body["meta"] is None, f"meta must be null outside lists: {where}")
    envelope: dict[str, Any] = body
    return envelope


def expect_data(resp: httpx.Response, status: int = 200) -> dict[str, Any]:
    """The `data` object of a successful response."""
    data = expect_envelope(resp, status)["data"]
    require(isinstance(data, dict), f"data must be an object: {describe(resp)}")
    return dict(data)


def expect_validation_error(resp: httpx.Response, field_name: str) -> None:
    """A 422 VALIDATION_ERROR whose details (when shown) name `field_name`."""
    body = expect_envelope(resp, 422, code="VALIDATION_ERROR")
    details = body["error"]["details"]
    require(
        details is None or field_name in json.dumps(details),
        f"error.details must mention {field_name!r}: {describe(resp)}",
    )


def expect_status(resp: httpx.Response, status: int, code: str | None = None) -> None:
    """`status` (204 with an empty body; anything else an envelope)."""
    if status == 204:
        require(resp.status_code == 204, f"expected status 204: {describe(resp)}")
        require(resp.content == b"", f"204 must have an empty body: {describe(resp)}")
    else:
        expect_envelope(resp, status, code=code, is_list=False)


def snake_keys(value: object, path: str = "data") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            require(
                isinstance(key, str) and bool(_SNAKE.match(key)),
                f"{path}: key {key!r} is not snake_case",
            )
            snake_keys(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            snake_keys(item, f"{path}[{i}]")


def parse_instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def same_value(kind: str, sent: object, got: object) -> bool:
    """Whether a returned value represents the sent one (instants, approx floats...)."""
    if sent is None or got is None:
        return sent is got
    if kind == "datetime":
        sent_at, got_at = parse_instant(sent), parse_instant(got)
        return sent_at is not None and got_at is not None and sent_at == got_at
    if kind == "uuid":
        return isinstance(got, str) and isinstance(sent, str) and got.lower() == sent.lower()
    if kind == "ref":
        return str(got).lower() == str(sent).lower()
    if kind == "float":
        return (
            isinstance(got, int | float)
            and not isinstance(got, bool)
            and isinstance(sent, int | float)
            and math.isclose(got, sent, rel_tol=1e-9, abs_tol=1e-9)
        )
    if kind in ("integer", "bigint"):
        return is_int(got) and got == sent
    if kind == "boolean":
        return got is sent
    return type(got) is type(sent) and got == sent


def expect_fields(data: Mapping[str, Any], expected: Mapping[str, object], res: Resource) -> None:
    for name, sent in expected.items():
        require(name in data, f"response data lacks field {name!r}: {dict(data)}")
        require(
            same_value(res.kind(name), sent, data[name]),
            f"field {name!r}: sent {sent!r}, got {data[name]!r}",
        )


def unknown_id_like(known: object) -> str:
    """A well-formed id of the same shape as ``known`` that no record has."""
    text = str(known)
    if is_int(known) or text.isdigit():
        return "2000000001"
    try:
        uuid.UUID(text)
    except ValueError:
        pass
    else:
        return str(uuid.uuid4())
    rng = random.Random()
    pools = (string.digits, string.ascii_lowercase, string.ascii_uppercase)
    out = []
    for char in text:
        pool = next((p for p in pools if char in p), None)
        out.append(rng.choice(pool) if pool else char)
    return "".join(out)


def walk(
    client: httpx.Client,
    res: Resource,
    path: str | None = None,
    params: Mapping[str, Any] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Every item of a list, page after page (by page number or by cursor)."""
    path = path or res.collection
    limit = limit or res.max_limit
    query: dict[str, Any] = {**(params or {}), "limit": limit}
    items: list[dict[str, Any]] = []
    for page in range(1, 10_000):
        if not res.cursor:
            query["page"] = page
        resp = client.get(path, params=query)
        body = expect_envelope(resp, 200, is_list=True, style=res.style)
        items += body["data"]
        if res.cursor:
            if body["meta"]["next_cursor"] is None:
                return items
            query["cursor"] = body["meta"]["next_cursor"]
        elif len(body["data"]) < limit or page * limit >= body["meta"]["total"]:
            return items
    raise ConformanceError(f"{path}: the list does not end")


def ids_of(items: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(item.get("id")) for item in items]


# ---------------------------------------------------------------- clients, users and records


@functools.cache
def _tls() -> ssl.SSLContext:
    # Made once: httpx builds a new one (about 0.2 s) for every client otherwise, and the
    # checks make a client per user.
    return ssl.create_default_context()


def make_client(
    base_url: str | httpx.URL,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float | httpx.Timeout = 10.0,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """An httpx client for the checks (add e.g. an Authorization header via ``headers``;
    ``transport`` for a server in this process)."""
    return httpx.Client(
        base_url=base_url,
        headers={"Accept": "application/json", **(headers or {})},
        timeout=timeout,
        verify=_tls(),
        transport=transport,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class User:
    """A user the check registered: its id, credentials, tokens and a client using them."""

    id: str
    email: str
    password: str
    access_token: str
    refresh_token: str
    client: httpx.Client
    roles: tuple[str, ...] = ()


class Session:
    """What one check works with: the admin's client, other clients and users it makes,
    and its records, deleted (as the admin) when the check ends."""

    def __init__(self, admin: httpx.Client, api: Api) -> None:
        self.admin = admin
        self.api = api
        self.clients: list[httpx.Client] = []
        self.records = Records(self)

    def client(self, headers: Mapping[str, str] | None = None) -> httpx.Client:
        """A client of the same server without the admin's credentials. It shares the
        admin client's connections (so it is not closed on its own)."""
        out = httpx.Client(
            base_url=self.admin.base_url,
            headers={"Accept": "application/json", **(headers or {})},
            timeout=self.admin.timeout,
            transport=getattr(self.admin, "_transport", None),
        )
        self.clients.append(out)
        return out

    def anonymous(self) -> httpx.Client:
        return self.client()

    def register(self) -> tuple[str, dict[str, Any]]:
        """A new account (email, the user as registration returns it)."""
        email = f"conformance-{uuid.uuid4().hex[:16]}@example.com"
        resp = self.anonymous().post(
            f"{self.api.prefix}/auth/register", json={"email": email, "password": PASSWORD}
        )
        return email, expect_data(resp, 201)

    def login(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        resp = self.anonymous().post(
            f"{self.api.prefix}/auth/login", json={"email": email, "password": password}
        )
        return expect_data(resp, 200)

    def user(self, roles: Sequence[str] = ()) -> User:
        """A freshly registered, signed-in user holding `roles` (granted by the admin)."""
        email, created = self.register()
        if roles:
            self.grant(created["id"], roles)
        tokens = self.login(email)
        client = self.client(bearer(tokens["access_token"]))
        return User(
            str(created["id"]),
            email,
            PASSWORD,
            tokens["access_token"],
            tokens["refresh_token"],
            client,
            tuple(roles),
        )

    def grant(self, user_id: object, roles: Sequence[str]) -> dict[str, Any]:
        resp = self.admin.patch(f"{self.api.prefix}/users/{user_id}", json={"roles": list(roles)})
        return expect_data(resp, 200)

    def creator(self, res: Resource) -> User:
        """A fresh user allowed to create `res` records (granted a role when the rule asks)."""
        rule = res.auth["create"]
        return self.user(rule.roles[:1] if rule.roles_only else ())

    def close(self) -> None:
        self.records.cleanup()


class Records:
    """Creates records (and the parents they point at) and deletes them at the end."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.created: list[tuple[Resource, str]] = []

    def body(
        self,
        res: Resource,
        n: int | None = None,
        *,
        minimal: bool = False,
        skip: Sequence[str] = (),
        author: User | None = None,
        depth: int = 0,
    ) -> dict[str, object]:
        """A valid create body for `res`: sample field values and, for its refs, the ids of
        parent records made for it: by the admin, or by `author` where the parent's `read`
        rule would not let the author see the admin's."""
        n = fresh_n() if n is None else n
        fields = res.writable
        body = required_payload(fields, n) if minimal else valid_payload(fields, n)
        for ref in res.refs.values():
            # A parent made for a record gets only its required parents (refs may go round
            # in a cycle: courses.featured_lesson -> lessons.course -> courses).
            optional_skipped = minimal or ref.to == res.plural or depth > 0
            if ref.field in skip or (not ref.required and optional_skipped):
                continue
            require(depth < 8, f"{res.plural}: refs nest too deep to make parents")
            body[ref.field] = self.parent(ref, author=author, depth=depth + 1)["id"]
        return body

    def parent(self, ref: Ref, *, author: User | None = None, depth: int = 1) -> dict[str, Any]:
        target = self.session.api[ref.to]
        if author is not None and not target.auth["read"].allows(author.roles):
            body = self.body(target, author=author, depth=depth)
            return self.create(target, body, client=author.client)
        return self.create(target, self.body(target, depth=depth))

    def create(
        self,
        res: Resource,
        body: Mapping[str, object] | None = None,
        *,
        client: httpx.Client | None = None,
        path: str | None = None,
    ) -> dict[str, Any]:
        """POST `body` (default: a fresh valid one) as `client` (default: the admin); 201."""
        body = self.body(res) if body is None else body
        resp = (client or self.session.admin).post(path or res.collection, json=dict(body))
        self.track(res, resp)
        data = expect_data(resp, 201)
        require("id" in data, f"created data must contain an id: {describe(resp)}")
        return data

    def track(self, res: Resource, resp: httpx.Response) -> None:
        """Remember a record created by ``resp`` (even when the check expected a failure)."""
        if resp.status_code != 201:
            return
        try:
            record_id = resp.json()["data"]["id"]
        except (ValueError, KeyError, TypeError):
            return
        self.created.append((res, str(record_id)))

    def cleanup(self) -> None:
        for res, record_id in reversed(self.created):
            with suppress(httpx.HTTPError):
                self.session.admin.delete(res.item(record_id))
        self.created.clear()


CheckFn = Callable[[Session], None]


@dataclass(frozen=True)
class Check:
    """One named conformance check; call it with the admin's client of the server."""

    name: str
    run: CheckFn
    api: Api
    resource: str = "api"

    @property
    def id(self) -> str:
        return f"{self.resource}:{self.name}"

    def __call__(self, client: httpx.Client) -> None:
        session = Session(client, self.api)
        try:
            self.run(session)
        finally:
            session.close()
