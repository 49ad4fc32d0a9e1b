"""Merging parsed fields into a spec file's text, keeping its comments and layout (ruamel
round trip)."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, MarkedYAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from generator.errors import ScaffoldError
from generator.naming import snake_case
from generator.spec.shorthand.words import (
    PLAIN,
    SCHEMA_COMMENT,
)

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
    if isinstance(value, str) and not PLAIN.fullmatch(value):
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
