"""Stacks are data: a folder under templates/ with a stack.yaml the core loads."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from generator.errors import ScaffoldError
from generator.languages import Language, get_language
from generator.naming import Names


def templates_root() -> Path:
    """templates/ inside the installed package, or at the repository root in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise ScaffoldError(f"the templates folder is missing from the installation ({here})")


@dataclass(frozen=True)
class Stack:
    name: str
    description: str
    root: Path
    language: Language
    project_dir: Path
    resource_dir: Path
    wiring_dir: Path
    test_command: tuple[str, ...]
    reserved_names: frozenset[str]
    reserved_resources: frozenset[str]
    types: dict[str, dict[str, Any]]
    migration_dir: Path | None = None  # the schema revision template, if the stack has one
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
        test_command=tuple(data["test_command"]),
        reserved_names=language.keywords | frozenset(data.get("reserved_names", ())),
        reserved_resources=frozenset(data.get("reserved_resources", ())),
        types=data["types"],
        migration_dir=root / data["migration"] if data.get("migration") else None,
        templates=dict(data.get("templates", {})),
    )
