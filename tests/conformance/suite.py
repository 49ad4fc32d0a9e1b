"""Stack-neutral HTTP conformance checks for one resource of a generated backend.

The suite only speaks HTTP: give it a base URL and the normalised resource spec
(``{"resource", "plural", "fields", "pagination": {"default_limit", "max_limit"}}``, plus
an optional ``"prefix"``, default ``/api/v1``) and it checks the contract of
``/work/shared/CONVENTIONS.md``: routes, status codes, the envelope, validation,
pagination, uniqueness and the request id header. Every check creates the records it
needs (with its own sample number ``n``) and deletes them afterwards, so checks can run
in any order or alone.
"""

from __future__ import annotations

import json
import math
import random
import re
import string
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import httpx

from generator.samples import (
    InvalidCase,
    MissingCase,
    invalid_cases,
    invalid_payload,
    missing_cases,
    required_payload,
    update_payload,
    valid_payload,
)

ENVELOPE_KEYS = frozenset({"success", "data", "error", "meta"})
ERROR_KEYS = frozenset({"code", "message", "details"})
UNKNOWN_FIELD = "definitely_not_a_field"
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")

# Sample numbers per check, distinct so that checks never share unique values.
_N = {
    "list": 4,
    "create": 5,
    "create_minimal": 6,
    "get": 7,
    "get_unknown_id": 8,
    "patch": 9,
    "patch_unknown_field": 10,
    "patch_unknown_id": 11,
    "delete": 12,
    "rejected_create": 13,
    "request_id": 14,
}
_PAGINATION_N = (1, 2, 3)
_UNIQUE_N = 20  # unique check i uses 20 + 2i and 21 + 2i
_PATCH_INVALID_N = 100  # patch_invalid check i uses 100 + i


class ConformanceError(AssertionError):
    """A response broke the contract; the message says which request and why."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Check:
    """One named conformance check; call it with a client whose base_url is the server."""

    name: str
    run: Callable[[httpx.Client], None]

    def __call__(self, client: httpx.Client) -> None:
        self.run(client)


@dataclass(frozen=True)
class Resource:
    """The parts of a normalised spec the suite needs."""

    plural: str
    fields: Mapping[str, Mapping[str, Any]]
    default_limit: int
    max_limit: int
    prefix: str = "/api/v1"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> Resource:
        pagination = spec.get("pagination") or {}
        return cls(
            plural=spec["plural"],
            fields=spec["fields"],
            default_limit=int(pagination.get("default_limit", 20)),
            max_limit=int(pagination.get("max_limit", 100)),
            prefix=str(spec.get("prefix", "/api/v1")).rstrip("/"),
        )

    @property
    def collection(self) -> str:
        return f"{self.prefix}/{self.plural}"

    def item(self, record_id: object) -> str:
        return f"{self.collection}/{record_id}"


def make_client(
    base_url: str, *, headers: Mapping[str, str] | None = None, timeout: float = 10.0
) -> httpx.Client:
    """An httpx client for the checks (add e.g. an Authorization header via ``headers``)."""
    return httpx.Client(
        base_url=base_url,
        headers={"Accept": "application/json", **(headers or {})},
        timeout=timeout,
    )


def checks(spec: Mapping[str, Any]) -> list[Check]:
    """Every check for the resource, in a stable order with unique names."""
    res = Resource.from_spec(spec)
    out = [
        Check("list", partial(_check_list, res)),
        Check("create", partial(_check_create, res)),
        Check("create_minimal", partial(_check_create_minimal, res)),
        Check("create_unknown_field", partial(_check_create_unknown_field, res)),
        Check("get", partial(_check_get, res)),
        Check("get_unknown_id", partial(_check_get_unknown_id, res)),
        Check("patch", partial(_check_patch, res)),
        Check("patch_unknown_field", partial(_check_patch_unknown_field, res)),
        Check("patch_unknown_id", partial(_check_patch_unknown_id, res)),
        Check("delete", partial(_check_delete, res)),
        Check("malformed_json", partial(_check_malformed_json, res)),
        Check("unknown_route", partial(_check_unknown_route, res)),
        Check("method_not_allowed", partial(_check_method_not_allowed, res)),
        Check("pagination", partial(_check_pagination, res)),
        Check("request_id_header", partial(_check_request_id, res)),
    ]
    for param, value in (("limit", res.max_limit + 1), ("limit", 0), ("page", 0)):
        name = "pagination_limit_over_max" if value > 0 else f"pagination_{param}_zero"
        out.append(Check(name, partial(_check_bad_query, res, param, value)))
    out.append(
        Check("pagination_limit_not_an_integer", partial(_check_bad_query, res, "limit", "x"))
    )
    for case in invalid_cases(res.fields):
        out.append(
            Check(f"create_invalid_{case.reason}", partial(_check_create_invalid, res, case))
        )
    for i, case in enumerate(invalid_cases(res.fields)):
        n = _PATCH_INVALID_N + i
        out.append(
            Check(f"patch_invalid_{case.reason}", partial(_check_patch_invalid, res, case, n))
        )
    for missing in missing_cases(res.fields, _N["rejected_create"]):
        out.append(Check(f"create_{missing.reason}", partial(_check_create_missing, res, missing)))
    unique = [name for name, spec in res.fields.items() if spec.get("unique")]
    for i, name in enumerate(unique):
        pair = (_UNIQUE_N + 2 * i, _UNIQUE_N + 2 * i + 1)
        out.append(
            Check(f"unique_{name}_on_create", partial(_check_unique_create, res, name, pair))
        )
        out.append(Check(f"unique_{name}_on_patch", partial(_check_unique_patch, res, name, pair)))
    return out


def run_conformance(
    base_url: str,
    spec: Mapping[str, Any],
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
) -> list[CheckResult]:
    """Run every check against ``base_url``; never raises for a failing check."""
    results: list[CheckResult] = []
    with make_client(base_url, headers=headers, timeout=timeout) as client:
        for check in checks(spec):
            try:
                check(client)
            except ConformanceError as exc:
                results.append(CheckResult(check.name, False, str(exc)))
            except Exception as exc:  # a transport error or a crash is a failed check too
                results.append(CheckResult(check.name, False, f"{type(exc).__name__}: {exc}"))
            else:
                results.append(CheckResult(check.name, True, "ok"))
    return results


# ---------------------------------------------------------------- envelope helpers


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ConformanceError(message)


def _describe(resp: httpx.Response) -> str:
    text = resp.text if len(resp.text) <= 600 else resp.text[:600] + "..."
    return (
        f"{resp.request.method} {resp.request.url.raw_path.decode()} -> {resp.status_code} {text}"
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def expect_envelope(
    resp: httpx.Response, status: int, *, code: str | None = None, is_list: bool = False
) -> dict[str, Any]:
    """Assert the status and the full envelope shape; return the parsed body."""
    where = _describe(resp)
    _require(resp.status_code == status, f"expected status {status}: {where}")
    _require(
        resp.headers.get("content-type", "").startswith("application/json"),
        f"content-type is not application/json: {where}",
    )
    try:
        body = resp.json()
    except ValueError:
        raise ConformanceError(f"body is not JSON: {where}") from None
    _require(
        isinstance(body, dict) and set(body) == ENVELOPE_KEYS,
        f"top-level keys must be exactly {sorted(ENVELOPE_KEYS)}: {where}",
    )
    ok = status < 400
    _require(body["success"] is ok, f"success must be {str(ok).lower()}: {where}")
    if ok:
        _require(body["error"] is None, f"error must be null on success: {where}")
    else:
        error = body["error"]
        _require(
            isinstance(error, dict) and set(error) == ERROR_KEYS,
            f"error must have exactly the keys {sorted(ERROR_KEYS)}: {where}",
        )
        _require(
            isinstance(error["code"], str) and bool(_UPPER_SNAKE.match(error["code"])),
            f"error.code must be an UPPER_SNAKE string: {where}",
        )
        _require(code is None or error["code"] == code, f"error.code must be {code}: {where}")
        _require(
            isinstance(error["message"], str) and bool(error["message"].strip()),
            f"error.message must be a non-empty string: {where}",
        )
        _require(body["data"] is None, f"data must be null on failure: {where}")
    if is_list:
        meta = body["meta"]
        _require(isinstance(meta, dict), f"meta must be an object on a list: {where}")
        for key in ("page", "limit", "total"):
            _require(_is_int(meta.get(key)), f"meta.{key} must be an integer: {where}")
        _require(isinstance(body["data"], list), f"data must be a list: {where}")
    else:
        _require(body["meta"] is None, f"meta must be null outside lists: {where}")
    envelope: dict[str, Any] = body
    return envelope


def _expect_validation_error(resp: httpx.Response, field: str) -> None:
    body = expect_envelope(resp, 422, code="VALIDATION_ERROR")
    details = body["error"]["details"]
    _require(
        details is None or field in json.dumps(details),
        f"error.details must mention {field!r}: {_describe(resp)}",
    )


def _snake_keys(value: object, path: str = "data") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _require(
                isinstance(key, str) and bool(_SNAKE.match(key)),
                f"{path}: key {key!r} is not snake_case",
            )
            _snake_keys(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _snake_keys(item, f"{path}[{i}]")


def _parse_instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def same_value(kind: str, sent: object, got: object) -> bool:
    """Whether a returned value represents the sent one (instants, approx floats...)."""
    if sent is None or got is None:
        return sent is got
    if kind == "datetime":
        sent_at, got_at = _parse_instant(sent), _parse_instant(got)
        return sent_at is not None and got_at is not None and sent_at == got_at
    if kind == "uuid":
        return isinstance(got, str) and isinstance(sent, str) and got.lower() == sent.lower()
    if kind == "float":
        return (
            isinstance(got, int | float)
            and not isinstance(got, bool)
            and isinstance(sent, int | float)
            and math.isclose(got, sent, rel_tol=1e-9, abs_tol=1e-9)
        )
    if kind == "integer":
        return _is_int(got) and got == sent
    if kind == "boolean":
        return got is sent
    return type(got) is type(sent) and got == sent


def _expect_fields(data: Mapping[str, Any], expected: Mapping[str, object], res: Resource) -> None:
    for name, sent in expected.items():
        _require(name in data, f"response data lacks field {name!r}: {dict(data)}")
        kind = res.fields[name]["type"]
        _require(
            same_value(kind, sent, data[name]),
            f"field {name!r}: sent {sent!r}, got {data[name]!r}",
        )


@contextmanager
def _records(client: httpx.Client, res: Resource) -> Iterator[_Records]:
    records = _Records(client, res)
    try:
        yield records
    finally:
        records.cleanup()


class _Records:
    """Creates records for one check and deletes them when the check ends."""

    def __init__(self, client: httpx.Client, res: Resource) -> None:
        self.client = client
        self.res = res
        self.ids: list[object] = []

    def create(self, payload: Mapping[str, object]) -> dict[str, Any]:
        resp = self.client.post(self.res.collection, json=dict(payload))
        self.track(resp)
        data = expect_envelope(resp, 201)["data"]
        _require(isinstance(data, dict), f"data must be an object: {_describe(resp)}")
        _require("id" in data, f"created data must contain an id: {_describe(resp)}")
        return dict(data)

    def track(self, resp: httpx.Response) -> None:
        """Remember a record created by ``resp`` (even when the check expected a failure)."""
        if resp.status_code != 201:
            return
        try:
            record_id = resp.json()["data"]["id"]
        except (ValueError, KeyError, TypeError):
            return
        self.ids.append(record_id)

    def cleanup(self) -> None:
        for record_id in reversed(self.ids):
            with suppress(httpx.HTTPError):
                self.client.delete(self.res.item(record_id))


def unknown_id_like(known: object) -> str:
    """A well-formed id of the same shape as ``known`` that no record has."""
    text = str(known)
    if _is_int(known) or text.isdigit():
        return "2000000001"
    try:
        uuid.UUID(text)
    except ValueError:
        pass
    else:
        return str(uuid.uuid4())
    rng = random.Random()
    pools = (string.digits, string.ascii_lowercase, string.ascii_uppercase)
    out = []
    for char in text:
        pool = next((p for p in pools if char in p), None)
        out.append(rng.choice(pool) if pool else char)
    return "".join(out)


# ---------------------------------------------------------------- checks


def _check_list(res: Resource, client: httpx.Client) -> None:
    with _records(client, res) as records:
        records.create(valid_payload(res.fields, _N["list"]))
        resp = client.get(res.collection)
        body = expect_envelope(resp, 200, is_list=True)
        meta, data = body["meta"], body["data"]
        _require(meta["page"] == 1, f"default page must be 1: {meta}")
        _require(
            meta["limit"] == res.default_limit,
            f"default limit must be {res.default_limit}: {meta}",
        )
        _require(1 <= len(data) <= res.default_limit, f"got {len(data)} items on page 1")
        _require(meta["total"] >= len(data), f"meta.total below the page size: {meta}")
        for item in data:
            _require(isinstance(item, dict) and "id" in item, f"list item without id: {item}")
        _snake_keys(data)


def _check_create(res: Resource, client: httpx.Client) -> None:
    payload = valid_payload(res.fields, _N["create"])
    with _records(client, res) as records:
        data = records.create(payload)
        _expect_fields(data, payload, res)
        _snake_keys(data)


def _check_create_minimal(res: Resource, client: httpx.Client) -> None:
    payload = required_payload(res.fields, _N["create_minimal"])
    with _records(client, res) as records:
        data = records.create(payload)
        _expect_fields(data, payload, res)
        for name, spec in res.fields.items():
            if name not in payload:
                _expect_fields(data, {name: spec.get("default")}, res)


def _check_create_unknown_field(res: Resource, client: httpx.Client) -> None:
    payload = {**valid_payload(res.fields, _N["rejected_create"]), UNKNOWN_FIELD: "x"}
    with _records(client, res) as records:
        resp = client.post(res.collection, json=payload)
        records.track(resp)
        _expect_validation_error(resp, UNKNOWN_FIELD)


def _check_create_invalid(res: Resource, case: InvalidCase, client: httpx.Client) -> None:
    payload = invalid_payload(res.fields, case, _N["rejected_create"])
    with _records(client, res) as records:
        resp = client.post(res.collection, json=payload)
        records.track(resp)
        _expect_validation_error(resp, case.field)


def _check_create_missing(res: Resource, case: MissingCase, client: httpx.Client) -> None:
    with _records(client, res) as records:
        resp = client.post(res.collection, json=case.payload)
        records.track(resp)
        _expect_validation_error(resp, case.field)


def _check_get(res: Resource, client: httpx.Client) -> None:
    payload = valid_payload(res.fields, _N["get"])
    with _records(client, res) as records:
        created = records.create(payload)
        resp = client.get(res.item(created["id"]))
        data = expect_envelope(resp, 200)["data"]
        _require(isinstance(data, dict), f"data must be an object: {_describe(resp)}")
        _require(data.get("id") == created["id"], f"GET returned another id: {data}")
        _require(set(data) == set(created), f"GET keys {sorted(data)} != {sorted(created)}")
        _expect_fields(data, payload, res)


def _check_get_unknown_id(res: Resource, client: httpx.Client) -> None:
    with _records(client, res) as records:
        created = records.create(valid_payload(res.fields, _N["get_unknown_id"]))
        resp = client.get(res.item(unknown_id_like(created["id"])))
        expect_envelope(resp, 404, code="NOT_FOUND")


def _check_patch(res: Resource, client: httpx.Client) -> None:
    n = _N["patch"]
    payload, changes = valid_payload(res.fields, n), update_payload(res.fields, n)
    expected = {**payload, **changes}
    with _records(client, res) as records:
        created = records.create(payload)
        resp = client.patch(res.item(created["id"]), json=changes)
        data = expect_envelope(resp, 200)["data"]
        _require(isinstance(data, dict), f"data must be an object: {_describe(resp)}")
        _require(data.get("id") == created["id"], f"PATCH returned another id: {data}")
        _expect_fields(data, expected, res)
        fetched = expect_envelope(client.get(res.item(created["id"])), 200)["data"]
        _expect_fields(fetched, expected, res)


def _check_patch_unknown_field(res: Resource, client: httpx.Client) -> None:
    n = _N["patch_unknown_field"]
    payload = valid_payload(res.fields, n)
    with _records(client, res) as records:
        created = records.create(payload)
        body = {**update_payload(res.fields, n), UNKNOWN_FIELD: "x"}
        resp = client.patch(res.item(created["id"]), json=body)
        _expect_validation_error(resp, UNKNOWN_FIELD)
        fetched = expect_envelope(client.get(res.item(created["id"])), 200)["data"]
        _expect_fields(fetched, payload, res)


def _check_patch_unknown_id(res: Resource, client: httpx.Client) -> None:
    n = _N["patch_unknown_id"]
    with _records(client, res) as records:
        created = records.create(valid_payload(res.fields, n))
        target = res.item(unknown_id_like(created["id"]))
        resp = client.patch(target, json=update_payload(res.fields, n))
        expect_envelope(resp, 404, code="NOT_FOUND")


def _check_patch_invalid(res: Resource, case: InvalidCase, n: int, client: httpx.Client) -> None:
    payload = valid_payload(res.fields, n)
    with _records(client, res) as records:
        created = records.create(payload)
        resp = client.patch(res.item(created["id"]), json={case.field: case.value})
        _expect_validation_error(resp, case.field)
        fetched = expect_envelope(client.get(res.item(created["id"])), 200)["data"]
        _expect_fields(fetched, {case.field: payload[case.field]}, res)


def _check_delete(res: Resource, client: httpx.Client) -> None:
    with _records(client, res) as records:
        created = records.create(valid_payload(res.fields, _N["delete"]))
        url = res.item(created["id"])
        resp = client.delete(url)
        _require(resp.status_code == 204, f"expected status 204: {_describe(resp)}")
        _require(resp.content == b"", f"204 must have an empty body: {_describe(resp)}")
        expect_envelope(client.get(url), 404, code="NOT_FOUND")
        expect_envelope(client.delete(url), 404, code="NOT_FOUND")


def _check_malformed_json(res: Resource, client: httpx.Client) -> None:
    with _records(client, res) as records:
        resp = client.post(
            res.collection,
            content=b'{"rating": ',
            headers={"Content-Type": "application/json"},
        )
        records.track(resp)
        expect_envelope(resp, 400, code="BAD_REQUEST")


def _check_unknown_route(res: Resource, client: httpx.Client) -> None:
    expect_envelope(client.get(f"{res.prefix}/definitely-not-a-route"), 404, code="NOT_FOUND")


def _check_method_not_allowed(res: Resource, client: httpx.Client) -> None:
    for method in ("PUT", "DELETE"):
        resp = client.request(method, res.collection, json={})
        expect_envelope(resp, 405, code="METHOD_NOT_ALLOWED")
        allow = resp.headers.get("allow", "")
        _require("GET" in allow.upper(), f"Allow header must list GET: {allow!r}")


def _check_pagination(res: Resource, client: httpx.Client) -> None:
    with _records(client, res) as records:
        for n in _PAGINATION_N:
            records.create(valid_payload(res.fields, n))
        first = expect_envelope(client.get(res.collection, params={"limit": 2}), 200, is_list=True)
        _require(len(first["data"]) == 2, f"limit=2 returned {len(first['data'])} items")
        meta = first["meta"]
        _require(meta["limit"] == 2 and meta["page"] == 1, f"meta for limit=2: {meta}")
        _require(meta["total"] >= 3, f"meta.total must count all records: {meta}")
        resp = client.get(res.collection, params={"page": 2, "limit": 2})
        second = expect_envelope(resp, 200, is_list=True)
        _require(len(second["data"]) >= 1, "page 2 with limit 2 is empty")
        _require(second["meta"]["page"] == 2, f"meta.page must be 2: {second['meta']}")
        overlap = {i["id"] for i in first["data"]} & {i["id"] for i in second["data"]}
        _require(not overlap, f"pages 1 and 2 share ids {sorted(map(str, overlap))}")
        at_max = client.get(res.collection, params={"limit": res.max_limit})
        _require(
            expect_envelope(at_max, 200, is_list=True)["meta"]["limit"] == res.max_limit,
            f"limit={res.max_limit} (the maximum) must be accepted as is: {_describe(at_max)}",
        )


def _check_bad_query(res: Resource, param: str, value: object, client: httpx.Client) -> None:
    resp = client.get(res.collection, params={param: str(value)})
    _expect_validation_error(resp, param)


def _check_unique_create(
    res: Resource, field: str, pair: tuple[int, int], client: httpx.Client
) -> None:
    first = valid_payload(res.fields, pair[0])
    with _records(client, res) as records:
        records.create(first)
        resp = client.post(
            res.collection, json={**valid_payload(res.fields, pair[1]), field: first[field]}
        )
        records.track(resp)
        expect_envelope(resp, 409, code="CONFLICT")


def _check_unique_patch(
    res: Resource, field: str, pair: tuple[int, int], client: httpx.Client
) -> None:
    first, second = (valid_payload(res.fields, n) for n in pair)
    with _records(client, res) as records:
        records.create(first)
        other = records.create(second)
        resp = client.patch(res.item(other["id"]), json={field: first[field]})
        expect_envelope(resp, 409, code="CONFLICT")


def _check_request_id(res: Resource, client: httpx.Client) -> None:
    payload = {**valid_payload(res.fields, _N["request_id"]), UNKNOWN_FIELD: "x"}
    with _records(client, res) as records:
        rejected = client.post(res.collection, json=payload)
        records.track(rejected)
        for resp in (
            client.get(res.collection),
            client.get(f"{res.prefix}/definitely-not-a-route"),
            rejected,
        ):
            value = resp.headers.get("x-request-id", "")
            _require(bool(value.strip()), f"no X-Request-ID header: {_describe(resp)}")


# ---------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tests.conformance.suite BASE_URL SPEC.json``: print results, exit 1 on
    any failure."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m tests.conformance.suite BASE_URL SPEC.json", file=sys.stderr)
        return 2
    with open(args[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    results = run_conformance(args[0], spec)
    for result in results:
        print(f"{'PASS' if result.passed else 'FAIL'} {result.name}")
        if not result.passed:
            print(f"    {result.detail}")
    failed = sum(not r.passed for r in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
