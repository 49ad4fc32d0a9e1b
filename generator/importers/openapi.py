"""OpenAPI 3.0 / 3.1 component schemas -> resource specs, as plain data.

Each object schema under ``components.schemas`` becomes one resource; each property one
field. A ``$ref`` to another object schema becomes a ``ref`` field (its id); arrays and
nested objects become ``json`` (their shape is not checked, and the report says so); what
the spec format cannot hold (composition, binary data) is left out and reported with its
JSON pointer; keywords it cannot express (pattern, exclusive bounds, ...) are reported as
dropped. A ``$ref`` to a schema that is not an object (an enum, a constrained string) is
inlined."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from generator.errors import ScaffoldError
from generator.importers.openapi_fields import (
    MAX_REF_DEPTH,
    SCHEMAS,
    Conversion,
    Draft,
    FieldMapper,
    Unmapped,
    escape_pointer,
    get_at,
    pointer,
    schema_kind,
)
from generator.naming import Names, snake_case
from generator.spec.model import (
    field_name_problems,
)


def convert(document: Mapping[str, Any]) -> Conversion:
    """Every object schema of an OpenAPI 3 document as a draft spec."""
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        found = f"swagger {document['swagger']}" if "swagger" in document else repr(version)
        raise ScaffoldError(f"expected an OpenAPI 3.0 or 3.1 document, found {found}")
    schemas = get_at(document, SCHEMAS)
    if not isinstance(schemas, Mapping) or not schemas:
        raise ScaffoldError("the document has no component schemas (components.schemas)")
    return _Converter(document).run(schemas)


class _Converter(FieldMapper):
    def run(self, schemas: Mapping[str, Any]) -> Conversion:
        taken: dict[str, str] = {}  # plural -> schema name
        for name, schema in schemas.items():
            where = pointer(*SCHEMAS, str(name))
            draft = self._resource(str(name), schema, where)
            if draft is None:
                continue
            other = taken.get(draft.names.plural)
            if other is not None:
                self._skip(where, f"becomes the same resource ({draft.names.plural}) as {other}")
                continue
            taken[draft.names.plural] = draft.schema
            self.result.drafts.append(draft)
        self._drop_refs_to_missing_resources()
        return self.result

    def _drop_refs_to_missing_resources(self) -> None:
        """A ref field needs its resource imported too; without it the field is left out,
        and so is a resource left with no field (which other refs may then miss)."""
        changed = True
        while changed:
            changed = False
            imported = {draft.names.singular for draft in self.result.drafts}
            kept: list[Draft] = []
            for draft in self.result.drafts:
                fields = dict(draft.fields)
                for name, spec in draft.fields.items():
                    if spec["type"] == "ref" and spec["to"] not in imported:
                        del fields[name]
                        reason = f"refers to {spec['to']}, which is not imported"
                        self._skip(draft.locations[name], reason)
                if not fields:
                    self._skip(
                        draft.pointer, "no property could be imported; a resource needs a field"
                    )
                    changed = True
                    continue
                changed = changed or fields != draft.fields
                kept.append(replace(draft, fields=fields))
            self.result.drafts = kept

    # --- schemas -------------------------------------------------------------------------

    def _resource(self, name: str, schema: Any, where: str) -> Draft | None:
        try:
            names = Names.parse(name)
        except ScaffoldError as error:
            self._skip(where, str(error))
            return None
        if isinstance(schema, Mapping) and "$ref" in schema:
            self._skip(where, f"an alias of {schema['$ref']}: imported under that name")
            return None
        kind = schema_kind(schema)
        if kind != "object":
            inline = " (inlined where a property refers to it)" if kind else ""
            self._skip(where, f"not an object schema: {kind or 'no type'}{inline}")
            return None
        if any(k in schema for k in ("oneOf", "anyOf")):
            self._skip(where, "oneOf/anyOf: a resource needs one fixed set of fields")
            return None
        collected = self._properties(schema, where, depth=0)
        if isinstance(collected, str):
            self._skip(where, collected)
            return None
        properties, required = collected
        before = len(self.result.skipped)
        fields: dict[str, dict[str, Any]] = {}
        for prop_name, prop, prop_where in properties:
            if snake_case(prop_name) == "id":
                self._skip(prop_where, "`id` is generated: every resource has a UUID id")
                continue
            spec = self._field(prop, prop_where, prop_name in required)
            if spec is not None:
                fields[prop_name] = spec
        locations = {n: w for n, _, w in properties}
        for raw, problem in field_name_problems(list(fields)).items():
            del fields[raw]
            self._skip(locations[raw], problem)
        own_skips = self.result.skipped[before:]
        if not fields:
            self._skip(where, "no property could be imported; a resource needs a field")
            return None
        description = schema.get("description")
        return Draft(
            schema=name,
            pointer=where,
            names=names,
            description=description if isinstance(description, str) else None,
            fields=fields,
            skipped=list(own_skips),
            locations={name: locations[name] for name in fields},
        )

    def _properties(
        self, schema: Mapping[str, Any], where: str, depth: int
    ) -> tuple[list[tuple[str, Any, str]], set[str]] | str:
        """The properties of an object schema, following allOf (own and referenced parts),
        each with the pointer of where it is defined; or why they cannot be collected."""
        if depth > MAX_REF_DEPTH:
            return "allOf nests too deep (a cycle?)"
        found: list[tuple[str, Any, str]] = []
        required: set[str] = set()
        for index, part in enumerate(schema.get("allOf") or []):
            part_where = f"{where}/allOf/{index}"
            if isinstance(part, Mapping) and isinstance(part.get("$ref"), str):
                target = self._resolve(part["$ref"])
                if target is None:
                    return f"allOf refers to {part['$ref']}, which is not in this document"
                part, part_where = target
            if not isinstance(part, Mapping) or schema_kind(part) != "object":
                return "allOf with a part that is not an object schema"
            collected = self._properties(part, part_where, depth + 1)
            if isinstance(collected, str):
                return collected
            found += collected[0]
            required |= collected[1]
        own = schema.get("properties") or {}
        if not isinstance(own, Mapping):
            return "`properties` is not a mapping"
        found += [
            (str(n), p, f"{where}/properties/{escape_pointer(str(n))}") for n, p in own.items()
        ]
        listed = schema.get("required") or []
        required |= {str(n) for n in listed} if isinstance(listed, list) else set()
        by_name = {name: (name, prop, at) for name, prop, at in found}  # later parts win
        return list(by_name.values()), required


def rename_reserved(conversion: Conversion, refused: Callable[[Names], str | None]) -> None:
    """Schemas whose resource the project cannot have (``refused`` says why: e.g. User, as
    it has sign-in users) are imported as api_<name>, refs to them follow, and the report
    says so."""
    renamed: dict[str, Names] = {}
    for index, draft in enumerate(conversion.drafts):
        problem = refused(draft.names)
        if problem:
            new = Names.from_name(f"api_{draft.names.singular}")
            renamed[draft.names.singular] = new
            conversion.dropped.append(
                Unmapped(draft.pointer, f"imported as {new.plural}: {problem}")
            )
            conversion.drafts[index] = replace(draft, names=new)
    for draft in conversion.drafts:
        for spec in draft.fields.values():
            target = spec.get("to")
            if spec.get("type") == "ref" and target in renamed:
                spec["to"] = renamed[target].singular


__all__ = ["Conversion", "Draft", "Unmapped", "convert", "pointer", "rename_reserved"]
