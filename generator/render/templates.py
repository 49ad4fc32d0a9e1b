"""Render a stack's templates in memory: {output path: text}. Rendering never writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox

from generator.context import ResourceContext, WiredResource
from generator.errors import ScaffoldError, display_path
from generator.render.user_cache import cache_folder
from generator.stacks import Stack

TEMPLATE_SUFFIX = ".jinja"


class Renderer:
    """One Jinja environment per stack and run; templates are compiled once. Templates are
    rendered in Jinja's sandbox: they read the context, they cannot reach Python's internals
    (``self.__init__.__globals__`` is a render error), so a stack cannot run code."""

    def __init__(self, stack: Stack, overrides: Path | None = None) -> None:
        """``overrides``: a project's folder of templates, looked in before the stack's
        (same paths, same sandbox, same context)."""
        self.stack = stack
        folders = [str(overrides)] if overrides else []
        self.env = jinja2.sandbox.SandboxedEnvironment(
            loader=jinja2.FileSystemLoader([*folders, str(stack.root)]),
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

    def wiring(self, resources: Iterable[WiredResource]) -> dict[str, str]:
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
            name = template.relative_to(self.stack.root).as_posix()
            output = self.env.from_string(relative).render(path_names)
            text = self.render(name, context)
            reason = outside_reason_of(output)
            if reason is not None:
                raise ScaffoldError(
                    f"{display_path(template)}: its output path {output!r} {reason}; a template"
                    " writes only inside the project (nothing was written)"
                )
            if Path(output).suffix in self.stack.language.formats:
                text = self.stack.language.finisher(text, output)
            files[output] = text
        return files

    def render(self, name: str, context: dict[str, Any]) -> str:
        """One template (a path below the stack's folder, or the project's override of it).
        A failure is located in the file that failed: the stack's templates fail only in
        the sandbox or by a bug, a project's override also by any mistake in it."""
        try:
            template = self.env.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            raise RenderError(Path(error.filename or name), error) from None
        path = Path(template.filename or name)
        try:
            return template.render(context)
        except Exception as error:
            unsafe = isinstance(error, jinja2.exceptions.SecurityError)
            if path.is_relative_to(self.stack.root) and not unsafe:
                raise  # a bug of the stack
            raise RenderError(path, error) from None


class RenderError(ScaffoldError):
    """A template that fails to render (the sandbox refused it, or a syntax error), located
    at its line."""

    def __init__(self, template: Path, error: Exception) -> None:
        line = getattr(error, "lineno", None) or _template_line(error, template)
        where = f"{display_path(template)}:{line}" if line else display_path(template)
        kind = "unsafe template" if isinstance(error, jinja2.exceptions.SecurityError) else "error"
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        super().__init__(f"{where}: {kind}: {message}; nothing was written")


def _template_line(error: BaseException, template: Path) -> int | None:
    """The template line a render error was raised at: Jinja maps its frames to them."""
    line = None
    traceback = error.__traceback__
    while traceback is not None:
        if Path(traceback.tb_frame.f_code.co_filename) == template:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def outside_reason_of(output: str) -> str | None:
    """Why a rendered output path would not stay inside the project, if it would not."""
    parts = output.split("/")
    if not output or output.startswith("/") or "\\" in output or "\0" in output:
        return "is not a plain relative path"
    if ".." in parts:
        return "goes up out of the project (..)"
    return None


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (Jinja checks each against its source); none if
    the cache folder cannot be made."""
    folder = cache_folder("jinja-sandboxed")  # never code compiled outside the sandbox
    return jinja2.FileSystemBytecodeCache(str(folder)) if folder else None


def _templates(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob(f"*{TEMPLATE_SUFFIX}") if p.is_file())
