"""Write a plan all or nothing: stage every file first, journal the moves, then move them
into place, rolling back if anything fails part way (an exception, Ctrl-C, SIGTERM, a full
disk) or, after a kill, in the next run (generator/sync/journal.py)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from generator.errors import ScaffoldError
from generator.sync.containment import check_inside, check_replaceable
from generator.sync.journal import JOURNAL, STAGING_PREFIX, Journal, Move, checkpoint
from generator.sync.manifest import (
    MANIFEST,
    STATE_DIR,
    Entry,
    Manifest,
    base_path,
    digest,
    pending_path,
)
from generator.sync.plan import Action, Plan


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
        entry = Entry(change.source, digest(change.new), rendered)
        manifest.files[change.path] = entry
        if entry != old or manifest.base(change.path) is None:
            outputs[base_path(change.path)] = change.new  # unchanged bases stay as they are
        if old is not None and old.pending:
            outputs[pending_path(change.path)] = None  # the conflict is over
    outputs[MANIFEST] = manifest.to_json()
    write_all(root, outputs)


def write_all(root: Path, outputs: dict[str, str | None]) -> None:
    """Write (or, for None, delete) every file or none. Raises ScaffoldError with one
    sentence on failure. Every file is staged and flushed first, then a journal is written
    (generator/sync/journal.py) and the files are moved into place: an exception, Ctrl-C or
    SIGTERM rolls back at once; a SIGKILL or power loss is rolled back by the next run."""
    folders: dict[str, str] = {}
    for relative in outputs:
        check_inside(root, relative, "a file this run writes", folders)
        check_replaceable(root, relative)
    made: list[Path] = []  # folders made before the journal (.scaffold/), removed on failure
    ignore: Path | None = None
    journal: Journal | None = None
    staging: Path | None = None
    with _signals_interrupt():
        try:
            try:
                _make_folder(root / STATE_DIR, made)
                ignore = _ignore_work_files(root)
                staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root / STATE_DIR))
            except OSError as error:
                raise ScaffoldError(f"cannot write to {root}: {error.strerror or error}") from None
            journal = _stage(root, staging, outputs)
            journal.begin(root)
            checkpoint()
            for relative in journal.folders:
                (root / relative).mkdir()
            for move in journal.moves:
                target = root / move.path
                if move.existed:
                    backup = journal.backup(root, move)
                    backup.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(target, backup)
                    checkpoint()
                if move.writes:
                    os.replace(journal.new(root, move), target)
                    checkpoint()
            journal.commit(root)
            checkpoint()
        except BaseException as error:
            if journal is not None and (root / JOURNAL).exists():
                journal.roll_back(root)
            elif staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            with contextlib.suppress(OSError):
                (root / f"{JOURNAL}.tmp").unlink()
            if ignore is not None:
                ignore.unlink(missing_ok=True)
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    folder.rmdir()
            if isinstance(error, OSError):
                raise ScaffoldError(
                    f"nothing was changed: writing failed ({error.strerror or error})"
                ) from None
            raise
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    _prune(root, [relative for relative, text in outputs.items() if text is None])


def _stage(root: Path, staging: Path, outputs: dict[str, str | None]) -> Journal:
    """Write every new text under staging/new/, flushed to disk, and the journal that moves
    them into place (not yet written)."""
    journal = Journal(staging.relative_to(root).as_posix(), [])
    missing: set[Path] = set()
    for relative, text in outputs.items():
        target = root / relative
        journal.moves.append(Move(relative, os.path.lexists(target), text is not None))
        if text is None:
            continue
        missing.update(f for f in target.parents if root in f.parents and not f.exists())
        staged = journal.new(root, journal.moves[-1])
        staged.parent.mkdir(parents=True, exist_ok=True)
        with open(staged, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
    journal.folders = sorted((f.relative_to(root).as_posix() for f in missing), key=_depth)
    return journal


def _depth(relative: str) -> tuple[int, str]:
    return relative.count("/"), relative


IGNORED = f"""\
# scaffold's work files while it writes (removed when it is done, or by the next run)
/lock
/{JOURNAL.removeprefix(STATE_DIR + "/")}
/{JOURNAL.removeprefix(STATE_DIR + "/")}.tmp
/{STAGING_PREFIX}*/
"""


def _ignore_work_files(root: Path) -> Path | None:
    """Write .scaffold/.gitignore if it is missing, so git never shows the lock, the journal
    or a staging folder. Returns its path when this call wrote it."""
    path = root / STATE_DIR / ".gitignore"
    if os.path.lexists(path):
        return None
    path.write_text(IGNORED, encoding="utf-8")
    return path


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt, like Ctrl-C, so the write rolls back."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    saved = {s: signal.signal(s, interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


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
