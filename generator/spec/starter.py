"""The commented starter spec written when a user asks for a resource that has no spec yet."""

from __future__ import annotations

from ruamel.yaml import YAML

from generator.naming import Names
from generator.types import FIELD_TYPES


def starter_spec(name: str) -> str:
    names = Names.from_name(name)
    return f"""\
# yaml-language-server: $schema=../.vscode/scaffold-spec.schema.json
# The {names.human} resource. Edit the fields, then run: scaffold resource {names.plural}
# Field keys: type, required (default true), default, unique, min, max, min_length,
#   max_length, values (enum), description. `title: string` is short for `title: {{type: string}}`.
# Types: {", ".join(FIELD_TYPES)}.
resource: {_yaml_string(names.singular)}
description: {names.human_plural.capitalize()}.
fields:
  name: {{type: string, max_length: 120, description: "A short name."}}
  notes: {{type: text, required: false}}
pagination: {{default_limit: 20, max_limit: 100}}
"""


def _yaml_string(word: str) -> str:
    """``word`` as YAML that reads back as that string: `true`, `null` or `yes` quoted."""
    return word if YAML(typ="safe").load(word) == word else f'"{word}"'
