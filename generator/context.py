"""The stack-neutral view of a resource that templates read. Decisions live here, not in Jinja."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator import samples
from generator.naming import Names
from generator.spec.model import INT32_MAX, INT32_MIN, FieldSpec, Pagination, ResourceSpec
from generator.stacks import Stack


@dataclass(frozen=True)
class Check:
    """A database CHECK constraint in portable SQL (identifiers double-quoted)."""

    name: str
    sql: str


@dataclass(frozen=True)
class FieldContext:
    name: str
    type: str
    required: bool  # must be given on create: required and no default
    nullable: bool  # may be null (column and API)
    has_default: bool
    default: Any
    unique: bool
    min: int | float | None
    max: int | float | None
    min_length: int | None
    max_length: int | None
    values: list[str] | None
    description: str | None
    checks: list[Check]
    # The stack's spelling of the type: python, schema, column, default (expression), ...
    stack: dict[str, str]
    enum_type: str | None = None

    @property
    def bounded_min(self) -> int | float | None:
        """Lower bound the API enforces (integers are kept inside 32 bits)."""
        return INT32_MIN if self.type == "integer" and self.min is None else self.min

    @property
    def bounded_max(self) -> int | float | None:
        return INT32_MAX if self.type == "integer" and self.max is None else self.max


@dataclass(frozen=True)
class ResourceContext:
    names: Names
    spec_path: str
    description: str
    fields: list[FieldContext]
    pagination: Pagination
    timestamps: bool
    imports: dict[str, list[str]]  # per file role, from the stack's type map
    samples: dict[str, Any]
    checks: list[Check] = field(default_factory=list)

    @property
    def enums(self) -> list[FieldContext]:
        return [f for f in self.fields if f.enum_type]

    @property
    def unique_fields(self) -> list[FieldContext]:
        return [f for f in self.fields if f.unique]

    @property
    def required_fields(self) -> list[FieldContext]:
        return [f for f in self.fields if f.required]

    @property
    def non_nullable_fields(self) -> list[FieldContext]:
        return [f for f in self.fields if not f.nullable]


def build_resource(spec: ResourceSpec, spec_path: str, stack: Stack) -> ResourceContext:
    names = Names.from_name(spec.resource)
    literal = stack.language.filters["literal"]
    fields = [
        _field(name, f, names, stack, literal) for name, f in spec.normalised_fields().items()
    ]
    imports: dict[str, set[str]] = {}
    for f in fields:
        for role, specs in stack.types[f.type].get("imports", {}).items():
            imports.setdefault(role, set()).update(specs)
    return ResourceContext(
        names=names,
        spec_path=spec_path,
        description=spec.description or f"{names.human_plural.capitalize()}.",
        fields=fields,
        pagination=spec.pagination,
        timestamps=spec.timestamps,
        imports={role: sorted(specs) for role, specs in imports.items()},
        samples=_samples(spec),
        checks=[check for f in fields for check in f.checks],
    )


def describe(spec: ResourceSpec) -> dict[str, Any]:
    """The resource as plain data for stack-neutral tools (the HTTP conformance suite)."""
    names = Names.from_name(spec.resource)
    return {
        "resource": names.singular,
        "plural": names.kebab_plural,
        "fields": normalised_field_data(spec),
        "pagination": spec.pagination.model_dump(),
    }


def normalised_field_data(spec: ResourceSpec) -> dict[str, dict[str, Any]]:
    """Plain field dicts with every key present, as generator.samples and the conformance
    suite take them (string fields carry their effective max_length)."""
    return {
        name: {
            "type": f.type,
            "required": f.required,
            "default": f.default,
            "unique": f.unique,
            "min": f.min,
            "max": f.max,
            "min_length": f.min_length,
            "max_length": f.effective_max_length,
            "values": f.values,
            "description": f.description,
        }
        for name, f in spec.normalised_fields().items()
    }


def _samples(spec: ResourceSpec) -> dict[str, Any]:
    data = normalised_field_data(spec)
    return {
        "payloads": [samples.valid_payload(data, n) for n in range(3)],
        "required_payload": samples.required_payload(data),
        "update_payload": samples.update_payload(data),
        "invalid": samples.invalid_cases(data),
        "missing": samples.missing_cases(data),
        # What a create without the optional fields stores for each of them.
        "defaults": {name: f["default"] for name, f in data.items() if not _on_create(f)},
    }


def _on_create(field: dict[str, Any]) -> bool:
    return bool(field["required"]) and field["default"] is None


def _field(name: str, spec: FieldSpec, names: Names, stack: Stack, literal: Any) -> FieldContext:
    enum_type = f"{names.class_name}{_pascal(name)}" if spec.values else None
    placeholders = {
        "max_length": spec.effective_max_length,
        "enum": enum_type,
        "enum_length": max((len(v) for v in spec.values or []), default=0),
    }
    type_map = stack.types[spec.type]
    spelled = {
        key: value.format(**placeholders)
        for key, value in type_map.items()
        if isinstance(value, str) and key != "default"
    }
    if spec.default is not None:
        text = literal(spec.default)
        spelled["default"] = type_map.get("default", "{literal}").format(literal=text)
    return FieldContext(
        name=name,
        type=spec.type,
        required=spec.required and spec.default is None,
        nullable=not spec.required,
        has_default=spec.default is not None,
        default=spec.default,
        unique=spec.unique,
        min=spec.min,
        max=spec.max,
        min_length=spec.min_length,
        max_length=spec.effective_max_length,
        values=spec.values,
        description=spec.description,
        checks=_checks(name, spec),
        stack=spelled,
        enum_type=enum_type,
    )


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _checks(name: str, spec: FieldSpec) -> list[Check]:
    column = f'"{name}"'
    checks: list[Check] = []
    bounds = [f"{column} >= {spec.min}" if spec.min is not None else ""]
    bounds.append(f"{column} <= {spec.max}" if spec.max is not None else "")
    if any(bounds):
        checks.append(Check(f"{name}_range", " AND ".join(b for b in bounds if b)))
    if spec.min_length:
        checks.append(Check(f"{name}_min_length", f"length({column}) >= {spec.min_length}"))
    if spec.values:
        quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in spec.values)
        checks.append(Check(f"{name}_values", f"{column} IN ({quoted})"))
    return checks
