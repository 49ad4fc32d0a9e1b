"""Lines over the limit: exploded at their last bracket pair, as black's magic trailing comma
keeps them."""

from __future__ import annotations

import io
import keyword
from token import COMMENT, DEDENT, ENDMARKER, INDENT, NAME, NEWLINE, NL, OP, STRING
from typing import TYPE_CHECKING

from generator.languages.python_layout import LINE_LENGTH, MARKER, Statement, WholeFile, black_mode

if TYPE_CHECKING:
    from tokenize import TokenInfo


def last_of_header(lines: list[str], first: int, body_first: int) -> int:
    """The last line of a compound statement's header: the line before its body, less
    any blank lines and comments between them."""
    if body_first <= first:
        raise WholeFile  # a body on the header's line (if a: b): black splits it
    last = body_first - 1
    while last > first and (not lines[last].strip() or lines[last].lstrip().startswith("#")):
        last -= 1
    return last


def long_lines(lines: list[str]) -> list[int]:
    """The lines over the limit, but for comments on their own line: black leaves those
    as they are, whatever their length."""
    return [
        number
        for number, line in enumerate(lines)
        if line_width(line) > LINE_LENGTH and not line.lstrip().startswith("#")
    ]


def explode_all(lines: list[str], long: list[int]) -> tuple[list[str], set[tuple[int, int]]]:
    """``lines`` with each long line that can be exploded replaced by its exploded lines,
    and where those are: (first, last) line numbers in the result."""
    pieces = {n: e for n in long if (e := explode_line(lines[n])) is not None}
    result = list(lines)
    for number in sorted(pieces, reverse=True):
        result[number : number + 1] = pieces[number]
    ranges: set[tuple[int, int]] = set()
    offset = 0
    for number in sorted(pieces):
        ranges.add((number + offset, number + offset + len(pieces[number]) - 1))
        offset += len(pieces[number]) - 1
    return result, ranges


def explode_line(line: str, depth: int = 0) -> list[str] | None:
    """``line`` split at its last bracket pair (a def's parameters) into one item per line,
    each followed by a comma, and the same again for any item still too long; None where
    that is not surely black's own layout of the line: a comment, a header other than a
    def, a subscript, a comprehension, a lambda, a one-item tuple, a head or an item that
    still does not fit. A line inside brackets qualifies when it is one whole item (it ends
    with a comma). `raise Error(...) from error` explodes too, its tail staying with the
    closing bracket (black keeps that: no optional parentheses follow `raise`)."""
    indent = " " * indent_of(line)
    code = line.strip()
    if code.startswith("from ") and " import " in code and not {"(", "#"} & set(code):
        module, names = code.split(" import ", 1)  # black's layout of a long import
        return [
            f"{indent}{module} import (",
            *(f"{indent}    {n}," for n in names.split(", ")),
            f"{indent})",
        ]
    tokens = _tokens(code)
    if not tokens or depth > 8 or any(t.type == COMMENT for t in tokens):
        return None
    pairs = _bracket_pairs(tokens)
    if pairs is None:
        return None
    words = [t.string for t in tokens[:2]]
    if words[0] == "def" or words == ["async", "def"]:
        if tokens[-1].string != ":":
            return None
        opening = next(i for i, t in enumerate(tokens) if t.string == "(")
    else:
        last = len(tokens) - (2 if tokens[-1].string == "," else 1)
        if words[0] == "raise" and len(tokens) > 3 and _is_from_name(tokens[-2:]):
            last -= 2  # raise Error(...) from error: the tail stays with the bracket
        if tokens[-1].string == ":" or last < 1 or last not in pairs.values():
            return None
        opening = next(o for o, c in pairs.items() if c == last)
        if not _plain_callee(tokens, opening):
            return None
    items = _items(code, tokens, opening, pairs[opening])
    if items is None:
        return None
    head = indent + code[: tokens[opening].end[1]]
    tail = indent + code[tokens[pairs[opening]].start[1] :]
    if max(line_width(head), line_width(tail)) > LINE_LENGTH:
        return None
    exploded = [head]
    for item in items:
        item_line = f"{indent}    {item},"
        if line_width(item_line) <= LINE_LENGTH:
            exploded.append(item_line)
        else:
            nested = explode_line(item_line, depth + 1)
            if nested is None:
                return None
            exploded += nested
    return [*exploded, tail]


def _is_from_name(tokens: list[TokenInfo]) -> bool:
    return tokens[0].string == "from" and tokens[1].type == NAME


def _tokens(code: str) -> list[TokenInfo]:
    import tokenize  # 3 ms of regular expressions, for files with long lines only

    skip = {NEWLINE, NL, ENDMARKER, INDENT, DEDENT}
    try:
        found = tokenize.generate_tokens(io.StringIO(code + "\n").readline)
        return [t for t in found if t.type not in skip]
    except (tokenize.TokenError, SyntaxError):
        return []  # an unclosed bracket or string: part of a longer statement


# Where the expression that ends with the bracket starts: after an assignment, a keyword
# argument's or a dict key's colon, a keyword that takes an expression, a decorator's @.
STARTERS = frozenset(
    ["=", ":", "@", "return", "yield", "await", "del", "assert", "raise"]
    + [op + "=" for op in ("+", "-", "*", "/", "//", "%", "**", "@", "&", "|", "^", "<<", ">>")]
)


def _plain_callee(tokens: list[TokenInfo], opening: int) -> bool:
    """Whether the expression that the bracket ends is the bracket after a dotted name (or
    the bracket alone). Operators, keywords, lambdas and method chains around it give black
    reasons to wrap it in parentheses instead of keeping the magic trailing comma."""
    start, depth = 0, 0
    for index, token in enumerate(tokens[:opening]):
        if token.string == "lambda":
            return False
        if token.type == OP and token.string in "([{":
            depth += 1
        elif token.type == OP and token.string in ")]}":
            depth -= 1
        elif depth == 0 and token.string in STARTERS and (token.string != "@" or not index):
            start = index + 1
    return all(
        token.string == "." or (token.type == NAME and not keyword.iskeyword(token.string))
        for token in tokens[start:opening]
    )


def _bracket_pairs(tokens: list[TokenInfo]) -> dict[int, int] | None:
    """Opening bracket index -> closing bracket index; None unless every bracket closes."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.type != OP:
            continue
        if token.string in "([{":
            stack.append(index)
        elif token.string in ")]}":
            if not stack or tokens[stack[-1]].string + token.string not in ("()", "[]", "{}"):
                return None
            pairs[stack.pop()] = index
    return None if stack else pairs


def _items(code: str, tokens: list[TokenInfo], opening: int, closing: int) -> list[str] | None:
    """The comma-separated items between two brackets, as written; None where a trailing
    comma would not be black's magic one or would change the program."""
    before = tokens[opening - 1] if opening else None
    callee = before is not None and (
        (before.type == NAME and not keyword.iskeyword(before.string))
        or before.string in (")", "]")
    )
    bracket = tokens[opening].string
    if bracket == "[" and (callee or (before is not None and before.type == STRING)):
        return None  # a subscript
    items: list[str] = []
    start, depth = opening + 1, 0
    for index in range(opening + 1, closing + 1):
        token = tokens[index]
        if depth == 0 and token.string in ("for", "lambda"):
            return None  # a comprehension, or commas of a lambda
        if token.type == OP and token.string in "([{":
            depth += 1
        elif token.type == OP and token.string in ")]}" and index != closing:
            depth -= 1
        elif (depth == 0 and token.string == ",") or index == closing:
            if index > start:
                items.append(code[tokens[start].start[1] : tokens[index - 1].end[1]])
            start = index + 1
    if not items or (bracket == "(" and not callee and len(items) < 2):
        return None  # nothing to split, or a parenthesised expression or one-item tuple
    return items


def line_width(line: str) -> int:
    """Columns as black counts them (wide characters take two). No character takes more
    than two, so a short line needs no counting, and black is not imported for it."""
    if line.isascii() or 2 * len(line) <= LINE_LENGTH:
        return len(line)
    from black.strings import str_width

    return int(str_width(line))


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def replace_lines(lines: list[str], statements: list[Statement]) -> str:
    by_indent: dict[int, list[Statement]] = {}
    for statement in statements:
        by_indent.setdefault(indent_of(lines[statement.first]), []).append(statement)
    formatted: dict[Statement, list[str]] = {}
    for indent, group in by_indent.items():
        formatted.update(_format_group(lines, indent, group))
    for statement in sorted(statements, key=lambda s: s.first, reverse=True):
        prefix = " " * indent_of(lines[statement.first])
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
        if any(line != "" and indent_of(line) < indent for line in source):
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
