"""Refuses request bodies larger than MAX_BODY_BYTES with 413 PAYLOAD_TOO_LARGE, before
the app parses them: at once when Content-Length says so, else (chunked bodies) as soon
as the bytes received pass the limit. What is read is handed on to the app as it came.
"""

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.middleware.responses import envelope_response

TOO_LARGE = "Request body is larger than {limit} bytes"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = TOO_LARGE.format(limit=self.max_bytes)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response = envelope_response(scope, 413, "PAYLOAD_TOO_LARGE", message)
            await response(scope, receive, send)
            return
        received: list[Message] = []
        size = 0
        while True:
            chunk = await receive()
            received.append(chunk)
            if chunk["type"] != "http.request":
                break
            size += len(chunk.get("body", b""))
            if size > self.max_bytes:
                response = envelope_response(scope, 413, "PAYLOAD_TOO_LARGE", message)
                await response(scope, receive, send)
                return
            if not chunk.get("more_body", False):
                break

        async def replay() -> Message:
            return received.pop(0) if received else await receive()

        await self.app(scope, replay, send)
