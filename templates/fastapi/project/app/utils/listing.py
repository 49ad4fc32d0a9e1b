"""Query-string helpers shared by list endpoints: sorting, comma lists and cursors."""

import base64
import binascii
import json
import uuid
from datetime import date, datetime
from typing import Any

SortKey = tuple[str, bool]  # (field, descending)


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


def encode_cursor(position: dict[str, Any]) -> str:
    """An opaque, URL-safe cursor for the row after which the next page starts."""
    raw = json.dumps(position, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The position inside a cursor; ValueError if it was not made by encode_cursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError):
        raise CursorError("not a cursor from this API") from None
    if not isinstance(position, dict):
        raise CursorError("not a cursor from this API")
    return position


def cursor_position(
    position: dict[str, Any], value_type: type[Any]
) -> tuple[Any, uuid.UUID]:
    """The sort value and id a cursor points after, as the column's Python types."""
    try:
        raw = position["value"]
        value = (
            value_type.fromisoformat(raw)
            if value_type in (date, datetime)
            else value_type(raw)
        )
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL")  # text the database cannot hold: not ours
        return value, uuid.UUID(str(position["id"]))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        raise CursorError("not a cursor from this API") from None
