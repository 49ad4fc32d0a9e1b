"""The rest: boolean, date, time (of day), datetime (with a time zone), uuid, json, ref."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from generator.naming import with_article
from generator.types import FieldSpec, SpecType

_BASE_DATE = date(2024, 1, 15)
_BASE_DATETIME = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Boolean(SpecType):
    def check_default(self, spec: Any, value: Any) -> Any:
        if not isinstance(value, bool):
            raise ValueError(f"default must be true or false for a boolean field, got {value!r}")
        return value

    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        first = not spec["default"] if isinstance(spec.get("default"), bool) else True
        return first if n % 2 == 0 else not first

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        # Strict JSON: neither "true" nor 1 is a boolean.
        return [("wrong_type", "maybe"), ("boolean_string", "true"), ("number", 1)]


@dataclass(frozen=True)
class Parsed(SpecType):
    """A type whose values are strings of one form (a date, a uuid)."""

    def parse(self, text: str) -> object:
        raise NotImplementedError(self.name)

    def check_default(self, spec: Any, value: Any) -> Any:
        """A string of the type's form, kept as the API returns it (a date's ISO form, a
        uuid in lowercase with hyphens)."""
        if not isinstance(value, str):
            example = self.sample("default", {"type": self.name}, 0)
            raise ValueError(
                f"default must be a string for {with_article(self.name)} field (e.g."
                f" {example!r}), got {value!r}"
            )
        try:
            parsed = self.parse(value)
        except ValueError:
            raise ValueError(f"default {value!r} is not a valid {self.name}") from None
        return self.as_returned(parsed, value)

    def as_returned(self, parsed: Any, typed: str) -> str:
        """A default, parsed from the text ``typed``, as the API writes it."""
        return str(parsed)


@dataclass(frozen=True)
class Date(Parsed):
    def parse(self, text: str) -> object:
        return date.fromisoformat(text)

    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        return (_BASE_DATE + timedelta(days=n)).isoformat()

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        return [
            ("not_a_date", "not-a-date"),
            ("impossible_date", "2024-02-30"),
            ("wrong_type", True),
            ("number", 1700000000),
        ]


@dataclass(frozen=True)
class TimeOfDay(Parsed):
    def parse(self, text: str) -> object:
        return time.fromisoformat(text)

    def as_returned(self, parsed: Any, typed: str) -> str:
        if parsed.tzinfo is not None:
            raise ValueError(f"default {typed!r} is a time of day without a zone, like '09:30'")
        return str(parsed.isoformat())

    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        moment = datetime.combine(_BASE_DATE, time(9, 30)) + timedelta(seconds=n)
        return moment.time().isoformat()

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        return [
            ("zoned_time", "10:30:00Z"),
            ("not_a_time", "not-a-time"),
            ("impossible_time", "25:00:00"),
            ("wrong_type", True),
            ("number", 1030),
        ]


@dataclass(frozen=True)
class Moment(Parsed):
    def parse(self, text: str) -> object:
        return datetime.fromisoformat(text)

    def as_returned(self, parsed: Any, typed: str) -> str:
        if parsed.tzinfo is None:
            raise ValueError(
                f"default {typed!r} needs a timezone (for example 2024-01-01T00:00:00Z)"
            )
        return str(parsed.astimezone(UTC).isoformat().replace("+00:00", "Z"))  # UTC, `Z`

    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        moment = _BASE_DATETIME + timedelta(hours=n)
        return moment.isoformat().replace("+00:00", "Z")

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        return [
            ("naive_datetime", "2024-01-15T10:30:00"),
            ("not_a_datetime", "not-a-datetime"),
            ("wrong_type", True),
            ("number", 1700000000),
        ]


@dataclass(frozen=True)
class Uuid(Parsed):
    def parse(self, text: str) -> object:
        return uuid.UUID(text)

    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        digest = hashlib.sha256(f"{name}:{n}".encode()).digest()
        return str(uuid.UUID(int=int.from_bytes(digest[:16], "big"), version=4))

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        return [("not_a_uuid", "not-a-uuid"), ("wrong_type", 12345)]


@dataclass(frozen=True)
class Json(SpecType):
    def check_default(self, spec: Any, value: Any) -> Any:
        if holds_nul(value):
            raise ValueError(
                "a default cannot hold a NUL character, in a key or a value (PostgreSQL"
                " cannot store it)"
            )
        return value

    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        return {"n": n, "tags": [name, "sample"], "nested": {"ok": True}}

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        # NUL anywhere in a JSON value, keys included, is refused (PostgreSQL cannot store it).
        return [("nul_in_key", {"a\x00b": 1}), ("nul_in_value", ["ok", {"k": "\x00"}])]


@dataclass(frozen=True)
class Ref(SpecType):
    """Samples leave refs out: the tests point them at records they make."""


TYPES = [
    Boolean(
        "boolean",
        70,
        '`true` / `false` (never `"true"` or `1`)',
        aliases=("bool",),
        shorthand="bool",
        may_be_unique=False,
    ),
    Date(
        "date",
        80,
        '`"2024-01-15"` (a string, never a number)',
        ordered=True,
        text_default=True,
        formats=("date",),
    ),
    TimeOfDay(
        "time",
        85,
        '`"09:30:00"`, a time of day without a zone (`"09:30"` is `"09:30:00"`)',
        ordered=True,
        text_default=True,
        formats=("time",),
    ),
    Moment(
        "datetime",
        90,
        '`"2024-01-15T10:30:00Z"`; a time zone is required; stored and returned in UTC',
        aliases=("timestamp",),
        ordered=True,
        text_default=True,
        formats=("date-time",),
    ),
    Uuid("uuid", 100, "a UUID string", text_default=True, formats=("uuid",)),
    Json(
        "json",
        140,
        "any JSON value without NUL characters (keys included)",
        sortable=False,
        filterable=False,
    ),
    Ref(
        "ref",
        150,
        "the id of a record of the resource `to`; `on_delete` says what its deletion does",
        shorthand_forms="`ref`, `ref(course)`",
        shorthand_spec="`type: ref, to: course`",
        shorthand_note="`to` defaults to the field name; name a ref after what it points to"
        " (`course`, not `course_id`)",
        storage="uuid",
        sortable=False,
        may_be_unique=False,
    ),
]


def holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(v) for v in value)
    return False
