"""Pydantic models of the spec format. These ARE the contract: `scaffold schema` publishes them."""

from __future__ import annotations

import keyword
import math
import re
import typing
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from generator.naming import snake_case

FieldType = Literal[
    "string", "text", "integer", "float", "boolean", "date", "datetime", "uuid", "email", "enum"
]
FIELD_TYPES: tuple[str, ...] = typing.get_args(FieldType)
NUMERIC_TYPES = frozenset({"integer", "float"})
LENGTH_TYPES = frozenset({"string", "text"})
STRING_DEFAULT_MAX_LENGTH = 255
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

KEY_MARK = "\x1f"  # separates the offending key from the message in a ValueError
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
# Names every generated resource already has.
GENERATED_FIELD_NAMES = frozenset({"id", "created_at", "updated_at"})


class _Strict(BaseModel):
    # strict: `required: "no"` or `max_length: 5.0` are mistakes to report, not to coerce.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)


class FieldSpec(_Strict):
    """One field of a resource. ``title: string`` is shorthand for ``title: {type: string}``."""

    type: FieldType = Field("string", description="The field's type.")
    required: bool = Field(True, description="Must be given on create (unless it has a default).")
    default: Any = Field(None, description="Value used when the field is not given on create.")
    unique: bool = Field(False, description="No two records may share a value (409 CONFLICT).")
    min: int | float | None = Field(None, description="Smallest allowed value (integer, float).")
    max: int | float | None = Field(None, description="Largest allowed value (integer, float).")
    min_length: Annotated[int, Field(ge=0)] | None = Field(
        None, description="Shortest allowed text (string, text)."
    )
    max_length: Annotated[int, Field(ge=1)] | None = Field(
        None, description=f"Longest allowed text (string: default {STRING_DEFAULT_MAX_LENGTH})."
    )
    values: list[str] | None = Field(None, description="The allowed values (enum).")
    description: str | None = Field(None, description="Shown in the API documentation.")

    @model_validator(mode="before")
    @classmethod
    def _type_shorthand(cls, data: Any) -> Any:
        return {"type": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        t = self.type
        for key in ("min", "max", "default"):
            value = getattr(self, key)
            if isinstance(value, float) and not math.isfinite(value):
                raise _invalid(key, f"{key} must be a finite number, got {value}")
        if (self.min is not None or self.max is not None) and t not in NUMERIC_TYPES:
            raise _invalid(
                "min" if self.min is not None else "max",
                f"min/max apply to integer and float fields, not {t}",
            )
        if (self.min_length is not None or self.max_length is not None) and t not in LENGTH_TYPES:
            raise _invalid(
                "min_length" if self.min_length is not None else "max_length",
                f"min_length/max_length apply to string and text fields, not {t}",
            )
        if t == "integer":
            for key, bound in (("min", self.min), ("max", self.max)):
                if bound is not None and (
                    bound != int(bound) or not INT32_MIN <= bound <= INT32_MAX
                ):
                    raise _invalid(
                        key, f"integer bounds must be whole numbers in 32 bits, got {bound}"
                    )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise _invalid("min", f"min ({_num(self.min)}) is greater than max ({_num(self.max)})")
        low, high = self.min_length, self.max_length
        if low is not None and high is not None and low > high:
            raise _invalid("min_length", f"min_length ({low}) is greater than max_length ({high})")
        if t == "enum":
            if not self.values:
                raise _invalid(
                    "values" if self.values is not None else "type",
                    "an enum needs a non-empty list of `values`",
                )
            if len(set(self.values)) != len(self.values):
                raise _invalid("values", "enum `values` must be distinct")
        elif self.values is not None:
            raise _invalid("values", f"`values` applies to enum fields, not {t}")
        if self.default is not None:
            try:
                self.default = _check_default(self, self.default)
            except ValueError as error:
                raise _invalid("default", str(error)) from None
        return self

    @property
    def effective_max_length(self) -> int | None:
        if self.type == "string" and self.max_length is None:
            return STRING_DEFAULT_MAX_LENGTH
        return self.max_length


class Pagination(_Strict):
    """How list endpoints page."""

    style: Literal["offset"] = Field("offset", description="offset: ?page=&limit=.")
    default_limit: Annotated[int, Field(ge=1)] = Field(20, description="Page size when none given.")
    max_limit: Annotated[int, Field(ge=1, le=1000)] = Field(100, description="Largest ?limit=.")

    @model_validator(mode="after")
    def _limits(self) -> Pagination:
        if self.default_limit > self.max_limit:
            raise _invalid(
                "default_limit",
                f"default_limit ({self.default_limit}) is greater than max_limit"
                f" ({self.max_limit})",
            )
        return self


class ResourceSpec(_Strict):
    """A resource: one YAML file under specs/, named after the plural (specs/reviews.yaml)."""

    resource: str = Field(
        description="Singular name in any case (review, LessonProgress); default: the file name."
    )
    description: str | None = Field(None, description="Shown in the API documentation.")
    fields: dict[str, FieldSpec] = Field(description="Field name (any case) -> field.")
    pagination: Pagination = Field(default_factory=Pagination)  # type: ignore[arg-type]
    timestamps: bool = Field(True, description="Add created_at and updated_at (UTC).")

    @field_validator("resource")
    @classmethod
    def _resource_name(cls, value: str) -> str:
        name = snake_case(value)
        if not IDENTIFIER.match(name) or keyword.iskeyword(name):
            raise ValueError(
                f"resource name {value!r} must be a word of letters, digits and underscores"
                " that starts with a letter"
            )
        return value

    @field_validator("fields")
    @classmethod
    def _some_fields(cls, fields: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        if not fields:
            raise ValueError("a resource needs at least one field, e.g.  title: string")
        return fields

    def normalised_fields(self) -> dict[str, FieldSpec]:
        """Fields keyed by their snake_case API name, in the order written."""
        return {snake_case(raw): spec for raw, spec in self.fields.items()}


def _invalid(key: str, message: str) -> ValueError:
    """A validation error about one key; the loader points at that key's value."""
    return ValueError(f"{KEY_MARK}{key}{KEY_MARK}{message}")


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _check_default(spec: FieldSpec, value: Any) -> Any:
    """Return the default if it is a valid value of the field, else raise ValueError."""
    t = spec.type
    if t in ("string", "text", "email", "enum"):
        if not isinstance(value, str):
            raise ValueError(f"default must be a string for {_a(t)} field, got {value!r}")
        if t == "enum" and value not in (spec.values or []):
            raise ValueError(f"default {value!r} is not one of the enum values {spec.values}")
        limit = spec.effective_max_length
        if limit is not None and len(value) > limit:
            raise ValueError(f"default is longer than max_length ({limit})")
        if spec.min_length is not None and len(value) < spec.min_length:
            raise ValueError(f"default is shorter than min_length ({spec.min_length})")
        if t == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError(f"default {value!r} is not an email address")
        return value
    if t == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"default must be true or false for a boolean field, got {value!r}")
        return value
    if t in NUMERIC_TYPES:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"default must be a number for {_a(t)} field, got {value!r}")
        if t == "integer" and value != int(value):
            raise ValueError(f"default must be a whole number for an integer field, got {value!r}")
        if spec.min is not None and value < spec.min:
            raise ValueError(f"default {value} is below min ({_num(spec.min)})")
        if spec.max is not None and value > spec.max:
            raise ValueError(f"default {value} is above max ({_num(spec.max)})")
        return int(value) if t == "integer" else float(value)
    parsers: dict[str, typing.Callable[[str], object]] = {
        "date": date.fromisoformat,
        "datetime": datetime.fromisoformat,
        "uuid": uuid.UUID,
    }
    try:
        parsed = parsers[t](str(value))
    except ValueError:
        raise ValueError(f"default {value!r} is not a valid {t}") from None
    if isinstance(parsed, datetime) and parsed.tzinfo is None:
        raise ValueError(f"default {value!r} needs a timezone (for example 2024-01-01T00:00:00Z)")
    return str(value)


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of spec files as users write them: the `title: string` shorthand is
    allowed and `resource` is optional (the loader takes it from the file name)."""
    schema = ResourceSpec.model_json_schema()
    schema["properties"]["fields"]["additionalProperties"] = {
        "anyOf": [{"$ref": "#/$defs/FieldSpec"}, {"type": "string", "enum": list(FIELD_TYPES)}]
    }
    schema["required"] = [key for key in schema["required"] if key != "resource"]
    schema["title"] = "scaffold resource spec"
    return schema


def field_name_problems(
    raw_names: list[str], reserved: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Problems with field names, keyed by the name as written (the loader locates them)."""
    problems: dict[str, str] = {}
    seen: dict[str, str] = {}
    for raw in raw_names:
        name = snake_case(raw)
        if not IDENTIFIER.match(name):
            problems[raw] = (
                f"field name {raw!r} must be letters, digits and underscores,"
                " starting with a letter"
            )
        elif name in GENERATED_FIELD_NAMES:
            problems[raw] = f"field {raw!r} clashes with the generated `{name}` field"
        elif name in reserved:
            problems[raw] = f"field name `{name}` is reserved in this stack; choose another name"
        elif name in seen:
            problems[raw] = f"fields {seen[name]!r} and {raw!r} both become `{name}`"
        seen.setdefault(name, raw)
    return problems
