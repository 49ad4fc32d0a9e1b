"""Sample request bodies derived from a normalised resource spec.

Stack-neutral and pure: the generated tests of every stack and the HTTP conformance suite
use these payloads, so a value produced here must be accepted (or, for an ``InvalidCase``,
rejected) by any correct implementation of the spec, whatever its validation library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from generator.types import TYPES

FieldSpec = Mapping[str, Any]
Fields = Mapping[str, FieldSpec]

# Seeds far from the ``n`` callers use for records, so a changed unique value never
# collides with another sample record.
_UNIQUE_UPDATE_OFFSET = 100
_MAX_SEED_TRIES = 200


@dataclass(frozen=True)
class InvalidCase:
    """One value for one field that a correct implementation must reject with a 422."""

    field: str
    value: object
    reason: str


@dataclass(frozen=True)
class MissingCase:
    """A create payload without one field that is required and has no default."""

    field: str
    payload: dict[str, object]
    reason: str


def writable(fields: Fields) -> Fields:
    """The fields a request body may set: all but the ``read_only`` ones."""
    return {name: spec for name, spec in fields.items() if not spec.get("read_only")}


def valid_payload(fields: Fields, n: int = 0) -> dict[str, object]:
    """A create body setting every writable field to a valid value; values vary with ``n``."""
    return {name: sample_value(name, spec, n) for name, spec in writable(fields).items()}


def required_payload(fields: Fields, n: int = 0) -> dict[str, object]:
    """A create body with only the fields that are required and have no default."""
    return {
        name: sample_value(name, spec, n)
        for name, spec in writable(fields).items()
        if _is_required_on_create(spec)
    }


def update_payload(fields: Fields, n: int = 0) -> dict[str, object]:
    """A PATCH body changing one or two fields to values unlike ``valid_payload(fields, n)``.

    Non-unique fields are preferred; a unique field is changed only when no other field
    can change, using a value far from those of the sample records ``n`` <= 99. When no
    field can take another value, the first field is set to its current value.
    """
    fields = writable(fields)
    current = valid_payload(fields, n)
    first = valid_payload(fields, 0)
    changes: dict[str, object] = {}
    for want_unique in (False, True):
        for name, spec in fields.items():
            if len(changes) == 2 or bool(spec.get("unique")) != want_unique:
                continue
            value = _changed_value(name, spec, n, current[name], first[name])
            if value is not _UNCHANGED:
                changes[name] = value
        if changes:
            return changes
    for name in fields:
        return {name: current[name]}
    return {}


def respelled_payload(fields: Fields, n: int = 0) -> dict[str, object] | None:
    """``valid_payload(fields, n)`` with the same values spelled otherwise: decimals in
    exponent form (`1.99E+1`), datetimes at a +07:00 offset. An API answers it with the
    stored form (the field's scale, UTC), exactly what a later read returns; None when no
    field can be spelled otherwise."""
    payload = valid_payload(fields, n)
    changed = False
    for name, spec in writable(fields).items():
        value = payload[name]
        if spec["type"] == "decimal" and isinstance(value, str):
            payload[name] = f"{Decimal(value):E}"
            changed = True
        elif spec["type"] == "datetime" and isinstance(value, str):
            offset = timezone(timedelta(hours=7))
            payload[name] = datetime.fromisoformat(value).astimezone(offset).isoformat()
            changed = True
    return payload if changed else None


def unstorable_json(kind: str) -> str:
    """JSON text of a value that no column of this spec type can hold (a crafted cursor's
    sort value)."""
    return TYPES[kind].unstorable_json()


def invalid_payload(fields: Fields, case: InvalidCase, n: int = 0) -> dict[str, object]:
    """``valid_payload(fields, n)`` with ``case.field`` set to the invalid value."""
    payload = valid_payload(fields, n)
    payload[case.field] = case.value
    return payload


def invalid_cases(fields: Fields) -> list[InvalidCase]:
    """One rejected value per constraint of every field (type, range, length, format...);
    a ``read_only`` field is refused whatever its value: its one case is a valid value."""
    cases: list[InvalidCase] = []
    for name, spec in fields.items():
        if spec.get("read_only"):
            cases.append(InvalidCase(name, sample_value(name, spec), f"{name}_read_only"))
            continue
        cases.extend(InvalidCase(name, value, f"{name}_{slug}") for slug, value in _invalid(spec))
    return cases


def missing_cases(fields: Fields, n: int = 0) -> list[MissingCase]:
    """For each field required on create: ``valid_payload(fields, n)`` without it."""
    cases: list[MissingCase] = []
    for name, spec in writable(fields).items():
        if _is_required_on_create(spec):
            payload = valid_payload(fields, n)
            del payload[name]
            cases.append(MissingCase(name, payload, f"{name}_missing"))
    return cases


def sample_value(name: str, spec: FieldSpec, n: int = 0) -> object:
    """A valid JSON value for one field; distinct ``n`` give distinct values where the
    field's constraints leave room for them."""
    kind = spec["type"]
    if kind not in TYPES or kind == "ref":
        raise ValueError(f"unknown field type {kind!r} for field {name!r}")
    return TYPES[kind].sample(name, spec, n)


def _is_required_on_create(spec: FieldSpec) -> bool:
    return bool(spec.get("required")) and spec.get("default") is None


class _Unchanged:
    pass


_UNCHANGED = _Unchanged()


def _changed_value(name: str, spec: FieldSpec, n: int, current: object, first: object) -> object:
    start = n + (_UNIQUE_UPDATE_OFFSET if spec.get("unique") else 1)
    fallback: object = _UNCHANGED
    for seed in range(start, start + _MAX_SEED_TRIES):
        value = sample_value(name, spec, seed)
        if value != current:
            if value != first:
                return value
            if fallback is _UNCHANGED:
                fallback = value
    return fallback


def _invalid(spec: FieldSpec) -> list[tuple[str, object]]:
    out = TYPES[spec["type"]].invalid(spec)
    if spec.get("required"):
        out.append(("null", None))
    return out
