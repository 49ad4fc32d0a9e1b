"""One schema revision per change: compare the snapshot of every generated resource with the
one kept in the project, and render the difference with the stack's revision template.

Revision files belong to the user once written: they are never regenerated or merged (they
are not in the manifest). Ids are sequence numbers ("0001", "0002", ...), so the same specs
give the same files.

A column that becomes NOT NULL on a table that may have rows (added, or made required) is
added nullable, filled where it is NULL (the field's default; the time of the upgrade for
timestamps), then made NOT NULL. Where there is nothing to fill it with, the revision checks
before it changes anything and stops with a message if a row would have no value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from generator.errors import ScaffoldError
from generator.render.formatting import Formatter
from generator.render.templates import Renderer
from generator.schema.snapshot import (
    SCHEMA_FILE,
    Column,
    Operation,
    SchemaState,
    Table,
    diff,
    schema_of,
    slug,
    snapshot_of,
)


@dataclass
class Migration:
    path: str  # the stack's path for it: migrations/versions/0002_update_reviews.py
    text: str
    state: str  # the new .scaffold/schema.json
    operations: list[Operation]


def plan_migration(
    root: Path, renderer: Renderer, tables: Iterable[Table], recorded: str | None = None
) -> Migration | None:
    """The revision that brings the schema recorded in the project (``recorded``: the text
    of SCHEMA_FILE, when read already) up to ``tables`` (every resource's), or None when
    nothing changed (or the stack has no revision template)."""
    stack = renderer.stack
    if stack.migrations is None:
        return None
    state_file = root / SCHEMA_FILE
    try:
        if recorded is None and state_file.is_file():
            recorded = state_file.read_text(encoding="utf-8")
        state = SchemaState.from_json(recorded)
    except (OSError, ValueError) as error:
        raise ScaffoldError(f"{SCHEMA_FILE}: cannot read the recorded schema ({error})") from None
    new = snapshot_of(tables)
    operations = diff({"tables": state.tables}, new)
    if not operations:
        return None
    number = f"{state.next_number:04d}"
    path = stack.migrations.path.format(number=number, slug=slug(operations))
    name = PurePosixPath(path).stem
    if (root / path).exists():
        raise ScaffoldError(f"{path} already exists; move it aside or fix {SCHEMA_FILE}")
    text = render_revision(renderer, number, state.head, operations)
    formatted = Formatter(stack).format_all({path: text})[path]
    next_state = SchemaState(new["tables"], [*state.revisions, name])
    return Migration(path, formatted, next_state.to_json(), operations)


def render_revision(
    renderer: Renderer, revision: str, down_revision: str | None, operations: list[Operation]
) -> str:
    stack = renderer.stack
    assert stack.migrations is not None
    name = stack.migrations.template

    def column_type(column: Column) -> str:
        spelling = stack.types[column["type"]].get("migration_type")
        if not isinstance(spelling, str):
            raise ScaffoldError(f"stack {stack.name} has no migration_type for {column['type']}")
        return spelling.format(
            max_length=column["length"], precision=column["precision"], scale=column["scale"]
        )

    downgrade = [op.inverse() for op in reversed(operations)]
    up_checks, up = fill_steps(operations)
    down_checks, down = fill_steps(downgrade)
    return renderer.render(
        name,
        dict(
            revision=revision,
            down_revision=down_revision,
            message=describe(operations),
            upgrade=group(up, stack.migrations.batched),
            downgrade=group(down, stack.migrations.batched),
            upgrade_checks=up_checks,
            downgrade_checks=down_checks,
            # The storage types of the values filled in ("now": a timestamp), for the imports.
            filled={
                "now" if op.item.get("default_now") else op.item["type"]
                for op in up + down
                if op.kind == "fill_column" and _fillable(op.item)
            },
            column_type=column_type,
        ),
    )


# --- columns that become NOT NULL -----------------------------------------------------------


def _fillable(column: Column) -> bool:
    return column.get("default") is not None or bool(column.get("default_now"))


def _tightened(op: Operation) -> bool:
    """A column of an existing table that becomes NOT NULL: added, or made required."""
    if op.kind == "add_column":
        return not op.item["nullable"]
    return (
        op.kind == "alter_column"
        and bool((op.old or {}).get("nullable"))
        and not (op.item["nullable"])
    )


def fill_steps(operations: list[Operation]) -> tuple[list[Operation], list[Operation]]:
    """The checks to run before anything changes, and the operations with every column that
    becomes NOT NULL split in three: added (or altered) still nullable, its NULLs filled
    ("fill_column"), then made NOT NULL with the table's other changes. Without a value to fill
    with (a required field without a default, owner_id), the fill is left for the user to
    write and a check stops the revision first: "require_empty" (an added column: the table
    must have no rows) or "require_values" (a column made required: no row may be NULL)."""
    checks: list[Operation] = []
    steps: list[Operation] = []
    run: list[Operation] = []  # consecutive operations on one table

    def flush() -> None:
        loose: list[Operation] = []  # the run, NOT NULL columns still nullable
        fills: list[Operation] = []
        tighten: list[Operation] = []
        cut = 0  # after the run's last column change: fill, then NOT NULL, then the rest
        for op in run:
            if _tightened(op):
                nullable = {**op.item, "nullable": True}
                if op.kind == "add_column":
                    loose.append(Operation("add_column", op.table, nullable))
                elif schema_of({**(op.old or {}), "nullable": True}) != schema_of(nullable):
                    loose.append(Operation("alter_column", op.table, nullable, op.old))  # type
                fills.append(Operation("fill_column", op.table, op.item))
                if not _fillable(op.item):
                    kind = "require_empty" if op.kind == "add_column" else "require_values"
                    checks.append(Operation(kind, op.table, op.item))
                tighten.append(Operation("alter_column", op.table, op.item, nullable))
            else:
                loose.append(op)
            if op.kind in ("add_column", "drop_column", "alter_column"):
                cut = len(loose)
        steps.extend(loose[:cut] + fills + tighten + loose[cut:])
        run.clear()

    for op in operations:
        if run and run[-1].table != op.table:
            flush()
        run.append(op)
    flush()
    return checks, steps


def group(operations: list[Operation], batched: frozenset[str]) -> list[dict[str, Any]]:
    """Consecutive operations of the ``batched`` kinds on one table become one block."""
    groups: list[dict[str, Any]] = []
    for op in operations:
        batch = op.table if op.kind in batched else None
        if batch and groups and groups[-1]["batch"] == batch:
            groups[-1]["operations"].append(op)
        else:
            groups.append({"batch": batch, "operations": [op]})
    return groups


def describe(operations: list[Operation]) -> str:
    """One line for the revision's docstring: "Create courses, reviews; update lessons."."""
    parts = []
    for verb, kinds in (("create", {"create_table"}), ("drop", {"drop_table"})):
        tables = sorted({op.table for op in operations if op.kind in kinds})
        if tables:
            parts.append(f"{verb} {', '.join(tables)}")
    whole = {op.table for op in operations if op.kind in ("create_table", "drop_table")}
    changed = sorted({op.table for op in operations} - whole)
    if changed:
        parts.append(f"update {', '.join(changed)}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."
