"""`scaffold validate`: check spec files (or folders of them) without generating anything."""

from __future__ import annotations

from pathlib import Path

from generator.commands.project import Project
from generator.errors import Diagnostic, ScaffoldError, SpecError, display_path
from generator.naming import Names, plural_lookup, resolve_plural
from generator.render.incremental import RunMemory, project_memory
from generator.spec import ResourceSpec, load_spec, load_spec_text
from generator.spec.load import read_spec


def validate_paths(paths: list[Path], project: Project | None = None) -> list[str]:
    """Every spec under ``paths``; returns the ones checked, raises SpecError with all
    problems. Specs of ``project``'s specs folder are then checked together as `scaffold
    resource --all` builds them, so validate refuses what a run would."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += _spec_files(path)
        elif path.is_file():
            files.append(path)
        else:
            raise ScaffoldError(f"{path}: no such file or folder")
    diagnostics: list[Diagnostic] = []
    checked = []
    specs: list[ResourceSpec] = []
    memory = project_memory(project) if project else None
    for file in files:
        shown = display_path(file)
        try:
            specs.append(_load(file, shown, project, memory))
        except SpecError as error:
            diagnostics += error.diagnostics
        checked.append(shown)
    # A spec file next to the ones checked (or one that failed to load, reported above)
    # is a resource that exists: a ref to it is not "unknown".
    present = {f.stem for folder in {file.parent for file in files} for f in _spec_files(folder)}
    diagnostics += _unknown_refs(specs, present)
    if diagnostics:
        raise SpecError(diagnostics)
    if project is not None and any(_in_specs(project, file) for file in files):
        from generator.commands.generate import check_specs

        every = project.resources(project.spec_names())
        try:
            assert memory is not None  # made above, with the project
            check_specs(project, every, memory)
        except SpecError as error:  # without the summary of a run ("Nothing was written")
            raise SpecError(error.diagnostics) from None
    return checked


def _load(
    file: Path, shown: str, project: Project | None, memory: RunMemory | None
) -> ResourceSpec:
    """A spec file, parsed; in a project, taken from what its last run parsed if the text
    is the same."""
    if project is None or memory is None or not _in_specs(project, file):
        return load_spec(file, shown)
    text = read_spec(file, shown)
    spec_path = file.resolve().relative_to(project.root).as_posix()
    spec = memory.spec(spec_path, text)
    if spec is None:
        spec = load_spec_text(text, shown, file.stem)
        if shown == spec_path:  # as the project's check below names it: parse it once
            memory.remember_spec(spec_path, text, spec)
    return spec


def _in_specs(project: Project, file: Path) -> bool:
    return file.resolve().parent == (project.root / project.specs_dir).resolve()


def _spec_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def _unknown_refs(specs: list[ResourceSpec], present: set[str]) -> list[Diagnostic]:
    """Refs must point at a resource among the specs checked, or with a spec file beside
    them (``present``: their file names)."""
    lookup = plural_lookup([Names.from_name(stem) for stem in present])
    lookup |= plural_lookup(spec.names for spec in specs)
    known = set(lookup.values())
    problems = []
    for spec in specs:
        for raw, field in spec.fields.items():
            if field.type == "ref" and resolve_plural(field.to or raw, lookup) not in known:
                target = Names.from_name(field.to or raw)
                loc = ("fields", raw, "to" if field.to else "type")
                message = f"ref to unknown resource {target.singular!r} (no {target.plural}.yaml)"
                problems.append(spec.diagnostic(loc, message))
    return problems
