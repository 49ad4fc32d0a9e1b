import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient, Response
from sqlalchemy import select

from app.models.audit_logs import AuditLog
from app.models.refresh_tokens import RefreshToken
from app.models.users import User
from tests.auth import bearer, create_user, login, register

URL = "/api/v1/users"
USER_FIELDS = {"id", "email", "roles", "is_active", "created_at"}
ROUTES = [("GET", URL), ("GET", f"{URL}/{{id}}"), ("PATCH", f"{URL}/{{id}}")]


async def admin_headers(app: FastAPI) -> tuple[User, dict[str, str]]:
    """An admin account and its Authorization headers."""
    admin = await create_user(app, "root@example.com", ["admin"])
    return admin, bearer(app, admin)


async def patch(
    client: AsyncClient, headers: dict[str, str], user_id: object, body: Any
) -> Response:
    return await client.patch(f"{URL}/{user_id}", json=body, headers=headers)


async def refresh_tokens(app: FastAPI, user_id: uuid.UUID) -> list[RefreshToken]:
    async with app.state.sessionmaker() as session:
        statement = select(RefreshToken).where(RefreshToken.user_id == user_id)
        return list(await session.scalars(statement))


async def test_list_is_paged_and_never_shows_the_hash(
    app: FastAPI, client: AsyncClient
) -> None:
    _, headers = await admin_headers(app)
    await create_user(app, "ada@example.com")
    await create_user(app, "bob@example.com", ["finance"])

    first = await client.get(URL, params={"limit": 2}, headers=headers)
    second = await client.get(URL, params={"page": 2, "limit": 2}, headers=headers)

    assert first.status_code == 200
    body = first.json()
    assert body["success"] is True
    assert body["error"] is None
    assert body["meta"] == {"page": 1, "limit": 2, "total": 3}
    assert second.json()["meta"] == {"page": 2, "limit": 2, "total": 3}
    users = body["data"] + second.json()["data"]
    assert {user["email"] for user in users} == {
        "root@example.com",
        "ada@example.com",
        "bob@example.com",
    }
    assert all(user.keys() == USER_FIELDS for user in users)
    assert "hash" not in first.text
    assert "argon2" not in first.text


async def test_list_defaults_and_email_filter(
    app: FastAPI, client: AsyncClient
) -> None:
    _, headers = await admin_headers(app)
    ada = await create_user(app, "ada@example.com")

    everyone = await client.get(URL, headers=headers)
    found = await client.get(URL, params={"email": "ADA@example.com"}, headers=headers)
    nobody = await client.get(URL, params={"email": "x@example.com"}, headers=headers)

    assert everyone.json()["meta"] == {"page": 1, "limit": 20, "total": 2}
    assert [user["id"] for user in found.json()["data"]] == [str(ada.id)]
    assert found.json()["meta"]["total"] == 1
    assert nobody.json()["data"] == []


@pytest.mark.parametrize(
    "params",
    [{"page": 0}, {"limit": 0}, {"limit": 101}, {"page": "one"}, {"role": "admin"}],
)
async def test_list_rejects_bad_query_parameters(
    app: FastAPI, client: AsyncClient, params: dict[str, Any]
) -> None:
    _, headers = await admin_headers(app)

    response = await client.get(URL, params=params, headers=headers)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_get_returns_the_user(app: FastAPI, client: AsyncClient) -> None:
    _, headers = await admin_headers(app)
    ada = await create_user(app, "ada@example.com", ["moderator"])

    response = await client.get(f"{URL}/{ada.id}", headers=headers)

    assert response.status_code == 200
    user = response.json()["data"]
    assert user.keys() == USER_FIELDS
    assert user["id"] == str(ada.id)
    assert user["email"] == "ada@example.com"
    assert user["roles"] == ["moderator"]
    assert user["is_active"] is True


@pytest.mark.parametrize("method", ["GET", "PATCH"])
async def test_unknown_id_is_not_found_and_bad_id_invalid(
    app: FastAPI, client: AsyncClient, method: str
) -> None:
    _, headers = await admin_headers(app)
    body = {"is_active": True} if method == "PATCH" else None

    unknown = await client.request(
        method, f"{URL}/{uuid.uuid4()}", json=body, headers=headers
    )
    bad = await client.request(method, f"{URL}/not-a-uuid", json=body, headers=headers)

    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "NOT_FOUND"
    assert unknown.json()["success"] is False
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_anonymous_is_unauthorized(
    app: FastAPI, client: AsyncClient, method: str, path: str
) -> None:
    ada = await create_user(app, "ada@example.com")

    response = await client.request(
        method, path.format(id=ada.id), json={"is_active": False}
    )

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["success"] is False
    assert body["data"] is None
    assert body["error"]["code"] == "UNAUTHORIZED"


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_non_admins_are_forbidden(
    app: FastAPI, client: AsyncClient, method: str, path: str
) -> None:
    moderator = await create_user(app, "mod@example.com", ["moderator", "finance"])

    response = await client.request(
        method,
        path.format(id=moderator.id),
        json={"roles": ["admin"]},
        headers=bearer(app, moderator),
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    me = await client.get("/api/v1/auth/me", headers=bearer(app, moderator))
    assert me.json()["data"]["roles"] == ["moderator", "finance"]


async def test_patch_replaces_roles_without_repeats(
    app: FastAPI, client: AsyncClient
) -> None:
    _, headers = await admin_headers(app)
    ada = await create_user(app, "ada@example.com", ["moderator"])

    response = await patch(
        client, headers, ada.id, {"roles": ["instructor", "finance", "instructor"]}
    )

    assert response.status_code == 200
    assert response.json()["data"]["roles"] == ["instructor", "finance"]
    again = await client.get(f"{URL}/{ada.id}", headers=headers)
    assert again.json()["data"]["roles"] == ["instructor", "finance"]
    assert again.json()["data"]["is_active"] is True


async def test_patch_with_no_fields_changes_nothing(
    app: FastAPI, client: AsyncClient
) -> None:
    _, headers = await admin_headers(app)
    ada = await create_user(app, "ada@example.com", ["finance"])

    response = await patch(client, headers, ada.id, {})

    assert response.status_code == 200
    assert response.json()["data"]["roles"] == ["finance"]
    assert response.json()["data"]["is_active"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"email": "new@example.com"},
        {"password_hash": "x"},
        {"roles": ["finance"], "extra": 1},
        {"is_active": "false"},
        {"is_active": 0},
        {"is_active": None},
        {"roles": None},
        {"roles": "finance"},
        {"roles": [1]},
        {"roles": ["Finance"]},
        {"roles": ["two words"]},
        {"roles": ["1st"]},
        {"roles": [""]},
        {"roles": ["x" * 65]},
        {"roles": [f"role_{n}" for n in range(51)]},
        ["finance"],
    ],
)
async def test_patch_rejects_invalid_bodies(
    app: FastAPI, client: AsyncClient, body: Any
) -> None:
    _, headers = await admin_headers(app)
    ada = await create_user(app, "ada@example.com", ["finance"])

    response = await patch(client, headers, ada.id, body)

    assert response.status_code == 422, body
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    unchanged = await client.get(f"{URL}/{ada.id}", headers=headers)
    assert unchanged.json()["data"]["roles"] == ["finance"]
    assert unchanged.json()["data"]["is_active"] is True


async def test_roles_take_effect_on_the_next_request(
    app: FastAPI, client: AsyncClient
) -> None:
    _, headers = await admin_headers(app)
    ada = await create_user(app, "ada@example.com")
    # Issued before the change: roles are read from the database on every request.
    ada_headers = bearer(app, ada)

    before = await client.get(URL, headers=ada_headers)
    await patch(client, headers, ada.id, {"roles": ["admin"]})
    promoted = await client.get(URL, headers=ada_headers)
    await patch(client, headers, ada.id, {"roles": ["finance"]})
    demoted = await client.get(URL, headers=ada_headers)
    me = await client.get("/api/v1/auth/me", headers=ada_headers)

    assert before.status_code == 403
    assert promoted.status_code == 200
    assert demoted.status_code == 403
    assert me.json()["data"]["roles"] == ["finance"]


async def test_deactivation_blocks_access_and_revokes_refresh_tokens(
    app: FastAPI, client: AsyncClient
) -> None:
    _, headers = await admin_headers(app)
    ada = await register(client)
    first = await login(client)
    second = await login(client)
    ada_headers = {"Authorization": f"Bearer {second['access_token']}"}

    response = await patch(client, headers, ada["id"], {"is_active": False})

    assert response.status_code == 200
    assert response.json()["data"]["is_active"] is False
    me = await client.get("/api/v1/auth/me", headers=ada_headers)
    assert me.status_code == 401
    assert me.json()["error"]["code"] == "UNAUTHORIZED"
    for pair in (first, second):
        refreshed = await client.post(
            "/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert refreshed.status_code == 401
    tokens = await refresh_tokens(app, uuid.UUID(ada["id"]))
    assert len(tokens) == 2
    assert all(token.revoked_at is not None for token in tokens)
    refused = await client.post(
        "/api/v1/auth/login",
        json={"email": "ada@example.com", "password": "correct horse battery"},
    )
    assert refused.status_code == 401


async def test_reactivation_lets_the_user_sign_in_again(
    app: FastAPI, client: AsyncClient
) -> None:
    _, headers = await admin_headers(app)
    ada = await register(client)
    old = await login(client)
    await patch(client, headers, ada["id"], {"is_active": False})

    response = await patch(client, headers, ada["id"], {"is_active": True})

    assert response.json()["data"]["is_active"] is True
    tokens = await login(client)
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.status_code == 200
    stale = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": old["refresh_token"]}
    )
    assert stale.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"roles": []}, "roles"),
        ({"roles": ["finance"]}, "roles"),
        ({"is_active": False}, "is_active"),
        ({"roles": ["admin"], "is_active": False}, "is_active"),
    ],
)
async def test_admins_cannot_demote_or_deactivate_themselves(
    app: FastAPI, client: AsyncClient, body: dict[str, Any], field: str
) -> None:
    admin, headers = await admin_headers(app)

    response = await patch(client, headers, admin.id, body)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "CONFLICT"
    assert "your own" in error["message"]
    assert error["details"] == {"field": field}
    me = await client.get(f"{URL}/{admin.id}", headers=headers)
    assert me.json()["data"]["roles"] == ["admin"]
    assert me.json()["data"]["is_active"] is True


async def test_admins_may_add_roles_to_themselves_and_demote_other_admins(
    app: FastAPI, client: AsyncClient
) -> None:
    admin, headers = await admin_headers(app)
    other = await create_user(app, "second@example.com", ["admin"])

    own = await patch(client, headers, admin.id, {"roles": ["admin", "finance"]})
    demoted = await patch(client, headers, other.id, {"roles": []})
    deactivated = await patch(client, headers, other.id, {"is_active": False})

    assert own.status_code == 200
    assert own.json()["data"]["roles"] == ["admin", "finance"]
    assert demoted.json()["data"]["roles"] == []
    assert deactivated.json()["data"]["is_active"] is False


async def test_changes_are_audited_without_the_hash(
    app: FastAPI, client: AsyncClient
) -> None:
    admin, headers = await admin_headers(app)
    ada = await create_user(app, "ada@example.com")

    await patch(client, headers, ada.id, {"roles": ["finance"], "is_active": False})

    async with app.state.sessionmaker() as session:
        entries = list(await session.scalars(select(AuditLog)))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor_id == admin.id
    assert (entry.action, entry.resource) == ("update", "users")
    assert entry.record_id == str(ada.id)
    assert entry.before == {"roles": [], "is_active": True}
    assert entry.after == {"roles": ["finance"], "is_active": False}


async def test_openapi_documents_the_users_routes(client: AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]

    listing = paths[URL]["get"]["responses"]
    one = paths[f"{URL}/{{user_id}}"]
    assert {"401", "403"} <= listing.keys()
    assert {"401", "403", "404"} <= one["get"]["responses"].keys()
    assert {"401", "403", "404", "409"} <= one["patch"]["responses"].keys()
    assert "put" not in one
    assert "delete" not in one
