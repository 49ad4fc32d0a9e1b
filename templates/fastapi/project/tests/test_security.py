import uuid
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, FastAPI
from httpx import AsyncClient

from app.config import Settings
from app.main import create_app
from app.models.users import User
from app.utils.security import CurrentUser, OptionalUser, is_owner, require_roles
from tests.auth import auth_headers


@pytest.fixture(scope="module")
def app(settings: Settings) -> FastAPI:
    """An application of its own with routes guarded in each way."""
    application = create_app(settings)
    router = APIRouter(prefix="/test")

    @router.get("/signed-in")
    async def signed_in(user: CurrentUser) -> str:
        return user.email

    @router.get("/anyone")
    async def anyone(user: OptionalUser) -> str | None:
        return user.email if user else None

    @router.get("/editors")
    async def editors(
        user: Annotated[User, Depends(require_roles("editor", "moderator"))],
    ) -> str:
        return user.email

    application.include_router(router)
    return application


async def test_current_user_needs_a_token(client: AsyncClient) -> None:
    response = await client.get("/test/signed-in")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_current_user_is_the_token_holder(
    app: FastAPI, client: AsyncClient
) -> None:
    response = await client.get("/test/signed-in", headers=await auth_headers(app))

    assert response.status_code == 200
    assert response.json() == "ada@example.com"


async def test_optional_user_is_none_when_anonymous(client: AsyncClient) -> None:
    response = await client.get("/test/anyone")

    assert response.status_code == 200
    assert response.json() is None


async def test_optional_user_refuses_a_bad_token(client: AsyncClient) -> None:
    response = await client.get("/test/anyone", headers={"Authorization": "Bearer no"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"


async def test_role_required(app: FastAPI, client: AsyncClient) -> None:
    plain = await auth_headers(app, "plain@example.com")
    moderator = await auth_headers(app, "mod@example.com", ["moderator"])
    admin = await auth_headers(app, "root@example.com", ["admin"])

    anonymous = await client.get("/test/editors")
    forbidden = await client.get("/test/editors", headers=plain)
    allowed = await client.get("/test/editors", headers=moderator)
    by_admin = await client.get("/test/editors", headers=admin)

    assert anonymous.status_code == 401
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "FORBIDDEN"
    assert allowed.status_code == 200
    assert by_admin.status_code == 200


async def test_is_owner() -> None:
    user = User(id=uuid.uuid4(), email="a@example.com", roles=[])

    assert is_owner(user, user.id)
    assert not is_owner(user, uuid.uuid4())
    assert not is_owner(None, user.id)
    assert not is_owner(user, None)


async def test_guarded_routes_document_bearer_security(client: AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()

    schemes = document["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    assert document["paths"]["/test/signed-in"]["get"]["security"] == [
        {"HTTPBearer": []}
    ]
    assert document["paths"]["/api/v1/auth/me"]["get"]["security"] == [
        {"HTTPBearer": []}
    ]
