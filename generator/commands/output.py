"""What a person sees: the plan as a coloured list, diffs, and the next step."""

from __future__ import annotations

import difflib
import shlex
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from rich.console import Console
from rich.tree import Tree

from generator.commands.destroy import DestroyResult
from generator.commands.generate import Result
from generator.commands.project import Project
from generator.render.formatting import Progress as ProgressCallback
from generator.render.overrides import Overrides, Template
from generator.stacks import Stack
from generator.sync.plan import Action, FileChange

STYLES = {
    Action.CREATE: "green",
    Action.UPDATE: "cyan",
    Action.MERGED: "cyan",
    Action.OVERWRITE: "yellow",
    Action.UNCHANGED: "dim",
    Action.KEPT: "dim",
    Action.CONFLICT: "bold red",
}

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)
TREE_FILES_MAX = 40  # past this many files, each folder shows counts instead of names
NAMES_MAX = 5  # past this many resources, a batch is summed up rather than listed


def project_created(destination: Path, stack: Stack) -> None:
    """What was made and the next steps (the stack's): set up the project's dependencies,
    generate a resource with this scaffold (which the project's own environment may not
    have), serve the app."""
    steps = stack.next_steps
    notes = [
        (f"{scaffold_command()} resource reviews", "writes specs/reviews.yaml, then generates"),
        (steps.serve, steps.serves),
    ]
    width = max(len(command) for command, _ in notes)
    console.print(f"[green]Created[/] {destination} ({stack.name})")
    console.print("Next:")
    console.print(f"  cd {shlex.quote(str(destination))}", markup=False)
    console.print(f"  {steps.install}", markup=False)
    for command, note in notes:
        console.print(f"  {command:<{width}}  # {note}", markup=False)
    console.print(steps.remark, markup=False)


def scaffold_command() -> str:
    """How to run this scaffold from inside a new project, whose venv does not have it:
    `scaffold` when that is this one on the PATH (and stays there when the project's venv is
    activated), else this one's full path."""
    import os
    import shutil
    import sys

    mine = shutil.which("scaffold", path=str(Path(sys.executable).parent))
    if mine is None:  # run from a checkout, not installed
        return f"{shlex.quote(sys.executable)} -m generator"
    on_path = shutil.which("scaffold")
    venv = os.environ.get("VIRTUAL_ENV")  # its bin/ leaves the PATH when another is activated
    in_venv = venv is not None and Path(venv).absolute() in Path(mine).absolute().parents
    if on_path and Path(on_path).resolve() == Path(mine).resolve() and not in_venv:
        return "scaffold"
    return shlex.quote(str(Path(mine).absolute()))


def resource_result(project: Project, result: Result, show_diff: bool) -> None:
    verb = "Would generate" if not result.written else "Generated"
    console.print(f"{verb} {_names(result.resources)} ({project.stack.name})")
    for spec in result.starter_specs:
        state = "would write" if not result.written else "wrote"
        console.print(f"  [green]{state} starter spec[/] {spec}")
    for spec in result.updated_specs:
        state = "would write" if not result.written else "wrote"
        console.print(f"  [green]{state} spec[/] {spec} (fields from the command line)")
    shown: list[tuple[str, Action]] = [
        (c.path, c.action) for c in result.plan.changes if c.action is not Action.UNCHANGED
    ]
    if result.migration:
        shown.append((result.migration, Action.CREATE))
    if shown:
        console.print(_tree(project.root.name, shown))
    if show_diff:
        for change in result.plan.changes:
            if change.writes:
                _diff(change)
    resource_problems(result)
    _summary(result)
    _next_step(project, result)


def resource_problems(result: Result) -> None:
    """On stderr, also with --quiet: data the run's revision deletes, and each conflict."""
    for warning in result.warnings:
        errors.print(f"[bold yellow]warning[/] {warning}")
    for change in result.plan.conflicts:
        if change.markers:
            where = ", ".join(str(n) for n in change.conflict_lines)
            problem = (
                f"not resolved: conflict markers at line(s) {where} (keep what you want"
                " between them and delete the marker lines)"
            )
        elif change.conflict_lines:
            where = ", ".join(str(n) for n in change.conflict_lines)
            problem = f"your edits overlap the new output at line(s) {where}"
        else:
            problem = "exists, but scaffold has no record of writing it (--force replaces it)"
        if not change.text:
            outcome = "left as you had it"
        elif result.written:
            outcome = "written with conflict markers"
        else:
            outcome = "would be written with conflict markers"
        errors.print(f"[bold red]conflict[/] {change.path}: {problem}; {outcome}")


def _tree(root: str, files: list[tuple[str, Action]]) -> Tree:
    """The planned files as a tree of folders, each file with its state; past
    TREE_FILES_MAX files, each folder shows how many files are in each state."""
    tree = Tree(f"[bold]{root}/[/]", guide_style="dim")
    folders: dict[PurePosixPath, Tree] = {PurePosixPath("."): tree}

    def folder(path: PurePosixPath) -> Tree:
        if path not in folders:
            folders[path] = folder(path.parent).add(f"[bold]{path.name}/[/]")
        return folders[path]

    if len(files) <= TREE_FILES_MAX:
        for path, action in sorted(files, key=_folder_first):
            place = PurePosixPath(path)
            folder(place.parent).add(f"[{STYLES[action]}]{action.value:<9}[/] {place.name}")
        return tree
    counts: dict[PurePosixPath, Counter[Action]] = {}
    for path, action in files:
        counts.setdefault(PurePosixPath(path).parent, Counter())[action] += 1
    for parent, by_action in sorted(counts.items()):
        for action, n in sorted(by_action.items()):
            folder(parent).add(f"[{STYLES[action]}]{action.value:<9}[/] {n} file{'s' * (n > 1)}")
    return tree


def _folder_first(file: tuple[str, Action]) -> tuple[tuple[str, ...], str]:
    """Sort key: a folder's own files together, before its subfolders'."""
    path = PurePosixPath(file[0])
    return path.parent.parts, path.name


@contextmanager
def formatting_progress(enabled: bool) -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr while files are formatted (the slow step of a batch), shown
    only on a terminal; it disappears when done."""
    if not (enabled and errors.is_terminal):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("formatting"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task("formatting", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _diff(change: FileChange) -> None:
    diff = difflib.unified_diff(
        (change.disk or "").splitlines(keepends=True),
        (change.text or "").splitlines(keepends=True),
        fromfile=f"a/{change.path}",
        tofile=f"b/{change.path}",
    )
    text = "".join(diff)
    if text:
        from rich.syntax import Syntax  # pygments: only for diffs

        console.print(Syntax(text, "diff", theme="ansi_dark", background_color="default"))


def _summary(result: Result) -> None:
    counts = [
        f"{result.plan.count(action)} {action.value}"
        for action in Action
        if result.plan.count(action)
    ]
    if result.migration:
        counts.append("1 migration")
    prefix = "Nothing written (dry run): " if not result.written else ""
    console.print(prefix + ", ".join(counts) + ".")


def _next_step(project: Project, result: Result) -> None:
    if result.starter_specs and result.written:
        spec = result.starter_specs[0]
        console.print(
            f"Next: edit the fields in {spec}, then run `scaffold resource"
            f" {' '.join(result.resources)}` again."
        )
    elif any(c.conflict_lines and not (c.text or c.markers) for c in result.plan.conflicts):
        console.print(
            "Next: run again with --force-conflicts to write both sides with conflict markers,"
            " or merge the change in by hand; once you have edited the file, the next run"
            " takes your version as resolved."
        )
    elif result.plan.conflicts:
        console.print("Next: resolve the conflicts above, then run the same command again.")
    elif result.written:
        steps = project.stack.next_steps
        command = steps.test
        if len(result.resources) <= NAMES_MAX:
            command += "".join(
                " " + steps.test_file.format(plural=name) for name in result.resources
            )
        console.print(f"Next: {command}")


def _names(resources: list[str]) -> str:
    """`reviews, courses`; or, for a batch, `40 resources: a, b, c, … z`."""
    if len(resources) <= NAMES_MAX:
        return ", ".join(resources)
    return f"{len(resources)} resources: {', '.join(resources[:3])}, …, {resources[-1]}"


def result_json(result: Result) -> dict[str, Any]:
    return {
        "ok": not result.plan.conflicts,
        "written": result.written,
        "resources": result.resources,
        "starter_specs": result.starter_specs,
        "updated_specs": result.updated_specs,
        "migration": result.migration,
        "warnings": result.warnings,
        "files": [
            {
                "path": c.path,
                "action": c.action.value,
                "source": c.source,
                "conflicts": c.conflict_lines,
            }
            for c in result.plan.changes
        ],
    }


def destroy_result(result: DestroyResult) -> None:
    verb = "Removed" if result.written else "Would remove"
    console.print(f"{verb} {', '.join(result.resources)}")
    for path in result.removed:
        console.print(f"  [red]{'delete':<10}[/] {path}")
    for path in result.kept:
        console.print(
            f"  [yellow]{'kept':<10}[/] {path}  (edited since generated; delete it yourself)"
        )
    for change in result.rewired.changes:
        if change.writes:
            console.print(f"  [cyan]{change.action.value:<10}[/] {change.path}")
    if result.migration:
        console.print(f"  [green]{'create':<10}[/] {result.migration}")
    for spec, moved in result.moved_specs.items():
        console.print(f"  [magenta]{'move':<10}[/] {spec} to {moved}")
    if result.moved_specs:
        verb = "Moved" if result.written else "Would move"
        [(spec, moved), *others] = result.moved_specs.items()
        if others:
            names = ", ".join(PurePosixPath(s).stem for s in result.moved_specs)
            console.print(
                f"{verb} the specs aside so `scaffold resource --all` does not bring {names}"
                " back; to generate one again, move its spec back to"
                f" {PurePosixPath(spec).parent}/ and run `scaffold resource NAME`.",
                markup=False,
            )
        else:
            name = PurePosixPath(spec).stem
            console.print(
                f"{verb} the spec aside so `scaffold resource --all` does not bring {name}"
                f" back; to generate it again, move {moved} back to"
                f" {PurePosixPath(spec).parent}/ and run `scaffold resource {name}`.",
                markup=False,
            )
    if result.kept:
        console.print("Next: the kept files may still import what was removed; review them.")


def destroy_json(result: DestroyResult) -> dict[str, Any]:
    return {
        "ok": True,
        "written": result.written,
        "resources": result.resources,
        "removed": result.removed,
        "kept": result.kept,
        "rewired": [c.path for c in result.rewired.changes if c.writes],
        "migration": result.migration,
        "moved_specs": [{"from": s, "to": to} for s, to in result.moved_specs.items()],
    }


def templates_json(overrides: Overrides) -> dict[str, Any]:
    """The templates a project may override: short name, stack path, override path and
    whether the project overrides it (and whether that override is stale)."""
    return {
        "stack": overrides.stack.name,
        "templates": [
            {
                "name": t.name,
                "template": t.template,
                "path": t.override,
                "ejected": (overrides.root / t.override).is_file(),
                "stale": overrides.stale(t),
            }
            for t in overrides.templates()
        ],
        "warnings": overrides.warnings(),
    }


def templates_list(listing: dict[str, Any]) -> None:
    console.print(f"Templates of the {listing['stack']} stack (scaffold eject NAME):")
    width = max(len(t["name"]) for t in listing["templates"])
    for t in listing["templates"]:
        state = " [yellow](ejected, stale)[/]" if t["stale"] else ""
        state = state or (" [cyan](ejected)[/]" if t["ejected"] else "")
        console.print(f"  {t['name']:<{width}}  {t['path']}{state}", markup=True)
    for warning in listing["warnings"]:
        errors.print(f"[bold yellow]warning[/] {warning}")


def ejected(project: Project, template: Template) -> None:
    console.print(
        f"Ejected {template.name}: [green]{template.override}[/]. It replaces the"
        f" {project.stack.name} stack's template in this project; edit it, then run"
        " `scaffold resource --all` to render every resource with it."
    )


def override_updated(template: Template, conflicts: list[int]) -> None:
    if not conflicts:
        console.print(f"Merged the stack's changes into {template.override}.")
        return
    where = ", ".join(str(n) for n in conflicts)
    errors.print(
        f"[bold red]conflict[/] {template.override}: your override and the stack's changes"
        f" overlap at line(s) {where}; keep what you want between the markers and delete the"
        " marker lines (scaffold resource refuses to render it until then)"
    )
