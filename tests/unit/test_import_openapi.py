"""`scaffold import`: OpenAPI component schemas become specs that load; the rest is reported."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.commands.generate import Options, generate_resources
from generator.commands.project import Project
from generator.errors import ScaffoldError
from generator.importers import import_openapi, load_document
from generator.importers.openapi import Conversion, convert
from generator.spec import load_spec
from generator.spec.model import FieldSpec
from generator.stacks import load_stack

PETSTORE = Path(__file__).parent / "fixtures" / "petstore.yaml"
PETSTORE_RESOURCES = [
    "orders",
    "customers",
    "addresses",
    "categories",
    "api_users",  # User: the project already has sign-in users
    "tags",
    "pets",
    "api_responses",
]
RESERVED = load_stack("fastapi").resource_name_problem
SCHEMA_COMMENT = "# yaml-language-server: $schema=../.vscode/scaffold-spec.schema.json"


def schemas(**components: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "components": {"schemas": components}}


def fields_of(conversion: Conversion, schema: str) -> dict[str, dict[str, Any]]:
    (draft,) = [d for d in conversion.drafts if d.schema == schema]
    return draft.fields


def reasons(items: list[Any]) -> dict[str, str]:
    return {item.pointer: item.reason for item in items}


def one_field(prop: dict[str, Any], required: bool = False) -> dict[str, Any] | None:
    """The field made from one property (None if it was skipped)."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"x": prop, "keep": {"type": "boolean"}},
    }
    if required:
        schema["required"] = ["x"]
    return fields_of(convert(schemas(Thing=schema)), "Thing").get("x")


# --- the Swagger Petstore -------------------------------------------------------------------


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Path, Any]:
    report = import_openapi(PETSTORE, tmp_path / "specs", tmp_path)
    return tmp_path / "specs", report


def test_petstore_specs_all_load(imported: tuple[Path, Any]) -> None:
    specs, report = imported
    # Imported with no reserved names: User stays `users` (a project renames it: see below).
    names = [
        name.removeprefix("api_") if name == "api_users" else name for name in PETSTORE_RESOURCES
    ]
    assert report.resources == names
    assert report.written == [f"specs/{name}.yaml" for name in names]
    for name in names:
        path = specs / f"{name}.yaml"
        assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_COMMENT
        load_spec(path)  # raises SpecError on any problem


def test_petstore_fields_are_mapped(imported: tuple[Path, Any]) -> None:
    specs, _ = imported
    pet = load_spec(specs / "pets.yaml")
    assert pet.resource == "pet"
    assert list(pet.fields) == ["name", "category", "photoUrls", "tags", "status"]
    assert pet.fields["name"].type == "string" and pet.fields["name"].required
    category = pet.fields["category"]
    assert (category.type, category.to, category.on_delete, category.required) == (
        "ref",
        "category",
        "set_null",
        False,
    )
    photos, tags = pet.fields["photoUrls"], pet.fields["tags"]
    assert (photos.type, photos.required) == ("json", True)  # listed in `required`
    assert (tags.type, tags.required) == ("json", False)
    status = pet.fields["status"]
    assert (status.type, status.values, status.required) == (
        "enum",
        ["available", "pending", "sold"],
        False,
    )
    assert status.description == "pet status in the store"
    order = load_spec(specs / "orders.yaml").fields
    assert {name: f.type for name, f in order.items()} == {
        "petId": "bigint",  # int64
        "quantity": "integer",
        "shipDate": "datetime",
        "status": "enum",
        "complete": "boolean",
    }
    assert load_spec(specs / "users.yaml").fields["userStatus"].description == "User Status"
    address = load_spec(specs / "customers.yaml").fields["address"]
    assert (address.type, address.required) == ("json", False)


def test_petstore_pet_fields_as_written(imported: tuple[Path, Any]) -> None:
    specs, _ = imported
    draft = fields_of(convert(load_document(PETSTORE)), "Pet")
    assert draft == {
        "name": {"type": "string"},
        "category": {
            "type": "ref",
            "required": False,
            "to": "category",
            "on_delete": "set_null",
        },
        "photoUrls": {"type": "json"},
        "tags": {"type": "json", "required": False},
        "status": {
            "type": "enum",
            "required": False,
            "values": ["available", "pending", "sold"],
            "description": "pet status in the store",
        },
    }
    text = (specs / "pets.yaml").read_text(encoding="utf-8")
    assert "  category: {type: ref, required: false, to: category, on_delete: set_null}\n" in text
    assert "  photoUrls: {type: json}\n" in text


def test_petstore_reports_what_it_could_not_map(imported: tuple[Path, Any]) -> None:
    _, report = imported
    schemas_at = "#/components/schemas"
    pet = f"{schemas_at}/Pet/properties"
    skipped = reasons(report.skipped)
    ids = ["Order", "Customer", "Category", "User", "Tag", "Pet"]
    assert skipped == {
        f"{schemas_at}/{name}/properties/id": "`id` is generated: every resource has a UUID id"
        for name in ids
    }  # only the ids: the category ref and the lists are imported
    listed = "a list: stored as json, its shape is not checked"
    assert reasons(report.dropped) == {
        f"{pet}/photoUrls": listed,
        f"{pet}/tags": listed,
        f"{schemas_at}/Customer/properties/address": listed,
    }  # int64 is kept (bigint), so petId/format is not dropped
    pets_text = (imported[0] / "pets.yaml").read_text(encoding="utf-8")
    comments = [line for line in pets_text.splitlines() if line.startswith("#   ")]
    assert comments == ["#   id: `id` is generated: every resource has a UUID id"]


def test_petstore_specs_generate_a_project(project_root: Path) -> None:
    """Every imported spec generates code that parses, and the router mounts every resource."""
    import_openapi(PETSTORE, project_root / "specs", project_root, refused=RESERVED)
    result = generate_resources(Project.find(project_root), PETSTORE_RESOURCES, Options())
    assert result.written and not result.plan.conflicts
    for name in PETSTORE_RESOURCES:
        source = (project_root / "app" / "models" / f"{name}.py").read_text(encoding="utf-8")
        ast.parse(source)
    routes = (project_root / "app" / "routes.py").read_text(encoding="utf-8")
    assert all(name in routes for name in PETSTORE_RESOURCES)


def test_existing_specs_are_kept_unless_forced(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    mine = "resource: pet\nfields:\n  nickname: string\n"
    (specs / "pets.yaml").write_text(mine, encoding="utf-8")
    report = import_openapi(PETSTORE, specs, tmp_path, refused=RESERVED)
    assert (specs / "pets.yaml").read_text(encoding="utf-8") == mine
    assert [s.path for s in report.skipped_files] == ["specs/pets.yaml"]
    assert "specs/pets.yaml" not in report.written
    forced = import_openapi(PETSTORE, specs, tmp_path, force=True, refused=RESERVED)
    assert "specs/pets.yaml" in forced.written
    assert "nickname" not in (specs / "pets.yaml").read_text(encoding="utf-8")


def test_schema_comment_points_at_the_project_root(tmp_path: Path) -> None:
    specs = tmp_path / "api" / "specs"
    import_openapi(PETSTORE, specs, tmp_path, refused=RESERVED)
    first = (specs / "tags.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../.vscode/scaffold-spec.schema.json"


# --- the mapping ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ({"type": "string", "format": "date"}, {"type": "date", "required": False}),
        ({"type": "string", "format": "date-time"}, {"type": "datetime", "required": False}),
        ({"type": "string", "format": "uuid"}, {"type": "uuid", "required": False}),
        ({"type": "string", "format": "email"}, {"type": "email", "required": False}),
        ({"type": "string", "format": "uri"}, {"type": "url", "required": False}),
        ({"type": "string", "format": "url"}, {"type": "url", "required": False}),
        (
            {"type": "string", "format": "uri", "default": "https://example.com/a"},
            {"type": "url", "default": "https://example.com/a"},
        ),
        ({"type": "string", "format": "byte"}, {"type": "text", "required": False}),
        (
            {"type": "string", "minLength": 2, "maxLength": 40},
            {"type": "string", "required": False, "min_length": 2, "max_length": 40},
        ),
        ({"type": "number", "format": "double"}, {"type": "float", "required": False}),
        (
            {"type": "number", "minimum": 0.5, "maximum": 9},
            {"type": "float", "required": False, "min": 0.5, "max": 9.0},
        ),
        (
            {"type": "integer", "format": "int32", "minimum": 1, "maximum": 5},
            {"type": "integer", "required": False, "min": 1, "max": 5},
        ),
        ({"type": "integer", "format": "int64"}, {"type": "bigint", "required": False}),
        (
            {"type": "integer", "format": "int64", "minimum": 1, "maximum": 5},
            {"type": "bigint", "required": False, "min": 1, "max": 5},
        ),
        (  # beyond 32 bits: fine for a bigint
            {"type": "integer", "format": "int64", "default": 5_000_000_000},
            {"type": "bigint", "default": 5_000_000_000},
        ),
        (  # OpenAPI 3.0 exclusive bounds are booleans; integers keep them exactly
            {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
            {"type": "integer", "required": False, "min": 1},
        ),
        (  # OpenAPI 3.1 exclusive bounds are numbers
            {"type": "integer", "exclusiveMaximum": 10},
            {"type": "integer", "required": False, "max": 9},
        ),
        ({"type": "boolean", "default": True}, {"type": "boolean", "default": True}),
        (
            {"type": "string", "enum": ["a", "b"], "default": "b", "description": "Pick."},
            {"type": "enum", "default": "b", "values": ["a", "b"], "description": "Pick."},
        ),
        ({"enum": ["x", "y"]}, {"type": "enum", "required": False, "values": ["x", "y"]}),
    ],
)
def test_types_formats_and_bounds(prop: dict[str, Any], expected: dict[str, Any]) -> None:
    assert one_field(prop) == expected


def test_required_and_nullable() -> None:
    assert one_field({"type": "string"}, required=True) == {"type": "string"}
    assert one_field({"type": "string", "nullable": True}, required=True) == {
        "type": "string",
        "required": False,
    }
    assert one_field({"type": ["integer", "null"]}, required=True) == {
        "type": "integer",
        "required": False,
    }
    assert one_field({"anyOf": [{"type": "boolean"}, {"type": "null"}]}, required=True) == {
        "type": "boolean",
        "required": False,
    }


def test_int64_keeps_no_dropped_format() -> None:
    conversion = convert(
        schemas(Thing={"properties": {"x": {"type": "integer", "format": "int64"}}})
    )
    assert fields_of(conversion, "Thing")["x"] == {"type": "bigint", "required": False}
    assert conversion.dropped == [] and conversion.skipped == []


def test_int64_bounds_beyond_32_bits_are_kept() -> None:
    prop = {"type": "integer", "format": "int64", "minimum": -(2**40), "maximum": 2**40}
    conversion = convert(schemas(Thing={"properties": {"x": prop}}))
    assert fields_of(conversion, "Thing")["x"] == {
        "type": "bigint",
        "required": False,
        "min": -(2**40),
        "max": 2**40,
    }
    assert conversion.dropped == []


OTHER = {"type": "object", "properties": {"name": {"type": "string"}}}


@pytest.mark.parametrize(
    ("prop", "required", "expected"),
    [
        ({"$ref": "#/components/schemas/Other"}, True, {"type": "ref", "to": "other"}),
        (
            {"$ref": "#/components/schemas/Other"},
            False,
            {"type": "ref", "required": False, "to": "other", "on_delete": "set_null"},
        ),
        (  # OpenAPI 3.0 nullable beside the $ref: optional even when listed as required
            {"$ref": "#/components/schemas/Other", "nullable": True},
            True,
            {"type": "ref", "required": False, "to": "other", "on_delete": "set_null"},
        ),
        (  # OpenAPI 3.1 allows a description beside a $ref
            {"$ref": "#/components/schemas/Other", "description": "Who."},
            True,
            {"type": "ref", "to": "other", "description": "Who."},
        ),
    ],
)
def test_a_ref_to_an_object_schema_becomes_a_ref_field(
    prop: dict[str, Any], required: bool, expected: dict[str, Any]
) -> None:
    thing: dict[str, Any] = {"type": "object", "properties": {"x": prop}}
    if required:
        thing["required"] = ["x"]
    conversion = convert(schemas(Thing=thing, Other=OTHER))
    assert fields_of(conversion, "Thing")["x"] == expected
    assert conversion.skipped == [] and conversion.dropped == []
    FieldSpec.model_validate(expected)  # the spec format takes it as it is


def test_a_ref_names_the_singular_of_the_target_resource() -> None:
    conversion = convert(
        schemas(
            Thing={"properties": {"x": {"$ref": "#/components/schemas/ApiResponse"}}},
            ApiResponse={"properties": {"code": {"type": "integer"}}},
        )
    )
    (target,) = [d for d in conversion.drafts if d.schema == "ApiResponse"]
    assert fields_of(conversion, "Thing")["x"]["to"] == target.names.singular == "api_response"


def test_a_nullable_ref_in_the_3_1_style_becomes_an_optional_ref() -> None:
    prop = {"anyOf": [{"$ref": "#/components/schemas/Other"}, {"type": "null"}]}
    keep = {"type": "boolean"}
    thing = {"type": "object", "required": ["x"], "properties": {"x": prop, "keep": keep}}
    conversion = convert(schemas(Thing=thing, Other=OTHER))
    assert fields_of(conversion, "Thing").get("x") == {
        "type": "ref",
        "required": False,
        "to": "other",
        "on_delete": "set_null",
    }


def test_a_ref_to_a_schema_that_is_not_imported_is_reported() -> None:
    conversion = convert(
        schemas(
            Thing={"properties": {"x": {"$ref": "#/components/schemas/Empty"}}},
            Empty={"type": "object", "properties": {"id": {"type": "integer"}}},
        )
    )
    assert "Empty" not in [d.schema for d in conversion.drafts]
    where = "#/components/schemas/Thing/properties/x"
    assert where in reasons(conversion.skipped) | reasons(conversion.dropped)


@pytest.mark.parametrize(
    ("prop", "required", "expected", "because"),
    [
        ({"type": "array", "items": {"type": "string"}}, True, {"type": "json"}, "a list"),
        (
            {"type": "array", "items": {"$ref": "#/components/schemas/Other"}},
            False,
            {"type": "json", "required": False},
            "a list",
        ),
        (  # OpenAPI 3.1 type list with null: optional
            {"type": ["array", "null"], "items": {"type": "integer"}},
            True,
            {"type": "json", "required": False},
            "a list",
        ),
        (  # a $ref to an array schema is inlined, then stored as json
            {"$ref": "#/components/schemas/Names"},
            False,
            {"type": "json", "required": False},
            "a list",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string"}}},
            False,
            {"type": "json", "required": False},
            "a nested object",
        ),
        (
            {"type": "object", "additionalProperties": {"type": "string"}, "description": "D."},
            True,
            {"type": "json", "description": "D."},
            "a nested object",
        ),
    ],
)
def test_arrays_and_nested_objects_become_json_and_are_reported(
    prop: dict[str, Any], required: bool, expected: dict[str, Any], because: str
) -> None:
    thing: dict[str, Any] = {"type": "object", "properties": {"x": prop}}
    if required:
        thing["required"] = ["x"]
    names = {"type": "array", "items": {"type": "string"}}
    conversion = convert(schemas(Thing=thing, Other=OTHER, Names=names))
    assert fields_of(conversion, "Thing")["x"] == expected
    where = "#/components/schemas/Thing/properties/x"
    assert reasons(conversion.dropped) == {
        where: f"{because}: stored as json, its shape is not checked"
    }
    assert where not in reasons(conversion.skipped)


@pytest.mark.parametrize(
    ("prop", "skipped_because"),
    [
        ({"$ref": "#/components/schemas/Missing"}, "not in this document"),
        ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, "oneOf"),
        ({"type": "string", "format": "binary"}, "binary"),
        ({"type": "integer", "enum": [1, 2]}, None),  # kept as integer, enum dropped
        ({"description": "anything"}, "no type"),
    ],
)
def test_unrepresentable_properties_are_skipped_with_their_pointer(
    prop: dict[str, Any], skipped_because: str | None
) -> None:
    conversion = convert(
        schemas(
            Thing={"type": "object", "properties": {"x": prop, "keep": {"type": "boolean"}}},
            Other={"type": "object", "properties": {"name": {"type": "string"}}},
        )
    )
    skipped = reasons(conversion.skipped)
    where = "#/components/schemas/Thing/properties/x"
    if skipped_because is None:
        assert where not in skipped
        assert fields_of(conversion, "Thing")["x"]["type"] == "integer"
        assert f"{where}/enum" in reasons(conversion.dropped)
    else:
        assert skipped_because in skipped[where]
        assert "x" not in fields_of(conversion, "Thing")


def test_keywords_the_spec_cannot_hold_are_reported_as_dropped() -> None:
    prop = {
        "type": "string",
        "format": "hostname",
        "pattern": "^[a-z]+$",
        "enum": ["a"],
        "maxLength": 3,
        "default": "zzz",
    }
    conversion = convert(schemas(Thing={"properties": {"x": prop}}))
    assert fields_of(conversion, "Thing")["x"] == {
        "type": "enum",
        "required": False,
        "values": ["a"],
    }
    where = "#/components/schemas/Thing/properties/x"
    assert set(reasons(conversion.dropped)) == {
        f"{where}/maxLength",  # not for an enum
        f"{where}/pattern",
        f"{where}/default",  # not one of the values
    }


def test_a_ref_to_a_non_object_schema_is_inlined() -> None:
    conversion = convert(
        schemas(
            Status={"type": "string", "enum": ["on", "off"], "description": "State."},
            Device={
                "type": "object",
                "required": ["status"],
                "properties": {"status": {"$ref": "#/components/schemas/Status"}},
            },
        )
    )
    assert fields_of(conversion, "Device")["status"] == {
        "type": "enum",
        "values": ["on", "off"],
        "description": "State.",
    }
    assert "not an object schema" in reasons(conversion.skipped)["#/components/schemas/Status"]


def test_all_of_merges_the_parts() -> None:
    conversion = convert(
        schemas(
            Base={
                "type": "object",
                "required": ["name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            Dog={
                "allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {"type": "object", "properties": {"barks": {"type": "boolean"}}},
                ]
            },
        )
    )
    assert fields_of(conversion, "Dog") == {
        "name": {"type": "string"},
        "barks": {"type": "boolean", "required": False},
    }


def test_names_the_generator_owns_and_collisions_are_skipped() -> None:
    conversion = convert(
        schemas(
            Pet={
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "first-name": {"type": "string"},
                    "firstName": {"type": "string"},
                },
            },
            Pets={"type": "object", "properties": {"n": {"type": "integer"}}},
            Empty={"type": "object", "properties": {"id": {"type": "integer"}}},
        ),
    )
    assert list(fields_of(conversion, "Pet")) == ["name", "first-name"]
    skipped = reasons(conversion.skipped)
    assert "created_at" in skipped["#/components/schemas/Pet/properties/createdAt"]
    assert "both become `first_name`" in skipped["#/components/schemas/Pet/properties/firstName"]
    assert "same resource (pets) as Pet" in skipped["#/components/schemas/Pets"]
    assert "needs a field" in skipped["#/components/schemas/Empty"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"swagger": "2.0", "definitions": {}}, "found swagger 2.0"),
        ({"openapi": "3.0.3", "paths": {}}, "no component schemas"),
    ],
)
def test_documents_it_cannot_read_are_refused(document: dict[str, Any], message: str) -> None:
    with pytest.raises(ScaffoldError, match=message):
        convert(document)


@pytest.mark.parametrize(
    "description",
    [
        "Quotes \" and ' and a colon: here",
        "# not a comment, {{ not template }} and a backslash \\",
        "Two lines\nof text",
        "Trailing spaces   \nand a\ttab",
        " leading space and a trailing newline\n",
    ],
)
def test_descriptions_survive_exactly(tmp_path: Path, description: str) -> None:
    document = schemas(
        Note={
            "type": "object",
            "description": description,
            "properties": {"body": {"type": "string", "description": description}},
        }
    )
    source = tmp_path / "openapi.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    import_openapi(source, tmp_path / "specs", tmp_path)
    spec = load_spec(tmp_path / "specs" / "notes.yaml")
    assert spec.description == description
    assert spec.fields["body"].description == description


# --- the command ----------------------------------------------------------------------------


def test_cli_import_json_and_no_overwrite(
    project_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_root)
    first = CliRunner().invoke(app, ["import", str(PETSTORE), "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["ok"] is True
    assert data["resources"] == PETSTORE_RESOURCES
    assert {"pointer", "reason"} <= set(data["skipped"][0])
    again = CliRunner().invoke(app, ["import", str(PETSTORE), "--json"])
    assert again.exit_code == 0
    repeat = json.loads(again.stdout)
    assert repeat["written"] == []
    assert len(repeat["skipped_files"]) == len(PETSTORE_RESOURCES)


def test_cli_import_prints_the_report_and_the_next_step(
    project_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_root)
    result = CliRunner().invoke(app, ["import", str(PETSTORE)])
    assert result.exit_code == 0, result.output
    assert "wrote    specs/pets.yaml" in result.stdout
    assert "Not imported (6):" in result.stdout
    assert "Imported without (4):" in result.stdout
    user = "#/components/schemas/User"
    assert f"  {user}: imported as api_users: the project already has users\n" in result.stdout
    photos = "#/components/schemas/Pet/properties/photoUrls"
    assert f"  {photos}: a list: stored as json, its shape is not checked\n" in result.stdout
    assert f"scaffold resource {' '.join(PETSTORE_RESOURCES)}" in result.stdout


def test_cli_import_of_a_missing_file_fails_plainly(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "text, message",
    [
        (  # ten levels of ten aliases: 10^10 values once expanded
            "\n".join(
                ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
                + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
            ),
            "the document holds more than 5,000,000 values once its YAML aliases are expanded",
        ),
        ("openapi: " + "[" * 20_000 + "]" * 20_000, "1:110: values nest more than 100 levels"),
        (
            "".join(f"{'  ' * n}k{n}:\n" for n in range(150)) + "  " * 150 + "end\n",
            "values nest more than 100 levels deep",
        ),
    ],
    ids=["alias bomb", "deep flow", "deep block"],
)
def test_documents_that_would_cost_too_much_are_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    document = tmp_path / "openapi.yaml"
    document.write_text(text, encoding="utf-8")
    with pytest.raises(ScaffoldError, match=message):
        load_document(document)


def test_enum_values_and_defaults_survive_exactly(tmp_path: Path) -> None:
    values = ["yes", "null", "1", "a, b", "[x]", "#tag", "2024-01-01"]
    prop = {"type": "string", "enum": values, "default": "2024-01-01"}
    document = schemas(Flag={"type": "object", "properties": {"state": prop}})
    source = tmp_path / "openapi.yaml"
    source.write_text(json.dumps(document), encoding="utf-8")
    import_openapi(source, tmp_path / "specs", tmp_path)
    state = load_spec(tmp_path / "specs" / "flags.yaml").fields["state"]
    assert state.values == values
    assert state.default == "2024-01-01"


def test_int64_bounds_beyond_64_bits_are_dropped_and_reported() -> None:
    prop = {"type": "integer", "format": "int64", "maximum": 2**70}
    conversion = convert(schemas(Thing={"properties": {"x": prop}}))
    assert fields_of(conversion, "Thing")["x"] == {"type": "bigint", "required": False}
    [dropped] = conversion.dropped
    assert dropped.reason == f"{2**70} is outside 64 bits (bigint)"


def test_a_resource_left_without_fields_by_a_missing_ref_is_left_out_too() -> None:
    ref = {"$ref": "#/components/schemas/Middle"}
    conversion = convert(
        schemas(
            Top={"properties": {"middle": ref, "title": {"type": "string"}}},
            Middle={"properties": {"bottom": {"$ref": "#/components/schemas/Bottom"}}},
            Bottom={"type": "object", "properties": {"id": {"type": "integer"}}},
        )
    )
    assert [d.schema for d in conversion.drafts] == ["Top"]
    assert fields_of(conversion, "Top") == {"title": {"type": "string", "required": False}}
    skipped = reasons(conversion.skipped)
    assert {
        "#/components/schemas/Middle/properties/bottom",
        "#/components/schemas/Middle",
        "#/components/schemas/Top/properties/middle",
    } <= set(skipped)
