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


Responses = dict[int | str, dict[str, Any]]

# Every error status the API uses, with its code, as OpenAPI documents it.
ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "BAD_REQUEST: malformed request",
    401: "UNAUTHORIZED: missing, invalid or expired access token",
    403: "FORBIDDEN: not allowed for this user",
    404: "NOT_FOUND: no such record",
    409: "CONFLICT: clashes with an existing record",
    413: "PAYLOAD_TOO_LARGE: the body is larger than MAX_BODY_BYTES",
    422: "VALIDATION_ERROR: invalid input",
    429: "RATE_LIMITED: too many requests; retry after Retry-After seconds",
    500: "INTERNAL_ERROR: unexpected failure",
}


def error_responses(*statuses: int) -> Responses:
    """OpenAPI `responses` for these error statuses, each an ErrorEnvelope:
    `@router.get(..., responses=error_responses(401, 403, 404))`."""
    return {
        status: {"model": ErrorEnvelope, "description": ERROR_DESCRIPTIONS[status]}
        for status in statuses
    }


# Failures any API endpoint can return, added to every API route's OpenAPI entry.
ERROR_RESPONSES: Responses = error_responses(400, 413, 422, 429, 500)


def ok(data: T, meta: PageMeta | CursorMeta | None = None) -> Envelope[T]:
    """Wrap a successful result (and its page metadata, for lists)."""
    return Envelope(success=True, data=data, meta=meta)


def fail(code: str, message: str, details: Any | None = None) -> dict[str, Any]:
    """Build the JSON body of a failed response."""
    error = ErrorInfo(code=code, message=message, details=details)
    return ErrorEnvelope(error=error).model_dump(mode="json")
