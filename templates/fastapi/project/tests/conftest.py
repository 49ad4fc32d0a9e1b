"""Shared fixtures: one app and one database per test session, emptied after every test,
and an HTTP client that calls the app in-process."""

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.database import create_engine
from app.main import create_app
from app.models.base import Base
from app.utils.cache import Cache, MemoryCache, create_cache


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Test settings: DATABASE_URL if set, else a new SQLite file for this session."""
    database_url = os.environ.get("DATABASE_URL") or (
        f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )
    return Settings(
        environment="test",
        database_url=database_url,
        create_tables_on_start=False,
        # Tests send many requests from one address; test_rate_limit sets tiny limits.
        rate_limit_anonymous="100000/minute",
        rate_limit_authenticated="100000/minute",
        rate_limit_auth="100000/minute",
        # The test client's Host.
        allowed_hosts=["testserver"],
        # A resource's own limit (spec `rate_limit`) is tested by that resource's tests,
        # on an app of their own.
        resource_rate_limits=False,
        # Keys of their own, so runs sharing a Redis never see each other's counters.
        rate_limit_key_prefix=f"test-{uuid.uuid4().hex}:rate",
        cache_key_prefix=f"test-{uuid.uuid4().hex}:cache",
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """The test database: every table created once (after dropping any left over)."""
    database = create_engine(settings)
    await drop_tables(database)
    async with database.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield database
    await drop_tables(database)
    await database.dispose()


async def drop_tables(database: AsyncEngine) -> None:
    """Drop every table, also those in a cycle of refs: SQLite, which cannot drop their
    foreign keys first, drops them with its checks off (set outside a transaction)."""
    async with database.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await connection.run_sync(Base.metadata.drop_all)
        await connection.commit()
        if sqlite:
            await connection.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture(autouse=True)
async def empty_tables(engine: AsyncEngine) -> AsyncIterator[None]:
    """Each test starts from empty tables: rows are deleted after it, children first."""
    yield
    async with engine.begin() as connection:
        # Links within a table or round a cycle of tables (such refs are optional) go
        # first: then any row can go, whatever the order (SQLite checks a RESTRICT per row).
        for table in Base.metadata.sorted_tables:
            for key in table.foreign_key_constraints:
                if key.use_alter or key.referred_table is table:
                    emptied = {column.name: None for column in key.columns}
                    await connection.execute(table.update().values(emptied))
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The application, built once for the session."""
    application = create_app(settings)
    yield application
    await application.state.engine.dispose()


@pytest.fixture(autouse=True)
async def cache(app: FastAPI, settings: Settings) -> AsyncIterator[Cache]:
    """Each test reads through a cache of its own that really caches (Redis when
    REDIS_URL is set, else memory), so a write that failed to invalidate shows up."""
    fresh: Cache
    if settings.redis_url:
        prefix = f"test-{uuid.uuid4().hex}:cache"
        fresh = create_cache(settings.model_copy(update={"cache_key_prefix": prefix}))
    else:
        fresh = MemoryCache(settings.cache_default_ttl)
    original = app.state.cache
    app.state.cache = fresh
    yield fresh
    app.state.cache = original
    await fresh.close()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """An HTTP client that calls the app in-process; server errors become 500s."""
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
async def redis_url() -> str:
    """A Redis database for tests (TEST_REDIS_URL); the test is skipped without one."""
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    redis = Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        await redis.ping()
    except (RedisError, OSError) as error:
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}: {error}")
    finally:
        await redis.aclose()
    return TEST_REDIS_URL
