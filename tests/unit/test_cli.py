"""The `scaffold` command as a user meets it: exit codes, messages, --json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from generator.cli import app
from generator.spec.model import FIELD_TYPES

GOOD = "resource: review\nfields:\n  title: {type: string, max_length: 80}\n"
BAD = "fields:\n  title: strng\n  n: {type: integer, min: 5, max: 1}\n"
BAD_MESSAGES = [
    "specs/reviews.yaml:2:10: unknown type 'strng'; did you mean 'string'?",
    "specs/reviews.yaml:3:27: min (5) is greater than max (1)",
]


def scaffold(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.fixture
def in_project(project_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(project_root)
    return project_root


def test_help_lists_every_command() -> None:
    result = scaffold("--help")
    assert result.exit_code == 0
    for command in ("new", "resource", "destroy", "validate", "schema"):
        assert f"  {command} " in result.stdout


def test_no_arguments_shows_help() -> None:
    result = scaffold()
    assert "Usage:" in result.output
    assert "resource" in result.output


def test_python_dash_m_generator_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "resource", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--dry-run" in done.stdout


def test_resource_generates_and_says_what_it_did(in_project: Path) -> None:
    (in_project / "specs/reviews.yaml").write_text(GOOD, encoding="utf-8")
    result = scaffold("resource", "reviews")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # A tree of the planned files, each with its state, then a summary and the next step.
    assert lines[0] == "Generated reviews (fastapi)"
    assert lines[1] == f"{in_project.name}/"
    models = next(i for i, line in enumerate(lines) if line.endswith("models/"))
    assert lines[models + 1].endswith("create    reviews.py")
    assert any(line.endswith("update    routes.py") for line in lines)
    assert lines[-2] == "6 create, 1 update, 1 migration."
    assert lines[-1] == "Next: pytest tests/test_reviews.py"
    assert (in_project / "app/models/reviews.py").is_file()


def test_a_batch_is_summed_up_per_folder(in_project: Path) -> None:
    names = [f"item{n}s" for n in range(8)]
    for name in names:
        spec = GOOD.replace("resource: review", f"resource: {name}")
        (in_project / f"specs/{name}.yaml").write_text(spec, encoding="utf-8")
    result = scaffold("resource", *names)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Generated 8 resources: item0s, item1s, item2s, …, item7s (fastapi)"
    models = next(i for i, line in enumerate(lines) if line.endswith("models/"))
    assert lines[models + 1].endswith("create    8 files")
    assert lines[-2] == "48 create, 1 update, 1 migration."
    assert lines[-1] == "Next: pytest"


def test_resource_with_a_bad_spec_exits_2_with_located_messages(in_project: Path) -> None:
    (in_project / "specs/reviews.yaml").write_text(BAD, encoding="utf-8")
    result = scaffold("resource", "reviews")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == BAD_MESSAGES
    assert result.stdout == ""
    no_traceback(result)
    assert not (in_project / "app/models/reviews.py").exists()


def test_resource_bad_spec_as_json(in_project: Path) -> None:
    (in_project / "specs/reviews.yaml").write_text(BAD, encoding="utf-8")
    result = scaffold("resource", "reviews", "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["error"].splitlines() == BAD_MESSAGES
    assert data["diagnostics"][0] == {
        "path": "specs/reviews.yaml",
        "line": 2,
        "column": 10,
        "message": "unknown type 'strng'; did you mean 'string'?",
    }
    assert len(data["diagnostics"]) == 2


def spec_of(name: str, extra: str = "") -> str:
    return f"resource: {name}\nfields:\n  name: {{type: string, max_length: 80}}\n{extra}"


def test_a_batch_lists_every_bad_spec_and_says_the_others_are_valid(in_project: Path) -> None:
    specs = in_project / "specs"
    for name in ("course", "lesson", "tag"):
        (specs / f"{name}s.yaml").write_text(spec_of(name), encoding="utf-8")
    (specs / "reviews.yaml").write_text(BAD, encoding="utf-8")
    bad_ref = spec_of("badge", "  owner: {type: ref, to: nobody}\n")
    (specs / "badges.yaml").write_text(bad_ref, encoding="utf-8")
    before = sorted(p.relative_to(in_project) for p in in_project.rglob("*"))

    result = scaffold("resource", "--all")

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "specs/badges.yaml:4:26: ref to unknown resource 'nobody'; write specs/nobodies.yaml"
        " and generate it too (known: badges, courses, lessons, tags)",
        *BAD_MESSAGES,
        "Nothing was written: 2 of 5 specs have errors (above); the other 3 are valid.",
    ]
    assert result.stdout == ""
    no_traceback(result)
    assert sorted(p.relative_to(in_project) for p in in_project.rglob("*")) == before

    as_json = scaffold("resource", "--all", "--json")
    data = json.loads(as_json.stdout)
    assert [d["path"] for d in data["diagnostics"]] == [
        "specs/badges.yaml",
        *["specs/reviews.yaml"] * 2,
    ]
    assert data["error"].splitlines()[-1] == result.stderr.splitlines()[-1]


def test_a_batch_does_not_check_a_spec_whose_ref_has_errors(in_project: Path) -> None:
    specs = in_project / "specs"
    (specs / "courses.yaml").write_text(spec_of("course"), encoding="utf-8")
    (specs / "reviews.yaml").write_text(BAD, encoding="utf-8")
    (specs / "ratings.yaml").write_text(spec_of("rating", "  review: ref\n"), encoding="utf-8")

    result = scaffold("resource", "--all")

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        *BAD_MESSAGES,  # not "ref to unknown resource 'review'"
        "Nothing was written: 1 of 3 specs has errors (above); 1 is valid; specs/ratings.yaml"
        " refers to a spec with errors, so it is checked once that one is fixed.",
    ]


def test_resource_as_json(in_project: Path) -> None:
    result = scaffold("resource", "review", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["written"] is True
    assert data["resources"] == ["reviews"]
    assert data["starter_specs"] == ["specs/reviews.yaml"]
    by_path = {f["path"]: f for f in data["files"]}
    assert by_path["app/models/reviews.py"] == {
        "path": "app/models/reviews.py",
        "action": "create",
        "source": "specs/reviews.yaml",
        "conflicts": [],
    }
    assert by_path["app/routes.py"]["source"] == "wiring"


def test_resource_dry_run_as_json_writes_nothing(in_project: Path) -> None:
    result = scaffold("resource", "reviews", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["written"] is False
    assert not (in_project / "specs/reviews.yaml").exists()


def test_a_conflict_exits_1_and_names_the_file(in_project: Path) -> None:
    (in_project / "app/models/reviews.py").write_text("# mine\n", encoding="utf-8")
    result = scaffold("resource", "reviews")
    assert result.exit_code == 1
    assert "conflict" in result.stderr and "app/models/reviews.py" in result.stderr
    assert (in_project / "app/models/reviews.py").read_text(encoding="utf-8") == "# mine\n"


def test_a_dry_run_with_force_conflicts_says_what_it_would_write(in_project: Path) -> None:
    spec = in_project / "specs/notes.yaml"
    spec.write_text("fields:\n  title: string\n", encoding="utf-8")
    assert scaffold("resource", "notes").exit_code == 0
    model = in_project / "app/models/notes.py"
    mine = model.read_text(encoding="utf-8").replace("String(255)", "String(250)")
    model.write_text(mine, encoding="utf-8")
    spec.write_text("fields:\n  title: {type: string, max_length: 200}\n", encoding="utf-8")

    result = scaffold("resource", "notes", "--dry-run", "--force-conflicts")

    assert result.exit_code == 1
    assert "would be written with conflict markers" in result.stderr, result.stderr
    assert model.read_text(encoding="utf-8") == mine
    assert (
        "written with conflict markers" in scaffold("resource", "notes", "--force-conflicts").stderr
    )
    assert "<<<<<<< yours" in model.read_text(encoding="utf-8")


def test_conflict_markers_left_in_a_file_are_reported_not_kept(in_project: Path) -> None:
    assert scaffold("resource", "reviews").exit_code == 0
    model = in_project / "app/models/reviews.py"
    marked = (
        model.read_text(encoding="utf-8")
        + "<<<<<<< yours\nA = 1\n=======\nA = 2\n>>>>>>> scaffold\n"
    )
    model.write_text(marked, encoding="utf-8")
    start = marked.splitlines().index("<<<<<<< yours") + 1

    result = scaffold("resource", "reviews")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"conflict app/models/reviews.py: not resolved: conflict markers at line(s) {start}"
        " (keep what you want between them and delete the marker lines); left as you had it"
    ]
    assert "kept" not in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "Next: resolve the conflicts above, then run the same command again."
    )
    assert model.read_text(encoding="utf-8") == marked
    quiet = scaffold("resource", "reviews", "--dry-run", "-q")
    assert quiet.exit_code == 1 and quiet.stdout == ""  # no tree, no diffs
    assert quiet.stderr == result.stderr


@pytest.mark.parametrize("as_json", [False, True])
def test_outside_a_project_exits_2_with_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    result = scaffold("resource", "reviews", *(["--json"] if as_json else []))
    assert result.exit_code == 2
    no_traceback(result)
    if as_json:
        data = json.loads(result.stdout)
        assert data["ok"] is False and data["diagnostics"] == []
        message = data["error"]
    else:
        [message] = result.stderr.splitlines()
        message = message.removeprefix("error: ")
    assert "not inside a scaffold project" in message
    assert "\n" not in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "error: give a resource name (scaffold resource reviews), or --all"),
        (["reviews", "--all"], "error: give resource names or --all, not both"),
        (["--all"], "error: --all: no spec files (*.yaml) in specs/"),
    ],
    ids=["neither", "both", "no-specs"],
)
def test_resource_needs_names_or_all(in_project: Path, args: list[str], message: str) -> None:
    for spec in (in_project / "specs").glob("*.y*ml"):
        spec.unlink()
    result = scaffold("resource", *args)
    assert result.exit_code == 2
    no_traceback(result)
    assert result.stderr.strip() == message


def test_a_name_that_is_not_a_word_exits_2(in_project: Path) -> None:
    result = scaffold("resource", "2 reviews!")
    assert result.exit_code == 2
    no_traceback(result)
    assert result.stderr.startswith("error: '2 reviews!' is not a resource name")


def test_destroy_moves_the_spec_aside_so_all_does_not_bring_it_back(in_project: Path) -> None:
    assert scaffold("resource", "reviews", "courses").exit_code == 0
    spec = (in_project / "specs/reviews.yaml").read_text(encoding="utf-8")

    dry = scaffold("destroy", "reviews", "--dry-run")
    assert "  move       specs/reviews.yaml to specs/.destroyed/reviews.yaml" in dry.stdout
    assert "Would move the spec aside" in dry.stdout
    assert (in_project / "specs/reviews.yaml").is_file()

    result = scaffold("destroy", "reviews")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  move       specs/reviews.yaml to specs/.destroyed/reviews.yaml" in lines
    assert lines[-1] == (
        "Moved the spec aside so `scaffold resource --all` does not bring reviews back; to"
        " generate it again, move specs/.destroyed/reviews.yaml back to specs/ and run"
        " `scaffold resource reviews`."
    )
    assert not (in_project / "specs/reviews.yaml").exists()
    assert (in_project / "specs/.destroyed/reviews.yaml").read_text(encoding="utf-8") == spec

    again = scaffold("resource", "--all")
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == "Generated courses (fastapi)"
    assert not (in_project / "app/services/reviews.py").exists()


def test_destroy_updates_the_parents_that_knew_the_child(in_project: Path) -> None:
    (in_project / "specs/courses.yaml").write_text(
        "resource: course\nfields:\n  title: string\nsoft_delete: true\n", encoding="utf-8"
    )
    (in_project / "specs/flags.yaml").write_text(
        "resource: flag\nfields:\n  course: ref\n  reason: string\n", encoding="utf-8"
    )
    assert scaffold("resource", "courses", "flags").exit_code == 0
    # A soft delete checks the children that restrict it itself.
    assert "app.models.flags" in (in_project / "app/repositories/courses.py").read_text()

    result = scaffold("destroy", "flags")

    assert result.exit_code == 0, result.output
    assert "  update     app/repositories/courses.py" in result.stdout.splitlines()
    assert "flags" not in (in_project / "app/repositories/courses.py").read_text()
    assert "flags" not in (in_project / "app/services/courses.py").read_text()


def test_destroy_as_json_says_where_the_spec_went(in_project: Path) -> None:
    assert scaffold("resource", "reviews").exit_code == 0
    assert scaffold("destroy", "reviews").exit_code == 0
    assert scaffold("resource", "reviews").exit_code == 0  # a new starter spec
    result = scaffold("destroy", "reviews", "--json")
    assert result.exit_code == 0, result.output
    # A spec put aside before is not replaced: the second goes beside it.
    assert json.loads(result.stdout)["moved_specs"] == [
        {"from": "specs/reviews.yaml", "to": "specs/.destroyed/reviews-2.yaml"}
    ]
    assert sorted(p.name for p in (in_project / "specs/.destroyed").iterdir()) == [
        "reviews-2.yaml",
        "reviews.yaml",
    ]


def test_validate_good_specs(in_project: Path) -> None:
    (in_project / "specs/reviews.yaml").write_text(GOOD, encoding="utf-8")
    (in_project / "specs/courses.yaml").write_text("fields: {name: string}\n", encoding="utf-8")
    result = scaffold("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2 spec(s) valid: specs/courses.yaml, specs/reviews.yaml\n"

    as_json = scaffold("validate", "specs/reviews.yaml", "--json")
    assert json.loads(as_json.stdout) == {
        "ok": True,
        "checked": ["specs/reviews.yaml"],
        "diagnostics": [],
    }


def test_validate_reports_every_bad_spec(in_project: Path) -> None:
    (in_project / "specs/reviews.yaml").write_text(BAD, encoding="utf-8")
    (in_project / "specs/courses.yaml").write_text("fields: {id: string}\n", encoding="utf-8")
    result = scaffold("validate", "specs")
    assert result.exit_code == 2
    no_traceback(result)
    assert result.stderr.splitlines() == [
        "specs/courses.yaml:1:10: field 'id' clashes with the generated `id` field",
        *BAD_MESSAGES,
    ]


def test_validate_reports_a_ref_only_where_no_spec_stands(in_project: Path) -> None:
    lines = "fields:\n  course: ref\n  teacher: ref\n"
    (in_project / "specs/lessons.yaml").write_text(lines, encoding="utf-8")
    (in_project / "specs/courses.yaml").write_text("fields: {id: string}\n", encoding="utf-8")
    result = scaffold("validate", "specs/lessons.yaml")
    # courses.yaml stands beside it (broken, but validated on its own); teachers.yaml does not.
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "specs/lessons.yaml:3:12: ref to unknown resource 'teacher' (no teachers.yaml)"
    ]


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        # A name whose files the project already has.
        (
            {"types": "fields: {name: string}\n"},
            "specs/types.yaml:1:1: `types` cannot be a resource in this project: it would write",
        ),
        # Required refs that go round: no first record could be made.
        (
            {
                "teams": "fields:\n  captain: {type: ref, to: member}\n",
                "members": "fields:\n  team: ref\n",
            },
            "specs/members.yaml:2:3: these required refs lead back to members",
        ),
    ],
    ids=["project-file", "required-cycle"],
)
def test_validate_refuses_what_resource_refuses(
    in_project: Path, specs: dict[str, str], message: str
) -> None:
    for plural, text in specs.items():
        (in_project / f"specs/{plural}.yaml").write_text(text, encoding="utf-8")
    validated = scaffold("validate")
    generated = scaffold("resource", "--all", "--dry-run")
    assert (validated.exit_code, generated.exit_code) == (2, 2)
    assert validated.stderr.startswith(message), validated.stderr
    assert generated.stderr.startswith(message), generated.stderr
    assert "Nothing was written" not in validated.stderr  # validate writes nothing anyway


def test_validate_a_missing_path(in_project: Path) -> None:
    result = scaffold("validate", "specs/nope.yaml")
    assert result.exit_code == 2
    assert result.stderr == "error: specs/nope.yaml: no such file or folder\n"


def test_validate_an_impossible_unquoted_date(in_project: Path) -> None:
    text = "fields:\n  day: {type: date, default: 2024-13-01}\n"
    (in_project / "specs/reviews.yaml").write_text(text, encoding="utf-8")
    result = scaffold("validate")
    assert result.exit_code == 2
    assert result.stderr.startswith("specs/reviews.yaml:2:")


def test_schema_is_json_schema_of_the_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # works anywhere
    result = scaffold("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) >= {"resource", "fields", "pagination", "timestamps"}
    field = schema["$defs"]["FieldSpec"]
    assert field["properties"]["type"]["enum"] == list(FIELD_TYPES)
    assert set(FIELD_TYPES) >= {  # the registry may grow, never lose one
        "string",
        "text",
        "integer",
        "float",
        "boolean",
        "date",
        "datetime",
        "uuid",
        "email",
        "enum",
        "bigint",
        "decimal",
        "url",
        "json",
        "ref",
    }
    assert field["additionalProperties"] is False
    assert allows_a_string(schema, schema["properties"]["description"])
    assert not allows_a_string(schema, schema["properties"]["timestamps"])


def allows_a_string(schema: dict, node: dict) -> bool:
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    branches = node.get("anyOf", []) + node.get("oneOf", [])
    return node.get("type") == "string" or any(allows_a_string(schema, b) for b in branches)


def test_schema_allows_the_type_shorthand() -> None:
    schema = json.loads(scaffold("schema").stdout)
    assert allows_a_string(schema, schema["properties"]["fields"]["additionalProperties"])


def test_schema_does_not_require_resource() -> None:
    schema = json.loads(scaffold("schema").stdout)
    assert "resource" not in schema.get("required", [])


def test_new_as_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = scaffold("new", "My Shop", "--no-input", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": True, "project": "My Shop", "stack": "fastapi"}
    assert (tmp_path / "My Shop" / "scaffold.toml").is_file()
    assert 'name = "my-shop"' in (tmp_path / "My Shop" / "pyproject.toml").read_text()


@pytest.fixture
def tools_venv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This scaffold as if installed in a venv of its own, tools/bin/ (beside its python)."""
    bin_dir = tmp_path / "tools" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "scaffold").write_text("#!/bin/sh\n", encoding="utf-8")
    (bin_dir / "scaffold").chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python"))
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.chdir(tmp_path)
    return bin_dir


def next_steps(output: str) -> list[str]:
    return output.splitlines()[output.splitlines().index("Next:") + 1 :]


def test_new_says_to_run_this_scaffold_by_its_path_not_from_the_projects_venv(
    tools_venv: Path,
) -> None:
    result = scaffold("new", "shop", "--no-input")
    assert result.exit_code == 0, result.output
    scaffold_line = f"  {tools_venv / 'scaffold'} resource reviews"
    assert next_steps(result.stdout) == [
        "  cd shop",
        "  python -m venv .venv && . .venv/bin/activate && pip install -e '.[dev]'",
        f"{scaffold_line}  # writes specs/reviews.yaml, then generates",
        f"{'  python -m app --reload':<{len(scaffold_line)}}  # http://127.0.0.1:8000/docs",
        "pytest and the app run in the project's venv; scaffold is not installed there:"
        " run it as above, the one that made this project.",
    ]


def test_new_says_scaffold_when_this_one_is_on_the_path(
    tools_venv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", f"{tools_venv}{os.pathsep}{os.environ['PATH']}")
    result = scaffold("new", "shop", "--no-input")
    assert next_steps(result.stdout)[2].split("#")[0].strip() == "scaffold resource reviews"
    # On the PATH only because its venv is active: activating the project's venv drops it.
    monkeypatch.setenv("VIRTUAL_ENV", str(tools_venv.parent))
    result = scaffold("new", "shop2", "--no-input")
    assert next_steps(result.stdout)[2].split("#")[0].strip() == (
        f"{tools_venv / 'scaffold'} resource reviews"
    )


def test_the_project_readme_says_scaffold_is_not_in_its_venv(template_project: Path) -> None:
    readme = " ".join((template_project / "README.md").read_text(encoding="utf-8").split())
    assert "`scaffold`, which generates resources, is not installed in it" in readme
    assert "Run it with the scaffold you made this project with" in readme


def test_new_into_a_folder_that_is_not_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "notes.txt").write_text("mine", encoding="utf-8")
    result = scaffold("new", "shop", "--no-input", "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False and "already exists and is not empty" in data["error"]
    assert [p.name for p in (tmp_path / "shop").iterdir()] == ["notes.txt"]


def test_new_with_an_unknown_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = scaffold("new", "shop", "--stack", "rails", "--no-input")
    assert result.exit_code == 2
    assert result.stderr == "error: unknown stack 'rails'; available stacks: fastapi\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["null", "yes", "off"])
def test_a_starter_for_a_word_yaml_reads_as_a_value_is_valid(in_project: Path, name: str) -> None:
    result = scaffold("resource", name, "--dry-run")
    assert result.exit_code == 0, result.output


def test_schema_takes_json_like_every_command() -> None:
    plain = json.loads(scaffold("schema").stdout)
    result = scaffold("schema", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "schema": plain}


def test_a_dropped_column_is_a_warning_that_names_a_likely_rename(in_project: Path) -> None:
    spec = in_project / "specs/notes.yaml"
    spec.write_text("fields:\n  title: string\n  pages: integer\n", encoding="utf-8")
    assert scaffold("resource", "notes").exit_code == 0
    spec.write_text("fields:\n  heading: string\n  pages: integer\n", encoding="utf-8")
    for quiet in ([], ["-q"]):
        result = scaffold("resource", "notes", "--dry-run", *quiet)
        assert result.exit_code == 0, result.output
        assert (
            "drops the column notes.title, and the data in it; if the field was renamed to"
            " heading, edit that revision to rename the column instead"
            in " ".join(result.stderr.split())
        ), result.stderr
    as_json = json.loads(scaffold("resource", "notes", "--json").stdout)
    assert len(as_json["warnings"]) == 1 and "notes.title" in as_json["warnings"][0]
    spec.write_text(
        "fields:\n  heading: string\n  pages: integer\n  more: {type: text, required: false}\n",
        encoding="utf-8",
    )
    assert json.loads(scaffold("resource", "notes", "--json").stdout)["warnings"] == []


@pytest.mark.parametrize("typed", ["crlfs", "betas", "golfs", "golf"])
def test_a_resource_takes_the_plural_typed(in_project: Path, typed: str) -> None:
    plural = typed if typed.endswith("s") else f"{typed}s"
    result = scaffold("resource", typed, "-q")
    assert result.exit_code == 0, result.output
    assert (in_project / f"specs/{plural}.yaml").is_file()
    assert (in_project / f"app/models/{plural}.py").is_file()
    again = scaffold("resource", plural.removesuffix("s"), "--json")  # by the singular too
    assert json.loads(again.stdout)["resources"] == [plural], again.output


def test_a_spec_names_its_plural_and_refs_find_it_by_either_name(in_project: Path) -> None:
    specs = in_project / "specs"
    (specs / "cacti.yaml").write_text("resource: cactus\nplural: cacti\nfields:\n  name: string\n")
    (specs / "pots.yaml").write_text(
        "resource: pot\nfields:\n  cactus: ref\n  spare: {type: ref, to: cacti, required: false}\n"
    )
    result = scaffold("resource", "--all", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["resources"] == ["cacti", "pots"]
    model = (in_project / "app/models/pots.py").read_text()
    assert 'ForeignKey("cacti.id"' in model and "class Pot(Base)" in model
    assert "class Cactus(Base)" in (in_project / "app/models/cacti.py").read_text()
    assert scaffold("validate").exit_code == 0
    destroyed = scaffold("destroy", "pots", "cacti", "--json")
    assert destroyed.exit_code == 0, destroyed.output
    assert not (in_project / "app/models/cacti.py").exists()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("none", "its class would be None, a word Python reserves"),
        ("users", "the project already has users"),
    ],
)
def test_a_typed_name_the_stack_refuses_writes_no_starter_spec(
    in_project: Path, name: str, problem: str
) -> None:
    before = sorted(p.name for p in (in_project / "specs").iterdir())
    result = scaffold("resource", name)
    assert result.exit_code == 2
    assert result.stderr == f"error: {name!r} cannot be a resource in this project: {problem}\n"
    assert sorted(p.name for p in (in_project / "specs").iterdir()) == before
    no_traceback(result)
