"""The database schema of every generated resource as plain data, and the operations that
turn one such snapshot into another: what a migration does.

A snapshot is stack-neutral: tables, columns with a storage type (string, text, integer,
bigint, float, decimal, boolean, date, datetime, uuid, json), foreign keys, indexes, unique
and check constraints, each with the name the project's naming convention gives it. The
project keeps the last one in .scaffold/schema.json, so the next run knows what changed.

A column may also say what rows already in the table get when it becomes NOT NULL:
``default`` (the field's default, as plain data: decimals, dates, datetimes in UTC and
uuids as strings) or ``default_now`` (the timestamps). These are not schema: a changed
default alone is no operation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from generator.context import FieldContext, ResourceContext
from generator.sync.json_text import json_text
from generator.sync.manifest import STATE_DIR
from generator.types import TYPES

SCHEMA_FILE = f"{STATE_DIR}/schema.json"
FORMAT_VERSION = 1

LIVE_ROWS = "deleted_at IS NULL"  # the rows a soft-deleting resource still has

Table = dict[str, Any]
Column = dict[str, Any]

# Column keys that are data for the rows already there, not schema (see the docstring).
FILL_KEYS = ("default", "default_now")


def snapshot(contexts: Iterable[ResourceContext]) -> dict[str, Any]:
    """{"tables": {name: table}} for the given resources, sorted by table name."""
    return snapshot_of(table(c) for c in contexts)


def snapshot_of(tables: Iterable[Table]) -> dict[str, Any]:
    """{"tables": {name: table}}, sorted by table name."""
    return {"tables": {t["name"]: t for t in sorted(tables, key=lambda t: t["name"])}}


def table(context: ResourceContext) -> Table:
    """The table of one resource, as the schema snapshot records it."""
    name = context.names.table
    columns = [_column("id", "uuid", nullable=False)]
    indexes: list[dict[str, Any]] = []
    uniques: list[dict[str, Any]] = []
    foreign_keys: list[dict[str, Any]] = []
    for f in context.fields:
        columns.append(_field_column(f))
        if f.unique and context.soft_delete:
            # Unique among the rows not deleted: a deleted record frees its value.
            indexes.append(
                {
                    "name": f"uq_{name}_{f.name}",
                    "columns": [f.name],
                    "unique": True,
                    "where": LIVE_ROWS,
                }
            )
        elif f.unique:
            uniques.append({"name": f"uq_{name}_{f.name}", "columns": [f.name]})
        elif f.filter or f.sort or f.ref:
            indexes.append({"name": f"ix_{name}_{f.name}", "columns": [f.name], "unique": False})
        if f.ref:
            target = f.ref.target.table
            foreign_keys.append(
                {
                    "name": f"fk_{name}_{f.name}_{target}",
                    "columns": [f.name],
                    "ref_table": target,
                    "ref_columns": ["id"],
                    "on_delete": f.ref.on_delete_sql,
                }
            )
    if context.uses_owner:
        columns.append(_column("owner_id", "uuid", nullable=context.owner_nullable))
        indexes.append({"name": f"ix_{name}_owner_id", "columns": ["owner_id"], "unique": False})
        foreign_keys.append(
            {
                "name": f"fk_{name}_owner_id_users",
                "columns": ["owner_id"],
                "ref_table": "users",
                "ref_columns": ["id"],
                "on_delete": "CASCADE",
            }
        )
    if context.timestamps:
        for stamp in ("created_at", "updated_at"):
            columns.append({**_column(stamp, "datetime", nullable=False), "default_now": True})
        indexes.append(
            {"name": f"ix_{name}_created_at", "columns": ["created_at"], "unique": False}
        )
    if context.soft_delete:
        columns.append(_column("deleted_at", "datetime", nullable=True))
        indexes.append(
            {"name": f"ix_{name}_deleted_at", "columns": ["deleted_at"], "unique": False}
        )
    return {
        "name": name,
        "primary_key": {"name": f"pk_{name}", "columns": ["id"]},
        "columns": columns,
        "foreign_keys": foreign_keys,
        "indexes": sorted(indexes, key=lambda i: i["name"]),
        "uniques": sorted(uniques, key=lambda u: u["name"]),
        "checks": [{"name": f"ck_{name}_{c.name}", "sql": c.sql} for c in context.checks],
    }


def _column(
    name: str,
    type_: str,
    *,
    nullable: bool,
    length: int | None = None,
    precision: int | None = None,
    scale: int | None = None,
) -> Column:
    return {
        "name": name,
        "type": type_,
        "length": length,
        "precision": precision,
        "scale": scale,
        "nullable": nullable,
    }


def _field_column(f: FieldContext) -> Column:
    spec_type = TYPES[f.type]
    storage = spec_type.stored_as
    length = spec_type.column_length(f.max_length, f.values)
    column = _column(
        f.name, storage, nullable=f.nullable, length=length, precision=f.precision, scale=f.scale
    )
    if f.has_default:
        column["default"] = _fill_value(column, f.default)
    return column


def _fill_value(column: Column, default: Any) -> Any:
    """The default as plain data, as it is stored: a datetime in UTC, a decimal at its scale."""
    if column["type"] == "datetime":
        return datetime.fromisoformat(str(default)).astimezone(UTC).isoformat()
    if column["type"] == "decimal":
        return str(Decimal(str(default)).quantize(Decimal(1).scaleb(-column["scale"])))
    return default


def schema_of(column: Column) -> Column:
    """The column without what is data for its rows (``default``): what the database has."""
    return {k: v for k, v in column.items() if k not in FILL_KEYS}


# --- the state file ---------------------------------------------------------------------


@dataclass
class SchemaState:
    """What .scaffold/schema.json holds: the last snapshot and the revisions written so far
    (each "NNNN_slug"), oldest first."""

    tables: dict[str, Table] = field(default_factory=dict)
    revisions: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, text: str | None) -> SchemaState:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(dict(data.get("tables", {})), list(data.get("revisions", [])))

    def to_json(self) -> str:
        """One table a line (and one revision a line)."""
        return json_text(
            {"version": FORMAT_VERSION, "revisions": self.revisions, "tables": self.tables}
        )

    @property
    def head(self) -> str | None:
        """The id of the last revision ("0003"), if any."""
        return self.revisions[-1].split("_", 1)[0] if self.revisions else None

    @property
    def next_number(self) -> int:
        return max((int(r.split("_", 1)[0]) for r in self.revisions), default=0) + 1


# --- the diff -----------------------------------------------------------------------------

# Operation kinds and their inverses.
INVERSE = {
    "create_table": "drop_table",
    "drop_table": "create_table",
    "add_column": "drop_column",
    "drop_column": "add_column",
    "alter_column": "alter_column",
    "create_index": "drop_index",
    "drop_index": "create_index",
    "create_unique": "drop_unique",
    "drop_unique": "create_unique",
    "create_check": "drop_check",
    "drop_check": "create_check",
    "create_foreign_key": "drop_foreign_key",
    "drop_foreign_key": "create_foreign_key",
}


@dataclass(frozen=True)
class Operation:
    """One schema change. ``item`` is what it creates or drops (a table, column, index or
    constraint, as in the snapshot); alter_column carries the column before (``old``) and
    after (``item``)."""

    kind: str
    table: str
    item: dict[str, Any]
    old: dict[str, Any] | None = None

    def inverse(self) -> Operation:
        if self.kind == "alter_column":
            assert self.old is not None
            return Operation("alter_column", self.table, self.old, self.item)
        return Operation(INVERSE[self.kind], self.table, self.item)

    @property
    def batched(self) -> bool:
        """Changes an existing table (SQLite rebuilds the table for most of them: the stack's
        migrations say which, `batched`)."""
        return self.kind not in ("create_table", "drop_table")


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Operation]:
    """The operations that turn snapshot ``old`` into ``new``: new tables first (parents
    before children), then changes to existing tables, then dropped tables (children first)."""
    before: dict[str, Table] = old.get("tables", {})
    after: dict[str, Table] = new.get("tables", {})
    created = [after[n] for n in sorted(set(after) - set(before))]
    dropped = [before[n] for n in sorted(set(before) - set(after))]
    operations: list[Operation] = []

    # New tables, parents first. A foreign key to a table that is not there yet (a cycle)
    # is added once every new table exists.
    ready = set(before) & set(after)
    late: list[Operation] = []
    for table in _parents_first(created):
        inline = [fk for fk in table["foreign_keys"] if fk["ref_table"] in ready | {table["name"]}]
        late += [
            Operation("create_foreign_key", table["name"], fk)
            for fk in table["foreign_keys"]
            if fk not in inline
        ]
        operations.append(
            Operation("create_table", table["name"], {**table, "foreign_keys": inline})
        )
        operations += [Operation("create_index", table["name"], i) for i in table["indexes"]]
        ready.add(table["name"])
    operations += late

    for name in sorted(set(before) & set(after)):
        operations += _alter(before[name], after[name])

    # Dropped tables, children first; foreign keys between them (a cycle) dropped first.
    early: list[Operation] = []
    drops: list[Operation] = []
    gone: set[str] = set()
    for table in reversed(_parents_first(dropped)):
        kept = []
        for fk in table["foreign_keys"]:
            if fk["ref_table"] in gone:  # its target goes first: a cycle
                early.append(Operation("drop_foreign_key", table["name"], fk))
            else:
                kept.append(fk)
        gone.add(table["name"])
        drops += [Operation("drop_index", table["name"], i) for i in reversed(table["indexes"])]
        drops.append(Operation("drop_table", table["name"], {**table, "foreign_keys": kept}))
    return operations + early + drops


def _alter(old: Table, new: Table) -> list[Operation]:
    """Changes to one table, in an order each step can run in."""
    name = new["name"]
    ops: list[Operation] = []
    removed, added = _changed(old, new, "indexes")
    ops += [Operation("drop_index", name, i) for i in removed]
    late = [Operation("create_index", name, i) for i in added]
    for key, drop, create in (
        ("uniques", "drop_unique", "create_unique"),
        ("checks", "drop_check", "create_check"),
        ("foreign_keys", "drop_foreign_key", "create_foreign_key"),
    ):
        removed, added = _changed(old, new, key)
        ops += [Operation(drop, name, item) for item in removed]
        late = [Operation(create, name, item) for item in added] + late
    old_columns = {c["name"]: c for c in old["columns"]}
    new_columns = {c["name"]: c for c in new["columns"]}
    ops += [
        Operation("drop_column", name, c) for n, c in old_columns.items() if n not in new_columns
    ]
    ops += [
        Operation("add_column", name, c) for n, c in new_columns.items() if n not in old_columns
    ]
    for column_name, column in new_columns.items():
        previous = old_columns.get(column_name)
        if previous is not None and schema_of(previous) != schema_of(column):
            ops.append(Operation("alter_column", name, column, previous))
    # Foreign keys, then unique constraints, then checks, then indexes.
    return ops + sorted(late, key=lambda op: _CREATE_ORDER.index(op.kind))


_CREATE_ORDER = ["create_foreign_key", "create_unique", "create_check", "create_index"]


def _changed(old: Table, new: Table, key: str) -> tuple[list[Any], list[Any]]:
    """Items under ``key`` that are gone or new (a changed item is both: dropped, re-made)."""
    before = {item["name"]: item for item in old.get(key, [])}
    after = {item["name"]: item for item in new.get(key, [])}
    removed = [item for n, item in before.items() if after.get(n) != item]
    added = [item for n, item in after.items() if before.get(n) != item]
    return removed, added


def _parents_first(tables: list[Table]) -> list[Table]:
    """Tables ordered so each comes after the tables it references (where there is no cycle),
    otherwise by name."""
    by_name = {t["name"]: t for t in tables}
    ordered: list[Table] = []
    state: dict[str, str] = {}

    def visit(name: str) -> None:
        if state.get(name):
            return  # done, or on the current path (a cycle)
        state[name] = "visiting"
        for fk in by_name[name]["foreign_keys"]:
            if fk["ref_table"] in by_name:
                visit(fk["ref_table"])
        state[name] = "done"
        ordered.append(by_name[name])

    for name in sorted(by_name):
        visit(name)
    return ordered


def data_losses(operations: list[Operation], path: str) -> list[str]:
    """What the revision at ``path`` deletes that a person may not mean to: the data of each
    dropped column, and a hint where the same table gains a column (a renamed field?)."""
    added = {(op.table, op.item["name"]) for op in operations if op.kind == "add_column"}
    out = []
    for op in operations:
        if op.kind != "drop_column":
            continue
        column = f"{op.table}.{op.item['name']}"
        message = f"{path} drops the column {column}, and the data in it"
        new = sorted(name for table, name in added if table == op.table)
        if new:
            message += (
                f"; if the field was renamed to {' or '.join(new)}, edit that revision to"
                " rename the column instead, before you apply it"
            )
        out.append(message)
    return out


def slug(operations: list[Operation]) -> str:
    """A short file-name slug: create_reviews, drop_courses, update_reviews, ..."""
    words: list[str] = []
    for verb, kinds in (("create", {"create_table"}), ("drop", {"drop_table"})):
        tables = sorted({op.table for op in operations if op.kind in kinds})
        if tables:
            words.append(f"{verb}_{'_'.join(tables)}")
    changed = sorted({op.table for op in operations if op.batched})
    touched = {op.table for op in operations if not op.batched}
    changed = [t for t in changed if t not in touched]
    if changed:
        words.append(f"update_{'_'.join(changed)}")
    text = "_and_".join(words) or "schema"
    return text[:60].rstrip("_")
