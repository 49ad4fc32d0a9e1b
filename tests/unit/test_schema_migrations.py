"""Schema snapshots, their diff, the revision files a run writes, and (end to end) that
`alembic upgrade head` on SQLite and PostgreSQL builds exactly what the models describe."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
import venv
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.commands.destroy import destroy_resources
from generator.commands.generate import Options, generate_resources
from generator.commands.project import Project
from generator.context import ResourceContext, build_contexts
from generator.schema.snapshot import SCHEMA_FILE, Operation, SchemaState, Table, diff, snapshot
from generator.spec import load_spec_text
from generator.stacks import load_stack

REPO = Path(__file__).resolve().parents[2]

COURSES = """\
resource: course
fields:
  title: {type: string, max_length: 120, sort: true}
  price: {type: decimal, precision: 8, scale: 2, required: false}
  level: {type: enum, values: [beginner, advanced], default: beginner}
"""
REVIEWS = """\
resource: review
fields:
  rating: {type: integer, min: 1, max: 5}
  body: {type: text}
  course: {type: ref, to: course, on_delete: cascade}
soft_delete: true
"""


def contexts(**specs: str) -> list[ResourceContext]:
    loaded = {}
    for plural, text in specs.items():
        path = f"specs/{plural}.yaml"
        loaded[plural] = (load_spec_text(text, path, plural), path)
    return list(build_contexts(loaded, load_stack("fastapi")).values())


def snap(**specs: str) -> dict[str, Any]:
    return snapshot(contexts(**specs))


def kinds(operations: list[Operation]) -> list[tuple[str, str]]:
    return [(op.kind, op.table) for op in operations]


def change(spec: str, old: str, new: str) -> str:
    assert old in spec
    return spec.replace(old, new)


# --- snapshot ---------------------------------------------------------------------------


def test_snapshot_describes_tables_columns_and_constraints() -> None:
    tables = snap(courses=COURSES, reviews=REVIEWS)["tables"]
    assert list(tables) == ["courses", "reviews"]
    courses = tables["courses"]
    columns = {c["name"]: c for c in courses["columns"]}
    assert list(columns) == ["id", "title", "price", "level", "created_at", "updated_at"]
    assert columns["title"] == {
        "name": "title",
        "type": "string",
        "length": 120,
        "precision": None,
        "scale": None,
        "nullable": False,
    }
    assert (columns["price"]["type"], columns["price"]["precision"]) == ("decimal", 8)
    assert columns["price"]["nullable"] is True
    assert columns["level"]["length"] == len("beginner")
    assert [i["name"] for i in courses["indexes"]] == ["ix_courses_created_at", "ix_courses_title"]
    assert courses["checks"] == [
        {"name": "ck_courses_level_values", "sql": "\"level\" IN ('beginner', 'advanced')"}
    ]
    reviews = tables["reviews"]
    assert reviews["foreign_keys"] == [
        {
            "name": "fk_reviews_course_id_courses",
            "columns": ["course_id"],
            "ref_table": "courses",
            "ref_columns": ["id"],
            "on_delete": "CASCADE",
        }
    ]
    assert "deleted_at" in [c["name"] for c in reviews["columns"]]
    assert json.loads(json.dumps(tables)) == tables  # plain data


# --- diff -------------------------------------------------------------------------------


def test_new_resources_are_created_parents_first() -> None:
    operations = diff({}, snap(courses=COURSES, reviews=REVIEWS))
    tables = [op.table for op in operations if op.kind == "create_table"]
    assert tables == ["courses", "reviews"]
    create = next(op for op in operations if op.table == "reviews")
    assert create.item["foreign_keys"][0]["ref_table"] == "courses"
    assert ("create_index", "reviews") in kinds(operations)


def test_no_change_no_operations() -> None:
    assert diff(snap(courses=COURSES), snap(courses=COURSES)) == []


def test_added_field_is_an_added_column() -> None:
    new = COURSES + "  summary: {type: text, required: false}\n"
    operations = diff(snap(courses=COURSES), snap(courses=new))
    assert kinds(operations) == [("add_column", "courses")]
    assert operations[0].item["name"] == "summary"


def test_removed_field_is_a_dropped_column() -> None:
    old = COURSES + "  summary: {type: text, required: false}\n"
    operations = diff(snap(courses=old), snap(courses=COURSES))
    assert kinds(operations) == [("drop_column", "courses")]
    assert operations[0].inverse().kind == "add_column"


def test_required_to_optional_alters_nullable() -> None:
    new = change(COURSES, "max_length: 120, sort: true}", "max_length: 120, required: false}")
    operations = diff(snap(courses=COURSES), snap(courses=new))
    alter = [op for op in operations if op.kind == "alter_column"]
    assert len(alter) == 1
    assert alter[0].old is not None
    assert (alter[0].old["nullable"], alter[0].item["nullable"]) == (False, True)


def test_changed_length_alters_the_type() -> None:
    new = change(COURSES, "max_length: 120", "max_length: 200")
    [alter] = diff(snap(courses=COURSES), snap(courses=new))
    assert alter.kind == "alter_column"
    assert (alter.old or {})["length"] == 120 and alter.item["length"] == 200


def test_new_filter_creates_an_index() -> None:
    new = change(COURSES, "price: {type: decimal,", "price: {type: decimal, filter: true,")
    operations = diff(snap(courses=COURSES), snap(courses=new))
    assert kinds(operations) == [("create_index", "courses")]
    assert operations[0].item["name"] == "ix_courses_price"


def test_unique_added_is_a_unique_constraint() -> None:
    new = change(COURSES, "max_length: 120, sort: true", "max_length: 120, unique: true")
    operations = diff(snap(courses=COURSES), snap(courses=new))
    # The plain index goes: a unique constraint indexes the column already.
    assert kinds(operations) == [("drop_index", "courses"), ("create_unique", "courses")]
    assert operations[1].item == {"name": "uq_courses_title", "columns": ["title"]}


def test_unique_with_soft_delete_holds_among_live_rows_only() -> None:
    email = "  email: {type: email, unique: true}\n"
    reviews = change(REVIEWS, "soft_delete", email + "soft_delete")
    operations = diff(
        snap(courses=COURSES, reviews=REVIEWS), snap(courses=COURSES, reviews=reviews)
    )
    index = {
        "name": "uq_reviews_email",
        "columns": ["email"],
        "unique": True,
        "where": "deleted_at IS NULL",
    }
    assert [(op.kind, op.item) for op in operations if op.kind != "add_column"] == [
        ("create_index", index)
    ]


def test_ref_added_is_a_column_a_foreign_key_and_an_index() -> None:
    plain = REVIEWS.replace("  course: {type: ref, to: course, on_delete: cascade}\n", "")
    operations = diff(snap(courses=COURSES, reviews=plain), snap(courses=COURSES, reviews=REVIEWS))
    assert [op.kind for op in operations] == ["add_column", "create_foreign_key", "create_index"]
    assert operations[1].item["on_delete"] == "CASCADE"


def test_changed_enum_values_replace_the_check() -> None:
    new = change(COURSES, "[beginner, advanced]", "[beginner, advanced, expert]")
    operations = diff(snap(courses=COURSES), snap(courses=new))
    assert [op.kind for op in operations] == ["drop_check", "create_check"]


def test_dropped_resources_go_children_first() -> None:
    operations = diff(snap(courses=COURSES, reviews=REVIEWS), {})
    tables = [op.table for op in operations if op.kind == "drop_table"]
    assert tables == ["reviews", "courses"]
    assert operations[0].kind == "drop_index"  # a table's indexes before the table


def test_inverse_undoes_every_operation() -> None:
    old = snap(courses=COURSES)
    new = snap(courses=COURSES, reviews=REVIEWS)
    forward = diff(old, new)
    backward = [op.inverse() for op in reversed(forward)]
    assert [op.kind for op in backward] == [op.kind for op in diff(new, old)]


def test_state_numbers_revisions() -> None:
    state = SchemaState.from_json(None)
    assert (state.head, state.next_number) == (None, 1)
    state = SchemaState({}, ["0001_create_courses", "0002_update_courses"])
    again = SchemaState.from_json(state.to_json())
    assert (again.head, again.next_number) == ("0002", 3)


# --- the generator writes revisions -----------------------------------------------------


def write_spec(root: Path, plural: str, text: str) -> None:
    (root / "specs" / f"{plural}.yaml").write_text(text, encoding="utf-8")


def revisions(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "migrations" / "versions").glob("*.py"))


def test_runs_write_one_numbered_revision_per_change(project_root: Path) -> None:
    project = Project.find(project_root)
    write_spec(project_root, "courses", COURSES)
    write_spec(project_root, "reviews", REVIEWS)

    dry = generate_resources(project, ["courses", "reviews"], Options(dry_run=True))
    # 0001 is the project template's own (users, refresh tokens, audit log).
    assert dry.migration == "migrations/versions/0002_create_courses_reviews.py"
    assert revisions(project_root) == ["0001_project_tables.py"]

    first = generate_resources(project, ["courses", "reviews"], Options())
    assert first.migration == dry.migration
    text = (project_root / first.migration).read_text(encoding="utf-8")
    assert 'revision: str = "0002"' in text and 'down_revision: str | None = "0001"' in text
    compile(text, first.migration, "exec")

    assert generate_resources(project, ["courses"], Options()).migration is None

    write_spec(project_root, "courses", COURSES + "  summary: {type: text, required: false}\n")
    second = generate_resources(project, ["courses"], Options())
    assert second.migration == "migrations/versions/0003_update_courses.py"
    text = (project_root / second.migration).read_text(encoding="utf-8")
    assert 'down_revision: str | None = "0002"' in text
    assert "batch_op.add_column" in text and "batch_op.drop_column" in text

    # Revisions are the user's: an edit survives the next run and is not in the manifest.
    edited = project_root / first.migration
    edited.write_text(edited.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    generate_resources(project, ["courses"], Options())
    assert edited.read_text(encoding="utf-8").endswith("# reviewed\n")
    manifest = json.loads((project_root / ".scaffold" / "manifest.json").read_text())
    assert not [p for p in manifest["files"] if p.startswith("migrations/")]

    state = SchemaState.from_json((project_root / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert state.revisions == [
        "0001_project_tables",
        "0002_create_courses_reviews",
        "0003_update_courses",
    ]

    result = destroy_resources(project, ["reviews"])
    assert result.migration == "migrations/versions/0004_drop_reviews.py"
    text = (project_root / result.migration).read_text(encoding="utf-8")
    assert 'op.drop_table("reviews")' in text and "op.create_table(" in text  # downgrade


def test_same_specs_give_the_same_revision(project_root: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(project_root, other)
    texts = []
    for root in (project_root, other):
        write_spec(root, "courses", COURSES)
        write_spec(root, "reviews", REVIEWS)
        result = generate_resources(Project.find(root), ["courses", "reviews"], Options())
        assert result.migration is not None
        texts.append((root / result.migration).read_text(encoding="utf-8"))
    assert texts[0] == texts[1]


# --- end to end: alembic on SQLite and PostgreSQL ---------------------------------------

VENV_PACKAGES = [
    "alembic>=1.16",
    "sqlalchemy[asyncio]>=2.1",
    "aiosqlite>=0.20",
    "asyncpg>=0.29",
    "pydantic>=2.11",
    "pydantic-settings>=2.3",
    "email-validator>=2.1",
    "fastapi>=0.115",
]
POSTGRES = os.environ.get(
    "SCAFFOLD_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)

# Run in the project's venv: the drift between the migrated database and the models.
COMPARE = """
import asyncio, sys
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine
from app.models import import_models
from app.models.base import Base

async def main(url):
    import_models()
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        found = await connection.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
        )
    await engine.dispose()
    print(repr(found))

asyncio.run(main(sys.argv[1]))
"""

# Run in the project's venv: create or drop a scratch PostgreSQL database.
ADMIN = """
import asyncio, sys
import asyncpg

async def main(dsn, statement):
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    if result.returncode != 0:
        pytest.fail(f"{' '.join(args)}: {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def alembic_python() -> Path:
    """A small venv with what the project's migrations need, kept in .cache/ between runs."""
    key = hashlib.sha256("\n".join(VENV_PACKAGES).encode()).hexdigest()[:12]
    folder = REPO / ".cache" / f"migrations-venv-{key}"
    python = folder / "bin" / "python"
    folder.parent.mkdir(exist_ok=True)
    # Test files on other xdist workers use it too: one of them builds it.
    with open(folder.parent / "migrations-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".complete").exists():
            shutil.rmtree(folder, ignore_errors=True)
            venv.create(folder, with_pip=True)
            run([str(python), "-m", "pip", "install", "-q", *VENV_PACKAGES], REPO)
            (folder / ".complete").touch()
    return python


def migrate_and_compare(python: Path, root: Path, url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(root)}
    alembic = [str(python), "-m", "alembic"]
    run([*alembic, "upgrade", "head"], root, env)
    assert run([str(python), "-c", COMPARE, url], root, env).strip() == "[]"
    run([*alembic, "downgrade", "base"], root, env)
    run([*alembic, "upgrade", "head"], root, env)  # and up again from nothing


def postgres_admin(python: Path, root: Path, statement: str) -> bool:
    dsn = POSTGRES.replace("postgresql+asyncpg://", "postgresql://")
    result = subprocess.run(
        [str(python), "-c", ADMIN, dsn, statement],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return result.returncode == 0


@pytest.mark.e2e
def test_alembic_builds_what_the_models_describe(tmp_path: Path, alembic_python: Path) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    scaffold = [sys.executable, "-m", "generator"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run([*scaffold, "new", "demo", "--no-input"], workdir, env)
    root = workdir / "demo"
    write_spec(root, "courses", COURSES)
    write_spec(root, "reviews", REVIEWS)
    run([*scaffold, "resource", "courses", "reviews"], root, env)
    reviews = REVIEWS.replace("  body: {type: text}\n", "")  # drop a field
    email = "  email: {type: email, required: false, unique: true, filter: true}\n"
    reviews = change(reviews, "soft_delete", email + "soft_delete")
    write_spec(root, "reviews", reviews)
    courses = change(COURSES, "max_length: 120, sort: true", "max_length: 150, filter: true")
    write_spec(root, "courses", courses + "  starts: {type: datetime}\n")
    run([*scaffold, "resource", "courses", "reviews"], root, env)
    assert revisions(root) == [
        "0001_project_tables.py",
        "0002_create_courses_reviews.py",
        "0003_update_courses_reviews.py",
    ]

    migrate_and_compare(alembic_python, root, f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")

    name = f"scaffold_mig_{uuid.uuid4().hex[:8]}"
    if not postgres_admin(alembic_python, root, f'CREATE DATABASE "{name}"'):
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES}")
    try:
        base = POSTGRES.rsplit("/", 1)[0]
        migrate_and_compare(alembic_python, root, f"{base}/{name}")
    finally:
        postgres_admin(alembic_python, root, f'DROP DATABASE IF EXISTS "{name}"')


def test_cyclic_refs_are_created_and_dropped_in_steps() -> None:
    a = "resource: author\nfields:\n  name: {type: string}\n"
    a += "  best: {type: ref, to: book, required: false}\n"
    b = "resource: book\nfields:\n  title: {type: string}\n  author: {type: ref, to: author}\n"
    new = snap(authors=a, books=b)
    operations = diff({}, new)
    assert [op.kind for op in operations if "table" in op.kind or "foreign" in op.kind] == [
        "create_table",
        "create_table",
        "create_foreign_key",
    ]
    back = diff(new, {})
    assert [op.kind for op in back if "table" in op.kind or "foreign" in op.kind] == [
        "drop_foreign_key",
        "drop_table",
        "drop_table",
    ]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(
    st.dictionaries(st.text(), st.dictionaries(st.text(), _JSON, max_size=3), max_size=4),
    st.lists(st.text(), max_size=3),
)
def test_the_recorded_schema_reads_back_as_written(
    tables: dict[str, Table], revisions: list[str]
) -> None:
    """One table a line, as JSON still: json reads back what to_json wrote."""
    text = SchemaState(tables, revisions).to_json()
    assert json.loads(text) == {"version": 1, "revisions": revisions, "tables": tables}
    assert len(text.splitlines()) == 7 + len(tables) + len(revisions) - (not tables) - (
        not revisions
    )
