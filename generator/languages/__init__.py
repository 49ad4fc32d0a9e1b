"""Per-language helpers that templates use: literals, import blocks, formatting.

Stacks name their language in stack.yaml; the core knows languages, never stacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Formatter(Protocol):
    def __call__(self, text: str, path: str) -> str: ...


class BatchFormatter(Protocol):
    """Formats many files in one call ({path: text} -> {path: text}): a formatter that
    runs as one process over all files (Prettier) rather than file by file."""

    def __call__(self, files: dict[str, str]) -> dict[str, str]: ...


def trailing_underscore(name: str) -> str:
    """The alias rule of Python and TypeScript: `class` is spelled `class_` in code."""
    return f"{name}_"


@dataclass(frozen=True)
class Language:
    """What the core needs of a target language."""

    name: str
    title: str  # as a person writes it: Python, TypeScript
    keywords: frozenset[str]  # names code spells with a trailing underscore
    filters: dict[str, Any]  # Jinja filters, e.g. the literal filter
    formatter: Formatter
    formats: tuple[str, ...]  # file suffixes the formatter (and the finisher) handles
    finisher: Formatter  # completes a rendered file, e.g. settles its imports
    # How code spells a name the stack reserves (the API keeps the name): `class_`.
    alias: Callable[[str], str] = trailing_underscore
    # Set for a formatter that wants all files at once; `formatter` is then not called.
    batch_formatter: BatchFormatter | None = None
    # The formatter's version, which changes what a run writes (part of the render digest).
    formatter_version: Callable[[], str] = lambda: ""

    def code_name(self, name: str, reserved: frozenset[str]) -> str:
        """``name`` as code spells it, when ``reserved`` holds the names it must avoid."""
        return self.alias(name) if name in reserved else name


def get_language(name: str) -> Language:
    if name == "python":
        from generator.languages import python

        return python.LANGUAGE
    if name == "typescript":
        from generator.languages import typescript

        return typescript.LANGUAGE
    raise KeyError(name)
