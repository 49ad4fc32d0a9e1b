"""Request and response schemas of the /users endpoints (admins only)."""

from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from app.validators.auth import UserRead

__all__ = ["RoleName", "UserListQuery", "UserRead", "UserUpdate", "unique_roles"]

# A role is a lowercase identifier: `admin`, `finance`, `course_instructor`.
ROLE_PATTERN = r"^[a-z][a-z0-9_]*$"
RoleName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=ROLE_PATTERN)
]


def unique_roles(roles: list[str]) -> list[str]:
    """The roles without repeats, in the order first given."""
    return list(dict.fromkeys(roles))


class UserUpdate(BaseModel):
    """Body of PATCH /api/v1/users/{id}: only the fields to change; strict types (a
    string is not a boolean), unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", strict=True)

    roles: Annotated[list[RoleName], AfterValidator(unique_roles)] | None = Field(
        default=None,
        max_length=50,
        description="Every role the user holds from now on (replaces the list).",
    )
    is_active: bool | None = Field(
        default=None,
        description="false signs the user out: their tokens stop working.",
    )

    @field_validator("roles", "is_active")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may not be null")
        return value


class UserListQuery(BaseModel):
    """Query string of GET /api/v1/users; unknown parameters are rejected."""

    model_config = ConfigDict(extra="forbid")

    # The bound keeps the row offset inside the 64-bit integer the database takes.
    page: int = Field(
        default=1,
        ge=1,
        le=1_000_000_000,
        description="Page number, from 1.",
    )
    limit: int = Field(default=20, ge=1, le=100, description="Items per page.")
    email: str | None = Field(
        default=None,
        max_length=320,
        pattern="^[^\\x00]*$",
        description="Only the account with this email (any case).",
    )
