"""The shorthand's vocabulary: type words, flags, key order, and its error types."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor

from generator.errors import ScaffoldError
from generator.naming import with_article
from generator.types import (
    INTEGER_TYPES,
    LENGTH_TYPES,
    NEVER_UNIQUE_TYPES,
    NUMERIC_TYPES,
    TEXT_DEFAULT_TYPES,
    TYPE_WORDS,
    TYPES,
    UNFILTERABLE_TYPES,
    UNSORTABLE_TYPES,
)

SCHEMA_COMMENT = "# yaml-language-server: $schema=../.vscode/scaffold-spec.schema.json"

# What a user may type -> the spec's type name.
TYPE_ALIASES: dict[str, str] = TYPE_WORDS
# The choices an unknown type lists (enum takes its values).
TYPE_CHOICES = ", ".join(
    (t.shorthand or t.name) + ("(...)" if t.name == "enum" else "") for t in TYPES.values()
)
NUMERIC = NUMERIC_TYPES
WHOLE = INTEGER_TYPES
LENGTH = LENGTH_TYPES
# Types whose default stays the text the user typed (the loader checks it).
TEXT_DEFAULT = TEXT_DEFAULT_TYPES
FLAGS = ("unique", "filter", "sort")
# The types each flag does not apply to (as the spec model rules).
FLAG_EXCLUDES: dict[str, frozenset[str]] = {
    "unique": NEVER_UNIQUE_TYPES,  # a unique boolean leaves room for 2 records
    "filter": UNFILTERABLE_TYPES,
    "sort": UNSORTABLE_TYPES,
}
ON_DELETE = ("cascade", "set_null", "restrict")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
DECIMAL_PARAMS = re.compile(r"\s*(\d+)\s*,\s*(\d+)\s*")
# Text written without quotes (ruamel still quotes what would read as another type: `yes`, `1`).
PLAIN = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_ .@/+\-]*[A-Za-z0-9_.@/+\-])?")
# The order keys are written in: the type and what qualifies it, then constraints, then options.
KEY_ORDER = (
    "type",
    "values",
    "to",
    "precision",
    "scale",
    "required",
    "min",
    "max",
    "min_length",
    "max_length",
    "default",
    "unique",
    "on_delete",
    "nested",
    "filter",
    "sort",
)
RANGE_HINT = {
    "numeric": "expected a range like 1..5, 1.. or ..5",
    "length": "expected a length like 120 or a range like 1..120",
}


@dataclass(frozen=True)
class Problem:
    """One malformed part of one token: ``token[start:end]`` (an empty span marks a place)."""

    token: str
    start: int
    end: int
    message: str

    def __str__(self) -> str:
        # Control characters would move the caret: show each as one visible character.
        shown = "".join(c if c.isprintable() else "?" for c in self.token)
        caret = " " * self.start + "^" * max(1, self.end - self.start)
        return f"cannot read field `{shown}`\n  {shown}\n  {caret} {self.message}"


class ShorthandError(ScaffoldError):
    """Malformed field tokens; ``problems`` holds each, in token order.

    The text is one block per problem; the CLI prefixes the first with ``error: `` and the
    later ones carry it, so each block reads the same."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\nerror: ".join(str(p) for p in problems))


def default_problem(kind: str, value: Any, spec: dict[str, object]) -> str | None:
    """Why ``value`` cannot be the default of a ``kind`` field, or None."""
    if value is None:
        return "a default cannot be null; leave `default=` out"
    if isinstance(value, list | dict):
        return "expected a single value, like default=5 or default=true"
    if kind in TEXT_DEFAULT:
        if not isinstance(value, str):
            return "expected text"
        values = spec.get("values")
        if kind == "enum" and isinstance(values, list) and value not in values:
            return f"`{value}` is not one of the enum values: {', '.join(values)}"
    elif kind == "boolean" and not isinstance(value, bool):
        return "expected true or false"
    elif kind in WHOLE and (isinstance(value, bool) or not isinstance(value, int)):
        return "expected a whole number"
    elif kind in NUMERIC and (isinstance(value, bool) or not isinstance(value, int | float)):
        return "expected a number"
    return None


def modifier_choices(kind: str) -> str:
    """What a field of this type takes, for messages."""
    parts: list[str] = []
    if kind in NUMERIC:
        parts.append("a range like 1..5")
    if kind in LENGTH:
        parts.append("a length like 120 or 1..120")
    parts += [flag for flag in FLAGS if kind not in FLAG_EXCLUDES[flag]]
    if kind == "ref":
        parts += ["nested", *ON_DELETE]
    else:
        parts.append("default=VALUE")
    return f"{with_article(kind)} field takes {', '.join(parts[:-1])} or {parts[-1]}"


def unknown(what: str, given: str, words: Iterable[str], choices: str) -> str:
    close = difflib.get_close_matches(given.lower(), list(words), n=1, cutoff=0.6)
    if close:
        return f"unknown {what} `{given}`; did you mean `{close[0]}`?"
    if what == "type":
        return f"unknown type `{given}`; expected one of: {choices}"
    return f"unknown {what} `{given}`; {choices}"


class _TextDates(SafeConstructor):
    """YAML scalars, except that dates and times stay the text written (as the loader does)."""


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def scalar_yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.Constructor = _TextDates
    return yaml
