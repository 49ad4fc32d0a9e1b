"""What every `scaffold` command shares: failures as one located message (or one JSON
document) and an exit code, never a traceback; the project lock around a change."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import typer
from typer._click.core import Context  # typer runs its own copy of click
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from generator.errors import ScaffoldError, SpecError


class UsageErrorAsJson(UsageError):
    """A usage error (an unknown option, a missing argument) of a run with --json: one JSON
    document on stdout, as every other failure gives, exit code 2."""

    def show(self, file: Any = None) -> None:
        print_json({"ok": False, "error": self.format_message(), "diagnostics": []})


class Commands(TyperGroup):
    """The command group, which turns usage errors into JSON when --json was asked for."""

    def invoke(self, ctx: Context) -> Any:
        asked = "--json" in [*getattr(ctx, "_protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except UsageError as error:
            if not asked:
                raise
            raise UsageErrorAsJson(error.format_message(), error.ctx) from None


@contextmanager
def changing(root: Path) -> Iterator[None]:
    """Hold the project's lock for the command, and first undo a run that was killed while
    writing (saying so on stderr), before anything reads the project."""
    from generator.sync.journal import recover
    from generator.sync.lock import project_lock

    with project_lock(root):
        note = recover(root)
        if note:
            print(note, file=sys.stderr)
        yield


@contextmanager
def reporting(as_json: bool, debug: bool) -> Iterator[None]:
    """Turn user-facing failures into one located message and exit code 2, no traceback."""
    try:
        yield
    except ScaffoldError as error:
        fail(error, as_json)
    except KeyboardInterrupt:
        fail(ScaffoldError("interrupted; nothing was changed"), as_json)
    except typer.Exit:
        raise
    except Exception as error:  # an internal bug: say so plainly
        if debug:
            raise
        fail(
            ScaffoldError(
                f"internal error: {error.__class__.__name__}: {error} (rerun with --debug)"
            ),
            as_json,
            code=3,
        )


def fail(error: ScaffoldError, as_json: bool, code: int | None = None) -> NoReturn:
    exit_code = code or error.exit_code
    if as_json:
        diagnostics = error.diagnostics if isinstance(error, SpecError) else []
        print_json(
            {
                "ok": False,
                "error": str(error),
                "diagnostics": [d.as_dict() for d in diagnostics],
            }
        )
    else:
        prefix = "" if isinstance(error, SpecError) else "error: "
        print(f"{prefix}{error}", file=sys.stderr)
    raise typer.Exit(exit_code)


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, default=str))
