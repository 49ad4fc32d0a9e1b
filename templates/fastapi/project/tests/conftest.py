"""Shared fixtures: an app on a fresh database per test and an HTTP client for it."""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.main import create_app
from app.models.base import Base


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Test settings: DATABASE_URL if set, else a new SQLite file for this test."""
    database_url = os.environ.get("DATABASE_URL") or (
        f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    )
    return Settings(
        environment="test",
        database_url=database_url,
        create_tables_on_start=False,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The application, with every table created before the test and dropped after."""
    application = create_app(settings)
    engine: AsyncEngine = application.state.engine
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield application
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
    await engine.dispose()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """An HTTP client that calls the app in-process; server errors become 500s."""
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
