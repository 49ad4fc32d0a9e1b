"""A run renders only what changed (generator/render/incremental.py), and the tree it leaves is
byte for byte the one a full render leaves."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from generator.cli import app
from tests.e2e.test_random_projects import accepted
from tests.property.test_black_differential import projects
from tests.property.test_spec_properties import dump

EXAMPLES = int(os.environ.get("SCAFFOLD_EXHAUSTIVE") or 0) or 4
SOLO = {"fields": {"label": {"type": "string", "max_length": 40}}}  # refers to nothing


def scaffold(cache: Path, *args: str) -> Result:
    """A run with ``cache`` as the user's cache folder (an empty one: a full render)."""
    result = CliRunner().invoke(app, list(args), env={"XDG_CACHE_HOME": str(cache)})
    assert result.exit_code == 0, result.output
    return result


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "lock"
    }


def written(result: Result) -> set[str]:
    """The files a --json run planned (rendered), whatever it did with them."""
    return {change["path"] for change in json.loads(result.stdout)["files"]}


def write_specs(root: Path, data: dict[str, dict[str, Any]]) -> None:
    for plural, spec in data.items():
        (root / "specs" / f"{plural}.yaml").write_text(dump(spec), encoding="utf-8")


@st.composite
def changes(draw: st.DrawFn, data: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The specs with one of them changed as a user would: a field added, one dropped, a
    ref's on_delete or a key that its neighbours' files depend on."""
    changed = json.loads(json.dumps(data))
    plural = draw(st.sampled_from(sorted(changed)))
    spec = changed[plural]
    kind = draw(st.sampled_from(["add", "drop", "on_delete", "soft_delete", "auth"]))
    refs = [n for n, f in spec["fields"].items() if f.get("type") == "ref"]
    if kind == "add":
        spec["fields"]["added_note"] = {"type": "string", "required": False}
    elif kind == "drop" and len(spec["fields"]) > 1:
        del spec["fields"][draw(st.sampled_from(sorted(spec["fields"])))]
    elif kind == "on_delete" and refs:
        ref = spec["fields"][draw(st.sampled_from(refs))]
        ref["on_delete"] = "set_null" if ref["on_delete"] != "set_null" else "cascade"
        ref["required"] = False
    elif kind == "soft_delete":
        spec["soft_delete"] = not spec.get("soft_delete", False)
    else:
        spec["auth"] = {"read": "authenticated"}
    return changed


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
@given(data=st.data())
def test_a_run_that_renders_only_what_changed_leaves_the_tree_a_full_render_leaves(
    template_project: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    before = {**data.draw(projects()), "solos": SOLO}
    assume(accepted(before))
    after = data.draw(changes(before))
    assume(accepted(after))
    one_name = data.draw(st.booleans())  # `scaffold resource NAME` or `--all`
    base = tmp_path_factory.mktemp("incremental")
    warm, cold = base / "warm-cache", base / "cold-cache"
    incremental, full = base / "incremental" / "demo", base / "full" / "demo"
    shutil.copytree(template_project, incremental)
    write_specs(incremental, before)
    cwd = Path.cwd()
    try:
        os.chdir(incremental)
        scaffold(warm, "resource", "--all", "-q")
        write_specs(incremental, after)
        shutil.copytree(incremental, full)
        changed = [p for p in after if after[p] != before[p]]
        command = ["resource", *changed] if one_name else ["resource", "--all"]
        scaffold(warm, *command, "-q")
        os.chdir(full)
        scaffold(cold, *command, "-q")
    finally:
        os.chdir(cwd)
    assert tree(incremental) == tree(full)


@pytest.fixture
def project(project_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """courses <- lessons (a ref), and reviews on their own, generated once."""
    monkeypatch.chdir(project_root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    specs = project_root / "specs"
    (specs / "courses.yaml").write_text("fields:\n  title: string\n")
    (specs / "lessons.yaml").write_text(
        "fields:\n  title: string\n  course: {type: ref, on_delete: cascade}\n"
    )
    (specs / "reviews.yaml").write_text("fields:\n  body: text\n")
    assert CliRunner().invoke(app, ["resource", "--all", "-q"]).exit_code == 0
    return project_root


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return result


def test_a_change_in_a_parent_renders_its_children_and_nothing_else(project: Path) -> None:
    (project / "specs/courses.yaml").write_text("fields:\n  title: string\nsoft_delete: true\n")
    planned = written(run("resource", "courses"))
    assert "app/repositories/lessons.py" in planned  # lessons hide with a deleted course
    assert "app/services/courses.py" in planned
    assert not any("reviews" in path for path in planned)
    lessons = (project / "app/repositories/lessons.py").read_text()
    assert "deleted_at" in lessons


def test_an_unchanged_resource_asked_for_is_rendered_alone(project: Path) -> None:
    planned = written(run("resource", "reviews"))
    assert "app/services/reviews.py" in planned
    assert not any("courses" in path or "lessons" in path for path in planned)


def test_a_generated_file_removed_is_made_again_though_its_spec_did_not_change(
    project: Path,
) -> None:
    (project / "app/services/reviews.py").unlink()
    result = run("resource", "courses")
    assert "app/services/reviews.py" in written(result)
    assert (project / "app/services/reviews.py").is_file()


def test_an_override_renders_every_resource_again(project: Path) -> None:
    assert CliRunner().invoke(app, ["eject", "service"]).exit_code == 0
    planned = written(run("resource", "courses"))
    assert {f"app/services/{p}.py" for p in ("courses", "lessons", "reviews")} <= planned


def test_a_lost_cache_costs_a_full_run_and_the_same_files(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree(project)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-cache"))
    planned = written(run("resource", "courses"))
    assert "app/services/reviews.py" in planned
    assert tree(project) == before
