"""The journal of a write in progress, .scaffold/journal.json: what a run is about to move
into place, written and flushed to disk before its first rename and removed after its last
(the commit). A run killed in between (SIGKILL, power loss) leaves the journal behind; the
next scaffold command finds it and undoes the run from it, so no kill at any instant loses
a file or leaves the manifest disagreeing with the files.

Each move of a target is: the file that stood there (if any) is renamed into the staging
folder's backup/, then the new text (if any) is renamed from its new/ into place. Undoing
needs no record of how far the run got: a backup that exists goes back; a target that did
not exist before the run goes away.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.errors import ScaffoldError
from generator.sync.containment import outside_reason
from generator.sync.manifest import STATE_DIR

JOURNAL = f"{STATE_DIR}/journal.json"
STAGING_PREFIX = "staging-"
STAGING = re.compile(rf"{re.escape(STATE_DIR)}/{STAGING_PREFIX}[A-Za-z0-9_]+")
VERSION = 1

# Test hook: SIGKILL (or SCAFFOLD_TEST_KILL_SIGNAL, e.g. TERM) this process at its N-th
# checkpoint (1-based): after the journal is written, after each rename, at the commit.
KILL_AFTER = "SCAFFOLD_TEST_KILL_AFTER"
KILL_SIGNAL = "SCAFFOLD_TEST_KILL_SIGNAL"
_checkpoints = 0


def checkpoint() -> None:
    """One step of a write is on disk; the test hook may kill the process here."""
    global _checkpoints
    _checkpoints += 1
    after = os.environ.get(KILL_AFTER)
    if after and _checkpoints == int(after):
        name = os.environ.get(KILL_SIGNAL, "KILL")
        os.kill(os.getpid(), signal.Signals[f"SIG{name}"])


@dataclass
class Move:
    path: str  # the target, relative to the project
    existed: bool  # a file stood there before the run: it goes to the backup first
    writes: bool  # a new text is moved in (False: the file is deleted)


@dataclass
class Journal:
    staging: str  # .scaffold/staging-…, relative to the project: new/ and backup/
    moves: list[Move]
    folders: list[str] = field(default_factory=list)  # made by the run, parents first

    def new(self, root: Path, move: Move) -> Path:
        return root / self.staging / "new" / move.path

    def backup(self, root: Path, move: Move) -> Path:
        return root / self.staging / "backup" / move.path

    def begin(self, root: Path) -> None:
        """Put the journal on disk (flushed, then renamed into place) before the first move."""
        data = {"version": VERSION, **asdict(self)}
        temporary = root / f"{JOURNAL}.tmp"
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=1)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, root / JOURNAL)
        sync_folder(root / STATE_DIR)

    def commit(self, root: Path) -> None:
        """Every move is done: make them durable, then remove the journal (the commit)."""
        self._sync_targets(root)
        end(root)

    def roll_back(self, root: Path) -> int:
        """Put back what stood before the run, from any point of it (or of an earlier roll
        back); remove the journal. Returns how many targets it changed."""
        changed = 0
        for move in reversed(self.moves):
            target, backup = root / move.path, self.backup(root, move)
            if move.existed and os.path.lexists(backup):
                os.replace(backup, target)
            elif not move.existed and move.writes and _is_file(target):
                target.unlink()  # nothing stood here before the run: its new file goes
            else:
                continue
            changed += 1
            checkpoint()
        for folder in reversed(self.folders):
            with contextlib.suppress(OSError):
                (root / folder).rmdir()
        self._sync_targets(root)
        shutil.rmtree(root / self.staging, ignore_errors=True)
        end(root)
        return changed

    def _sync_targets(self, root: Path) -> None:
        for folder in sorted({(root / m.path).parent for m in self.moves}):
            sync_folder(folder)

    @classmethod
    def load(cls, root: Path) -> Journal:
        try:
            data = json.loads((root / JOURNAL).read_text(encoding="utf-8"))
            journal = cls(
                data["staging"],
                [Move(m["path"], bool(m["existed"]), bool(m["writes"])) for m in data["moves"]],
                list(data["folders"]),
            )
            valid = data["version"] == VERSION and STAGING.fullmatch(journal.staging)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise JournalError(f"cannot be read ({error})") from None
        if not valid:
            raise JournalError("is not one this scaffold wrote")
        for path in [m.path for m in journal.moves] + journal.folders:
            reason = outside_reason(root, path) if isinstance(path, str) else "is not a path"
            if reason is not None:
                raise JournalError(f"names {path!r}, which {reason}")
        return journal


class JournalError(ScaffoldError):
    def __init__(self, problem: str) -> None:
        super().__init__(
            f"{JOURNAL}: {problem}, so the interrupted run it records cannot be undone"
            " automatically: compare the project with version control, then delete it"
        )


def end(root: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (root / JOURNAL).unlink()
    sync_folder(root / STATE_DIR)


def recover(root: Path) -> str | None:
    """Undo a run that was killed while writing, and clear what it left in .scaffold/.
    Returns one sentence saying what was done, or None when there was nothing to do. Call
    it holding the project lock, before anything else reads the project."""
    state = root / STATE_DIR
    if os.path.lexists(root / JOURNAL):
        journal = Journal.load(root)
        changed = journal.roll_back(root)
        _clear_staging(state)
        return (
            "scaffold: an earlier run was interrupted while writing; it has been undone"
            f" ({changed} of its {len(journal.moves)} file changes put back), so the project"
            " is as it was before that run"
        )
    if _clear_staging(state):
        return (
            "scaffold: removed the staging folder an interrupted run left in .scaffold/"
            " (the project's files are as they were, or as that run finished them)"
        )
    return None


def _clear_staging(state: Path) -> int:
    """Remove staging folders (and a half-written journal) no journal refers to."""
    with contextlib.suppress(FileNotFoundError):
        (state.parent / f"{JOURNAL}.tmp").unlink()
    if not state.is_dir():
        return 0
    found = [p for p in state.glob(f"{STAGING_PREFIX}*") if p.is_dir() and not p.is_symlink()]
    for folder in found:
        shutil.rmtree(folder, ignore_errors=True)
    return len(found)


def _is_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (renames, deletions) to disk; best effort."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
