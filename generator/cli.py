"""The `scaffold` command: a thin typer layer over the library. Heavy modules load lazily so
`scaffold --help` answers at once."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from generator.cli_support import Commands, changing, print_json, reporting
from generator.errors import ScaffoldError
from generator.installation import default_stack

if TYPE_CHECKING:
    from generator.commands.project import Project


app = typer.Typer(
    name="scaffold",
    cls=Commands,
    help=(
        "Scaffold complete, layered, tested backend resources from a short YAML spec.\n\n"
        "Examples:\n\n"
        "  scaffold new gamelearn --no-input\n\n"
        "  cd gamelearn && scaffold resource reviews\n\n"
        "  scaffold resource reviews --dry-run\n\n"
        "  scaffold validate specs/"
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document (for tools).")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
TrustOption = Annotated[
    bool,
    typer.Option(
        "--trust",
        help="Allow a stack outside the installed ones (scaffold.toml's stack set to a folder):"
        " its templates are code, so only for a folder you trust.",
    ),
]


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="Folder (and project name) to create.")],
    stack: Annotated[
        str | None,
        typer.Option(
            envvar="SCAFFOLD_STACK",
            show_default=False,
            help=f"Target stack (default: {default_stack()}).",
        ),
    ] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Take every default.")] = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Create a project from the stack's copier template.

    Example: scaffold new gamelearn --no-input
    """
    with reporting(as_json, debug):
        from generator.commands.project import new_project, project_slug
        from generator.stacks import load_stack

        destination = Path(name)
        stack = stack or default_stack()
        data = {"project_name": project_slug(destination.resolve().name)}
        new_project(destination, stack, data, interactive=not no_input)
        if as_json:
            print_json({"ok": True, "project": str(destination), "stack": stack})
        elif not quiet:
            from generator.commands import output

            output.project_created(destination, load_stack(stack))


@app.command()
def resource(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            help="Resource names, singular or plural; or one name and fields in shorthand"
            " (rating:int:1..5 body:text? course:ref). See docs/shorthand.md.",
            metavar="NAME [FIELD...]",
        ),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every spec in the project's specs folder.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the plan and diffs; write nothing.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files you edited (says which).")
    ] = False,
    force_conflicts: Annotated[
        bool,
        typer.Option("--force-conflicts", help="Write conflicting merges with conflict markers."),
    ] = False,
    trust: TrustOption = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Generate or regenerate resources from specs/<plural>.yaml.

    With no spec yet, writes a commented starter spec and generates from it. Files you edited
    are merged with the new output, never overwritten.

    Examples: scaffold resource reviews;
    scaffold resource reviews rating:int:1..5 title:string:120 body:text? course:ref;
    scaffold resource --all
    """
    with reporting(as_json, debug):
        from generator.commands.generate import Options, generate_resources
        from generator.commands.project import Project

        project = Project.find(Path.cwd(), trust=trust)
        names = _resource_names(project, names or [], every)
        fields = [token for token in names if ":" in token]
        resources = [name for name in names if ":" not in name]
        options = Options(
            dry_run=dry_run, force=force, force_conflicts=force_conflicts, fields=fields
        )
        from generator.commands import output

        with (
            changing(project.root),
            output.formatting_progress(enabled=not (as_json or quiet)) as progress,
        ):
            options.progress = progress
            result = generate_resources(project, resources, options)
        if as_json:
            print_json(output.result_json(result))
        elif not quiet:
            output.resource_result(project, result, show_diff=dry_run)
        else:  # only what went wrong or needs a look
            output.resource_problems(result)
        if result.plan.conflicts:
            raise typer.Exit(1)


def _resource_names(project: Project, names: list[str], every: bool) -> list[str]:
    """The names given, or with --all every spec's; a ScaffoldError (exit 2) for neither,
    both, or --all over an empty folder."""
    if every and names:
        raise ScaffoldError("give resource names or --all, not both")
    if not every:
        if not names:
            raise ScaffoldError("give a resource name (scaffold resource reviews), or --all")
        return names
    found = project.spec_names()
    if not found:
        raise ScaffoldError(f"--all: no spec files (*.yaml) in {project.specs_dir}/")
    return found


@app.command()
def destroy(
    names: Annotated[
        list[str], typer.Argument(help="Resource names, singular or plural.", metavar="NAME")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would go; change nothing.")
    ] = False,
    trust: TrustOption = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Remove a resource's generated files that you have not edited, and rewire the routes.

    Files you edited are kept and listed. The spec moves to specs/.destroyed/, where
    `scaffold resource --all` does not look; move it back to generate the resource again.

    Example: scaffold destroy reviews
    """
    with reporting(as_json, debug):
        from generator.commands import output
        from generator.commands.destroy import destroy_resources
        from generator.commands.project import Project

        project = Project.find(Path.cwd(), trust=trust)
        with changing(project.root):
            result = destroy_resources(project, names, dry_run=dry_run)
        if as_json:
            print_json(output.destroy_json(result))
        elif not quiet:
            output.destroy_result(result)


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Spec files or folders (default: specs/).")
    ] = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Check spec files; problems print as file:line:col: message.

    Example: scaffold validate specs/
    """
    with reporting(as_json, debug):
        from generator.commands.project import Project
        from generator.commands.validate import validate_paths

        try:  # in a project, its specs are checked as a run of `scaffold resource` would
            project: Project | None = Project.find(Path.cwd())
        except ScaffoldError:
            project = None
        default = project.root / project.specs_dir if project else Path("specs")
        checked = validate_paths(paths or [default], project)
        if as_json:
            print_json({"ok": True, "checked": checked, "diagnostics": []})
        elif not quiet:
            print(f"{len(checked)} spec(s) valid: {', '.join(checked)}")


@app.command()
def eject(
    name: Annotated[
        str | None,
        typer.Argument(help="The template, by its short name (service) or path; see --list."),
    ] = None,
    list_: Annotated[
        bool, typer.Option("--list", help="Show the templates a project may override.")
    ] = False,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff",
            help="Show what changed in the stack's template since the eject (or, when nothing"
            " did, how your override differs from it).",
        ),
    ] = False,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Merge what changed in the stack's template since the eject into your"
            " override (conflicts are left marked).",
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an override that exists already.")
    ] = False,
    trust: TrustOption = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Copy one of the stack's templates into scaffold-templates/, where it replaces the
    stack's for this project: edit it, and every `scaffold resource` renders with it (edits
    in generated files are merged as usual).

    Examples: scaffold eject --list; scaffold eject service; scaffold eject --update service
    """
    with reporting(as_json, debug):
        from generator.commands import output
        from generator.commands.project import Project

        project = Project.find(Path.cwd(), trust=trust)
        overrides = project.overrides
        if list_ or name is None:
            if name is not None or diff or force or update:
                raise ScaffoldError("--list takes no template name, --diff, --update or --force")
            listing = output.templates_json(overrides)
            print_json({"ok": True, **listing}) if as_json else output.templates_list(listing)
            return
        template = overrides.find(name)
        if diff:
            text = overrides.diff(template)
            if as_json:
                print_json({"ok": True, "template": template.name, "diff": text})
            else:
                print(text or f"{template.override} is the stack's template, unchanged", end="")
            return
        if update:
            with changing(project.root):
                conflicts = overrides.update(template)
            if as_json:
                print_json({"ok": not conflicts, "template": template.name, "conflicts": conflicts})
            elif not quiet:
                output.override_updated(template, conflicts)
            if conflicts:
                raise typer.Exit(1)
            return
        with changing(project.root):
            overrides.eject(template, force=force)
        if as_json:
            print_json({"ok": True, "template": template.name, "path": template.override})
        elif not quiet:
            output.ejected(project, template)


@app.command()
def schema(as_json: JsonOption = False) -> None:
    """Print the JSON Schema of the spec format (for editor completion and checks).

    With --json it comes as {"ok": true, "schema": ...}, like every command's --json."""
    from generator.spec.model import spec_json_schema

    if as_json:
        print_json({"ok": True, "schema": spec_json_schema()})
    else:
        print(json.dumps(spec_json_schema(), indent=2))


def main() -> None:
    app()


@app.command("import")
def import_(
    source: Annotated[
        Path,
        typer.Argument(help="An OpenAPI 3.0 or 3.1 document (YAML or JSON).", metavar="FILE"),
    ],
    specs_dir: Annotated[
        Path | None,
        typer.Option(
            "--specs-dir", help="Where to write specs (default: the project's specs/, or ./specs)."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite spec files that already exist.")
    ] = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Write a spec per object schema of an OpenAPI document; say what could not be mapped.

    Existing spec files are kept unless --force. A property that refers to another object
    schema becomes a ref; arrays and nested objects become json; what cannot be mapped
    (composition, binary) is listed with its JSON pointer.

    Example: scaffold import openapi.yaml && scaffold resource pets
    """
    with reporting(as_json, debug):
        from generator.commands.project import Project
        from generator.importers import import_openapi, report_lines
        from generator.stacks import load_stack

        try:
            project: Project | None = Project.find(Path.cwd())
        except ScaffoldError:
            project = None
        root = project.root if project else Path.cwd()
        folder = specs_dir or (root / project.specs_dir if project else Path("specs"))
        stack = project.stack if project else load_stack(default_stack())
        # In a project, the specs it writes are the project's: one run at a time.
        with changing(root) if project else nullcontext():
            report = import_openapi(
                source,
                folder,
                root,
                force=force,
                refused=stack.resource_name_problem,
            )
        if as_json:
            print_json({"ok": True, **report.as_dict()})
        elif not quiet:
            print("\n".join(report_lines(report)))
