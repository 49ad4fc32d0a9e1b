from pathlib import Path

from httpx import ASGITransport, AsyncClient

from app.config import Settings
from app.main import create_app


async def test_health_reports_database_ok(client: AsyncClient) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "data": {"status": "ok", "database": "ok"},
        "error": None,
        "meta": None,
    }


async def test_health_is_503_when_database_is_unreachable(tmp_path: Path) -> None:
    missing = tmp_path / "missing" / "app.db"
    settings = Settings(
        environment="test",
        database_url=f"sqlite+aiosqlite:///{missing}",
        create_tables_on_start=False,
        allowed_hosts=["testserver"],
    )
    app = create_app(settings)
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/health")
    await app.state.engine.dispose()

    assert response.status_code == 503
    body = response.json()
    assert body["success"] is False
    assert body["data"] is None
    assert body["error"]["code"] == "SERVICE_UNAVAILABLE"


async def test_openapi_document_and_docs_are_served(client: AsyncClient) -> None:
    openapi = await client.get("/openapi.json")
    docs = await client.get("/docs")
    redoc = await client.get("/redoc")

    assert openapi.status_code == 200
    assert "/health" in openapi.json()["paths"]
    assert docs.status_code == 200
    assert redoc.status_code == 200
