"""A spec's fields as the context holds them: the stack's spelling, CHECK constraints in
portable SQL, the samples, and the plain data the conformance suite reads."""

from __future__ import annotations

from typing import Any

from generator import samples
from generator.context.parts import Check, FieldContext, Ref
from generator.naming import Names
from generator.spec.model import (
    FieldSpec,
    ResourceSpec,
)
from generator.stacks import Stack


def describe(spec: ResourceSpec) -> dict[str, Any]:
    """The resource as plain data for stack-neutral tools (the HTTP conformance suite)."""
    names = spec.names
    return {
        "resource": names.singular,
        "plural": names.kebab_plural,
        "fields": normalised_field_data(spec),
        "pagination": spec.pagination.model_dump(),
    }


def normalised_field_data(spec: ResourceSpec) -> dict[str, dict[str, Any]]:
    """Plain field dicts with every key present, as generator.samples and the conformance
    suite take them (string fields carry their effective max_length). Refs are left out:
    their values are ids of records that exist only at run time."""
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
            "precision": f.decimal_precision if f.type == "decimal" else None,
            "scale": f.decimal_scale if f.type == "decimal" else None,
            "description": f.description,
            "read_only": f.read_only,
        }
        for name, f in spec.normalised_fields().items()
        if f.type != "ref"
    }


def samples_of(spec: ResourceSpec) -> dict[str, Any]:
    data = normalised_field_data(spec)
    return {
        "payloads": [samples.valid_payload(data, n) for n in range(3)],
        "required_payload": samples.required_payload(data),
        "update_payload": samples.update_payload(data),
        "respelled_payload": samples.respelled_payload(data),
        "invalid": samples.invalid_cases(data),
        "missing": samples.missing_cases(data),
        # What a create without the optional fields stores for each of them.
        "defaults": {name: f["default"] for name, f in data.items() if not _on_create(f)},
    }


def _on_create(field: dict[str, Any]) -> bool:
    return bool(field["required"]) and field["default"] is None


def field_context(
    name: str, spec: FieldSpec, names: Names, stack: Stack, literal: Any, ref: Ref | None
) -> FieldContext:
    api_name = f"{name.removesuffix('_id')}_id" if ref else name
    enum_type = f"{names.class_name}{_pascal(name)}" if spec.values else None
    placeholders = {
        "max_length": spec.effective_max_length,
        "enum": enum_type,
        "enum_length": max((len(v) for v in spec.values or []), default=0),
        "precision": spec.decimal_precision,
        "scale": spec.decimal_scale,
        "ref_table": ref.target.table if ref else "",
        "on_delete": ref.on_delete_sql if ref else "",
    }
    type_map = stack.types[spec.type]
    spelled = {
        key: value.format(**placeholders)
        for key, value in type_map.items()
        if isinstance(value, str) and key != "default"
    }
    spelled.setdefault("query", spelled["schema"])
    cycle_column = spelled.pop("cycle_column", None)
    if ref is not None and ref.closes_cycle and cycle_column is not None:
        spelled["column"] = cycle_column
    if spec.default is not None:
        text = literal(spec.default)
        spelled["default"] = type_map.get("default", "{literal}").format(literal=text)
    return FieldContext(
        name=api_name,
        attr=stack.language.code_name(api_name, stack.reserved_names),
        type=spec.type,
        required=spec.required and spec.default is None,
        nullable=not spec.required,
        has_default=spec.default is not None,
        default=spec.default,
        unique=spec.unique,
        distinct_values=spec.distinct_values,
        min=spec.min,
        max=spec.max,
        min_length=spec.min_length,
        max_length=spec.effective_max_length,
        values=spec.values,
        precision=spec.decimal_precision if spec.type == "decimal" else None,
        scale=spec.decimal_scale if spec.type == "decimal" else None,
        description=spec.description,
        filter=spec.filter or spec.nested,  # a nested list filters by its parent
        sort=spec.sort,
        read_only=spec.read_only,
        checks=_checks(api_name, spec),
        stack=spelled,
        enum_type=enum_type,
        ref=ref,
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
