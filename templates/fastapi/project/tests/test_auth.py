import asyncio

from fastapi import FastAPI
from httpx import AsyncClient, Response

from tests.auth import PASSWORD, bearer, create_user, login, register

URL = "/api/v1/auth"


async def refresh(client: AsyncClient, token: str) -> Response:
    return await client.post(f"{URL}/refresh", json={"refresh_token": token})


async def test_register_returns_the_user_without_the_hash(client: AsyncClient) -> None:
    response = await client.post(
        f"{URL}/register", json={"email": "Ada@Example.com", "password": PASSWORD}
    )

    assert response.status_code == 201
    user = response.json()["data"]
    assert user["email"] == "ada@example.com"
    assert user["roles"] == []
    assert user["is_active"] is True
    assert "password" not in response.text
    assert "hash" not in response.text


async def test_register_twice_is_a_conflict(client: AsyncClient) -> None:
    await register(client)

    response = await client.post(
        f"{URL}/register", json={"email": "ADA@example.com", "password": PASSWORD}
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"


async def test_register_rejects_short_passwords_and_extra_fields(
    client: AsyncClient,
) -> None:
    short = await client.post(
        f"{URL}/register", json={"email": "a@example.com", "password": "short"}
    )
    roles = await client.post(
        f"{URL}/register",
        json={"email": "a@example.com", "password": PASSWORD, "roles": ["admin"]},
    )

    assert short.status_code == 422
    assert roles.status_code == 422


async def test_login_returns_a_token_pair(client: AsyncClient) -> None:
    await register(client)

    tokens = await login(client, email="ADA@example.com")

    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 15 * 60
    me = await client.get(
        f"{URL}/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["data"]["email"] == "ada@example.com"


async def test_wrong_password_and_unknown_email_fail_alike(
    client: AsyncClient,
) -> None:
    await register(client)

    wrong = await client.post(
        f"{URL}/login", json={"email": "ada@example.com", "password": "wrong pass"}
    )
    unknown = await client.post(
        f"{URL}/login", json={"email": "bob@example.com", "password": PASSWORD}
    )

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "UNAUTHORIZED"


async def test_me_needs_a_valid_token(client: AsyncClient) -> None:
    missing = await client.get(f"{URL}/me")
    garbage = await client.get(f"{URL}/me", headers={"Authorization": "Bearer x.y.z"})
    basic = await client.get(f"{URL}/me", headers={"Authorization": "Basic YTpi"})

    for response in (missing, garbage, basic):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "UNAUTHORIZED"
        assert response.headers["www-authenticate"] == "Bearer"


async def test_expired_access_token_is_refused(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await create_user(app)
    settings = app.state.settings
    app.state.settings = settings.model_copy(update={"access_token_minutes": -1})
    try:
        headers = bearer(app, user)
    finally:
        app.state.settings = settings

    response = await client.get(f"{URL}/me", headers=headers)

    assert response.status_code == 401


async def test_token_signed_with_another_key_is_refused(
    app: FastAPI, client: AsyncClient
) -> None:
    user = await create_user(app)
    settings = app.state.settings
    app.state.settings = settings.model_copy(update={"secret_key": "k" * 40})
    try:
        headers = bearer(app, user)
    finally:
        app.state.settings = settings

    response = await client.get(f"{URL}/me", headers=headers)

    assert response.status_code == 401


async def test_inactive_user_is_refused(app: FastAPI, client: AsyncClient) -> None:
    user = await create_user(app)
    headers = bearer(app, user)
    async with app.state.sessionmaker() as session:
        user.is_active = False
        await session.merge(user)
        await session.commit()

    me = await client.get(f"{URL}/me", headers=headers)
    signin = await client.post(
        f"{URL}/login", json={"email": "ada@example.com", "password": PASSWORD}
    )

    assert me.status_code == 401
    assert signin.status_code == 401


async def test_refresh_rotates_the_pair(client: AsyncClient) -> None:
    await register(client)
    first = await login(client)

    response = await refresh(client, first["refresh_token"])

    assert response.status_code == 200
    second = response.json()["data"]
    assert second["refresh_token"] != first["refresh_token"]
    me = await client.get(
        f"{URL}/me", headers={"Authorization": f"Bearer {second['access_token']}"}
    )
    assert me.status_code == 200


async def test_reused_refresh_token_is_refused_and_revokes_the_family(
    client: AsyncClient,
) -> None:
    await register(client)
    first = await login(client)
    rotated = await refresh(client, first["refresh_token"])
    second = rotated.json()["data"]

    reuse = await refresh(client, first["refresh_token"])
    after_reuse = await refresh(client, second["refresh_token"])

    assert reuse.status_code == 401
    assert reuse.json()["error"]["code"] == "UNAUTHORIZED"
    assert after_reuse.status_code == 401


async def test_access_token_is_not_a_refresh_token(client: AsyncClient) -> None:
    await register(client)
    tokens = await login(client)

    as_refresh = await refresh(client, tokens["access_token"])
    as_access = await client.get(
        f"{URL}/me", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
    )

    assert as_refresh.status_code == 401
    assert as_access.status_code == 401


async def test_concurrent_refreshes_with_one_token_succeed_once(
    client: AsyncClient,
) -> None:
    await register(client)
    tokens = await login(client)
    token = tokens["refresh_token"]

    responses = await asyncio.gather(refresh(client, token), refresh(client, token))

    assert sorted(r.status_code for r in responses) == [200, 401]
