"""Helpers for tests that need accounts and tokens."""

from functools import cache
from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient

from app.models.users import User
from app.services.auth import create_access_token, hash_password

PASSWORD = "correct horse battery"


@cache
def password_hash() -> str:
    """The hash of PASSWORD, computed once: argon2 is slow on purpose."""
    return hash_password(PASSWORD)


async def register(
    client: AsyncClient, email: str = "ada@example.com", password: str = PASSWORD
) -> dict[str, Any]:
    """Create an account through the API; returns it as the API shows it."""
    return await _post_credentials(client, "register", 201, email, password)


async def login(
    client: AsyncClient, email: str = "ada@example.com", password: str = PASSWORD
) -> dict[str, Any]:
    """A token pair for the account."""
    return await _post_credentials(client, "login", 200, email, password)


async def _post_credentials(
    client: AsyncClient, action: str, status: int, email: str, password: str
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/auth/{action}", json={"email": email, "password": password}
    )
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def create_user(
    app: FastAPI, email: str = "ada@example.com", roles: list[str] | None = None
) -> User:
    """An account straight in the database, holding `roles`."""
    async with app.state.sessionmaker() as session:
        user = User(email=email, password_hash=password_hash(), roles=roles or [])
        session.add(user)
        await session.commit()
    return user


def bearer(app: FastAPI, user: User) -> dict[str, str]:
    """Authorization headers carrying a valid access token for `user`."""
    token = create_access_token(user, app.state.settings)
    return {"Authorization": f"Bearer {token}"}


async def auth_headers(
    app: FastAPI, email: str = "ada@example.com", roles: list[str] | None = None
) -> dict[str, str]:
    """Authorization headers of a new account holding `roles`."""
    return bearer(app, await create_user(app, email, roles))
