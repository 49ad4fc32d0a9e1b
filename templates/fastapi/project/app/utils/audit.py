"""Audit log entries for writes to audited resources."""

import uuid
from typing import Any, Literal

from pydantic_core import to_jsonable_python
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.audit_logs import AuditLog
from app.models.base import Base
from app.models.users import User

Action = Literal["create", "update", "delete"]


def snapshot(instance: Base) -> dict[str, Any]:
    """The record's columns as JSON values, for `before` and `after`."""
    columns = inspect(instance).mapper.column_attrs
    values = {column.key: getattr(instance, column.key) for column in columns}
    result: dict[str, Any] = to_jsonable_python(values)
    return result


async def record(
    session: AsyncSession,
    actor: User | None,
    action: Action,
    resource: str,
    record_id: uuid.UUID | str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Add an entry to the session; it is saved by the caller's commit, with the write."""
    session.add(
        AuditLog(
            actor_id=actor.id if actor is not None else None,
            action=action,
            resource=resource,
            record_id=str(record_id),
            before=before,
            after=after,
        )
    )
