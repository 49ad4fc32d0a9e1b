"""One schema revision per change: compare the snapshot of every generated resource with the
one kept in the project, and render the difference with the stack's revision template.

Revision files belong to the user once written: they are never regenerated or merged (they
are not in the manifest). Ids are sequence numbers ("0001", "0002", ...), so the same specs
give the same files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.context import ResourceContext
from generator.errors import ScaffoldError
from generator.formatting import Formatter
from generator.render import Renderer
from generator.schema import SCHEMA_FILE, Column, Operation, SchemaState, diff, slug, snapshot

REVISIONS_DIR = "migrations/versions"
TEMPLATE = "revision.py.jinja"
# Operations alembic runs inside batch_alter_table (SQLite rebuilds the table for them).
BATCHED = frozenset(
    {
        "add_column",
        "drop_column",
        "alter_column",
        "create_unique",
        "drop_unique",
        "create_check",
        "drop_check",
        "create_foreign_key",
        "drop_foreign_key",
    }
)


@dataclass
class Migration:
    path: str  # migrations/versions/0002_update_reviews.py
    text: str
    state: str  # the new .scaffold/schema.json
    operations: list[Operation]


def plan_migration(
    root: Path, renderer: Renderer, contexts: Iterable[ResourceContext]
) -> Migration | None:
    """The revision that brings the schema recorded in the project up to ``contexts``, or
    None when nothing changed (or the stack has no revision template)."""
    stack = renderer.stack
    if stack.migration_dir is None:
        return None
    state_file = root / SCHEMA_FILE
    try:
        state = SchemaState.from_json(
            state_file.read_text(encoding="utf-8") if state_file.is_file() else None
        )
    except (OSError, ValueError) as error:
        raise ScaffoldError(f"{SCHEMA_FILE}: cannot read the recorded schema ({error})") from None
    new = snapshot(contexts)
    operations = diff({"tables": state.tables}, new)
    if not operations:
        return None
    number = f"{state.next_number:04d}"
    name = f"{number}_{slug(operations)}"
    path = f"{REVISIONS_DIR}/{name}.py"
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
    assert stack.migration_dir is not None
    name = (stack.migration_dir / TEMPLATE).relative_to(stack.root).as_posix()

    def column_type(column: Column) -> str:
        spelling = stack.types[column["type"]].get("migration_type")
        if not isinstance(spelling, str):
            raise ScaffoldError(f"stack {stack.name} has no migration_type for {column['type']}")
        return spelling.format(
            max_length=column["length"], precision=column["precision"], scale=column["scale"]
        )

    downgrade = [op.inverse() for op in reversed(operations)]
    return renderer.env.get_template(name).render(
        revision=revision,
        down_revision=down_revision,
        message=describe(operations),
        upgrade=group(operations),
        downgrade=group(downgrade),
        column_type=column_type,
    )


def group(operations: list[Operation]) -> list[dict[str, Any]]:
    """Consecutive batched operations on one table become one batch block."""
    groups: list[dict[str, Any]] = []
    for op in operations:
        batch = op.table if op.kind in BATCHED else None
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
