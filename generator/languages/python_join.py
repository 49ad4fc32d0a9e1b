"""Statements written over several lines: whether black would join, keep or split them."""

from __future__ import annotations

import ast
import io
import keyword
from token import COMMENT, DEDENT, ENDMARKER, INDENT, NAME, NEWLINE, NL, NUMBER, OP, STRING
from typing import TYPE_CHECKING, Any

from generator.languages.python_explode import explode_line, indent_of, last_of_header, line_width
from generator.languages.python_layout import BLOCKS, HEADERS, LINE_LENGTH, Statement, WholeFile

if TYPE_CHECKING:
    from tokenize import TokenInfo


BINARY = frozenset(
    ["+", "-", "*", "/", "//", "%", "@", "|", "&", "^", "<<", ">>", "==", "!=", "<", ">"]
    + ["<=", ">=", "=", "->", ":=", "+=", "-=", "*=", "/=", "|=", "&="]
)
WORDS = frozenset(["and", "or", "not", "in", "is", "if", "else", "for", "async", "lambda"])
OPENING = frozenset("([{")
CLOSING = frozenset(")]}")


def shift_statement(statement: Statement, before: Statement, length: int) -> Statement:
    """``statement``, which comes after ``before``, once ``before`` is ``length`` lines."""
    delta = length - (before.last - before.first + 1)
    return Statement(statement.first + delta, statement.last + delta, statement.kind)


def multiline_verdict(source: list[str], kind: str) -> list[str] | None:
    """black's layout of a statement written over several lines as ``source``: one line
    (joined), or ``source`` itself; None where it takes black to say."""
    indent = " " * indent_of(source[0])
    code = "\n".join([source[0][len(indent) :], *source[1:]])
    tokens = _all_tokens(code)
    if not tokens:
        return None
    significant = [t for t in tokens if t.type not in (NL, COMMENT)]
    if len(significant) == 1 and significant[0].type == STRING:
        return source  # a docstring (or a lone string): the docstring filter wrote it
    if any(t.type == COMMENT for t in tokens) or any(
        t.type == STRING and t.start[0] != t.end[0] for t in tokens
    ):
        return None  # comments and multi-line strings: black places them
    rows_ended = {t.start[0] for t in tokens if t.type == NL}
    if any(row not in rows_ended for row in range(1, len(source))):
        return None  # a backslash continuation
    parts: list[str] = []
    offsets: list[int] = []  # where each significant token starts in the joined line
    magic = False
    for index, token in enumerate(significant):
        previous = significant[index - 1] if index else None
        if token.string == "**" and _is_operand(previous):
            return None  # a power: black hugs simple operands (x**2)
        if (
            token.string == "("
            and not _is_call(previous)
            and (previous is None or previous.string not in ("(", "[", "{", ","))
        ):
            return None  # parentheses black may drop (after `=`, `return`, `in`...)
        if previous is not None and previous.string == "," and token.string in CLOSING:
            magic = True
        if previous is not None and previous.end[0] != token.start[0]:
            separator = _separator(previous, token)
            if separator is None:
                return None
            parts.append(separator)
        elif previous is not None:
            parts.append(token.line[previous.end[1] : token.start[1]])
        offsets.append(sum(map(len, parts)))
        parts.append(token.string)
    joined = "".join(parts)
    line = indent + joined
    if not magic and line_width(line) <= LINE_LENGTH:
        return [line]
    if kind == "clause" or any(
        significant[i - 1].string == "," and significant[i - 1].start[0] == t.start[0]
        for i, t in enumerate(significant)
        if t.string in CLOSING and i
    ):
        return None  # a magic trailing comma inside one line: black explodes it
    if explode_line(line) == source:
        return source  # the layout exploding gives, which black keeps
    if not magic and kind == "header":
        split = _left_hand_split(significant, offsets, joined, indent)
        if split == source:
            return source
    return None


def _left_hand_split(
    tokens: list[TokenInfo], offsets: list[int], joined: str, indent: str
) -> list[str] | None:
    """black's layout of a def header too long for one line and with no magic trailing
    comma (black's left_hand_split): the head up to the parameters' bracket, the
    parameters on one line, and the bracket that closes them with the rest; None for any
    other header, or where one of those lines would not fit, or where black would add a
    trailing comma (a single parameter) or split the return annotation."""
    words = [t.string for t in tokens[:2]]
    opening = 3 if words == ["async", "def"] else 2 if words[0] == "def" else 0
    if not opening or len(tokens) <= opening or tokens[opening].string != "(":
        return None
    depth, closing, comma = 0, None, False
    for index in range(opening, len(tokens)):
        text = tokens[index].string
        if text in OPENING:
            depth += 1
        elif text in CLOSING:
            depth -= 1
            if depth == 0:
                closing = index
                break
        elif text == "," and depth == 1:
            comma = True
    if closing is None or not comma or closing == opening + 1:
        return None
    arrow = next((i for i in range(closing, len(tokens)) if tokens[i].string == "->"), None)
    if arrow is not None and tokens[arrow + 1].type == STRING:
        return None  # a string return annotation: black may split it first
    head = indent + joined[: offsets[opening] + 1]
    body = indent + "    " + joined[offsets[opening + 1] : offsets[closing]].rstrip()
    tail = indent + joined[offsets[closing] :]
    if max(line_width(head), line_width(body), line_width(tail)) > LINE_LENGTH:
        return None
    return [head, body, tail]


def _is_operand(token: TokenInfo | None) -> bool:
    """Whether ``token`` ends an operand (so a ``**`` after it is a power, not unpacking)."""
    if token is None:
        return False
    if token.type == NAME:
        return not keyword.iskeyword(token.string) or token.string in ("None", "True", "False")
    return token.type in (NUMBER, STRING) or token.string in CLOSING


def _is_call(previous: TokenInfo | None) -> bool:
    """Whether an opening parenthesis after ``previous`` is a call's (or a def's)."""
    if previous is None:
        return False
    if previous.type == NAME:
        return not keyword.iskeyword(previous.string)
    return previous.string in (")", "]")


def _separator(previous: TokenInfo, token: TokenInfo) -> str | None:
    """What black writes between two tokens on lines of their own once it joins them."""
    if previous.string in OPENING or token.string in CLOSING:
        return ""
    if previous.string == "," or token.string in BINARY or token.string in WORDS:
        return " "
    if previous.string in BINARY or previous.string in WORDS:
        return " "
    if previous.type == STRING and token.type == STRING:
        return " "  # implicitly concatenated strings
    if token.string == "." and previous.type in (NAME, OP) and previous.string not in BINARY:
        return ""  # a method chain
    return None


def _all_tokens(code: str) -> list[TokenInfo]:
    """Every token of ``code`` but the structural ones; NL and comments are kept."""
    import tokenize

    skip = {NEWLINE, ENDMARKER, INDENT, DEDENT}
    try:
        found = tokenize.generate_tokens(io.StringIO(code + "\n").readline)
        return [t for t in found if t.type not in skip]
    except (tokenize.TokenError, SyntaxError):
        return []


def statement_spans(tree: ast.Module, lines: list[str]) -> list[Statement]:
    """Every statement, compound header (an `elif` or `except` one is a "clause") and
    decorator of the module, in order."""
    found: list[Statement] = []

    def visit(body: list[Any]) -> None:
        for node in body:
            if isinstance(node, ast.Match):
                raise WholeFile  # not laid out here (no template writes one)
            if isinstance(node, HEADERS):
                for decorator in getattr(node, "decorator_list", []):
                    found.append(
                        Statement(decorator.lineno - 1, decorator.end_lineno - 1, "decorator")
                    )
                first = node.lineno - 1
                clause = lines[first].lstrip().startswith("elif ")
                end = last_of_header(lines, first, node.body[0].lineno - 1)
                found.append(Statement(first, end, "clause" if clause else "header"))
            elif isinstance(node, ast.ExceptHandler):
                first = node.lineno - 1
                found.append(
                    Statement(
                        first, last_of_header(lines, first, node.body[0].lineno - 1), "clause"
                    )
                )
            elif not hasattr(node, "body"):
                lone = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                kind = "string" if lone and isinstance(node.value.value, str) else "simple"
                found.append(Statement(node.lineno - 1, node.end_lineno - 1, kind))
            for block in BLOCKS:
                visit(getattr(node, block, []))

    visit(tree.body)
    found.sort(key=lambda s: s.first)
    if any(a.last >= b.first for a, b in zip(found, found[1:], strict=False)):
        raise WholeFile  # statements that share a line (a; b): black splits them
    return found
