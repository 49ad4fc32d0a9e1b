"""What regeneration decides for each file, from the disk, the base and the new output."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.sync.manifest import Entry, Manifest, base_path, digest
from generator.sync.plan import Action, FileChange, conflict_markers, plan_files, three_way_merge

PATH = "app/services/reviews.py"
SOURCE = "specs/reviews.yaml"

BASE = "".join(f"line {n}\n" for n in range(1, 11))


def edit(text: str, number: int, new_line: str) -> str:
    """``text`` with its 1-based line ``number`` replaced."""
    lines = text.splitlines(keepends=True)
    lines[number - 1] = new_line + "\n"
    return "".join(lines)


def project(
    root: Path, disk: str | None = None, base: str | None = None, path: str = PATH
) -> Manifest:
    """A project holding ``disk`` at ``path``, generated earlier as ``base``."""
    if disk is not None:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(disk, encoding="utf-8")
    manifest = Manifest(root)
    if base is not None:
        (root / base_path(path)).parent.mkdir(parents=True, exist_ok=True)
        (root / base_path(path)).write_text(base, encoding="utf-8")
        manifest.files[path] = Entry(SOURCE, digest(base))
    return manifest


def decide(root: Path, manifest: Manifest, new: str, **options: bool) -> FileChange:
    [change] = plan_files(root, {PATH: (SOURCE, new)}, manifest, **options).changes
    assert (change.path, change.source, change.new) == (PATH, SOURCE, new)
    return change


def test_create_when_the_file_is_not_there(tmp_path: Path) -> None:
    change = decide(tmp_path, project(tmp_path), BASE)
    assert change.action is Action.CREATE
    assert (change.text, change.disk, change.writes) == (BASE, None, True)


def test_update_when_the_user_did_not_touch_it(tmp_path: Path) -> None:
    new = edit(BASE, 5, "line five")
    change = decide(tmp_path, project(tmp_path, disk=BASE, base=BASE), new)
    assert change.action is Action.UPDATE
    assert change.text == new and change.writes


def test_unchanged_when_the_disk_already_holds_the_output(tmp_path: Path) -> None:
    old_base = edit(BASE, 1, "older")
    change = decide(tmp_path, project(tmp_path, disk=BASE, base=old_base), BASE)
    assert change.action is Action.UNCHANGED
    assert change.text is None and not change.writes


def test_kept_when_only_the_user_changed_it(tmp_path: Path) -> None:
    mine = edit(BASE, 3, "my line")
    change = decide(tmp_path, project(tmp_path, disk=mine, base=BASE), BASE)
    assert change.action is Action.KEPT
    assert change.text is None and not change.writes


def test_merged_when_edits_do_not_overlap(tmp_path: Path) -> None:
    mine = edit(BASE, 2, "my line")
    new = edit(BASE, 9, "generated line")
    change = decide(tmp_path, project(tmp_path, disk=mine, base=BASE), new)
    assert change.action is Action.MERGED
    assert change.text == edit(edit(BASE, 2, "my line"), 9, "generated line")
    assert change.conflict_lines == []


def test_conflict_when_edits_overlap(tmp_path: Path) -> None:
    mine = edit(BASE, 4, "my line")
    new = edit(BASE, 4, "generated line")
    change = decide(tmp_path, project(tmp_path, disk=mine, base=BASE), new)
    assert change.action is Action.CONFLICT
    assert change.text is None and not change.writes
    assert change.conflict_lines == [4]


def test_conflict_lines_count_every_overlap(tmp_path: Path) -> None:
    mine = edit(edit(BASE, 2, "my 2"), 8, "my 8")
    new = edit(edit(BASE, 2, "new 2"), 8, "new 8")
    change = decide(tmp_path, project(tmp_path, disk=mine, base=BASE), new)
    # Markers for the first conflict add 4 lines before the second.
    assert change.conflict_lines == [2, 8 + 4]


def test_force_conflicts_writes_the_merge_with_markers(tmp_path: Path) -> None:
    mine = edit(BASE, 4, "my line")
    new = edit(BASE, 4, "generated line")
    manifest = project(tmp_path, disk=mine, base=BASE)
    change = decide(tmp_path, manifest, new, force_conflicts=True)
    assert change.action is Action.CONFLICT
    assert change.writes
    assert change.text is not None
    lines = change.text.splitlines()
    assert lines[3:8] == [
        "<<<<<<< yours",
        "my line",
        "=======",
        "generated line",
        ">>>>>>> scaffold",
    ]
    assert lines[:3] == BASE.splitlines()[:3] and lines[8:] == BASE.splitlines()[4:]


def test_file_on_disk_not_in_the_manifest_is_a_conflict(tmp_path: Path) -> None:
    manifest = project(tmp_path, disk="my own file\n")
    change = decide(tmp_path, manifest, BASE)
    assert change.action is Action.CONFLICT
    assert change.text is None and not change.writes


def test_force_conflicts_does_not_replace_a_file_scaffold_never_wrote(tmp_path: Path) -> None:
    manifest = project(tmp_path, disk="my own file\n")
    change = decide(tmp_path, manifest, BASE, force_conflicts=True)
    assert change.action is Action.CONFLICT
    assert not change.writes


MARKED = edit(BASE, 4, "<<<<<<< yours\nmy line\n=======\ngenerated line\n>>>>>>> scaffold")


@pytest.mark.parametrize("new", [BASE, edit(BASE, 9, "generated since")])
def test_a_file_with_conflict_markers_is_an_unresolved_conflict(tmp_path: Path, new: str) -> None:
    # Not "kept" (the generator has nothing new) and not merged again (markers in markers).
    manifest = project(tmp_path, disk=MARKED, base=BASE)
    for force_conflicts in (False, True):
        change = decide(tmp_path, manifest, new, force_conflicts=force_conflicts)
        assert (change.action, change.markers, change.conflict_lines) == (
            Action.CONFLICT,
            True,
            [4],
        )
        assert change.text is None and not change.writes


def test_force_overwrites_a_file_with_conflict_markers(tmp_path: Path) -> None:
    change = decide(tmp_path, project(tmp_path, disk=MARKED, base=BASE), BASE, force=True)
    assert change.action is Action.OVERWRITE and change.text == BASE


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("a\n<<<<<<< yours\nb\n=======\nc\n>>>>>>> scaffold\nd\n", [2]),
        ("<<<<<<< HEAD\nb\n||||||| base\nx\n=======\nc\n>>>>>>> branch\n" * 2, [1, 8]),
        ("<<<<<<<\nb\n=======\nc\n>>>>>>>", [1]),
        ("title\n=======\n", []),  # a reStructuredText underline alone
        ("<<<<<<< yours\nb\n>>>>>>> scaffold\n", []),  # no middle
        ("x = '<<<<<<< yours'\n=======\n>>>>>>> scaffold\n", []),  # not at a line start
        ("<<<<<<<< eight\n=======\n>>>>>>> scaffold\n", []),
    ],
)
def test_conflict_markers_are_found_only_as_whole_blocks(text: str, starts: list[int]) -> None:
    assert conflict_markers(text) == starts


def test_a_tampered_base_is_not_trusted(tmp_path: Path) -> None:
    manifest = project(tmp_path, disk=BASE, base=BASE)
    (tmp_path / base_path(PATH)).write_text("someone edited the base\n", encoding="utf-8")
    change = decide(tmp_path, manifest, edit(BASE, 1, "new"))
    assert change.action is Action.CONFLICT


def test_initial_bases_count_for_files_the_template_wrote(tmp_path: Path) -> None:
    manifest = project(tmp_path, disk=BASE)
    new = edit(BASE, 10, "router added")
    change = decide(tmp_path, manifest, new, initial_bases={PATH: BASE})
    assert change.action is Action.UPDATE
    assert change.text == new


def test_initial_bases_merge_a_user_edit_of_a_template_file(tmp_path: Path) -> None:
    manifest = project(tmp_path, disk=edit(BASE, 1, "my import"))
    change = decide(tmp_path, manifest, edit(BASE, 10, "router added"), initial_bases={PATH: BASE})
    assert change.action is Action.MERGED
    assert change.text == edit(edit(BASE, 1, "my import"), 10, "router added")


def test_the_manifest_base_wins_over_the_initial_base(tmp_path: Path) -> None:
    later = edit(BASE, 5, "generated since")
    manifest = project(tmp_path, disk=later, base=later)
    change = decide(tmp_path, manifest, edit(later, 6, "more"), initial_bases={PATH: BASE})
    assert change.action is Action.UPDATE


@pytest.mark.parametrize(
    ("disk", "base"),
    [
        (edit(BASE, 4, "my line"), BASE),  # would conflict
        ("my own file\n", None),  # not written by scaffold
        (edit(BASE, 2, "my line"), BASE),  # would merge
    ],
)
def test_force_overwrites_the_users_edits(tmp_path: Path, disk: str, base: str | None) -> None:
    new = edit(BASE, 4, "generated line")
    change = decide(tmp_path, project(tmp_path, disk=disk, base=base), new, force=True)
    assert change.action is Action.OVERWRITE
    assert change.text == new and change.writes


def test_force_calls_an_unedited_file_an_update(tmp_path: Path) -> None:
    """--force replaces edits; a file nobody edited is updated as without it."""
    new = edit(BASE, 4, "generated line")
    change = decide(tmp_path, project(tmp_path, disk=BASE, base=BASE), new, force=True)
    assert change.action is Action.UPDATE and change.text == new


def test_force_leaves_an_up_to_date_file_unchanged(tmp_path: Path) -> None:
    change = decide(tmp_path, project(tmp_path, disk=BASE, base=BASE), BASE, force=True)
    assert change.action is Action.UNCHANGED


def test_plan_lists_files_in_order_and_counts_actions(tmp_path: Path) -> None:
    manifest = project(tmp_path, disk=edit(BASE, 1, "mine"), base=BASE)
    project(tmp_path, disk="unmanaged\n", path="app/z.py")
    rendered = {
        "tests/test_reviews.py": (SOURCE, "new\n"),
        PATH: (SOURCE, edit(BASE, 1, "theirs")),
        "app/z.py": ("wiring", "generated\n"),
        "app/a.py": (SOURCE, "new\n"),
    }
    plan = plan_files(tmp_path, rendered, manifest)
    assert [c.path for c in plan.changes] == sorted(rendered)
    assert plan.count(Action.CREATE) == 2
    assert plan.count(Action.CONFLICT) == 2
    assert [c.path for c in plan.conflicts] == [PATH, "app/z.py"]


def test_planning_writes_nothing(tmp_path: Path) -> None:
    manifest = project(tmp_path, disk=BASE, base=BASE)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    plan_files(tmp_path, {PATH: (SOURCE, "new\n"), "app/new.py": (SOURCE, "x\n")}, manifest)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / PATH).read_text(encoding="utf-8") == BASE


GENERATED = """\
class ReviewService:
    def __init__(self, session):
        self.session = session

    async def get(self, review_id):
        return await self.repository.get(review_id)

    async def delete(self, review_id):
        await self.repository.delete(review_id)
"""


ARCHIVE = """
    async def archive(self, review_id):
        await self.repository.archive(review_id)
"""


def test_three_way_merge_keeps_user_work_and_takes_the_new_output() -> None:
    yours = (
        GENERATED.replace(
            "return await self.repository.get(review_id)\n",
            "return await self.repository.get(review_id, with_deleted=False)\n",
        )
        + ARCHIVE
    )
    theirs = GENERATED.replace("self.session = session\n", "self.session = session  # new\n")
    merged, conflicts = three_way_merge(GENERATED, yours, theirs)
    assert conflicts == []
    assert "self.session = session  # new\n" in merged
    assert "get(review_id, with_deleted=False)\n" in merged
    assert merged.endswith(ARCHIVE)
    assert merged.count("async def") == 3


def test_three_way_merge_with_identical_changes_is_clean() -> None:
    same = edit(BASE, 3, "same change")
    assert three_way_merge(BASE, same, same) == (same, [])


def test_three_way_merge_reports_where_conflicts_start() -> None:
    merged, conflicts = three_way_merge("a\nb\nc\n", "a\nX\nc\n", "a\nY\nc\n")
    assert merged == "a\n<<<<<<< yours\nX\n=======\nY\n>>>>>>> scaffold\nc\n"
    assert conflicts == [2]


def test_conflict_markers_are_on_their_own_lines_without_a_final_newline() -> None:
    merged, conflicts = three_way_merge("a\nb\n", "a\nX", "a\nY\n")
    assert conflicts == [2]
    assert merged.splitlines()[1:] == ["<<<<<<< yours", "X", "=======", "Y", ">>>>>>> scaffold"]
