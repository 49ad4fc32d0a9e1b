import uuid

from pydantic import TypeAdapter

from app.config import Settings
from app.utils.cache import Cache, MemoryCache, RedisCache, create_cache


async def test_without_redis_nothing_is_cached(settings: Settings) -> None:
    cache = create_cache(settings.model_copy(update={"redis_url": None}))
    await cache.set("reviews:one:1", b"cached", ttl=60)

    assert type(cache) is Cache
    assert await cache.get("reviews:one:1") is None


async def test_redis_cache_reads_back_and_invalidates_a_namespace(
    settings: Settings, redis_url: str
) -> None:
    cache = create_cache(
        settings.model_copy(
            update={"redis_url": redis_url, "cache_key_prefix": uuid.uuid4().hex}
        )
    )
    assert isinstance(cache, RedisCache)
    try:
        await cache.set("reviews:one:1", b"first", ttl=60)
        await cache.set("reviews:list:page=1", b"[first]")
        await cache.set("courses:one:1", b"course")
        hits = [
            await cache.get("reviews:one:1"),
            await cache.get("reviews:list:page=1"),
        ]

        await cache.invalidate("reviews")

        assert hits == [b"first", b"[first]"]
        assert await cache.get("reviews:one:1") is None
        assert await cache.get("reviews:list:page=1") is None
        assert await cache.get("courses:one:1") == b"course"
        await cache.set("reviews:one:1", b"second")
        assert await cache.get("reviews:one:1") == b"second"
    finally:
        await cache.close()


async def test_unreachable_redis_is_a_miss(settings: Settings) -> None:
    cache = create_cache(
        settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    )
    try:
        await cache.set("reviews:one:1", b"value")
        await cache.invalidate("reviews")
        assert await cache.get("reviews:one:1") is None
    finally:
        await cache.close()


async def test_memory_cache_reads_back_expires_and_invalidates_a_namespace() -> None:
    cache = MemoryCache(default_ttl=60)
    await cache.set("reviews:one:1", b"first")
    await cache.set("reviews:list:page=1", b"[first]", ttl=60)
    await cache.set("reviews:gone", b"old", ttl=-1)
    await cache.set("courses:one:1", b"course")

    assert await cache.get("reviews:one:1") == b"first"
    assert await cache.get("reviews:gone") is None
    await cache.invalidate("reviews")

    assert await cache.get("reviews:one:1") is None
    assert await cache.get("reviews:list:page=1") is None
    assert await cache.get("courses:one:1") == b"course"


async def test_cached_loads_once_until_invalidated() -> None:
    cache = MemoryCache(default_ttl=60)
    loads: list[int] = []

    async def load() -> list[int]:
        loads.append(len(loads))
        return [len(loads)]

    adapter = TypeAdapter(list[int])
    first = await cache.cached("reviews:list:x", adapter, load)
    second = await cache.cached("reviews:list:x", adapter, load)
    await cache.invalidate("reviews")
    third = await cache.cached("reviews:list:x", adapter, load)

    assert (first, second, third) == ([1], [1], [2])
    assert len(loads) == 2


async def test_the_no_op_cache_always_loads() -> None:
    cache = Cache()
    loads: list[int] = []

    async def load() -> int:
        loads.append(1)
        return len(loads)

    adapter = TypeAdapter(int)
    assert [await cache.cached("a:b", adapter, load) for _ in range(2)] == [1, 2]
