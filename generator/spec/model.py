"""Pydantic models of the spec format. These ARE the contract: `scaffold schema` publishes them."""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from generator.errors import Diagnostic
from generator.naming import Names, resolve_plural, resource_name_problem, snake_case, with_article
from generator.spec.field import (
    CURSOR_SORT_MAX_LENGTH,
    GENERATED_FIELD_NAMES,
    IDENTIFIER,
    KEY_MARK,
    UNIQUE_ROOM,
    FieldSpec,
    Strict,
    field_name_problems,
    invalid_key,
)
from generator.types import (
    FIELD_TYPES,
    TEXT_TYPES,
)


class Pagination(Strict):
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
            raise invalid_key(
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


class Auth(Strict):
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
                raise invalid_key(action, f"`{action}` needs at least one entry")
            for entry in entries:
                if not ROLE.match(entry):
                    raise invalid_key(action, f"{entry!r} is not a role name")
            if "public" in entries and len(entries) > 1:
                raise invalid_key(action, "`public` already allows everyone; list it alone")
        if "owner" in self.entries("create"):
            raise invalid_key("create", "nobody owns a record before it exists: not `owner`")
        return self

    def entries(self, action: str) -> list[str]:
        rule = getattr(self, "list_" if action == "list" else action)
        return [rule] if isinstance(rule, str) else [*rule]

    @property
    def uses_owner(self) -> bool:
        return any("owner" in self.entries(action) for action in ACTIONS)


class Cache(Strict):
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


class ResourceSpec(Strict):
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
                raise invalid_key(f"search[{index}]", f"search names an unknown field {name!r}")
            if field.type not in TEXT_TYPES:
                raise invalid_key(
                    f"search[{index}]", f"cannot search {with_article(field.type)} field"
                )
        if self.pagination.style == "cursor":
            for raw, field in self.fields.items():
                if field.sort and not field.required:
                    raise invalid_key(
                        f"fields.{raw}.sort",
                        "cursor pagination sorts only required fields (nulls have no order)",
                    )
                longest = field.longest_value
                if field.sort and longest is not None and longest > CURSOR_SORT_MAX_LENGTH:
                    raise invalid_key(
                        f"fields.{raw}.sort",
                        f"cursor pagination sorts strings of at most {CURSOR_SORT_MAX_LENGTH}"
                        f" characters ({with_article(field.type)} field holds {longest}): a cursor"
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


__all__ = [
    "ACTIONS",
    "GENERATED_FIELD_NAMES",
    "IDENTIFIER",
    "KEY_MARK",
    "UNIQUE_ROOM",
    "Auth",
    "Cache",
    "FieldSpec",
    "Pagination",
    "ResourceSpec",
    "field_name_problems",
    "parse_rate_limit",
    "spec_json_schema",
]
