"""HTTP routes of /api/v1/users: accounts, their roles and status (admins only)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from app.database import SessionDep
from app.models.users import User
from app.services.users import UserService
from app.utils.envelope import Envelope, ErrorEnvelope, error_responses, ok
from app.utils.security import ADMIN_ROLE, require_roles
from app.validators.users import UserListQuery, UserRead, UserUpdate

router = APIRouter(prefix="/users", tags=["users"])

Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {
    404: {"model": ErrorEnvelope, "description": "NOT_FOUND: no such user"},
}
# Every route: 401 without a valid access token, 403 for anyone but an admin.
AUTH_ERRORS: Responses = error_responses(401, 403)
CONFLICT: Responses = {
    409: {
        "model": ErrorEnvelope,
        "description": "CONFLICT: admins may not remove their own admin role or "
        "deactivate themselves",
    },
}

require_admin = require_roles(ADMIN_ROLE)
AdminUser = Annotated[User, Depends(require_admin)]


async def get_service(session: SessionDep) -> UserService:
    return UserService(session)


ServiceDep = Annotated[UserService, Depends(get_service)]


@router.get(
    "",
    summary="List accounts",
    dependencies=[Depends(require_admin)],
    responses=AUTH_ERRORS,
)
async def list_users(
    query: Annotated[UserListQuery, Query()],
    service: ServiceDep,
) -> Envelope[list[UserRead]]:
    page = await service.find(query)
    return ok(page.items, meta=page.meta)


@router.get(
    "/{user_id}",
    summary="Get an account",
    dependencies=[Depends(require_admin)],
    responses={**NOT_FOUND, **AUTH_ERRORS},
)
async def get_user(user_id: uuid.UUID, service: ServiceDep) -> Envelope[UserRead]:
    return ok(await service.read(user_id))


@router.patch(
    "/{user_id}",
    summary="Change an account's roles or status",
    description="`roles` replaces the list; `is_active: false` signs the user out. "
    "Both take effect on the user's next request.",
    responses={**NOT_FOUND, **CONFLICT, **AUTH_ERRORS},
)
async def update_user(
    user_id: uuid.UUID, data: UserUpdate, admin: AdminUser, service: ServiceDep
) -> Envelope[UserRead]:
    user = await service.update(admin, user_id, data)
    return ok(UserRead.model_validate(user))
