"""The .env of a new project: a random SECRET_KEY of its own (the file is git-ignored), so
no two projects share a key that signs their tokens."""

from __future__ import annotations

import secrets
from pathlib import Path

ENV_FILE = ".env"
HEADER = "# Local settings, never committed (see .env.example for the others).\n"


def write_env(root: Path) -> Path:
    """Write ``root/.env`` with a new SECRET_KEY unless the file exists."""
    path = root / ENV_FILE
    if not path.exists():
        path.write_text(f"{HEADER}SECRET_KEY={secrets.token_urlsafe(48)}\n", encoding="utf-8")
        path.chmod(0o600)
    return path
