import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from httpx import ASGITransport, AsyncClient

from app.config import Settings
from app.main import create_app
from tests.auth import bearer, create_user


@asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[tuple[FastAPI, AsyncClient]]:
    app = create_app(settings)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield app, client
    await app.state.cache.close()
    await app.state.engine.dispose()


def limited(settings: Settings, **changes: object) -> Settings:
    return settings.model_copy(
        update={
            "rate_limit_anonymous": "2/minute",
            "rate_limit_authenticated": "3/minute",
            "rate_limit_key_prefix": f"test-{uuid.uuid4().hex}",
            "redis_url": None,
            **changes,
        }
    )


async def test_over_the_limit_is_429_with_retry_after(settings: Settings) -> None:
    async with serve(limited(settings)) as (_, client):
        statuses = [(await client.get("/api/v1/nope")).status_code for _ in range(3)]
        response = await client.get("/api/v1/nope", headers={"Accept-Language": "vi"})

    assert statuses == [404, 404, 429]
    assert response.status_code == 429
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "RATE_LIMITED"
    assert body["error"]["message"] == "Quá nhiều yêu cầu, vui lòng thử lại sau"
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_health_is_not_limited(settings: Settings) -> None:
    async with serve(limited(settings)) as (_, client):
        statuses = [(await client.get("/health")).status_code for _ in range(5)]

    assert statuses == [200] * 5


async def test_authenticated_users_have_their_own_budget(settings: Settings) -> None:
    async with serve(limited(settings)) as (app, client):
        ada = bearer(app, await create_user(app, "ada@example.com"))
        bob = bearer(app, await create_user(app, "bob@example.com"))
        anonymous = [(await client.get("/api/v1/x")).status_code for _ in range(3)]
        ada_statuses = [
            (await client.get("/api/v1/x", headers=ada)).status_code for _ in range(4)
        ]
        bob_status = (await client.get("/api/v1/x", headers=bob)).status_code

    assert anonymous == [404, 404, 429]
    assert ada_statuses == [404, 404, 404, 429]
    assert bob_status == 404


async def test_instances_share_one_budget_in_redis(
    settings: Settings, redis_url: str
) -> None:
    shared = limited(settings, redis_url=redis_url)
    async with serve(shared) as (_, first), serve(shared) as (_, second):
        statuses = [
            (await first.get("/api/v1/nope")).status_code,
            (await second.get("/api/v1/nope")).status_code,
            (await first.get("/api/v1/nope")).status_code,
            (await second.get("/api/v1/nope")).status_code,
        ]

    assert statuses == [404, 404, 429, 429]


@asynccontextmanager
async def things_limited(
    settings: Settings, resource_rate_limits: bool
) -> AsyncIterator[AsyncClient]:
    """A client of an app whose /api/things has 4/minute of its own (the default is 2)."""
    app_settings = limited(settings, resource_rate_limits=resource_rate_limits)
    async with serve(app_settings) as (app, client):
        route = APIRoute("/things", things)
        app.state.rate_limiter.limit_routes("things", "4/minute", [route], "/api")
        yield client


async def test_routes_with_a_limit_of_their_own(settings: Settings) -> None:
    async with things_limited(settings, resource_rate_limits=True) as client:
        own = [(await client.get("/api/things")).status_code for _ in range(5)]
        others = [(await client.get("/api/v1/x")).status_code for _ in range(3)]

    # The route's own limit replaces the default (2/minute) and has its own budget.
    assert own == [404, 404, 404, 404, 429]
    assert others == [404, 404, 429]


async def test_route_limits_can_be_switched_off(settings: Settings) -> None:
    async with things_limited(settings, resource_rate_limits=False) as client:
        statuses = [(await client.get("/api/things")).status_code for _ in range(3)]

    assert statuses == [404, 404, 429]


async def things() -> None:
    """A route that is never mounted: limits are chosen by path, before routing."""
