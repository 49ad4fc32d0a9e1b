"""What the generator wrote, kept in the project under .scaffold/ so regeneration can merge.

.scaffold/manifest.json lists each generated file with the spec it came from and the hash of
what was written; .scaffold/base/<path>.base holds that text (the base of a three-way merge;
the suffix keeps linters, formatters and test runners away from it). While a conflict is open
(reported, nothing written), .scaffold/pending/<path>.base holds the output that conflicted:
once the user edits the file, that edit is their resolution and that output its base.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

STATE_DIR = ".scaffold"
MANIFEST = f"{STATE_DIR}/manifest.json"
BASE_DIR = f"{STATE_DIR}/base"
PENDING_DIR = f"{STATE_DIR}/pending"
BASE_SUFFIX = ".base"


def base_path(path: str) -> str:
    """Where the base of the generated file ``path`` is kept, relative to the project."""
    return f"{BASE_DIR}/{path}{BASE_SUFFIX}"


def pending_path(path: str) -> str:
    """Where the output that conflicted with the user's edits of ``path`` is kept until the
    conflict is resolved, relative to the project."""
    return f"{PENDING_DIR}/{path}{BASE_SUFFIX}"


FORMAT_VERSION = 1


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Entry:
    source: str  # the spec this file came from, or "wiring" for files rendered from all specs
    sha256: str  # of the text written (the base)
    rendered: str = ""  # of the template output before formatting: same render, same base
    # An open conflict: the hash of the output that conflicted (kept at pending_path), and of
    # the file on disk when it was reported. Empty when there is none.
    pending: str = ""
    disk: str = ""


@dataclass
class Manifest:
    root: Path
    files: dict[str, Entry] = field(default_factory=dict)
    resources: dict[str, str] = field(default_factory=dict)  # plural -> spec path

    @classmethod
    def load(cls, root: Path) -> Manifest:
        path = root / MANIFEST
        if not path.is_file():
            return cls(root)
        data = json.loads(path.read_text(encoding="utf-8"))
        files = {
            p: Entry(
                e["source"],
                e["sha256"],
                e.get("rendered", ""),
                e.get("pending", ""),
                e.get("disk", ""),
            )
            for p, e in data.get("files", {}).items()
        }
        return cls(root, files, dict(data.get("resources", {})))

    def base(self, path: str) -> str | None:
        """The text the generator last wrote at ``path``, if it still has it."""
        entry = self.files.get(path)
        return self._read(base_path(path), entry.sha256 if entry else "")

    def pending(self, path: str) -> str | None:
        """The output that conflicted with the user's edits of ``path``, while the conflict is
        open."""
        entry = self.files.get(path)
        return self._read(pending_path(path), entry.pending if entry else "")

    def _read(self, relative: str, sha256: str) -> str | None:
        """The text of ``relative`` if it still has the hash ``sha256``."""
        file = self.root / relative
        if not sha256 or not file.is_file():
            return None
        text = file.read_text(encoding="utf-8")
        return text if digest(text) == sha256 else None

    def to_json(self) -> str:
        data = {
            "version": FORMAT_VERSION,
            "resources": dict(sorted(self.resources.items())),
            "files": {p: _entry_json(e) for p, e in sorted(self.files.items())},
        }
        return json.dumps(data, indent=2) + "\n"


def _entry_json(entry: Entry) -> dict[str, str]:
    data = {"source": entry.source, "sha256": entry.sha256, "rendered": entry.rendered}
    if entry.pending:
        data |= {"pending": entry.pending, "disk": entry.disk}
    return data
