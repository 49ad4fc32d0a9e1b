"""Alembic environment: runs the revisions with the app's async engine and settings.

The database is DATABASE_URL (or .env), unless the caller passes one: a URL in
``config.attributes["database_url"]`` or an open connection in
``config.attributes["connection"]`` (as tests/test_migrations.py does).
"""

import asyncio
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from app.config import get_settings
from app.models import import_models
from app.models.base import Base

config = context.config
if config.config_file_name is not None and not config.attributes.get("connection"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

import_models()
target_metadata = Base.metadata


def database_url() -> str:
    url = config.attributes.get("database_url")
    return str(url) if url else get_settings().database_url


def configure(**options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        # SQLite alters most things by copying the table: autogenerate writes batch blocks.
        render_as_batch=True,
        compare_type=True,
        **options,
    )


def run_offline() -> None:
    """`alembic upgrade head --sql`: print the SQL instead of running it."""
    configure(
        url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"}
    )
    with context.begin_transaction():
        context.run_migrations()


def run_on(connection: Connection) -> None:
    configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_async() -> None:
    engine = create_async_engine(database_url(), poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        run_on(connection)
    else:
        asyncio.run(run_async())


if context.is_offline_mode():
    run_offline()
else:
    run_online()
