"""`scaffold destroy`: remove a resource's generated files that nobody edited, and rewire."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from generator.commands.generate import initial_wiring, load_contexts, migration_files, render_all
from generator.commands.project import Project
from generator.errors import ScaffoldError
from generator.render.formatting import Formatter
from generator.schema.migrations import plan_migration
from generator.schema.snapshot import table
from generator.sync.apply import apply_plan
from generator.sync.manifest import Manifest, base_path, pending_path
from generator.sync.plan import Plan, plan_files


@dataclass
class DestroyResult:
    resources: list[str]
    removed: list[str] = field(default_factory=list)  # generated and untouched: deleted
    kept: list[str] = field(default_factory=list)  # edited since generated: left in place
    rewired: Plan = field(default_factory=lambda: Plan([]))
    written: bool = False
    migration: str | None = None  # the revision that drops the tables
    moved_specs: dict[str, str] = field(default_factory=dict)  # spec -> where it was put aside


DESTROYED_DIR = ".destroyed"  # in the specs folder: where destroyed resources' specs go


def destroy_resources(project: Project, names: list[str], dry_run: bool = False) -> DestroyResult:
    manifest = Manifest.load(project.root)
    by_spec = {spec: plural for plural, spec in manifest.resources.items()}
    guesses = [project.resource(n) for n in names]
    plurals = sorted({by_spec.get(spec_path, plural) for plural, spec_path in guesses})
    unknown = [p for p in plurals if p not in manifest.resources]
    if unknown:
        generated = ", ".join(sorted(manifest.resources)) or "none"
        raise ScaffoldError(
            f"{', '.join(unknown)}: not generated in this project (generated: {generated})"
        )
    contexts = load_contexts(project, dict(manifest.resources))
    for plural in plurals:
        others = [c for c in contexts[plural].children if c.names.plural not in plurals]
        if others:
            users = ", ".join(sorted(f"{c.names.plural} ({c.field})" for c in others))
            raise ScaffoldError(
                f"{plural} is referenced by {users}: destroy those too, or remove their refs"
            )
    specs = {manifest.resources.pop(p) for p in plurals}
    result = DestroyResult(plurals)
    deletions: dict[str, str | None] = {}
    for spec in sorted(specs):
        moved = _put_aside(project, spec, set(result.moved_specs.values()))
        if moved is not None:
            result.moved_specs[spec] = moved
            deletions[moved] = (project.root / spec).read_text(encoding="utf-8")
            deletions[spec] = None
    for path, entry in sorted(manifest.files.items()):
        if entry.source not in specs:
            continue
        on_disk = project.root / path
        if on_disk.is_file() and on_disk.read_text(encoding="utf-8") != manifest.base(path):
            result.kept.append(path)
        elif on_disk.is_file():
            deletions[path] = None
            result.removed.append(path)
        deletions[base_path(path)] = None
        if entry.pending:
            deletions[pending_path(path)] = None
        del manifest.files[path]

    # The others are rendered again too: a parent's files know its children.
    renderer = project.renderer()
    formatter = Formatter(project.stack, manifest)
    remaining = load_contexts(project, dict(manifest.resources))
    result.rewired = plan_files(
        project.root,
        render_all(
            renderer, formatter, list(remaining.values()), [c.wired for c in remaining.values()]
        ),
        manifest,
        initial_bases=initial_wiring(renderer, manifest),
    )
    if result.rewired.conflicts:
        raise ScaffoldError(
            f"{result.rewired.conflicts[0].path} has edits that overlap the rewiring;"
            " nothing was changed"
        )
    migration = plan_migration(project.root, renderer, map(table, remaining.values()))
    result.migration = migration.path if migration else None
    if not dry_run:
        deletions.update(migration_files(migration))
        apply_plan(
            project.root,
            result.rewired,
            manifest,
            extra=deletions,
            fingerprints=formatter.fingerprints,
        )
        result.written = True
    return result


def _put_aside(project: Project, spec: str, taken: set[str]) -> str | None:
    """Where the spec of a destroyed resource goes, so `scaffold resource --all` (which reads
    only the specs folder itself) does not generate it again: specs/.destroyed/<name>, or
    <stem>-2<suffix> and so on when a spec of that name was put aside before. None when the
    spec is already gone."""
    if not (project.root / spec).is_file():
        return None
    source = PurePosixPath(spec)
    folder = source.parent / DESTROYED_DIR
    for n in range(1, 1000):
        name = source.name if n == 1 else f"{source.stem}-{n}{source.suffix}"
        target = str(folder / name)
        if target not in taken and not (project.root / target).exists():
            return target
    raise ScaffoldError(f"{folder}/ holds too many specs named like {source.name}; clear it out")
