"""scaffold's folder in the user's cache: compiled templates and what runs remember."""

from __future__ import annotations

import os
from pathlib import Path


def cache_folder(*parts: str) -> Path | None:
    """A folder of scaffold's in the user's cache ($XDG_CACHE_HOME or ~/.cache), made if
    needed; None when it cannot be."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base.joinpath("scaffold", *parts)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder
