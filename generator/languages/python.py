"""Python: exact literals, isort-style import blocks, and black (in process, one mode per run)."""

from __future__ import annotations

import keyword
import math
import textwrap
from importlib import metadata
from typing import Any

from generator.languages import Language
from generator.languages.python_imports import import_order, settle_imports, used_imports


def literal(value: Any) -> str:
    """A Python literal that evaluates to exactly ``value`` (strings, numbers, lists, dicts)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"no Python literal for {value}")
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, float):
        return repr(value).replace("e+", "e")  # black writes 1e20, not 1e+20
    if isinstance(value, int | bool) or value is None:
        return repr(value)
    raise TypeError(f"no Python literal for {type(value).__name__}")


def expression(value: Any) -> str:
    """``literal``, but a long run of one character is written ``"x" * 121``."""
    if isinstance(value, str) and len(value) > 20 and len(set(value)) == 1:
        return f"{_string(value[0])} * {len(value)}"
    return literal(value)


def _string(value: str) -> str:
    """The string as black writes it: in double quotes, unless that needs more escapes."""
    text = repr(value)
    if text.startswith('"') or value.count('"') > value.count("'"):
        return text  # repr chose double quotes, or single quotes need fewer escapes
    body = text[1:-1].replace("\\'", "'").replace('"', '\\"')
    return f'"{body}"'


def docstring(text: str, width: int = 72, indent: int = 0) -> str:
    """A triple-quoted docstring of ``text``, wrapped to ``width``, its lines indented as
    black indents them. Backslashes, quotes and control characters are escaped, so no text
    can end the string early or break it."""
    paragraphs = [
        textwrap.fill(p.strip(), width, break_long_words=False, break_on_hyphens=False)
        for p in text.strip().split("\n\n")
    ]
    body = "\n\n".join(p for p in paragraphs if p).replace("\\", "\\\\")
    body = "".join(f"\\x{ord(c):02x}" if _is_control(c) else c for c in body)
    if '"""' in body or body.endswith('"'):
        body = body.replace('"', '\\"')
    if body.startswith('"'):
        body = " " + body  # as black pads a docstring that starts with a quote
    if "\n" not in body:
        written = f'"""{body} """' if body.endswith('"') else f'"""{body}"""'
    else:
        pad = " " * indent
        lines = [line.rstrip() for line in body.split("\n")]
        body = "\n".join([lines[0], *(pad + line if line else "" for line in lines[1:])])
        written = f'"""{body}\n{pad}"""'
    from generator.languages.python_format import black_docstring

    return black_docstring(written, indent)


def _is_control(char: str) -> bool:
    return char != "\n" and (ord(char) < 32 or ord(char) == 127)


def format_python(text: str, path: str) -> str:
    """black's layout: for the statements over the line limit, or the whole file where
    needed (see python_format); black is imported on first use so the CLI starts fast."""
    from generator.languages.python_format import format_long_statements

    try:
        return format_long_statements(text)
    except SyntaxError as error:
        raise RenderedCodeError(path, f"line {error.lineno}: {error.msg}") from None


def finish_python(text: str, path: str) -> str:
    """The rendered module with its imports settled (see python_imports)."""
    try:
        return settle_imports(text, path)
    except SyntaxError as error:
        raise RenderedCodeError(path, f"line {error.lineno}: {error.msg}") from None


class RenderedCodeError(Exception):
    """A template produced code that does not parse: a bug in the template, not user input."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: rendered code does not parse ({reason})")


LANGUAGE = Language(
    name="python",
    title="Python",
    # pycodestyle (ruff's E741) rejects l, O and I as names: spelled with a _ like keywords.
    keywords=frozenset(keyword.kwlist) | {"l", "O", "I"},
    filters={
        "literal": literal,
        "expression": expression,
        "docstring": docstring,
        "used_imports": used_imports,
        "import_order": import_order,
    },
    formatter=format_python,
    formats=(".py",),
    finisher=finish_python,
    formatter_version=lambda: f"black={metadata.version('black')}",
)
