"""The migrations build exactly the schema the models describe: `alembic upgrade head` on an
empty database, then Alembic's comparison with the models finds no difference, and
`alembic downgrade base` removes every table again."""

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from app.models import import_models
from app.models.base import Base

try:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext
except ImportError:  # pragma: no cover
    pytest.skip("alembic is not installed", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[str]:
    """The URL of a new, empty database: a SQLite file, or (when DATABASE_URL is
    PostgreSQL) a scratch database created beside it and dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"
        return
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith("postgresql"):
        pytest.skip("DATABASE_URL is not PostgreSQL")
    url = make_url(configured)
    name = f"{url.database}_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no right to create one, for instance
        await admin.dispose()
        pytest.skip(f"cannot create a scratch database: {error}")
    yield url.set(database=name).render_as_string(hide_password=False)
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    await admin.dispose()


def upgrade_compare_downgrade(connection: Connection) -> tuple[list[Any], list[str]]:
    """Differences between the migrated database and the models, and the tables left
    after downgrading to the start."""
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    import_models()
    differences = compare_metadata(
        MigrationContext.configure(connection), Base.metadata
    )
    command.downgrade(config, "base")
    left = [t for t in inspect(connection).get_table_names() if t != "alembic_version"]
    return differences, left


async def test_upgrade_head_matches_the_models(empty_database: str) -> None:
    engine = create_async_engine(empty_database)
    try:
        async with engine.begin() as connection:
            differences, left = await connection.run_sync(upgrade_compare_downgrade)
    finally:
        await engine.dispose()
    assert differences == []
    assert left == []
