"""Errors raised by services; the error handlers turn them into envelope responses."""

from http import HTTPStatus
from typing import Any


class AppError(Exception):
    """An expected failure with an HTTP status and a stable error code."""

    status_code: int = HTTPStatus.INTERNAL_SERVER_ERROR
    code: str = "INTERNAL_ERROR"
    headers: dict[str, str] | None = None

    def __init__(self, message: str, details: Any | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequestError(AppError):
    status_code = HTTPStatus.BAD_REQUEST
    code = "BAD_REQUEST"


class NotFoundError(AppError):
    status_code = HTTPStatus.NOT_FOUND
    code = "NOT_FOUND"

    def __init__(self, resource: str, identifier: object) -> None:
        super().__init__(f"{resource} {identifier} was not found")
        self.resource = resource
        self.identifier = identifier


class ConflictError(AppError):
    status_code = HTTPStatus.CONFLICT
    code = "CONFLICT"


class InvalidInputError(AppError):
    status_code = HTTPStatus.UNPROCESSABLE_ENTITY
    code = "VALIDATION_ERROR"


class ServiceUnavailableError(AppError):
    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    code = "SERVICE_UNAVAILABLE"


class UnauthorizedError(AppError):
    """No valid credentials: a missing, invalid or expired token, or wrong password."""

    status_code = HTTPStatus.UNAUTHORIZED
    code = "UNAUTHORIZED"
    headers = {"WWW-Authenticate": "Bearer"}


class ForbiddenError(AppError):
    """Authenticated, but not allowed to do this."""

    status_code = HTTPStatus.FORBIDDEN
    code = "FORBIDDEN"


class RateLimitedError(AppError):
    """Too many requests; the client may retry after `retry_after` seconds."""

    status_code = HTTPStatus.TOO_MANY_REQUESTS
    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}
