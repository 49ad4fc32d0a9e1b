"""Text: string and text (with lengths), email, url, enum (one of its values)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.naming import with_article
from generator.types import FieldSpec, SpecType

STRING_DEFAULT_MAX_LENGTH = 255
# A text field without max_length still has a bound, so one request cannot store a body's
# worth of text in every field; a spec may set any max_length up to MAX_TEXT_LENGTH.
TEXT_DEFAULT_MAX_LENGTH = 100_000
MAX_TEXT_LENGTH = 10_485_760  # PostgreSQL's largest varchar(n); 10 MiB of text
EMAIL_MAX_LENGTH = 320  # RFC 5321: 64 + 1 + 255
URL_MAX_LENGTH = 2083  # the longest URL browsers have historically accepted
_BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def length_bounds(spec: FieldSpec) -> tuple[int, int | None]:
    """Inclusive length bounds of a string/text field (``string`` defaults to 255)."""
    lo = spec.get("min_length") or 0
    hi = spec.get("max_length")
    if hi is None and spec["type"] == "string":
        hi = STRING_DEFAULT_MAX_LENGTH
    return lo, hi


@dataclass(frozen=True)
class Textual(SpecType):
    """A type whose values are JSON strings, with a length the column bounds."""

    def check_default(self, spec: Any, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(
                f"default must be a string for {with_article(self.name)} field, got {value!r}"
            )
        if "\x00" in value:
            raise ValueError("a default cannot hold a NUL character (PostgreSQL cannot store it)")
        self.check_text(spec, value)
        limit = spec.effective_max_length
        if limit is not None and len(value) > limit:
            raise ValueError(f"default is longer than max_length ({limit})")
        if spec.min_length is not None and len(value) < spec.min_length:
            raise ValueError(f"default is shorter than min_length ({spec.min_length})")
        self.check_form(value)
        return value

    def check_text(self, spec: Any, value: str) -> None:
        """What the type asks of a default before its length (enum: one of its values)."""

    def check_form(self, value: str) -> None:
        """What the type asks of a default's text (email: an address)."""


@dataclass(frozen=True)
class Text(Textual):
    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        lo, hi = length_bounds(spec)
        suffix = str(n)
        text = f"{name}-{suffix}"
        if len(text) < lo:
            text = f"{name}{'x' * (lo - len(text))}-{suffix}"
        if hi is not None and len(text) > hi:
            compact = _base62(n)[-hi:] if hi > 0 else ""
            room = hi - len(compact)
            text = (name + "x" * room)[:room] + compact
        return text

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        min_length, max_length = length_bounds(spec)
        out: list[tuple[str, object]] = []
        if min_length > 0:
            out.append(("too_short", "x" * (min_length - 1)))
        if max_length is not None:
            out.append(("too_long", "x" * (max_length + 1)))
        if max_length is None or max_length > 0:  # PostgreSQL cannot store a NUL
            out.append(("holds_nul", "\x00".ljust(max(min_length, 1), "x")))
        out.append(("wrong_type", 12345))
        return out


def _base62(n: int) -> str:
    digits = ""
    n = abs(n)
    while True:
        n, rest = divmod(n, len(_BASE62))
        digits = _BASE62[rest] + digits
        if n == 0:
            return digits


@dataclass(frozen=True)
class Email(Textual):
    def check_form(self, value: str) -> None:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError(f"default {value!r} is not an email address")

    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        return f"{name}{n}@example.com"

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        return [("not_an_email", "not-an-email"), ("wrong_type", 12345)]


@dataclass(frozen=True)
class Url(Textual):
    def check_form(self, value: str) -> None:
        if not re.fullmatch(r"https?://[^\s/]+\S*", value):
            raise ValueError(f"default {value!r} is not an http(s) URL")

    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        return f"https://example.com/{name}/{n}"

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        return [
            ("not_a_url", "not a url"),
            ("not_http", "ftp://example.com/file"),
            ("wrong_type", 12345),
        ]


@dataclass(frozen=True)
class Enum(Textual):
    def check_text(self, spec: Any, value: str) -> None:
        if value not in (spec.values or []):
            raise ValueError(f"default {value!r} is not one of the enum values {spec.values}")

    def column_length(self, max_length: int | None, values: list[str] | None) -> int | None:
        return max((len(v) for v in values or []), default=0)

    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        values: list[str] = list(spec["values"])
        default = spec.get("default")
        start = (values.index(default) + 1) % len(values) if default in values else 0
        return values[(start + n) % len(values)]

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        wrong = "not-a-valid-value"
        while wrong in spec["values"]:
            wrong += "-x"
        return [("not_in_values", wrong), ("wrong_type", 12345)]


TYPES = [
    Text(
        "string",
        10,
        "JSON string without NUL characters; at most 255 characters unless `max_length` says"
        " otherwise",
        aliases=("str",),
        lengths=True,
        default_max_length=STRING_DEFAULT_MAX_LENGTH,
        searchable=True,
        ordered=True,
        text_default=True,
    ),
    Text(
        "text",
        20,
        "JSON string without NUL characters; at most 100,000 characters unless `max_length`"
        " says otherwise",
        lengths=True,
        default_max_length=TEXT_DEFAULT_MAX_LENGTH,
        searchable=True,
        sortable=False,
        text_default=True,
    ),
    Email(
        "email",
        110,
        "an email address, checked",
        storage="string",
        stored_length=EMAIL_MAX_LENGTH,
        searchable=True,
        ordered=True,
        text_default=True,
        formats=("email",),
    ),
    Url(
        "url",
        120,
        "an http(s) URL, checked",
        storage="string",
        stored_length=URL_MAX_LENGTH,
        searchable=True,
        ordered=True,
        text_default=True,
        formats=("uri", "url"),
    ),
    Enum(
        "enum",
        130,
        "one of `values`; stored as a string with a CHECK constraint",
        shorthand_forms="`enum(a,b,c)`",
        shorthand_spec="`type: enum, values: [a, b, c]`",
        shorthand_note="no quotes; spaces around commas are dropped; a value cannot hold `,` or"
        " `)`",
        storage="string",
        searchable=True,
        text_default=True,
    ),
]
