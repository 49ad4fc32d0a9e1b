"""The response envelope every endpoint returns, on success and on failure."""

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class ErrorInfo(BaseModel):
    """What went wrong: a stable UPPER_SNAKE code, a message and optional details."""

    code: str
    message: str
    details: Any | None = None


class PageMeta(BaseModel):
    """Pagination of a list response."""

    page: int
    limit: int
    total: int


class CursorMeta(BaseModel):
    """Keyset pagination of a list response: pass `next_cursor` back as `?cursor=`."""

    limit: int
    next_cursor: str | None


class Envelope(BaseModel, Generic[T]):
    """Body of every JSON response."""

    success: bool
    data: T | None
    error: ErrorInfo | None = None
    meta: PageMeta | CursorMeta | None = None


class ErrorEnvelope(BaseModel):
    """Body of every failed response; documents the error shape in OpenAPI."""

    success: Literal[False] = False
    data: None = None
    error: ErrorInfo
    meta: None = None


# Failures any endpoint can return, added to every API route's OpenAPI entry.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorEnvelope, "description": "BAD_REQUEST: malformed request"},
    422: {"model": ErrorEnvelope, "description": "VALIDATION_ERROR: invalid input"},
    500: {"model": ErrorEnvelope, "description": "INTERNAL_ERROR: unexpected failure"},
}


def ok(data: T, meta: PageMeta | CursorMeta | None = None) -> Envelope[T]:
    """Wrap a successful result (and its page metadata, for lists)."""
    return Envelope(success=True, data=data, meta=meta)


def fail(code: str, message: str, details: Any | None = None) -> dict[str, Any]:
    """Build the JSON body of a failed response."""
    error = ErrorInfo(code=code, message=message, details=details)
    return ErrorEnvelope(error=error).model_dump(mode="json")
