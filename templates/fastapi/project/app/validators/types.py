"""Field types shared by the request schemas."""

from typing import Annotated

from pydantic import AfterValidator, Field, HttpUrl, TypeAdapter, ValidationError

_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _http_url(value: str) -> str:
    try:
        _HTTP_URL.validate_python(value)
    except ValidationError:
        raise ValueError("must be an http or https URL") from None
    return value


# An http(s) URL, kept as the string the client sent.
HttpUrlStr = Annotated[str, Field(max_length=2083), AfterValidator(_http_url)]
