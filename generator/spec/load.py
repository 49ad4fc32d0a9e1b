"""Load a spec file: YAML with positions -> ResourceSpec, every problem located as file:line:col."""

from __future__ import annotations

import difflib
import re
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from generator.errors import Diagnostic, ScaffoldError, SpecError
from generator.naming import Names, resource_name_problem, snake_case
from generator.spec.model import (
    KEY_MARK,
    Cache,
    FieldSpec,
    Pagination,
    ResourceSpec,
    field_name_problems,
)
from generator.types import FIELD_TYPES, TYPE_WORDS

Position = tuple[int, int]  # 1-based line and column

# What a spec may cost, so a hostile file is a located error and not a hang: its size, how
# deep its values nest, and how many values it holds once YAML aliases are expanded (an
# alias repeats what it points at: ten levels of ten aliases are 10^10 values).
MAX_SPEC_BYTES = 1_048_576
MAX_DEPTH = 32
MAX_VALUES = 100_000


# What may open or close a flow collection: a bracket that is not in a quoted scalar or a
# comment (a quote opens one after a space, a flow indicator or a line start; `#`, a
# comment, after a space or a line start).
_FLOW_TOKEN = re.compile(
    r"""(?<![^\s\[{,:])'(?:[^']|'')*'|(?<![^\s\[{,:])"(?:[^"\\]|\\.)*"|(?<!\S)#[^\n]*|[\[\]{}]"""
)


def deep_flow_collection(text: str, limit: int = MAX_DEPTH) -> Position | None:
    """Where `[` and `{` first open more than `limit` collections. ruamel's scanner takes
    time quadratic in this depth (seconds for a few kilobytes), so it is measured before
    parsing; block nesting costs indentation and stays within the size limit."""
    depth = 0
    for token in _FLOW_TOKEN.finditer(text):
        if token[0] in ("[", "{"):
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, token.start()) + 1
                return line, token.start() - text.rfind("\n", 0, token.start())
        elif token[0] in ("]", "}"):
            depth = max(depth - 1, 0)
    return None


class _Constructor(RoundTripConstructor):
    """Round-trip loading, except that dates and times stay the strings the user wrote:
    the spec models check them, with a located message for an impossible one."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def load_spec(path: Path, shown_as: str | None = None) -> ResourceSpec:
    """Read and validate one spec file. Raises SpecError with every problem found.

    The file is named for the resource: specs/reviews.yaml (or review.yaml)."""
    return load_spec_text(read_spec(path, shown_as), shown_as or str(path), path.stem)


def read_spec(path: Path, shown_as: str | None = None) -> str:
    """The text of a spec file; a ScaffoldError naming it when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScaffoldError(f"{shown_as or path}: no such spec file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScaffoldError(f"{shown_as or path}: cannot read the spec ({error})") from None


def load_spec_text(text: str, source: str, file_stem: str) -> ResourceSpec:
    """Validate spec text; ``source`` names it in diagnostics; ``file_stem`` is the plural the
    file is named for (it fills a missing `resource` and must agree with a given one)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SPEC_BYTES:
        message = f"the spec is larger than {MAX_SPEC_BYTES:,} bytes; a spec is a short file"
        raise SpecError([Diagnostic(source, 1, 1, message)])
    if (deep := deep_flow_collection(text)) is not None:
        message = f"values nest more than {MAX_DEPTH} levels deep"
        raise SpecError([Diagnostic(source, *deep, message)])
    try:
        document = _yaml().load(text)
    except RecursionError:
        message = f"values nest more than {MAX_DEPTH} levels deep"
        raise SpecError([Diagnostic(source, 1, 1, message)]) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "invalid YAML"
        raise SpecError(
            [Diagnostic(source, line, column, f"YAML syntax error: {problem}")]
        ) from None
    if document is None:
        raise SpecError([Diagnostic(source, 1, 1, _EMPTY)])
    if not isinstance(document, CommentedMap):
        raise SpecError([Diagnostic(source, *_position(document, ()), _EMPTY)])

    try:
        data = _plain(document, _Budget())
    except _Refused as error:
        raise SpecError([Diagnostic(source, *error.position, str(error))]) from None
    diagnostics = _name_diagnostics(document, source)
    diagnostics += _file_name_diagnostics(document, data, file_stem, source)
    try:
        spec = ResourceSpec.model_validate(data)
    except ValidationError as error:
        located = [_diagnostic(document, source, e) for e in error.errors()]
        # One message per place: a union (int | float) reports each member's complaint.
        diagnostics += {(d.line, d.column): d for d in reversed(located)}.values()
        raise SpecError(diagnostics) from None
    if diagnostics:
        raise SpecError(diagnostics)
    spec._source = source
    spec._locate = _Positions(text, document)
    return spec


class _Positions:
    """Where a key of a spec is in its text (for diagnostics found later, e.g. by refs).
    The document is dropped when the spec is pickled, and parsed again if asked."""

    def __init__(self, text: str, document: CommentedMap | None = None) -> None:
        self.text = text
        self.document = document

    def __call__(self, loc: tuple[str | int, ...]) -> Position:
        if self.document is None:
            self.document = _yaml().load(self.text)
        return _position(self.document, loc)

    def __getstate__(self) -> dict[str, Any]:
        return {"text": self.text, "document": None}


def _file_name_diagnostics(
    document: CommentedMap, data: dict[str, Any], file_stem: str, source: str
) -> list[Diagnostic]:
    """The file is named for the resource, by its plural or its singular; a file named for
    a plural gives the resource that plural (so specs/golfs.yaml holds golf, not golves).
    Fills in ``resource`` and ``plural`` from the file name where the spec leaves them out."""
    expected = Names.from_name(file_stem)
    data.setdefault("resource", expected.singular)
    declared, plural = data["resource"], data.get("plural")
    if not isinstance(declared, str) or not isinstance(plural, str | None):
        return []  # the model reports the type
    if resource_name_problem(declared) or (plural and resource_name_problem(plural)):
        return []  # and the name
    names = Names.from_name(declared, snake_case(plural) if plural else None)
    if plural is not None and file_stem != names.plural:
        message = f"a spec that names its plural is named for it: {names.plural}.yaml"
        return [Diagnostic(source, *_position(document, ("plural",)), message)]
    if plural is not None or file_stem in (names.plural, names.singular):
        return []
    if expected.singular == names.singular:  # golfs.yaml holds golf
        data["plural"] = file_stem
        return []
    message = (
        f"resource {declared!r} does not match the file name: a file for it is named"
        f" {names.plural}.yaml, and this one expects resource: {expected.singular}"
    )
    return [Diagnostic(source, *_position(document, ("resource",)), message)]


_EMPTY = "expected a mapping with `resource` and `fields`, for example:  fields: {title: string}"


def _name_diagnostics(document: CommentedMap, source: str) -> list[Diagnostic]:
    fields = document.get("fields")
    if not isinstance(fields, CommentedMap):
        return []
    keys = {str(k): k for k in fields}  # a key may be a number or a date in YAML
    problems = field_name_problems(list(keys))
    return [
        Diagnostic(source, *_key_position(fields, keys[raw]), message)
        for raw, message in problems.items()
    ]


def _diagnostic(document: CommentedMap, source: str, error: Any) -> Diagnostic:
    loc = tuple(error["loc"])
    message = str(error["msg"])
    kind = error["type"]
    if kind == "value_error" and KEY_MARK in message:
        _, key, message = message.split(KEY_MARK, 2)
        loc = (*loc, *_key_path(key))
    elif kind == "value_error":
        message = message.removeprefix("Value error, ")
    elif kind == "extra_forbidden":
        message = _unknown_key(loc)
    elif kind == "literal_error" and loc[-1:] == ("type",):
        typed = TYPE_WORDS.get(str(error["input"]).lower())
        if typed:  # a word the shorthand takes (int, bool), or a type in capitals
            message = f"unknown type {error['input']!r}; write {typed!r}"
        else:
            message = _unknown_choice("type", error["input"], FIELD_TYPES)
    elif kind == "literal_error":
        message = f"{message}, got {error['input']!r}"
    elif kind == "missing":
        message = f"missing required key `{loc[-1]}`"
        return Diagnostic(source, *_position(document, loc[:-1]), message)
    else:
        label = _label(document, loc)
        message = f"`{label}`: {message}, got {error['input']!r}" if label else message
    return Diagnostic(source, *_position(document, loc), message)


def _key_path(key: str) -> tuple[str | int, ...]:
    """``fields.rating.sort`` -> ("fields", "rating", "sort"); ``search[1]`` -> ("search", 1)."""
    path: list[str | int] = []
    for part in key.split("."):
        name, _, index = part.partition("[")
        path.append(name)
        if index:
            path.append(int(index.rstrip("]")))
    return tuple(path)


def _label(document: Any, loc: tuple[Any, ...]) -> str:
    """The user's name for the value at ``loc``: its key, or key[index] inside a list.
    Parts of ``loc`` that are not in the document (pydantic's union tags) are dropped."""
    node, label = document, ""
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            label = str(key)
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            label = f"{label}[{key}]"
        else:
            break
        node = node[key]
    return label


def _unknown_key(loc: tuple[Any, ...]) -> str:
    """An unknown key, with the keys the mapping it is in may hold (the model found by
    following ``loc`` through the spec's models: fields -> FieldSpec, auth -> Auth, ...)."""
    model: type[BaseModel] = ResourceSpec
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        nested = _model_in(field.annotation) if field is not None else None
        model = nested or model  # a field's name, or a union's tag: the same mapping
    keys = tuple(field.alias or name for name, field in model.model_fields.items())
    return _unknown_choice("key", str(loc[-1]), keys)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The spec model an annotation holds (Auth, Cache | bool, dict[str, FieldSpec | str])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _unknown_choice(what: str, given: Any, choices: tuple[str, ...]) -> str:
    message = f"unknown {what} {given!r}"
    close = difflib.get_close_matches(str(given), choices, n=1, cutoff=0.6)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    return f"{message}; expected one of: {', '.join(choices)}"


class _Refused(Exception):
    """A value the spec cannot hold, located at its node."""

    def __init__(self, message: str, node: Any) -> None:
        super().__init__(message)
        lc = getattr(node, "lc", None)
        self.position: Position = (lc.line + 1, lc.col + 1) if lc is not None else (1, 1)


class _Budget:
    """Values still allowed in the spec (aliases expanded)."""

    def __init__(self) -> None:
        self.left = MAX_VALUES

    def spend(self, node: Any, depth: int) -> None:
        self.left -= 1
        if self.left < 0:
            raise _Refused(
                f"the spec holds more than {MAX_VALUES:,} values once its YAML aliases are"
                " expanded",
                node,
            )
        if depth > MAX_DEPTH:
            raise _Refused(f"values nest more than {MAX_DEPTH} levels deep", node)


def _plain(node: Any, budget: _Budget, depth: int = 0) -> Any:
    """ruamel's round-trip nodes -> plain dicts, lists and scalars, within the budget."""
    budget.spend(node, depth)
    if isinstance(node, dict):
        return {str(k): _plain(v, budget, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v, budget, depth + 1) for v in node]
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if node is None:
        return None
    kind = {"CommentedSet": "set (!!set)", "bytes": "binary value (!!binary)"}.get(
        type(node).__name__, f"{type(node).__name__} value"
    )
    message = f"a YAML {kind} is not a spec value: write a string, number, list or mapping"
    raise _Refused(message, node)


def _position(document: Any, loc: tuple[Any, ...]) -> Position:
    """The position of the value at ``loc``, falling back to the deepest node that exists."""
    node = document
    position: Position = (1, 1)
    for index, key in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, CommentedMap) and key in node:
            line, column = (
                node.lc.key(key) if last and _is_key_error(node, key) else node.lc.value(key)
            )
            position = (line + 1, column + 1)
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line, column = node.lc.item(key)
            position = (line + 1, column + 1)
            node = node[key]
        else:
            if isinstance(node, CommentedMap) and node.lc.line is not None:
                position = (node.lc.line + 1, node.lc.col + 1)
            break
    return position


def _is_key_error(node: CommentedMap, key: Any) -> bool:
    # An unknown key, or a mapping value: point at the key itself.
    return isinstance(node[key], CommentedMap) or key not in _known_keys()


def _known_keys() -> frozenset[str]:
    return (
        frozenset(ResourceSpec.model_fields)
        | frozenset(FieldSpec.model_fields)
        | frozenset(Pagination.model_fields)
        | frozenset(Cache.model_fields)
    )


def _key_position(mapping: CommentedMap, key: Any) -> Position:
    line, column = mapping.lc.key(key)
    return line + 1, column + 1
