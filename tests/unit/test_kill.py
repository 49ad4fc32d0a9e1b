"""A real `scaffold resource --all` killed at many instants of a 30-resource merge loses
nothing: the next scaffold command undoes the interrupted run before anything else, every
user edit is there, the tree is exactly the one before the run (or after it, once the run
committed) and the manifest agrees with the files.

The kill is deterministic: the test hook SCAFFOLD_TEST_KILL_AFTER=N makes the process
SIGKILL itself at its N-th checkpoint of the write (after the journal is on disk, after
each rename, at the commit; generator/sync/journal.py). By default a spread of instants runs
(a minute or so); SCAFFOLD_EXHAUSTIVE=1 kills at every instant, SCAFFOLD_EXHAUSTIVE=<n> at n
instants spread evenly (docs/regeneration.md).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator.commands.generate import Options, generate_resources
from generator.commands.project import Project
from generator.sync.journal import JOURNAL, KILL_AFTER, KILL_SIGNAL
from generator.sync.manifest import MANIFEST, base_path, digest

RESOURCES = [f"item{n:02d}s" for n in range(1, 31)]
EDIT = "# a user's edit of {path}\n"
RECOVERED = "scaffold: an earlier run was interrupted while writing; it has been undone"
Tree = dict[str, bytes | str | None]  # path -> file bytes, "-> target" for a link, None: folder


def spec(resource: str, extra: bool) -> str:
    fields = "  title: {type: string, max_length: 80}\n"
    if extra:  # the change regenerated over the edits: every resource's files change
        fields += "  note: {type: text, required: false}\n"
    return f"resource: {resource[:-1]}\nfields:\n{fields}"


def tree(root: Path) -> Tree:
    found: Tree = {}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = Path(folder) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = f"-> {os.readlink(path)}"
            elif path.is_dir():
                found[key] = None
            else:
                found[key] = path.read_bytes()
    return found


def scaffold(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=root,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def edited_paths(root: Path) -> list[str]:
    return [f"app/{layer}/{r}.py" for r in RESOURCES for layer in ("models", "validators")]


class Scenario:
    """A project with 30 generated resources, a user's edit in two files of each and every
    spec changed: the run under test merges 60 edited files and updates ~100 others."""

    def __init__(self, folder: Path, template: Path) -> None:
        self.before_root = folder / "before"
        shutil.copytree(template, self.before_root)
        for resource in RESOURCES:
            (self.before_root / "specs" / f"{resource}.yaml").write_text(spec(resource, False))
        generate_resources(Project.find(self.before_root), RESOURCES, Options())
        for path in edited_paths(self.before_root):
            with open(self.before_root / path, "a", encoding="utf-8") as file:
                file.write(EDIT.format(path=path))
        for resource in RESOURCES:
            (self.before_root / "specs" / f"{resource}.yaml").write_text(spec(resource, True))
        self.before = tree(self.before_root)

        after_root = self.copy(folder / "after")
        done = scaffold(after_root, "resource", "--all", "-q")
        assert done.returncode == 0, done.stderr
        self.after = tree(after_root)
        merged = [p for p in edited_paths(after_root) if self.after[p] != self.before[p]]
        assert len(merged) == len(edited_paths(after_root))  # every edited file is merged

        # The run's journal, caught by a kill right after it is written, gives the count of
        # checkpoints: the journal, one per rename, the commit.
        probe = self.copy(folder / "probe")
        killed = scaffold(probe, "resource", "--all", "-q", **{KILL_AFTER: "1"})
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        moves = json.loads((probe / JOURNAL).read_text(encoding="utf-8"))["moves"]
        renames = sum(m["existed"] for m in moves) + sum(m["writes"] for m in moves)
        self.checkpoints = 1 + renames + 1
        assert self.checkpoints > 300

    def copy(self, destination: Path) -> Path:
        shutil.copytree(self.before_root, destination, symlinks=True)
        return destination


@pytest.fixture(scope="module")
def scenario(template_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return Scenario(tmp_path_factory.mktemp("kill"), template_project)


def kill_points() -> list[str]:
    """Which checkpoints to kill at, as fractions of the run ("first", "last", ...) so the
    list is known before the scenario is built."""
    value = os.environ.get("SCAFFOLD_EXHAUSTIVE", "")
    if value not in ("", "0"):
        count = 0 if value == "1" else int(value)
        return [f"all:{count}"]
    return ["1", "0.25", "0.5", "0.75", "-1", "-0"]


def resolve(point: str, total: int) -> list[int]:
    if point.startswith("all:"):
        count = int(point[4:]) or total
        return sorted({1 + round(i * (total - 1) / max(count - 1, 1)) for i in range(count)})
    if point.startswith("-"):
        return [total - int(point[1:])]
    if "." in point:
        return [max(1, round(float(point) * total))]
    return [int(point)]


def assert_consistent(root: Path, scenario: Scenario) -> None:
    """Every edit present; the tree is the one before the run or after it; the manifest's
    hashes are those of its bases, and each file is its base or holds the user's edit."""
    now = tree(root)
    assert now in (scenario.before, scenario.after), _difference(now, scenario)
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    for path, entry in manifest["files"].items():
        base = (root / base_path(path)).read_text(encoding="utf-8")
        assert digest(base) == entry["sha256"], path
        disk = (root / path).read_text(encoding="utf-8")
        assert disk == base or EDIT.format(path=path) in disk, path
    for path in edited_paths(root):
        assert EDIT.format(path=path) in (root / path).read_text(encoding="utf-8")


def _difference(now: Tree, scenario: Scenario) -> str:
    def changed(other: Tree) -> list[str]:
        return sorted(k for k in now.keys() | other.keys() if now.get(k, 0) != other.get(k, 0))

    before, after = changed(scenario.before)[:5], changed(scenario.after)[:5]
    return f"differs from before at {before}, after at {after}"


@pytest.mark.parametrize("point", kill_points())
def test_a_kill_at_any_instant_loses_nothing(
    scenario: Scenario, tmp_path: Path, point: str
) -> None:
    for n in resolve(point, scenario.checkpoints):
        root = scenario.copy(tmp_path / f"at-{n}")
        killed = scaffold(root, "resource", "--all", "-q", **{KILL_AFTER: str(n)})
        assert killed.returncode == -signal.SIGKILL, (n, killed.stderr)

        # Any command recovers first: here one that then fails at once (no such resource).
        recovered = scaffold(root, "destroy", "nothing")
        assert recovered.returncode == 2, recovered.stderr
        first = recovered.stderr.splitlines()[0]
        if n < scenario.checkpoints:  # before the commit: undone
            assert first.startswith(RECOVERED), first
            assert tree(root) == scenario.before, _difference(tree(root), scenario)
        else:  # killed after the commit: the run's files stand; its staging folder goes
            assert first.startswith("scaffold: removed the staging folder"), first
            assert tree(root) == scenario.after, _difference(tree(root), scenario)
        assert_consistent(root, scenario)
        shutil.rmtree(root)


def test_the_run_after_a_kill_writes_what_an_uninterrupted_run_writes(
    scenario: Scenario, tmp_path: Path
) -> None:
    root = scenario.copy(tmp_path / "project")
    killed = scaffold(root, "resource", "--all", "-q", **{KILL_AFTER: "200"})
    assert killed.returncode == -signal.SIGKILL
    again = scaffold(root, "resource", "--all", "-q")
    assert again.returncode == 0, again.stderr
    assert again.stderr.startswith(RECOVERED)
    assert tree(root) == scenario.after, _difference(tree(root), scenario)


def test_a_kill_while_undoing_is_undone_by_the_next_run(scenario: Scenario, tmp_path: Path) -> None:
    root = scenario.copy(tmp_path / "project")
    half = scenario.checkpoints // 2
    assert scaffold(root, "resource", "--all", "-q", **{KILL_AFTER: str(half)}).returncode < 0
    undoing = scaffold(root, "destroy", "nothing", **{KILL_AFTER: "40"})  # 40 files put back
    assert undoing.returncode == -signal.SIGKILL, undoing.stderr
    assert (root / JOURNAL).exists()
    recovered = scaffold(root, "destroy", "nothing")
    assert recovered.stderr.startswith(RECOVERED), recovered.stderr
    assert tree(root) == scenario.before, _difference(tree(root), scenario)
    assert_consistent(root, scenario)


@pytest.mark.parametrize("fraction", [0.6])
def test_sigterm_rolls_back_at_once(scenario: Scenario, tmp_path: Path, fraction: float) -> None:
    root = scenario.copy(tmp_path / "project")
    at = str(round(fraction * scenario.checkpoints))
    stopped = scaffold(root, "resource", "--all", "-q", **{KILL_AFTER: at, KILL_SIGNAL: "TERM"})
    assert stopped.returncode == 2, stopped.stderr
    assert stopped.stderr == "error: interrupted; nothing was changed\n"
    assert tree(root) == scenario.before, _difference(tree(root), scenario)
    assert_consistent(root, scenario)
