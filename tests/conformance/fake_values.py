"""Field values for the reference server: strict JSON validation, the stored form, order.

Standard library only; ``defects`` (see fake_server.DEFECTS) switch on deliberate bugs.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from generator.types.values import holds_nul

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RANGES = {"integer": (-(2**31), 2**31 - 1), "bigint": (-(2**63), 2**63 - 1)}
ROLE = re.compile(r"^[a-z][a-z0-9_]*$")

Spec = Mapping[str, Any]
has_nul = holds_nul  # NUL anywhere in a JSON value, object keys included


def _lax(kind: str, value: Any) -> Any:
    """What a lax validator makes of a value (the `lax_types` defect)."""
    if kind in ("integer", "bigint", "float") and isinstance(value, str):
        try:
            return int(value) if kind != "float" else float(value)
        except ValueError:
            return value
    if kind == "boolean" and value in ("true", "false", 1, 0) and not isinstance(value, bool):
        return value in ("true", 1)
    return value


def field_error(spec: Spec, value: Any, defects: frozenset[str]) -> str | None:
    """Why `value` is not a valid JSON value of the field (None: it is)."""
    kind = spec["type"]
    if "lax_types" in defects:
        value = _lax(kind, value)
    if value is None:
        return "may not be null" if spec["required"] else None
    if kind in ("integer", "bigint", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number"
        if kind != "float" and not isinstance(value, int):
            return "must be an integer"
        if not math.isfinite(value):
            return "must be finite"
        lo, hi = spec["min"], spec["max"]
        if kind in RANGES:
            lo = RANGES[kind][0] if lo is None else lo
            hi = RANGES[kind][1] if hi is None else hi
        if lo is not None and value < lo and "ignores_min" not in defects:
            return f"must be >= {lo}"
        if hi is not None and value > hi:
            return f"must be <= {hi}"
        return None
    if kind == "decimal":
        return _decimal_error(spec, value, defects)
    if kind == "boolean":
        return None if isinstance(value, bool) else "must be a boolean"
    if kind == "json":
        return "holds NUL" if has_nul(value) else None
    if not isinstance(value, str):
        return "must be a string"
    if "\x00" in value:
        return "holds NUL"
    if kind in ("string", "text"):
        if spec["min_length"] is not None and len(value) < spec["min_length"]:
            return "too short"
        if spec["max_length"] is not None and len(value) > spec["max_length"]:
            return "too long"
    elif kind == "email" and not _EMAIL.match(value):
        return "not an email"
    elif kind == "url":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
            return "must be an http(s) URL"
    elif kind == "enum" and value not in spec["values"]:
        return f"must be one of {spec['values']}"
    elif kind in ("uuid", "date", "datetime"):
        try:
            if kind == "uuid":
                uuid.UUID(value)
            elif kind == "date":
                date.fromisoformat(value if _DATE.match(value) else "invalid")
            elif datetime.fromisoformat(value).tzinfo is None and (
                "accepts_naive_datetime" not in defects
            ):
                return "must include a timezone offset"
        except ValueError:
            return f"not a valid {kind}"
    return None


def _decimal_error(spec: Spec, value: Any, defects: frozenset[str]) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return "must be a number or a numeric string"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return "not a number"
    if not number.is_finite():
        return "must be finite"
    scale, precision = int(spec.get("scale") or 2), int(spec.get("precision") or 10)
    if number != number.quantize(Decimal(1).scaleb(-scale)):
        return f"at most {scale} decimal places"
    if abs(number) >= Decimal(10) ** (precision - scale):
        return f"at most {precision - scale} digits before the point"
    lo, hi = spec["min"], spec["max"]
    if lo is not None and number < Decimal(str(lo)) and "ignores_min" not in defects:
        return f"must be >= {lo}"
    if hi is not None and number > Decimal(str(hi)):
        return f"must be <= {hi}"
    return None


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def stored(spec: Spec, value: Any, defects: frozenset[str] = frozenset()) -> Any:
    """The stored form of a valid value: decimals at their scale, datetimes in UTC."""
    if "lax_types" in defects:
        value = _lax(spec["type"], value)
    if value is None:
        return None
    kind = spec["type"]
    if kind == "decimal":
        return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-int(spec.get("scale") or 2))))
    if kind == "datetime":
        moment = datetime.fromisoformat(value)
        return utc_text(moment) if moment.tzinfo else moment.isoformat()
    if kind == "float":
        return float(value)
    return value


def order_key(kind: str, value: Any) -> tuple[int, Any]:
    """Sorts values as a database would (nulls last)."""
    if value is None:
        return (1, 0)
    if kind == "decimal":
        return (0, Decimal(str(value)))
    if kind == "datetime":
        return (0, value if isinstance(value, datetime) else datetime.fromisoformat(value))
    if kind == "date":
        return (0, date.fromisoformat(value))
    return (0, value)


def cursor_value(kind: str, spec: Spec | None, raw: Any) -> Any:
    """A cursor's sort value as the column would hold it; ValueError when it cannot."""
    if kind == "datetime":
        if not isinstance(raw, str) or "\x00" in raw:
            raise ValueError("not a datetime")
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None:
            raise ValueError("no zone")
        return moment
    if kind in RANGES:
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ValueError("not an integer")
        lo, hi = RANGES[kind]
        if not lo <= raw <= hi:
            raise ValueError("out of range")
        return raw
    if kind == "float":
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise ValueError("not a finite number")
        return float(raw)
    if kind == "decimal":
        if spec is None or _decimal_error({**spec, "min": None, "max": None}, raw, frozenset()):
            raise ValueError("not a decimal of the column")
        return Decimal(str(raw))
    if not isinstance(raw, str) or "\x00" in raw:
        raise ValueError("not text")
    if kind == "date":
        date.fromisoformat(raw)
    return raw


_BOOLEAN_TEXT = {
    **dict.fromkeys(("true", "1", "yes", "on", "t", "y"), True),
    **dict.fromkeys(("false", "0", "no", "off", "f", "n"), False),
}


def filter_value(kind: str, spec: Spec | None, text: str) -> Any:
    """A filter's query text as filter_key makes the column's values; ValueError when the
    column cannot hold it (the field's own min, max and lengths do not apply)."""
    if kind in RANGES:
        if not re.fullmatch(r"[+-]?\d+", text.strip()):
            raise ValueError("not an integer")
        number = int(text)
        if not RANGES[kind][0] <= number <= RANGES[kind][1]:
            raise ValueError("out of the column's range")
        return number
    if kind == "float":
        return float(text)
    if kind == "decimal":
        if _decimal_error({**(spec or {}), "min": None, "max": None}, text, frozenset()):
            raise ValueError("not a decimal of the column")
        return Decimal(text)
    if kind == "boolean":
        if text.lower() not in _BOOLEAN_TEXT:
            raise ValueError("not a boolean")
        return _BOOLEAN_TEXT[text.lower()]
    if "\x00" in text:
        raise ValueError("holds NUL")
    if kind == "date":
        return date.fromisoformat(text if _DATE.match(text) else "invalid")
    if kind == "datetime":
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError("no zone")
        return moment
    if kind == "uuid":
        return uuid.UUID(text)
    if kind == "enum" and spec is not None and text not in spec["values"]:
        raise ValueError("not a value of the enum")
    return text


def filter_key(kind: str, value: Any) -> Any:
    """A stored value, comparable with what filter_value makes of a query text."""
    if kind == "decimal":
        return Decimal(str(value))
    if kind == "datetime":
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "uuid":
        return uuid.UUID(str(value))
    return value
