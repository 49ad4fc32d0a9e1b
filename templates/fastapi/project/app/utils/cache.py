"""A read cache for services: Redis when REDIS_URL is set, nothing otherwise.

Keys are `namespace:rest`, the namespace being the resource (`reviews:one:42`,
`reviews:list:page=1`). Each namespace has a version that is part of every stored key,
so `invalidate("reviews")` after a write makes every cached read of reviews stale at
once, without finding and deleting them.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from pydantic import TypeAdapter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.config import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")


# Larger values (bytes of JSON) are served but not stored: CACHE_MAX_VALUE_BYTES.
DEFAULT_MAX_VALUE_BYTES = 262_144


class Cache:
    """The interface services use; this base class caches nothing."""

    max_value_bytes = DEFAULT_MAX_VALUE_BYTES

    async def get(self, key: str) -> bytes | None:
        """The cached value, or None if absent, expired or invalidated."""
        return None

    async def set(self, key: str, value: bytes, ttl: int | None = None) -> None:
        """Cache `value` for `ttl` seconds (the configured default if None)."""

    async def invalidate(self, namespace: str) -> None:
        """Make every cached value under `namespace` stale."""

    async def close(self) -> None:
        """Release connections."""

    async def cached(
        self,
        key: str,
        adapter: TypeAdapter[T],
        load: Callable[[], Awaitable[T]],
        ttl: int | None = None,
    ) -> T:
        """The value under `key`, or what `load()` returns, kept for `ttl` seconds.

        Values are stored as JSON through `adapter`, so a hit is the same value a miss
        would have loaded; one larger than `max_value_bytes` is not stored, so no
        request can fill the cache with a few large pages.
        """
        stored = await self.get(key)
        if stored is not None:
            return adapter.validate_json(stored)
        value = await load()
        dumped = adapter.dump_json(value)
        if len(dumped) <= self.max_value_bytes:
            await self.set(key, dumped, ttl)
        return value


class MemoryCache(Cache):
    """Values in this process's memory, with the same namespaces and expiry as Redis.

    Each process has its own copy, so a write served by one worker leaves the others'
    values stale: for tests and single-process development, not for production.
    """

    def __init__(
        self, default_ttl: int, max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES
    ) -> None:
        self.default_ttl = default_ttl
        self.max_value_bytes = max_value_bytes
        self.values: dict[str, tuple[float, bytes]] = {}

    async def get(self, key: str) -> bytes | None:
        expires, value = self.values.get(key, (0.0, b""))
        if expires <= time.monotonic():
            self.values.pop(key, None)
            return None
        return value

    async def set(self, key: str, value: bytes, ttl: int | None = None) -> None:
        expires = time.monotonic() + (ttl or self.default_ttl)
        self.values[key] = (expires, value)

    async def invalidate(self, namespace: str) -> None:
        prefix = f"{namespace}:"
        for key in [key for key in self.values if key.startswith(prefix)]:
            del self.values[key]


class RedisCache(Cache):
    """Values in Redis under `<prefix>:<namespace>:v<version>:<rest>`.

    Redis failures are logged and treated as misses: the database stays the source of
    truth, so an outage makes reads slower, never wrong (a failed invalidation leaves
    stale values for at most their TTL).
    """

    def __init__(
        self,
        redis: "Redis",
        prefix: str,
        default_ttl: int,
        max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.default_ttl = default_ttl
        self.max_value_bytes = max_value_bytes

    async def _stored_key(self, key: str) -> str:
        namespace = key.split(":", 1)[0]
        version = await self.redis.get(self._version_key(namespace))
        return f"{self.prefix}:{namespace}:v{int(version or 0)}:{key}"

    def _version_key(self, namespace: str) -> str:
        return f"{self.prefix}:{namespace}:version"

    async def get(self, key: str) -> bytes | None:
        try:
            value = await self.redis.get(await self._stored_key(key))
        except RedisError:
            logger.warning("Cache unavailable; reading %s from the database", key)
            return None
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, ttl: int | None = None) -> None:
        try:
            stored = await self._stored_key(key)
            await self.redis.set(stored, value, ex=ttl or self.default_ttl)
        except RedisError:
            logger.warning("Cache unavailable; %s not cached", key)

    async def invalidate(self, namespace: str) -> None:
        try:
            await self.redis.incr(self._version_key(namespace))
        except RedisError:
            logger.error(
                "Cache unavailable; %s may be stale until it expires", namespace
            )

    async def close(self) -> None:
        await self.redis.aclose()


def create_cache(settings: Settings) -> Cache:
    """A Redis cache if REDIS_URL is set, else one that caches nothing."""
    if not settings.redis_url:
        return Cache()
    redis = Redis.from_url(settings.redis_url)
    return RedisCache(
        redis,
        settings.cache_key_prefix,
        settings.cache_default_ttl,
        settings.cache_max_value_bytes,
    )


def get_cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


CacheDep = Annotated[Cache, Depends(get_cache)]
