"""Columns that become NOT NULL on a table with rows: a required field added, or an
optional one made required. With a default, the rows already there get it (the column is
added nullable, filled through a bound UPDATE, then made NOT NULL); without one, the
revision stops before it changes anything, with a message saying what to do.

The end-to-end test runs the revisions with alembic on SQLite and PostgreSQL, rows and all."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from generator.commands.generate import Options, generate_resources
from generator.commands.project import Project
from generator.render.formatting import Formatter
from generator.render.templates import Renderer
from generator.schema.migrations import fill_steps, render_revision
from generator.schema.snapshot import Operation, diff
from generator.stacks import load_stack
from tests.unit.test_schema_migrations import (
    POSTGRES,
    alembic_python,  # noqa: F401 (the fixture)
    change,
    postgres_admin,
    revisions,
    snap,
    write_spec,
)

THINGS = """\
resource: thing
fields:
  name: {type: string, max_length: 40}
  note: {type: text, required: false}
  score: {type: decimal, precision: 8, scale: 2, required: false}
  tags: {type: json, required: false}
  nick: {type: string, max_length: 20, required: false}
"""
# Every kind of default on a table with rows: optional fields made required, new ones added.
DEFAULTS = """\
  status: {type: enum, values: [draft, live], default: draft}
  active: {type: boolean, default: true}
  opens: {type: date, default: "2024-02-29"}
  due: {type: datetime, default: "2024-03-01T09:30:00+07:00"}
  meta: {type: json, default: {a: [1, 2], b: "it's"}}
  rank: {type: integer, default: 3}
  weight: {type: float, default: 0.5}
  code: {type: uuid, default: 12345678-1234-5678-1234-567812345678}
  label: {type: string, max_length: 30, default: "it's \\"quoted\\""}
"""
CODE = "12345678-1234-5678-1234-567812345678"
LEVEL = "  level: {type: integer}\n"  # required, no default


def required(spec: str, field: str, default: str | None = None) -> str:
    """The spec with an optional field made required (with a default, if given)."""
    line = next(line for line in spec.splitlines() if line.startswith(f"  {field}:"))
    new = line.replace(", required: false", f", default: {default}" if default else "")
    return change(spec, line, new)


def with_defaults() -> str:
    spec = required(THINGS, "note", '"n/a"')
    spec = required(spec, "score", "9.5")
    spec = required(spec, "tags", "[]")
    return spec + DEFAULTS


def steps(old: str, new: str) -> tuple[list[Operation], list[Operation]]:
    return fill_steps(diff(snap(things=old), snap(things=new)))


def revision(old: str, new: str) -> str:
    stack = load_stack("fastapi")
    operations = diff(snap(things=old), snap(things=new))
    text = render_revision(Renderer(stack), "0003", "0002", operations)
    formatted = Formatter(stack).format_all({"revision.py": text})["revision.py"]
    compile(formatted, "revision.py", "exec")
    return formatted


# --- the plan: add nullable, fill, then NOT NULL -----------------------------------------


def test_snapshot_keeps_what_rows_get_and_a_changed_default_is_no_change() -> None:
    columns = {c["name"]: c for c in snap(things=with_defaults())["tables"]["things"]["columns"]}
    assert columns["due"]["default"] == "2024-03-01T02:30:00+00:00"  # in UTC, as stored
    assert columns["score"]["default"] == "9.50"
    assert columns["meta"]["default"] == {"a": [1, 2], "b": "it's"}
    assert columns["created_at"]["default_now"] is True
    assert "default" not in columns["name"]
    other = change(with_defaults(), "default: 3}", "default: 4}")
    assert diff(snap(things=with_defaults()), snap(things=other)) == []


def test_a_required_field_with_a_default_is_added_nullable_filled_then_made_not_null() -> None:
    checks, ops = steps(THINGS, THINGS + "  rank: {type: integer, default: 3}\n")
    assert checks == []
    assert [(op.kind, op.item["nullable"]) for op in ops] == [
        ("add_column", True),
        ("fill_column", False),
        ("alter_column", False),
    ]
    assert ops[1].item["default"] == 3
    text = revision(THINGS, THINGS + "  rank: {type: integer, default: 3}\n")
    assert 'rows = sa.table("things", sa.column("rank", sa.Integer()))' in text
    assert 'rows.update().where(rows.c["rank"].is_(None)).values({"rank": 3})' in text
    assert "from alembic import op\n" in text  # no check, so no context


def test_an_optional_field_made_required_with_a_default_fills_its_nulls() -> None:
    checks, ops = steps(THINGS, required(THINGS, "score", "9.5"))
    assert checks == []
    assert [op.kind for op in ops] == ["fill_column", "alter_column"]
    text = revision(THINGS, required(THINGS, "score", "9.5"))
    assert '.values({"score": decimal.Decimal("9.50")})' in text
    assert "\nimport decimal\n" in text


def test_a_type_change_comes_before_the_fill_and_not_null_after() -> None:
    new = change(required(THINGS, "nick", '"x"'), "max_length: 20", "max_length: 30")
    _, ops = steps(THINGS, new)
    assert [(op.kind, op.item["length"], op.item["nullable"]) for op in ops] == [
        ("alter_column", 30, True),
        ("fill_column", 30, False),
        ("alter_column", 30, False),
    ]


def test_defaults_of_every_type_are_bound_python_values() -> None:
    text = revision(THINGS, with_defaults())
    for value in (
        '{"status": "draft"}',
        '{"active": True}',
        '{"opens": datetime.date.fromisoformat("2024-02-29")}',
        '{"due": datetime.datetime.fromisoformat("2024-03-01T02:30:00+00:00")}',
        '{"meta": {"a": [1, 2], "b": "it\'s"}}',
        '{"weight": 0.5}',
        f'{{"code": uuid.UUID("{CODE}")}}',
        '{"label": \'it\\\'s "quoted"\'}',
        '{"tags": []}',
    ):
        assert f".values({value})" in text, value
    assert "sa.text(" not in text  # values are bound, never pasted into SQL
    # A JSON column may hold JSON null as well as SQL NULL: both are filled.
    assert 'sa.cast(rows.c["tags"], sa.Text()) == "null"' in text


def test_timestamps_added_to_a_table_with_rows_get_the_time() -> None:
    old = THINGS + "timestamps: false\n"
    checks, ops = steps(old, THINGS)
    assert checks == []
    assert [op.kind for op in ops].count("fill_column") == 2
    assert "datetime.datetime.now(datetime.UTC)" in revision(old, THINGS)


def test_without_a_default_the_revision_checks_first_and_leaves_the_fill_to_you() -> None:
    new = required(THINGS, "nick") + "  level: {type: integer}\n"
    checks, ops = steps(THINGS, new)
    assert [(op.kind, op.item["name"]) for op in checks] == [
        ("require_empty", "level"),
        ("require_values", "nick"),
    ]
    text = revision(THINGS, new)
    assert "from alembic import context, op" in text
    assert "if not context.is_offline_mode():" in text  # `upgrade --sql` cannot look
    upgrade = text.split("def downgrade")[0]
    assert upgrade.index("raise RuntimeError") < upgrade.index("batch_alter_table")
    assert '"things has rows, and level is added NOT NULL with no default to"' in text
    assert '"things.nick becomes NOT NULL, but some rows have none' in text
    assert '# op.execute(rows.update().where(rows.c["level"].is_(None)).values(' in text


def test_a_downgrade_that_brings_back_a_required_column_checks_too() -> None:
    old = THINGS + "  level: {type: integer}\n"
    text = revision(old, THINGS)
    downgrade = text.split("def downgrade")[1]
    assert "things has rows, and level is added NOT NULL" in downgrade.replace('"\n', "")
    assert "raise RuntimeError" not in text.split("def downgrade")[0]


# --- end to end: rows survive, on SQLite and PostgreSQL ----------------------------------

# Run in the project's venv (cwd: the project): one step of the scenario on each database
# ({name: url}, as JSON), in one process; prints {name: what it found}.
SCENARIO = r'''
import asyncio, json, sys
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

step, urls = sys.argv[1], json.loads(sys.argv[2])
config = Config("alembic.ini")
url = ""  # the database of the step being run


def alembic(name, *args):
    """Run an alembic command; the error message if it fails (None if it works)."""
    try:
        getattr(command, name)(config, *args)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


async def sql(work):
    if isinstance(work, str):
        statement = sa.text(work)
        work = lambda connection: connection.execute(statement).scalar()  # noqa: E731
        if not statement.text.startswith("SELECT"):
            work = lambda connection: connection.execute(statement) and None  # noqa: E731

    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(work)
    finally:
        await engine.dispose()


def state(connection):
    version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    columns = [c["name"] for c in sa.inspect(connection).get_columns("things")]
    return {"version": version, "columns": columns}


def drift(connection):
    from app.models import import_models
    from app.models.base import Base

    import_models()
    return repr(compare_metadata(MigrationContext.configure(connection), Base.metadata))


async def rows():
    from sqlalchemy.ext.asyncio import async_sessionmaker
    from app.models.things import Thing

    engine = create_async_engine(url)
    try:
        async with async_sessionmaker(engine)() as session:
            found = (await session.scalars(sa.select(Thing).order_by(Thing.name))).all()
            names = [c.key for c in Thing.__table__.columns if c.key not in ("id",)]
            return [{n: str(getattr(t, n)) for n in names} for t in found]
    finally:
        await engine.dispose()


def run(step):
    out = {}
    if step == "insert":
        insert_rows(out)
    elif step == "defaults":
        out["upgrade"] = alembic("upgrade", "head")
        if out["upgrade"] is None:
            out["rows"] = asyncio.run(rows())
            out["drift"] = asyncio.run(sql(drift))
    elif step == "nick":  # made required, no default: refused while a row has none; fill, again
        out["refused"] = alembic("upgrade", "head")
        out["before"] = asyncio.run(sql(state))
        asyncio.run(sql("UPDATE things SET nick = 'filled' WHERE nick IS NULL"))
        out["upgrade"] = alembic("upgrade", "head")
        out["after"] = asyncio.run(sql(state))
    elif step == "level":  # added required, no default: refused while the table has rows
        out["refused"] = alembic("upgrade", "head")
        out["before"] = asyncio.run(sql(state))
        out["down"] = alembic("downgrade", "0002")  # with the rows in place
        out["count"] = asyncio.run(sql("SELECT count(*) FROM things"))
        out["refill"] = alembic("upgrade", "0004")  # the defaults again
        asyncio.run(sql("DELETE FROM things"))
        out["upgrade"] = alembic("upgrade", "head")  # an empty table: nothing to fill
        out["drift"] = asyncio.run(sql(drift))
        out["base"] = alembic("downgrade", "base")
    return out


def insert_rows(out):
    out["upgrade"] = alembic("upgrade", "head")
    from decimal import Decimal
    from sqlalchemy.ext.asyncio import async_sessionmaker
    from app.models.things import Thing

    async def insert():
        engine = create_async_engine(url)
        async with async_sessionmaker(engine)() as session:
            session.add(Thing(name="one"))
            session.add(Thing(name="two", note="kept", score=Decimal("1.25"), tags=["x"], nick="b"))
            session.add(Thing(name="three", tags=None))
            await session.commit()
        await engine.dispose()

    asyncio.run(insert())
results = {}
for name, url in urls.items():
    config.attributes["database_url"] = url
    results[name] = run(step)
print("RESULT " + json.dumps(results))
'''


def scenario(python: Path, root: Path, step: str, urls: dict[str, str]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run(
        [str(python), "-c", SCENARIO, step, json.dumps(urls)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("RESULT ")), None)
    if result.returncode != 0 or line is None:
        pytest.fail(f"step {step}: {result.returncode}\n{result.stdout}\n{result.stderr}")
    found: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return found


def expected_rows() -> list[dict[str, str]]:
    defaults = {
        "note": "n/a",
        "score": "9.50",
        "tags": "[]",
        "nick": "None",
        "status": "draft",
        "active": "True",
        "opens": "2024-02-29",
        "due": "2024-03-01 02:30:00+00:00",
        "meta": str({"a": [1, 2], "b": "it's"}),
        "rank": "3",
        "weight": "0.5",
        "code": CODE,
        "label": 'it\'s "quoted"',
    }
    two = {"note": "kept", "score": "1.25", "tags": "['x']", "nick": "b"}
    return [
        {"name": "one", **defaults},
        {"name": "three", **defaults},
        {"name": "two", **defaults, **two},
    ]


@pytest.mark.e2e
def test_rows_get_the_default_on_sqlite_and_postgresql(
    project_root: Path,
    alembic_python: Path,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    project = Project.find(project_root)
    databases = {"sqlite": f"sqlite+aiosqlite:///{tmp_path / 'fill.db'}"}
    name = f"mig_{uuid.uuid4().hex[:10]}"
    if postgres_admin(alembic_python, project_root, f'CREATE DATABASE "{name}"'):
        databases["postgresql"] = f"{POSTGRES.rsplit('/', 1)[0]}/{name}"
    try:
        # 0002: the table, and three rows in it.
        write_spec(project_root, "things", THINGS)
        generate_resources(project, ["things"], Options())
        found = scenario(alembic_python, project_root, "insert", databases)
        assert found == {db: {"upgrade": None} for db in databases}

        # 0003: optional fields made required and new required fields, all with defaults.
        write_spec(project_root, "things", with_defaults())
        assert generate_resources(project, ["things"], Options()).migration
        for db, found in scenario(alembic_python, project_root, "defaults", databases).items():
            assert found["upgrade"] is None, (db, found["upgrade"])
            rows = [{k: v for k, v in r.items() if k in expected_rows()[0]} for r in found["rows"]]
            assert rows == expected_rows(), db
            assert found["drift"] == "[]", db

        # 0004: nick made required without a default. Refused while a row has no nick and
        # nothing changed; once the rows have one, it runs.
        write_spec(project_root, "things", required(with_defaults(), "nick"))
        generate_resources(project, ["things"], Options())
        for db, found in scenario(alembic_python, project_root, "nick", databases).items():
            assert "RuntimeError: things.nick becomes NOT NULL, but some rows have none" in (
                found["refused"] or ""
            ), db
            assert found["before"]["version"] == "0003", db
            assert found["upgrade"] is None and found["after"]["version"] == "0004", db

        # 0005: level added required without a default. Refused while the table has rows,
        # before anything changed; on an empty table it runs.
        write_spec(project_root, "things", required(with_defaults(), "nick") + LEVEL)
        generate_resources(project, ["things"], Options())
        assert revisions(project_root)[-1] == "0005_update_things.py"
        for db, found in scenario(alembic_python, project_root, "level", databases).items():
            assert "RuntimeError: things has rows, and level is added NOT NULL" in (
                found["refused"] or ""
            ), db
            assert found["before"]["version"] == "0004", db
            assert "level" not in found["before"]["columns"], db
            assert found["down"] is None and found["count"] == 3, db
            assert found["refill"] is None, (db, found["refill"])
            assert found["upgrade"] is None and found["drift"] == "[]", db
            assert found["base"] is None, db
    finally:
        if "postgresql" in databases:
            postgres_admin(alembic_python, project_root, f'DROP DATABASE IF EXISTS "{name}"')
    if "postgresql" not in databases:
        pytest.skip(f"SQLite passed; PostgreSQL is not reachable at {POSTGRES}")
