"""A field of a spec (FieldSpec): its keys, what each type takes, its default. Part of the
contract `scaffold schema` publishes."""

from __future__ import annotations

import math
import re
import typing
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from generator.naming import snake_case
from generator.types import (
    FIELD_TYPES,
    INTEGER_RANGES,
    LENGTH_TYPES,
    NUMERIC_TYPES,
    TYPES,
    UNSORTABLE_TYPES,
    number_text,
)
from generator.types.numbers import (
    MAX_DECIMAL_PRECISION,
)
from generator.types.text import (
    EMAIL_MAX_LENGTH,
    MAX_TEXT_LENGTH,
    STRING_DEFAULT_MAX_LENGTH,
    TEXT_DEFAULT_MAX_LENGTH,
)

if typing.TYPE_CHECKING:
    FieldType = str
else:  # the registry's types (generator/types/), as pydantic and the JSON Schema see them
    FieldType = Literal[FIELD_TYPES]
# Distinct values a unique field must admit: the generated tests make three records.
UNIQUE_ROOM = 3
# A cursor carries its page's last sort value, and servers refuse long cursors (4096
# characters): values sorted under cursor pagination are at most this long, emails included.
CURSOR_SORT_MAX_LENGTH = EMAIL_MAX_LENGTH
OnDelete = Literal["cascade", "set_null", "restrict"]

KEY_MARK = "\x1f"  # separates the offending key from the message in a ValueError
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
# Names every generated resource already has.
GENERATED_FIELD_NAMES = frozenset({"id", "created_at", "updated_at", "deleted_at", "owner_id"})


class Strict(BaseModel):
    # strict: `required: "no"` or `max_length: 5.0` are mistakes to report, not to coerce.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)


class FieldSpec(Strict):
    """One field of a resource. ``title: string`` is shorthand for ``title: {type: string}``."""

    type: FieldType = Field("string", description="The field's type.")
    required: bool = Field(True, description="Must be given on create (unless it has a default).")
    default: Any = Field(None, description="Value used when the field is not given on create.")
    unique: bool = Field(
        False,
        description="No two records may share a value (409 CONFLICT); with soft_delete,"
        " no two that are not deleted. The field must admit at least three values (not a"
        " boolean, an enum of two, or bounds that leave one or two).",
    )
    min: int | float | None = Field(None, description="Smallest allowed value (numbers).")
    max: int | float | None = Field(None, description="Largest allowed value (numbers).")
    min_length: Annotated[int, Field(ge=0, le=MAX_TEXT_LENGTH)] | None = Field(
        None, description="Shortest allowed text (string, text)."
    )
    max_length: Annotated[int, Field(ge=1, le=MAX_TEXT_LENGTH)] | None = Field(
        None,
        description=f"Longest allowed text (string: default {STRING_DEFAULT_MAX_LENGTH};"
        f" text: default {TEXT_DEFAULT_MAX_LENGTH:,}).",
    )
    values: list[str] | None = Field(None, description="The allowed values (enum).")
    precision: Annotated[int, Field(ge=1, le=MAX_DECIMAL_PRECISION)] | None = Field(
        None, description="Significant digits (decimal; default 10)."
    )
    scale: Annotated[int, Field(ge=0)] | None = Field(
        None, description="Digits after the point (decimal; default 2)."
    )
    to: str | None = Field(None, description="The referenced resource (ref; default: the name).")
    on_delete: OnDelete | None = Field(
        None, description="When the referenced record is deleted (ref; default restrict)."
    )
    nested: bool = Field(False, description="Also serve the list under the parent (ref).")
    filter: bool = Field(False, description="Lists accept ?name= (and _gte/_lte, or _in).")
    sort: bool = Field(False, description="Lists accept ?sort=name or ?sort=-name.")
    description: str | None = Field(None, description="Shown in the API documentation.")
    read_only: bool = Field(
        False,
        description="Owned by the server: shown in responses (readOnly in OpenAPI), refused"
        " in request bodies (422), set by its default or by service code.",
    )

    @model_validator(mode="before")
    @classmethod
    def _type_shorthand(cls, data: Any) -> Any:
        return {"type": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        for check in (
            self._check_finite,
            self._check_applies,
            self._check_bounds,
            self._check_enum,
            self._check_decimal,
            self._check_ref,
            self._check_listing,
            self._check_read_only,
            self._check_unique_room,
        ):
            check()
        if self.default is not None:
            try:
                self.default = TYPES[self.type].check_default(self, self.default)
            except ValueError as error:
                raise invalid_key("default", str(error)) from None
        return self

    def _check_finite(self) -> None:
        for key in ("min", "max", "default"):
            value = getattr(self, key)
            if isinstance(value, float) and not math.isfinite(value):
                raise invalid_key(key, f"{key} must be a finite number, got {value}")

    def _check_applies(self) -> None:
        """Keys that only some types take."""
        t = self.type
        only = {
            "min": NUMERIC_TYPES,
            "max": NUMERIC_TYPES,
            "min_length": LENGTH_TYPES,
            "max_length": LENGTH_TYPES,
            "values": {"enum"},
            "precision": {"decimal"},
            "scale": {"decimal"},
            "to": {"ref"},
            "on_delete": {"ref"},
        }
        for key, types in only.items():
            if getattr(self, key) is not None and t not in types:
                raise invalid_key(key, f"`{key}` applies to {_list(types)} fields, not {t}")
        if self.nested and t != "ref":
            raise invalid_key("nested", f"`nested` applies to ref fields, not {t}")

    def _check_bounds(self) -> None:
        if self.type in INTEGER_RANGES:
            low, high = INTEGER_RANGES[self.type]
            for key in ("min", "max"):
                bound = getattr(self, key)
                if bound is not None and (bound != int(bound) or not low <= bound <= high):
                    raise invalid_key(
                        key, f"{key} must be a whole number from {low} to {high}, got {bound}"
                    )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise invalid_key(
                "min",
                f"min ({number_text(self.min)}) is greater than max ({number_text(self.max)})",
            )
        low_len, high_len = self.min_length, self.effective_max_length
        if low_len is not None and high_len is not None and low_len > high_len:
            implied = "" if self.max_length is not None else f", a {self.type}'s default"
            raise invalid_key(
                "min_length",
                f"min_length ({low_len}) is greater than max_length ({high_len}{implied})",
            )

    def _check_enum(self) -> None:
        if self.type != "enum":
            return
        if not self.values:
            raise invalid_key(
                "values" if self.values is not None else "type",
                "an enum needs a non-empty list of `values`",
            )
        if len(set(self.values)) != len(self.values):
            raise invalid_key("values", "enum `values` must be distinct")
        if any(not v for v in self.values):
            raise invalid_key("values", "enum `values` must not be empty strings")
        with_comma = next((v for v in self.values if "," in v), None)
        if self.filter and with_comma is not None:
            raise invalid_key(
                "values",
                f"a filtered enum's values cannot hold a comma ({with_comma!r}): ?name_in="
                " lists values separated by commas",
            )

    def _check_decimal(self) -> None:
        if self.type == "decimal" and self.decimal_scale > self.decimal_precision:
            raise invalid_key(
                "scale",
                f"scale ({self.decimal_scale}) is greater than precision"
                f" ({self.decimal_precision})",
            )

    def _check_ref(self) -> None:
        if self.type != "ref":
            return
        if self.to is not None and not IDENTIFIER.match(snake_case(self.to)):
            raise invalid_key("to", f"`to` must name a resource, got {self.to!r}")
        if self.on_delete == "set_null" and self.required:
            raise invalid_key("on_delete", "on_delete: set_null needs `required: false`")
        if self.default is not None:
            raise invalid_key("default", "a ref cannot have a default")
        if self.unique:
            raise invalid_key("unique", "a ref cannot be unique (a one-to-one is not supported)")

    def _check_read_only(self) -> None:
        if not self.read_only:
            return
        if self.type == "ref":
            raise invalid_key(
                "read_only", "a ref cannot be read_only: a client must say what it points at"
            )
        if self.required and self.default is None:
            raise invalid_key(
                "read_only",
                "a read_only field needs a `default` or `required: false`: clients cannot set it",
            )
        if self.unique and self.default is not None:
            raise invalid_key("read_only", "a read_only field with a default cannot be unique")

    def _check_unique_room(self) -> None:
        """A unique field must leave room for records: one that admits only one or two
        values (a boolean, two enum values, min equal to max) caps the resource at that
        many records, and its generated tests make three."""
        if not self.unique:
            return
        room = self.distinct_values
        if room is None or room >= UNIQUE_ROOM:
            return
        holds = f"holds only {room} value{'s' if room != 1 else ''}"
        if self.type == "boolean":
            what, fix = f"a unique boolean {holds}", "drop `unique`"
        elif self.type == "enum":
            what, fix = (
                f"a unique enum of {room} value{'s' if room != 1 else ''}",
                "drop `unique` or add values",
            )
        else:  # a number: distinct_values knows both bounds
            bounds = f"from {number_text(self.min or 0)} to {number_text(self.max or 0)}"
            what, fix = f"a unique {self.type} {bounds} {holds}", "drop `unique` or widen the range"
        raise invalid_key(
            "unique",
            f"{what}, so the resource could never have more than {room} record"
            f"{'s' if room != 1 else ''}; {fix}",
        )

    @property
    def distinct_values(self) -> int | None:
        """How many values the field admits, when that is a small number; None when large."""
        if self.type == "boolean":
            return 2
        if self.type == "enum":
            return len(self.values or [])
        if self.min is None or self.max is None:
            return None
        if self.type in ("integer", "bigint"):
            return max(0, math.floor(self.max) - math.ceil(self.min) + 1)
        if self.type == "decimal":
            steps = (Decimal(str(self.max)) - Decimal(str(self.min))) * 10**self.decimal_scale
            return int(steps) + 1
        return 1 if self.min == self.max else None  # a float range holds many values

    def _check_listing(self) -> None:
        if self.filter and self.type == "json":
            raise invalid_key("filter", "json fields cannot be filtered")
        if self.sort and self.type in UNSORTABLE_TYPES:
            raise invalid_key("sort", f"{self.type} fields cannot be sorted")

    @property
    def decimal_precision(self) -> int:
        return self.precision or 10

    @property
    def decimal_scale(self) -> int:
        return 2 if self.scale is None else self.scale

    @property
    def longest_value(self) -> int | None:
        """The most characters a value of this field may have (None: not a string)."""
        return TYPES[self.type].stored_length or self.effective_max_length

    @property
    def effective_max_length(self) -> int | None:
        if self.max_length is None:
            return TYPES[self.type].default_max_length
        return self.max_length


def invalid_key(key: str, message: str) -> ValueError:
    """A validation error about one key; the loader points at that key's value."""
    return ValueError(f"{KEY_MARK}{key}{KEY_MARK}{message}")


def _list(words: typing.Iterable[str]) -> str:
    ordered = sorted(words)
    return ordered[0] if len(ordered) == 1 else f"{', '.join(ordered[:-1])} and {ordered[-1]}"


def field_name_problems(raw_names: list[str]) -> dict[str, str]:
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
        elif name in seen:
            problems[raw] = f"fields {seen[name]!r} and {raw!r} both become `{name}`"
        seen.setdefault(name, raw)
    return problems
