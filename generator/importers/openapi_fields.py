"""One property of an OpenAPI schema -> one spec field (or the reason it cannot be one)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from generator.naming import Names
from generator.spec.model import (
    KEY_MARK,
    FieldSpec,
)
from generator.types import INTEGER_RANGES, LENGTH_TYPES, TYPES

SCHEMAS = ("components", "schemas")
# OpenAPI string formats, by the type each is imported as.
STRING_FORMATS = {fmt: t.name for t in TYPES.values() for fmt in t.formats}
MAX_REF_DEPTH = 20


@dataclass(frozen=True)
class Unmapped:
    """Something of the document that did not make it into a spec, and why."""

    pointer: str  # a JSON pointer as a URI fragment: #/components/schemas/Pet/properties/tags
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "reason": self.reason}


@dataclass(frozen=True)
class Draft:
    """One resource to write. ``fields`` maps each property name, as the document spells it,
    to the field's keys in the order a person would write them."""

    schema: str
    pointer: str
    names: Names
    description: str | None
    fields: dict[str, dict[str, Any]]
    skipped: list[Unmapped]  # this schema's properties that were left out
    locations: dict[str, str] = field(default_factory=dict)  # property name -> its pointer


@dataclass
class Conversion:
    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Unmapped] = field(default_factory=list)  # schemas and properties left out
    dropped: list[Unmapped] = field(default_factory=list)  # keywords of imported properties


def pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class FieldMapper:
    """Maps properties; what it leaves out or drops goes into ``result``."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.result = Conversion()

    def _resolve(self, ref: str) -> tuple[Mapping[str, Any], str] | None:
        """A local $ref (#/components/schemas/X) -> (the schema, its pointer)."""
        if not ref.startswith("#/"):
            return None
        node: Any = self.document
        for part in ref[2:].split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or key not in node:
                return None
            node = node[key]
        return (node, ref) if isinstance(node, Mapping) else None

    # --- properties ----------------------------------------------------------------------

    def _field(self, prop: Any, where: str, listed_required: bool) -> dict[str, Any] | None:
        if not isinstance(prop, Mapping):
            self._skip(where, "not a schema")
            return None
        # anyOf [$ref, null] (3.1) names the ref only once the null is stripped.
        stripped, nullable = _without_null(prop)
        schema = self._inline(stripped, where)
        if schema is None:
            return None
        schema, also_nullable = _without_null(schema)
        nullable = nullable or also_nullable
        if any(k in schema for k in ("oneOf", "anyOf", "allOf")):
            self._skip(where, "oneOf/anyOf/allOf: not in the spec format")
            return None
        kind = schema_kind(schema)
        if schema.get("x-scaffold-ref"):
            mapped: dict[str, Any] | None = {"type": "ref", "to": schema["x-scaffold-ref"]}
        elif kind in ("array", "object"):
            shape = "a list" if kind == "array" else "a nested object"
            self._drop(where, f"{shape}: stored as json, its shape is not checked")
            mapped = {"type": "json"}
        else:
            mapped = self._typed(kind, schema, where)
        if mapped is None:
            return None
        default = schema.get("default")
        if default is not None:
            problem = _field_problem({**mapped, "default": default})
            if problem:
                self._drop(f"{where}/default", f"default dropped: {problem}")
                default = None
        # The spec's `required: false` means optional and nullable; a default makes a field
        # optional on create without making it nullable.
        required = not nullable and (listed_required or default is not None)
        spec: dict[str, Any] = {"type": mapped.pop("type")}
        if not required:
            spec["required"] = False
        if default is not None:
            spec["default"] = default
        spec |= mapped
        if spec["type"] == "ref" and not required:
            spec["on_delete"] = "set_null"
        description = schema.get("description")
        if isinstance(description, str):
            spec["description"] = description
        if schema.get("readOnly") is True:
            self._drop(f"{where}/readOnly", "readOnly: clients send this field (not server-set)")
        problem = _field_problem(spec)
        if problem:
            self._skip(where, problem)
            return None
        return spec

    def _inline(self, prop: Mapping[str, Any], where: str) -> Mapping[str, Any] | None:
        """Follow $refs to schemas that are not objects; their keys are overridden by the
        ones beside the $ref (OpenAPI 3.1 allows description and default there)."""
        schema: Mapping[str, Any] = prop
        for _ in range(MAX_REF_DEPTH):
            ref = schema.get("$ref")
            if not isinstance(ref, str):
                return schema
            target = self._resolve(ref)
            if target is None:
                self._skip(where, f"refers to {ref}, which is not in this document")
                return None
            resolved, _ = target
            if schema_kind(resolved) == "object" or "properties" in resolved:
                # Another resource: a ref field (its id), with what stands beside the $ref.
                name = Names.from_name(ref.rsplit("/", 1)[-1]).singular
                extra = {k: v for k, v in schema.items() if k in ("description", "nullable")}
                return {"x-scaffold-ref": name, **extra}
            if schema_kind(resolved) == "array":
                return {**resolved, **{k: v for k, v in schema.items() if k != "$ref"}}
            schema = {**resolved, **{k: v for k, v in schema.items() if k != "$ref"}}
        self._skip(where, "$ref chain too long (a cycle?)")
        return None

    def _typed(
        self, kind: str | None, schema: Mapping[str, Any], where: str
    ) -> dict[str, Any] | None:
        """The spec type and its constraints for one property schema."""
        values = schema.get("enum")
        if kind is None and isinstance(values, list) and values:
            kind = "string" if all(isinstance(v, str) for v in values) else None
        if kind == "string":
            return self._string(schema, where)
        if kind in ("integer", "number"):
            return self._number(kind, schema, where)
        if kind == "boolean":
            return {"type": "boolean"}
        reason = "no type" if kind is None else f"type {kind!r} is not in the spec format"
        self._skip(where, reason)
        return None

    def _string(self, schema: Mapping[str, Any], where: str) -> dict[str, Any] | None:
        fmt = schema.get("format")
        values = schema.get("enum")
        if fmt == "binary":
            self._skip(where, "binary data (a file) is not in the spec format")
            return None
        mapped: dict[str, Any]
        if isinstance(values, list) and values:
            strings = [v for v in values if v is not None]
            if not all(isinstance(v, str) for v in strings):
                self._skip(where, "an enum with values that are not strings")
                return None
            mapped = {"type": "enum", "values": list(dict.fromkeys(strings))}
        elif fmt in STRING_FORMATS:
            mapped = {"type": STRING_FORMATS[fmt]}
        else:
            mapped = {"type": "text" if fmt == "byte" else "string"}
            if fmt is not None:
                self._drop(f"{where}/format", f"format {fmt!r} is not checked: a plain string")
        for keyword, key in (("minLength", "min_length"), ("maxLength", "max_length")):
            if keyword not in schema:
                continue
            if mapped["type"] in LENGTH_TYPES and _whole(schema[keyword]):
                mapped[key] = int(schema[keyword])
            else:
                self._drop(f"{where}/{keyword}", f"{keyword} does not apply to {mapped['type']}")
        if "pattern" in schema:
            self._drop(f"{where}/pattern", "pattern is not in the spec format: not checked")
        return mapped

    def _number(self, kind: str, schema: Mapping[str, Any], where: str) -> dict[str, Any]:
        integer = kind == "integer"
        mapped: dict[str, Any] = {"type": "integer" if integer else "float"}
        fmt = schema.get("format")
        if integer and fmt == "int64":
            mapped["type"] = "bigint"
        elif fmt not in (None, "int32", "float", "double"):
            self._drop(f"{where}/format", f"format {fmt!r} is not checked")
        for keyword, key in (("minimum", "min"), ("maximum", "max")):
            bound, problem = _bound(schema, keyword, mapped["type"])
            if problem is not None:
                self._drop(f"{where}/{problem[0]}", problem[1])
            elif bound is not None:
                mapped[key] = bound
        for keyword in ("multipleOf", "enum"):
            if keyword in schema:
                self._drop(f"{where}/{keyword}", f"{keyword} is not in the spec format")
        return mapped

    # --- reporting -----------------------------------------------------------------------

    def _skip(self, where: str, reason: str) -> None:
        self.result.skipped.append(Unmapped(where, reason))

    def _drop(self, where: str, reason: str) -> None:
        self.result.dropped.append(Unmapped(where, reason))


def schema_kind(schema: Any) -> str | None:
    """The JSON type of a schema ('object' also when only properties or allOf say so)."""
    if not isinstance(schema, Mapping):
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    if kind is None and ("properties" in schema or "allOf" in schema):
        return "object"
    return kind if isinstance(kind, str) else None


def _without_null(schema: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool]:
    """Strip the ways a schema says "or null" (3.0 nullable, 3.1 type lists, a oneOf or
    anyOf with {type: 'null'}, null among enum values); returns (schema, nullable)."""
    nullable = schema.get("nullable") is True
    result = dict(schema)
    kind = result.get("type")
    if isinstance(kind, list) and "null" in kind:
        nullable = True
        rest = [k for k in kind if k != "null"]
        result["type"] = rest[0] if len(rest) == 1 else rest
    for keyword in ("oneOf", "anyOf"):
        options = result.get(keyword)
        if isinstance(options, list) and any(_is_null(o) for o in options):
            rest = [o for o in options if not _is_null(o)]
            nullable = True
            if len(rest) == 1 and isinstance(rest[0], Mapping):
                del result[keyword]
                result = {**rest[0], **result}
    values = result.get("enum")
    if isinstance(values, list) and None in values:
        nullable = True
    return result, nullable


def _is_null(schema: Any) -> bool:
    return isinstance(schema, Mapping) and schema.get("type") == "null"


def _bound(
    schema: Mapping[str, Any], keyword: str, spec_type: str
) -> tuple[int | float | None, tuple[str, str] | None]:
    """minimum or maximum, with its exclusive form (a 3.0 boolean, a 3.1 number), as an
    inclusive bound of the spec type (integer, bigint or float); or (None, (keyword,
    reason)) when it cannot be kept."""
    integer = spec_type in INTEGER_RANGES
    exclusive_key = "exclusiveMinimum" if keyword == "minimum" else "exclusiveMaximum"
    value = schema.get(keyword)
    exclusive = schema.get(exclusive_key)
    if _number(exclusive):
        value, exclusive, keyword = exclusive, True, exclusive_key  # 3.1: the bound itself
    if value is None:
        return None, None
    if not _number(value):
        return None, (keyword, f"{keyword} is not a number")
    if exclusive is True:
        if not integer or not _whole(value):
            return None, (exclusive_key, "an exclusive bound is not in the spec format")
        value = int(value) + (1 if exclusive_key == "exclusiveMinimum" else -1)
    if not integer:
        return float(value), None
    if not _whole(value):
        return None, (keyword, f"{value} is not a whole number")
    low, high = INTEGER_RANGES[spec_type]
    if not low <= value <= high:
        bits = "64 bits (bigint)" if spec_type == "bigint" else "32 bits (the spec's integer)"
        return None, (keyword, f"{value} is outside {bits}")
    return int(value), None


def _number(value: Any) -> bool:
    """A finite JSON number (not a boolean)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _whole(value: Any) -> bool:
    return _number(value) and value == int(value)


def _field_problem(spec: dict[str, Any]) -> str:
    try:
        FieldSpec.model_validate(spec)
    except ValidationError as error:
        messages = [str(e["msg"]).removeprefix("Value error, ") for e in error.errors()]
        return "; ".join(m.rsplit(KEY_MARK, 1)[-1] for m in messages)
    return ""


def escape_pointer(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def get_at(document: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = document
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node
