"""The spec reference tables, generated from the spec models so they cannot drift.

An mkdocs hook (listed under `hooks:` in mkdocs.yml): when docs/spec.md or docs/shorthand.md
is built, the text
between each `<!-- BEGIN name -->` and `<!-- END name -->` marker is replaced by tables
rendered from `generator.spec.model` (ResourceSpec, FieldSpec, Pagination and any model
they grow, their model_fields), from the type registry (generator/types/) and from each
stack's stack.yaml. The hand-written prose around the markers is kept.

The files in the repository carry the same tables, so it reads right on a code host too.
A build whose copy is stale warns (so `mkdocs build --strict` fails); refresh it with

    .venv/bin/python docs/hooks/spec_reference.py
"""

from __future__ import annotations

import json
import logging
import re
import sys
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("spec.md", "shorthand.md")  # the pages with generated regions
REGION = re.compile(
    r"(<!-- BEGIN (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- END (?P=name) -->)", re.S
)
log = logging.getLogger("mkdocs.hooks.spec_reference")

# --- mkdocs ---------------------------------------------------------------------------------


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.file.src_uri not in PAGES:
        return markdown
    rendered = render(markdown, page.file.src_uri)
    if rendered != markdown:
        log.warning(
            f"docs/{page.file.src_uri}: the generated tables are out of date with the spec"
            " models or the type registry; refresh them with:"
            " .venv/bin/python docs/hooks/spec_reference.py"
        )
    return rendered


def render(markdown: str, page: str = "spec.md") -> str:
    """``markdown`` (docs/<page>) with every generated region filled afresh."""
    regions = regions_text(page)
    found = {m.group("name") for m in REGION.finditer(markdown)}
    missing = sorted(set(regions) - found)
    if missing:
        raise ValueError(f"docs/{page} has no <!-- BEGIN {missing[0]} --> ... END marker")

    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in regions:
            raise ValueError(f"docs/{page}: unknown generated region {name!r}")
        return f"{match.group(1)}{regions[name]}{match.group(4)}"

    return REGION.sub(fill, markdown)


def regions_text(page: str = "spec.md") -> dict[str, str]:
    _importable()
    if page == "shorthand.md":
        return {"shorthand-types": shorthand_types_markdown()}
    return {"spec-keys": keys_markdown(), "spec-types": types_markdown()}


# --- the keys -------------------------------------------------------------------------------


def keys_markdown() -> str:
    from generator.spec.model import ResourceSpec, spec_json_schema

    schema = spec_json_schema()
    sections: list[tuple[str, type[BaseModel], dict[str, Any]]] = [
        ("Top-level keys", ResourceSpec, schema)
    ]
    for path, model in _nested_models(ResourceSpec):
        sections.append((f"`{path}` keys", model, schema["$defs"][model.__name__]))
    parts = []
    for title, model, model_schema in sections:
        required = set(model_schema.get("required", []))
        rows = [
            [
                f"`{info.alias or key}`",
                _type_text(model_schema["properties"][info.alias or key]),
                _default_text(info, (info.alias or key) in required),
                _escape(_meaning(info)),
            ]
            for key, info in model.model_fields.items()
        ]
        intro = _escape(" ".join((model.__doc__ or "").split()))
        table = _table(["key", "type", "default", "meaning"], rows)
        parts.append(f"## {title}\n\n{intro}\n\n{table}")
    return "\n".join(parts)


def _nested_models(model: type[BaseModel], prefix: str = "") -> list[tuple[str, type[BaseModel]]]:
    """Models used by ``model``'s fields, with the path a user writes to reach them."""
    found: list[tuple[str, type[BaseModel]]] = []
    for key, info in model.model_fields.items():
        for inner, many in _models_in(info.annotation):
            path = f"{prefix}{key}" + (".<name>" if many else "")
            found.append((path, inner))
            found += _nested_models(inner, f"{path}.")
    return found


def _models_in(annotation: Any, many: bool = False) -> list[tuple[type[BaseModel], bool]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, many)]
    origin = typing.get_origin(annotation)
    nested = many or origin in (dict, list, tuple, set)
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg, nested)]


def _type_text(prop: dict[str, Any]) -> str:
    from generator.types import FIELD_TYPES

    if "$ref" in prop:
        return "keys below"
    if "anyOf" in prop:
        options = [_type_text(p) for p in prop["anyOf"] if p.get("type") != "null"]
        if "number" in options:
            options = [o for o in options if not o.startswith("integer")]
        return " or ".join(dict.fromkeys(options))
    if "enum" in prop:
        if set(prop["enum"]) == set(FIELD_TYPES):
            return "a [type](#types)"
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    kind = prop.get("type")
    if kind == "array":
        return f"list of {_type_text(prop.get('items', {}))}s"
    if kind == "object":
        return f"mapping: name → {_type_text(prop.get('additionalProperties', {}))}"
    if kind is None:
        return "any"
    low, high = prop.get("minimum"), prop.get("maximum")
    if low is not None and high is not None:
        return f"{kind}, {low} to {high}"
    if low is not None:
        return f"{kind} ≥ {low}"
    return str(kind)


def _default_text(info: FieldInfo, required: bool) -> str:
    if required:
        return "**required**"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "see below"
        return f"`{json.dumps(value)}`"
    if info.default is PydanticUndefined:
        return "see meaning"
    if info.default is None:
        return "none"
    if isinstance(info.default, str):
        return f"`{info.default}`"
    return f"`{json.dumps(info.default)}`"


def _meaning(info: FieldInfo) -> str:
    if info.description:
        return info.description
    annotation = info.annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return " ".join((annotation.__doc__ or "").split())
    return ""


# --- the types ------------------------------------------------------------------------------


def types_markdown() -> str:
    from generator.stacks import load_stack
    from generator.types import TYPES

    stacks = [load_stack(p.parent.name) for p in sorted(ROOT.glob("templates/*/stack.yaml"))]
    header = ["type", "value"]
    for stack in stacks:
        header += [f"{stack.name}: validator", f"{stack.name}: column"]
    rows = []
    for name, spec_type in TYPES.items():
        row = [f"`{name}`", spec_type.note]
        for stack in stacks:
            spelled = stack.types.get(name, {})
            row += [_code(spelled.get("schema")), _code(spelled.get("column"))]
        rows.append(row)
    return _table(header, rows)


def shorthand_types_markdown() -> str:
    """What a person types for each type in the shorthand, and the spec it gives."""
    from generator.types import TYPES

    rows = []
    for name, spec_type in TYPES.items():
        first = spec_type.shorthand or name
        words = dict.fromkeys([first, name, *spec_type.aliases])
        forms = spec_type.shorthand_forms or ", ".join(f"`{word}`" for word in words)
        spec = spec_type.shorthand_spec or f"`type: {name}`"
        rows.append([forms, spec, spec_type.shorthand_note])
    return _table(["you type", "spec", "notes"], rows)


def _code(text: Any) -> str:
    if not isinstance(text, str):
        return "—"
    if re.fullmatch(r"{\w+}", text):
        return "a type generated for the field"
    plain = re.sub(r"{(\w+)}", r"\1", text)  # placeholders: {max_length} -> max_length
    return f"`{plain}`".replace("|", "\\|")


# --- markdown -------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _importable() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def main() -> None:
    """Refresh the generated tables (run after changing the spec models or a type)."""
    for name in PAGES:
        page = ROOT / "docs" / name
        text = page.read_text(encoding="utf-8")
        updated = render(text, name)
        if updated == text:
            print(f"{page.relative_to(ROOT)} is up to date")
            continue
        page.write_text(updated, encoding="utf-8")
        print(f"refreshed the generated tables in {page.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
