"""Rate limiting: per user for requests with a valid access token, per client IP for
the rest. State lives in Redis when REDIS_URL is set (shared by every instance),
in memory otherwise. A resource whose spec sets `rate_limit` has that limit on its
routes instead of the defaults, with a budget of its own."""

import logging
import math
import re
import time
from collections.abc import Iterable

from fastapi.responses import JSONResponse
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError
from starlette.datastructures import Headers
from starlette.routing import BaseRoute, Route, compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.services.auth import decode_access_token
from app.utils.envelope import fail
from app.utils.errors import UnauthorizedError
from app.utils.i18n import choose_language, translate

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

    def limit_routes(
        self, name: str, limit: str, routes: Iterable[BaseRoute], prefix: str = ""
    ) -> None:
        """Give `routes` (mounted under `prefix`) `limit` per client instead of the
        defaults, counted in a budget called `name`."""
        item = parse(limit)
        for route in routes:
            if isinstance(route, Route):
                pattern, _, _ = compile_path(prefix + route.path)
                self.route_limits.append((pattern, item, name))

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
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}", False


class RateLimitMiddleware:
    """Answers 429 RATE_LIMITED, with Retry-After, once a client is over its limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        settings: Settings = state.settings
        limiter: RateLimiter = state.rate_limiter
        client, authenticated = _client_key(scope, settings)
        limit, budget = limiter.limit_for(scope["path"], authenticated)
        key = client if budget == "default" else f"{client}:{budget}"
        retry_after = await limiter.hit(limit, key)
        if retry_after is None:
            await self.app(scope, receive, send)
            return
        # Built here rather than raised: middleware runs outside the error handlers.
        language = choose_language(Headers(scope=scope).get("accept-language"))
        message = translate("RATE_LIMITED", "Too many requests", language)
        response = JSONResponse(
            fail("RATE_LIMITED", message),
            status_code=429,
            headers={"Retry-After": str(retry_after), "Content-Language": language},
        )
        await response(scope, receive, send)
