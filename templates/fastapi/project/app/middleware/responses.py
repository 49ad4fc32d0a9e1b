"""Envelope error responses built in middleware, outside the app's error handlers."""

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import Scope

from app.utils.envelope import fail
from app.utils.i18n import choose_language, translate


def envelope_response(
    scope: Scope,
    status_code: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An error envelope in the client's language, naming it in Content-Language."""
    language = choose_language(Headers(scope=scope).get("accept-language"))
    return JSONResponse(
        fail(code, translate(code, message, language)),
        status_code=status_code,
        headers={**(headers or {}), "Content-Language": language},
    )
