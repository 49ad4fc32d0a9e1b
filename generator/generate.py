"""The resource pipeline: spec -> context -> render -> format -> plan -> apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.apply import apply_plan
from generator.context import ResourceContext, build_contexts
from generator.errors import Diagnostic, ScaffoldError, SpecError
from generator.manifest import Manifest, digest
from generator.naming import Names
from generator.plan import Plan, plan_files
from generator.project import Project
from generator.render import Renderer
from generator.spec import ResourceSpec, load_spec, load_spec_text
from generator.spec.starter import starter_spec
from generator.stacks import Stack

WIRING_SOURCE = "wiring"  # manifest source of files rendered from every resource


@dataclass
class Options:
    dry_run: bool = False
    force: bool = False
    force_conflicts: bool = False


@dataclass
class Result:
    plan: Plan
    resources: list[str]
    starter_specs: list[str] = field(default_factory=list)  # spec files written for the user
    written: bool = False


def generate_resources(project: Project, names: list[str], options: Options) -> Result:
    """Generate (or regenerate) the named resources and rewire every generated resource."""
    stack = project.stack
    manifest = Manifest.load(project.root)
    wanted = {Names.parse(n).plural: project.spec_path(n) for n in names}
    starters: dict[str, str] = {}  # spec path -> starter text, for specs that do not exist yet
    for plural, spec_path in wanted.items():
        if not (project.root / spec_path).exists():
            starters[spec_path] = starter_spec(plural)
    everything = {**manifest.resources, **wanted}
    contexts = load_contexts(project, everything, starters)

    # Every generated resource is rendered again: a new resource can change others (a parent
    # learns of its children). Unchanged renders reuse their base instead of the formatter.
    renderer = Renderer(stack)
    formatter = CachedFormatter(stack, manifest)
    rendered: dict[str, tuple[str, str]] = {}
    for context in contexts.values():
        for path, text in renderer.resource(context).items():
            rendered[path] = (context.spec_path, formatter(path, text))
    rendered.update(render_wiring(renderer, list(contexts.values()), formatter))
    plan = plan_files(
        project.root,
        rendered,
        manifest,
        initial_bases=initial_wiring(renderer, manifest),
        force=options.force,
        force_conflicts=options.force_conflicts,
    )
    result = Result(plan, sorted(wanted), sorted(starters))
    if options.dry_run:
        return result
    manifest.resources.update(wanted)
    apply_plan(
        project.root, plan, manifest, extra=dict(starters), fingerprints=formatter.fingerprints
    )
    result.written = True
    return result


class CachedFormatter:
    """The stack's formatter, skipped when a file renders exactly as it did last time (its
    base is then the formatted text)."""

    def __init__(self, stack: Stack, manifest: Manifest | None = None) -> None:
        self.stack = stack
        self.manifest = manifest
        self.fingerprints: dict[str, str] = {}  # path -> digest of the unformatted render

    def __call__(self, path: str, text: str) -> str:
        fingerprint = self.fingerprints[path] = digest(text)
        entry = self.manifest.files.get(path) if self.manifest else None
        if self.manifest and entry and entry.rendered == fingerprint:
            base = self.manifest.base(path)
            if base is not None:
                return base
        return format_file(self.stack, path, text)


def render_wiring(
    renderer: Renderer,
    contexts: list[ResourceContext],
    formatter: CachedFormatter | None = None,
) -> dict[str, tuple[str, str]]:
    """The files that wire every generated resource together, formatted."""
    format_ = formatter or CachedFormatter(renderer.stack)
    return {
        path: (WIRING_SOURCE, format_(path, text))
        for path, text in renderer.wiring(contexts).items()
    }


def initial_wiring(renderer: Renderer, manifest: Manifest) -> dict[str, str]:
    """The wiring files as the project template ships them (with no resources): their base
    until the generator first writes them. Empty once the manifest has them."""
    wiring = {p for p, e in manifest.files.items() if e.source == WIRING_SOURCE}
    if wiring and all(manifest.base(p) is not None for p in wiring):
        return {}
    return {path: text for path, (_, text) in render_wiring(renderer, []).items()}


def load_contexts(
    project: Project, specs: dict[str, str], starters: dict[str, str] | None = None
) -> dict[str, ResourceContext]:
    """Load every spec (plural -> spec path) and build their contexts together, reporting
    all problems at once."""
    starters = starters or {}
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
                spec = load_spec_text(starters[spec_path], spec_path, plural)
            else:
                spec = load_spec(project.root / spec_path, spec_path)
        except SpecError as error:
            diagnostics += error.diagnostics
            continue
        loaded[plural] = (spec, spec_path)
    if diagnostics:
        raise SpecError(diagnostics)
    return build_contexts(loaded, project.stack)


def format_file(stack: Stack, path: str, text: str) -> str:
    language = stack.language
    if Path(path).suffix in language.formats:
        return language.formatter(text, path)
    return text


__all__ = ["Options", "Result", "ScaffoldError", "generate_resources"]
