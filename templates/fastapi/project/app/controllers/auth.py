"""HTTP routes of /api/v1/auth: register, log in, refresh tokens, log out, who am I."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from starlette.routing import BaseRoute

from app.config import Settings
from app.database import SessionDep
from app.services.auth import AuthService
from app.utils.envelope import Envelope, error_responses, ok
from app.utils.login_throttle import LoginThrottle
from app.utils.security import CurrentUser
from app.validators.auth import (
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    UserRead,
)


def no_store(response: Response) -> None:
    """Tokens and accounts are never kept by a browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"


router = APIRouter(prefix="/auth", tags=["auth"], dependencies=[Depends(no_store)])

# Limited per client IP whatever token a request carries (RATE_LIMIT_AUTH).
CREDENTIAL_PATHS = frozenset(
    {"/auth/register", "/auth/login", "/auth/refresh", "/auth/logout"}
)


def credential_routes() -> list[BaseRoute]:
    return [r for r in router.routes if getattr(r, "path", None) in CREDENTIAL_PATHS]


def get_service(request: Request, session: SessionDep) -> AuthService:
    settings: Settings = request.app.state.settings
    throttle: LoginThrottle = request.app.state.login_throttle
    return AuthService(session, settings, throttle)


ServiceDep = Annotated[AuthService, Depends(get_service)]


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    summary="Create an account",
    responses=error_responses(409),
)
async def register(data: RegisterRequest, service: ServiceDep) -> Envelope[UserRead]:
    user = await service.register(data.email, data.password)
    return ok(UserRead.model_validate(user))


@router.post(
    "/login",
    summary="Exchange email and password for a token pair",
    description="After 5 failed logins for an account within 15 minutes, its logins "
    "are refused (429, Retry-After) for 30 seconds, doubling with each further failure.",
    responses=error_responses(401),
)
async def login(data: LoginRequest, service: ServiceDep) -> Envelope[TokenPair]:
    return ok(await service.login(data.email, data.password))


@router.post(
    "/refresh",
    summary="Exchange a refresh token (once) for a new token pair",
    responses=error_responses(401),
)
async def refresh(data: RefreshRequest, service: ServiceDep) -> Envelope[TokenPair]:
    return ok(await service.refresh(data.refresh_token))


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a refresh token (all of its user's with all: true)",
    responses=error_responses(401),
)
async def logout(data: LogoutRequest, service: ServiceDep) -> None:
    await service.logout(data.refresh_token, everywhere=data.all)


@router.get("/me", summary="The signed-in account", responses=error_responses(401))
async def me(user: CurrentUser) -> Envelope[UserRead]:
    return ok(UserRead.model_validate(user))
