"""Per-language helpers that templates use: literals, import blocks, formatting.

Stacks name their language in stack.yaml; the core knows languages, never stacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class Formatter(Protocol):
    def __call__(self, text: str, path: str) -> str: ...


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


def get_language(name: str) -> Language:
    if name == "python":
        from generator.languages import python

        return python.LANGUAGE
    raise KeyError(name)
