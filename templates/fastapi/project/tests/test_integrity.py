"""unique_violation tells a broken unique constraint from every other integrity error, on
the database the tests run on (SQLite, or PostgreSQL through DATABASE_URL)."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import CheckConstraint, Column, Integer, MetaData, String, Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.models.base import NAMING_CONVENTION
from app.utils.integrity import unique_violation

METADATA = MetaData(naming_convention=NAMING_CONVENTION)
PROBES = Table(
    "integrity_probes",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("code", String(10), unique=True),
    Column("other_code", String(10), unique=True),
    Column("score", Integer),
    CheckConstraint("score >= 0", name="score_range"),
)


@pytest.fixture
async def probes(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    async with engine.begin() as connection:
        await connection.run_sync(METADATA.create_all)
        await connection.execute(
            insert(PROBES).values(id=1, code="a", other_code="b", score=1)
        )
    yield engine
    async with engine.begin() as connection:
        await connection.run_sync(METADATA.drop_all)


async def broken(engine: AsyncEngine, **values: object) -> IntegrityError:
    with pytest.raises(IntegrityError) as raised:
        async with engine.begin() as connection:
            await connection.execute(insert(PROBES).values(**values))
    return raised.value


async def test_names_the_column_whose_unique_constraint_broke(
    probes: AsyncEngine,
) -> None:
    error = await broken(probes, id=2, code="a", other_code="c", score=1)
    assert unique_violation(error, "integrity_probes", ["code", "other_code"]) == "code"
    error = await broken(probes, id=3, code="c", other_code="b", score=1)
    assert (
        unique_violation(error, "integrity_probes", ["code", "other_code"])
        == "other_code"
    )


async def test_other_integrity_errors_are_not_unique_violations(
    probes: AsyncEngine,
) -> None:
    check = await broken(probes, id=2, code="c", other_code="d", score=-1)
    assert unique_violation(check, "integrity_probes", ["code", "other_code"]) is None
    primary_key = await broken(probes, id=1, code="e", other_code="f", score=1)
    assert (
        unique_violation(primary_key, "integrity_probes", ["code", "other_code"])
        is None
    )
