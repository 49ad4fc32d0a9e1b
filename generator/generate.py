"""The resource pipeline: spec -> context -> render -> format -> plan -> apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.apply import apply_plan
from generator.context import ResourceContext, build_contexts
from generator.errors import Diagnostic, ScaffoldError, SpecError
from generator.formatting import Formatter, Progress
from generator.manifest import Manifest
from generator.migrations import Migration, plan_migration
from generator.naming import Names, plural_lookup
from generator.plan import Plan, plan_files
from generator.project import Project
from generator.render import Renderer
from generator.schema import data_losses
from generator.spec import ResourceSpec, load_spec, load_spec_text
from generator.spec.starter import starter_spec

WIRING_SOURCE = "wiring"  # manifest source of files rendered from every resource


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
    """Generate (or regenerate) the named resources and rewire every generated resource."""
    stack = project.stack
    manifest = Manifest.load(project.root)
    wanted = dict(project.resource(n) for n in names)
    paths = set(wanted.values())
    starters: dict[str, str] = {}  # spec path -> starter text, for specs that do not exist yet
    updated: dict[str, str] = {}  # spec path -> the spec with the shorthand fields merged in
    if options.fields:
        updated = _merge_fields(project, names, options.fields)
    for plural, spec_path in wanted.items():
        if not (project.root / spec_path).exists() and spec_path not in updated:
            starters[spec_path] = starter_spec(plural)
    everything = {**manifest.resources, **wanted}
    contexts = load_contexts(project, everything, {**starters, **updated})
    wanted = {c.names.plural: c.spec_path for c in contexts.values() if c.spec_path in paths}

    renderer = project.renderer()
    formatter = Formatter(stack, manifest, options.progress)
    rendered = render_all(renderer, formatter, list(contexts.values()))
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
    migration = plan_migration(project.root, renderer, contexts.values())
    result.migration = migration.path if migration else None
    if migration:
        result.warnings += data_losses(migration.operations, migration.path)
    if options.dry_run:
        return result
    manifest.resources.update(wanted)
    specs: dict[str, str | None] = {**starters, **updated, **migration_files(migration)}
    apply_plan(project.root, plan, manifest, extra=specs, fingerprints=formatter.fingerprints)
    result.written = True
    return result


def render_all(
    renderer: Renderer, formatter: Formatter, contexts: list[ResourceContext]
) -> dict[str, tuple[str, str]]:
    """Every resource's files and the wiring, formatted, each with its source. Every
    resource is rendered again: a change to one can change others (a parent learns of its
    children, or of their going). Unchanged renders reuse their base instead of the
    formatter."""
    sources: dict[str, str] = {}
    texts: dict[str, str] = {}
    for context in contexts:
        for path, text in renderer.resource(context).items():
            sources[path], texts[path] = context.spec_path, text
    for path, text in renderer.wiring(contexts).items():
        sources[path], texts[path] = WIRING_SOURCE, text
    formatted = formatter.format_all(texts)
    return {path: (sources[path], text) for path, text in formatted.items()}


def migration_files(migration: Migration | None) -> dict[str, str | None]:
    """The files a schema revision adds: the revision and the new recorded schema. Neither is
    in the manifest: the revision is the user's once written."""
    if migration is None:
        return {}
    from generator.schema import SCHEMA_FILE

    return {migration.path: migration.text, SCHEMA_FILE: migration.state}


def render_wiring(
    renderer: Renderer, contexts: list[ResourceContext]
) -> dict[str, tuple[str, str]]:
    """The files that wire every generated resource together, formatted."""
    formatted = Formatter(renderer.stack).format_all(renderer.wiring(contexts))
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
    starters = starters or {}
    specs = _one_per_spec(specs)
    loaded: dict[str, tuple[ResourceSpec, str]] = {}
    diagnostics: list[Diagnostic] = []
    for plural, spec_path in sorted(specs.items()):
        if spec_path not in starters and not (project.root / spec_path).is_file():
            raise ScaffoldError(
                f"{spec_path} is missing, and {plural} was generated from it: restore it,"
                f" or remove the resource with `scaffold destroy {plural}`"
            )
        try:
            if spec_path in starters:
                spec = load_spec_text(starters[spec_path], spec_path, Path(spec_path).stem)
            else:
                spec = load_spec(project.root / spec_path, spec_path)
        except SpecError as error:
            diagnostics += error.diagnostics
            continue
        loaded[spec.names.plural] = (spec, spec_path)  # the plural the spec gives
    if not diagnostics:
        try:
            return build_contexts(loaded, project.stack)
        except SpecError as error:
            raise SpecError(error.diagnostics, _batch_summary(specs, error.diagnostics)) from None
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
