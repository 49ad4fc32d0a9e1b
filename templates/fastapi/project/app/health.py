"""`GET /health`: reports whether the app is up and its database answers."""

import logging

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.database import SessionDep
from app.utils.envelope import Envelope, ErrorEnvelope, ok
from app.utils.errors import ServiceUnavailableError

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


class HealthStatus(BaseModel):
    """Status of the app and of each dependency it checks."""

    status: str
    database: str


@router.get(
    "/health",
    response_model=Envelope[HealthStatus],
    responses={503: {"model": ErrorEnvelope, "description": "Database unreachable"}},
)
async def health(session: SessionDep) -> Envelope[HealthStatus]:
    """Check that the app is up and that the database answers a query."""
    try:
        await session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        logger.exception("Health check failed: database unreachable")
        raise ServiceUnavailableError("Database is unavailable") from exc
    return ok(HealthStatus(status="ok", database="ok"))
