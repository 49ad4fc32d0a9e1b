"""`scaffold validate`: check spec files (or folders of them) without generating anything."""

from __future__ import annotations

from pathlib import Path

from generator.errors import Diagnostic, ScaffoldError, SpecError, display_path
from generator.spec import load_spec


def validate_paths(paths: list[Path]) -> list[str]:
    """Every spec under ``paths``; returns the ones checked, raises SpecError with all problems."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
        elif path.is_file():
            files.append(path)
        else:
            raise ScaffoldError(f"{path}: no such file or folder")
    diagnostics: list[Diagnostic] = []
    checked = []
    for file in files:
        shown = display_path(file)
        try:
            load_spec(file, shown)
        except SpecError as error:
            diagnostics += error.diagnostics
        checked.append(shown)
    if diagnostics:
        raise SpecError(diagnostics)
    return checked
