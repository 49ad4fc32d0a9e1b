"""Query-string helpers shared by list endpoints: sorting, comma lists and cursors."""

import base64
import binascii
import hashlib
import hmac
import json
import math
import secrets
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.types import TypeDecorator

SortKey = tuple[str, bool]  # (field, descending)

# Longer cursors are refused unread. The server's own are shorter: specs sort by strings
# of at most 320 characters under cursor pagination, ~2,800 in a cursor at worst.
MAX_CURSOR_LENGTH = 4096
# Cursors are signed (HMAC-SHA256, truncated) with a key derived from SECRET_KEY, so
# only this API's own cursors are read; configure_cursors sets it at start-up.
_SIGNATURE_BYTES = 16
_cursor_key = secrets.token_bytes(32)


def configure_cursors(secret_key: str) -> None:
    """Sign and check cursors with a key derived from `secret_key`: every instance that
    shares the secret reads the others' cursors."""
    global _cursor_key
    _cursor_key = hashlib.sha256(b"cursor:" + secret_key.encode()).digest()


class CursorError(ValueError):
    """A cursor that this API did not make, or made for another order."""


def parse_sort(value: str, allowed: frozenset[str]) -> list[SortKey]:
    """`-created_at,rating` -> [("created_at", True), ("rating", False)].

    Only the resource's declared sort fields are accepted, so a field name from the query
    string never reaches SQL unchecked.
    """
    keys: list[SortKey] = []
    for part in value.split(","):
        name = part.strip().removeprefix("-")
        if name not in allowed:
            choices = ", ".join(sorted(allowed))
            raise ValueError(f"cannot sort by {name!r}; sortable fields: {choices}")
        if name in {key for key, _ in keys}:
            raise ValueError(f"{name!r} is given twice")
        keys.append((name, part.strip().startswith("-")))
    return keys


def split_commas(value: Any) -> Any:
    """Accept `?status_in=a,b` as well as `?status_in=a&status_in=b`."""
    if isinstance(value, str):  # one value, given outside a query string
        value = [value]
    if isinstance(value, list):
        return [item for entry in value for item in str(entry).split(",") if item]
    return value


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str) -> str:
    digest = hmac.new(_cursor_key, payload.encode(), hashlib.sha256).digest()
    return _b64(digest[:_SIGNATURE_BYTES])


def sign_cursor(text: str) -> str:
    """A cursor holding `text` as is, signed: `<base64 text>.<signature>`. (Tests sign
    crafted JSON with it, to show what the checks behind the signature refuse.)"""
    payload = _b64(text.encode())
    return f"{payload}.{_signature(payload)}"


def encode_cursor(position: dict[str, Any]) -> str:
    """An opaque, URL-safe, signed cursor for the row after which the next page
    starts."""
    return sign_cursor(
        json.dumps(position, separators=(",", ":"), ensure_ascii=False, default=str)
    )


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The position inside a cursor; CursorError (a ValueError) if it is too long or was
    not made by encode_cursor with this key. The signature is checked before anything
    in the cursor is read."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise CursorError("not a cursor from this API")
    payload, _, signature = cursor.partition(".")
    if not hmac.compare_digest(signature.encode(), _signature(payload).encode()):
        raise CursorError("not a cursor from this API")
    try:
        position = json.loads(_unb64(payload))
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError):
        raise CursorError("not a cursor from this API") from None
    if not isinstance(position, dict):
        raise CursorError("not a cursor from this API")
    return position


def cursor_position(position: dict[str, Any], column: Any) -> tuple[Any, uuid.UUID]:
    """The sort value and id a cursor points after, as the column's Python types, checked
    as a filter on that column is: a value the column cannot hold is not one of ours."""
    try:
        value = _stored_value(position["value"], column.type)
        return value, uuid.UUID(str(position["id"]))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        raise CursorError("not a cursor from this API") from None


_INTEGER_BITS = {"SmallInteger": 16, "Integer": 32, "BigInteger": 64}


def _stored_value(raw: Any, column_type: Any) -> Any:
    """`raw` (from a cursor's JSON) as a value of the column type; ValueError when the column
    could not hold it."""
    if raw is None:
        return None
    kind: Any = column_type.python_type
    # Lengths, precision and scale are the stored type's (ExactDecimal keeps a Numeric).
    storage: Any = (
        column_type.impl_instance
        if isinstance(column_type, TypeDecorator)
        else column_type
    )
    if isinstance(raw, bool) and kind is not bool:
        raise ValueError("a boolean where the column holds no booleans")
    if hasattr(kind, "fromisoformat"):  # date, datetime, time: ISO text in JSON
        if not isinstance(raw, str):
            raise ValueError("dates and times are strings")
        value = kind.fromisoformat(raw)
        if kind is datetime and value.tzinfo is None:
            raise ValueError("a datetime without a zone")
        return value
    if kind is int:
        if not isinstance(raw, int):
            raise ValueError("not an integer")
        bits = next(
            (b for n, b in _INTEGER_BITS.items() if type(storage).__name__ == n), 64
        )
        if not -(2 ** (bits - 1)) <= raw < 2 ** (bits - 1):
            raise ValueError("outside the column's range")
        return raw
    if kind is float:
        if not isinstance(raw, int | float) or not math.isfinite(raw):
            raise ValueError("not a finite number")
        return float(raw)
    if kind is Decimal:
        value = Decimal(str(raw))
        if not value.is_finite():
            raise ValueError("not a finite number")
        precision, scale = storage.precision, storage.scale
        if precision is not None and scale is not None:
            if value != value.quantize(Decimal(1).scaleb(-scale)):
                raise ValueError("more decimal places than the column holds")
            if abs(value) >= Decimal(10) ** (precision - scale):
                raise ValueError("more digits than the column holds")
        return value
    if kind is str:
        if not isinstance(raw, str) or "\x00" in raw:
            raise ValueError("text the column cannot hold")
        if getattr(storage, "length", None) and len(raw) > storage.length:
            raise ValueError("longer than the column holds")
        return raw
    if kind is bool:
        if not isinstance(raw, bool):
            raise ValueError("not a boolean")
        return raw
    return kind(raw)
