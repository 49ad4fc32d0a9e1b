import io
import json
import logging
from typing import Annotated

import pytest
from fastapi import APIRouter, FastAPI, Query
from httpx import AsyncClient
from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.config import Settings
from app.main import create_app
from app.utils.errors import NotFoundError
from app.utils.logs import JsonFormatter
from app.validators.types import TextStr


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    rating: int


class Note(BaseModel):
    """Messages worth checking: an optional text's length, a validator's own message."""

    model_config = ConfigDict(extra="forbid")

    title: TextStr | None = Field(default=None, max_length=5)
    body: TextStr = Field(default="", min_length=0)

    @field_validator("body")
    @classmethod
    def _not_shouting(cls, value: str) -> str:
        if value.isupper():
            raise ValueError("must not shout")
        return value


@pytest.fixture(scope="module")
def app(settings: Settings) -> FastAPI:
    """An application of its own, plus a few test-only routes that fail in different ways."""
    application = create_app(settings)
    router = APIRouter(prefix="/test")

    @router.post("/items", status_code=201)
    async def create_item(item: Item) -> Item:
        return item

    @router.post("/notes", status_code=201)
    async def create_note(note: Note) -> Note:
        return note

    @router.get("/items")
    async def list_items(limit: Annotated[int, Query(ge=1, le=100)] = 20) -> list[Item]:
        return []

    @router.get("/items/{item_id}")
    async def get_item(item_id: int) -> Item:
        raise NotFoundError("item", item_id)

    @router.get("/crash")
    async def crash() -> None:
        raise RuntimeError("password=hunter2 in SELECT * FROM secrets")

    application.include_router(router)
    return application


def failure(code: str, message: str, details: object = None) -> dict[str, object]:
    return {
        "success": False,
        "data": None,
        "error": {"code": code, "message": message, "details": details},
        "meta": None,
    }


async def test_unknown_route_is_a_not_found_envelope(client: AsyncClient) -> None:
    response = await client.get("/nope")

    assert response.status_code == 404
    assert response.json() == failure("NOT_FOUND", "Not Found")


async def test_wrong_method_is_a_405_envelope_with_allow(client: AsyncClient) -> None:
    response = await client.post("/health")

    assert response.status_code == 405
    assert response.json() == failure("METHOD_NOT_ALLOWED", "Method Not Allowed")
    assert "GET" in response.headers["allow"]


async def test_a_405_allows_every_method_of_the_path(client: AsyncClient) -> None:
    response = await client.delete("/test/items")

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


async def test_app_error_keeps_its_status_and_code(client: AsyncClient) -> None:
    response = await client.get("/test/items/42")

    assert response.status_code == 404
    assert response.json() == failure("NOT_FOUND", "item 42 was not found")


async def test_malformed_json_is_a_bad_request(client: AsyncClient) -> None:
    response = await client.post(
        "/test/items",
        content=b'{"name": "chess",',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "BAD_REQUEST"
    assert error["message"] == "Malformed JSON body"


async def test_invalid_body_lists_each_field(client: AsyncClient) -> None:
    response = await client.post(
        "/test/items", json={"name": "chess", "rating": "high", "colour": "red"}
    )

    assert response.status_code == 422
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "VALIDATION_ERROR"
    fields = {(d["field"], d["type"]) for d in body["error"]["details"]}
    assert fields == {("rating", "int_parsing"), ("colour", "extra_forbidden")}


async def test_invalid_query_parameter_is_named(client: AsyncClient) -> None:
    response = await client.get("/test/items", params={"limit": 0})

    assert response.status_code == 422
    [detail] = response.json()["error"]["details"]
    assert detail["field"] == "limit"
    assert detail["type"] == "greater_than_equal"


async def test_production_withholds_details(app: FastAPI, client: AsyncClient) -> None:
    settings = app.state.settings
    app.state.settings = settings.model_copy(update={"environment": "production"})
    try:
        response = await client.post("/test/items", json={"name": "chess"})
    finally:
        app.state.settings = settings

    assert response.status_code == 422
    assert response.json() == failure("VALIDATION_ERROR", "Request validation failed")


async def test_unhandled_error_is_a_500_without_internals(
    client: AsyncClient,
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logging.getLogger("app").addHandler(handler)
    try:
        response = await client.get("/test/crash")
    finally:
        logging.getLogger("app").removeHandler(handler)

    assert response.status_code == 500
    assert response.json() == failure("INTERNAL_ERROR", "Internal server error")
    assert "hunter2" not in response.text
    request_id = response.headers["x-request-id"]
    log_entry = json.loads(stream.getvalue().splitlines()[0])
    assert log_entry["request_id"] == request_id
    assert "RuntimeError" in log_entry["exception"]


async def test_request_id_is_echoed(client: AsyncClient) -> None:
    response = await client.get("/health", headers={"X-Request-ID": "abc-123"})

    assert response.headers["x-request-id"] == "abc-123"


@pytest.mark.parametrize("incoming", ["", "has spaces", "x" * 200])
async def test_unsafe_request_id_is_replaced(
    client: AsyncClient, incoming: str
) -> None:
    response = await client.get("/health", headers={"X-Request-ID": incoming})

    request_id = response.headers["x-request-id"]
    assert request_id != incoming
    assert len(request_id) == 32


async def test_messages_say_what_a_person_needs(client: AsyncClient) -> None:
    """No "items" for the length of a text, no "Value error, " before a rule's message."""
    response = await client.post("/test/notes", json={"title": "x" * 6, "body": "LOUD"})
    assert response.status_code == 422
    messages = {d["field"]: d["message"] for d in response.json()["error"]["details"]}
    assert messages == {
        "title": "String should have at most 5 characters",
        "body": "must not shout",
    }
