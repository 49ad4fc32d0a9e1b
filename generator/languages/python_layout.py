"""What the Python layout modules share: black's line length and mode, the statements they
cut a file into, and the signal that a file needs black whole."""

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
    # "simple", "string" (a lone string: a docstring), "header" (formatted with a pass
    # body), "clause" (an elif or except header: not formatted on its own), "decorator"
    kind: str


@cache
def black_mode(line_length: int = LINE_LENGTH) -> Any:
    from black.mode import Mode, TargetVersion

    return Mode(target_versions={TargetVersion.PY311}, line_length=line_length)
