"""Checks of one resource's list: the envelope's meta, page bounds, sorting, cursors."""

from __future__ import annotations

import base64
import binascii
import json
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from generator.samples import unstorable_json
from generator.types import ORDERED_TYPES, TYPES
from generator.types.values import Parsed
from tests.conformance.checks_crud import PAGINATION_N, N
from tests.conformance.support import (
    UNKNOWN_RELATION,
    Api,
    Check,
    Resource,
    Session,
    expect_envelope,
    expect_validation_error,
    ids_of,
    parse_instant,
    require,
    snake_keys,
)

# Types whose order a check can compute (texts are left out: collations differ).
ORDERED = frozenset(t for t in ORDERED_TYPES if TYPES[t].stored_as != "string")


def list_checks(api: Api, res: Resource) -> list[Check]:
    def check(name: str, fn: Any, *args: Any) -> Check:
        return Check(name, partial(fn, res, *args), api, res.plural)

    out = [
        check("list", _list),
        check("pagination", _pagination),
        check("pagination_limit_over_max", _bad_query, "limit", res.max_limit + 1),
        check("pagination_limit_zero", _bad_query, "limit", 0),
        check("pagination_limit_not_an_integer", _bad_query, "limit", "x"),
        check("sort_unknown_field", _bad_query, "sort", "definitely_not_a_field"),
        check("include_unknown_on_list", _include_unknown_on_list),
        check("include_unknown_on_get", _include_unknown_on_get),
    ]
    if not res.cursor:
        out.append(check("pagination_page_zero", _bad_query, "page", 0))
    for key in res.sort:
        if res.cursor:
            out.append(check(f"cursor_walk_{key}", _walk, key, False))
            out.append(check(f"cursor_walk_{key}_desc", _walk, key, True))
            out.append(check(f"cursor_unstorable_{key}", _unstorable, key))
        elif res.kind(key) in ORDERED:
            out.append(check(f"sort_{key}", _sorted, key))
    if res.cursor:
        out += [
            check("cursor_not_base64", _bad_query, "cursor", "!!not base64!!"),
            check("cursor_foreign", _foreign_cursor),
            check("cursor_of_another_sort", _other_sort),
            check("cursor_altered", _altered_cursor),
            check("cursor_too_long", _too_long_cursor),
        ]
    return out


def _list(res: Resource, s: Session) -> None:
    s.records.create(res, s.records.body(res, N["list"]))
    body = expect_envelope(s.admin.get(res.collection), 200, is_list=True, style=res.style)
    meta, data = body["meta"], body["data"]
    require(
        meta["limit"] == res.default_limit, f"default limit must be {res.default_limit}: {meta}"
    )
    if not res.cursor:
        require(meta["page"] == 1, f"default page must be 1: {meta}")
        require(meta["total"] >= len(data), f"meta.total below the page size: {meta}")
    require(1 <= len(data) <= res.default_limit, f"got {len(data)} items on page 1")
    for item in data:
        require(isinstance(item, dict) and "id" in item, f"list item without id: {item}")
    snake_keys(data)


def _page(s: Session, res: Resource, **params: Any) -> dict[str, Any]:
    return expect_envelope(
        s.admin.get(res.collection, params=params), 200, is_list=True, style=res.style
    )


def _pagination(res: Resource, s: Session) -> None:
    for n in PAGINATION_N:
        s.records.create(res, s.records.body(res, n))
    first = _page(s, res, limit=2)
    require(len(first["data"]) == 2, f"limit=2 returned {len(first['data'])} items")
    meta = first["meta"]
    require(meta["limit"] == 2, f"meta for limit=2: {meta}")
    if res.cursor:
        require(meta["next_cursor"] is not None, f"a full page must have a next_cursor: {meta}")
        second = _page(s, res, limit=2, cursor=meta["next_cursor"])
    else:
        require(meta["page"] == 1, f"meta for limit=2: {meta}")
        require(meta["total"] >= 3, f"meta.total must count all records: {meta}")
        second = _page(s, res, page=2, limit=2)
        require(second["meta"]["page"] == 2, f"meta.page must be 2: {second['meta']}")
    require(len(second["data"]) >= 1, "the second page with limit 2 is empty")
    overlap = set(ids_of(first["data"])) & set(ids_of(second["data"]))
    require(not overlap, f"pages 1 and 2 share ids {sorted(overlap)}")
    at_max = _page(s, res, limit=res.max_limit)
    require(
        at_max["meta"]["limit"] == res.max_limit,
        f"limit={res.max_limit} (the maximum) must be accepted as is: {at_max['meta']}",
    )


def _bad_query(res: Resource, param: str, value: object, s: Session) -> None:
    expect_validation_error(s.admin.get(res.collection, params={param: str(value)}), param)


def _include_unknown_on_list(res: Resource, s: Session) -> None:
    params = {"include": UNKNOWN_RELATION}
    expect_validation_error(s.admin.get(res.collection, params=params), "include")


def _include_unknown_on_get(res: Resource, s: Session) -> None:
    """Also for a resource without relations: GET by id takes `include` and nothing else."""
    created = s.records.create(res)
    params = {"include": UNKNOWN_RELATION}
    expect_validation_error(s.admin.get(res.item(created["id"]), params=params), "include")
    params = {"definitely_not_a_parameter": "1"}
    resp = s.admin.get(res.item(created["id"]), params=params)
    expect_validation_error(resp, "definitely_not_a_parameter")


# ---------------------------------------------------------------- order


def _orderable(kind: str, value: object) -> object | None:
    """A Python value ordered as the API orders `value` (None: not comparable here)."""
    if value is None:
        return None
    try:
        if kind in ("integer", "bigint", "float"):
            return value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if kind == "decimal":
            return Decimal(str(value))
        if kind == "datetime":
            return parse_instant(value)
        spec_type = TYPES.get(kind)
        if isinstance(spec_type, Parsed):  # a date, a time of day: the registry parses it
            return spec_type.parse(str(value))
    except (ValueError, InvalidOperation):
        return None
    return None


def _expect_order(res: Resource, key: str, items: list[dict[str, Any]], descending: bool) -> None:
    kind = res.kind(key)
    if kind not in ORDERED:
        return
    values = [_orderable(kind, item.get(key)) for item in items]
    known = [v for v in values if v is not None]
    wanted = sorted(known, reverse=descending)  # type: ignore[type-var]
    require(
        known == wanted,
        f"?sort={'-' if descending else ''}{key} is out of order: {[i.get(key) for i in items]}",
    )


def _sort_records(res: Resource, key: str, s: Session) -> list[dict[str, Any]]:
    """Three records for a sort by `key`; the third ties with the first when it can."""
    bodies = [s.records.body(res) for _ in range(3)]
    spec = res.fields.get(key)
    if spec is not None and not spec.get("unique") and not spec.get("read_only"):
        bodies[2][key] = bodies[0][key]
    return [s.records.create(res, body) for body in bodies]


def _sorted(res: Resource, key: str, s: Session) -> None:
    ours = {r["id"] for r in _sort_records(res, key, s)}
    for descending in (False, True):
        sort = f"-{key}" if descending else key
        items = _page(s, res, sort=sort, limit=res.max_limit)["data"]
        _expect_order(res, key, items, descending)
        if len(items) < res.max_limit:
            missing = ours - {i["id"] for i in items}
            require(not missing, f"?sort={sort} leaves out records {sorted(missing)}")


def _walk(res: Resource, key: str, descending: bool, s: Session) -> None:
    """Page by 2 through the whole list: every record once, in order, and no cursor after
    the last page."""
    ours = [str(r["id"]) for r in _sort_records(res, key, s)]
    sort = f"-{key}" if descending else key
    seen: list[dict[str, Any]] = []
    params: dict[str, object] = {"sort": sort, "limit": 2}
    for _ in range(5000):
        body = _page(s, res, **params)
        page, cursor = body["data"], body["meta"]["next_cursor"]
        require(len(page) <= 2, f"limit=2 returned {len(page)} items")
        if cursor is None:
            require(bool(page) or not seen, f"?sort={sort}: a next_cursor led to an empty page")
            seen += page
            break
        require(len(page) == 2, f"?sort={sort}: a page with a next_cursor holds {len(page)} items")
        seen += page
        params["cursor"] = cursor
    else:
        raise AssertionError(f"?sort={sort}: the pages never end")
    ids = ids_of(seen)
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    require(not repeated, f"?sort={sort}: records seen twice while paging: {repeated}")
    missing = [i for i in ours if i not in ids]
    require(not missing, f"?sort={sort}: records never seen while paging: {missing}")
    _expect_order(res, key, seen, descending)
    if len(seen) <= res.max_limit:  # one page holding every record: nothing follows it
        whole = _page(s, res, sort=sort, limit=len(seen))["meta"]
        require(whole["next_cursor"] is None, f"?limit={len(seen)} holds every record: {whole}")


# ---------------------------------------------------------------- crafted cursors


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str) -> object:
    try:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        return None


def _a_cursor(res: Resource, s: Session, sort: str) -> tuple[str, dict[str, Any]]:
    """A real next_cursor (for `sort`, one item per page) and the last item of its page."""
    s.records.create(res)
    s.records.create(res)
    body = _page(s, res, sort=sort, limit=1)
    cursor = body["meta"]["next_cursor"]
    require(isinstance(cursor, str), f"no next_cursor with two records and limit=1: {body['meta']}")
    return cursor, body["data"][0]


def _foreign_cursor(res: Resource, s: Session) -> None:
    for cursor in (_b64('{"foo": 1}'), _b64("[1, 2]"), _b64("not json")):
        _bad_query(res, "cursor", cursor, s)


def _other_sort(res: Resource, s: Session) -> None:
    cursor, _ = _a_cursor(res, s, res.default_sort)
    params = {"sort": f"-{res.default_sort}", "cursor": cursor}
    expect_validation_error(s.admin.get(res.collection, params=params), "cursor")


_BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
MAX_CURSOR_LENGTH = 4096


def _flipped(char: str) -> str:
    """Another base64url character whose top bit differs, so the decoded bytes differ
    even in a last character whose low bits are padding."""
    index = _BASE64URL.find(char)
    return _BASE64URL[index ^ 32] if index >= 0 else "A"


def _altered_cursor(res: Resource, s: Session) -> None:
    """Only the server's own cursors are taken: a real cursor with the record id inside
    it swapped for another record's (the rest, a signature say, kept), or with one
    character changed, is a 422 on `cursor`, not a page after another record."""
    cursor, last = _a_cursor(res, s, res.default_sort)
    other = s.records.create(res)
    variants = []
    parts = cursor.split(".")
    for i, part in enumerate(parts):
        position = _decode(part)
        if isinstance(position, dict):
            swapped = {
                k: other["id"] if str(v).lower() == str(last["id"]).lower() else v
                for k, v in position.items()
            }
            if swapped != position:
                variants.append(".".join([*parts[:i], _b64(json.dumps(swapped)), *parts[i + 1 :]]))
    for index in (0, len(cursor) // 2, len(cursor) - 1):
        variants.append(cursor[:index] + _flipped(cursor[index]) + cursor[index + 1 :])
    for variant in variants:
        params = {"sort": res.default_sort, "cursor": variant}
        expect_validation_error(s.admin.get(res.collection, params=params), "cursor")


def _too_long_cursor(res: Resource, s: Session) -> None:
    """A cursor is at most 4096 characters: longer text (a real cursor padded, deeply
    nested JSON) is a 422 on `cursor` before it is decoded, never a 5xx."""
    cursor, _ = _a_cursor(res, s, res.default_sort)
    padded = cursor + "A" * (MAX_CURSOR_LENGTH + 1 - len(cursor))
    nested = _b64("[" * 2400 + "]" * 2400)
    for text in (padded, nested):
        params = {"sort": res.default_sort, "cursor": text}
        expect_validation_error(s.admin.get(res.collection, params=params), "cursor")


def _matches(kind: str, api_value: object, cursor_value: object) -> bool:
    if api_value == cursor_value:
        return True
    if kind == "datetime":
        return parse_instant(api_value) is not None and parse_instant(api_value) == parse_instant(
            str(cursor_value).replace(" ", "T")
        )
    if kind == "decimal":
        try:
            return Decimal(str(api_value)) == Decimal(str(cursor_value))
        except InvalidOperation:
            return False
    return str(api_value).lower() == str(cursor_value).lower()


def _unstorable(res: Resource, key: str, s: Session) -> None:
    """A cursor of this API with its sort value replaced by one the column cannot hold
    (a huge number, an infinite float, NUL): 422 on `cursor`, never a 5xx."""
    cursor, last = _a_cursor(res, s, key)
    kind = res.kind(key)
    parts = cursor.split(".")  # base64 JSON, perhaps followed by a signature
    position = _decode(parts[0])
    if not isinstance(position, dict):  # not base64 JSON: craft one in that form
        position, parts = {"sort": key, "value": None, "id": last["id"]}, [""]
    slot = next(
        (k for k, v in position.items() if k != "id" and _matches(kind, last.get(key), v)),
        "value",
    )
    marker = "\u0001crafted\u0001"
    position[slot] = marker
    text = json.dumps(position).replace(json.dumps(marker), unstorable_json(kind))
    params = {"sort": key, "cursor": ".".join([_b64(text), *parts[1:]])}
    expect_validation_error(s.admin.get(res.collection, params=params), "cursor")
