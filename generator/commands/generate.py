"""The resource pipeline: spec -> context -> render -> format -> plan -> apply."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.commands.project import Project
from generator.context import ResourceContext, WiredResource, build_contexts, connected_groups
from generator.errors import Diagnostic, ScaffoldError, SpecError
from generator.naming import Names, plural_lookup
from generator.render.formatting import Formatter, Progress
from generator.render.incremental import (
    WIRING_SOURCE,
    RegularFiles,
    RunMemory,
    Work,
    intact,
    project_memory,
    render_digest,
)
from generator.render.incremental import digest as incremental_digest
from generator.render.templates import Renderer
from generator.schema.migrations import Migration, plan_migration
from generator.schema.snapshot import SCHEMA_FILE, data_losses, table
from generator.spec import ResourceSpec, load_spec_text
from generator.spec.load import read_spec
from generator.spec.starter import starter_spec
from generator.stacks import Stack
from generator.sync.apply import apply_plan
from generator.sync.manifest import Manifest
from generator.sync.plan import Plan, plan_files


@dataclass
class Options:
    dry_run: bool = False
    force: bool = False
    force_conflicts: bool = False
    fields: list[str] = field(default_factory=list)  # shorthand tokens: rating:int:1..5
    progress: Progress | None = None  # told of each file formatted (the slow step)


@dataclass
class Result:
    plan: Plan
    resources: list[str]
    starter_specs: list[str] = field(default_factory=list)  # spec files written for the user
    updated_specs: list[str] = field(default_factory=list)  # specs the shorthand fields changed
    written: bool = False
    migration: str | None = None  # the schema revision this run writes (or would write)
    warnings: list[str] = field(default_factory=list)  # data the revision would delete


def generate_resources(project: Project, names: list[str], options: Options) -> Result:
    """Generate (or regenerate) the named resources and rewire every generated resource.
    Resources whose render inputs did not change since the last run are left alone
    (generator/render/incremental.py): the tree is the same as if every one were rendered."""
    stack = project.stack
    manifest = Manifest.load(project.root)
    wanted = project.resources(names)
    paths = set(wanted.values())
    starters: dict[str, str] = {}  # spec path -> starter text, for specs that do not exist yet
    updated: dict[str, str] = {}  # spec path -> the spec with the shorthand fields merged in
    if options.fields:
        updated = _merge_fields(project, names, options.fields)
    for plural, spec_path in wanted.items():
        if not (project.root / spec_path).exists() and spec_path not in updated:
            starters[spec_path] = starter_spec(plural)
    everything = {**manifest.resources, **wanted}
    memory = project_memory(project)
    loaded, texts = load_specs(project, everything, {**starters, **updated}, memory)
    wanted = {plural: path for plural, (_, path) in loaded.items() if path in paths}
    work = _decide(project, manifest, memory, loaded, texts, set(wanted))

    renderer = project.renderer()
    formatter = Formatter(stack, manifest, options.progress)
    wiring = None if work.wiring_fresh else sorted(work.wired.values(), key=_by_plural)
    rendered = render_all(renderer, formatter, work.stale, wiring)
    plan = plan_files(
        project.root,
        rendered,
        manifest,
        initial_bases=initial_wiring(renderer, manifest),
        force=options.force,
        force_conflicts=options.force_conflicts,
    )
    result = Result(plan, sorted(wanted), sorted(starters), sorted(updated))
    result.warnings += project.overrides.warnings()

    # The schema step: one new revision when the tables changed, written with the plan.
    schema = _read(project.root / SCHEMA_FILE)
    migration = None
    if not memory.schema_unchanged(work, schema):
        migration = plan_migration(project.root, renderer, work.tables.values(), schema)
    result.migration = migration.path if migration else None
    if migration:
        result.warnings += data_losses(migration.operations, migration.path)
    if options.dry_run:
        memory.save()  # the specs parsed
        return result
    manifest.resources.update(wanted)
    specs: dict[str, str | None] = {**starters, **updated, **migration_files(migration)}
    apply_plan(project.root, plan, manifest, extra=specs, fingerprints=formatter.fingerprints)
    result.written = True
    memory.remember(work, manifest, loaded, rendered, migration.state if migration else schema)
    return result


def _decide(
    project: Project,
    manifest: Manifest,
    memory: RunMemory,
    loaded: dict[str, tuple[ResourceSpec, str]],
    texts: dict[str, str],
    wanted: set[str],
) -> Work:
    """What this run builds and renders: the groups whose specs changed, that hold a
    resource asked for, or whose files are not as the last run left them; of those, the
    resources whose render inputs changed; the wiring if what it wires changed."""
    files = RegularFiles(project.root)
    groups, build = _groups_to_build(
        loaded,
        texts,
        memory,
        lambda p: p in wanted or not intact(manifest, memory.resources[p].outputs, files),
    )
    contexts = contexts_of(loaded, project.stack, build)
    renders = {p: render_digest(c, memory.environment) for p, c in contexts.items()}
    known = memory.resources
    wired = {p: contexts[p].wired if p in contexts else known[p].wired for p in loaded}
    wiring = render_digest(sorted(wired.values(), key=_by_plural), memory.environment)
    return Work(
        contexts=contexts,
        stale=[
            c
            for p, c in contexts.items()
            if p in wanted or not memory.rendered_as(p, renders[p], manifest, files)
        ],
        wired=wired,
        tables={p: table(contexts[p]) if p in contexts else known[p].table for p in loaded},
        groups=groups,
        renders=renders,
        wiring=wiring,
        wiring_fresh=memory.wiring[0] == wiring and intact(manifest, memory.wiring[1], files),
    )


def _by_plural(wired: WiredResource) -> str:
    return wired.names.plural


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def check_specs(project: Project, specs: dict[str, str], memory: RunMemory) -> None:
    """Load and build ``specs`` (plural -> spec path) as a run would, reporting every
    problem; groups of specs the last run built unchanged are not built again."""
    loaded, texts = load_specs(project, specs, memory=memory)
    _, build = _groups_to_build(loaded, texts, memory, lambda p: False)
    contexts_of(loaded, project.stack, build)


def _groups_to_build(
    loaded: dict[str, tuple[ResourceSpec, str]],
    texts: dict[str, str],
    memory: RunMemory,
    also: Callable[[str], bool],
) -> tuple[dict[str, str], set[str]]:
    """plural -> the digest of its group's specs (what its context is built from), and the
    resources of every group the last run did not build from those specs, or that holds a
    resource for which ``also`` (known to the memory) is true."""
    digests: dict[str, str] = {}
    build: set[str] = set()
    for group in connected_groups(loaded):
        members = sorted((loaded[p][1], texts[loaded[p][1]]) for p in group)
        group_digest = incremental_digest(
            memory.environment, *(f"{path}\0{text}" for path, text in members)
        )
        digests.update(dict.fromkeys(group, group_digest))
        if any(not memory.group_known(p, loaded[p][1], group_digest) or also(p) for p in group):
            build |= group
    return digests, build


def render_all(
    renderer: Renderer,
    formatter: Formatter,
    contexts: list[ResourceContext],
    wired: Iterable[WiredResource] | None,
) -> dict[str, tuple[str, str]]:
    """The files of the given resources and the wiring (rendered from what every resource
    adds to it; None: not rendered), formatted, each with its source. Unchanged renders
    reuse their base instead of the formatter."""
    sources: dict[str, str] = {}
    texts: dict[str, str] = {}
    for context in contexts:
        for path, text in renderer.resource(context).items():
            sources[path], texts[path] = context.spec_path, text
    for path, text in renderer.wiring(wired).items() if wired is not None else []:
        sources[path], texts[path] = WIRING_SOURCE, text
    formatted = formatter.format_all(texts)
    return {path: (sources[path], text) for path, text in formatted.items()}


def migration_files(migration: Migration | None) -> dict[str, str | None]:
    """The files a schema revision adds: the revision and the new recorded schema. Neither is
    in the manifest: the revision is the user's once written."""
    if migration is None:
        return {}
    from generator.schema.snapshot import SCHEMA_FILE

    return {migration.path: migration.text, SCHEMA_FILE: migration.state}


def render_wiring(renderer: Renderer, wired: Iterable[WiredResource]) -> dict[str, tuple[str, str]]:
    """The files that wire every generated resource together, formatted."""
    formatted = Formatter(renderer.stack).format_all(renderer.wiring(wired))
    return {path: (WIRING_SOURCE, text) for path, text in formatted.items()}


def initial_wiring(renderer: Renderer, manifest: Manifest) -> dict[str, str]:
    """The wiring files as the project template ships them (with no resources): their base
    until the generator first writes them. Empty once the manifest has them."""
    wiring = {p for p, e in manifest.files.items() if e.source == WIRING_SOURCE}
    if wiring and all(manifest.base(p) is not None for p in wiring):
        return {}
    return {path: text for path, (_, text) in render_wiring(renderer, []).items()}


def _merge_fields(project: Project, names: list[str], tokens: list[str]) -> dict[str, str]:
    """The spec of the one named resource with the shorthand fields added or replaced."""
    from generator.spec.shorthand import merge_into_spec, parse_fields

    if len(names) != 1:
        raise ScaffoldError(
            f"fields like {tokens[0]!r} go with one resource; got {len(names)}: {', '.join(names)}"
        )
    spec_path = project.spec_path(names[0])
    file = project.root / spec_path
    existing = file.read_text(encoding="utf-8") if file.is_file() else None
    text = merge_into_spec(
        existing, Names.parse(names[0]).singular, parse_fields(tokens), source=spec_path
    )
    return {spec_path: text}


def load_contexts(
    project: Project, specs: dict[str, str], starters: dict[str, str] | None = None
) -> dict[str, ResourceContext]:
    """Load every spec (plural -> spec path) and build their contexts together, reporting
    all problems at once."""
    loaded, _ = load_specs(project, specs, starters)
    return contexts_of(loaded, project.stack)


def load_specs(
    project: Project,
    specs: dict[str, str],
    starters: dict[str, str] | None = None,
    memory: RunMemory | None = None,
) -> tuple[dict[str, tuple[ResourceSpec, str]], dict[str, str]]:
    """Every spec (plural -> spec path) loaded, by the plural it gives, with the text of
    each (spec path -> text): a SpecError lists the problems of every spec at once. A spec
    whose text the last run parsed is taken from ``memory``."""
    starters = starters or {}
    specs = _one_per_spec(specs)
    loaded: dict[str, tuple[ResourceSpec, str]] = {}
    texts: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    for plural, spec_path in sorted(specs.items()):
        if spec_path not in starters and not (project.root / spec_path).is_file():
            raise ScaffoldError(
                f"{spec_path} is missing, and {plural} was generated from it: restore it,"
                f" or remove the resource with `scaffold destroy {plural}`"
            )
        text = starters.get(spec_path)
        if text is None:
            text = read_spec(project.root / spec_path, spec_path)
        texts[spec_path] = text
        spec = memory.spec(spec_path, text) if memory else None
        if spec is None:
            try:
                spec = load_spec_text(text, spec_path, Path(spec_path).stem)
            except SpecError as error:
                diagnostics += error.diagnostics
                continue
            if memory:
                memory.remember_spec(spec_path, text, spec)
        loaded[spec.names.plural] = (spec, spec_path)  # the plural the spec gives
    if not diagnostics:
        return loaded, texts
    # Check the refs of the specs that loaded too, so one run lists the problems of every
    # spec; not those whose refs lead to a spec that did not load (they cannot be checked).
    paths = {spec_path for _, spec_path in loaded.values()}
    broken = {plural for plural, spec_path in specs.items() if spec_path not in paths}
    blocked = _refs_lead_to(loaded, broken)
    checkable = {plural: loaded[plural] for plural in loaded if plural not in blocked}
    try:
        build_contexts(checkable, project.stack)
    except SpecError as error:
        diagnostics += error.diagnostics
    unchecked = [specs[plural] for plural in sorted(blocked)]
    raise SpecError(diagnostics, _batch_summary(specs, diagnostics, unchecked))


def contexts_of(
    loaded: dict[str, tuple[ResourceSpec, str]], stack: Stack, build: set[str] | None = None
) -> dict[str, ResourceContext]:
    """The contexts of the loaded specs (or of those in ``build``: whole groups), every
    problem of their refs reported at once."""
    try:
        return build_contexts(loaded, stack, build)
    except SpecError as error:
        specs = {plural: path for plural, (_, path) in loaded.items()}
        raise SpecError(error.diagnostics, _batch_summary(specs, error.diagnostics)) from None


def _one_per_spec(specs: dict[str, str]) -> dict[str, str]:
    """``specs`` (plural -> spec path) with each spec once, under the first plural given for
    it: a name typed on the command line may guess a plural its spec corrects."""
    by_path: dict[str, str] = {}
    for plural, spec_path in specs.items():
        by_path.setdefault(spec_path, plural)
    return {plural: spec_path for spec_path, plural in by_path.items()}


def _refs_lead_to(loaded: dict[str, tuple[ResourceSpec, str]], broken: set[str]) -> set[str]:
    """The resources among ``loaded`` with a ref to one of ``broken``, directly or through
    others."""
    every = [spec.names for spec, _ in loaded.values()] + [Names.from_name(b) for b in broken]
    lookup = plural_lookup(every)
    targets = {p: set(spec.ref_targets(lookup).values()) for p, (spec, _) in loaded.items()}
    blocked: set[str] = set()
    while True:
        more = {p for p, refs in targets.items() if p not in blocked and refs & (broken | blocked)}
        if not more:
            return blocked
        blocked |= more


def _batch_summary(
    specs: dict[str, str], diagnostics: list[Diagnostic], unchecked: list[str] | None = None
) -> str:
    """The last line of a failed run over several specs: how many have errors, that the
    others are valid, and that nothing was written. Empty for a run over one spec."""
    if len(specs) < 2:
        return ""
    bad = {d.path for d in diagnostics}
    unchecked = [path for path in unchecked or [] if path not in bad]
    valid = len(specs) - len(bad) - len(unchecked)
    parts = [
        f"{len(bad)} of {len(specs)} specs {'has' if len(bad) == 1 else 'have'} errors (above)"
    ]
    if unchecked:
        if valid:
            parts.append(f"{valid} {'is' if valid == 1 else 'are'} valid")
        parts.append(
            f"{', '.join(unchecked)} {'refers' if len(unchecked) == 1 else 'refer'} to a spec"
            f" with errors, so {'it is' if len(unchecked) == 1 else 'they are'} checked once"
            " that one is fixed"
        )
    elif valid == 1:
        parts.append("the other one is valid")
    elif valid:
        parts.append(f"the other {valid} are valid")
    return "Nothing was written: " + "; ".join(parts) + "."
