from fastapi import FastAPI
from sqlalchemy import select

from app.models.audit_logs import AuditLog
from app.utils.audit import record, snapshot
from tests.auth import create_user


async def test_record_is_saved_by_the_callers_commit(app: FastAPI) -> None:
    actor = await create_user(app, "auditor@example.com")
    target = await create_user(app, "target@example.com")
    before = snapshot(target)

    async with app.state.sessionmaker() as session:
        await record(
            session, actor, "update", "users", target.id, before, {"roles": ["x"]}
        )
        await session.commit()
        [entry] = list(await session.scalars(select(AuditLog)))

    assert entry.actor_id == actor.id
    assert entry.action == "update"
    assert entry.resource == "users"
    assert entry.record_id == str(target.id)
    assert entry.before is not None
    assert entry.before["email"] == "target@example.com"
    assert entry.before["id"] == str(target.id)
    assert entry.after == {"roles": ["x"]}
    assert entry.at is not None


async def test_anonymous_actor_and_no_commit(app: FastAPI) -> None:
    async with app.state.sessionmaker() as session:
        await record(session, None, "create", "users", "42", None, {"a": 1})
        await session.rollback()
        entries = list(await session.scalars(select(AuditLog)))

    assert entries == []
