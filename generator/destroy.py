"""`scaffold destroy`: remove a resource's generated files that nobody edited, and rewire."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.apply import apply_plan
from generator.errors import ScaffoldError
from generator.generate import initial_wiring, load_contexts, migration_files, render_wiring
from generator.manifest import Manifest, base_path, pending_path
from generator.migrations import plan_migration
from generator.naming import Names
from generator.plan import Plan, plan_files
from generator.project import Project
from generator.render import Renderer


@dataclass
class DestroyResult:
    resources: list[str]
    removed: list[str] = field(default_factory=list)  # generated and untouched: deleted
    kept: list[str] = field(default_factory=list)  # edited since generated: left in place
    rewired: Plan = field(default_factory=lambda: Plan([]))
    written: bool = False
    migration: str | None = None  # the revision that drops the tables


def destroy_resources(project: Project, names: list[str], dry_run: bool = False) -> DestroyResult:
    manifest = Manifest.load(project.root)
    plurals = sorted({Names.parse(n).plural for n in names})
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

    renderer = Renderer(project.stack)
    remaining = load_contexts(project, dict(manifest.resources))
    result.rewired = plan_files(
        project.root,
        render_wiring(renderer, list(remaining.values())),
        manifest,
        initial_bases=initial_wiring(renderer, manifest),
    )
    if result.rewired.conflicts:
        raise ScaffoldError(
            f"{result.rewired.conflicts[0].path} has edits that overlap the rewiring;"
            " nothing was changed"
        )
    migration = plan_migration(project.root, renderer, remaining.values())
    result.migration = migration.path if migration else None
    if not dry_run:
        deletions.update(migration_files(migration))
        apply_plan(project.root, result.rewired, manifest, extra=deletions)
        result.written = True
    return result
