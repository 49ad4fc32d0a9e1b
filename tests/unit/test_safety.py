"""Hostile or unlucky projects: something other than a file at a generated path, two runs at
once, a manifest or scaffold.toml that points out of the project, a stack from elsewhere and
a template that tries to reach Python, a damaged manifest. Each is refused with one located
sentence, exit 2, nothing written."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from generator.cli import app
from generator.installation import templates_root
from generator.sync.journal import KILL_AFTER
from generator.sync.lock import WAIT_VARIABLE

GOOD = "resource: review\nfields:\n  title: {type: string, max_length: 80}\n"


def scaffold(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def tree(root: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None
        for p in sorted(root.rglob("*"))
        if not p.is_symlink() and not p.is_fifo()
    }


def refused(result: Result, *parts: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for part in parts:
        assert part in result.stderr, result.stderr


@pytest.fixture
def in_project(project_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(project_root)
    (project_root / "specs/reviews.yaml").write_text(GOOD, encoding="utf-8")
    return project_root


# 1. Never delete or replace what is not a regular file.


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_folder_at_a_generated_path_is_kept_and_the_run_refused(
    in_project: Path, dry_run: bool
) -> None:
    folder = in_project / "tests/test_reviews.py"
    folder.mkdir()
    (folder / "notes.txt").write_text("important\n", encoding="utf-8")
    before = tree(in_project)
    result = scaffold("resource", "reviews", *(["--dry-run"] if dry_run else []))
    refused(
        result,
        "tests/test_reviews.py is a folder, where scaffold would write a file: move or"
        " rename it, then run again (nothing was written)",
    )
    assert tree(in_project) == before


def test_a_symbolic_link_at_a_generated_path_is_refused(in_project: Path) -> None:
    readme = (in_project / "README.md").read_bytes()
    (in_project / "app/models/reviews.py").symlink_to("../../README.md")  # inside the project
    refused(
        scaffold("resource", "reviews"),
        "app/models/reviews.py is a symbolic link (to ../../README.md), where scaffold would",
    )
    assert (in_project / "README.md").read_bytes() == readme
    assert (in_project / "app/models/reviews.py").is_symlink()


def test_a_fifo_at_a_generated_path_is_refused(in_project: Path) -> None:
    os.mkfifo(in_project / "app/models/reviews.py")
    refused(scaffold("resource", "reviews"), "app/models/reviews.py is a named pipe (FIFO)")
    assert (in_project / "app/models/reviews.py").is_fifo()


# 3. One run at a time.


def run(root: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=root,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


HOLD = """
import sys, time
from pathlib import Path
from generator.sync.lock import project_lock
with project_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_second_run_waits_then_refuses_while_another_holds_the_lock(in_project: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(in_project), "30"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        before = tree(in_project)
        started = time.monotonic()
        second = run(in_project, "resource", "reviews", **{WAIT_VARIABLE: "1"})
        _, stderr = second.communicate(timeout=60)
        assert second.returncode == 2, stderr
        assert stderr == (
            f"error: another scaffold run (process {holder.pid}) is changing this project"
            " (.scaffold/lock); waited 1 s for it: run again once it has finished\n"
        )
        assert time.monotonic() - started >= 1
        assert tree(in_project) == before
    finally:
        holder.kill()
        holder.wait()
    # A killed holder frees the lock: the next run goes ahead.
    after = run(in_project, "resource", "reviews", **{WAIT_VARIABLE: "1"})
    assert after.wait(timeout=120) == 0, after.communicate()[1]


def test_two_runs_at_once_both_land(in_project: Path) -> None:
    for name in ("alphas", "gammas"):
        (in_project / f"specs/{name}.yaml").write_text(
            f"resource: {name[:-1]}\nfields:\n  title: string\n", encoding="utf-8"
        )
    runs = [run(in_project, "resource", name, "-q") for name in ("alphas", "gammas")]
    for process in runs:
        assert process.wait(timeout=120) == 0, process.communicate()[1]
    manifest = json.loads((in_project / ".scaffold/manifest.json").read_text(encoding="utf-8"))
    assert {"alphas", "gammas"} <= manifest["resources"].keys()
    routes = (in_project / "app/routes.py").read_text(encoding="utf-8")
    assert "alphas" in routes and "gammas" in routes
    assert not (in_project / ".scaffold/lock").exists()


# 4. Containment.


def test_destroy_never_deletes_a_manifest_entry_outside_the_project(in_project: Path) -> None:
    assert scaffold("resource", "reviews").exit_code == 0
    victim = in_project.parent / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    path = in_project / ".scaffold/manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    entry = manifest["files"]["app/models/reviews.py"]
    manifest["files"]["../victim.txt"] = entry
    path.write_text(json.dumps(manifest), encoding="utf-8")
    before = tree(in_project)
    refused(
        scaffold("destroy", "reviews"),
        """.scaffold/manifest.json: "files" entry '../victim.txt': '../victim.txt' goes up""",
        "restore it from version control",
    )
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert tree(in_project) == before


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('specs = "../elsewhere"', "scaffold.toml:2:1: specs: '../elsewhere' goes up out of"),
        ('specs = "/tmp"', "scaffold.toml:2:1: specs: '/tmp' is an absolute path"),
        ("specs = 3", "scaffold.toml:2:1: expected a folder name"),
    ],
)
def test_scaffold_toml_may_not_point_specs_out_of_the_project(
    in_project: Path, setting: str, message: str
) -> None:
    (in_project / "scaffold.toml").write_text(f'stack = "fastapi"\n{setting}\n', encoding="utf-8")
    before = tree(in_project)
    refused(scaffold("resource", "reviews"), message)
    assert tree(in_project) == before


def test_a_symbolic_link_out_of_the_project_is_never_written_through(
    in_project: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(in_project / "app/models")
    (in_project / "app/models").symlink_to(outside, target_is_directory=True)
    refused(
        scaffold("resource", "reviews"),
        "'app/models/reviews.py' leads through a symbolic link out of the project",
    )
    assert list(outside.iterdir()) == []
    assert not (in_project / "app/controllers/reviews.py").exists()


# 5. Trust: stacks come from the installed generator; templates run in the sandbox.


@pytest.fixture
def own_stack(in_project: Path, tmp_path: Path) -> Path:
    """A copy of the fastapi stack beside the project, named in scaffold.toml by path."""
    stack = tmp_path / "theirs"
    shutil.copytree(templates_root() / "fastapi", stack)
    (in_project / "scaffold.toml").write_text(f'stack = "{stack}"\nspecs = "specs"\n')
    return stack


def test_a_stack_outside_the_installed_ones_needs_trust(in_project: Path, own_stack: Path) -> None:
    before = tree(in_project)
    refused(
        scaffold("resource", "reviews"),
        f"scaffold.toml:1:1: stack '{own_stack}' is a folder, not a stack installed with"
        " scaffold (fastapi)",
        "pass --trust if you trust it",
    )
    assert tree(in_project) == before
    assert scaffold("resource", "reviews", "--trust").exit_code == 0


@pytest.mark.parametrize(
    "payload",
    [
        "{{ self.__init__.__globals__ }}",
        "{{ resource.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.system('touch pwned') }}",
    ],
)
def test_a_template_reaching_for_python_is_a_located_render_error(
    in_project: Path, own_stack: Path, payload: str
) -> None:
    template = own_stack / "resource/app/models/{{plural}}.py.jinja"
    lines = template.read_text(encoding="utf-8").splitlines(keepends=True)
    template.write_text("".join([*lines[:2], payload + "\n", *lines[2:]]), encoding="utf-8")
    before = tree(in_project)
    result = scaffold("resource", "reviews", "--trust")
    refused(result, f"{template}:3: unsafe template: ", "nothing was written")
    assert tree(in_project) == before
    assert not (in_project / "pwned").exists()


# 6. A damaged manifest.


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"version": 1, "files": {', ":1:26: is not valid JSON"),
        ("[]", ": holds a list, not an object"),
        ('{"version": 2, "files": {}}', ": has version 2; this scaffold reads version 1"),
        ('{"version": 1, "files": []}', ': "files" holds a list, not an object'),
        ('{"version": 1, "files": {"a.py": 3}}', """: "files" entry 'a.py' is not what"""),
        (
            '{"version": 1, "files": {"a.py": {"source": 1, "sha256": "x"}}}',
            """: "files" entry 'a.py': "source" is not a string""",
        ),
        (
            '{"version": 1, "files": {"a.py": {"source": "s.yaml", "sha256": "x"}}}',
            """: "files" entry 'a.py': "sha256" is no hash""",
        ),
        ('{"version": 1, "resources": {"a": null}}', """: "resources" entry 'a' is not a"""),
        (
            '{"version": 1, "resources": {"a": "/etc/a.yaml"}}',
            """: "resources" entry 'a': '/etc/a.yaml' is an absolute path""",
        ),
    ],
)
@pytest.mark.parametrize("command", ["resource", "destroy"])
def test_a_corrupt_manifest_names_itself_and_how_to_recover(
    in_project: Path, text: str, problem: str, command: str
) -> None:
    (in_project / ".scaffold/manifest.json").write_text(text, encoding="utf-8")
    before = tree(in_project)
    refused(
        scaffold(command, "reviews"),
        f"error: .scaffold/manifest.json{problem}",
        "restore it from version control (git checkout -- .scaffold/manifest.json)",
    )
    assert tree(in_project) == before


# 7. A kill leaves nothing that git would show.


def test_a_kill_leaves_no_clutter_in_git_status(in_project: Path) -> None:
    assert scaffold("resource", "reviews").exit_code == 0
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=in_project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=in_project, check=True)
    subprocess.run([*git, "commit", "-qm", "generated"], cwd=in_project, check=True)
    (in_project / "specs/reviews.yaml").write_text(GOOD + "  body: text\n", encoding="utf-8")
    killed = run(in_project, "resource", "reviews", **{KILL_AFTER: "1"})
    assert killed.wait(timeout=120) == -signal.SIGKILL
    assert list(in_project.glob(".scaffold/staging-*"))  # left behind, and ignored:
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=in_project, capture_output=True, text=True
    )
    assert status.stdout == " M specs/reviews.yaml\n"


def test_import_into_a_project_takes_the_lock(in_project: Path) -> None:
    document = Path(__file__).parent / "fixtures" / "petstore.yaml"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(in_project), "30"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        before = tree(in_project)
        second = run(in_project, "import", str(document), **{WAIT_VARIABLE: "1"})
        _, stderr = second.communicate(timeout=60)
        assert second.returncode == 2, stderr
        assert "is changing this project (.scaffold/lock)" in stderr
        assert tree(in_project) == before
    finally:
        holder.kill()
        holder.wait()
