"""Rate limiting: per user for requests with a valid access token, per client IP for
the rest. State lives in Redis when REDIS_URL is set (shared by every instance),
in memory otherwise. A resource whose spec sets `rate_limit` has that limit on its
routes instead of the defaults, with a budget of its own. The routes that take
credentials (register, login, refresh, logout) are limited per client IP whatever token
a request carries, so tokens of throw-away accounts buy no extra guesses.

Routes are matched by their path inside the app: without the root path the server
was started with (`uvicorn --root-path /api`), as the router matches them."""

import logging
import math
import re
import time
from collections.abc import Iterable

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError
from starlette.datastructures import Headers
from starlette.routing import BaseRoute, Route, compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.middleware.paths import route_path
from app.middleware.responses import envelope_response
from app.services.auth import decode_access_token
from app.utils.errors import UnauthorizedError

logger = logging.getLogger(__name__)

# Never limited: the health check, and the documentation.
EXEMPT_PATHS = frozenset(
    {"/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
)


class RateLimiter:
    """The configured limits and where their counters are kept."""

    def __init__(self, settings: Settings) -> None:
        self.anonymous: RateLimitItem = parse(settings.rate_limit_anonymous)
        self.authenticated: RateLimitItem = parse(settings.rate_limit_authenticated)
        if settings.redis_url:
            self.storage: Storage = RedisStorage(
                f"async+{settings.redis_url}",
                implementation="redispy",
                key_prefix=settings.rate_limit_key_prefix,
                wrap_exceptions=True,
            )
        else:
            self.storage = MemoryStorage()
        self.strategy = FixedWindowRateLimiter(self.storage)
        self.use_route_limits = settings.resource_rate_limits
        # (path pattern, limit, budget name) of routes with a limit of their own.
        self.route_limits: list[tuple[re.Pattern[str], RateLimitItem, str]] = []
        # The same, for routes counted per client IP whatever the request's token.
        self.address_limits: list[tuple[re.Pattern[str], RateLimitItem, str]] = []

    def limit_routes(
        self,
        name: str,
        limit: str,
        routes: Iterable[BaseRoute],
        prefix: str = "",
        per_address: bool = False,
    ) -> None:
        """Give `routes` (mounted under `prefix`) `limit` per client instead of the
        defaults, counted in a budget called `name`; with `per_address` per client IP
        even for requests with a valid token (and whatever RESOURCE_RATE_LIMITS says).
        """
        item = parse(limit)
        target = self.address_limits if per_address else self.route_limits
        for route in routes:
            if isinstance(route, Route):
                pattern, _, _ = compile_path(prefix + route.path)
                target.append((pattern, item, name))

    def address_limit_for(self, path: str) -> tuple[RateLimitItem, str] | None:
        """The limit per client IP of a request to `path`, if its route has one."""
        for pattern, item, name in self.address_limits:
            if pattern.match(path):
                return item, name
        return None

    def limit_for(self, path: str, authenticated: bool) -> tuple[RateLimitItem, str]:
        """The limit of a request to `path`, and the budget it counts against."""
        if self.use_route_limits:
            for pattern, item, name in self.route_limits:
                if pattern.match(path):
                    return item, name
        if authenticated:
            return self.authenticated, "default"
        return self.anonymous, "default"

    async def hit(self, limit: RateLimitItem, key: str) -> int | None:
        """Count one request; None if allowed, else seconds until the window resets.

        If Redis is unreachable requests are let through (and the failure logged):
        an outage of the limiter must not take the API down.
        """
        try:
            if await self.strategy.hit(limit, key):
                return None
            stats = await self.strategy.get_window_stats(limit, key)
        except StorageError:
            logger.warning("Rate limiter storage unavailable; request allowed")
            return None
        return max(1, math.ceil(stats.reset_time - time.time()))


def _address_key(scope: Scope) -> str:
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


def _client_key(scope: Scope, settings: Settings) -> tuple[str, bool]:
    """(`user:<id>` or `ip:<address>`, whether the request is authenticated)."""
    authorization = Headers(scope=scope).get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token:
        try:
            claims = decode_access_token(token.strip(), settings)
        except UnauthorizedError:
            pass
        else:
            return f"user:{claims.user_id}", True
    return _address_key(scope), False


class RateLimitMiddleware:
    """Answers 429 RATE_LIMITED, with Retry-After, once a client is over its limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route_path(scope) if scope["type"] == "http" else ""
        if scope["type"] != "http" or path in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        settings: Settings = state.settings
        limiter: RateLimiter = state.rate_limiter
        by_address = limiter.address_limit_for(path)
        if by_address is not None:
            limit, budget = by_address
            client = _address_key(scope)
        else:
            client, authenticated = _client_key(scope, settings)
            limit, budget = limiter.limit_for(path, authenticated)
        key = client if budget == "default" else f"{client}:{budget}"
        retry_after = await limiter.hit(limit, key)
        if retry_after is None:
            await self.app(scope, receive, send)
            return
        # Built here rather than raised: middleware runs outside the error handlers.
        response = envelope_response(
            scope,
            429,
            "RATE_LIMITED",
            "Too many requests",
            headers={"Retry-After": str(retry_after)},
        )
        await response(scope, receive, send)
