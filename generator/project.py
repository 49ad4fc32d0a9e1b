"""A generated project: found by its scaffold.toml; created from the stack's copier template."""

from __future__ import annotations

import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ScaffoldError
from generator.naming import Names
from generator.stacks import Stack, load_stack

CONFIG_FILE = "scaffold.toml"


@dataclass(frozen=True)
class Project:
    root: Path
    stack: Stack
    specs_dir: str  # relative to root, posix

    @classmethod
    def find(cls, start: Path) -> Project:
        """The project containing ``start`` (it or a parent holds scaffold.toml)."""
        start = start.resolve()
        for folder in (start, *start.parents):
            config = folder / CONFIG_FILE
            if config.is_file():
                return cls._read(folder, config)
        raise ScaffoldError(
            f"{start} is not inside a scaffold project (no {CONFIG_FILE} here or above);"
            " create one with `scaffold new NAME` or cd into one"
        )

    @classmethod
    def _read(cls, root: Path, config: Path) -> Project:
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ScaffoldError(f"{config}: cannot read the project settings ({error})") from None
        stack = data.get("stack")
        if not isinstance(stack, str):
            raise ScaffoldError(f'{config}: expected a line like: stack = "fastapi"')
        specs = data.get("specs", "specs")
        return cls(root, load_stack(stack), str(specs))

    def spec_names(self) -> list[str]:
        """The resource name of every spec file in the specs folder (its file name)."""
        folder = self.root / self.specs_dir
        files = [*folder.glob("*.yaml"), *folder.glob("*.yml")] if folder.is_dir() else []
        return sorted({f.stem for f in files if f.is_file()})

    def spec_path(self, name: str) -> str:
        """The resource's spec: specs/<plural>.yaml, or an existing file named for the
        singular (specs/review.yaml) or with a .yml suffix."""
        names = Names.parse(name)
        candidates = [
            f"{self.specs_dir}/{stem}{suffix}"
            for suffix in (".yaml", ".yml")
            for stem in dict.fromkeys((names.plural, names.singular))
        ]
        existing = [c for c in candidates if (self.root / c).is_file()]
        return existing[0] if existing else candidates[0]


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
