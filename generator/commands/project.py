"""A generated project: found by its scaffold.toml; created from the stack's copier template."""

from __future__ import annotations

import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from generator.commands.env_file import write_env
from generator.errors import ScaffoldError, display_path
from generator.installation import default_stack
from generator.naming import Names
from generator.render.overrides import Overrides
from generator.render.templates import Renderer
from generator.stacks import (
    Stack,
    available_stacks,
    is_installed,
    load_stack,
    load_stack_at,
)
from generator.sync.containment import check_inside

CONFIG_FILE = "scaffold.toml"


@dataclass(frozen=True)
class Project:
    root: Path
    stack: Stack
    specs_dir: str  # relative to root, posix

    @classmethod
    def find(cls, start: Path, trust: bool = False) -> Project:
        """The project containing ``start`` (it or a parent holds scaffold.toml). Its stack
        must be one installed with scaffold unless ``trust`` (--trust): a stack's templates
        are code, and a project cloned from someone else must not run theirs unasked."""
        start = start.resolve()
        for folder in (start, *start.parents):
            config = folder / CONFIG_FILE
            if config.is_file():
                return cls._read(folder, config, trust)
        raise ScaffoldError(
            f"{start} is not inside a scaffold project (no {CONFIG_FILE} here or above);"
            " create one with `scaffold new NAME` or cd into one"
        )

    @classmethod
    def _read(cls, root: Path, config: Path, trust: bool = False) -> Project:
        try:
            text = config.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ScaffoldError(f"{config}: cannot read the project settings ({error})") from None
        stack = data.get("stack")
        if not isinstance(stack, str):
            raise ScaffoldError(f'{config}: expected a line like: stack = "{default_stack()}"')
        specs = data.get("specs", "specs")
        if not isinstance(specs, str):
            raise ScaffoldError(f'{_where(config, text, "specs")}: expected a folder name')
        check_inside(root, specs, f"{_where(config, text, 'specs')}: specs")
        return cls(root, _stack(root, stack, trust, _where(config, text, "stack")), specs)

    @property
    def overrides(self) -> Overrides:
        """The project's own templates (scaffold-templates/), which replace the stack's."""
        return Overrides(self.root, self.stack)

    def renderer(self) -> Renderer:
        """The stack's templates, with the project's overrides looked in first."""
        return Renderer(self.stack, self.overrides.active())

    def spec_names(self) -> list[str]:
        """The resource name of every spec file in the specs folder (its file name)."""
        folder = self.root / self.specs_dir
        files = [*folder.glob("*.yaml"), *folder.glob("*.yml")] if folder.is_dir() else []
        return sorted({f.stem for f in files if f.is_file()})

    def spec_path(self, name: str) -> str:
        return self.resource(name)[1]

    def resources(self, names: list[str]) -> dict[str, str]:
        """plural -> spec path of each resource named (see resource)."""
        stems = self.spec_names()
        return dict(self.resource(name, stems) for name in names)

    def resource(self, name: str, stems: list[str] | None = None) -> tuple[str, str]:
        """(plural, spec path) of the resource a user named, singular or plural: its spec
        file (specs/<plural>.yaml, one named for the singular, or a .yml), found by either
        name, so a plural the spec's file gives (golfs) is found as `golf` too; for a new
        resource, specs/<plural>.yaml. ``stems``: spec_names(), when already listed."""
        names = Names.parse(name)
        stems = self.spec_names() if stems is None else stems
        problem = self.stack.resource_name_problem(names)
        if problem and names.plural not in stems:  # a spec file's own problem is located
            raise ScaffoldError(f"{name!r} cannot be a resource in this project: {problem}")
        matches = [s for s in (names.plural, names.singular) if s in stems] or [
            s for s in stems if Names.from_name(s).singular == names.singular
        ]
        if not matches:
            return names.plural, f"{self.specs_dir}/{names.plural}.yaml"
        stem = matches[0]
        for suffix in (".yaml", ".yml"):
            if (self.root / self.specs_dir / f"{stem}{suffix}").is_file():
                return Names.from_name(stem).plural, f"{self.specs_dir}/{stem}{suffix}"
        raise AssertionError(stem)  # spec_names lists files only


def _stack(root: Path, stack: str, trust: bool, where: str) -> Stack:
    """The project's stack: an installed one by name; a folder only with --trust."""
    if is_installed(stack):
        return load_stack(stack)
    looks_like_a_path = any(c in stack for c in "/\\") or stack.startswith(".")
    if not looks_like_a_path:
        known = ", ".join(available_stacks()) or "none"
        raise ScaffoldError(f"{where}: unknown stack {stack!r}; available stacks: {known}")
    if not trust:
        raise ScaffoldError(
            f"{where}: stack {stack!r} is a folder, not a stack installed with scaffold"
            f" ({', '.join(available_stacks())}); its templates would run as code on this"
            " machine, so pass --trust if you trust it (nothing was written)"
        )
    try:
        return load_stack_at((root / stack).resolve())
    except ScaffoldError as error:
        raise ScaffoldError(f"{where}: {error}") from None


def _where(config: Path, text: str, key: str) -> str:
    """``scaffold.toml:line:col`` of the setting ``key`` (the file alone if not found)."""
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(rf"\s*{re.escape(key)}\s*=", line)
        if match:
            return f"{display_path(config)}:{number}:{len(line) - len(line.lstrip()) + 1}"
    return display_path(config)


def new_project(
    destination: Path, stack_name: str, data: dict[str, str], interactive: bool
) -> Path:
    """Copy the stack's copier template into ``destination``, which must not exist or be
    empty. The copy is made beside it and moved into place whole, or not at all."""
    stack = load_stack(stack_name)
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise ScaffoldError(f"{destination} already exists and is not empty")
    parent = destination.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".scaffold-new-", dir=parent))
    except OSError as error:
        raise ScaffoldError(f"cannot create {destination}: {error.strerror or error}") from None
    from copier import run_copy  # heavy: imported only when a project is made

    try:
        run_copy(
            str(stack.project_dir),
            str(staging),
            data=data,
            defaults=not interactive,
            unsafe=True,
            quiet=True,
        )
        write_env(staging)
        if destination.exists():
            destination.rmdir()
        staging.rename(destination)
    except (KeyboardInterrupt, Exception) as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, KeyboardInterrupt):
            raise
        raise ScaffoldError(f"could not create {destination}: {error}") from None
    return destination


def project_slug(name: str) -> str:
    """A project name as the template wants it: lowercase letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not slug:
        raise ScaffoldError(f"{name!r} has no letters or digits to name a project after")
    return slug
