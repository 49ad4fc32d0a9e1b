"""Declarative base shared by every model, and the UTC timestamp column type."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Dialect, Float, MetaData, Numeric, inspect, text
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.base import NO_VALUE
from sqlalchemy.types import TypeDecorator

# Deterministic constraint and index names, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The rows a soft-deleting table still has: its unique values hold among these only, so a
# deleted record frees its email or slug for a new one.
LIVE_ROWS = text("deleted_at IS NULL")


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back as an aware UTC datetime.

    SQLite keeps no time zone, so values are converted to UTC before they are stored
    and the zone is restored when they are read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[Any]:
        return datetime

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware one such as utcnow()")
        return value.astimezone(UTC)

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal with a fixed scale, read back exactly with that many places.

    PostgreSQL stores NUMERIC(precision, scale). SQLite has no decimal type: values are
    stored as REAL, which keeps up to 15 significant digits exactly, and quantized back.
    """

    impl = Numeric
    cache_ok = True

    @property
    def python_type(self) -> type[Any]:
        return Decimal

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Float(asdecimal=False))
        return dialect.type_descriptor(self.impl_instance)

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = Decimal(value).quantize(self.quantum)
        return float(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(repr(value) if isinstance(value, float) else value).quantize(
            self.quantum
        )


class Base(DeclarativeBase):
    """Base class of every model; `Mapped[datetime]` columns use `UTCDateTime`."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


def loaded(instance: Base, relation: str) -> Any:
    """The related object(s) if they were loaded with ``instance``, else None; never
    queries (relations are lazy="raise": load them explicitly)."""
    value = inspect(instance).attrs[relation].loaded_value
    return None if value is NO_VALUE else value
