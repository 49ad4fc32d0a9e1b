"""Stacks are data: a folder under templates/ with a stack.yaml the core loads."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from generator.errors import ScaffoldError
from generator.installation import templates_root
from generator.languages import Language, get_language
from generator.naming import Names


@dataclass(frozen=True)
class Migrations:
    """How the stack writes a schema revision (stack.yaml `migrations`)."""

    template: str  # below the stack's folder: migration/revision.py.jinja
    path: str  # the file written, {number} and {slug} filled in
    batched: frozenset[str]  # operations written in one block per table


@dataclass(frozen=True)
class NextSteps:
    """What the CLI tells a person to do next (stack.yaml `next_steps`)."""

    install: str  # set up the new project's dependencies
    serve: str  # run the app
    serves: str  # where it answers
    remark: str  # printed after the steps
    test: str  # run the project's tests
    test_file: str  # one resource's generated tests, {plural} filled in


@dataclass(frozen=True)
class Stack:
    name: str
    description: str
    root: Path
    language: Language
    project_dir: Path
    resource_dir: Path
    wiring_dir: Path
    next_steps: NextSteps
    reserved_names: frozenset[str]
    reserved_resources: frozenset[str]
    types: dict[str, dict[str, Any]]
    migrations: Migrations | None = None  # a stack without them writes no revisions
    # Templates a project may override: short name -> path below root (`scaffold eject`).
    templates: dict[str, str] = field(default_factory=dict)

    def resource_name_problem(self, names: Names) -> str | None:
        """Why this stack cannot generate a resource of these names, or None: the project
        template has its table or one of its files, or the language reserves a name its code
        would use (the module, a variable, the class)."""
        if names.plural in self.reserved_resources:
            return f"the project already has {names.plural}"
        if names.plural in self.project_files_by_resource:
            taken = self.project_files_by_resource[names.plural]
            return f"it would write {taken}, a file the project already has"
        for kind, name in (
            ("name", names.singular),
            ("plural", names.plural),
            ("name", names.camel),
            ("plural", names.camel_plural),
            ("class", names.class_name),
        ):
            if name in self.language.keywords:
                return f"its {kind} would be {name}, a word {self.language.title} reserves"
        return None

    @cached_property
    def project_files_by_resource(self) -> dict[str, str]:
        """Resource names whose files would land on a file of the project template, each with
        that file: `types` would write app/validators/types.py, which the project has."""
        project = {
            str(p.relative_to(self.project_dir)).removesuffix(".jinja")
            for p in self.project_dir.rglob("*")
            if p.is_file()
        }
        taken: dict[str, str] = {}
        for template in sorted(self.resource_dir.rglob("*{{plural}}*")):
            pattern = str(template.relative_to(self.resource_dir)).removesuffix(".jinja")
            prefix, _, suffix = pattern.partition("{{plural}}")
            for path in sorted(project):
                name = path.removeprefix(prefix).removesuffix(suffix)
                if path == prefix + name + suffix and name and "/" not in name:
                    taken.setdefault(name, path)
        return taken


def available_stacks() -> list[str]:
    return sorted(p.parent.name for p in templates_root().glob("*/stack.yaml"))


def is_installed(name: str) -> bool:
    """Whether ``name`` names a stack installed with scaffold (a folder of templates/)."""
    return name in available_stacks()


def load_stack(name: str) -> Stack:
    """An installed stack, by name."""
    if not is_installed(name):
        known = ", ".join(available_stacks()) or "none"
        raise ScaffoldError(f"unknown stack {name!r}; available stacks: {known}")
    return load_stack_at(templates_root() / name)


@cache
def load_stack_at(root: Path) -> Stack:
    """The stack in the folder ``root``: an installed one, or one the user trusts (--trust):
    its templates are rendered (in Jinja's sandbox) and its project template run by copier."""
    manifest = root / "stack.yaml"
    if not manifest.is_file():
        raise ScaffoldError(f"{root} is not a stack: it has no stack.yaml")
    data = YAML(typ="safe").load(manifest.read_text(encoding="utf-8"))
    language = get_language(data["language"])
    return Stack(
        name=data["name"],
        description=data["description"],
        root=root,
        language=language,
        project_dir=root / data["project"],
        resource_dir=root / data["resource"],
        wiring_dir=root / data["wiring"],
        next_steps=NextSteps(**data["next_steps"]),
        reserved_names=language.keywords | frozenset(data.get("reserved_names", ())),
        reserved_resources=frozenset(data.get("reserved_resources", ())),
        types=data["types"],
        migrations=_migrations(data.get("migrations")),
        templates=dict(data.get("templates", {})),
    )


def _migrations(data: dict[str, Any] | None) -> Migrations | None:
    if not data:
        return None
    return Migrations(data["template"], data["path"], frozenset(data.get("batched", ())))
