"""Render a stack's templates in memory: {output path: text}. Rendering never writes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2

from generator.context import ResourceContext
from generator.stacks import Stack

TEMPLATE_SUFFIX = ".jinja"


class Renderer:
    """One Jinja environment per stack and run; templates are compiled once."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(stack.root)),
            bytecode_cache=_bytecode_cache(),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
        )
        self.env.filters.update(stack.language.filters)

    def resource(self, resource: ResourceContext) -> dict[str, str]:
        """Every file of one resource."""
        return self._render_tree(
            self.stack.resource_dir, {"resource": resource}, resource.names.as_dict()
        )

    def wiring(self, resources: list[ResourceContext]) -> dict[str, str]:
        """Files rendered from all generated resources together (e.g. the router list)."""
        ordered = sorted(resources, key=lambda r: r.names.plural)
        return self._render_tree(self.stack.wiring_dir, {"resources": ordered}, {})

    def _render_tree(
        self, folder: Path, context: dict[str, Any], path_names: dict[str, str]
    ) -> dict[str, str]:
        """Render every template below ``folder``; its file name may use the name forms,
        e.g. app/models/{{plural}}.py.jinja."""
        files: dict[str, str] = {}
        for template in _templates(folder):
            relative = template.relative_to(folder).as_posix().removesuffix(TEMPLATE_SUFFIX)
            output = self.env.from_string(relative).render(path_names)
            name = template.relative_to(self.stack.root).as_posix()
            text = self.env.get_template(name).render(context)
            if Path(output).suffix in self.stack.language.formats:
                text = self.stack.language.finisher(text, output)
            files[output] = text
        return files


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (Jinja checks each against its source); none if
    the cache folder cannot be made."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "scaffold" / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _templates(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob(f"*{TEMPLATE_SUFFIX}") if p.is_file())
