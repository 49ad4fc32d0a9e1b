"""Field types shared by the request schemas.

Request bodies are strict JSON: a string is never taken for a number, a boolean never for an
integer, `"true"` never for a boolean, and a number never for a date. Query parameters are
text by nature and keep pydantic's parsing of it.
"""

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    HttpUrl,
    JsonValue,
    StrictBool,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticCustomError

_T = TypeVar("_T")
_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "must not contain the NUL character")
    return value


# Text a database can store: PostgreSQL refuses the NUL character in text (SQLite does
# not), so it is a 422 here rather than a 500 there. The pattern documents it in OpenAPI.
TextStr = Annotated[
    str,
    AfterValidator(_no_nul),
    Field(json_schema_extra={"pattern": "^[^\\x00]*$"}),
]


def _http_url(value: str) -> str:
    _no_nul(value)
    try:
        _HTTP_URL.validate_python(value)
    except ValidationError:
        raise PydanticCustomError(
            "url_scheme", "must be an http or https URL"
        ) from None
    return value


# An http(s) URL, kept as the string the client sent.
HttpUrlStr = Annotated[str, Field(max_length=2083), AfterValidator(_http_url)]


def _number(value: object) -> object:
    """JSON numbers only: not "5", not true."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PydanticCustomError("number_type", "Input should be a JSON number")
    return value


def _json_text(value: object) -> object:
    """Values written as text in JSON (dates, times) come as strings, never as numbers,
    booleans, null, arrays or objects. Python values (a default) pass to the type."""
    if value is None or isinstance(value, int | float | Decimal | list | dict):
        raise PydanticCustomError("string_type", "Input should be a string")
    return value


# An integer-valued number such as 5.0 is 5 (JSON does not tell them apart); 5.5 is refused.
JsonInt = Annotated[int, BeforeValidator(_number)]
JsonFloat = Annotated[float, BeforeValidator(_number)]
JsonBool = StrictBool


def _no_zone(value: _T) -> _T:
    """A local value (a date, a time of day): one with a time zone is refused, since its
    column would drop the zone and a later read would not return what was written."""
    if getattr(value, "tzinfo", None) is not None:
        raise PydanticCustomError(
            "timezone_naive", "Input should not have timezone info"
        )
    return value


# A local value parsed from a JSON string only: JsonText[date] takes "2024-01-15", never
# 20240115; JsonText[time] takes "10:30", not "10:30Z".
JsonText = Annotated[_T, BeforeValidator(_json_text), AfterValidator(_no_zone)]
JsonDate = JsonText[date]


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# Stored and returned in UTC: what a write returns is what a later read returns.
JsonDatetime = Annotated[
    AwareDatetime, BeforeValidator(_json_text), AfterValidator(_utc)
]


def _not_a_boolean(value: object) -> object:
    if isinstance(value, bool):
        raise PydanticCustomError(
            "decimal_type", "Input should be a number or a numeric string"
        )
    return value


def exact(scale: int) -> AfterValidator:
    """A decimal in the form it is stored and read back: `1E+1` at scale 2 is `10.00`.
    Never rounds: more places than `scale` are refused."""
    step = Decimal(1).scaleb(-scale)

    def at_scale(value: Decimal) -> Decimal:
        try:
            stored = value.quantize(step)
        except InvalidOperation:  # more digits than any column holds
            raise PydanticCustomError(
                "decimal_max_digits", "Decimal input has too many digits"
            ) from None
        if stored != value:
            raise PydanticCustomError(
                "decimal_max_places",
                "Decimal input should have no more than {decimal_places} decimal places",
                {"decimal_places": scale},
            )
        return stored

    return AfterValidator(at_scale)


# A decimal, as a JSON number or a numeric string (responses carry decimals as strings).
JsonDecimal = Annotated[Decimal, BeforeValidator(_not_a_boolean)]


def _no_nul_anywhere(value: Any) -> Any:
    """NUL is refused in every string of a JSON value, object keys included."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            _no_nul(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return value


# Any JSON value a database can store (see TextStr).
JsonData = Annotated[JsonValue, AfterValidator(_no_nul_anywhere)]
