"""The baseline of bench_app.py: the generated app's queries, each as one hand-written function.

bench_app.py serves ``app_baseline:app`` with uvicorn from the generated project's folder (with
benchmarks/ on PYTHONPATH). Importing this module builds the generated app and mounts these
routes under ``/baseline`` before it starts, so both sides share the process, the engine and
its pool, the session dependency (one session per request, closed after the response as in
the generated routes), the middleware, the error handlers, the ORM models and the response
schemas. What the baseline leaves out is the layering: no query-string model, no service
dependency, no service, no repository; each function takes the session, builds the same SQL
statement with SQLAlchemy and returns the same envelope through the same pydantic models.

It knows the benchmark's two specs (events: offset pages; event_logs: cursor pages sorted by
created_at) and nothing else.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from app.database import SessionDep
from app.main import app
from app.models.event_logs import EventLog
from app.models.events import Event
from app.utils.envelope import CursorMeta, Envelope, PageMeta
from app.utils.listing import decode_cursor, encode_cursor
from app.validators.event_logs import EventLogRead
from app.validators.events import EventRead
from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

Limit = Annotated[int, Query(ge=1, le=100)]

router = APIRouter(prefix="/baseline")


@router.get("/events")
async def list_events(
    session: SessionDep, page: Annotated[int, Query(ge=1)] = 1, limit: Limit = 20
) -> Envelope[list[EventRead]]:
    """An offset page in the generated order (created_at, id), with the total."""
    rows = select(Event)
    total = await session.scalar(select(func.count()).select_from(rows.subquery()))
    ordered = rows.order_by(Event.created_at.asc(), Event.id)
    items = await session.scalars(ordered.offset((page - 1) * limit).limit(limit))
    data = [EventRead.model_validate(item) for item in items]
    meta = PageMeta(page=page, limit=limit, total=total or 0)
    return Envelope(success=True, data=data, meta=meta)


@router.get("/events/{event_id}")
async def get_event(session: SessionDep, event_id: uuid.UUID) -> Envelope[EventRead]:
    """One row by primary key."""
    event = await session.get(Event, event_id)
    if event is None:
        raise HTTPException(status_code=404, detail="event not found")
    return Envelope(success=True, data=EventRead.model_validate(event))


@router.get("/event-logs")
async def list_event_logs(
    session: SessionDep, cursor: str | None = None, limit: Limit = 20
) -> Envelope[list[EventLogRead]]:
    """A keyset page after the cursor, with the generated repository's row-value predicate
    (created_at, id) > (v, last_id), which PostgreSQL turns into an index condition."""
    statement = select(EventLog)
    if cursor is not None:
        value, last_id = _position(cursor)
        after: ColumnElement[bool] = tuple_(EventLog.created_at, EventLog.id) > tuple_(
            value, last_id
        )
        statement = statement.where(after)
    return await _keyset_page(session, statement, limit)


async def _keyset_page(
    session: AsyncSession, statement: Select[EventLog], limit: int
) -> Envelope[list[EventLogRead]]:
    ordered = statement.order_by(EventLog.created_at.asc(), EventLog.id).limit(limit + 1)
    rows = list(await session.scalars(ordered))
    next_cursor = _cursor(rows[limit - 1]) if len(rows) > limit else None
    data = [EventLogRead.model_validate(row) for row in rows[:limit]]
    return Envelope(success=True, data=data, meta=CursorMeta(limit=limit, next_cursor=next_cursor))


def _cursor(row: EventLog) -> str:
    """The generated format (signed, as the app signs its own)."""
    return encode_cursor({"sort": "created_at", "value": str(row.created_at), "id": str(row.id)})


def _position(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        position = decode_cursor(cursor)
        if position["sort"] != "created_at":
            raise ValueError("another sort order")
        return datetime.fromisoformat(position["value"]), uuid.UUID(position["id"])
    except (ValueError, KeyError, TypeError):
        raise HTTPException(status_code=422, detail="not a cursor from this API") from None


app.include_router(router)
