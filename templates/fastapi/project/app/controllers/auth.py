"""HTTP routes of /api/v1/auth: register, log in, refresh tokens, who am I."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from app.config import Settings
from app.database import SessionDep
from app.services.auth import AuthService
from app.utils.envelope import Envelope, error_responses, ok
from app.utils.security import CurrentUser
from app.validators.auth import (
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    UserRead,
)

router = APIRouter(prefix="/auth", tags=["auth"])


def get_service(request: Request, session: SessionDep) -> AuthService:
    settings: Settings = request.app.state.settings
    return AuthService(session, settings)


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


@router.get("/me", summary="The signed-in account", responses=error_responses(401))
async def me(user: CurrentUser) -> Envelope[UserRead]:
    return ok(UserRead.model_validate(user))
