"""Authentication and authorization dependencies for routes.

async def create_review(..., user: CurrentUser)            # any signed-in user
async def list_reviews(..., user: OptionalUser)            # anyone; None if anonymous
@router.delete(..., dependencies=[Depends(require_roles("editor"))])
"""

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.config import Settings
from app.database import SessionDep
from app.models.users import User
from app.services.auth import AuthService, decode_access_token
from app.utils.errors import ForbiddenError, UnauthorizedError

ADMIN_ROLE = "admin"

# Documents the bearer scheme in OpenAPI; the dependencies below make the decisions.
bearer_scheme = HTTPBearer(
    auto_error=False, description="An access token from POST /api/v1/auth/login"
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


async def optional_user(
    request: Request, session: SessionDep, credentials: Credentials
) -> User | None:
    """The signed-in user, None without an Authorization header; 401 for a bad one."""
    if credentials is None:
        if "authorization" in request.headers:
            raise UnauthorizedError("Authorization must be 'Bearer <access token>'")
        return None
    settings: Settings = request.app.state.settings
    claims = decode_access_token(credentials.credentials, settings)
    return await AuthService(session, settings).active_user(claims.user_id)


async def current_user(
    user: Annotated[User | None, Depends(optional_user)],
) -> User:
    """The signed-in user; 401 UNAUTHORIZED without a valid access token."""
    if user is None:
        raise UnauthorizedError("Authentication required")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]


def has_any_role(user: User, roles: tuple[str, ...] | list[str]) -> bool:
    """Whether the user holds one of `roles`; admins hold them all."""
    return ADMIN_ROLE in user.roles or any(role in user.roles for role in roles)


def require_roles(*roles: str) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets through users holding one of `roles` (or admin):
    401 without a valid token, 403 FORBIDDEN for anyone else."""

    async def dependency(user: CurrentUser) -> User:
        if not has_any_role(user, roles):
            raise ForbiddenError("You are not allowed to do this")
        return user

    return dependency


def is_owner(user: User | None, owner_id: uuid.UUID | None) -> bool:
    """Whether `user` owns a record whose owner column holds `owner_id`."""
    return user is not None and owner_id is not None and user.id == owner_id


def may(
    user: User | None,
    roles: tuple[str, ...] | list[str] = (),
    *,
    owner: bool = False,
    owner_id: uuid.UUID | None = None,
) -> bool:
    """Whether `user` passes a rule that is not public: any signed-in user when it names
    neither roles nor the owner; else one of `roles` (admins hold all) or, with `owner`,
    the owner of the record whose owner column holds `owner_id`."""
    if user is None:
        return False
    if not roles and not owner:
        return True
    return has_any_role(user, roles) or (owner and is_owner(user, owner_id))
