"""Field types shared by the request schemas."""

from typing import Annotated

from pydantic import AfterValidator, Field, HttpUrl, TypeAdapter, ValidationError

_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
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
        raise ValueError("must be an http or https URL") from None
    return value


# An http(s) URL, kept as the string the client sent.
HttpUrlStr = Annotated[str, Field(max_length=2083), AfterValidator(_http_url)]
