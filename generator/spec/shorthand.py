"""Rails-like field tokens on the command line -> spec field mappings, and the spec file text.

``scaffold resource reviews rating:int:1..5 title:string:120 body:text? course:ref`` writes
the fields into specs/reviews.yaml, then generates. A token is::

    name:type[?][:modifier[:modifier...]]

name
    The field name in any case, kept as written (the loader snake_cases it): ``authorEmail``.
type
    ``string|str``, ``text``, ``int|integer``, ``bigint``, ``float``, ``decimal`` or
    ``decimal(P,S)`` (precision, scale), ``bool|boolean``, ``date``, ``datetime``, ``uuid``,
    ``email``, ``url``, ``json``, ``enum(a,b,c)`` (the values, no quotes; spaces around
    commas are dropped) and ``ref`` or ``ref(course)`` (what it points to; default: the
    field name). Type names are case-insensitive.
``?``
    Right after the type: the field is optional (``required: false``): ``body:text?``.
modifiers
    ``N..M`` (also ``N..`` or ``..M``): ``min``/``max`` of integer, bigint, float and decimal
    fields, ``min_length``/``max_length`` of string and text fields; a bare ``N``: the
    ``max_length`` of a string or text field; ``unique`` (not on refs), ``filter`` (not on
    json), ``sort`` (not on json, text or refs); ``nested`` and ``cascade``, ``set_null``
    (optional refs) or ``restrict`` (``on_delete``) on refs; ``default=VALUE``, which takes
    the rest of the token (so ``12:30`` can be a default): text-like types (string, text,
    email, url, uuid, date, datetime, enum) and decimals (exact) keep VALUE as written, other
    types read it as a YAML scalar (``default=5``, ``default=true``); quote it
    (``default=""``) for an empty text.

Which modifier applies to which type follows the rules of generator/spec/model.py; the
loader still checks what needs the whole spec (a default inside the range, a date's
format, the target of a ref).

Every malformed token is reported at once, each quoted with a caret line under the bad
part. docs/shorthand.md is the user's page for this grammar.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import CommentMark, MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from generator.errors import ScaffoldError
from generator.naming import snake_case
from generator.spec.model import (
    GENERATED_FIELD_NAMES,
    IDENTIFIER,
)
from generator.types import (
    INTEGER_RANGES,
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
from generator.types.numbers import MAX_DECIMAL_PRECISION

__all__ = [
    "SCHEMA_COMMENT",
    "TYPE_ALIASES",
    "Problem",
    "ShorthandError",
    "merge_into_spec",
    "parse_fields",
]

SCHEMA_COMMENT = "# yaml-language-server: $schema=../.vscode/scaffold-spec.schema.json"

# What a user may type -> the spec's type name.
TYPE_ALIASES: dict[str, str] = TYPE_WORDS
# The choices an unknown type lists (enum takes its values).
_TYPE_CHOICES = ", ".join(
    (t.shorthand or t.name) + ("(...)" if t.name == "enum" else "") for t in TYPES.values()
)
_NUMERIC = NUMERIC_TYPES
_WHOLE = INTEGER_TYPES
_LENGTH = LENGTH_TYPES
# Types whose default stays the text the user typed (the loader checks it).
_TEXT_DEFAULT = TEXT_DEFAULT_TYPES
_FLAGS = ("unique", "filter", "sort")
# The types each flag does not apply to (as the spec model rules).
_FLAG_EXCLUDES: dict[str, frozenset[str]] = {
    "unique": NEVER_UNIQUE_TYPES,  # a unique boolean leaves room for 2 records
    "filter": UNFILTERABLE_TYPES,
    "sort": UNSORTABLE_TYPES,
}
_ON_DELETE = ("cascade", "set_null", "restrict")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DECIMAL_PARAMS = re.compile(r"\s*(\d+)\s*,\s*(\d+)\s*")
# Text written without quotes (ruamel still quotes what would read as another type: `yes`, `1`).
_PLAIN = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_ .@/+\-]*[A-Za-z0-9_.@/+\-])?")
# The order keys are written in: the type and what qualifies it, then constraints, then options.
_KEY_ORDER = (
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
_RANGE_HINT = {
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


class _TokenParser:
    """Reads one token, recording every problem it can find rather than stopping at one."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.problems: list[Problem] = []
        self.name_failed = False

    def problem(self, start: int, end: int, message: str) -> None:
        self.problems.append(Problem(self.token, start, end, message))

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
        return name, {key: spec[key] for key in _KEY_ORDER if key in spec}

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

    # --- type --------------------------------------------------------------------------

    def _read_type(self, start: int, name: str) -> tuple[int, dict[str, object] | None]:
        """Read ``type[(params)][?]`` from ``start``; return where it ends (at ':' or the end)
        and the mapping so far, or None when the type is unknown."""
        token = self.token
        pos = start
        while pos < len(token) and token[pos] not in "(?:":
            pos += 1
        word = token[start:pos]
        if not word:
            self.problem(start, start, "expected a type after `:`, like title:string")
            return pos, None
        kind = TYPE_ALIASES.get(word.lower())
        if kind is None:
            self.problem(start, pos, _unknown("type", word, list(TYPE_ALIASES), _TYPE_CHOICES))
            return pos, None
        spec: dict[str, object] = {"type": kind}
        params: tuple[int, int] | None = None  # span of the text inside the parentheses
        if pos < len(token) and token[pos] == "(":
            close = token.find(")", pos)
            if close < 0:
                self.problem(pos, len(token), "missing `)`")
                return len(token), None
            params = (pos + 1, close)
            pos = close + 1
        self._read_params(kind, word, (start, pos), params, name, spec)
        if pos < len(token) and token[pos] == "?":
            spec["required"] = False
            pos += 1
        if pos < len(token) and token[pos] != ":":
            end = token.find(":", pos)
            end = len(token) if end < 0 else end
            self.problem(
                pos,
                end,
                f"unexpected `{token[pos:end]}` after the type; modifiers follow a `:`,"
                f" like {name}:{word}:unique",
            )
            pos = end
        return pos, spec

    def _read_params(
        self,
        kind: str,
        word: str,
        type_span: tuple[int, int],
        params: tuple[int, int] | None,
        name: str,
        spec: dict[str, object],
    ) -> None:
        if kind == "enum":
            self._enum_values(type_span, params, spec)
        elif kind == "ref":
            self._ref_target(params, name, spec)
        elif kind == "decimal" and params is not None:
            self._decimal_params(params, spec)
        elif params is not None:
            hint = f"; write a length as a modifier: {name}:{word}:120" if kind in _LENGTH else ""
            self.problem(params[0] - 1, params[1] + 1, f"`{word}` takes no `(...)`{hint}")

    def _enum_values(
        self, type_span: tuple[int, int], params: tuple[int, int] | None, spec: dict[str, object]
    ) -> None:
        needs = "an enum needs its values, like enum(pending,published)"
        if params is None:
            self.problem(*type_span, needs)
            return
        start, end = params
        if not self.token[start:end].strip():
            self.problem(start - 1, end + 1, needs)
            return
        values: list[str] = []
        offset = start
        for piece in self.token[start:end].split(","):
            value = piece.strip()
            at = offset + (len(piece) - len(piece.lstrip()))
            if not value:
                self.problem(offset, offset + len(piece), "empty enum value")
            elif value in values:
                self.problem(at, at + len(value), f"enum value `{value}` is given twice")
            values.append(value)
            offset += len(piece) + 1
        spec["values"] = values

    def _ref_target(
        self, params: tuple[int, int] | None, name: str, spec: dict[str, object]
    ) -> None:
        if snake_case(name).endswith("_id") and IDENTIFIER.match(snake_case(name)):
            base = snake_case(name).removesuffix("_id")
            self.problem(
                0,
                len(name),
                f"name a ref after what it points to: `{base}:ref` gives the `{base}_id` column",
            )
        if params is None:
            spec["to"] = name
            return
        start, end = params
        target = self.token[start:end].strip()
        if not target:
            self.problem(start - 1, end + 1, "expected what it points to, like ref(course)")
        elif not IDENTIFIER.match(snake_case(target)):
            self.problem(start, end, f"`{target}` is not a resource name")
        spec["to"] = target

    def _decimal_params(self, params: tuple[int, int], spec: dict[str, object]) -> None:
        start, end = params
        match = _DECIMAL_PARAMS.fullmatch(self.token[start:end])
        if match is None:
            self.problem(
                start - 1, end + 1, "expected decimal(PRECISION,SCALE), like decimal(10,2)"
            )
            return
        precision, scale = int(match[1]), int(match[2])
        if not 1 <= precision <= MAX_DECIMAL_PRECISION:
            self.problem(start, end, f"precision must be from 1 to {MAX_DECIMAL_PRECISION}")
        elif scale > precision:
            self.problem(start, end, f"scale ({scale}) is greater than precision ({precision})")
        spec["precision"], spec["scale"] = precision, scale

    # --- modifiers ---------------------------------------------------------------------

    def _read_modifiers(self, start: int, spec: dict[str, object]) -> None:
        token = self.token
        set_by: dict[str, str] = {}  # spec key -> the modifier that set it
        pos = start
        while True:
            if token[pos : pos + len("default=")].lower() == "default=":
                end = len(token)
            else:
                end = token.find(":", pos)
                end = len(token) if end < 0 else end
            modifier = token[pos:end]
            values = self._modifier(pos, modifier, spec)
            clash = next((set_by[key] for key in values if key in set_by), None)
            if clash is not None:
                self.problem(
                    pos,
                    end,
                    (
                        f"`{modifier}` is given twice"
                        if clash == modifier
                        else f"`{modifier}` conflicts with `{clash}`"
                    ),
                )
            else:
                set_by.update(dict.fromkeys(values, modifier))
                spec.update(values)
            if end >= len(token):
                return
            pos = end + 1

    def _modifier(self, pos: int, modifier: str, spec: dict[str, object]) -> dict[str, object]:
        """The keys one modifier sets, or {} after recording its problem."""
        kind = str(spec["type"])
        end = pos + len(modifier)
        word = modifier.lower()
        if not modifier:
            self.problem(pos, pos, "expected a modifier after `:`")
        elif word.startswith("default="):
            return self._default(pos + len("default="), modifier[len("default=") :], spec)
        elif word in _FLAGS:
            if kind not in _FLAG_EXCLUDES[word]:
                return {word: True}
            self.problem(pos, end, f"`{word}` does not apply to {kind} fields")
        elif word == "nested" or word in _ON_DELETE:
            if kind != "ref":
                what = "`nested`" if word == "nested" else f"`{word}` (on_delete)"
                self.problem(pos, end, f"{what} applies to ref fields, not {kind}")
            elif word == "set_null" and spec.get("required", True):
                name = self.token.split(":", 1)[0]
                self.problem(
                    pos,
                    end,
                    f"`set_null` needs an optional ref: put `?` after the type,"
                    f" like {name}:ref?:set_null",
                )
            else:
                return {"nested": True} if word == "nested" else {"on_delete": word}
        elif word == "index":
            self.problem(
                pos, end, "`index` is not a modifier: filter, sort and ref fields get an index"
            )
        elif word in ("optional", "required", "?"):
            self.problem(
                pos,
                end,
                "fields are required unless a `?` follows the type, like body:text?",
            )
        elif ".." in modifier:
            return self._range(pos, modifier, kind)
        elif _NUMBER.fullmatch(modifier):
            return self._length(pos, modifier, kind)
        else:
            choices = _modifier_choices(kind)
            words = [w for w in (*_FLAGS, "nested", *_ON_DELETE, "default") if w in choices]
            self.problem(pos, end, _unknown("modifier", modifier, words, choices))
        return {}

    def _range(self, pos: int, modifier: str, kind: str) -> dict[str, object]:
        end = pos + len(modifier)
        if kind not in _NUMERIC | _LENGTH:
            self.problem(
                pos,
                end,
                f"a range applies to integer, bigint, float, decimal, string and text fields,"
                f" not {kind}",
            )
            return {}
        hint = _RANGE_HINT["length" if kind in _LENGTH else "numeric"]
        low_text, high_text = modifier.split("..", 1)
        if not low_text and not high_text:
            self.problem(pos, end, f"a range needs at least one bound; {hint}")
            return {}
        bounds: list[int | float | None] = []
        ok = True
        for text, at in ((low_text, pos), (high_text, pos + len(low_text) + 2)):
            bound = self._bound(text, at, kind, hint) if text else None
            ok = ok and (bound is not None or not text)
            bounds.append(bound)
        if not ok:
            return {}
        low, high = bounds
        keys = ("min_length", "max_length") if kind in _LENGTH else ("min", "max")
        if low is not None and high is not None and low > high:
            self.problem(pos, end, f"{keys[0]} ({low}) is greater than {keys[1]} ({high})")
            return {}
        if kind in _LENGTH and high is not None and high < 1:
            self.problem(pos + len(low_text) + 2, end, "max_length must be at least 1")
            return {}
        return {key: b for key, b in zip(keys, bounds, strict=True) if b is not None}

    def _bound(self, text: str, at: int, kind: str, hint: str) -> int | float | None:
        end = at + len(text)
        if not _NUMBER.fullmatch(text):
            self.problem(at, end, f"`{text}` is not a number; {hint}")
            return None
        if kind in _WHOLE | _LENGTH and "." in text:
            what = "lengths" if kind in _LENGTH else f"{kind} bounds"
            self.problem(at, end, f"{what} are whole numbers")
            return None
        value: int | float = float(text) if "." in text else int(text)
        if kind in _LENGTH and value < 0:
            self.problem(at, end, "a length cannot be negative")
            return None
        low, high = INTEGER_RANGES.get(kind, (value, value))
        if not low <= value <= high:
            hint = "integer (32 bits); use bigint" if kind == "integer" else f"{kind} (64 bits)"
            self.problem(at, end, f"`{text}` does not fit {_a(hint)}")
            return None
        return value

    def _length(self, pos: int, modifier: str, kind: str) -> dict[str, object]:
        end = pos + len(modifier)
        if kind in _NUMERIC:
            self.problem(
                pos,
                end,
                f"a bare number is a length (string, text); for {kind} write a range like 1..5",
            )
        elif kind not in _LENGTH:
            self.problem(pos, end, f"a length applies to string and text fields, not {kind}")
        elif "." in modifier:
            self.problem(pos, end, "lengths are whole numbers")
        elif int(modifier) < 1:
            self.problem(pos, end, "max_length must be at least 1")
        else:
            return {"max_length": int(modifier)}
        return {}

    def _default(self, at: int, text: str, spec: dict[str, object]) -> dict[str, object]:
        kind = str(spec["type"])
        end = at + len(text)
        if kind == "ref":
            self.problem(at - len("default="), end, "a ref field takes no default")
            return {}
        if not text:
            self.problem(at, at, 'expected a value after `default=` (default="" for no text)')
            return {}
        quoted = len(text) >= 2 and text[0] == text[-1] and text[0] in "'\""
        if kind == "decimal":
            # Decimals are exact: the digits as typed, which the spec keeps as a string.
            if _NUMBER.fullmatch(text):
                return {"default": text}
            self.problem(at, end, "expected a number, like default=9.99")
            return {}
        if kind in _TEXT_DEFAULT and not quoted:
            value: Any = text
        else:
            try:
                value = _scalar_yaml().load(text)
            except YAMLError:
                self.problem(at, end, "expected a single value, like default=5 or default=true")
                return {}
        expected = _default_problem(kind, value, spec)
        if expected:
            self.problem(at, end, expected)
            return {}
        return {"default": value}


def _space_between_fields(token: str) -> int:
    """Where a space outside parentheses and before any default is (a quoted list of
    fields), or -1. Enum values and defaults may hold spaces."""
    depth = 0
    for index, char in enumerate(token.split(":default=", 1)[0]):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char.isspace() and depth <= 0:
            return index
    return -1


def _default_problem(kind: str, value: Any, spec: dict[str, object]) -> str | None:
    """Why ``value`` cannot be the default of a ``kind`` field, or None."""
    if value is None:
        return "a default cannot be null; leave `default=` out"
    if isinstance(value, list | dict):
        return "expected a single value, like default=5 or default=true"
    if kind in _TEXT_DEFAULT:
        if not isinstance(value, str):
            return "expected text"
        values = spec.get("values")
        if kind == "enum" and isinstance(values, list) and value not in values:
            return f"`{value}` is not one of the enum values: {', '.join(values)}"
    elif kind == "boolean" and not isinstance(value, bool):
        return "expected true or false"
    elif kind in _WHOLE and (isinstance(value, bool) or not isinstance(value, int)):
        return "expected a whole number"
    elif kind in _NUMERIC and (isinstance(value, bool) or not isinstance(value, int | float)):
        return "expected a number"
    return None


def _modifier_choices(kind: str) -> str:
    """What a field of this type takes, for messages."""
    parts: list[str] = []
    if kind in _NUMERIC:
        parts.append("a range like 1..5")
    if kind in _LENGTH:
        parts.append("a length like 120 or 1..120")
    parts += [flag for flag in _FLAGS if kind not in _FLAG_EXCLUDES[flag]]
    if kind == "ref":
        parts += ["nested", *_ON_DELETE]
    else:
        parts.append("default=VALUE")
    return f"{_a(kind)} field takes {', '.join(parts[:-1])} or {parts[-1]}"


def _unknown(what: str, given: str, words: Iterable[str], choices: str) -> str:
    close = difflib.get_close_matches(given.lower(), list(words), n=1, cutoff=0.6)
    if close:
        return f"unknown {what} `{given}`; did you mean `{close[0]}`?"
    if what == "type":
        return f"unknown type `{given}`; expected one of: {choices}"
    return f"unknown {what} `{given}`; {choices}"


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


class _TextDates(SafeConstructor):
    """YAML scalars, except that dates and times stay the text written (as the loader does)."""


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def _scalar_yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.Constructor = _TextDates
    return yaml


# --- the spec file --------------------------------------------------------------------------


def merge_into_spec(
    existing_text: str | None,
    resource_singular: str,
    fields: dict[str, dict[str, Any]],
    *,
    source: str = "the spec",
) -> str:
    """The spec file's text with ``fields`` in it.

    With no ``existing_text``: a new spec (the schema comment, ``resource:`` and one flow
    mapping per field). Otherwise each field replaces the one of the same snake_case name in
    place (taking the name as now written) or is added after the last; comments, key order,
    quoting, indentation and every other key are kept. ``resource_singular`` is used only for
    a new spec. ``source`` names the file in errors (raised for text that is not a spec)."""
    if existing_text is None:
        return _new_spec(resource_singular, fields)
    yaml = _round_trip(existing_text)
    try:
        document = yaml.load(existing_text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = error.problem or error.context or "invalid YAML"
        raise ScaffoldError(
            f"{source}{where}: YAML syntax error: {problem}; fix it before adding fields"
        ) from None
    if not fields:
        return existing_text
    if document is None:  # empty, or only comments
        header = "" if SCHEMA_COMMENT in existing_text else SCHEMA_COMMENT + "\n"
        kept = existing_text.rstrip("\n") + "\n" if existing_text.strip() else ""
        body = _new_spec(resource_singular, fields).split("\n", 1)[1]
        return header + kept + body
    if not isinstance(document, CommentedMap):
        raise ScaffoldError(
            f"{source}: expected a mapping with `resource` and `fields`; cannot add fields"
        )
    target = document.get("fields")
    if target is not None and not isinstance(target, CommentedMap):
        raise ScaffoldError(f"{source}: `fields` is not a mapping; cannot add fields")
    trailing = ""
    if target is None:  # no `fields:` yet, or an empty one
        trailing = "" if "fields" in document else _take_trailing(document)
        target = document["fields"] = CommentedMap()
    _merge_fields(target, fields, trailing)
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def _merge_fields(
    target: CommentedMap, fields: dict[str, dict[str, Any]], trailing: str = ""
) -> None:
    """Replace or append each field; ``trailing`` (comment lines that followed the document's
    last line) goes after the last field added."""
    existing = {snake_case(str(key)): key for key in target}
    appended: list[str] = []
    for name, spec in fields.items():
        old = existing.get(snake_case(name))
        if old is None:
            if not appended:
                trailing = _take_trailing(target) + trailing
            target[_flow_node(name)] = _flow_node(spec)
            appended.append(name)
            continue
        inner = _take_trailing(target[old])  # comments after a block field's last line
        position = list(target).index(old)
        slot = target.ca.items.pop(old, None)
        del target[old]
        target.insert(position, _flow_node(name), _flow_node(spec))
        if slot is not None:
            target.ca.items[name] = slot
        _add_trailing(target, name, inner)
        existing[snake_case(name)] = name
    if appended:
        _add_trailing(target, appended[-1], trailing)


def _take_trailing(node: Any) -> str:
    """Detach the comment lines that follow ``node``'s last line and return them.

    ruamel keeps them with the deepest last item (an end-of-line comment and the lines after
    it share one token); whatever is added after that item must come before them, or a
    comment about the next top-level key would end up inside `fields`. The end-of-line part
    stays where it is."""
    rest = ""
    seen: set[int] = set()
    while isinstance(node, CommentedMap | CommentedSeq) and len(node):
        last: Any = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        slot = node.ca.items.get(last)
        index = 2 if isinstance(node, CommentedMap) else 0
        token = slot[index] if slot and len(slot) > index else None
        if isinstance(token, CommentToken) and id(token) not in seen:
            seen.add(id(token))
            line_end = token.value.find("\n")
            if line_end >= 0:
                rest += token.value[line_end + 1 :]
                token.value = token.value[: line_end + 1]
        node = node[last]
    return rest


def _add_trailing(mapping: CommentedMap, key: str, rest: str) -> None:
    """Put comment lines after ``mapping[key]`` (a flow value, one line)."""
    if not rest:
        return
    slot = mapping.ca.items.get(key)
    if slot and len(slot) > 2 and isinstance(slot[2], CommentToken):
        slot[2].value = slot[2].value + rest
        return
    token = CommentToken("\n" + rest, CommentMark(0), None)
    mapping.ca.items[key] = [None, None, token, None]


def _new_spec(resource_singular: str, fields: dict[str, dict[str, Any]]) -> str:
    root = CommentedMap()
    root["resource"] = resource_singular
    root["fields"] = _flow_node(fields)
    root["fields"].fa.set_block_style()
    yaml = _round_trip("")
    stream = io.StringIO()
    yaml.dump(root, stream)
    return f"{SCHEMA_COMMENT}\n{stream.getvalue()}"


def _flow_node(value: Any) -> Any:
    """A field mapping (and any list or mapping in it) in flow style: one line per field."""
    if isinstance(value, dict):
        node = CommentedMap((_flow_node(key), _flow_node(v)) for key, v in value.items())
        node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_flow_node(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and not _PLAIN.fullmatch(value):
        # ruamel can write a plain scalar its own parser refuses in a flow mapping (`?0`), and
        # a line or paragraph separator (\x85, \u2028) unescaped: quote all but plain words.
        if value.replace(" ", "").isprintable():
            return SingleQuotedScalarString(value)
        return DoubleQuotedScalarString(value)
    return value


def _round_trip(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the user wrote on one
    mapping, sequence, offset = _guess_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _guess_indent(text: str) -> tuple[int, int, int]:
    """Block indentation as the file writes it: (mapping, sequence, dash offset); a new file
    gets 2, 4, 2 (the layout `scaffold import` writes)."""
    mapping: int | None = None
    offset: int | None = None
    previous: tuple[int, str] | None = None  # indent and text of the last content line
    for line in text.splitlines():
        content = line.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        indent = len(line) - len(content)
        if previous is not None and previous[1].rstrip().endswith(":"):
            if content.startswith("- ") or content == "-":
                offset = indent - previous[0] if offset is None else offset
            elif indent > previous[0] and mapping is None:
                mapping = indent - previous[0]
        previous = (indent, content.split(" #", 1)[0])
    mapping = 2 if mapping is None else mapping
    offset = 2 if offset is None else offset
    return mapping, offset + 2, offset
