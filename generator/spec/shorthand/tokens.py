"""Field tokens -> spec field mappings, every malformed token reported at once."""

from __future__ import annotations

from generator.naming import snake_case
from generator.spec.model import (
    GENERATED_FIELD_NAMES,
    IDENTIFIER,
)
from generator.spec.shorthand.modifier_reader import ModifierReader
from generator.spec.shorthand.type_reader import TypeReader
from generator.spec.shorthand.words import (
    KEY_ORDER,
    Problem,
    ShorthandError,
)


def parse_fields(tokens: list[str]) -> dict[str, dict[str, object]]:
    """Field name (as written) -> spec field mapping, in token order.

    Raises ShorthandError (a ScaffoldError, exit code 2) naming every malformed token."""
    fields: dict[str, dict[str, object]] = {}
    problems: list[Problem] = []
    seen: dict[str, str] = {}  # snake_case name -> the token that gave it
    for token in tokens:
        parsed = _TokenParser(token)
        name, spec = parsed.parse()
        if name is not None and not parsed.name_failed:
            key = snake_case(name)
            if key in seen:
                first = seen[key]
                message = (
                    f"field `{name}` is given twice (also in `{first}`)"
                    if first.split(":", 1)[0] == name
                    else f"fields `{first.split(':', 1)[0]}` and `{name}` both become `{key}`"
                )
                parsed.problem(0, len(name), message)
            else:
                seen[key] = token
        problems += parsed.problems
        if name is not None and spec is not None and not parsed.problems:
            fields[name] = spec
    if problems:
        raise ShorthandError(problems)
    return fields


class _TokenParser(TypeReader, ModifierReader):
    """Reads one token, recording every problem it can find rather than stopping at one."""

    def parse(self) -> tuple[str | None, dict[str, object] | None]:
        token = self.token
        space = _space_between_fields(token)
        if space >= 0:
            message = "one field per argument: leave the list of fields unquoted"
            self.problem(space, space + 1, message)
            return None, None
        colon = token.find(":")
        if colon < 0:
            self.problem(0, len(token), "expected name:type, like title:string or rating:int")
            return None, None
        name = token[:colon]
        self._check_name(name)
        type_end, spec = self._read_type(colon + 1, name)
        if spec is None:
            return name, None
        if type_end < len(token):  # at a ':'
            self._read_modifiers(type_end + 1, spec)
        return name, {key: spec[key] for key in KEY_ORDER if key in spec}

    # --- name --------------------------------------------------------------------------

    def _check_name(self, name: str) -> None:
        before = len(self.problems)
        snake = snake_case(name)
        if not name:
            self.problem(0, 0, "expected a field name before `:`")
        elif name.endswith("?"):
            self.problem(
                len(name) - 1,
                len(name),
                "`?` goes right after the type to make a field optional, like body:text?",
            )
        elif not IDENTIFIER.match(snake):
            self.problem(
                0,
                len(name),
                f"field name `{name}` must be letters, digits and underscores,"
                " starting with a letter",
            )
        elif snake in GENERATED_FIELD_NAMES:
            self.problem(
                0, len(name), f"`{snake}` is generated for every resource; choose another name"
            )
        self.name_failed = len(self.problems) > before


def _space_between_fields(token: str) -> int:
    """Where a space outside parentheses and before any default is (a quoted list of
    fields), or -1. Enum values and defaults may hold spaces."""
    depth = 0
    for index, char in enumerate(token.split(":default=", 1)[0]):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char.isspace() and depth <= 0:
            return index
    return -1
