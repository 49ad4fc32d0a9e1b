"""Writing one file outside a run's transaction (the specs scaffold import writes, the editor
schema): whole or not at all, a failure as one sentence."""

from __future__ import annotations

from pathlib import Path

from generator.errors import ScaffoldError


def write_whole(path: Path, text: str, shown: str | Path | None = None) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, so a reader never sees
    half of it; an OSError becomes a ScaffoldError naming ``shown`` (default: the path)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(f".{path.name}.tmp")
        staged.write_text(text, encoding="utf-8")
        staged.replace(path)
    except OSError as error:
        raise ScaffoldError(f"cannot write {shown or path}: {error.strerror or error}") from None
