"""Request and response schemas of the /auth endpoints."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
)

from app.utils.emails import normalise_email
from app.utils.passwords import MAX_LENGTH, MIN_LENGTH, password_problem


def _compatible(value: object) -> object:
    # Fullwidth letters and other compatibility forms are validated as what they mean.
    return normalise_email(value) if isinstance(value, str) else value


def _not_common(value: str) -> str:
    problem = password_problem(value)
    if problem is not None:
        raise ValueError(f"Password {problem}")
    return value


# Stored and compared in one spelling: `ＡＤＭＩＮ@Example.com` is admin@example.com.
Email = Annotated[
    EmailStr, BeforeValidator(_compatible), AfterValidator(normalise_email)
]
# A new password: refused when it is on a list of leaked passwords.
Password = Annotated[
    str,
    Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH),
    AfterValidator(_not_common),
]


class RegisterRequest(BaseModel):
    """A new account; it starts with no roles."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password


class LoginRequest(BaseModel):
    """Credentials exchanged for a token pair."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Annotated[str, Field(max_length=MAX_LENGTH)]


class RefreshRequest(BaseModel):
    """A refresh token, exchanged (once) for a new token pair."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: Annotated[str, Field(max_length=4096)]


class LogoutRequest(BaseModel):
    """The refresh token to revoke; `all: true` revokes every refresh token of its
    user (every device signs in again)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    refresh_token: Annotated[str, Field(max_length=4096)]
    all: bool = False


class TokenPair(BaseModel):
    """Send `access_token` as `Authorization: Bearer …`; it expires in `expires_in`
    seconds. `refresh_token` gets a new pair from /auth/refresh, once."""

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserRead(BaseModel):
    """An account as the API shows it: never the password hash."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    roles: list[str]
    is_active: bool
    created_at: datetime
