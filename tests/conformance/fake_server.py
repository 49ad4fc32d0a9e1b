"""A tiny in-memory reference server for one resource, used to test the conformance suite.

It implements the contract of CONVENTIONS.md with the standard library only. ``defects``
switches on deliberate bugs so the suite can be shown to catch them (see ``DEFECTS``).
"""

from __future__ import annotations

import json
import math
import re
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DEFECTS = frozenset(
    {
        "delete_returns_200",  # DELETE answers 200 with an envelope instead of 204
        "plain_404_route",  # unknown routes get a bare {"detail": ...} body
        "limit_not_capped",  # limit above max_limit is accepted
        "no_unique",  # unique fields are not enforced
        "no_request_id",  # no X-Request-ID header
        "accepts_naive_datetime",  # datetimes without an offset are stored
        "patch_ignores_unknown",  # PATCH silently drops unknown fields
        "no_allow_header",  # 405 without an Allow header
        "drops_timezone",  # datetimes come back without their offset (naive)
        "ignores_min",  # the min of numeric fields is not checked
        "wrong_default_limit",  # the default page size ignores the spec
    }
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT32 = (-(2**31), 2**31 - 1)


class _Reject(Exception):
    def __init__(self, status: int, code: str, message: str, details: object = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


class FakeApp:
    """The resource logic, independent of the HTTP plumbing."""

    def __init__(self, spec: Mapping[str, Any], defects: frozenset[str], int_ids: bool) -> None:
        unknown = defects - DEFECTS
        if unknown:
            raise ValueError(f"unknown defects {sorted(unknown)}")
        self.fields: Mapping[str, Mapping[str, Any]] = spec["fields"]
        self.collection = f"/api/v1/{spec['plural']}"
        self.default_limit = int(spec["pagination"]["default_limit"])
        self.max_limit = int(spec["pagination"]["max_limit"])
        self.defects, self.int_ids = defects, int_ids
        self.rows: dict[str, dict[str, Any]] = {}
        self.next_id = 1
        self.lock = threading.Lock()

    def field_error(self, spec: Mapping[str, Any], value: Any) -> str | None:
        kind = spec["type"]
        if value is None:
            return "may not be null" if spec["required"] else None
        if kind in ("integer", "float"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return "must be a number"
            if kind == "integer" and not isinstance(value, int):
                return "must be an integer"
            if not math.isfinite(value):
                return "must be finite"
            lo, hi = spec["min"], spec["max"]
            if kind == "integer":
                lo = _INT32[0] if lo is None else lo
                hi = _INT32[1] if hi is None else hi
            if lo is not None and value < lo and "ignores_min" not in self.defects:
                return f"must be >= {lo}"
            if hi is not None and value > hi:
                return f"must be <= {hi}"
            return None
        if kind == "boolean":
            return None if isinstance(value, bool) else "must be a boolean"
        if not isinstance(value, str):
            return "must be a string"
        if kind in ("string", "text"):
            if spec["min_length"] is not None and len(value) < spec["min_length"]:
                return "too short"
            if spec["max_length"] is not None and len(value) > spec["max_length"]:
                return "too long"
            if "\x00" in value:
                return "holds NUL"
        elif kind == "email" and not _EMAIL.match(value):
            return "not an email"
        elif kind == "enum" and value not in spec["values"]:
            return f"must be one of {spec['values']}"
        elif kind in ("uuid", "date", "datetime"):
            try:
                if kind == "uuid":
                    uuid.UUID(value)
                elif kind == "date":
                    date.fromisoformat(value if _DATE.match(value) else "invalid")
                elif datetime.fromisoformat(value).tzinfo is None and (
                    "accepts_naive_datetime" not in self.defects
                ):
                    return "must include a timezone offset"
            except ValueError:
                return f"not a valid {kind}"
        return None

    def validate(self, body: object, *, partial: bool) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise _Reject(422, "VALIDATION_ERROR", "Body must be an object")
        errors: dict[str, str] = {}
        for name, value in body.items():
            if name not in self.fields:
                if not (partial and "patch_ignores_unknown" in self.defects):
                    errors[name] = "unknown field"
            elif (error := self.field_error(self.fields[name], value)) is not None:
                errors[name] = error
        if not partial:
            for name, spec in self.fields.items():
                if name not in body and spec["required"] and spec["default"] is None:
                    errors[name] = "field required"
        if errors:
            raise _Reject(422, "VALIDATION_ERROR", "Invalid request", errors)
        return {k: v for k, v in body.items() if k in self.fields}

    def check_unique(self, values: Mapping[str, Any], own_id: str | None) -> None:
        if "no_unique" in self.defects:
            return
        for name, spec in self.fields.items():
            if spec["unique"] and values.get(name) is not None:
                for row_id, row in self.rows.items():
                    if row_id != own_id and row.get(name) == values[name]:
                        raise _Reject(409, "CONFLICT", f"{name} already exists", {name: "taken"})

    def out(self, row_id: str) -> dict[str, Any]:
        row = dict(self.rows[row_id])
        if "drops_timezone" in self.defects:
            for name, spec in self.fields.items():
                if spec["type"] == "datetime" and row.get(name) is not None:
                    moment = datetime.fromisoformat(row[name])
                    row[name] = moment.replace(tzinfo=None).isoformat()
        return {"id": int(row_id) if self.int_ids else row_id, **row}

    def handle(self, method: str, path: str, query: str, raw: bytes) -> tuple[int, Any]:
        """Returns (status, data) or (status, (data, meta)) for lists; raises _Reject."""
        parts = urlsplit(path).path.rstrip("/")
        allowed: tuple[str, ...]
        row_id: str | None
        if parts == self.collection:
            allowed, row_id = ("GET", "POST"), None
        elif (
            parts.startswith(self.collection + "/") and "/" not in parts[len(self.collection) + 1 :]
        ):
            allowed, row_id = ("GET", "PATCH", "DELETE"), parts[len(self.collection) + 1 :]
        else:
            raise _Reject(404, "NOT_FOUND", "Route not found")
        if method not in allowed:
            raise _Reject(405, "METHOD_NOT_ALLOWED", "Method not allowed", {"allow": allowed})
        body: object = None
        if method in ("POST", "PATCH"):
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                raise _Reject(400, "BAD_REQUEST", "Malformed JSON body") from None
        with self.lock:
            if row_id is None and method == "GET":
                return 200, self.page(parse_qs(query))
            if row_id is None:
                values = self.validate(body, partial=False)
                row = {n: values.get(n, s["default"]) for n, s in self.fields.items()}
                self.check_unique(row, None)
                new_id = str(self.next_id) if self.int_ids else str(uuid.uuid4())
                self.next_id += 1
                self.rows[new_id] = row
                return 201, self.out(new_id)
            if row_id not in self.rows:
                raise _Reject(404, "NOT_FOUND", "Record not found")
            if method == "GET":
                return 200, self.out(row_id)
            if method == "DELETE":
                del self.rows[row_id]
                return (200, None) if "delete_returns_200" in self.defects else (204, None)
            changes = self.validate(body, partial=True)
            self.check_unique({**self.rows[row_id], **changes}, row_id)
            self.rows[row_id].update(changes)
            return 200, self.out(row_id)

    def page(self, query: dict[str, list[str]]) -> tuple[list[Any], dict[str, int]]:
        default = 7 if "wrong_default_limit" in self.defects else self.default_limit
        numbers: dict[str, int] = {}
        errors: dict[str, str] = {}
        for name, fallback in (("page", 1), ("limit", default)):
            raw = query.get(name, [str(fallback)])[-1]
            top = (
                self.max_limit
                if name == "limit" and "limit_not_capped" not in self.defects
                else None
            )
            if not re.fullmatch(r"\d+", raw) or int(raw) < 1 or (top and int(raw) > top):
                errors[name] = "out of range"
            else:
                numbers[name] = int(raw)
        if errors:
            raise _Reject(422, "VALIDATION_ERROR", "Invalid query", errors)
        ids = list(self.rows)
        start = (numbers["page"] - 1) * numbers["limit"]
        items = [self.out(i) for i in ids[start : start + numbers["limit"]]]
        return items, {"page": numbers["page"], "limit": numbers["limit"], "total": len(ids)}


def _handler(app: FakeApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path, _, query = self.path.partition("?")
            headers: dict[str, str] = {}
            meta: object = None
            try:
                status, data = app.handle(self.command, path, query, raw)
                if isinstance(data, tuple):
                    data, meta = data
                body: object = {"success": True, "data": data, "error": None, "meta": meta}
            except _Reject as exc:
                status = exc.status
                error = {"code": exc.code, "message": exc.message, "details": exc.details}
                body = {"success": False, "data": None, "error": error, "meta": None}
                if status == 405 and "no_allow_header" not in app.defects:
                    headers["Allow"] = ", ".join(exc.details["allow"])  # type: ignore[index]
                if exc.message == "Route not found" and "plain_404_route" in app.defects:
                    body = {"detail": "Not Found"}
            if "no_request_id" not in app.defects:
                headers["X-Request-ID"] = self.headers.get("X-Request-ID") or uuid.uuid4().hex
            payload = b"" if status == 204 else json.dumps(body).encode()
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 204:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    return Handler


@contextmanager
def serve(
    spec: Mapping[str, Any], defects: frozenset[str] = frozenset(), *, int_ids: bool = False
) -> Iterator[str]:
    """Run the fake server on 127.0.0.1 (a free port) and yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(FakeApp(spec, defects, int_ids)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
