"""Answers only requests whose Host header names one of ALLOWED_HOSTS (`*.example.com`
matches its subdomains, `*` any host); others get 400 BAD_REQUEST, so no redirect or
link is ever built from a host an attacker chose."""

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.middleware.responses import envelope_response


def host_allowed(host: str, allowed: list[str]) -> bool:
    """Whether `host` (without its port) matches one of the `allowed` patterns."""
    host = host.lower().rstrip(".")
    for pattern in allowed:
        pattern = pattern.lower().strip("[]")
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


def _hostname(header: str) -> str:
    """`example.com:8000` -> `example.com`; `[::1]:8000` -> `::1`."""
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class TrustedHostMiddleware:
    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _hostname(Headers(scope=scope).get("host", ""))
        if host_allowed(host, self.allowed_hosts):
            await self.app(scope, receive, send)
            return
        response = envelope_response(scope, 400, "BAD_REQUEST", "Invalid host header")
        await response(scope, receive, send)
