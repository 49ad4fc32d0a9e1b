"""Rendered resources, imported: the schemas accept the samples and refuse the invalid cases,
names reserved in the stack are aliased in code while the API keeps them, every file parses."""

from __future__ import annotations

import ast
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from generator.errors import SpecError
from generator.types.numbers import MAX_DECIMAL_PRECISION
from tests.unit.resources import (
    COURSES,
    LESSON_PROGRESSES,
    LESSONS,
    contexts,
    generated_app,
    import_module,
    render,
)

NOW = datetime(2024, 1, 15, 10, 30, tzinfo=UTC)

RESERVED = (
    "fields:\n"
    "  title: string\n"
    "  class: {type: enum, values: [core, extra], filter: true, sort: true}\n"
    "  metadata: {type: string, filter: true}\n"
    "  from: {type: date, required: false}\n"
    "search: [metadata]\n"
)

NEW_TYPES = (
    "fields:\n"
    "  views: {type: bigint, filter: true, sort: true}\n"
    "  small: {type: bigint, min: -3, max: 3}\n"
    "  price: {type: decimal, precision: 6, scale: 2, min: 0, filter: true}\n"
    "  ratio: {type: decimal, precision: 4, scale: 4}\n"
    "  site: {type: url, filter: true}\n"
    "  data: json\n"
    "  extra: {type: json, required: false}\n"
)


def schemas(tmp_path: Path, specs: dict[str, str], plural: str) -> Any:
    """The validators module of ``plural``, rendered and imported."""
    files = render(specs)
    with generated_app(tmp_path, files):
        return import_module(f"app.validators.{plural}")


def valid(model: type[BaseModel], data: dict[str, Any]) -> bool:
    try:
        model.model_validate(data)
    except ValidationError:
        return False
    return True


# --- every file parses ---------------------------------------------------------------------

EVERYTHING = {
    "courses": COURSES + "  price: {type: decimal, filter: true, sort: true}\nsoft_delete: true\n",
    "lessons": LESSONS + "pagination: {style: cursor}\n",
    "lesson_progresses": LESSON_PROGRESSES,
    "categories": (
        "fields:\n  name: {type: string, sort: true}\n  data: json\n"
        "  parent: {type: ref, to: category, required: false, on_delete: set_null, nested: true}\n"
        "search: [name]\n"
    ),
    "reviews": RESERVED,
    "items": NEW_TYPES,
}


def test_every_rendered_file_parses() -> None:
    files = render(EVERYTHING)
    assert len(files) == 6 * len(EVERYTHING) + 1
    for path, text in files.items():
        ast.parse(text, path)


def test_nested_routers_are_wired() -> None:
    routes = render(EVERYTHING)["app/routes.py"]
    assert "api_router.include_router(lessons.course_router)" in routes
    assert "api_router.include_router(categories.parent_router)" in routes
    assert "lesson_progresses.lesson_router" not in routes  # not nested


# --- names reserved in the stack -----------------------------------------------------------


def test_reserved_names_are_aliased_in_the_schemas(tmp_path: Path) -> None:
    module = schemas(tmp_path, {"reviews": RESERVED}, "reviews")
    body = {"title": "t", "class": "core", "metadata": "m", "from": "2024-01-15"}
    created = module.ReviewCreate.model_validate(body)
    assert (created.class_, created.metadata_, str(created.from_)) == ("core", "m", "2024-01-15")
    # The service hands model_dump() to the model (attributes); the API shows the names.
    assert created.model_dump() == {
        "title": "t",
        "class_": "core",
        "metadata_": "m",
        "from_": created.from_,
    }
    assert set(created.model_dump(by_alias=True)) == {"title", "class", "metadata", "from"}
    assert not valid(module.ReviewCreate, {"title": "t", "class_": "core", "metadata_": "m"})
    assert module.ReviewUpdate.model_validate({"class": "extra"}).model_dump(
        exclude_unset=True
    ) == {"class_": "extra"}


def test_reserved_names_are_read_from_the_model_and_shown_as_written(tmp_path: Path) -> None:
    module = schemas(tmp_path, {"reviews": RESERVED}, "reviews")
    row = SimpleNamespace(
        id=uuid.uuid4(),
        title="t",
        class_="core",
        metadata_="m",
        from_=None,
        created_at=NOW,
        updated_at=NOW,
    )
    shown = module.ReviewRead.model_validate(row).model_dump(mode="json", by_alias=True)
    assert {key: shown[key] for key in ("class", "metadata", "from")} == {
        "class": "core",
        "metadata": "m",
        "from": None,
    }


def test_reserved_names_filter_and_sort_by_their_api_name(tmp_path: Path) -> None:
    module = schemas(tmp_path, {"reviews": RESERVED}, "reviews")
    query = module.ReviewListQuery.model_validate(
        {"class": "core", "metadata": "m", "sort": "-class"}
    )
    assert (query.class_, query.metadata_, query.sort_keys) == ("core", "m", [("class", True)])
    assert not valid(module.ReviewListQuery, {"class_": "core"})


def test_in_filter_of_a_reserved_name_takes_its_api_name(tmp_path: Path) -> None:
    module = schemas(tmp_path, {"reviews": RESERVED}, "reviews")
    query = module.ReviewListQuery.model_validate({"class_in": "core,extra"})
    assert query.class__in == ["core", "extra"]


def test_reserved_names_keep_their_column_names(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    with generated_app(tmp_path, render({"reviews": RESERVED})):
        review = import_module("app.models.reviews").Review
        columns = review.__table__.columns
        assert {"class", "metadata", "from"} <= set(columns.keys())
        assert review.class_.property.columns[0] is columns["class"]
        assert review.metadata_.property.columns[0] is columns["metadata"]
        constraints = {c.name for c in review.__table__.constraints}
        assert "class_values" in str(constraints)


@pytest.mark.parametrize(
    ("fields", "where", "problem"),
    [
        # `class` and `metadata` would be the relation's attribute: not valid Python, and
        # reserved by SQLAlchemy's declarative base.
        ("  class: {type: ref, to: course}\n", "lessons.yaml:2:3", "cannot be named `class`"),
        ("  metadata: {type: ref, to: course}\n", "lessons.yaml:2:3", "cannot be named `metadata`"),
        # Two nested refs to one parent would both take /courses/{id}/lessons.
        (
            "  main: {type: ref, to: course, nested: true}\n"
            "  extra: {type: ref, to: course, nested: true}\n",
            "lessons.yaml:3:3",
            "only one ref to course can be nested",
        ),
    ],
    ids=["keyword", "reserved", "nested-twice"],
)
def test_a_ref_that_cannot_be_generated_is_refused_where_it_is_written(
    fields: str, where: str, problem: str
) -> None:
    with pytest.raises(SpecError) as error:
        render({"courses": COURSES, "lessons": "fields:\n" + fields})
    assert where in str(error.value) and problem in str(error.value)


# --- the new types -------------------------------------------------------------------------


def test_new_type_samples_are_accepted_and_invalid_cases_refused(tmp_path: Path) -> None:
    module = schemas(tmp_path, {"items": NEW_TYPES}, "items")
    samples = contexts({"items": NEW_TYPES})["items"].samples
    create = module.ItemCreate
    for payload in samples["payloads"]:
        assert valid(create, payload), payload
    assert valid(create, samples["required_payload"])
    assert valid(module.ItemUpdate, samples["update_payload"])
    reasons = set()
    for case in samples["invalid"]:
        assert not valid(create, {**samples["payloads"][0], case.field: case.value}), case
        reasons.add(case.reason)
    assert {
        "views_above_int64_range",
        "views_below_int64_range",
        "small_above_max",
        "price_too_many_places",
        "price_too_many_digits",
        "price_below_min",
        "ratio_too_many_digits",
        "site_not_a_url",
        "site_not_http",
        "data_null",
    } <= reasons
    assert "extra_null" not in reasons


def test_a_required_json_field_refuses_null_and_an_optional_one_takes_it(
    tmp_path: Path,
) -> None:
    module = schemas(tmp_path, {"items": NEW_TYPES}, "items")
    payload = contexts({"items": NEW_TYPES})["items"].samples["payloads"][0]
    assert not valid(module.ItemCreate, {**payload, "data": None})
    assert valid(module.ItemCreate, {**payload, "extra": None})
    for value in (0, "text", [1, {"a": None}], {"nested": {"list": []}}, False):
        assert module.ItemCreate.model_validate({**payload, "data": value}).data == value


def test_decimals_are_exact_and_urls_kept_as_sent(tmp_path: Path) -> None:
    module = schemas(tmp_path, {"items": NEW_TYPES}, "items")
    payload = contexts({"items": NEW_TYPES})["items"].samples["payloads"][0]
    body = {**payload, "price": "1234.50", "site": "https://Example.com/a?b=1"}
    created = module.ItemCreate.model_validate(body)
    assert created.price == Decimal("1234.50")
    assert created.site == "https://Example.com/a?b=1"
    query = module.ItemListQuery.model_validate({"views_gte": str(2**62), "price_lte": "9.99"})
    assert (query.views_gte, query.price_lte) == (2**62, Decimal("9.99"))


def test_the_largest_decimal_of_the_widest_precision_is_exact_on_sqlite(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    from sqlalchemy.dialects import sqlite

    with generated_app(tmp_path, {}):
        column = import_module("app.models.base").ExactDecimal(MAX_DECIMAL_PRECISION, 2)
        dialect = sqlite.dialect()
        for text in ("9999999999999.99", "-1234567890123.45", "0.01"):
            stored = column.process_bind_param(Decimal(text), dialect)
            assert column.process_result_value(stored, dialect) == Decimal(text), text


def test_an_included_parent_that_is_soft_deleted_reads_as_absent(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    courses = COURSES + "soft_delete: true\n"
    lessons = "resource: lesson\nfields:\n  course: {type: ref, required: false}\n"
    with generated_app(tmp_path, render({"courses": courses, "lessons": lessons})):
        course_model = import_module("app.models.courses").Course
        lesson_model = import_module("app.models.lessons").Lesson
        course = course_model(title="kept")
        lesson = lesson_model(course=course)
        assert lesson.included_course is course
        course.deleted_at = NOW
        assert lesson.included_course is None


TEAMS = (
    "resource: team\nfields:\n  name: string\n"
    "  captain: {type: ref, to: member, required: false, on_delete: set_null}\n"
)
MEMBERS = "resource: member\nfields:\n  name: string\n  team: {type: ref, on_delete: cascade}\n"


@pytest.mark.parametrize("first", ["teams", "members"])
def test_resources_that_embed_each_other_import_in_either_order(tmp_path: Path, first: str) -> None:
    with generated_app(tmp_path, render({"teams": TEAMS, "members": MEMBERS})):
        import_module(f"app.validators.{first}")
        team_read = import_module("app.validators.teams").TeamRead
        member_read = import_module("app.validators.members").MemberRead
        stamps = {"created_at": NOW, "updated_at": NOW}
        team = {"id": str(uuid.uuid4()), "name": "a", "captain_id": None, **stamps}
        member = {"id": str(uuid.uuid4()), "name": "b", "team_id": team["id"], **stamps}
        embedded = member_read.model_validate({**member, "included_team": team})
        assert embedded.team is not None and embedded.team.name == "a"
        assert team_read.model_validate({**team, "included_captain": member}).captain.name == "b"
