"""Errors a user can act on: located diagnostics and one-sentence failures (exit code 2)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one input file, located as ``path:line:col`` (1-based)."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class ScaffoldError(Exception):
    """A failure the user can fix; the CLI prints it without a traceback and exits with 2."""

    exit_code = 2


class SpecError(ScaffoldError):
    """One or more located problems in spec files."""

    def __init__(self, diagnostics: list[Diagnostic], summary: str = "") -> None:
        self.diagnostics = sorted(diagnostics)
        self.summary = summary  # a last line about the batch as a whole, if any
        lines = [str(d) for d in self.diagnostics] + ([summary] if summary else [])
        super().__init__("\n".join(lines))


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as a user would type it: relative to ``root`` (or the cwd) when inside it."""
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)
