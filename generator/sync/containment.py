"""Every path scaffold reads or writes stays inside the project: relative, no way up out of
it, and not through a symbolic link that leads out of it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.errors import ScaffoldError


def outside_reason(root: Path, relative: str, folders: dict[str, str] | None = None) -> str | None:
    """Why ``relative`` (a project path, posix) is not inside ``root``; None when it is.
    ``folders`` keeps the folders resolved so far, for checking many paths of one tree."""
    if not relative or "\\" in relative or "\0" in relative:
        return "is not a plain relative path"
    if relative.startswith("/") or (len(relative) > 1 and relative[1] == ":"):
        return "is an absolute path"
    if ".." in relative.split("/"):
        return "goes up out of the project (..)"
    folders = {} if folders is None else folders
    parent, _, name = relative.rpartition("/")
    try:
        real_root = _resolved(root, "", folders)
        resolved = os.path.join(_resolved(root, parent, folders), name)
        if os.path.islink(resolved):
            resolved = str(Path(resolved).resolve())
    except (OSError, RuntimeError):  # a loop of links
        return "leads through a loop of symbolic links"
    if resolved != real_root and not resolved.startswith(real_root.rstrip(os.sep) + os.sep):
        return f"leads through a symbolic link out of the project (to {resolved})"
    return None


def _resolved(root: Path, folder: str, folders: dict[str, str]) -> str:
    """``root / folder`` with every link followed, once per folder."""
    if folder not in folders:
        folders[folder] = str((root / folder).resolve())
    return folders[folder]


def check_inside(
    root: Path, relative: str, origin: str, folders: dict[str, str] | None = None
) -> str:
    """``relative`` if it is inside the project, else a ScaffoldError naming ``origin`` (the
    file and entry it came from) and the path."""
    reason = outside_reason(root, relative, folders)
    if reason is not None:
        raise ScaffoldError(
            f"{origin}: {relative!r} {reason}; scaffold reads and writes only inside the"
            " project (nothing was written)"
        )
    return relative


KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def not_a_file(path: Path) -> str | None:
    """What stands at ``path`` when it is something other than a regular file (``a folder``,
    ``a symbolic link``...); None when it is a regular file or nothing."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except NotADirectoryError:  # a parent is a file: the write fails and rolls back
        return None
    if stat.S_ISREG(mode):
        return None
    kind = KINDS.get(stat.S_IFMT(mode), "not a regular file")
    if stat.S_ISLNK(mode):
        kind += f" (to {os.readlink(path)})"
    return kind


def check_replaceable(root: Path, relative: str) -> None:
    """Refuse, before anything is written, a generated path where something other than a
    regular file stands: scaffold never deletes or replaces a folder, link or device."""
    kind = not_a_file(root / relative)
    if kind is not None:
        raise ScaffoldError(
            f"{relative} is {kind}, where scaffold would write a file: move or rename it,"
            " then run again (nothing was written)"
        )
