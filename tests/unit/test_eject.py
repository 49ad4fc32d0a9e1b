"""A project's own templates: `scaffold eject`, rendering with overrides, stale overrides."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from generator.cli import app
from generator.stacks import load_stack

SERVICE = "scaffold-templates/resource/app/services/{{plural}}.py.jinja"
SERVICE_BASE = ".scaffold/ejected/resource/app/services/{{plural}}.py.jinja"
HOUSE_LINE = "# House style: every {{ resource.names.singular }} service logs the same way."


def scaffold(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def project(project_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with two resources, one service edited by its user."""
    monkeypatch.chdir(project_root)
    for spec in ("courses title:string", "reviews rating:int:1..5 course:ref"):
        assert scaffold("resource", *spec.split(), "-q").exit_code == 0
    with (project_root / "app/services/reviews.py").open("a", encoding="utf-8") as file:
        file.write("\n\n# the team's own note\n")
    return project_root


def add_house_line(root: Path) -> None:
    """The house line goes before the imports (a line apart from the docstring)."""
    override = root / SERVICE
    text = override.read_text(encoding="utf-8")
    imports = text.index("{% filter used_imports %}")
    override.write_text(text[:imports] + HOUSE_LINE + "\n" + text[imports:], encoding="utf-8")


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".scaffold/lock" not in p.as_posix()
    }


def test_an_ejected_service_renders_every_resource_and_edits_are_kept(project: Path) -> None:
    ejected = scaffold("eject", "service")
    assert ejected.exit_code == 0, ejected.output
    assert SERVICE in ejected.stdout
    stack_template = load_stack("fastapi").root / "resource/app/services/{{plural}}.py.jinja"
    assert (project / SERVICE).read_text() == stack_template.read_text()
    add_house_line(project)

    preview = scaffold("resource", "--all", "--dry-run")
    assert "+# House style: every course service logs the same way." in preview.stdout
    assert "House style" not in (project / "app/services/courses.py").read_text()

    result = scaffold("resource", "--all")
    assert result.exit_code == 0, result.output
    for singular, plural in (("course", "courses"), ("review", "reviews")):
        service = (project / f"app/services/{plural}.py").read_text()
        assert f"# House style: every {singular} service logs the same way." in service
    assert "# the team's own note" in (project / "app/services/reviews.py").read_text()
    assert "merged" in result.stdout


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{% if resource.oops %}", "Unexpected end of template"),
        ("{{ resource.no_such_thing }}", "has no attribute 'no_such_thing'"),
        ("{{ 1 // 0 }}", "integer division or modulo by zero"),
        ("{{ self.__init__.__globals__ }}", "unsafe template: access to attribute '__init__'"),
    ],
    ids=["syntax", "undefined", "exception", "sandbox"],
)
def test_a_broken_override_is_located_and_nothing_is_written(
    project: Path, line: str, message: str
) -> None:
    assert scaffold("eject", "service").exit_code == 0
    override = project / SERVICE
    lines = override.read_text().splitlines(keepends=True)
    lines.insert(4, line + "\n")
    override.write_text("".join(lines))
    before = tree(project)
    result = scaffold("resource", "--all")
    assert result.exit_code == 2
    # Located at the line inserted, or (an `if` left open) where the template ends.
    ends = len(lines)  # the last line
    assert result.stderr.startswith(f"error: {SERVICE}:{ends if '{%' in line else 5}: ")
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert tree(project) == before


def test_a_stale_override_warns_shows_the_change_and_merges_it_in(project: Path) -> None:
    assert scaffold("eject", "service").exit_code == 0
    # As if ejected from an older scaffold, whose template named a method differently.
    for path in (project / SERVICE_BASE, project / SERVICE):
        older = path.read_text().replace("    async def read(self", "    async def get(self")
        path.write_text(older)
    add_house_line(project)

    result = scaffold("resource", "--all")
    assert result.exit_code == 0
    assert f"warning {SERVICE} was ejected from an older service template" in result.stderr
    assert "scaffold eject --update service" in result.stderr
    diff = scaffold("eject", "--diff", "service")
    assert "-    async def get(self" in diff.stdout
    assert "+    async def read(self" in diff.stdout
    listed = json.loads(scaffold("eject", "--list", "--json").stdout)
    [service] = [t for t in listed["templates"] if t["name"] == "service"]
    assert service == {
        "name": "service",
        "template": "resource/app/services/{{plural}}.py.jinja",
        "path": SERVICE,
        "ejected": True,
        "stale": True,
    }

    updated = scaffold("eject", "--update", "service")
    assert updated.exit_code == 0, updated.output
    stack_text = (load_stack("fastapi").root / SERVICE_BASE.split("/", 2)[2]).read_text()
    imports = stack_text.index("{% filter used_imports %}")
    # Both sides kept: the stack's rename back to read(), and the house line.
    assert (project / SERVICE).read_text() == (
        stack_text[:imports] + HOUSE_LINE + "\n" + stack_text[imports:]
    )
    assert "warning" not in scaffold("resource", "--all").stderr


def test_an_update_that_overlaps_leaves_markers_and_rendering_refuses(project: Path) -> None:
    assert scaffold("eject", "service").exit_code == 0
    override = project / SERVICE
    override.write_text(override.read_text().replace("Business rules of", "Our rules for"))
    base = project / SERVICE_BASE
    base.write_text(base.read_text().replace("Business rules of", "Rules of"))
    docstring = next(
        n for n, line in enumerate(override.read_text().splitlines(), 1) if "Our rules" in line
    )
    updated = scaffold("eject", "--update", "service")
    assert updated.exit_code == 1
    assert f"overlap at line(s) {docstring}" in updated.stderr
    result = scaffold("resource", "--all")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {SERVICE}:{docstring}: conflict markers")


def test_an_override_of_no_template_warns(project: Path) -> None:
    orphan = project / "scaffold-templates/resource/app/services/old.py.jinja"
    orphan.parent.mkdir(parents=True)
    orphan.write_text("{{ resource }}\n")
    result = scaffold("resource", "--all")
    assert result.exit_code == 0
    assert (
        "warning scaffold-templates/resource/app/services/old.py.jinja overrides no template"
        " of the fastapi stack, so it is not used"
    ) in result.stderr
    assert not (project / "app/services/old.py").exists()


def test_an_override_linked_out_of_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.jinja"
    outside.write_text("{{ resource }}\n")
    (project / SERVICE).parent.mkdir(parents=True)
    os.symlink(outside, project / SERVICE)
    before = tree(project)
    result = scaffold("resource", "--all")
    assert result.exit_code == 2
    assert "leads through a symbolic link out of the project" in result.stderr
    assert tree(project) == before


def test_eject_refuses_to_replace_an_override_unless_forced(project: Path) -> None:
    assert scaffold("eject", "service").exit_code == 0
    add_house_line(project)
    again = scaffold("eject", "service")
    assert again.exit_code == 2
    assert "exists already (your override); --force replaces it" in again.stderr
    assert HOUSE_LINE in (project / SERVICE).read_text()
    assert scaffold("eject", "service", "--force").exit_code == 0
    assert HOUSE_LINE not in (project / SERVICE).read_text()


def test_an_unknown_template_names_the_ones_there_are(project: Path) -> None:
    result = scaffold("eject", "servce")
    assert result.exit_code == 2
    assert "the fastapi stack has no template 'servce'; it has: controller, service," in (
        result.stderr
    )


def test_the_list_names_every_template_the_stack_renders(project: Path) -> None:
    stack = load_stack("fastapi")
    rendered = {
        p.relative_to(stack.root).as_posix()
        for p in stack.root.rglob("*.jinja")
        if not p.is_relative_to(stack.project_dir)
    }
    listed = json.loads(scaffold("eject", "--list", "--json").stdout)
    assert {t["template"] for t in listed["templates"]} == rendered
    assert all(t["path"] == f"scaffold-templates/{t['template']}" for t in listed["templates"])
    text = scaffold("eject", "--list").stdout
    assert "  service     scaffold-templates/resource/app/services/{{plural}}.py.jinja" in text
