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
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import ScaffoldError
from generator.sync.containment import outside_reason
from generator.sync.json_text import json_text

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
        """The project's manifest (empty when there is none yet). A manifest that cannot be
        read, or holds anything but what scaffold writes, is a ManifestError: nothing is
        trusted from it, so no path in it can lead out of the project."""
        path = root / MANIFEST
        reason = outside_reason(root, MANIFEST)
        if reason is not None:
            raise ManifestError(reason)
        if not path.is_file():
            if os.path.lexists(path):
                raise ManifestError("is not a regular file")
            return cls(root)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise ManifestError("is not UTF-8 text") from None
        except json.JSONDecodeError as error:
            problem = f"is not valid JSON ({error.msg})"
            raise ManifestError(problem, error.lineno, error.colno) from None
        except OSError as error:
            raise ManifestError(f"cannot be read ({error.strerror or error})") from None
        return cls(root, *_parse(root, data))

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
        return json_text(data)  # one file a line


def _entry_json(entry: Entry) -> dict[str, str]:
    data = {"source": entry.source, "sha256": entry.sha256, "rendered": entry.rendered}
    if entry.pending:
        data |= {"pending": entry.pending, "disk": entry.disk}
    return data


class ManifestError(ScaffoldError):
    """.scaffold/manifest.json is damaged: say where, and how to get a good one back."""

    def __init__(self, problem: str, line: int = 0, column: int = 0) -> None:
        where = f"{MANIFEST}:{line}:{column}" if line else MANIFEST
        super().__init__(
            f"{where}: {problem}. It records what scaffold wrote, so it cannot be guessed:"
            f" restore it from version control (git checkout -- {MANIFEST}), or delete it to"
            " start over (every generated file then counts as yours until --force replaces it);"
            " nothing was written"
        )


SHA256 = re.compile(r"[0-9a-f]{64}")
ENTRY_KEYS = {"source", "sha256", "rendered", "pending", "disk"}


def _parse(root: Path, data: Any) -> tuple[dict[str, Entry], dict[str, str]]:
    """The files and resources of a manifest's JSON, every value checked."""
    if not isinstance(data, dict):
        raise ManifestError(f"holds {_kind(data)}, not an object")
    if data.get("version") != FORMAT_VERSION:
        raise ManifestError(
            f"has version {data.get('version')!r}; this scaffold reads version {FORMAT_VERSION}"
        )
    files_data = data.get("files", {})
    resources_data = data.get("resources", {})
    for key, value in (("files", files_data), ("resources", resources_data)):
        if not isinstance(value, dict):
            raise ManifestError(f'"{key}" holds {_kind(value)}, not an object')
    files: dict[str, Entry] = {}
    folders: dict[str, str] = {}  # resolved once for all the entries
    sources: set[str] = set()  # checked once each
    for path, entry in files_data.items():
        _check_path(root, path, f'"files" entry {path!r}', folders)
        if not isinstance(entry, dict) or not entry.keys() <= ENTRY_KEYS:
            raise ManifestError(f'"files" entry {path!r} is not what scaffold writes')
        values = {k: entry.get(k, "") for k in ENTRY_KEYS}
        wrong = sorted(k for k, v in values.items() if not isinstance(v, str))
        if wrong:
            raise ManifestError(f'"files" entry {path!r}: "{wrong[0]}" is not a string')
        hashes = ("sha256", "rendered", "pending", "disk")
        bad = [k for k in hashes if values[k] and not SHA256.fullmatch(values[k])]
        if not SHA256.fullmatch(values["sha256"]) or bad:
            raise ManifestError(f'"files" entry {path!r}: "{(bad or ["sha256"])[0]}" is no hash')
        if values["source"] != "wiring" and values["source"] not in sources:
            _check_path(root, values["source"], f'"files" entry {path!r}: "source"', folders)
            sources.add(values["source"])
        files[path] = Entry(**values)
    resources: dict[str, str] = {}
    for plural, spec in resources_data.items():
        if not isinstance(spec, str):
            raise ManifestError(f'"resources" entry {plural!r} is not a string')
        _check_path(root, spec, f'"resources" entry {plural!r}', folders)
        resources[plural] = spec
    return files, resources


def _check_path(root: Path, path: str, entry: str, folders: dict[str, str]) -> None:
    reason = outside_reason(root, path, folders)
    if reason is not None:
        raise ManifestError(f"{entry}: {path!r} {reason}")


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", type(None): "null"}.get(type(value), "a value")
