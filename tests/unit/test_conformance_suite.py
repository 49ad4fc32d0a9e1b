"""The conformance suite passes a correct server and catches deliberate defects."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conformance.fake_server import ADMIN_EMAIL, ADMIN_PASSWORD, DEFECTS, in_process, serve
from tests.conformance.specs import conformance_spec
from tests.conformance.suite import (
    Check,
    ConformanceError,
    auth_rate_limit_checks_for,
    checks,
    expect_envelope,
    login,
    make_client,
    rate_limit_checks_for,
    run_conformance,
    same_value,
    unknown_id_like,
)
from tests.unit.fields import field

ADMIN = (ADMIN_EMAIL, ADMIN_PASSWORD)

REVIEW = {
    "resource": "review",
    "plural": "reviews",
    "fields": {
        "rating": field("integer", min=1, max=5),
        "title": field("string", max_length=120, min_length=3),
        "body": field("text", required=False),
        "status": field("enum", values=["pending", "published", "hidden"], default="pending"),
        "author_email": field("email", unique=True),
        "score": field("float", min=0),
        "published_on": field("date", required=False),
        "seen_at": field("datetime", required=False),
        "ref_code": field("uuid", required=False),
        "featured": field("boolean", default=False),
    },
    "pagination": {"default_limit": 20, "max_limit": 100},
    "filter": [
        "rating",
        "title",
        "body",
        "status",
        "author_email",
        "score",
        "published_on",
        "seen_at",
        "ref_code",
        "featured",
    ],
    "search": ["title", "body"],
}

# REVIEW's filters that take _gte and _lte: numbers, dates, times and texts but `text`.
REVIEW_RANGES = ("rating", "title", "author_email", "score", "published_on", "seen_at")

TAG = {
    "resource": "tag",
    "plural": "tags",
    "fields": {
        "label": field("string", unique=True, max_length=2),
        "weight": field("integer"),
        "price": field("float", min=0, max=10, required=False),
        "token": field("uuid", unique=True),
    },
    "pagination": {"default_limit": 5, "max_limit": 10},
    "timestamps": False,
}


def _spec(resource: str, plural: str, fields: dict[str, Any], **rest: Any) -> dict[str, Any]:
    pagination = rest.pop("pagination", {"style": "offset", "default_limit": 20, "max_limit": 100})
    return {
        "resource": resource,
        "plural": plural,
        "fields": fields,
        "pagination": pagination,
        **rest,
    }


def _ref(to: str, relation: str, on_delete: str, **rest: Any) -> dict[str, Any]:
    return {"to": to, "relation": relation, "required": True, "on_delete": on_delete, **rest}


# Resources pointing at each other: editors' courses; soft-deleted lessons (cursor pages, a
# read_only field) whose children restrict, cascade or set_null; owners' notes, which only
# their owner may read, and attachments, which may only point at readable notes.
SCHOOL = {
    s["plural"]: s
    for s in [
        _spec(
            "course",
            "courses",
            {
                "title": field("string", max_length=120),
                "price": field("decimal", precision=8, scale=2, min=0),
                "opens_at": field("datetime", required=False),
                "code": field("string", unique=True, max_length=40),
            },
            # A cycle: lessons point at their course, a course at its featured lesson.
            refs={
                "featured_lesson_id": _ref("lessons", "featured_lesson", "set_null", required=False)
            },
            auth={"create": ["editor"], "update": ["editor"], "delete": ["editor"]},
            sort=["price", "created_at", "updated_at"],
            filter=["price", "code"],
            search=["code", "title"],
        ),
        _spec(
            "lesson",
            "lessons",
            {
                "title": field("string"),
                "slug": field("string", unique=True, max_length=80),
                "position": field("integer", min=1),
                "starts_at": field("datetime"),
                "views": field("integer", min=0, default=0, read_only=True),
            },
            refs={"course_id": _ref("courses", "course", "cascade", nested=True)},
            pagination={"style": "cursor", "default_limit": 5, "max_limit": 10},
            soft_delete=True,
            sort=["position", "starts_at", "created_at", "updated_at"],
            filter=["position", "starts_at"],
        ),
        _spec(
            "enrollment",
            "enrollments",
            {
                "student_email": field("email"),
                "status": field("enum", values=["active", "dropped"], default="active"),
            },
            refs={
                "course_id": _ref("courses", "course", "restrict"),
                "lesson_id": _ref("lessons", "lesson", "set_null", required=False),
            },
            filter=["status", "course_id"],
        ),
        _spec(
            "progress",
            "progresses",
            {"percent": field("float", min=0, max=100)},
            refs={"lesson_id": _ref("lessons", "lesson", "cascade")},
            rate_limit="3/minute",
        ),
        _spec(
            "quiz",
            "quizzes",
            {"question": field("string", max_length=200)},
            refs={"lesson_id": _ref("lessons", "lesson", "restrict")},
        ),
        _spec(
            "note",
            "notes",
            {"body": field("text"), "pinned": field("boolean", default=False)},
            auth={
                "list": ["owner", "moderator"],
                "read": ["owner", "moderator"],
                "update": ["owner"],
                "delete": ["owner", "moderator"],
            },
            rate_limit="4/minute",
        ),
        _spec(
            "attachment",
            "attachments",
            {"label": field("string", max_length=60)},
            refs={"note_id": _ref("notes", "note", "cascade", nested=True)},
        ),
    ]
}

# Which checks (resource:name) each defect of the fake server must make fail, and nothing
# else, among the checks of the resources named (api: the whole API's checks only).
EXPECTED_FAILURES: dict[str, tuple[dict[str, Any], str, set[str]]] = {
    "delete_returns_200": (
        REVIEW,
        "reviews",
        {"reviews:delete", "reviews:unique_author_email_free_after_delete"},
    ),
    "plain_404_route": (
        REVIEW,
        "reviews",
        {"reviews:unknown_route", "api:error_messages_in_vietnamese"},
    ),
    "limit_not_capped": (REVIEW, "reviews", {"reviews:pagination_limit_over_max"}),
    "no_unique": (
        REVIEW,
        "reviews",
        {"reviews:unique_author_email_on_create", "reviews:unique_author_email_on_patch"},
    ),
    "no_request_id": (REVIEW, "reviews", {"reviews:request_id_header", "api:request_id_echoed"}),
    "accepts_naive_datetime": (
        REVIEW,
        "reviews",
        {
            "reviews:create_invalid_seen_at_naive_datetime",
            "reviews:patch_invalid_seen_at_naive_datetime",
            "reviews:put_invalid_values",
        },
    ),
    "patch_ignores_unknown": (
        REVIEW,
        "reviews",
        {"reviews:patch_unknown_field", "reviews:auth_order_422_before_404"},
    ),
    "no_allow_header": (REVIEW, "reviews", {"reviews:method_not_allowed"}),
    "drops_timezone": (
        REVIEW,
        "reviews",
        {
            "reviews:create",
            "reviews:get",
            "reviews:patch",
            "reviews:patch_unknown_field",
            "reviews:patch_invalid_seen_at_naive_datetime",
            "reviews:patch_invalid_seen_at_not_a_datetime",
            "reviews:patch_invalid_seen_at_wrong_type",
            "reviews:patch_invalid_seen_at_number",
            "reviews:put",
            "reviews:put_invalid_values",
            "reviews:stored_form_on_create",
            "reviews:stored_form_on_patch",
            "reviews:stored_form_on_put",
        },
    ),
    "ignores_min": (
        REVIEW,
        "reviews",
        {
            "reviews:create_invalid_rating_below_min",
            "reviews:create_invalid_score_below_min",
            "reviews:patch_invalid_rating_below_min",
            "reviews:patch_invalid_score_below_min",
            "reviews:put_invalid_values",
        },
    ),
    "wrong_default_limit": (REVIEW, "reviews", {"reviews:list"}),
    "put_keeps_omitted": (REVIEW, "reviews", {"reviews:put_resets_omitted_fields"}),
    "unknown_id_before_validation": (REVIEW, "reviews", {"reviews:auth_order_422_before_404"}),
    "english_only": (
        REVIEW,
        "api",
        {"api:error_messages_in_vietnamese", "api:body_too_large"},
    ),
    "no_security_headers": (REVIEW, "api", {"api:security_headers"}),
    "lax_types": (
        REVIEW,
        "reviews",
        {
            "reviews:create_invalid_featured_boolean_string",
            "reviews:create_invalid_featured_number",
            "reviews:create_invalid_rating_numeric_string",
            "reviews:create_invalid_score_numeric_string",
            "reviews:patch_invalid_featured_boolean_string",
            "reviews:patch_invalid_featured_number",
            "reviews:patch_invalid_rating_numeric_string",
            "reviews:patch_invalid_score_numeric_string",
            "reviews:put_invalid_values",
        },
    ),
    "nonstored_form": (
        SCHOOL,
        "courses",
        {
            "courses:stored_form_on_create",
            "courses:stored_form_on_patch",
            "courses:stored_form_on_put",
        },
    ),
    "read_only_accepted": (
        SCHOOL,
        "lessons",
        {
            "lessons:read_only_views_refused_on_create",
            "lessons:read_only_views_refused_on_patch",
            "lessons:read_only_views_refused_on_put",
        },
    ),
    "crafted_cursor_500": (
        SCHOOL,
        "lessons",
        {
            "lessons:cursor_unstorable_created_at",
            "lessons:cursor_unstorable_position",
            "lessons:cursor_unstorable_starts_at",
            "lessons:cursor_unstorable_updated_at",
            "lessons:cursor_altered",
        },
    ),
    "unsigned_cursor": (SCHOOL, "lessons", {"lessons:cursor_altered"}),
    "deep_cursor_500": (SCHOOL, "lessons", {"lessons:cursor_too_long"}),
    "cursor_skips_ties": (
        SCHOOL,
        "lessons",
        {"lessons:cursor_walk_position_desc", "lessons:cursor_walk_starts_at_desc"},
    ),
    "next_cursor_on_last_page": (
        SCHOOL,
        "lessons",
        {
            f"lessons:cursor_walk_{key}{desc}"
            for key in ("position", "starts_at", "created_at", "updated_at")
            for desc in ("", "_desc")
        },
    ),
    "unknown_include_ignored": (
        SCHOOL,
        "lessons",
        {"lessons:include_unknown_on_list", "lessons:include_unknown_on_get"},
    ),
    "filter_ignored": (
        REVIEW,
        "reviews",
        {f"reviews:filter_{name}" for name in REVIEW["filter"]},
    ),
    "gte_exclusive": (
        REVIEW,
        "reviews",
        {f"reviews:filter_{name}_gte" for name in REVIEW_RANGES},
    ),
    "lte_ignored": (
        REVIEW,
        "reviews",
        {f"reviews:filter_{name}_lte" for name in REVIEW_RANGES},
    ),
    # `status_in=pending,not-a-value` reads `pending` only: no 422 either.
    "in_first_only": (
        REVIEW,
        "reviews",
        {"reviews:filter_status_in", "reviews:filter_status_invalid"},
    ),
    "filter_lax_types": (
        REVIEW,
        "reviews",
        {f"reviews:filter_{name}_invalid" for name in REVIEW["filter"]},
    ),
    "search_case_sensitive": (REVIEW, "reviews", {"reviews:search_title", "reviews:search_body"}),
    "search_first_field_only": (REVIEW, "reviews", {"reviews:search_body"}),
    "unknown_parent_500": (
        SCHOOL,
        "enrollments",
        {"enrollments:ref_course_id_unknown_id", "enrollments:ref_lesson_id_unknown_id"},
    ),
    "unreadable_parent_accepted": (
        SCHOOL,
        "attachments",
        {"attachments:ref_note_id_readable_parent"},
    ),
    "include_leaks_unreadable_parent": (
        SCHOOL,
        "attachments",
        {"attachments:include_note_only_if_readable"},
    ),
    "nested_under_unreadable_parent": (
        SCHOOL,
        "attachments",
        {"attachments:nested_note_id_unreadable_parent"},
    ),
    "restrict_ignored": (SCHOOL, "enrollments", {"enrollments:on_delete_course_id_restrict"}),
    "soft_delete_ignores_restrict": (
        SCHOOL,
        "quizzes",
        {"quizzes:soft_delete_on_delete_lesson_id_restrict"},
    ),
    "soft_delete_ignores_cascade": (
        SCHOOL,
        "progresses",
        {"progresses:soft_delete_on_delete_lesson_id_cascade"},
    ),
    "soft_delete_ignores_set_null": (
        SCHOOL,
        "enrollments",
        {"enrollments:soft_delete_on_delete_lesson_id_set_null"},
    ),
    "register_returns_hash": (
        SCHOOL,
        "api",
        {
            "auth:auth_me",
            "auth:auth_register",
            "users:users_get",
            "users:users_list",
            "users:users_patch",
        },
    ),
    "refresh_not_rotated": (
        SCHOOL,
        "api",
        {"auth:auth_refresh_rotates", "auth:auth_refresh_reuse_revokes_all"},
    ),
    "refresh_reuse_keeps_family": (SCHOOL, "api", {"auth:auth_refresh_reuse_revokes_all"}),
    "users_api_open": (
        SCHOOL,
        "api",
        {"users:users_admin_only", "users:users_roles_apply_next_request"},
    ),
    "admin_can_demote_self": (SCHOOL, "api", {"users:users_admin_keeps_own_admin"}),
    "roles_from_token": (SCHOOL, "api", {"users:users_roles_apply_next_request"}),
    "deactivated_user_keeps_access": (SCHOOL, "api", {"users:users_deactivation_signs_out"}),
    "validation_before_role": (SCHOOL, "courses", {"courses:auth_order_role_403_first"}),
    "owner_not_checked": (
        SCHOOL,
        "notes",
        {
            "notes:auth_read_without_role",
            "notes:auth_update_without_role",
            "notes:auth_delete_without_role",
            "notes:owner_read_others_refused",
            "notes:owner_update_others_refused",
            "notes:owner_delete_others_refused",
        },
    ),
    "owner_list_unfiltered": (SCHOOL, "notes", {"notes:owner_list_shows_own_records"}),
    "owner_id_from_body": (SCHOOL, "notes", {"notes:owner_id_not_writable"}),
    # Rate limits: see test_rate_limit_checks_catch_their_defects.
    "rate_limit_ignored": (
        SCHOOL,
        "rate limits",
        {
            "progresses:rate_limit_per_user",
            "progresses:rate_limit_anonymous",
            "notes:rate_limit_per_user",
        },
    ),
    "no_retry_after": (
        SCHOOL,
        "rate limits",
        {
            "progresses:rate_limit_per_user",
            "progresses:rate_limit_anonymous",
            "notes:rate_limit_per_user",
            "api:rate_limit_default_authenticated",
        },
    ),
    "auth_limit_by_token": (SCHOOL, "auth limit", {"api:rate_limit_auth_per_address"}),
    # Security.
    "no_body_limit": (REVIEW, "api", {"api:body_too_large"}),
    "any_host": (REVIEW, "api", {"api:untrusted_host"}),
    "tokens_cacheable": (REVIEW, "api", {"auth:auth_responses_not_stored"}),
    "logout_keeps_token": (REVIEW, "api", {"auth:auth_logout", "auth:auth_logout_all"}),
    "logout_all_one_token": (REVIEW, "api", {"auth:auth_logout_all"}),
    "common_password_accepted": (REVIEW, "api", {"auth:auth_register_invalid"}),
    "lookalike_emails": (REVIEW, "api", {"auth:auth_register_duplicate_email"}),
    "no_login_lockout": (REVIEW, "api", {"auth:auth_login_lockout"}),
    # Production settings: see test_production_checks_pass_against_the_reference_server.
    "docs_in_production": (REVIEW, "production", {"api:production_hides_documentation"}),
    "no_hsts": (REVIEW, "production", {"api:production_sends_hsts"}),
    "details_in_production": (REVIEW, "production", {"api:production_hides_details"}),
}
DEFAULT_AUTHENTICATED = "12/minute"
AUTH_LIMIT = "6/minute"
# The reference server runs in this process for most tests (an httpx WSGI transport: no
# socket, no thread), which keeps the hundreds of runs quick; the first test below and the
# parametrized ones use a real HTTP server.
IN_PROCESS = "http://fake.test"


def failures(
    base_url: str,
    specs: dict[str, Any],
    transport: httpx.BaseTransport | None = None,
    **options: Any,
) -> dict[str, str]:
    results = run_conformance(base_url, specs, admin=ADMIN, transport=transport, **options)
    assert results, "no check ran"
    return {f"{r.resource}:{r.name}": r.detail for r in results if not r.passed}


def rate_limit_failures(transport: httpx.BaseTransport, specs: dict[str, Any]) -> dict[str, str]:
    limited = rate_limit_checks_for(specs, default_authenticated=DEFAULT_AUTHENTICATED)
    return budget_failures(transport, limited)


def auth_limit_failures(transport: httpx.BaseTransport, specs: dict[str, Any]) -> dict[str, str]:
    return budget_failures(transport, auth_rate_limit_checks_for(specs, limit=AUTH_LIMIT))


def budget_failures(transport: httpx.BaseTransport, selected: list[Check]) -> dict[str, str]:
    """The failures of checks that spend rate-limit budgets, run as the admin."""
    out = {}
    headers = login(IN_PROCESS, *ADMIN, transport=transport)
    with make_client(IN_PROCESS, headers=headers, transport=transport) as client:
        for check in selected:
            try:
                check(client)
            except AssertionError as error:
                out[check.id] = str(error)
    return out


def test_every_check_passes_against_the_reference_server_over_http() -> None:
    with serve(REVIEW) as base_url:
        assert failures(base_url, REVIEW) == {}


@pytest.mark.parametrize(
    ("specs", "int_ids"),
    [(TAG, False), (TAG, True), (SCHOOL, False), (SCHOOL, True)],
    ids=["tag", "tag-int_ids", "school", "school-int_ids"],
)
def test_every_check_passes_against_the_reference_server(
    specs: dict[str, Any], int_ids: bool
) -> None:
    assert failures(IN_PROCESS, specs, in_process(specs, int_ids=int_ids)) == {}


def test_production_checks_pass_against_the_reference_server() -> None:
    transport = in_process(SCHOOL, production=True)
    assert failures(IN_PROCESS, SCHOOL, transport, production=True) == {}
    names = {c.name for c in checks(SCHOOL, production=True)} - {c.name for c in checks(SCHOOL)}
    assert names == {
        "production_hides_documentation",
        "production_sends_hsts",
        "production_hides_details",
    }


def test_the_auth_limit_check_passes_against_the_reference_server() -> None:
    assert auth_limit_failures(in_process(SCHOOL, auth_limit=AUTH_LIMIT), SCHOOL) == {}
    # Without a limit the check fails: it proves the limit, not the absence of errors.
    assert set(auth_limit_failures(in_process(SCHOOL), SCHOOL)) == {
        "api:rate_limit_auth_per_address"
    }


def test_rate_limit_checks_pass_against_the_reference_server() -> None:
    transport = in_process(SCHOOL, rate_limits=True, default_authenticated=DEFAULT_AUTHENTICATED)
    assert rate_limit_failures(transport, SCHOOL) == {}
    names = {c.id for c in rate_limit_checks_for(SCHOOL, default_authenticated="1/minute")}
    assert names == EXPECTED_FAILURES["no_retry_after"][2]
    assert not rate_limit_checks_for(REVIEW)


def test_every_defect_is_listed() -> None:
    assert set(EXPECTED_FAILURES) == DEFECTS


@pytest.mark.parametrize("defect", sorted(EXPECTED_FAILURES))
def test_a_defect_fails_exactly_the_relevant_checks(defect: str) -> None:
    specs, scope, expected = EXPECTED_FAILURES[defect]
    defects = frozenset({defect})
    if scope == "rate limits":
        transport = in_process(
            specs, defects, rate_limits=True, default_authenticated=DEFAULT_AUTHENTICATED
        )
        failed = rate_limit_failures(transport, specs)
    elif scope == "auth limit":
        failed = auth_limit_failures(in_process(specs, defects, auth_limit=AUTH_LIMIT), specs)
    elif scope == "production":
        transport = in_process(specs, defects, production=True)
        failed = failures(IN_PROCESS, specs, transport, only=[], production=True)
    else:
        only = [] if scope == "api" else [scope]
        failed = failures(IN_PROCESS, specs, in_process(specs, defects), only=only)
    assert set(failed) == expected, failed


def test_check_names_are_unique_and_cover_the_contract() -> None:
    ids = [c.id for c in checks(SCHOOL)]
    assert len(ids) == len(set(ids))
    names = {c.name for c in checks(REVIEW)}
    for expected in (
        "list",
        "create",
        "get",
        "get_unknown_id",
        "patch",
        "patch_unknown_field",
        "patch_unknown_id",
        "put",
        "delete",
        "create_unknown_field",
        "malformed_json",
        "unknown_route",
        "method_not_allowed",
        "pagination",
        "pagination_limit_over_max",
        "pagination_limit_zero",
        "pagination_page_zero",
        "unique_author_email_on_create",
        "request_id_header",
        "create_invalid_rating_below_min",
        "create_invalid_rating_numeric_string",
        "patch_invalid_featured_boolean_string",
        "create_invalid_seen_at_naive_datetime",
        "create_rating_missing",
        "stored_form_on_create",
        "auth_create_anonymous",
        "auth_register",
        "auth_refresh_reuse_revokes_all",
        "users_admin_keeps_own_admin",
        "error_messages_in_vietnamese",
    ):
        assert expected in names
    school = {c.id for c in checks(SCHOOL)}
    for expected in (
        "lessons:cursor_walk_position",
        "lessons:cursor_unstorable_starts_at",
        "lessons:cursor_of_another_sort",
        "lessons:include_course",
        "lessons:nested_course_id_create",
        "lessons:read_only_views_refused_on_put",
        "lessons:soft_delete_hides_the_record",
        "enrollments:on_delete_course_id_restrict",
        "enrollments:soft_delete_on_delete_lesson_id_set_null",
        "progresses:soft_delete_on_delete_lesson_id_cascade",
        "quizzes:soft_delete_on_delete_lesson_id_restrict",
        "attachments:ref_note_id_readable_parent",
        "attachments:include_note_only_if_readable",
        "courses:auth_order_role_403_first",
        "notes:owner_list_shows_own_records",
        "notes:auth_order_404_before_owner_403",
        "notes:auth_order_422_before_owner_403",
    ):
        assert expected in school
    with pytest.raises(ValueError, match="no spec"):
        checks(SCHOOL, only=["nope"])


def test_checks_can_be_chosen_by_resource() -> None:
    only = checks(SCHOOL, only=["quizzes"], api=False)
    assert only and {c.resource for c in only} == {"quizzes"}
    assert {c.resource for c in checks(SCHOOL, only=[])} == {"api", "auth", "users"}


def test_an_unreachable_server_fails_without_raising() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    results = run_conformance(url, TAG, admin=ADMIN, timeout=2)
    assert [r.name for r in results] == ["sign_in"] and not results[0].passed
    results = run_conformance(url, TAG, headers={"Authorization": "Bearer x"}, timeout=2)
    assert len(results) > 50 and not any(r.passed for r in results)
    assert all(r.detail for r in results)


def test_the_e2e_specs_become_suite_input() -> None:

    from generator.spec import load_spec

    specs = Path(__file__).resolve().parents[1] / "e2e" / "specs"
    lessons = conformance_spec(load_spec(specs / "lessons.yaml"))
    assert lessons["refs"] == {
        "course_id": {
            "to": "courses",
            "relation": "course",
            "required": True,
            "on_delete": "cascade",
            "nested": True,
        }
    }
    assert lessons["soft_delete"] is True and lessons["pagination"]["style"] == "cursor"
    assert lessons["sort"] == ["position", "starts_at", "created_at", "updated_at"]
    assert lessons["filter"] == ["course_id", "title", "published", "starts_at"]  # nested: a filter
    assert lessons["search"] == []
    reviews = conformance_spec(load_spec(specs / "reviews.yaml"))
    assert reviews["auth"]["update"] == ["owner"] and reviews["refs"] == {}
    people = conformance_spec(load_spec(specs / "people.yaml"))
    assert people["sort"] == ["name", "order", "id"] and people["rate_limit"] == "5/minute"
    assert people["filter"] == ["type", "group"] and people["search"] == ["name", "group"]


# The pattern a caller uses to get one pytest test per check.
@pytest.fixture(scope="module")
def tag_client() -> Iterator[httpx.Client]:
    with serve(TAG) as base_url, make_client(base_url, headers=login(base_url, *ADMIN)) as client:
        yield client


@pytest.mark.parametrize("check", checks(TAG), ids=lambda c: c.id)
def test_checks_are_parametrizable(check: Check, tag_client: httpx.Client) -> None:
    check(tag_client)


def _response(status: int, body: bytes, content_type: str = "application/json") -> httpx.Response:
    request = httpx.Request("GET", "http://test/api/v1/x")
    return httpx.Response(
        status, content=body, headers={"content-type": content_type}, request=request
    )


def test_expect_envelope_rejects_extra_keys_and_bad_errors() -> None:
    ok = b'{"success": true, "data": {"id": 1}, "error": null, "meta": null}'
    assert expect_envelope(_response(200, ok), 200)["data"] == {"id": 1}
    bad_bodies = [
        (200, b'{"success": true, "data": null, "error": null, "meta": null, "x": 1}'),
        (200, b'{"success": "yes", "data": null, "error": null, "meta": null}'),
        (404, b'{"success": false, "data": null, "error": {"code": "NOT_FOUND"}, "meta": null}'),
        (
            404,
            b'{"success": false, "data": null, "meta": null,'
            b' "error": {"code": "not found", "message": "m", "details": null}}',
        ),
        (404, b'{"detail": "Not Found"}'),
    ]
    for status, body in bad_bodies:
        with pytest.raises(ConformanceError):
            expect_envelope(_response(status, body), status)
    with pytest.raises(ConformanceError):
        expect_envelope(_response(201, ok), 200)
    with pytest.raises(ConformanceError):
        expect_envelope(_response(200, ok, "text/plain"), 200)
    cursor = (
        b'{"success": true, "data": [], "error": null, "meta": {"limit": 5, "next_cursor": null}}'
    )
    expect_envelope(_response(200, cursor), 200, is_list=True, style="cursor")
    with pytest.raises(ConformanceError):  # a cursor list has no page or total
        expect_envelope(_response(200, cursor), 200, is_list=True)


def test_same_value_compares_semantically() -> None:
    assert same_value("datetime", "2024-01-15T10:30:00Z", "2024-01-15T12:30:00+02:00")
    assert not same_value("datetime", "2024-01-15T10:30:00Z", "2024-01-15T10:30:00")
    assert same_value("float", 0.1 + 0.2, 0.3)
    assert not same_value("float", 1.0, "1.0")
    assert not same_value("integer", 1, True)
    assert same_value(
        "uuid", "0008568A-D834-4624-A8F7-0BB08C5B5713", "0008568a-d834-4624-a8f7-0bb08c5b5713"
    )
    assert same_value("ref", 7, "7")
    assert not same_value("date", "2024-01-15", "2024-01-15T00:00:00")
    assert same_value("string", None, None) and not same_value("string", "a", None)


def test_unknown_id_keeps_the_shape() -> None:
    assert unknown_id_like(7).isdigit()
    assert unknown_id_like("42").isdigit()
    other = unknown_id_like("0008568a-d834-4624-a8f7-0bb08c5b5713")
    assert len(other) == 36 and other != "0008568a-d834-4624-a8f7-0bb08c5b5713"
    assert len(unknown_id_like("ck_abc123")) == len("ck_abc123")


def _tag_pattern(tag: str) -> re.Pattern[str]:
    """`cursor_walk_<field>_desc` -> a regex of the check names it stands for (`a|b`
    alternatives, `<placeholder>` any name)."""
    out = ""
    for part in re.split(r"(<[a-z_]+>|[a-z0-9_]+(?:\|[a-z0-9_]+)+)", tag):
        if part.startswith("<"):
            out += "[a-z0-9_]+?"
        elif "|" in part:
            out += f"(?:{part})"
        else:
            out += re.escape(part)
    return re.compile(out + "$")


def test_every_check_is_named_in_the_contract() -> None:
    """docs/conventions.md names each check in `[brackets]` where it states the rule, and
    names no check the suite lacks: a stack's author reads which check proves what."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "conventions.md").read_text()
    tags = set(re.findall(r"`?\[([a-z0-9_<>|]+)\]`?", text)) - {"brackets", "below"}
    patterns = {tag: _tag_pattern(tag) for tag in tags}
    names: set[str] = set()
    for specs in (SCHOOL, REVIEW, TAG):
        for production in (False, True):
            names |= {c.name for c in checks(specs, production=production)}
        names |= {c.name for c in rate_limit_checks_for(specs, default_authenticated="1/minute")}
        names |= {c.name for c in auth_rate_limit_checks_for(specs)}
    unnamed = sorted(n for n in names if not any(p.match(n) for p in patterns.values()))
    assert unnamed == [], "checks the contract does not name"
    unknown = sorted(t for t, p in patterns.items() if not any(p.match(n) for n in names))
    assert unknown == [], "tags of checks the suite does not have"
