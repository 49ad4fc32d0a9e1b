"""The defences against abuse: body and host checks, limits on the credential routes,
account lock-outs, password rules, token and cursor checks, the cache's size cap."""

import threading
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import jwt
import limits.aio.storage.memory
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Response
from pydantic import TypeAdapter

from app.config import Settings
from app.main import create_app
from app.manage import create_admin
from app.models.base import utcnow
from app.services import auth as auth_service
from app.services.auth import ALGORITHM, TOO_MANY_FAILURES, lifetime
from app.utils.cache import MemoryCache, RedisCache, create_cache
from app.utils.listing import (
    MAX_CURSOR_LENGTH,
    CursorError,
    configure_cursors,
    decode_cursor,
    encode_cursor,
)
from app.utils.login_throttle import FIRST_LOCK, FREE_FAILURES
from tests.auth import PASSWORD, bearer, create_user, login, register

URL = "/api/v1/auth"
JSON = {"Content-Type": "application/json"}


@asynccontextmanager
async def client_of(
    app: FastAPI, address: str = "127.0.0.1", root_path: str = ""
) -> AsyncIterator[AsyncClient]:
    """A client of `app` calling from `address`, as a server started with
    `--root-path root_path` calls it."""
    transport = ASGITransport(
        app=app, raise_app_exceptions=False, client=(address, 1), root_path=root_path
    )
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@asynccontextmanager
async def serve(
    settings: Settings, **changes: object
) -> AsyncIterator[tuple[FastAPI, AsyncClient]]:
    """An app of its own, with `changes` to the test settings and counters in memory,
    and a client of it."""
    app = create_app(settings.model_copy(update={"redis_url": None, **changes}))
    async with client_of(app) as client:
        yield app, client
    await app.state.cache.close()
    await app.state.engine.dispose()


def assert_error(response: Response, status: int, code: str, message: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["data"] is None
    assert body["error"]["code"] == code
    assert body["error"]["message"] == message


async def credentials(client: AsyncClient, email: str, password: str) -> Response:
    return await client.post(
        f"{URL}/login", json={"email": email, "password": password}
    )


def registration(size: int) -> bytes:
    """A valid registration body of exactly `size` bytes (padded with spaces)."""
    body = f'{{"email": "ada@example.com", "password": "{PASSWORD}"}}'.encode()
    return body + b" " * (size - len(body))


async def test_a_body_over_the_limit_is_413(app: FastAPI, client: AsyncClient) -> None:
    limit: int = app.state.settings.max_body_bytes
    read: list[int] = []

    async def body(chunks: int) -> AsyncIterator[bytes]:
        for _ in range(chunks):
            read.append(1024)
            yield b" " * 1024

    # Refused on its Content-Length, before any of it is read.
    declared_length = {**JSON, "Content-Length": str(limit + 1)}
    declared = await client.post(
        f"{URL}/register", content=body(1), headers=declared_length
    )
    unread = list(read)
    # Sent without a length (chunked): refused once more than the limit has arrived.
    streamed = await client.post(
        f"{URL}/register", content=body(limit // 1024 + 2), headers=JSON
    )

    message = f"Request body is larger than {limit} bytes"
    assert_error(declared, 413, "PAYLOAD_TOO_LARGE", message)
    assert unread == []
    assert_error(streamed, 413, "PAYLOAD_TOO_LARGE", message)
    assert "content-length" not in streamed.request.headers
    assert sum(read) <= limit + 1024


async def test_a_body_of_the_limit_is_read(app: FastAPI, client: AsyncClient) -> None:
    limit: int = app.state.settings.max_body_bytes

    response = await client.post(
        f"{URL}/register", content=registration(limit), headers=JSON
    )

    assert response.status_code == 201, response.text


async def test_a_host_that_is_not_allowed_is_400(client: AsyncClient) -> None:
    other = await client.get("/health", headers={"Host": "evil.example"})
    with_port = await client.get("/health", headers={"Host": "testserver:8000"})

    assert_error(other, 400, "BAD_REQUEST", "Invalid host header")
    assert other.headers["x-content-type-options"] == "nosniff"
    assert with_port.status_code == 200


async def test_wildcard_hosts_match_subdomains_only(settings: Settings) -> None:
    async with serve(settings, allowed_hosts=["*.example.com"]) as (_, client):
        statuses = [
            (await client.get("/health", headers={"Host": host})).status_code
            for host in ("api.example.com", "example.com", "evilexample.com")
        ]

    assert statuses == [200, 400, 400]


async def test_credential_routes_are_limited_per_address_whatever_the_token(
    settings: Settings,
) -> None:
    async with serve(settings, rate_limit_auth="2/minute") as (app, client):
        tokens = [
            bearer(app, await create_user(app, f"user{n}@example.com"))
            for n in range(3)
        ]
        body = {"refresh_token": "not a token"}
        statuses = [
            (await client.post(f"{URL}/refresh", json=body, headers=h)).status_code
            for h in tokens[:2]
        ]
        limited = await client.post(f"{URL}/refresh", json=body, headers=tokens[2])
        me = await client.get(f"{URL}/me", headers=tokens[2])
        async with client_of(app, "10.0.0.2") as elsewhere:
            other_address = await elsewhere.post(f"{URL}/refresh", json=body)

    assert statuses == [401, 401]
    assert_error(limited, 429, "RATE_LIMITED", "Too many requests")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert me.status_code == 200
    assert other_address.status_code == 401


async def test_credential_routes_are_limited_under_a_root_path(
    settings: Settings,
) -> None:
    body = {"refresh_token": "not a token"}
    async with (
        serve(settings, rate_limit_auth="1/minute") as (app, _),
        client_of(app, root_path="/api") as client,
    ):
        responses = [
            await client.post(f"/api{URL}/refresh", json=body) for _ in range(2)
        ]

    assert responses[0].status_code == 401
    assert_error(responses[1], 429, "RATE_LIMITED", "Too many requests")


async def test_failed_logins_lock_the_account_until_the_lock_expires(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serve(settings) as (app, client):
        await create_user(app, "ada@example.com")
        await create_user(app, "bob@example.com")
        failures = [
            (await credentials(client, "ada@example.com", "wrong")).status_code
            for _ in range(FREE_FAILURES)
        ]
        locked = await credentials(client, "ada@example.com", PASSWORD)
        other_account = await credentials(client, "bob@example.com", PASSWORD)

        # The lock lapses: the clock of the counters (in memory) moves past it.
        later = time.time() + FIRST_LOCK + 1
        monkeypatch.setattr(
            limits.aio.storage.memory, "time", SimpleNamespace(time=lambda: later)
        )
        after_lock = await credentials(client, "ada@example.com", PASSWORD)
        # The success cleared the count: one more failure does not lock again.
        one_more = await credentials(client, "ada@example.com", "wrong")
        again = await credentials(client, "ada@example.com", PASSWORD)

    assert failures == [401] * FREE_FAILURES
    assert_error(locked, 429, "RATE_LIMITED", TOO_MANY_FAILURES)
    assert 1 <= int(locked.headers["retry-after"]) <= FIRST_LOCK
    assert other_account.status_code == 200
    assert after_lock.status_code == 200
    assert one_more.status_code == 401
    assert again.status_code == 200


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("password1", "is too common"),
        ("QwertyUiop ", "is too common"),
        ("%%%%%%%%%%", "repeats one character"),
    ],
)
async def test_register_refuses_a_weak_password(
    client: AsyncClient, password: str, problem: str
) -> None:
    response = await client.post(
        f"{URL}/register", json={"email": "ada@example.com", "password": password}
    )

    assert_error(response, 422, "VALIDATION_ERROR", "Request validation failed")
    [detail] = response.json()["error"]["details"]
    assert detail["field"] == "password"
    assert detail["message"].startswith(f"Password {problem}")


@pytest.mark.parametrize("password", [PASSWORD, "x9!Kq2#mZr", "Tr0ub4dor&3 horse"])
async def test_register_accepts_a_strong_password(
    client: AsyncClient, password: str
) -> None:
    user = await register(client, "ada@example.com", password)

    assert user["email"] == "ada@example.com"


async def test_create_admin_refuses_a_common_password(app: FastAPI) -> None:
    with pytest.raises(SystemExit, match="too common"):
        await create_admin(app.state.settings, "root@example.com", "password1")


async def test_logout_revokes_the_refresh_token(client: AsyncClient) -> None:
    await register(client)
    tokens = await login(client)
    token = {"refresh_token": tokens["refresh_token"]}

    logout = await client.post(f"{URL}/logout", json=token)
    refresh = await client.post(f"{URL}/refresh", json=token)
    twice = await client.post(f"{URL}/logout", json=token)

    assert logout.status_code == 204
    assert logout.content == b""
    assert_error(refresh, 401, "UNAUTHORIZED", "Invalid or expired token")
    assert_error(twice, 401, "UNAUTHORIZED", "Invalid or expired token")


async def test_logout_everywhere_revokes_every_session(client: AsyncClient) -> None:
    await register(client)
    laptop, phone = await login(client), await login(client)

    logout = await client.post(
        f"{URL}/logout", json={"refresh_token": laptop["refresh_token"], "all": True}
    )
    refresh = await client.post(
        f"{URL}/refresh", json={"refresh_token": phone["refresh_token"]}
    )

    assert logout.status_code == 204
    assert_error(refresh, 401, "UNAUTHORIZED", "Invalid or expired token")


async def test_auth_responses_are_not_stored(client: AsyncClient) -> None:
    registered = await client.post(
        f"{URL}/register", json={"email": "ada@example.com", "password": PASSWORD}
    )
    signed_in = await credentials(client, "ada@example.com", PASSWORD)
    tokens: dict[str, Any] = signed_in.json()["data"]
    refreshed = await client.post(
        f"{URL}/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    me = await client.get(
        f"{URL}/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    logout = await client.post(
        f"{URL}/logout",
        json={"refresh_token": refreshed.json()["data"]["refresh_token"]},
    )

    for response in (registered, signed_in, refreshed, me, logout):
        assert response.status_code in (200, 201, 204), response.text
        assert response.headers["cache-control"] == "no-store"


DOC_PATHS = ["/docs", "/redoc", "/openapi.json"]


async def test_docs_are_not_served_in_production(settings: Settings) -> None:
    async with serve(settings, environment="production") as (_, client):
        responses = [await client.get(path) for path in DOC_PATHS]

    for response in responses:
        assert_error(response, 404, "NOT_FOUND", "Not Found")


async def test_docs_in_production_when_configured(settings: Settings) -> None:
    production = {"environment": "production", "docs_in_production": True}
    async with serve(settings, **production) as (_, client):
        statuses = [(await client.get(path)).status_code for path in DOC_PATHS]

    assert statuses == [200, 200, 200]


def access_token(app: FastAPI, user_id: uuid.UUID, lives: timedelta) -> str:
    """An access token signed with the app's key that claims to live `lives`."""
    now = utcnow()
    claims = {
        "sub": str(user_id),
        "roles": [],
        "type": "access",
        "iat": now,
        "exp": now + lives,
    }
    key: str = app.state.settings.secret_key
    return jwt.encode(claims, key, algorithm=ALGORITHM)


async def test_a_token_living_longer_than_its_lifetime_is_refused(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await create_user(app)
    longest = lifetime(app.state.settings, "access")

    async def me(lives: timedelta) -> Response:
        token = access_token(app, user.id, lives)
        return await client.get(
            f"{URL}/me", headers={"Authorization": f"Bearer {token}"}
        )

    normal = await me(longest)
    for_a_year = await me(timedelta(days=365))

    assert normal.status_code == 200
    assert_error(for_a_year, 401, "UNAUTHORIZED", "Invalid or expired token")


def test_a_tampered_foreign_or_long_cursor_is_refused(settings: Settings) -> None:
    position = {"value": 3, "id": str(uuid.uuid4())}
    configure_cursors(settings.secret_key)
    cursor = encode_cursor(position)
    other_payload = encode_cursor({**position, "value": 4}).partition(".")[0]
    tampered = other_payload + "." + cursor.partition(".")[2]
    # Signed with this API's key, but longer than any cursor the API makes.
    long = encode_cursor({**position, "value": "x" * MAX_CURSOR_LENGTH})
    configure_cursors(settings.secret_key + "-of-another-api")
    try:
        foreign = encode_cursor(position)
    finally:
        configure_cursors(settings.secret_key)

    assert decode_cursor(cursor) == position
    for refused in (tampered, foreign, long, cursor + "x"):
        with pytest.raises(CursorError, match="not a cursor from this API"):
            decode_cursor(refused)


@pytest.mark.parametrize("char", ["x", "\u1ec7", "\U0001f600", "\u0001", '"'])
def test_the_longest_cursor_the_api_makes_is_read_back(
    settings: Settings, char: str
) -> None:
    """A 320-character sort value (the longest a spec may sort by under cursor
    pagination), of any characters, with the longest field name, fits a cursor."""
    position = {"sort": "-" + "f" * 63, "value": char * 320, "id": str(uuid.uuid4())}
    configure_cursors(settings.secret_key)
    cursor = encode_cursor(position)

    assert len(cursor) <= MAX_CURSOR_LENGTH
    assert decode_cursor(cursor) == position


async def test_a_value_over_the_cache_cap_is_served_but_not_stored(
    settings: Settings,
) -> None:
    capped = settings.model_copy(update={"cache_max_value_bytes": 16})
    cache = MemoryCache(capped.cache_default_ttl, capped.cache_max_value_bytes)
    loads: list[int] = []

    async def load(size: int) -> str:
        loads.append(size)
        return "x" * size

    adapter = TypeAdapter(str)
    large = [await cache.cached("a:large", adapter, lambda: load(20)) for _ in range(2)]
    small = [await cache.cached("a:small", adapter, lambda: load(10)) for _ in range(2)]
    with_redis = create_cache(capped.model_copy(update={"redis_url": "redis://x:1/0"}))
    await with_redis.close()

    assert large == ["x" * 20] * 2
    assert small == ["x" * 10] * 2
    assert loads == [20, 20, 10]  # the large value is loaded each time
    assert await cache.get("a:large") is None
    assert isinstance(with_redis, RedisCache)
    assert with_redis.max_value_bytes == 16


async def test_two_spellings_of_an_email_are_one_account(client: AsyncClient) -> None:
    first = await register(client, "ＡＤＡ@Example.COM")
    second = await client.post(
        f"{URL}/register", json={"email": "ada@example.com", "password": PASSWORD}
    )
    tokens = await login(client, "Ada@ＥＸＡＭＰＬＥ.com")

    assert first["email"] == "ada@example.com"
    assert_error(second, 409, "CONFLICT", "An account with this email already exists")
    assert tokens["token_type"] == "bearer"


async def test_passwords_are_hashed_and_checked_off_the_event_loop(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """argon2 costs tens of milliseconds of CPU: on the loop it would stall every request."""
    threads: list[threading.Thread] = []
    real_hash, real_verify = auth_service.hash_password, auth_service.verify_password

    def hash_password(password: str) -> str:
        threads.append(threading.current_thread())
        return real_hash(password)

    def verify_password(password_hash: str, password: str) -> bool:
        threads.append(threading.current_thread())
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth_service, "hash_password", hash_password)
    monkeypatch.setattr(auth_service, "verify_password", verify_password)
    await register(client)
    await login(client)

    assert len(threads) >= 2
    assert threading.main_thread() not in threads
