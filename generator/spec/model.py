"""Pydantic models of the spec format. These ARE the contract: `scaffold schema` publishes them."""

from __future__ import annotations

import math
import re
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from generator.errors import Diagnostic
from generator.naming import Names, resolve_plural, resource_name_problem, snake_case
from generator.types import (
    FIELD_TYPES,
    INTEGER_RANGES,
    LENGTH_TYPES,
    NUMERIC_TYPES,
    TEXT_TYPES,
    TYPES,
    UNSORTABLE_TYPES,
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


class _Strict(BaseModel):
    # strict: `required: "no"` or `max_length: 5.0` are mistakes to report, not to coerce.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True)


class FieldSpec(_Strict):
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
                raise _invalid("default", str(error)) from None
        return self

    def _check_finite(self) -> None:
        for key in ("min", "max", "default"):
            value = getattr(self, key)
            if isinstance(value, float) and not math.isfinite(value):
                raise _invalid(key, f"{key} must be a finite number, got {value}")

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
                raise _invalid(key, f"`{key}` applies to {_list(types)} fields, not {t}")
        if self.nested and t != "ref":
            raise _invalid("nested", f"`nested` applies to ref fields, not {t}")

    def _check_bounds(self) -> None:
        if self.type in INTEGER_RANGES:
            low, high = INTEGER_RANGES[self.type]
            for key in ("min", "max"):
                bound = getattr(self, key)
                if bound is not None and (bound != int(bound) or not low <= bound <= high):
                    raise _invalid(
                        key, f"{key} must be a whole number from {low} to {high}, got {bound}"
                    )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise _invalid("min", f"min ({_num(self.min)}) is greater than max ({_num(self.max)})")
        low_len, high_len = self.min_length, self.effective_max_length
        if low_len is not None and high_len is not None and low_len > high_len:
            implied = "" if self.max_length is not None else f", a {self.type}'s default"
            raise _invalid(
                "min_length",
                f"min_length ({low_len}) is greater than max_length ({high_len}{implied})",
            )

    def _check_enum(self) -> None:
        if self.type != "enum":
            return
        if not self.values:
            raise _invalid(
                "values" if self.values is not None else "type",
                "an enum needs a non-empty list of `values`",
            )
        if len(set(self.values)) != len(self.values):
            raise _invalid("values", "enum `values` must be distinct")
        if any(not v for v in self.values):
            raise _invalid("values", "enum `values` must not be empty strings")
        with_comma = next((v for v in self.values if "," in v), None)
        if self.filter and with_comma is not None:
            raise _invalid(
                "values",
                f"a filtered enum's values cannot hold a comma ({with_comma!r}): ?name_in="
                " lists values separated by commas",
            )

    def _check_decimal(self) -> None:
        if self.type == "decimal" and self.decimal_scale > self.decimal_precision:
            raise _invalid(
                "scale",
                f"scale ({self.decimal_scale}) is greater than precision"
                f" ({self.decimal_precision})",
            )

    def _check_ref(self) -> None:
        if self.type != "ref":
            return
        if self.to is not None and not IDENTIFIER.match(snake_case(self.to)):
            raise _invalid("to", f"`to` must name a resource, got {self.to!r}")
        if self.on_delete == "set_null" and self.required:
            raise _invalid("on_delete", "on_delete: set_null needs `required: false`")
        if self.default is not None:
            raise _invalid("default", "a ref cannot have a default")
        if self.unique:
            raise _invalid("unique", "a ref cannot be unique (a one-to-one is not supported)")

    def _check_read_only(self) -> None:
        if not self.read_only:
            return
        if self.type == "ref":
            raise _invalid(
                "read_only", "a ref cannot be read_only: a client must say what it points at"
            )
        if self.required and self.default is None:
            raise _invalid(
                "read_only",
                "a read_only field needs a `default` or `required: false`: clients cannot set it",
            )
        if self.unique and self.default is not None:
            raise _invalid("read_only", "a read_only field with a default cannot be unique")

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
            bounds = f"from {_num(self.min or 0)} to {_num(self.max or 0)}"
            what, fix = f"a unique {self.type} {bounds} {holds}", "drop `unique` or widen the range"
        raise _invalid(
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
            raise _invalid("filter", "json fields cannot be filtered")
        if self.sort and self.type in UNSORTABLE_TYPES:
            raise _invalid("sort", f"{self.type} fields cannot be sorted")

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


class Pagination(_Strict):
    """How list endpoints page."""

    style: Literal["offset", "cursor"] = Field(
        "offset",
        description="offset: ?page=&limit= with a total; cursor: ?cursor=&limit= (keyset).",
    )
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


ACTIONS = ("list", "read", "create", "update", "delete")
# Who may do an action: `public`, `authenticated`, `owner` (the user who created the record),
# or role names; a list allows anyone who matches one entry. The `admin` role always may.
Rule = str | list[str]
ROLE = re.compile(r"^[a-z][a-z0-9_-]*$")


class Auth(_Strict):
    """Who may do what. Without an `auth` key: reads are public, writes need a login."""

    list_: Rule = Field("public", alias="list", description="GET the list.")
    read: Rule = Field("public", description="GET one record.")
    create: Rule = Field("authenticated", description="POST.")
    update: Rule = Field("authenticated", description="PATCH and PUT.")
    delete: Rule = Field("authenticated", description="DELETE.")

    @model_validator(mode="after")
    def _rules(self) -> Auth:
        for action in ACTIONS:
            entries = self.entries(action)
            if not entries:
                raise _invalid(action, f"`{action}` needs at least one entry")
            for entry in entries:
                if not ROLE.match(entry):
                    raise _invalid(action, f"{entry!r} is not a role name")
            if "public" in entries and len(entries) > 1:
                raise _invalid(action, "`public` already allows everyone; list it alone")
        if "owner" in self.entries("create"):
            raise _invalid("create", "nobody owns a record before it exists: not `owner`")
        return self

    def entries(self, action: str) -> list[str]:
        rule = getattr(self, "list_" if action == "list" else action)
        return [rule] if isinstance(rule, str) else [*rule]

    @property
    def uses_owner(self) -> bool:
        return any("owner" in self.entries(action) for action in ACTIONS)


class Cache(_Strict):
    """Reads (one record, and each list page) kept in the project's cache (Redis when the
    app has REDIS_URL); every write to the resource drops them."""

    ttl: Annotated[int, Field(ge=1, le=86400)] = Field(
        60, description="Seconds a read is kept (1 to 86400)."
    )


# `rate_limit: 30/minute`: requests per client within a window. The generated test spends the
# budget through HTTP, so it stays small; a per-second budget belongs to a gateway.
RATE_LIMIT = re.compile(r"^\s*(\d+)\s*/\s*(minute|hour|day)\s*$")
MAX_RATE_LIMIT = 1000


def parse_rate_limit(value: str) -> tuple[int, str]:
    """``"30/minute"`` -> (30, "minute"); ValueError with the reason otherwise."""
    match = RATE_LIMIT.match(value)
    if match is None:
        raise ValueError(
            f"rate_limit is requests per minute, hour or day, like 30/minute; got {value!r}"
        )
    amount = int(match.group(1))
    if not 1 <= amount <= MAX_RATE_LIMIT:
        raise ValueError(
            f"rate_limit allows 1 to {MAX_RATE_LIMIT} requests per window, got {amount}"
        )
    return amount, match.group(2)


class ResourceSpec(_Strict):
    """A resource: one YAML file under specs/, named after the plural (specs/reviews.yaml)."""

    resource: str = Field(
        description="Singular name in any case (review, LessonProgress); default: the file name."
    )
    plural: str | None = Field(
        None,
        description="The plural, where the one derived from `resource` is wrong (golf:"
        " golfs); the spec file is named for it (specs/golfs.yaml).",
    )
    description: str | None = Field(None, description="Shown in the API documentation.")
    fields: dict[str, FieldSpec] = Field(description="Field name (any case) -> field.")
    pagination: Pagination = Field(default_factory=Pagination)  # type: ignore[arg-type]
    timestamps: bool = Field(True, description="Add created_at and updated_at (UTC).")
    soft_delete: bool = Field(
        False, description="DELETE sets deleted_at; deleted records are hidden."
    )
    search: list[str] = Field(
        default_factory=list, description="Fields that ?q= searches (case-insensitive)."
    )
    auth: Auth = Field(
        default_factory=Auth,  # type: ignore[arg-type]
        description="Who may list, read, create, update, delete: see Authorization.",
    )
    cache: Cache | None = Field(
        None, description="Cache reads, dropped on every write: {ttl: seconds} (or true)."
    )
    audit: bool = Field(
        False, description="Record every write in audit_logs: who, when, before and after."
    )
    rate_limit: str | None = Field(
        None,
        description="Requests per client to this resource's routes, e.g. 30/minute, instead"
        " of the project's default.",
    )

    @field_validator("cache", mode="before")
    @classmethod
    def _cache_shorthand(cls, value: Any) -> Any:
        # `cache: true` caches with the default ttl; `cache: false` is no cache.
        if isinstance(value, bool):
            return {} if value else None
        return value

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit(cls, value: str | None) -> str | None:
        if value is not None:
            amount, period = parse_rate_limit(value)
            return f"{amount}/{period}"
        return value

    @field_validator("resource")
    @classmethod
    def _resource_name(cls, value: str) -> str:
        problem = resource_name_problem(value)
        if problem:
            raise ValueError(f"resource name {value!r}: {problem}")
        return value

    @field_validator("plural")
    @classmethod
    def _plural_name(cls, value: str | None) -> str | None:
        if value is not None:
            problem = resource_name_problem(value)
            if problem:
                raise ValueError(f"plural {value!r}: {problem}")
            return snake_case(value)
        return value

    @field_validator("fields")
    @classmethod
    def _some_fields(cls, fields: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        if not fields:
            raise ValueError("a resource needs at least one field, e.g.  title: string")
        return fields

    @model_validator(mode="after")
    def _listing(self) -> ResourceSpec:
        fields = self.normalised_fields()
        for index, name in enumerate(self.search):
            field = fields.get(snake_case(name))
            if field is None:
                raise _invalid(f"search[{index}]", f"search names an unknown field {name!r}")
            if field.type not in TEXT_TYPES:
                raise _invalid(f"search[{index}]", f"cannot search {_a(field.type)} field")
        if self.pagination.style == "cursor":
            for raw, field in self.fields.items():
                if field.sort and not field.required:
                    raise _invalid(
                        f"fields.{raw}.sort",
                        "cursor pagination sorts only required fields (nulls have no order)",
                    )
                longest = field.longest_value
                if field.sort and longest is not None and longest > CURSOR_SORT_MAX_LENGTH:
                    raise _invalid(
                        f"fields.{raw}.sort",
                        f"cursor pagination sorts strings of at most {CURSOR_SORT_MAX_LENGTH}"
                        f" characters ({_a(field.type)} field holds {longest}): a cursor"
                        " carries the value",
                    )
        return self

    # Where each key was written, set by the loader: problems found later (a ref to a resource
    # that does not exist) are reported at their place too.
    _source: str = PrivateAttr("")
    _locate: typing.Callable[[tuple[str | int, ...]], tuple[int, int]] | None = PrivateAttr(None)

    def diagnostic(self, loc: tuple[str | int, ...], message: str) -> Diagnostic:
        line, column = self._locate(loc) if self._locate else (1, 1)
        return Diagnostic(self._source, line, column, message)

    def raw_field_name(self, name: str) -> str:
        """The key the user wrote for the snake_case field ``name``."""
        return next(raw for raw in self.fields if snake_case(raw) == name)

    def normalised_fields(self) -> dict[str, FieldSpec]:
        """Fields keyed by their snake_case API name, in the order written."""
        return {snake_case(raw): spec for raw, spec in self.fields.items()}

    @property
    def names(self) -> Names:
        return Names.from_name(self.resource, self.plural)

    def ref_targets(self, known: Mapping[str, str] | None = None) -> dict[str, str]:
        """The plural each ref field (by snake_case name) points at, in the order written;
        ``known`` (see naming.plural_lookup) finds resources by the plural they name."""
        return {
            name: resolve_plural(f.to or name, known or {})
            for name, f in self.normalised_fields().items()
            if f.type == "ref"
        }


def _invalid(key: str, message: str) -> ValueError:
    """A validation error about one key; the loader points at that key's value."""
    return ValueError(f"{KEY_MARK}{key}{KEY_MARK}{message}")


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeio" else f"a {word}"


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _list(words: typing.Iterable[str]) -> str:
    ordered = sorted(words)
    return ordered[0] if len(ordered) == 1 else f"{', '.join(ordered[:-1])} and {ordered[-1]}"


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
