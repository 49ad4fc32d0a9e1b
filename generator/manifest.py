"""What the generator wrote, kept in the project under .scaffold/ so regeneration can merge.

.scaffold/manifest.json lists each generated file with the spec it came from and the hash of
what was written; .scaffold/base/<path>.base holds that text (the base of a three-way merge;
the suffix keeps linters, formatters and test runners away from it).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

STATE_DIR = ".scaffold"
MANIFEST = f"{STATE_DIR}/manifest.json"
BASE_DIR = f"{STATE_DIR}/base"
BASE_SUFFIX = ".base"


def base_path(path: str) -> str:
    """Where the base of the generated file ``path`` is kept, relative to the project."""
    return f"{BASE_DIR}/{path}{BASE_SUFFIX}"


FORMAT_VERSION = 1


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Entry:
    source: str  # the spec this file came from, or "wiring" for files rendered from all specs
    sha256: str  # of the text written (the base)
    rendered: str = ""  # of the template output before formatting: same render, same base


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
            p: Entry(e["source"], e["sha256"], e.get("rendered", ""))
            for p, e in data.get("files", {}).items()
        }
        return cls(root, files, dict(data.get("resources", {})))

    def base(self, path: str) -> str | None:
        """The text the generator last wrote at ``path``, if it still has it."""
        entry = self.files.get(path)
        base_file = self.root / base_path(path)
        if entry is None or not base_file.is_file():
            return None
        text = base_file.read_text(encoding="utf-8")
        return text if digest(text) == entry.sha256 else None

    def to_json(self) -> str:
        data = {
            "version": FORMAT_VERSION,
            "resources": dict(sorted(self.resources.items())),
            "files": {
                p: {"source": e.source, "sha256": e.sha256, "rendered": e.rendered}
                for p, e in sorted(self.files.items())
            },
        }
        return json.dumps(data, indent=2) + "\n"
