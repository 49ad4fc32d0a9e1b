"""Error handlers and middleware that turn every failure into an envelope."""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.utils.envelope import fail
from app.utils.errors import AppError
from app.utils.i18n import choose_language, translate

logger = logging.getLogger(__name__)

# Error codes by HTTP status: the status name, except where the API has its own code.
_CODES = {status.value: status.name for status in HTTPStatus} | {
    HTTPStatus.UNPROCESSABLE_ENTITY: "VALIDATION_ERROR",
    HTTPStatus.TOO_MANY_REQUESTS: "RATE_LIMITED",
    HTTPStatus.INTERNAL_SERVER_ERROR: "INTERNAL_ERROR",
}


def error_response(
    request: Request,
    status_code: int,
    code: str,
    message: str,
    details: Any | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An envelope error response in the client's language; `details` are withheld
    in production."""
    settings: Settings = request.app.state.settings
    if settings.environment == "production":
        details = None
    language = choose_language(request.headers.get("accept-language"))
    response = JSONResponse(
        fail(code, translate(code, message, language), details),
        status_code=status_code,
        headers=headers,
    )
    response.headers["Content-Language"] = language
    return response


def _field(location: tuple[int | str, ...]) -> str:
    # ("body", "items", 0, "name") -> "items.0.name"; ("query", "limit") -> "limit"
    path = location[1:] if len(location) > 1 else location
    return ".".join(str(part) for part in path)


def _message(error: Any) -> str:
    # A length checked after a validator of the type (an optional text) is worded by
    # pydantic as a count of "items": say characters, as for every other text.
    text = isinstance(error.get("input"), str)
    if text and error["type"] in ("too_long", "too_short"):
        most = error["type"] == "too_long"
        bound = error["ctx"]["max_length" if most else "min_length"]
        unit = "character" if bound == 1 else "characters"
        return f"String should have at {'most' if most else 'least'} {bound} {unit}"
    # pydantic prefixes a validator's own message with "Value error, ": the client needs
    # only the message.
    return str(error["msg"]).removeprefix("Value error, ")


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> str:
    """Every method the path takes, for a 405's Allow header (Starlette's names only the
    methods of the first route that matched the path; here each method is a route)."""
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.routes):
            allowed.append(method)
    return ", ".join(allowed)


def register_error_handlers(app: FastAPI) -> None:
    """Replace FastAPI's error responses with envelope responses."""

    @app.exception_handler(AppError)
    async def handle_app_error(request: Request, exc: AppError) -> JSONResponse:
        return error_response(
            request, exc.status_code, exc.code, exc.message, exc.details, exc.headers
        )

    @app.exception_handler(HTTPException)
    async def handle_http_exception(
        request: Request, exc: HTTPException
    ) -> JSONResponse:
        # Starlette raises these itself for unknown routes (404) and methods (405).
        code = _CODES.get(exc.status_code, "HTTP_ERROR")
        if isinstance(exc.detail, str):
            message, details = exc.detail, None
        else:  # FastAPI's HTTPException accepts any JSON-able detail
            message, details = HTTPStatus(exc.status_code).phrase, exc.detail
        headers = dict(exc.headers or {})
        if exc.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
            headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
        return error_response(request, exc.status_code, code, message, details, headers)

    @app.exception_handler(RequestValidationError)
    async def handle_validation_error(
        request: Request, exc: RequestValidationError
    ) -> JSONResponse:
        errors = exc.errors()
        malformed = next((e for e in errors if e["type"] == "json_invalid"), None)
        if malformed is not None:
            return error_response(
                request,
                HTTPStatus.BAD_REQUEST,
                "BAD_REQUEST",
                "Malformed JSON body",
                {"reason": malformed.get("ctx", {}).get("error")},
            )
        details = [
            {"field": _field(e["loc"]), "message": _message(e), "type": e["type"]}
            for e in errors
        ]
        return error_response(
            request,
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "VALIDATION_ERROR",
            "Request validation failed",
            details,
        )


class UnhandledErrorMiddleware:
    """Answers any unhandled exception with a 500 envelope, logging the traceback.

    It must sit inside `RequestIdMiddleware`, so the 500 response still carries the
    request id (Starlette's own last-resort handler runs outside user middleware).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        response_started = False

        async def send_tracking_start(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_tracking_start)
        except Exception:
            logger.exception("Unhandled error on %s %s", scope["method"], scope["path"])
            if response_started:
                raise
            language = choose_language(Headers(scope=scope).get("accept-language"))
            message = translate("INTERNAL_ERROR", "Internal server error", language)
            response = JSONResponse(
                fail("INTERNAL_ERROR", message),
                status_code=HTTPStatus.INTERNAL_SERVER_ERROR,
                headers={"Content-Language": language},
            )
            await response(scope, receive, send)
