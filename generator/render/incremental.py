"""Work proportional to what changed: what a run remembers of the last one, per project.

A resource's context depends only on the specs of the resources connected to it by refs
(its group, context.connected_groups), and its files only on that context and the render
environment (scaffold's code, the stack's templates, the project's overrides). So a run
remembers, for each resource: the digest of its group's specs, what the wiring and the
schema need of it, the digest of its render inputs and the hashes of the files that render
wrote. A group whose specs are unchanged is not built; a resource whose render inputs are
unchanged, and whose files are still as it wrote them, is not rendered. A full render
gives the same tree (tests/unit/test_incremental.py checks it byte for byte).

The memory lives in the user's cache folder, never in the project: it holds pickles, and a
project cloned from someone else must not bring objects that run code when loaded. Losing
it costs one full run."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from generator.commands.project import Project
from generator.context import ResourceContext, WiredResource
from generator.render.user_cache import cache_folder
from generator.schema.snapshot import Table
from generator.spec import ResourceSpec
from generator.stacks import Stack
from generator.sync.manifest import Manifest, base_path
from generator.sync.manifest import digest as sha256_of

FORMAT = 1
WIRING_SOURCE = "wiring"  # the manifest's source of files rendered from every resource
# Libraries whose version changes what a run renders or reads (the spec); the language
# adds its formatter's.
LIBRARIES = ("jinja2", "pydantic", "ruamel.yaml", "inflection")


def environment_digest(stack: Stack, overrides: Path | None) -> str:
    """What every render depends on besides the specs: scaffold's code and libraries, the
    stack (its stack.yaml and templates; not the project template) and the overrides."""
    code = Path(__file__).resolve().parents[1]  # generator/
    files = [(p, p.relative_to(code)) for p in sorted(code.rglob("*.py"))]
    files += [
        (p, p.relative_to(stack.root))
        for p in sorted(stack.root.rglob("*"))
        if p.is_file() and not p.is_relative_to(stack.project_dir)
    ]
    if overrides is not None:
        files += [
            (p, p.relative_to(overrides)) for p in sorted(overrides.rglob("*")) if p.is_file()
        ]
    versions = f"{_versions()} {stack.language.formatter_version()}"
    h = hashlib.sha256(f"{FORMAT} {sys.version} {versions}".encode())
    for path, name in files:
        h.update(f"\0{name}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _versions() -> str:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return " ".join(found)


def digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class _ContextPickler(pickle.Pickler):
    """Pickles a context as its data: the stack it refers to is named, not pickled (its
    templates and types are in the environment digest)."""

    def persistent_id(self, obj: Any) -> str | None:
        return obj.name if isinstance(obj, Stack) else None


def render_digest(context: ResourceContext | list[WiredResource], environment: str) -> str:
    """The digest of everything a resource's files (or the wiring) are rendered from."""
    buffer = io.BytesIO()
    _ContextPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(context)
    return hashlib.sha256(environment.encode() + buffer.getvalue()).hexdigest()


@dataclass
class Remembered:
    """What a run keeps of one resource."""

    spec_path: str
    group: str  # digest of the specs of its group (and the environment)
    wired: WiredResource
    table: Table
    render: str  # render_digest of its context
    outputs: dict[str, str]  # path -> sha256 of each file its render wrote


@dataclass
class Work:
    """What a run builds and renders, decided from what the last run left."""

    contexts: dict[str, ResourceContext]  # the groups built
    stale: list[ResourceContext]  # of those, the resources rendered
    wired: dict[str, WiredResource]  # every resource's
    tables: dict[str, Table]  # every resource's
    groups: dict[str, str]  # plural -> digest of its group's specs
    renders: dict[str, str]  # plural -> render_digest, for those built
    wiring: str  # render_digest of what is wired
    wiring_fresh: bool  # the wiring files are as the last run rendered them from that


@dataclass
class RunMemory:
    """What the last run of a project left: the specs it parsed and its resources."""

    file: Path | None
    environment: str
    specs: dict[str, tuple[str, ResourceSpec]] = field(default_factory=dict)  # path -> (text)
    resources: dict[str, Remembered] = field(default_factory=dict)  # plural -> memory
    wiring: tuple[str, dict[str, str]] = ("", {})  # digest of what was wired, its outputs
    schema: str = ""  # digest of the recorded schema file as the last run left it

    @classmethod
    def load(cls, root: Path, environment: str) -> RunMemory:
        folder = cache_folder("runs")
        file = folder / f"{digest(str(root.resolve()))[:32]}.pickle" if folder else None
        memory = cls(file, environment)
        if file is None or not file.is_file():
            return memory
        try:
            data = pickle.loads(file.read_bytes())  # the user's own cache: see above
        except Exception:  # a cache, written by an older scaffold or cut short: start over
            return memory
        if not isinstance(data, dict) or data.get("environment") != environment:
            return memory
        memory.specs, memory.resources = data["specs"], data["resources"]
        memory.wiring, memory.schema = data["wiring"], data["schema"]
        return memory

    def save(self) -> None:
        """Kept for the next run, atomically; a cache that cannot be written is no error."""
        if self.file is None:
            return
        data = {
            "environment": self.environment,
            "specs": self.specs,
            "resources": self.resources,
            "wiring": self.wiring,
            "schema": self.schema,
        }
        try:
            with tempfile.NamedTemporaryFile(dir=self.file.parent, delete=False) as out:
                try:
                    pickle.dump(data, out, protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:
                    os.unlink(out.name)
                    raise
            os.replace(out.name, self.file)
        except OSError:
            return

    def spec(self, path: str, text: str) -> ResourceSpec | None:
        """The spec parsed from this very text, if a run parsed it."""
        known = self.specs.get(path)
        return known[1] if known is not None and known[0] == digest(text) else None

    def remember_spec(self, path: str, text: str, spec: ResourceSpec) -> None:
        self.specs[path] = (digest(text), spec)

    def schema_unchanged(self, work: Work, schema: str) -> bool:
        """Whether the tables are those of the last run and the recorded schema (its text,
        ``schema``) is as that run left it: then there is no revision to write."""
        return (
            bool(self.schema)
            and self.schema == digest(schema)
            and work.tables.keys() == self.resources.keys()
            and all(work.tables[p] == self.resources[p].table for p in work.contexts)
        )

    def remember(
        self,
        work: Work,
        manifest: Manifest,
        loaded: dict[str, tuple[ResourceSpec, str]],
        rendered: dict[str, tuple[str, str]],
        schema: str,
    ) -> None:
        """Keep for the next run what this one built, and save. Files rendered now are
        remembered only if every one was written as rendered (no conflict left open)."""
        by_source: dict[str, dict[str, str]] = {}
        for path, (source, text) in rendered.items():
            by_source.setdefault(source, {})[path] = sha256_of(text)

        def written(outputs: dict[str, str]) -> dict[str, str]:
            unwritten = any(
                (e := manifest.files.get(p)) is None or e.sha256 != sha or e.pending
                for p, sha in outputs.items()
            )
            return {} if unwritten else outputs

        for plural, context in work.contexts.items():
            outputs = by_source.get(context.spec_path)
            self.resources[plural] = Remembered(
                context.spec_path,
                work.groups[plural],
                work.wired[plural],
                work.tables[plural],
                work.renders[plural],
                self.resources[plural].outputs if outputs is None else written(outputs),
            )
        for plural in self.resources.keys() - loaded.keys():
            del self.resources[plural]
        if not work.wiring_fresh:
            self.wiring = (work.wiring, written(by_source.get(WIRING_SOURCE, {})))
        self.schema = digest(schema)
        known = {path for _, path in loaded.values()}
        self.specs = {path: entry for path, entry in self.specs.items() if path in known}
        self.save()

    def group_known(self, plural: str, spec_path: str, group: str) -> bool:
        """Whether the last run built this resource from the same group of specs."""
        known = self.resources.get(plural)
        return known is not None and known.group == group and known.spec_path == spec_path

    def rendered_as(
        self, plural: str, render: str, manifest: Manifest, files: RegularFiles
    ) -> bool:
        """Whether the last run rendered this resource from the same inputs and its files
        are still as it wrote them (so rendering again would change nothing)."""
        known = self.resources.get(plural)
        return (
            known is not None and known.render == render and intact(manifest, known.outputs, files)
        )


def intact(manifest: Manifest, outputs: dict[str, str], files: RegularFiles) -> bool:
    """Whether every file a render wrote (path -> sha256) is a regular file whose manifest
    entry is that text, with no conflict open and its base kept."""
    if not outputs:
        return False
    for path, sha256 in outputs.items():
        entry = manifest.files.get(path)
        if entry is None or entry.sha256 != sha256 or entry.pending:
            return False
        if not (files.has(path) and files.has(base_path(path))):
            return False
    return True


class RegularFiles:
    """Which project paths are regular files, a folder listed at a time (a thousand
    resources are a few folders of a thousand files: one scan each, not a stat each)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders: dict[str, set[str]] = {}

    def has(self, relative: str) -> bool:
        folder, _, name = relative.rpartition("/")
        if folder not in self.folders:
            try:
                with os.scandir(self.root / folder) as entries:
                    found = {e.name for e in entries if e.is_file(follow_symlinks=False)}
            except OSError:
                found = set()
            self.folders[folder] = found
        return name in self.folders[folder]


def project_memory(project: Project) -> RunMemory:
    """What the last run of ``project`` remembers (empty if its environment changed)."""
    environment = environment_digest(project.stack, project.overrides.active())
    return RunMemory.load(project.root, environment)
