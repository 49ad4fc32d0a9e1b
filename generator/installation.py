"""Where the installed stacks are, and which one a new project gets: cheap to import (the
CLI's help text shows the default)."""

from __future__ import annotations

import re
from pathlib import Path

from generator.errors import ScaffoldError


def templates_root() -> Path:
    """templates/ inside the installed package, or at the repository root in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise ScaffoldError(f"the templates folder is missing from the installation ({here})")


def default_stack() -> str:
    """The stack a new project gets unless one is named (templates/stacks.yaml)."""
    text = (templates_root() / "stacks.yaml").read_text(encoding="utf-8")
    # One `default: name` line (read without a YAML parser: the CLI's help text shows it).
    match = re.search(r"^default:\s*([\w-]+)\s*$", text, re.MULTILINE)
    if match is None:
        raise ScaffoldError(f"{templates_root() / 'stacks.yaml'}: expected a line default: NAME")
    return match.group(1)
