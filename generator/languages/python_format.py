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
import keyword
import re
from dataclasses import dataclass
from functools import cache
from token import COMMENT, DEDENT, ENDMARKER, INDENT, NAME, NEWLINE, NL, NUMBER, OP, STRING
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tokenize import TokenInfo

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
    # "simple", "string" (a lone string: a docstring), "header" (formatted with a pass
    # body), "clause" (an elif or except header: not formatted on its own), "decorator"
    kind: str


@cache
def black_mode(line_length: int = LINE_LENGTH) -> Any:
    from black.mode import Mode, TargetVersion

    return Mode(target_versions={TargetVersion.PY311}, line_length=line_length)


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
    long = _long_lines(lines)
    exploded: set[tuple[int, int]] = set()
    if long:
        candidate, exploded = _explode_all(lines, long)
        if candidate != lines:
            changed = ast.parse("\n".join(candidate))
            if _same_program(changed, ast.parse(text) if stale else tree):
                lines, tree, long = candidate, changed, _long_lines(candidate)
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
    spans = _spans(tree, lines)
    if not long <= {n for s in spans for n in range(s.first, s.last + 1)}:
        raise WholeFile  # a long line that is no statement's
    to_black: list[Statement] = []
    for span in reversed(spans):  # from the end, so the line numbers before stay valid
        source = lines[span.first : span.last + 1]
        too_long = bool(long.intersection(range(span.first, span.last + 1)))
        if span.kind == "string" and (too_long or span.last > span.first):
            # black does not split a string; a docstring it may strip, reindent, pad, or
            # end with its quotes on a line of their own: it must be as black writes it.
            indent = _indent_of(source[0])
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
        verdict = _multiline_verdict(source, span.kind)
        if verdict is None and span.kind == "clause":
            raise WholeFile
        if verdict is None:
            to_black.append(span)
        elif verdict != source:
            lines[span.first : span.last + 1] = verdict
            to_black = [_shift(s, span, len(verdict)) for s in to_black]
    if to_black:
        return _replace(lines, to_black[::-1])
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
BINARY = frozenset(
    ["+", "-", "*", "/", "//", "%", "@", "|", "&", "^", "<<", ">>", "==", "!=", "<", ">"]
    + ["<=", ">=", "=", "->", ":=", "+=", "-=", "*=", "/=", "|=", "&="]
)
WORDS = frozenset(["and", "or", "not", "in", "is", "if", "else", "for", "async", "lambda"])
OPENING = frozenset("([{")
CLOSING = frozenset(")]}")


def _shift(statement: Statement, before: Statement, length: int) -> Statement:
    """``statement``, which comes after ``before``, once ``before`` is ``length`` lines."""
    delta = length - (before.last - before.first + 1)
    return Statement(statement.first + delta, statement.last + delta, statement.kind)


def _multiline_verdict(source: list[str], kind: str) -> list[str] | None:
    """black's layout of a statement written over several lines as ``source``: one line
    (joined), or ``source`` itself; None where it takes black to say."""
    indent = " " * _indent_of(source[0])
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
    if not magic and _width(line) <= LINE_LENGTH:
        return [line]
    if kind == "clause" or any(
        significant[i - 1].string == "," and significant[i - 1].start[0] == t.start[0]
        for i, t in enumerate(significant)
        if t.string in CLOSING and i
    ):
        return None  # a magic trailing comma inside one line: black explodes it
    if _explode(line) == source:
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
    if max(_width(head), _width(body), _width(tail)) > LINE_LENGTH:
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


def _spans(tree: ast.Module, lines: list[str]) -> list[Statement]:
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
                end = _last_of_header(lines, first, node.body[0].lineno - 1)
                found.append(Statement(first, end, "clause" if clause else "header"))
            elif isinstance(node, ast.ExceptHandler):
                first = node.lineno - 1
                found.append(
                    Statement(
                        first, _last_of_header(lines, first, node.body[0].lineno - 1), "clause"
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


def _last_of_header(lines: list[str], first: int, body_first: int) -> int:
    """The last line of a compound statement's header: the line before its body, less
    any blank lines and comments between them."""
    if body_first <= first:
        raise WholeFile  # a body on the header's line (if a: b): black splits it
    last = body_first - 1
    while last > first and (not lines[last].strip() or lines[last].lstrip().startswith("#")):
        last -= 1
    return last


def _long_lines(lines: list[str]) -> list[int]:
    """The lines over the limit, but for comments on their own line: black leaves those
    as they are, whatever their length."""
    return [
        number
        for number, line in enumerate(lines)
        if _width(line) > LINE_LENGTH and not line.lstrip().startswith("#")
    ]


def _explode_all(lines: list[str], long: list[int]) -> tuple[list[str], set[tuple[int, int]]]:
    """``lines`` with each long line that can be exploded replaced by its exploded lines,
    and where those are: (first, last) line numbers in the result."""
    pieces = {n: e for n in long if (e := _explode(lines[n])) is not None}
    result = list(lines)
    for number in sorted(pieces, reverse=True):
        result[number : number + 1] = pieces[number]
    ranges: set[tuple[int, int]] = set()
    offset = 0
    for number in sorted(pieces):
        ranges.add((number + offset, number + offset + len(pieces[number]) - 1))
        offset += len(pieces[number]) - 1
    return result, ranges


def _explode(line: str, depth: int = 0) -> list[str] | None:
    """``line`` split at its last bracket pair (a def's parameters) into one item per line,
    each followed by a comma, and the same again for any item still too long; None where
    that is not surely black's own layout of the line: a comment, a header other than a
    def, a subscript, a comprehension, a lambda, a one-item tuple, a head or an item that
    still does not fit. A line inside brackets qualifies when it is one whole item (it ends
    with a comma). `raise Error(...) from error` explodes too, its tail staying with the
    closing bracket (black keeps that: no optional parentheses follow `raise`)."""
    indent = " " * _indent_of(line)
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
    if max(_width(head), _width(tail)) > LINE_LENGTH:
        return None
    exploded = [head]
    for item in items:
        item_line = f"{indent}    {item},"
        if _width(item_line) <= LINE_LENGTH:
            exploded.append(item_line)
        else:
            nested = _explode(item_line, depth + 1)
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


def _width(line: str) -> int:
    """Columns as black counts them (wide characters take two). No character takes more
    than two, so a short line needs no counting, and black is not imported for it."""
    if line.isascii() or 2 * len(line) <= LINE_LENGTH:
        return len(line)
    from black.strings import str_width

    return int(str_width(line))


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
