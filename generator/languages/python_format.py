"""black, applied only where rendered code needs it.

The templates write code as black would, statement by statement: one line per statement
where it fits, black's blank lines, black's quotes (the `literal` and `docstring` filters).
What they cannot know is whether a statement fits once names and values are filled in. So
black formats only the statements that have a line over the limit, each on its own (black
lays out a statement from its own tokens and the room its indentation leaves), all of a
file's statements at one indentation in one black call. What this cannot place (a long
comment, a long `elif` or `except` line, a string that dedenting would change) sends the
whole file through black, which is always right; so does nothing when no line is too long,
and black is not even imported.

tests/property checks over generated specs, and tests/golden over the snapshots, that the
result is what black makes of the whole file."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from typing import Any

LINE_LENGTH = 88  # black's default, and the generated projects' [tool.black]
MARKER = "# scaffold-format:"  # separates the statements of one black call

# Compound statements whose header is formatted with a `pass` body.
HEADERS = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
)
BLOCKS = ("body", "orelse", "finalbody", "handlers")


class WholeFile(Exception):
    """This file needs black on all of it."""


@dataclass(frozen=True)
class Statement:
    first: int  # 0-based line numbers, inclusive
    last: int
    kind: str  # "simple", "header" (formatted with a pass body) or "decorator"


@cache
def black_mode(line_length: int = LINE_LENGTH) -> Any:
    from black.mode import Mode, TargetVersion

    return Mode(target_versions={TargetVersion.PY311}, line_length=line_length)


def format_whole(text: str) -> str:
    import black

    return str(black.format_str(text, mode=black_mode()))


def format_long_statements(text: str) -> str:
    """``text`` with each statement that has a line over the limit formatted by black.
    Raises SyntaxError if ``text`` is not Python."""
    lines = text.split("\n")
    long = [number for number, line in enumerate(lines) if _width(line) > LINE_LENGTH]
    if not long:
        ast.parse(text)  # still report code that does not parse
        return text
    try:
        statements = _statements_with(ast.parse(text), set(long), lines)
        return _replace(lines, statements)
    except WholeFile:
        return format_whole(text)


def _width(line: str) -> int:
    """Columns as black counts them (wide characters take two). No character takes more
    than two, so a short line needs no counting, and black is not imported for it."""
    if line.isascii() or 2 * len(line) <= LINE_LENGTH:
        return len(line)
    from black.strings import str_width

    return int(str_width(line))


def _statements_with(tree: ast.Module, long: set[int], lines: list[str]) -> list[Statement]:
    """The statements (and compound headers, and decorators) that hold the long lines."""
    found: list[Statement] = []
    covered: set[int] = set()

    def take(first: int, last: int, kind: str) -> None:
        span = set(range(first, last + 1))
        if span & long:
            found.append(Statement(first, last, kind))
            covered.update(span)

    def visit(body: list[Any]) -> None:
        for node in body:
            if isinstance(node, HEADERS):
                for decorator in getattr(node, "decorator_list", []):
                    take(decorator.lineno - 1, decorator.end_lineno - 1, "decorator")
                first = node.lineno - 1
                take(first, _header_end(lines, first, node.body[0].lineno - 1), "header")
            elif not hasattr(node, "body"):
                take(node.lineno - 1, node.end_lineno - 1, "simple")
            # try/except/match headers are left to the check below.
            for block in BLOCKS:
                visit(getattr(node, block, []))

    visit(tree.body)
    if not long <= covered:
        raise WholeFile  # a long line in a string, or in a header this does not lay out
    return found


def _header_end(lines: list[str], first: int, body_first: int) -> int:
    """The last line of a compound statement's header: the line before its body, less any
    blank lines and comments between them."""
    if lines[first].lstrip().startswith(("elif ", "else", "except", "finally")):
        raise WholeFile  # not a statement on its own
    last = body_first - 1
    while last > first and (not lines[last].strip() or lines[last].lstrip().startswith("#")):
        last -= 1
    return last


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _replace(lines: list[str], statements: list[Statement]) -> str:
    by_indent: dict[int, list[Statement]] = {}
    for statement in statements:
        by_indent.setdefault(_indent_of(lines[statement.first]), []).append(statement)
    formatted: dict[Statement, list[str]] = {}
    for indent, group in by_indent.items():
        formatted.update(_format_group(lines, indent, group))
    for statement in sorted(statements, key=lambda s: s.first, reverse=True):
        prefix = " " * _indent_of(lines[statement.first])
        new = [prefix + line if line else line for line in formatted[statement]]
        lines[statement.first : statement.last + 1] = new
    return "\n".join(lines)


def _format_group(
    lines: list[str], indent: int, group: list[Statement]
) -> dict[Statement, list[str]]:
    """One black call for every statement of one indentation, split back by markers."""
    import black

    parts: list[str] = []
    for number, statement in enumerate(group):
        source = lines[statement.first : statement.last + 1]
        # Dedenting must not touch the inside of a multi-line string.
        if any(line != "" and _indent_of(line) < indent for line in source):
            raise WholeFile
        parts.append(f"{MARKER}{number}")
        parts += [line[indent:] for line in source]
        if statement.kind == "header":
            parts.append("    pass")
        elif statement.kind == "decorator":
            parts.append("def _(): pass")
    try:
        out = black.format_str("\n".join(parts) + "\n", mode=black_mode(LINE_LENGTH - indent))
    except black.parsing.InvalidInput:
        raise WholeFile from None
    return dict(zip(group, _split(out, group), strict=True))


def _split(out: str, group: list[Statement]) -> list[list[str]]:
    """black's output of one call, back into one list of lines per statement."""
    chunks: list[list[str]] = [[] for _ in group]
    current: list[str] | None = None
    for line in out.split("\n"):
        if line.startswith(MARKER):
            current = chunks[int(line[len(MARKER) :])]
        elif current is not None:
            current.append(line)
    result = []
    for chunk, statement in zip(chunks, group, strict=True):
        text = "\n".join(chunk).strip("\n").split("\n")
        drop = {"header": 1, "decorator": 2}.get(statement.kind, 0)  # the stub body
        result.append(text[: len(text) - drop])
    return result
