"""The conformance suite passes a correct server and catches deliberate defects."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conformance.fake_server import DEFECTS, serve
from tests.conformance.suite import (
    Check,
    ConformanceError,
    checks,
    expect_envelope,
    make_client,
    run_conformance,
    same_value,
    unknown_id_like,
)
from tests.unit.fields import field

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
}

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
}

# Which checks each defect of the fake server must make fail, and nothing else.
EXPECTED_FAILURES = {
    "delete_returns_200": {"delete"},
    "plain_404_route": {"unknown_route"},
    "limit_not_capped": {"pagination_limit_over_max"},
    "no_unique": {"unique_author_email_on_create", "unique_author_email_on_patch"},
    "no_request_id": {"request_id_header"},
    "accepts_naive_datetime": {
        "create_invalid_seen_at_naive_datetime",
        "patch_invalid_seen_at_naive_datetime",
    },
    "patch_ignores_unknown": {"patch_unknown_field"},
    "no_allow_header": {"method_not_allowed"},
    "drops_timezone": {
        "create",
        "get",
        "patch",
        "patch_unknown_field",
        "patch_invalid_seen_at_naive_datetime",
        "patch_invalid_seen_at_not_a_datetime",
        "patch_invalid_seen_at_wrong_type",
        "patch_invalid_seen_at_number",
    },
    "ignores_min": {
        "create_invalid_rating_below_min",
        "create_invalid_score_below_min",
        "patch_invalid_rating_below_min",
        "patch_invalid_score_below_min",
    },
    "wrong_default_limit": {"list"},
}


def failures(base_url: str, spec: dict[str, Any]) -> dict[str, str]:
    return {r.name: r.detail for r in run_conformance(base_url, spec) if not r.passed}


@pytest.mark.parametrize("int_ids", [False, True], ids=["uuid_ids", "int_ids"])
@pytest.mark.parametrize("spec", [REVIEW, TAG], ids=["review", "tag"])
def test_every_check_passes_against_the_reference_server(
    spec: dict[str, Any], int_ids: bool
) -> None:
    with serve(spec, int_ids=int_ids) as base_url:
        assert failures(base_url, spec) == {}


def test_every_defect_is_listed() -> None:
    assert set(EXPECTED_FAILURES) == DEFECTS


@pytest.mark.parametrize("defect", sorted(EXPECTED_FAILURES))
def test_a_defect_fails_exactly_the_relevant_checks(defect: str) -> None:
    with serve(REVIEW, frozenset({defect})) as base_url:
        failed = failures(base_url, REVIEW)
    assert set(failed) == EXPECTED_FAILURES[defect], failed


def test_check_names_are_unique_and_cover_the_contract() -> None:
    names = [c.name for c in checks(REVIEW)]
    assert len(names) == len(set(names))
    for expected in (
        "list",
        "create",
        "get",
        "get_unknown_id",
        "patch",
        "patch_unknown_field",
        "patch_unknown_id",
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
        "create_invalid_seen_at_naive_datetime",
        "create_rating_missing",
    ):
        assert expected in names


def test_an_unreachable_server_fails_every_check_without_raising() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    results = run_conformance(f"http://127.0.0.1:{port}", TAG, timeout=2)
    assert results and not any(r.passed for r in results)
    assert all(r.detail for r in results)


# The pattern a caller uses to get one pytest test per check.
@pytest.fixture(scope="module")
def tag_client() -> Iterator[httpx.Client]:
    with serve(TAG) as base_url, make_client(base_url) as client:
        yield client


@pytest.mark.parametrize("check", checks(TAG), ids=lambda c: c.name)
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


def test_same_value_compares_semantically() -> None:
    assert same_value("datetime", "2024-01-15T10:30:00Z", "2024-01-15T12:30:00+02:00")
    assert not same_value("datetime", "2024-01-15T10:30:00Z", "2024-01-15T10:30:00")
    assert same_value("float", 0.1 + 0.2, 0.3)
    assert not same_value("float", 1.0, "1.0")
    assert not same_value("integer", 1, True)
    assert same_value(
        "uuid", "0008568A-D834-4624-A8F7-0BB08C5B5713", "0008568a-d834-4624-a8f7-0bb08c5b5713"
    )
    assert not same_value("date", "2024-01-15", "2024-01-15T00:00:00")
    assert same_value("string", None, None) and not same_value("string", "a", None)


def test_unknown_id_keeps_the_shape() -> None:
    assert unknown_id_like(7).isdigit()
    assert unknown_id_like("42").isdigit()
    other = unknown_id_like("0008568a-d834-4624-a8f7-0bb08c5b5713")
    assert len(other) == 36 and other != "0008568a-d834-4624-a8f7-0bb08c5b5713"
    assert len(unknown_id_like("ck_abc123")) == len("ck_abc123")
