"""Compare rendered files with the disk and the manifest: what each file needs, nothing written."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import merge3

from generator.sync.containment import check_inside, check_replaceable
from generator.sync.manifest import Manifest, digest


class Action(StrEnum):
    CREATE = "create"  # new file
    UPDATE = "update"  # the user had not touched it: the new text replaces it
    UNCHANGED = "unchanged"  # already what the generator would write
    MERGED = "merged"  # the user's edits and the generator's changes, merged cleanly
    KEPT = "kept"  # edited by the user; the generator has nothing new for it
    CONFLICT = "conflict"  # edits and changes overlap: left as the user had it
    OVERWRITE = "overwrite"  # --force: the user's edits are replaced


WRITES = frozenset({Action.CREATE, Action.UPDATE, Action.MERGED, Action.OVERWRITE})


@dataclass
class FileChange:
    path: str
    action: Action
    source: str  # the spec the file comes from
    new: str  # the generator's text: the next base
    disk: str | None  # what is on disk now
    text: str | None  # what will be written (None: nothing)
    conflict_lines: list[int] = field(default_factory=list)  # 1-based starts of conflicts
    base: str | None = None  # what the decision was made against (None: no record of writing it)
    markers: bool = False  # a conflict because the file still holds conflict markers

    @property
    def writes(self) -> bool:
        return self.text is not None and self.text != self.disk


@dataclass
class Plan:
    changes: list[FileChange]

    @property
    def conflicts(self) -> list[FileChange]:
        return [c for c in self.changes if c.action is Action.CONFLICT]

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action is action)


def plan_files(
    root: Path,
    rendered: dict[str, tuple[str, str]],
    manifest: Manifest,
    *,
    initial_bases: dict[str, str] | None = None,
    force: bool = False,
    force_conflicts: bool = False,
) -> Plan:
    """``rendered`` maps output path -> (source spec, new text). ``initial_bases`` gives the
    base of files the project template wrote before the generator owned them."""
    changes = []
    folders: dict[str, str] = {}
    for path, (source, new) in sorted(rendered.items()):
        check_inside(root, path, f"{source}: the generated file", folders)
        check_replaceable(root, path)
        disk_path = root / path
        disk = disk_path.read_text(encoding="utf-8") if disk_path.is_file() else None
        base = manifest.base(path)
        if base is None and initial_bases:
            base = initial_bases.get(path)
        base = _resolved_base(manifest, path, disk, base)
        changes.append(_decide(path, source, new, disk, base, force, force_conflicts))
    return Plan(changes)


def _resolved_base(manifest: Manifest, path: str, disk: str | None, base: str | None) -> str | None:
    """The base to merge against. After a conflict was reported and nothing written, the
    user's next edit of the file is their resolution: from then on the output that conflicted
    is its base, so the conflict is not reported again. A file put back as it was generated
    (disk == base) is not a resolution: it takes the new output."""
    entry = manifest.files.get(path)
    if entry is None or not entry.pending or disk is None or disk == base:
        return base
    if digest(disk) == entry.disk:  # not touched since the conflict was reported
        return base
    pending = manifest.pending(path)
    return pending if pending is not None else base


def _decide(
    path: str,
    source: str,
    new: str,
    disk: str | None,
    base: str | None,
    force: bool,
    force_conflicts: bool,
) -> FileChange:
    def change(action: Action, text: str | None, lines: list[int] | None = None) -> FileChange:
        return FileChange(path, action, source, new, disk, text, lines or [], base)

    if disk is None:
        return change(Action.CREATE, new)
    if disk == new:
        return change(Action.UNCHANGED, None)
    if force and disk == base:  # nothing of the user's is replaced: a plain update
        return change(Action.UPDATE, new)
    if force:
        return change(Action.OVERWRITE, new)
    if base is None:  # on disk, but not written by the generator
        return change(Action.CONFLICT, None)
    markers = conflict_markers(disk)
    if markers:  # a conflict not resolved yet: neither kept nor merged again
        return FileChange(path, Action.CONFLICT, source, new, disk, None, markers, base, True)
    if disk == base:
        return change(Action.UPDATE, new)
    if new == base:
        return change(Action.KEPT, None)
    merged, conflict_lines = three_way_merge(base, disk, new)
    if not conflict_lines:
        return change(Action.MERGED, merged)
    return change(Action.CONFLICT, merged if force_conflicts else None, conflict_lines)


def three_way_merge(base: str, yours: str, theirs: str) -> tuple[str, list[int]]:
    """Merge the user's text and the generator's new text over their common base. Returns the
    merged text (with conflict markers where they overlap) and where each conflict starts."""
    if yours and not yours.endswith("\n"):  # keep conflict markers on lines of their own
        yours += "\n"
    merger = merge3.Merge3(
        base.splitlines(keepends=True),
        yours.splitlines(keepends=True),
        theirs.splitlines(keepends=True),
    )
    lines = list(merger.merge_lines(name_a="yours", name_b="scaffold", start_marker="<<<<<<<"))
    starts = [n for n, line in enumerate(lines, 1) if line.startswith("<<<<<<< yours")]
    return "".join(lines), starts


def conflict_markers(text: str) -> list[int]:
    """Where each block of conflict markers in ``text`` starts (1-based): a ``<<<<<<<`` line,
    later a ``=======`` line, then a ``>>>>>>>`` line, each marker on a line of its own."""
    starts: list[int] = []
    start = 0  # the line of the open block's <<<<<<<, 0 when none is open
    middle = False
    for number, line in enumerate(text.splitlines(), 1):
        marker, rest = line[:7], line[7:]
        if marker == "<<<<<<<" and rest[:1] in ("", " "):
            start, middle = number, False
        elif start and line.rstrip() == "=======":
            middle = True
        elif start and middle and marker == ">>>>>>>" and rest[:1] in ("", " "):
            starts.append(start)
            start, middle = 0, False
    return starts
