"""Write a plan all or nothing: stage every file first, then move them into place, rolling
back if anything fails part way (an exception, Ctrl-C, a full disk)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from generator.errors import ScaffoldError
from generator.manifest import (
    MANIFEST,
    STATE_DIR,
    Entry,
    Manifest,
    base_path,
    digest,
    pending_path,
)
from generator.plan import Action, Plan


def apply_plan(
    root: Path,
    plan: Plan,
    manifest: Manifest,
    extra: dict[str, str | None] | None = None,
    fingerprints: dict[str, str] | None = None,
) -> None:
    """Write what the plan writes and record the new bases in the manifest, together with
    ``extra`` files (path -> text, or None to delete), all or nothing. ``fingerprints`` are
    the digests of the unformatted renders, kept so an unchanged render skips formatting."""
    outputs: dict[str, str | None] = dict(extra or {})
    for change in plan.changes:
        if change.writes and change.text is not None:
            outputs[change.path] = change.text
        old = manifest.files.get(change.path)
        if change.action is Action.CONFLICT and change.text is None:
            if change.markers or change.base is None or change.disk is None:
                continue  # unresolved, or never written by scaffold: the record stays as it was
            # Keep the base and remember the output that conflicted, with the file as it is
            # now: once the user edits it, the next run merges against that output instead.
            same_base = old is not None and old.sha256 == digest(change.base)
            manifest.files[change.path] = Entry(
                change.source,
                digest(change.base),
                old.rendered if old is not None and same_base else "",
                pending=digest(change.new),
                disk=digest(change.disk),
            )
            outputs[base_path(change.path)] = change.base
            outputs[pending_path(change.path)] = change.new
            continue
        rendered = (fingerprints or {}).get(change.path, "")
        manifest.files[change.path] = Entry(change.source, digest(change.new), rendered)
        outputs[base_path(change.path)] = change.new
        if old is not None and old.pending:
            outputs[pending_path(change.path)] = None  # the conflict is over
    outputs[MANIFEST] = manifest.to_json()
    write_all(root, outputs)


def write_all(root: Path, outputs: dict[str, str | None]) -> None:
    """Write (or, for None, delete) every file or none. Raises ScaffoldError with one
    sentence on failure."""
    created: list[Path] = []  # folders this write made, removed again on roll back
    try:
        _make_folder(root / STATE_DIR, created)
        staging = Path(tempfile.mkdtemp(prefix="staging-", dir=root / STATE_DIR))
    except OSError as error:
        raise ScaffoldError(f"cannot write to {root}: {error.strerror or error}") from None
    backups = staging / "backup"
    moved: list[tuple[Path, Path | None]] = []  # (target, backup of what it replaced)
    try:
        for relative, text in outputs.items():
            if text is not None:
                staged = staging / "new" / relative
                staged.parent.mkdir(parents=True, exist_ok=True)
                staged.write_text(text, encoding="utf-8")
        for relative, text in outputs.items():
            target = root / relative
            backup = None
            if target.exists():
                backup = backups / relative
                backup.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, backup)
            moved.append((target, backup))
            if text is not None:
                _make_folder(target.parent, created)
                os.replace(staging / "new" / relative, target)
    except BaseException as error:
        _roll_back(moved)
        shutil.rmtree(staging, ignore_errors=True)
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(error, OSError):
            raise ScaffoldError(
                f"nothing was changed: writing failed ({error.strerror or error})"
            ) from None
        raise
    shutil.rmtree(staging, ignore_errors=True)
    _prune(root, [relative for relative, text in outputs.items() if text is None])


def _prune(root: Path, deleted: list[str]) -> None:
    """Remove the folders under .scaffold/ that deleting ``deleted`` left empty."""
    state = root / STATE_DIR
    for relative in deleted:
        folder = (root / relative).parent
        while folder != state and state in folder.parents:
            try:
                folder.rmdir()
            except OSError:  # not empty (or gone): the folders above are not empty either
                break
            folder = folder.parent


def _make_folder(folder: Path, created: list[Path]) -> None:
    """mkdir -p, remembering each folder it made."""
    missing = [f for f in (folder, *folder.parents) if not f.exists()]
    for new in reversed(missing):
        new.mkdir()
        created.append(new)


def _roll_back(moved: list[tuple[Path, Path | None]]) -> None:
    for target, backup in reversed(moved):
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, target)
            elif target.exists():
                target.unlink()
