"""Editor support files of a project: the JSON Schema that checks and completes spec files.

`.vscode/settings.json` (from the project template) maps `specs/*.yaml` to
`.vscode/scaffold-spec.schema.json` for the Red Hat YAML extension; this module writes that
schema from the spec models, so the editor checks exactly what the generator accepts."""

from __future__ import annotations

import json
from pathlib import Path

from generator.errors import ScaffoldError
from generator.sync.files import write_whole

EDITOR_SCHEMA = ".vscode/scaffold-spec.schema.json"


def editor_schema_text() -> str:
    from generator.spec.model import spec_json_schema

    return json.dumps(spec_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_editor_schema(project_root: Path) -> Path:
    """Write (or refresh) the project's spec schema; returns its path. Writes only when the
    text changed, so editors watching the file are not disturbed for nothing."""
    path = project_root / EDITOR_SCHEMA
    text = editor_schema_text()
    try:
        unchanged = path.is_file() and path.read_text(encoding="utf-8") == text
    except OSError as error:
        raise ScaffoldError(f"cannot write {EDITOR_SCHEMA}: {error.strerror or error}") from None
    if not unchanged:
        write_whole(path, text, EDITOR_SCHEMA)
    return path
