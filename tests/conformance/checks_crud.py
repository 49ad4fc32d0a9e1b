"""Checks of one resource's routes: create, read, change, replace and delete; validation
(strict types, unknown and read_only fields), uniqueness and the stored form of values."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

from generator.samples import (
    InvalidCase,
    MissingCase,
    invalid_cases,
    missing_cases,
    respelled_payload,
    sample_value,
    update_payload,
)
from tests.conformance.support import (
    UNKNOWN_FIELD,
    Api,
    Check,
    Resource,
    Session,
    describe,
    expect_data,
    expect_envelope,
    expect_fields,
    expect_validation_error,
    fresh_n,
    parse_instant,
    require,
    snake_keys,
    unknown_id_like,
)

# Sample numbers of the basic checks, distinct so that checks never share unique values.
N = {
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
PAGINATION_N = (1, 2, 3)
UNIQUE_N = 20  # unique check i uses 20 + 2i and 21 + 2i
PATCH_INVALID_N = 100  # patch_invalid check i uses 100 + i


def crud_checks(api: Api, res: Resource) -> list[Check]:
    """The checks of `res`'s own routes, in a stable order with unique names."""

    def check(name: str, fn: Any, *args: Any) -> Check:
        return Check(name, partial(fn, res, *args), api, res.plural)

    fields = res.writable
    out = [
        check("create", _create),
        check("create_minimal", _create_minimal),
        check("create_unknown_field", _create_unknown_field),
        check("create_nul_in_key", _create_nul_in_key),
        check("get", _get),
        check("get_unknown_id", _get_unknown_id),
        check("get_malformed_id", _get_malformed_id),
        check("patch", _patch),
        check("patch_unknown_field", _patch_unknown_field),
        check("patch_unknown_id", _patch_unknown_id),
        check("put", _put),
        check("put_resets_omitted_fields", _put_defaults),
        check("put_unknown_field", _put_unknown_field),
        check("put_unknown_id", _put_unknown_id),
        check("put_invalid_values", _put_invalid),
        check("delete", _delete),
        check("stored_form_of_defaults", _stored_defaults),
    ]
    if respelled_payload(fields, 0) is not None:
        out += [
            check("stored_form_on_create", _stored_create),
            check("stored_form_on_patch", _stored_patch),
            check("stored_form_on_put", _stored_put),
        ]
    for case in invalid_cases(fields):
        out.append(check(f"create_invalid_{case.reason}", _create_invalid, case))
    for i, case in enumerate(invalid_cases(fields)):
        out.append(check(f"patch_invalid_{case.reason}", _patch_invalid, case, PATCH_INVALID_N + i))
    for missing in missing_cases(fields, N["rejected_create"]):
        out.append(check(f"create_{missing.reason}", _create_missing, missing))
    for ref in res.refs.values():
        if ref.required:
            out.append(check(f"create_{ref.field}_missing", _create_ref_missing, ref.field))
    unique = [name for name, spec in fields.items() if spec.get("unique")]
    for i, name in enumerate(unique):
        pair = (UNIQUE_N + 2 * i, UNIQUE_N + 2 * i + 1)
        out.append(check(f"unique_{name}_on_create", _unique_create, name, pair))
        out.append(check(f"unique_{name}_on_patch", _unique_patch, name, pair))
        out.append(check(f"unique_{name}_free_after_delete", _unique_freed, name))
    for name in res.read_only:
        out.append(check(f"read_only_{name}_refused_on_create", _read_only_create, name))
        out.append(check(f"read_only_{name}_refused_on_patch", _read_only_write, name, "PATCH"))
        out.append(check(f"read_only_{name}_refused_on_put", _read_only_write, name, "PUT"))
    return out


def _get_item(s: Session, res: Resource, record_id: object) -> dict[str, Any]:
    return expect_data(s.admin.get(res.item(record_id)))


def _create(res: Resource, s: Session) -> None:
    body = s.records.body(res, N["create"])
    data = s.records.create(res, body)
    expect_fields(data, body, res)
    snake_keys(data)


def _create_minimal(res: Resource, s: Session) -> None:
    body = s.records.body(res, N["create_minimal"], minimal=True)
    data = s.records.create(res, body)
    expect_fields(data, body, res)
    for name, spec in res.fields.items():
        if name not in body:
            expect_fields(data, {name: spec.get("default")}, res)
    for ref in res.refs.values():
        if ref.field not in body:
            expect_fields(data, {ref.field: None}, res)


def _rejected_create(res: Resource, s: Session, body: dict[str, object], field: str) -> None:
    resp = s.admin.post(res.collection, json=body)
    s.records.track(res, resp)
    expect_validation_error(resp, field)


def _create_unknown_field(res: Resource, s: Session) -> None:
    body = {**s.records.body(res, N["rejected_create"]), UNKNOWN_FIELD: "x"}
    _rejected_create(res, s, body, UNKNOWN_FIELD)


def _create_nul_in_key(res: Resource, s: Session) -> None:
    body = {**s.records.body(res, N["rejected_create"]), "nul\x00key": "x"}
    resp = s.admin.post(res.collection, json=body)
    s.records.track(res, resp)
    expect_envelope(resp, 422, code="VALIDATION_ERROR")


def _create_invalid(res: Resource, case: InvalidCase, s: Session) -> None:
    body = {**s.records.body(res, N["rejected_create"]), case.field: case.value}
    _rejected_create(res, s, body, case.field)


def _create_missing(res: Resource, case: MissingCase, s: Session) -> None:
    body = s.records.body(res, N["rejected_create"])
    del body[case.field]
    _rejected_create(res, s, body, case.field)


def _create_ref_missing(res: Resource, field: str, s: Session) -> None:
    body = s.records.body(res, N["rejected_create"], skip=[field])
    _rejected_create(res, s, body, field)


def _get(res: Resource, s: Session) -> None:
    body = s.records.body(res, N["get"])
    created = s.records.create(res, body)
    data = _get_item(s, res, created["id"])
    require(data.get("id") == created["id"], f"GET returned another id: {data}")
    require(set(data) == set(created), f"GET keys {sorted(data)} != {sorted(created)}")
    expect_fields(data, body, res)


def _get_unknown_id(res: Resource, s: Session) -> None:
    created = s.records.create(res, s.records.body(res, N["get_unknown_id"]))
    resp = s.admin.get(res.item(unknown_id_like(created["id"])))
    expect_envelope(resp, 404, code="NOT_FOUND")


def _get_malformed_id(res: Resource, s: Session) -> None:
    for method in ("GET", "PATCH", "PUT", "DELETE"):
        body: dict[str, object] | None = {} if method in ("PATCH", "PUT") else None
        resp = s.admin.request(method, res.item("not-an-id"), json=body)
        expect_envelope(resp, 422, code="VALIDATION_ERROR")


def _patch(res: Resource, s: Session) -> None:
    n = N["patch"]
    body, changes = s.records.body(res, n), update_payload(res.writable, n)
    expected = {**body, **changes}
    created = s.records.create(res, body)
    data = expect_data(s.admin.patch(res.item(created["id"]), json=changes))
    require(data.get("id") == created["id"], f"PATCH returned another id: {data}")
    expect_fields(data, expected, res)
    expect_fields(_get_item(s, res, created["id"]), expected, res)


def _patch_unknown_field(res: Resource, s: Session) -> None:
    n = N["patch_unknown_field"]
    body = s.records.body(res, n)
    created = s.records.create(res, body)
    changes = {**update_payload(res.writable, n), UNKNOWN_FIELD: "x"}
    expect_validation_error(s.admin.patch(res.item(created["id"]), json=changes), UNKNOWN_FIELD)
    expect_fields(_get_item(s, res, created["id"]), body, res)


def _patch_unknown_id(res: Resource, s: Session) -> None:
    n = N["patch_unknown_id"]
    created = s.records.create(res, s.records.body(res, n))
    target = res.item(unknown_id_like(created["id"]))
    resp = s.admin.patch(target, json=update_payload(res.writable, n))
    expect_envelope(resp, 404, code="NOT_FOUND")


def _patch_invalid(res: Resource, case: InvalidCase, n: int, s: Session) -> None:
    body = s.records.body(res, n)
    created = s.records.create(res, body)
    resp = s.admin.patch(res.item(created["id"]), json={case.field: case.value})
    expect_validation_error(resp, case.field)
    expect_fields(_get_item(s, res, created["id"]), {case.field: body[case.field]}, res)


def _put(res: Resource, s: Session) -> None:
    created = s.records.create(res)
    body = s.records.body(res)
    data = expect_data(s.admin.put(res.item(created["id"]), json=body))
    require(data.get("id") == created["id"], f"PUT returned another id: {data}")
    expect_fields(data, body, res)
    expect_fields(_get_item(s, res, created["id"]), body, res)


def _put_defaults(res: Resource, s: Session) -> None:
    created = s.records.create(res)
    body = s.records.body(res, minimal=True)
    data = expect_data(s.admin.put(res.item(created["id"]), json=body))
    expect_fields(data, body, res)
    omitted = {n: f.get("default") for n, f in res.writable.items() if n not in body}
    omitted.update({ref: None for ref in res.refs if ref not in body})
    expect_fields(data, omitted, res)
    expect_fields(_get_item(s, res, created["id"]), omitted, res)


def _put_unknown_field(res: Resource, s: Session) -> None:
    created = s.records.create(res)
    body = {**s.records.body(res), UNKNOWN_FIELD: "x"}
    expect_validation_error(s.admin.put(res.item(created["id"]), json=body), UNKNOWN_FIELD)


def _put_unknown_id(res: Resource, s: Session) -> None:
    created = s.records.create(res)
    resp = s.admin.put(res.item(unknown_id_like(created["id"])), json=s.records.body(res))
    expect_envelope(resp, 404, code="NOT_FOUND")


def _put_invalid(res: Resource, s: Session) -> None:
    body = s.records.body(res)
    created = s.records.create(res, body)
    problems = []
    for case in invalid_cases(res.writable):
        resp = s.admin.put(res.item(created["id"]), json={**body, case.field: case.value})
        try:
            expect_validation_error(resp, case.field)
        except AssertionError as error:
            problems.append(f"{case.reason}: {error}")
    require(not problems, "PUT accepted invalid values:\n" + "\n".join(problems))
    expect_fields(_get_item(s, res, created["id"]), body, res)


def _delete(res: Resource, s: Session) -> None:
    created = s.records.create(res, s.records.body(res, N["delete"]))
    url = res.item(created["id"])
    resp = s.admin.delete(url)
    require(resp.status_code == 204, f"expected status 204: {describe(resp)}")
    require(resp.content == b"", f"204 must have an empty body: {describe(resp)}")
    expect_envelope(s.admin.get(url), 404, code="NOT_FOUND")
    expect_envelope(s.admin.delete(url), 404, code="NOT_FOUND")


def _unique_create(res: Resource, field: str, pair: tuple[int, int], s: Session) -> None:
    first = s.records.body(res, pair[0])
    s.records.create(res, first)
    second = {**s.records.body(res, pair[1]), field: first[field]}
    resp = s.admin.post(res.collection, json=second)
    s.records.track(res, resp)
    expect_envelope(resp, 409, code="CONFLICT")


def _unique_patch(res: Resource, field: str, pair: tuple[int, int], s: Session) -> None:
    first, second = (s.records.body(res, n) for n in pair)
    s.records.create(res, first)
    other = s.records.create(res, second)
    resp = s.admin.patch(res.item(other["id"]), json={field: first[field]})
    expect_envelope(resp, 409, code="CONFLICT")


def _unique_freed(res: Resource, field: str, s: Session) -> None:
    first = s.records.body(res)
    created = s.records.create(res, first)
    resp = s.admin.delete(res.item(created["id"]))
    require(resp.status_code == 204, f"expected status 204: {describe(resp)}")
    s.records.create(res, {**s.records.body(res), field: first[field]})


# ---------------------------------------------------------------- the stored form


def _expect_stored(res: Resource, sent: dict[str, object], data: dict[str, Any]) -> None:
    """Decimals at the field's scale, datetimes in UTC (`Z`), each the value sent."""
    for name, value in sent.items():
        spec = res.fields.get(name)
        if spec is None or value is None:
            continue
        got = data.get(name)
        if spec["type"] == "decimal":
            step = Decimal(1).scaleb(-int(spec.get("scale") or 0))
            want = str(Decimal(str(value)).quantize(step))
            require(got == want, f"{name}: sent {value!r}, stored form is {want!r}, got {got!r}")
        elif spec["type"] == "datetime":
            moment = parse_instant(got)
            require(
                isinstance(got, str) and got.endswith("Z") and moment is not None,
                f"{name}: {got!r} is not a UTC datetime written with Z",
            )
            require(moment == parse_instant(value), f"{name}: sent {value!r}, got {got!r}")
    for name in ("created_at", "updated_at"):
        if name in data:
            got = data[name]
            require(
                isinstance(got, str) and got.endswith("Z") and parse_instant(got) is not None,
                f"{name}: {got!r} is not a UTC datetime written with Z",
            )


def _same_as_read(s: Session, res: Resource, data: dict[str, Any], what: str) -> None:
    fetched = _get_item(s, res, data["id"])
    require(data == fetched, f"{what} answered {data}, a later GET returns {fetched}")


def _respelled(s: Session, res: Resource) -> dict[str, object]:
    body = s.records.body(res)
    spelled = respelled_payload(res.writable, fresh_n()) or {}
    return {**body, **{k: v for k, v in spelled.items() if res.fields[k]["type"] in _SPELLED}}


_SPELLED = ("decimal", "datetime")


def _stored_create(res: Resource, s: Session) -> None:
    body = _respelled(s, res)
    data = s.records.create(res, body)
    _expect_stored(res, body, data)
    _same_as_read(s, res, data, "POST")


def _stored_patch(res: Resource, s: Session) -> None:
    created = s.records.create(res)
    body = _respelled(s, res)
    changes = {k: v for k, v in body.items() if k in res.fields and res.kind(k) in _SPELLED}
    data = expect_data(s.admin.patch(res.item(created["id"]), json=changes))
    _expect_stored(res, changes, data)
    _same_as_read(s, res, data, "PATCH")


def _stored_put(res: Resource, s: Session) -> None:
    created = s.records.create(res)
    body = _respelled(s, res)
    data = expect_data(s.admin.put(res.item(created["id"]), json=body))
    _expect_stored(res, body, data)
    _same_as_read(s, res, data, "PUT")


def _stored_defaults(res: Resource, s: Session) -> None:
    data = s.records.create(res, s.records.body(res, minimal=True))
    defaults = {n: f["default"] for n, f in res.fields.items() if f.get("default") is not None}
    _expect_stored(res, defaults, data)
    _same_as_read(s, res, data, "POST")


# ---------------------------------------------------------------- read_only fields


def _read_only_create(res: Resource, field: str, s: Session) -> None:
    created = s.records.create(res)
    expect_fields(created, {field: res.fields[field].get("default")}, res)
    value = sample_value(field, res.fields[field], fresh_n())
    body = {**s.records.body(res), field: value}
    _rejected_create(res, s, body, field)


def _read_only_write(res: Resource, field: str, method: str, s: Session) -> None:
    body = s.records.body(res)
    created = s.records.create(res, body)
    value = sample_value(field, res.fields[field], fresh_n())
    sent = {field: value} if method == "PATCH" else {**s.records.body(res), field: value}
    resp = s.admin.request(method, res.item(created["id"]), json=sent)
    expect_validation_error(resp, field)
    expected = {**body, field: res.fields[field].get("default")}
    expect_fields(_get_item(s, res, created["id"]), expected, res)
