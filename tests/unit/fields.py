"""A normalised field dict, as generator.samples and the conformance suite take it."""

from __future__ import annotations

from typing import Any


def field(kind: str, **overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "type": kind,
        "required": True,
        "default": None,
        "unique": False,
        "min": None,
        "max": None,
        "min_length": None,
        "max_length": 255 if kind == "string" else None,
        "values": None,
        "description": None,
    }
    spec.update(overrides)
    return spec
