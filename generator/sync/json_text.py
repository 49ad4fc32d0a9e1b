"""The JSON files scaffold keeps in a project (.scaffold/manifest.json, schema.json)."""

from __future__ import annotations

import json
from typing import Any


def json_text(data: dict[str, Any]) -> str:
    """An object whose lists and objects are written one item a line: a change shows as
    the lines of the items it changed, and each item is written by json's C encoder (an
    indented dump of a thousand resources' entries is pure Python, and ten times slower)."""
    parts = []
    for key, value in data.items():
        if isinstance(value, dict) and value:
            items = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in value.items()]
            text = "{\n    " + ",\n    ".join(items) + "\n  }"
        elif isinstance(value, list) and value:
            text = "[\n    " + ",\n    ".join(json.dumps(v) for v in value) + "\n  ]"
        else:
            text = json.dumps(value)
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"
