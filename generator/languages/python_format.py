"""black's layout where rendered code needs it, mostly without black.

The templates write code as black would, statement by statement: one line per statement
where it fits, black's blank lines, black's quotes (the `literal` and `docstring` filters).
What they cannot know is whether a statement fits once names and values are filled in:
a line may come out too long, and a statement written over several lines may now fit on
one (black joins it). The result must be what black makes of the whole file, file by file:

1. What is cheaper to find than to fix sends the whole file through black: tabs, carriage
   returns, backslash continuations, blank lines black would remove. Spaces at the ends
   of lines are stripped (also in docstrings, as black does); in another string that
   spans lines they are its value, and black formats the file. Numbers are spelled as
   black spells them (``1e+20`` is ``1e20``).
2. A line over the limit is exploded: its last bracket pair (a def's parameters) is
   split one item per line, each item followed by a comma. black keeps such a layout as
   it is (the "magic trailing comma"); the program must be unchanged (the syntax trees
   are compared).
3. Every statement (compound header, decorator) written over several lines is joined
   onto one where it fits and has no magic trailing comma, as black joins it; kept where
   it is the layout exploding gives, or black's split of a def header (head, parameters
   on one line, the closing bracket with the return annotation); formatted by black
   otherwise (below). Docstrings are the docstring filter's.
4. What is left, black formats: each such statement on its own (black lays out a
   statement from its own tokens and the room its indentation leaves), all of a file's
   statements at one indentation in one black call. These are the classes of statements
   black decides: one still over the limit after exploding (an operator or a method
   chain before its last bracket, a subscript, a comprehension, a lambda, a string too
   long), and one written over several lines that does not fit on one without a magic
   trailing comma (black's right-hand split, with its optional parentheses and omitted
   trailers, is not replicated), or with comments, redundant parentheses or powers.
   A docstring (a lone string) must already be as black writes it (black_docstring, the
   docstring filter's last step: black strips, reindents, pads and may move its closing
   quotes), or black formats the file.
   What cannot be cut out as a statement (an `elif` or `except` line, a string that
   dedenting would change) sends the whole file through black, which is always right.

A typical file needs no black at all. tests/property/test_black_differential.py checks
over generated specs (names, values and messages of every length around the limit, many
refs), and tests/golden over the snapshots, that the result is black's for the whole
file; SCAFFOLD_EXHAUSTIVE=1 runs it long (docs/testing.md)."""

from __future__ import annotations

import ast
import io
import re
from token import NUMBER
from typing import Any

from generator.languages.python_explode import explode_all, indent_of, long_lines, replace_lines
from generator.languages.python_join import multiline_verdict, shift_statement, statement_spans
from generator.languages.python_layout import (
    LINE_LENGTH,
    Statement,
    WholeFile,
    black_mode,
)


def format_whole(text: str) -> str:
    import black

    return str(black.format_str(text, mode=black_mode()))


def format_long_statements(text: str) -> str:
    """``text`` as black writes it (see the module's docstring). Raises SyntaxError if
    ``text`` is not Python."""
    tree = ast.parse(text)  # also reports code that does not parse
    if WHOLE_FILE_SIGNS.search(text) or (text and not text.endswith("\n")):
        return format_whole(text)
    try:
        return _format(text, tree)
    except WholeFile:
        return format_whole(text)


def _format(text: str, tree: ast.Module) -> str:
    stale = False  # whether ``tree`` is of an earlier ``text`` (the same lines, but columns)
    if TRAILING_SPACE.search(text):
        text, stale = _strip_trailing_spaces(text, tree), True
    if ODD_NUMBER.search(text):
        text, stale = _normalize_numbers(text), True
    lines = text.split("\n")
    long = long_lines(lines)
    exploded: set[tuple[int, int]] = set()
    if long:
        candidate, exploded = explode_all(lines, long)
        if candidate != lines:
            changed = ast.parse("\n".join(candidate))
            if _same_program(changed, ast.parse(text) if stale else tree):
                lines, tree, long = candidate, changed, long_lines(candidate)
            else:
                exploded = set()
    return _settle(lines, tree, set(long), exploded)


def _settle(
    lines: list[str], tree: ast.Module, long: set[int], exploded: set[tuple[int, int]]
) -> str:
    """The module's statements (and compound headers, and decorators) laid out as black
    lays them out: each one written over several lines joined where black joins it, kept
    where its layout is the one exploding gives (black keeps that) or black's split of a
    def; the rest, and those with a line still too long, formatted by black, all of one
    indentation in one call. ``exploded`` are the (first, last) lines of statements
    exploding wrote, black's layout already."""
    spans = statement_spans(tree, lines)
    if not long <= {n for s in spans for n in range(s.first, s.last + 1)}:
        raise WholeFile  # a long line that is no statement's
    to_black: list[Statement] = []
    for span in reversed(spans):  # from the end, so the line numbers before stay valid
        source = lines[span.first : span.last + 1]
        too_long = bool(long.intersection(range(span.first, span.last + 1)))
        if span.kind == "string" and (too_long or span.last > span.first):
            # black does not split a string; a docstring it may strip, reindent, pad, or
            # end with its quotes on a line of their own: it must be as black writes it.
            indent = indent_of(source[0])
            written = "\n".join([source[0][indent:], *source[1:]])
            quoted = written.startswith('"""') and written.count('"""') == 2
            if not quoted or black_docstring(written, indent) != written:
                raise WholeFile
            continue
        if too_long:
            if span.kind == "clause":
                raise WholeFile  # no statement of its own
            to_black.append(span)
            continue
        if span.last == span.first or (span.first, span.last) in exploded:
            continue
        verdict = multiline_verdict(source, span.kind)
        if verdict is None and span.kind == "clause":
            raise WholeFile
        if verdict is None:
            to_black.append(span)
        elif verdict != source:
            lines[span.first : span.last + 1] = verdict
            to_black = [shift_statement(s, span, len(verdict)) for s in to_black]
    if to_black:
        return replace_lines(lines, to_black[::-1])
    return "\n".join(lines)


def black_docstring(written: str, indent: int) -> str:
    """The docstring ``written`` (triple double quotes) as black rewrites a docstring at
    ``indent`` (black's linegen.visit_STRING and fix_multiline_docstring, step by step):
    what the wrapping above leaves to it, such as a line that starts with a no-break space
    (Unicode whitespace, which black strips and textwrap does not)."""
    prefix = " " * indent
    text = written[3:-3]
    started_empty = not text
    if "\n" in written:
        lines = text.split("\n")
        depth = min(
            (len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()),
            default=None,
        )
        trimmed = [lines[0].strip()]
        if depth is not None:
            for number, line in enumerate(lines[1:]):
                kept = line[depth:].rstrip()
                last = number == len(lines) - 2
                trimmed.append(prefix + kept if kept or last else "")
        text = "\n".join(trimmed)
    else:
        text = text.strip()
    backslash = False
    if text:
        if text[0] == '"':
            text = " " + text
        if text[-1] == '"':
            text += " "
        if text[-1] == "\\" and (len(text) - len(text.rstrip("\\"))) % 2:
            text += " "
            backslash = True
    elif not started_empty:
        text = " "
    lines = text.splitlines()
    last_length = len(lines[-1]) if text and not text.endswith("\n") else 0
    long = len(lines) > 1 and last_length + 3 > LINE_LENGTH >= indent + 3
    if long and not backslash and written[-4] != "\n":
        return f'"""{text}\n{prefix}"""'  # the closing quotes on a line of their own
    return f'"""{text}"""'


def _same_program(first: ast.AST, second: ast.AST) -> bool:
    """Whether two syntax trees are equal but for positions (ast.dump, faster)."""
    pending: list[tuple[Any, Any]] = [(first, second)]
    while pending:
        a, b = pending.pop()
        if type(a) is not type(b):
            return False
        if isinstance(a, ast.AST):
            pending += [(getattr(a, f, None), getattr(b, f, None)) for f in a._fields]
        elif isinstance(a, list):
            if len(a) != len(b):
                return False
            pending += zip(a, b, strict=True)
        elif a != b:
            return False
    return True


# What black changes in a file that is cheaper to find than to fix: tabs, carriage
# returns, form feeds, backslash continuations, blank lines at the end of the file, three
# blank lines in a row, or two before an indented line. A template should write none of
# these; where one does, black formats the file.
WHOLE_FILE_SIGNS = re.compile(r"[\t\r\f\v]|\\$|\n\n\Z|\n\n\n\n|\n\n\n +\S", re.MULTILINE)
TRAILING_SPACE = re.compile(r" +$", re.MULTILINE)


def _strip_trailing_spaces(text: str, tree: ast.Module) -> str:
    """``text`` without spaces at the ends of its lines, as black writes it: in code and in
    docstrings (`Revises: ` with no revision). Raises WholeFile for a line of another string
    that spans lines (its spaces are its value), or of a string black may see as a
    docstring (the first statement of any block)."""
    docstrings: set[int] = set()
    strings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
        if isinstance(node, ast.Constant | ast.JoinedStr) and node.lineno != node.end_lineno:
            strings.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if line.endswith(" "):
            if number in strings and number not in docstrings:
                raise WholeFile
            lines[number - 1] = line.rstrip(" ")
    return "\n".join(lines)


# Numbers black spells otherwise: an exponent with a + (repr(1e20) is "1e+20"), capitals.
ODD_NUMBER = re.compile(r"\d[eE]\+|\dE|\b0[XOB]|\b0x[\d_]*[a-f]|\d[JL]\b")


def _normalize_numbers(text: str) -> str:
    """``text`` with each number token as black writes it (black.numerics, without
    importing black); strings that look like numbers are left alone."""
    import tokenize

    lines = text.split("\n")
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    for token in reversed([t for t in tokens if t.type == NUMBER]):
        number = _black_number(token.string)
        if number != token.string:
            row, column = token.start[0] - 1, token.start[1]
            line = lines[row]
            lines[row] = line[:column] + number + line[token.end[1] :]
    return "\n".join(lines)


def _black_number(text: str) -> str:
    """black's spelling of a number (normalize_numeric_literal)."""

    def point(number: str) -> str:  # 1. is 1.0, .5 is 0.5
        before, dot, after = number.partition(".")
        return f"{before or 0}.{after or 0}" if dot else number

    text = text.lower()
    if text.startswith(("0o", "0b")):
        return text
    if text.startswith("0x"):
        return text[:2] + text[2:].upper()
    if "e" in text:
        before, _, after = text.partition("e")
        sign = "-" if after.startswith("-") else ""
        return f"{point(before)}e{sign}{after.lstrip('+-')}"
    if text.endswith("j"):
        return point(text[:-1]) + "j"
    return point(text)


# Tokens between which black writes one space when it joins lines; for the others (a
# colon, **, a dot after a number) black decides.
