"""Writing a plan: every file and the manifest with its bases, all or nothing."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from generator.errors import ScaffoldError
from generator.sync.apply import IGNORED, apply_plan, write_all
from generator.sync.manifest import Manifest, base_path, digest
from generator.sync.plan import Action, plan_files

SOURCE = "specs/reviews.yaml"


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A small project with a generated file, a file to delete and a file nobody touches."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "existing.py").write_text("old = 1\n", encoding="utf-8")
    (tmp_path / "app" / "gone.py").write_text("gone = 1\n", encoding="utf-8")
    (tmp_path / "app" / "mine.py").write_text("mine = 1\n", encoding="utf-8")
    return tmp_path


OUTPUTS: dict[str, str | None] = {
    "app/existing.py": "new = 2\n",
    "app/new/deep/file.py": "deep = 3\n",
    "app/gone.py": None,
    "README.md": "# readme ✓\n",
}
# The journal moved into place; existing: back up + move in; new files: move in; deleted:
# back up.
REPLACES = 6


def test_write_all_writes_replaces_and_deletes(root: Path) -> None:
    write_all(root, OUTPUTS)
    assert files(root) == {
        "app/existing.py": b"new = 2\n",
        "app/new/deep/file.py": b"deep = 3\n",
        "app/mine.py": b"mine = 1\n",
        "README.md": "# readme ✓\n".encode(),
        ".scaffold/.gitignore": IGNORED.encode(),
    }


def test_write_all_leaves_no_staging_behind(root: Path) -> None:
    write_all(root, OUTPUTS)
    assert [p.name for p in (root / ".scaffold").iterdir()] == [".gitignore"]


class FailOnce:
    """os.replace that raises on its ``n``-th call (0-based) and works otherwise."""

    def __init__(self, n: int, error: BaseException) -> None:
        self.n, self.error, self.calls, self.failed = n, error, 0, False
        self.real = os.replace

    def __call__(self, source: object, target: object) -> None:
        call, self.calls = self.calls, self.calls + 1
        if call == self.n:
            self.failed = True
            raise self.error
        self.real(source, target)  # type: ignore[arg-type]


@pytest.mark.parametrize("fail_at", range(REPLACES))
def test_a_failed_move_changes_nothing(
    root: Path, fail_at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = files(root)
    failing = FailOnce(fail_at, OSError(errno.EIO, "Input/output error"))
    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(ScaffoldError) as caught:
        write_all(root, OUTPUTS)
    assert failing.failed
    assert str(caught.value) == "nothing was changed: writing failed (Input/output error)"
    assert files(root) == before
    assert not list(root.glob(".scaffold/staging-*"))


@pytest.mark.parametrize("fail_at", range(REPLACES))
def test_ctrl_c_part_way_changes_nothing(
    root: Path, fail_at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = files(root)
    failing = FailOnce(fail_at, KeyboardInterrupt())
    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(KeyboardInterrupt):
        write_all(root, OUTPUTS)
    assert failing.failed
    assert files(root) == before
    assert not list(root.glob(".scaffold/staging-*"))


def test_the_move_count_above_is_every_move(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counting = FailOnce(-1, OSError())
    monkeypatch.setattr(os, "replace", counting)
    write_all(root, OUTPUTS)
    assert counting.calls == REPLACES


def test_a_full_disk_while_staging_changes_nothing(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = files(root)
    real_fsync = os.fsync
    flushed: list[int] = []

    def fsync(fd: int) -> None:  # a full disk shows when the second staged file is flushed
        if flushed:
            raise OSError(errno.ENOSPC, "No space left on device")
        flushed.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(ScaffoldError, match=r"No space left on device"):
        write_all(root, OUTPUTS)
    assert flushed
    assert files(root) == before
    assert not (root / ".scaffold").exists()


def test_an_unwritable_project_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / ".scaffold").write_text("not a folder", encoding="utf-8")
    with pytest.raises(ScaffoldError, match=r"^cannot write to "):
        write_all(tmp_path, {"a.txt": "a"})
    assert not (tmp_path / "a.txt").exists()


def test_a_failed_write_leaves_no_new_folders(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = folders(root)
    monkeypatch.setattr(os, "replace", FailOnce(REPLACES - 1, OSError(errno.EIO, "I/O")))
    with pytest.raises(ScaffoldError):
        write_all(root, OUTPUTS)
    assert folders(root) == before


def test_apply_plan_writes_files_manifest_and_bases(root: Path) -> None:
    rendered = {
        "app/models/reviews.py": (SOURCE, "class Review: ...\n"),
        "app/routes.py": ("wiring", "routes = []\n"),
        "app/mine.py": (SOURCE, "generated = 1\n"),  # the user's file: a conflict
    }
    manifest = Manifest.load(root)
    plan = plan_files(root, rendered, manifest)
    assert [c.action for c in plan.changes] == [Action.CONFLICT, Action.CREATE, Action.CREATE]
    manifest.resources["reviews"] = SOURCE

    apply_plan(root, plan, manifest, extra={"specs/reviews.yaml": "fields: {t: string}\n"})

    assert (root / "app/models/reviews.py").read_text(encoding="utf-8") == "class Review: ...\n"
    assert (root / "app/routes.py").read_text(encoding="utf-8") == "routes = []\n"
    assert (root / "app/mine.py").read_text(encoding="utf-8") == "mine = 1\n"
    assert (root / "specs/reviews.yaml").read_text(encoding="utf-8") == "fields: {t: string}\n"
    for path in ("app/models/reviews.py", "app/routes.py"):
        assert (root / ".scaffold/base" / f"{path}.base").read_text() == rendered[path][1]
    assert not (root / base_path("app/mine.py")).exists()

    data = json.loads((root / ".scaffold/manifest.json").read_text(encoding="utf-8"))
    assert data["resources"] == {"reviews": SOURCE}
    assert data["files"] == {
        "app/models/reviews.py": {
            "source": SOURCE,
            "sha256": digest("class Review: ...\n"),
            "rendered": "",
        },
        "app/routes.py": {"source": "wiring", "sha256": digest("routes = []\n"), "rendered": ""},
    }
    assert Manifest.load(root).base("app/models/reviews.py") == "class Review: ...\n"


def test_apply_plan_records_the_new_base_of_a_kept_file(root: Path) -> None:
    path = "app/services/reviews.py"
    first = plan_files(root, {path: (SOURCE, "generated\n")}, Manifest.load(root))
    apply_plan(root, first, Manifest.load(root))
    (root / path).write_text("generated\nmy edit\n", encoding="utf-8")

    manifest = Manifest.load(root)
    second = plan_files(root, {path: (SOURCE, "generated\n")}, manifest)
    assert [c.action for c in second.changes] == [Action.KEPT]
    apply_plan(root, second, manifest)
    assert (root / path).read_text(encoding="utf-8") == "generated\nmy edit\n"
    assert Manifest.load(root).base(path) == "generated\n"


def test_apply_plan_keeps_the_old_base_of_a_conflict(root: Path) -> None:
    path = "app/services/reviews.py"
    apply_plan(
        root, plan_files(root, {path: (SOURCE, "a\nb\n")}, Manifest.load(root)), Manifest.load(root)
    )
    (root / path).write_text("a\nmine\n", encoding="utf-8")

    manifest = Manifest.load(root)
    plan = plan_files(root, {path: (SOURCE, "a\ntheirs\n")}, manifest)
    assert [c.action for c in plan.changes] == [Action.CONFLICT]
    apply_plan(root, plan, manifest)
    assert (root / path).read_text(encoding="utf-8") == "a\nmine\n"
    assert Manifest.load(root).base(path) == "a\nb\n"  # so the next run merges again


def test_a_failed_apply_keeps_the_old_manifest(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = "app/services/reviews.py"
    apply_plan(
        root, plan_files(root, {path: (SOURCE, "v1\n")}, Manifest.load(root)), Manifest.load(root)
    )
    before = files(root)

    manifest = Manifest.load(root)
    plan = plan_files(root, {path: (SOURCE, "v2\n"), "app/other.py": (SOURCE, "x\n")}, manifest)
    failing = FailOnce(4, OSError(errno.EIO, "I/O"))
    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(ScaffoldError):
        apply_plan(root, plan, manifest)
    assert failing.failed
    assert files(root) == before
