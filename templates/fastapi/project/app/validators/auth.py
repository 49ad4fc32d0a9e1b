"""Request and response schemas of the /auth endpoints."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field


def _lower(value: str) -> str:
    return value.lower()


Email = Annotated[EmailStr, AfterValidator(_lower)]
# argon2 hashes any length; the cap keeps one request from costing too much CPU.
Password = Annotated[str, Field(min_length=8, max_length=128)]


class RegisterRequest(BaseModel):
    """A new account; it starts with no roles."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password


class LoginRequest(BaseModel):
    """Credentials exchanged for a token pair."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Annotated[str, Field(max_length=128)]


class RefreshRequest(BaseModel):
    """A refresh token, exchanged (once) for a new token pair."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: Annotated[str, Field(max_length=4096)]


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
