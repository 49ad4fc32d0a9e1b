"""Sample request bodies derived from a normalised resource spec.

Stack-neutral and pure: the generated tests of every stack and the HTTP conformance suite
use these payloads, so a value produced here must be accepted (or, for an ``InvalidCase``,
rejected) by any correct implementation of the spec, whatever its validation library.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

FieldSpec = Mapping[str, Any]
Fields = Mapping[str, FieldSpec]

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
DEFAULT_STRING_MAX_LENGTH = 255

_BASE_DATE = date(2024, 1, 15)
_BASE_DATETIME = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
_BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
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
    sort value): 10**23 overflows every integer and decimal column, 1e400 is infinite."""
    if kind in ("integer", "bigint", "decimal"):
        return "1" + "0" * 23
    if kind == "float":
        return "1e400"
    return '"\\u0000"'  # NUL: no text, date, time or id


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
    if kind in ("integer", "bigint"):
        lo, hi = integer_bounds(spec)
        if lo > hi:
            return lo
        span = hi - lo + 1
        start = min(max(1, lo), hi)
        return lo + (start - lo + n) % span
    if kind == "float":
        return _float_value(spec, n)
    if kind == "decimal":
        return _decimal_value(spec, n)
    if kind == "url":
        return f"https://example.com/{name}/{n}"
    if kind == "json":
        return {"n": n, "tags": [name, "sample"], "nested": {"ok": True}}
    if kind == "boolean":
        first = not spec["default"] if isinstance(spec.get("default"), bool) else True
        return first if n % 2 == 0 else not first
    if kind in ("string", "text"):
        lo_len, hi_len = length_bounds(spec)
        return _text_value(name, n, lo_len, hi_len)
    if kind == "email":
        return f"{name}{n}@example.com"
    if kind == "enum":
        values: list[str] = list(spec["values"])
        default = spec.get("default")
        start = (values.index(default) + 1) % len(values) if default in values else 0
        return values[(start + n) % len(values)]
    if kind == "date":
        return (_BASE_DATE + timedelta(days=n)).isoformat()
    if kind == "datetime":
        moment = _BASE_DATETIME + timedelta(hours=n)
        return moment.isoformat().replace("+00:00", "Z")
    if kind == "uuid":
        digest = hashlib.sha256(f"{name}:{n}".encode()).digest()
        return str(uuid.UUID(int=int.from_bytes(digest[:16], "big"), version=4))
    raise ValueError(f"unknown field type {kind!r} for field {name!r}")


def integer_bounds(spec: FieldSpec) -> tuple[int, int]:
    """Inclusive bounds of an integer field; a missing side is the limit of its column
    (32 bits for integer, 64 for bigint)."""
    low, high = (INT64_MIN, INT64_MAX) if spec["type"] == "bigint" else (INT32_MIN, INT32_MAX)
    lo = low if spec.get("min") is None else math.ceil(spec["min"])
    hi = high if spec.get("max") is None else math.floor(spec["max"])
    return lo, hi


def _decimal_value(spec: FieldSpec, n: int) -> str:
    """A decimal as the exact string the API returns: always ``scale`` places."""
    scale = int(spec.get("scale") or 0)
    precision = int(spec.get("precision") or 10)
    quantum = Decimal(1).scaleb(-scale)
    largest = Decimal(10) ** (precision - scale) - quantum
    lo = max(Decimal(str(spec["min"])) if spec.get("min") is not None else -largest, -largest)
    hi = min(Decimal(str(spec["max"])) if spec.get("max") is not None else largest, largest)
    start = min(max(Decimal(1), lo), hi)
    value = start + Decimal(n) * quantum * 7 + quantum * 3
    if value > hi:
        value = lo + (value - lo) % max(hi - lo, quantum)
    return str(value.quantize(quantum))


def _decimal_digit_cases(spec: FieldSpec) -> list[tuple[str, Any]]:
    """Values with one decimal place too many, and one whole digit too many, each inside
    the field's range, so only that limit refuses them. A limit that no in-range value can
    break (max 100 with room for 6 whole digits) gets no case: the range cases cover it."""
    scale = int(spec.get("scale") or 0)
    precision = int(spec.get("precision") or 10)
    low = Decimal(str(spec["min"])) if spec.get("min") is not None else None
    high = Decimal(str(spec["max"])) if spec.get("max") is not None else None

    def in_range(value: Decimal) -> bool:
        return (low is None or value >= low) and (high is None or value <= high)

    out: list[tuple[str, Any]] = []
    valid = Decimal(_decimal_value(spec, 0))
    extra = Decimal(1).scaleb(-(scale + 1))  # 1 in the first place past the scale
    places = [v for v in (valid + extra, valid - extra) if in_range(v)]
    if places:
        out.append(("too_many_places", str(places[0])))
    nines = Decimal("9" * (precision - scale + 1))
    digits = [v for v in (nines, -nines) if in_range(v)]
    if digits:
        out.append(("too_many_digits", str(digits[0])))
    return out


def length_bounds(spec: FieldSpec) -> tuple[int, int | None]:
    """Inclusive length bounds of a string/text field (``string`` defaults to 255)."""
    lo = spec.get("min_length") or 0
    hi = spec.get("max_length")
    if hi is None and spec["type"] == "string":
        hi = DEFAULT_STRING_MAX_LENGTH
    return lo, hi


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


def _float_value(spec: FieldSpec, n: int) -> float:
    lo, hi = spec.get("min"), spec.get("max")
    if lo is not None and hi is not None:
        lo, hi = float(lo), float(hi)
        if lo >= hi:
            return lo
        t = ((n % 97) + 1) / 98
        # A weighted mean, not lo + (hi - lo) * t: hi - lo overflows to inf for bounds near
        # the float range's ends, which made every sample hi (duplicates of a unique field).
        raw = min(max(lo * (1 - t) + hi * t, lo), hi)
        # Rounding keeps values readable and, with steps of at least 1/98, distinct.
        return round(raw, 4) if hi - lo >= 1 else raw
    if lo is not None:
        return float(lo) + 1.5 + n
    if hi is not None:
        return float(hi) - 1.5 - n
    return 1.5 + n


def _text_value(name: str, n: int, lo: int, hi: int | None) -> str:
    suffix = str(n)
    text = f"{name}-{suffix}"
    if len(text) < lo:
        text = f"{name}{'x' * (lo - len(text))}-{suffix}"
    if hi is not None and len(text) > hi:
        compact = _base62(n)[-hi:] if hi > 0 else ""
        room = hi - len(compact)
        text = (name + "x" * room)[:room] + compact
    return text


def _base62(n: int) -> str:
    digits = ""
    n = abs(n)
    while True:
        n, rest = divmod(n, len(_BASE62))
        digits = _BASE62[rest] + digits
        if n == 0:
            return digits


def _invalid(spec: FieldSpec) -> list[tuple[str, object]]:
    kind = spec["type"]
    out: list[tuple[str, object]] = []
    if kind in ("integer", "bigint"):
        lo, hi = integer_bounds(spec)
        bits = "int64" if kind == "bigint" else "int32"
        out.append(("below_min" if spec.get("min") is not None else f"below_{bits}_range", lo - 1))
        out.append(("above_max" if spec.get("max") is not None else f"above_{bits}_range", hi + 1))
        middle = min(max(lo, 0), hi - 1)
        if lo < hi:  # a float keeps its .5 only below 2**52: beyond, send the digits
            fraction = middle + 0.5 if abs(middle) < 2**50 else f"{middle}.5"
            out.append(("not_an_integer", fraction))
        out.append(("wrong_type", "not-a-number"))
        # Strict JSON: a numeric string and a boolean are not integers.
        out += [("numeric_string", str(max(lo, min(hi, 1)))), ("boolean", True)]
    elif kind == "float":
        for slug, bound, sign in (
            ("below_min", spec.get("min"), -1),
            ("above_max", spec.get("max"), 1),
        ):
            if bound is not None:
                value = float(bound) + sign * max(1.0, abs(float(bound)) / 2)
                if math.isfinite(value):
                    out.append((slug, value))
        out += [("not_a_number", "NaN"), ("infinite", "Infinity"), ("wrong_type", "not-a-number")]
        # Strict JSON: a numeric string (of a value in range) and a boolean are not numbers.
        in_range = next((b for b in (spec.get("min"), spec.get("max")) if b is not None), 0)
        out += [("numeric_string", str(float(in_range))), ("boolean", True)]
    elif kind in ("string", "text"):
        min_length, max_length = length_bounds(spec)
        if min_length > 0:
            out.append(("too_short", "x" * (min_length - 1)))
        if max_length is not None:
            out.append(("too_long", "x" * (max_length + 1)))
        if max_length is None or max_length > 0:  # PostgreSQL cannot store a NUL
            out.append(("holds_nul", "\x00".ljust(max(min_length, 1), "x")))
        out.append(("wrong_type", 12345))
    elif kind == "boolean":
        # Strict JSON: neither "true" nor 1 is a boolean.
        out += [("wrong_type", "maybe"), ("boolean_string", "true"), ("number", 1)]
    elif kind == "email":
        out += [("not_an_email", "not-an-email"), ("wrong_type", 12345)]
    elif kind == "enum":
        wrong = "not-a-valid-value"
        while wrong in spec["values"]:
            wrong += "-x"
        out += [("not_in_values", wrong), ("wrong_type", 12345)]
    elif kind == "date":
        out += [("not_a_date", "not-a-date"), ("impossible_date", "2024-02-30")]
        out += [("wrong_type", True), ("number", 1700000000)]
    elif kind == "datetime":
        out += [("naive_datetime", "2024-01-15T10:30:00"), ("not_a_datetime", "not-a-datetime")]
        out += [("wrong_type", True), ("number", 1700000000)]
    elif kind == "uuid":
        out += [("not_a_uuid", "not-a-uuid"), ("wrong_type", 12345)]
    elif kind == "url":
        out += [("not_a_url", "not a url"), ("not_http", "ftp://example.com/file")]
        out.append(("wrong_type", 12345))
    elif kind == "decimal":
        out += _decimal_digit_cases(spec)
        for slug, bound, step in (
            ("below_min", spec.get("min"), -1),
            ("above_max", spec.get("max"), 1),
        ):
            if bound is not None:
                out.append((slug, str(Decimal(str(bound)) + step)))
        out += [("wrong_type", "not-a-number"), ("boolean", True)]
    elif kind == "json":
        # NUL anywhere in a JSON value, keys included, is refused (PostgreSQL cannot store it).
        out += [("nul_in_key", {"a\x00b": 1}), ("nul_in_value", ["ok", {"k": "\x00"}])]
    if spec.get("required"):
        out.append(("null", None))
    return out
