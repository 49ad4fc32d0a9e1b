"""The suite's input made from scaffold's own spec model: ``generator.context.describe(spec)``
(resource, plural, fields, pagination) plus what HTTP shows of the rest (refs, auth, soft
delete, sortable and filterable fields, searched fields, rate limit). Another generator can
write the same plain data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generator.context import describe
from generator.naming import Names, snake_case
from generator.spec.model import ACTIONS, ResourceSpec


def conformance_spec(spec: ResourceSpec) -> dict[str, Any]:
    """The normalised spec of one resource, as tests/conformance/README.md describes it."""
    out = describe(spec)
    fields = spec.normalised_fields()
    out["refs"] = {
        f"{name}_id": {
            "to": Names.from_name(field.to or name).kebab_plural,
            "relation": name,
            "required": field.required,
            "on_delete": field.on_delete or "restrict",
            "nested": field.nested,
        }
        for name, field in fields.items()
        if field.type == "ref"
    }
    out["auth"] = {action: spec.auth.entries(action) for action in ACTIONS}
    out["soft_delete"] = spec.soft_delete
    out["timestamps"] = spec.timestamps
    out["rate_limit"] = spec.rate_limit
    generated = ["created_at", "updated_at"] if spec.timestamps else ["id"]
    out["sort"] = [name for name, field in fields.items() if field.sort] + generated
    out["filter"] = [
        f"{name}_id" if field.type == "ref" else name
        for name, field in fields.items()
        if field.filter or field.nested
    ]
    out["search"] = [snake_case(name) for name in spec.search]
    return out


def conformance_specs(specs: Iterable[ResourceSpec]) -> dict[str, dict[str, Any]]:
    """``{plural: normalised spec}`` for the suite."""
    return {s["plural"]: s for s in map(conformance_spec, specs)}
