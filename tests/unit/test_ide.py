"""Editor support a new project carries: VS Code tasks, their problem matcher, the spec schema."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.commands.ide import EDITOR_SCHEMA, editor_schema_text, write_editor_schema
from generator.spec.model import spec_json_schema

TEMPLATE = Path(__file__).parents[2] / "templates" / "fastapi" / "project"
BAD_SPEC = "fields:\n  title: strng\n  n: {type: integer, min: 5, max: 1}\n"
TASK_LABELS = {
    "scaffold: resource",
    "scaffold: regenerate all",
    "scaffold: validate specs",
    "tests",
    "run server",
}


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))  # plain JSON: no comments


@pytest.fixture(scope="module")
def tasks() -> dict[str, dict[str, Any]]:
    document = load_json(TEMPLATE / ".vscode" / "tasks.json")
    assert document["version"] == "2.0.0"
    return {task["label"]: task for task in document["tasks"]}


def matchers(tasks: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [t["problemMatcher"] for t in tasks.values() if t["problemMatcher"]]


def diagnostic_lines(project: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the CLI really prints for a bad spec (stderr, one line per problem)."""
    monkeypatch.chdir(project)
    (project / "specs" / "reviews.yaml").write_text(BAD_SPEC, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "specs"])
    assert result.exit_code == 2
    return result.stderr.splitlines()


def test_every_task_is_there(tasks: dict[str, dict[str, Any]]) -> None:
    assert set(tasks) == TASK_LABELS
    assert tasks["tests"]["group"] == {"kind": "test", "isDefault": True}
    assert tasks["run server"]["isBackground"] is True


def test_the_resource_task_prompts_for_the_name(tasks: dict[str, dict[str, Any]]) -> None:
    document = load_json(TEMPLATE / ".vscode" / "tasks.json")
    (prompt,) = document["inputs"]
    assert prompt["type"] == "promptString"
    assert tasks["scaffold: resource"]["args"] == ["resource", f"${{input:{prompt['id']}}}"]


def test_problem_matcher_turns_real_cli_errors_into_diagnostics(
    tasks: dict[str, dict[str, Any]], project_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = diagnostic_lines(project_root, monkeypatch)
    assert lines == [
        "specs/reviews.yaml:2:10: unknown type 'strng'; did you mean 'string'?",
        "specs/reviews.yaml:3:27: min (5) is greater than max (1)",
    ]
    for matcher in matchers(tasks):
        pattern = matcher["pattern"]
        regexp = re.compile(pattern["regexp"])  # VS Code's JS syntax: this subset is the same
        match = regexp.match(lines[0])
        assert match is not None
        assert match.group(pattern["file"]) == "specs/reviews.yaml"
        assert (match.group(pattern["line"]), match.group(pattern["column"])) == ("2", "10")
        assert match.group(pattern["message"]) == "unknown type 'strng'; did you mean 'string'?"
        assert matcher["fileLocation"][0] in ("relative", "autoDetect")


@pytest.mark.parametrize(
    "line",
    [
        "Generated reviews (fastapi)",
        "  create     app/models/reviews.py",
        "tests/test_reviews.py:12: AssertionError",
        "error: specs/reviews.yaml: no such spec file",
        "1 spec(s) valid: specs/reviews.yaml",
    ],
)
def test_problem_matcher_ignores_other_output(tasks: dict[str, dict[str, Any]], line: str) -> None:
    for matcher in matchers(tasks):
        assert re.match(matcher["pattern"]["regexp"], line) is None


def test_regenerate_all_runs_scaffold_with_every_spec(
    tasks: dict[str, dict[str, Any]], project_root: Path
) -> None:
    task = tasks["scaffold: regenerate all"]
    assert task["type"] == "process"  # no shell: the same on every platform
    command = [task["command"], *task["args"]]
    assert not any("${" in part for part in command)  # no VS Code variables
    spec = "fields:\n  title: string\n"
    (project_root / "specs" / "reviews.yaml").write_text(spec, encoding="utf-8")
    (project_root / "specs" / "lesson.yml").write_text(spec, encoding="utf-8")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    done = subprocess.run(
        command,
        cwd=project_root,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": path},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (project_root / "app" / "models" / "reviews.py").is_file()
    assert (project_root / "app" / "models" / "lessons.py").is_file()


def test_new_projects_carry_the_vscode_files(template_project: Path) -> None:
    vscode = template_project / ".vscode"
    assert load_json(vscode / "tasks.json") == load_json(TEMPLATE / ".vscode" / "tasks.json")
    settings = load_json(vscode / "settings.json")
    schema_path = "./" + EDITOR_SCHEMA
    assert settings["yaml.schemas"][schema_path] == ["specs/*.yaml", "specs/*.yml"]


def test_editor_schema_is_the_spec_schema(tmp_path: Path) -> None:
    path = write_editor_schema(tmp_path)
    assert path == tmp_path / EDITOR_SCHEMA
    assert load_json(path) == spec_json_schema()
    written = path.stat().st_mtime_ns
    os.utime(path, ns=(written - 10**9, written - 10**9))
    write_editor_schema(tmp_path)  # unchanged text: the file is left alone
    assert path.stat().st_mtime_ns == written - 10**9
    path.write_text("{}", encoding="utf-8")
    write_editor_schema(tmp_path)  # a stale schema is refreshed
    assert load_json(path) == spec_json_schema()


def test_the_project_template_ships_the_current_spec_schema() -> None:
    """`copier copy` alone must give editors the schema; refresh it with
    `python -c "from generator.commands.ide import write_editor_schema as w;
    from pathlib import Path; w(Path('templates/fastapi/project'))"` after changing the spec
    models."""
    shipped = TEMPLATE / EDITOR_SCHEMA
    assert shipped.read_text(encoding="utf-8") == editor_schema_text()
