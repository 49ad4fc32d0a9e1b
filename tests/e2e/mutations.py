"""Targeted mutations of the e2e project's generated code: each is a real defect of one kind
(a filter line dropped, a case-sensitive search, an off-by-one in a page, a rule not
enforced...), and each must make the resource's own generated tests fail.

A mutation replaces an exact text of one generated file. The text must occur exactly
`count` times: when a template changes so that it no longer does, the check fails (the
mutation is stale and must be brought up to date), so mutations never rot silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Mutation:
    id: str
    file: str  # generated file, relative to the project
    find: str  # exact text, found `count` times
    replace: str
    tests: tuple[str, ...]  # the generated test files that must fail
    # A `pytest -k` expression: the tests expected to fail, run first (the whole files run
    # only if these pass), so a killed mutation costs a few tests rather than a file.
    killer: str
    count: int = 1
    # Observable only on PostgreSQL: SQLite's LIKE (and lower()) ignore ASCII case anyway.
    postgresql_only: bool = False


class StaleMutation(AssertionError):
    """The text to replace is not in the generated file as many times as expected."""


def apply(mutation: Mutation, project: Path) -> None:
    path = project / mutation.file
    text = path.read_text(encoding="utf-8")
    found = text.count(mutation.find)
    if found != mutation.count:
        raise StaleMutation(
            f"{mutation.id}: expected {mutation.count} occurrence(s) of {mutation.find!r} "
            f"in {mutation.file}, found {found}"
        )
    path.write_text(text.replace(mutation.find, mutation.replace), encoding="utf-8")


def _drop_where(statement: str) -> str:
    """`statement = statement.where(...)` -> a no-op, keeping the `if` above it valid."""
    return statement.split("=", 1)[0] + "= statement"


COURSES = ("tests/test_courses.py",)
LESSONS = ("tests/test_lessons.py",)
REVIEWS = ("tests/test_reviews.py",)
PEOPLE = ("tests/test_people.py",)
ENROLLMENTS = ("tests/test_enrollments.py",)
PROGRESSES = ("tests/test_lesson_progresses.py",)
FLAGS = ("tests/test_flags.py",)

_VIEWS_GTE = "statement = statement.where(Course.views >= query.views_gte)"
_PRICE_LTE = "statement = statement.where(Course.price <= query.price_lte)"
_OWNER = "statement = statement.where(Review.owner_id == owner_id)"
_INCLUDE = "for relation in query.include:\n"
_SELECTIN = "            statement = statement.options(selectinload(RELATIONS[relation]))\n"

M = Mutation
MUTATIONS: list[Mutation] = [
    # ---------------------------------------------------------------- filters
    M(
        "filter-gte-dropped",
        "app/repositories/courses.py",
        _VIEWS_GTE,
        _drop_where(_VIEWS_GTE),
        COURSES,
        "test_filter_views_gte",
    ),
    M(
        "filter-lte-dropped",
        "app/repositories/courses.py",
        _PRICE_LTE,
        _drop_where(_PRICE_LTE),
        COURSES,
        "test_filter_price_lte",
    ),
    M(
        "filter-equality-negated",
        "app/repositories/courses.py",
        "Course.level == query.level",
        "Course.level != query.level",
        COURSES,
        "test_filter_level",
    ),
    # ---------------------------------------------------------------- search
    M(
        "search-case-sensitive",
        "app/repositories/courses.py",
        "Course.title.icontains(query.q, autoescape=True)",
        "Course.title.contains(query.q, autoescape=True)",
        COURSES,
        "test_search_ignores_case",
        postgresql_only=True,
    ),
    M(
        "search-second-field-dropped",
        "app/repositories/people.py",
        "                    Person.group.icontains(query.q, autoescape=True),\n",
        "",
        PEOPLE,
        "test_search_ignores_case",
    ),
    M(
        "search-wildcards-not-escaped",
        "app/repositories/people.py",
        "Person.name.icontains(query.q, autoescape=True)",
        "Person.name.icontains(query.q)",
        PEOPLE,
        "test_search_takes_wildcards_literally",
    ),
    # ---------------------------------------------------------------- sort and pages
    M(
        "sort-direction-ignored",
        "app/repositories/courses.py",
        "SORT_COLUMNS[key].desc() if descending else SORT_COLUMNS[key].asc()",
        "SORT_COLUMNS[key].asc()",
        COURSES,
        "test_list_sorts",
    ),
    M(
        "offset-page-off-by-one",
        "app/repositories/courses.py",
        "ordered.offset(params.offset)",
        "ordered.offset(max(params.offset - 1, 0))",
        COURSES,
        "test_list_paginates",
    ),
    M(
        "cursor-no-lookahead-row",
        "app/repositories/lessons.py",
        ".limit(query.limit + 1)",
        ".limit(query.limit)",
        LESSONS,
        "test_cursor_walk",
    ),
    M(
        "cursor-from-the-wrong-row",
        "app/repositories/lessons.py",
        "last = rows[query.limit - 1]",
        "last = rows[query.limit - 2]",
        LESSONS,
        "test_cursor_walk",
    ),
    M(
        "cursor-after-a-full-last-page",
        "app/repositories/lesson_progresses.py",
        "if len(rows) <= query.limit:",
        "if len(rows) < query.limit:",
        PROGRESSES,
        "test_cursor_walk",
    ),
    # ---------------------------------------------------------------- constraints
    M(
        "unique-not-enforced",
        "app/models/lessons.py",
        "            unique=True,\n",
        "",
        LESSONS,
        "test_unique_value_conflicts",
    ),
    M(
        "unique-conflict-is-500",
        "app/services/lessons.py",
        'UNIQUE = ["slug"]',
        "UNIQUE: list[str] = []",
        LESSONS,
        "test_unique_value_conflicts",
    ),
    M(
        "restrict-not-enforced",
        "app/models/enrollments.py",
        'ForeignKey("courses.id", ondelete="RESTRICT")',
        'ForeignKey("courses.id", ondelete="CASCADE")',
        ENROLLMENTS,
        "test_deleting_the_course_is_refused",
    ),
    # ---------------------------------------------------------------- validators
    M(
        "required-field-optional",
        "app/validators/courses.py",
        "    title: TextStr = Field(max_length=120)\n    level: CourseLevel\n",
        "    title: TextStr = Field(max_length=120)\n    level: CourseLevel | None = None\n",
        COURSES,
        "test_create_requires",
    ),
    M(
        "patch-null-allowed",
        "app/validators/courses.py",
        '@field_validator("title", "level", "price", "views")',
        '@field_validator("title", "price", "views")',
        COURSES,
        "test_update_rejects_null",
    ),
    M(
        "max-dropped-on-create",
        "app/validators/reviews.py",
        'rating: JsonInt = Field(ge=1, le=5, description="Stars from 1 to 5.")',
        'rating: JsonInt = Field(ge=1, description="Stars from 1 to 5.")',
        REVIEWS,
        "test_create_rejects_invalid_values",
    ),
    M(
        "max-dropped-on-update",
        "app/validators/reviews.py",
        "        ge=1,\n        le=5,\n",
        "        ge=1,\n",
        REVIEWS,
        "test_update_rejects_invalid_values",
    ),
    M(
        "strict-integer-dropped",
        "app/validators/types.py",
        "JsonInt = Annotated[int, BeforeValidator(_number)]",
        "JsonInt = int",
        COURSES,
        "test_create_rejects_invalid_values",
    ),
    # ---------------------------------------------------------------- relations
    M(
        "include-not-loaded-on-list",
        "app/repositories/enrollments.py",
        "        " + _INCLUDE + _SELECTIN,
        "",
        ENROLLMENTS,
        "test_include",
    ),
    # ---------------------------------------------------------------- soft delete
    M(
        "soft-delete-is-hard",
        "app/repositories/lessons.py",
        "lesson.deleted_at = utcnow()",
        "await self.session.delete(lesson)",
        LESSONS,
        "test_delete_only_marks",
    ),
    M(
        "list-shows-deleted",
        "app/repositories/lessons.py",
        "        statement = self._select()\n        if query.course_id",
        "        statement = select(Lesson)\n        if query.course_id",
        LESSONS,
        "test_delete_removes",
    ),
    # ---------------------------------------------------------------- cache and audit
    M(
        "cache-kept-after-save",
        "app/services/courses.py",
        "        await self.session.commit()\n        await self._drop_cached()\n\n"
        "    async def _check_refs",
        "        await self.session.commit()\n\n    async def _check_refs",
        COURSES,
        "test_a_write_is_visible_on_the_next_read",
    ),
    M(
        "child-cache-kept-after-parent-write",
        "app/services/courses.py",
        '        await self.cache.invalidate("lessons")\n',
        "",
        LESSONS,
        "test_deleting_the_course_deletes",
    ),
    M(
        "audit-of-delete-dropped",
        "app/services/reviews.py",
        '        await record(self.session, user, "delete", "reviews", review.id, before, None)\n',
        "",
        REVIEWS,
        "test_every_write_is_audited",
    ),
    # ---------------------------------------------------------------- authorization
    M(
        "owner-check-removed",
        "app/services/reviews.py",
        'raise ForbiddenError(f"you may not {action} this review")',
        "return",
        REVIEWS,
        "test_only_the_owner_may",
    ),
    M(
        "owner-check-removed-on-put",
        "app/services/reviews.py",
        "        review = await self.get(review_id)\n"
        '        self._allow(user, review, [], "change")\n'
        "        before = snapshot(review)\n"
        "        for name, value in data.model_dump().items():",
        "        review = await self.get(review_id)\n"
        "        before = snapshot(review)\n"
        "        for name, value in data.model_dump().items():",
        REVIEWS,
        "test_only_the_owner_may_update",
    ),
    # A flag's review is owned by its author: a flag may name, embed and sit under only a
    # review its user may read.
    M(
        "ref-to-unreadable-parent-accepted",
        "app/services/flags.py",
        "        if not await self._readable_review(review_id, user):\n"
        "            raise InvalidInputError(",
        "        if await ReviewRepository(self.session).get(review_id) is None:\n"
        "            raise InvalidInputError(",
        FLAGS,
        "test_review_id_must_be_a_review_the_writer_may_read",
    ),
    M(
        "include-embeds-unreadable-parent",
        "app/services/flags.py",
        '            flag = flag.model_copy(update={"review": None})\n',
        "            pass\n",
        FLAGS,
        "test_include_review_leaves_out_a_review_the_reader_may_not_read",
    ),
    M(
        "nested-route-under-unreadable-parent",
        "app/services/flags.py",
        "        if not await self._readable_review(review_id, user):\n"
        '            raise NotFoundError("review", review_id)',
        "        if await ReviewRepository(self.session).get(review_id) is None:\n"
        '            raise NotFoundError("review", review_id)',
        FLAGS,
        "under_a_review_the_user_may_not_read",
    ),
    # Deleting a course cascades to its lessons, which flags restrict: refused, not a 500.
    M(
        "restrict-through-cascade-not-enforced",
        "app/models/flags.py",
        'ForeignKey("lessons.id", ondelete="RESTRICT")',
        'ForeignKey("lessons.id", ondelete="SET NULL")',
        FLAGS,
        "test_deleting_the_course_of_its_lesson_is_refused",
    ),
    M(
        "owner-filter-on-list-dropped",
        "app/repositories/reviews.py",
        _OWNER,
        _drop_where(_OWNER),
        REVIEWS,
        "test_users_list_only_their_own",
    ),
    # ---------------------------------------------------------------- rate limits
    M(
        "rate-limit-not-applied",
        "app/routes.py",
        '    ("people", "5/minute", [people.router]),\n',
        "",
        PEOPLE,
        "rate_limit_of_their_own",
    ),
    M(
        "rate-limit-not-on-nested-route",
        "app/routes.py",
        "[lesson_progresses.router, lesson_progresses.person_router]",
        "[lesson_progresses.router]",
        PROGRESSES,
        "rate_limit_of_their_own",
    ),
    M(
        # The limiter matches scope["path"], which starts with the root path: the spec's
        # limit is skipped under `uvicorn --root-path`.
        "rate-limit-skipped-under-a-root-path",
        "app/middleware/paths.py",
        '    root: str = scope.get("root_path", "").rstrip("/")\n',
        '    root = ""\n',
        PEOPLE,
        "rate_limit_of_their_own",
    ),
]
