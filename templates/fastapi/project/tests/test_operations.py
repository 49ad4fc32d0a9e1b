import io
import json
import logging
from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI
from httpx import ASGITransport, AsyncClient

from app.config import Settings
from app.main import create_app
from app.utils.i18n import VIETNAMESE, choose_language


@pytest.fixture(scope="module")
def app(settings: Settings) -> FastAPI:
    """An application of its own with a route that crashes."""
    application = create_app(settings)
    router = APIRouter(prefix="/test")

    @router.get("/crash")
    async def crash() -> None:
        raise RuntimeError("boom")

    application.include_router(router)
    return application


async def test_api_responses_carry_security_headers(client: AsyncClient) -> None:
    response = await client.get("/health")

    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "strict-transport-security" not in response.headers


async def test_docs_get_a_policy_that_lets_them_load(client: AsyncClient) -> None:
    for path in ("/docs", "/redoc"):
        response = await client.get(path)
        policy = response.headers["content-security-policy"]
        assert "https://cdn.jsdelivr.net" in policy
        assert "'unsafe-inline'" in policy


async def test_production_adds_hsts(settings: Settings) -> None:
    production = settings.model_copy(
        update={"environment": "production", "secret_key": "p" * 40}
    )
    application = create_app(production)
    transport = ASGITransport(app=application)
    async with AsyncClient(
        transport=transport, base_url="https://testserver"
    ) as client:
        response = await client.get("/health")
    await application.state.engine.dispose()

    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_cors_allows_only_configured_origins(settings: Settings) -> None:
    allowed = "https://app.example"
    application = create_app(settings.model_copy(update={"cors_origins": [allowed]}))
    transport = ASGITransport(app=application)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        preflight = await client.options(
            "/api/v1/auth/login",
            headers={"Origin": allowed, "Access-Control-Request-Method": "POST"},
        )
        other = await client.get("/health", headers={"Origin": "https://evil.example"})
    await application.state.engine.dispose()

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == allowed
    assert "access-control-allow-origin" not in other.headers


async def test_no_cors_headers_without_configured_origins(client: AsyncClient) -> None:
    response = await client.get("/health", headers={"Origin": "https://app.example"})

    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("vi", "vi"),
        ("vi-VN,vi;q=0.9,en;q=0.8", "vi"),
        ("en-US,vi;q=0.5", "en"),
        ("fr", "en"),
        ("fr, vi;q=0.1", "vi"),
    ],
)
def test_language_choice(header: str | None, expected: str) -> None:
    assert choose_language(header) == expected


async def test_errors_are_translated_to_vietnamese(client: AsyncClient) -> None:
    vi = {"Accept-Language": "vi-VN"}
    not_found = await client.get("/nope", headers=vi)
    invalid = await client.post("/api/v1/auth/login", json={}, headers=vi)
    unauthorized = await client.get("/api/v1/auth/me", headers=vi)
    crash = await client.get("/test/crash", headers=vi)

    assert not_found.json()["error"]["message"] == VIETNAMESE["NOT_FOUND"]
    assert not_found.headers["content-language"] == "vi"
    assert invalid.json()["error"]["message"] == VIETNAMESE["VALIDATION_ERROR"]
    assert invalid.json()["error"]["details"]  # details stay machine-readable
    assert unauthorized.json()["error"]["message"] == VIETNAMESE["UNAUTHORIZED"]
    assert crash.status_code == 500
    assert crash.json()["error"]["message"] == VIETNAMESE["INTERNAL_ERROR"]


async def test_english_is_the_default(client: AsyncClient) -> None:
    response = await client.get("/api/v1/auth/me")

    assert response.json()["error"]["message"] == "Authentication required"
    assert response.headers["content-language"] == "en"


@pytest.fixture
def access_log() -> Iterator[io.StringIO]:
    from app.utils.logs import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("app")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


async def test_one_json_access_line_per_request(
    client: AsyncClient, access_log: io.StringIO
) -> None:
    response = await client.get("/nope", headers={"X-Request-ID": "req-1"})

    lines = [json.loads(line) for line in access_log.getvalue().splitlines()]
    [entry] = [line for line in lines if line["logger"] == "app.access"]
    assert response.status_code == 404
    assert entry["method"] == "GET"
    assert entry["path"] == "/nope"
    assert entry["status"] == 404
    assert entry["request_id"] == "req-1"
    assert entry["duration_ms"] >= 0
