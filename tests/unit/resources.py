"""Helpers for tests that build contexts of several resources and render them in memory."""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from generator.context import ResourceContext, build_contexts
from generator.render.templates import Renderer
from generator.spec import ResourceSpec, load_spec_text
from generator.stacks import load_stack

STACK = load_stack("fastapi")
PROJECT_APP = STACK.project_dir / "app"  # the project template's app/ package (plain Python)

COURSES = "resource: course\nfields:\n  title: string\n"
LESSONS = (
    "resource: lesson\n"
    "fields:\n"
    "  course: {type: ref, on_delete: cascade, nested: true}\n"
    "  title: string\n"
)
LESSON_PROGRESSES = (
    "resource: LessonProgress\n"
    "fields:\n"
    "  lesson: ref\n"
    "  percent: {type: float, min: 0, max: 100}\n"
)


def spec_path(plural: str) -> str:
    return f"specs/{plural}.yaml"


def load_all(specs: dict[str, str]) -> dict[str, tuple[ResourceSpec, str]]:
    """plural -> spec text, loaded as the generator loads spec files."""
    return {
        plural: (load_spec_text(text, spec_path(plural), plural), spec_path(plural))
        for plural, text in specs.items()
    }


def contexts(specs: dict[str, str]) -> dict[str, ResourceContext]:
    return build_contexts(load_all(specs), STACK)


def render(specs: dict[str, str]) -> dict[str, str]:
    """Every resource and wiring file of ``specs``, rendered but not formatted."""
    built = contexts(specs)
    renderer = Renderer(STACK)
    files: dict[str, str] = {}
    for context in built.values():
        files.update(renderer.resource(context))
    files.update(renderer.wiring(c.wired for c in built.values()))
    return files


@contextmanager
def generated_app(tmp_path: Path, files: dict[str, str]) -> Iterator[None]:
    """The project template's app/ package with ``files`` written into it, importable as
    ``app`` until the block ends."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT_APP, root / "app", ignore=shutil.ignore_patterns("*.jinja"))
    for path, text in files.items():
        if path.startswith("app/"):
            (root / path).write_text(text, encoding="utf-8")
    _forget_app()
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path.remove(str(root))
        _forget_app()


def import_module(name: str) -> ModuleType:
    return importlib.import_module(name)


def _forget_app() -> None:
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[name]
    importlib.invalidate_caches()
