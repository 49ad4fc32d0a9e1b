import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.config import Settings
from app.manage import create_admin
from tests.auth import login


async def test_create_admin_can_sign_in_as_admin(
    app: FastAPI, client: AsyncClient
) -> None:
    settings: Settings = app.state.settings
    await create_admin(settings, "Root@Example.com", "a long admin password")

    tokens = await login(client, "root@example.com", "a long admin password")
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )

    assert me.json()["data"]["roles"] == ["admin"]


async def test_create_admin_refuses_an_existing_email(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    await create_admin(settings, "root@example.com", "a long admin password")

    with pytest.raises(SystemExit, match="already exists"):
        await create_admin(settings, "root@example.com", "another password")


async def test_create_admin_refuses_a_short_password(app: FastAPI) -> None:
    with pytest.raises(SystemExit, match="password"):
        await create_admin(app.state.settings, "root@example.com", "short")
