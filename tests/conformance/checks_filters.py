"""Checks of one resource's list filters (`?<field>=`, `_gte`, `_lte`, `_in`) and search
(`?q=`). Each check makes records with values chosen so that a filter that is ignored,
inverted or off by one fails: a value between two others, and the records on both sides.

Records are told apart by id: a check asks whether its own records are in the answer or
not, so other records on the server cannot confuse it. Where another filter can select
only the check's records (a fresh parent, or a marker text), it is added to the query.
"""

from __future__ import annotations

import random
import string
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_DOWN, Decimal
from functools import partial
from typing import Any
from urllib.parse import urlencode

from generator.samples import sample_value
from generator.types import NUMERIC_TYPES, TYPES
from generator.types.numbers import INT32_MAX, INT64_MAX, integer_bounds
from generator.types.text import length_bounds
from generator.types.values import Parsed
from tests.conformance.support import (
    Api,
    Check,
    ConformanceError,
    Resource,
    Session,
    describe,
    expect_envelope,
    require,
)

TEXT_KINDS = ("string", "text", "email", "url")
Q_MAX_LENGTH = 200
_RNG = random.Random()


def filter_checks(api: Api, res: Resource) -> list[Check]:
    def check(name: str, fn: Any, *args: Any) -> Check:
        return Check(name, partial(fn, res, *args), api, res.plural)

    out = [check("filter_unknown_parameters", _unknown_parameters)]
    for name in res.filters:
        if _settable(res, name):
            out.append(check(f"filter_{name}", _equals, name))
            ops = [op for op in res.filter_ops(name) if op]
            out += [check(f"filter_{name}{op}", _bound, name, op) for op in ops]
        out.append(check(f"filter_{name}_invalid", _invalid, name))
    for name in res.search:
        spec = res.writable.get(name)
        if spec and (_search_value(spec, "x" * 10) is not None or _enum_pair(res, name)):
            out.append(check(f"search_{name}", _search, name))
    if _literal_field(res) is not None:
        out.append(check("search_is_literal", _search_literal))
    if res.search:
        out.append(check("search_q_bounds", _q_bounds))
    return out


# ---------------------------------------------------------------- values


def _settable(res: Resource, name: str) -> bool:
    """Whether a check can give records distinct values of the field."""
    if name in res.refs:
        return True
    spec = res.writable.get(name)
    if spec is None:  # read_only: the server sets it
        return False
    return spec["type"] != "enum" or len(spec["values"]) > 1


def _letters(size: int) -> str:
    return "".join(_RNG.choice(string.ascii_lowercase) for _ in range(size))


def _texts(spec: Mapping[str, Any], count: int) -> list[str]:
    """Texts in the same order in every collation: lowercase letters after one prefix."""
    base, kind = _letters(10), spec["type"]
    if kind == "email":
        return [f"{base}{c}@example.com" for c in "abc"[:count]]
    if kind == "url":
        return [f"https://example.com/{base}{c}" for c in "abc"[:count]]
    low, high = length_bounds(spec)
    size = max(low, min(high or 64, 12))
    return [(base * (1 + size // 10))[: size - 1] + c for c in "abc"[:count]]


def _numbers(spec: Mapping[str, Any], count: int) -> list[object]:
    kind = spec["type"]
    if kind in ("integer", "bigint"):
        lo, hi = integer_bounds(spec)
        lo, hi = max(lo, -(10**9)), min(hi, 10**9)
        start = _RNG.randint(lo, max(lo, hi - count + 1))
        return [start + i for i in range(count) if start + i <= hi]
    if kind == "float":
        bottom = float(spec["min"]) if spec.get("min") is not None else -1e6
        top = float(spec["max"]) if spec.get("max") is not None else 1e6
        if bottom >= top:
            return [bottom]
        return [bottom + (top - bottom) * k / 4 for k in range(1, count + 1)]
    scale, precision = int(spec.get("scale") or 0), int(spec.get("precision") or 10)
    quantum = Decimal(1).scaleb(-scale)
    largest = Decimal(10) ** (precision - scale) - quantum
    low = max(Decimal(str(spec["min"])) if spec.get("min") is not None else -largest, -largest)
    high = min(Decimal(str(spec["max"])) if spec.get("max") is not None else largest, largest)
    step = ((high - low) / (count + 1)).quantize(quantum, rounding=ROUND_DOWN)
    if step < quantum:
        return [str(low.quantize(quantum))]
    jitter = quantum * _RNG.randint(0, int(step / quantum) // 2)
    return [str((low + jitter + step * k).quantize(quantum)) for k in range(1, count + 1)]


def _values(res: Resource, name: str, count: int, s: Session) -> list[object]:
    """Up to `count` distinct values of the field, ascending where it is ordered (refs:
    ids of fresh parents)."""
    if name in res.refs:
        return [s.records.parent(res.refs[name])["id"] for _ in range(count)]
    spec = res.fields[name]
    kind = spec["type"]
    if kind == "boolean":
        return [False, True][:count]  # type: ignore[return-value]
    if kind == "enum":
        return list(spec["values"])[:count]
    if kind == "uuid":
        return [str(uuid.uuid4()) for _ in range(count)]
    if kind in TEXT_KINDS:
        return list(_texts(spec, count))
    if kind == "date":
        first = date(2000, 1, 1) + timedelta(days=_RNG.randint(0, 30000))
        return [(first + timedelta(days=k)).isoformat() for k in range(count)]
    if kind == "datetime":
        first = datetime(2001, 1, 1, tzinfo=UTC) + timedelta(seconds=_RNG.randint(0, 10**9))
        moments = [first + timedelta(hours=k) for k in range(count)]
        return [m.isoformat().replace("+00:00", "Z") for m in moments]
    if kind in NUMERIC_TYPES:
        return _numbers(spec, count)
    # Any other type: the registry's samples, ascending in n for an ordered type.
    start = _RNG.randint(0, 1000)
    return [sample_value(name, spec, start + k) for k in range(count)]


def _text(value: object) -> str:
    """A JSON value as query-string text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------- lists


def _select(s: Session, res: Resource, params: Mapping[str, Any]) -> list[str]:
    """The ids of every record a filtered list holds, page after page; an offset list's
    `total` must count exactly those."""
    query: dict[str, Any] = {**params, "limit": res.max_limit}
    ids: list[str] = []
    total = None
    for page in range(1, 1000):
        if not res.cursor:
            query["page"] = page
        resp = s.admin.get(res.collection, params=query)
        body = expect_envelope(resp, 200, is_list=True, style=res.style)
        ids += [str(item.get("id")) for item in body["data"]]
        if res.cursor:
            if body["meta"]["next_cursor"] is None:
                return ids
            query["cursor"] = body["meta"]["next_cursor"]
            continue
        total = body["meta"]["total"] if total is None else total
        if len(body["data"]) < res.max_limit or page * res.max_limit >= total:
            require(
                total == len(ids),
                f"meta.total must count the filtered records ({len(ids)}): {describe(resp)}",
            )
            return ids
    raise ConformanceError(f"{res.collection}?{urlencode(params)}: the list does not end")


def _expect(
    s: Session,
    res: Resource,
    params: Mapping[str, Any],
    wanted: Sequence[Mapping[str, Any]],
    unwanted: Sequence[Mapping[str, Any]],
    name: str,
) -> None:
    got = set(_select(s, res, params))
    where = f"?{urlencode(params, doseq=True)}"
    missing = [r.get(name) for r in wanted if str(r["id"]) not in got]
    require(not missing, f"{where} leaves out our records with {name} = {missing}")
    extra = [r.get(name) for r in unwanted if str(r["id"]) in got]
    require(not extra, f"{where} returns our records with {name} = {extra}")


def _scope(res: Resource, name: str, s: Session) -> tuple[dict[str, object], dict[str, str]]:
    """A value every record of the check gets (body) and the filter selecting only them
    (query): a fresh parent, else a marker in a text field that takes equality. Empty when
    the resource has neither (the checks then look at their own records among all)."""
    for other in res.filters:
        if other != name and other in res.refs:
            parent = s.records.parent(res.refs[other])
            return {other: parent["id"]}, {other: _text(parent["id"])}
    for other in res.filters:
        spec = res.writable.get(other)
        if other != name and spec and spec["type"] in TEXT_KINDS and not spec.get("unique"):
            marker = _texts(spec, 1)[0]
            return {other: marker}, {other: marker}
    return {}, {}


def _make(
    res: Resource, s: Session, values: Mapping[str, object], n: int = 1
) -> list[dict[str, Any]]:
    """`n` records with these field values (the rest from the samples)."""
    out = []
    for _ in range(n):
        body = s.records.body(res, skip=[k for k in values if k in res.refs])
        body.update(values)
        out.append(s.records.create(res, body))
    return out


def _records(
    res: Resource, name: str, count: int, s: Session
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """One record per distinct value of the field (ascending), and the scoping query. The
    records hold the values as sent: the checks filter by those."""
    values = _values(res, name, count, s)
    body, query = _scope(res, name, s)
    records = [{**_make(res, s, {**body, name: value})[0], name: value} for value in values]
    return records, query


# ---------------------------------------------------------------- filters


def _equals(res: Resource, name: str, s: Session) -> None:
    """?name=v returns the records holding v and none of those holding other values
    (datetimes: the same instant, at any offset)."""
    records, scope = _records(res, name, 3, s)
    require(len(records) > 1, f"{name}: no two distinct values to filter by")
    middle = records[1] if len(records) > 2 else records[0]
    others = [r for r in records if r is not middle]
    text = _text(middle[name])
    if res.kind(name) == "datetime":  # the same instant at another offset
        text = datetime.fromisoformat(text).astimezone(timezone(timedelta(hours=7))).isoformat()
    _expect(s, res, {**scope, name: text}, [middle], others, name)


def _bound(res: Resource, name: str, op: str, s: Session) -> None:
    """_gte and _lte bound inclusively: with the middle of three values, _gte keeps the
    middle and the larger and leaves out the smaller (_lte the other way round); _in
    returns the union of its values, given comma separated or repeated."""
    records, scope = _records(res, name, 3, s)
    if op == "_in":
        picked, rest = records[:2], records[2:]
        texts = [_text(r[name]) for r in picked]
        if not any("," in t for t in texts):
            _expect(s, res, {**scope, f"{name}_in": ",".join(texts)}, picked, rest, name)
        _expect(s, res, {**scope, f"{name}_in": texts}, picked, rest, name)
        _expect(s, res, {**scope, f"{name}_in": texts[1:]}, picked[1:], picked[:1], name)
        return
    require(len(records) == 3, f"{name}: no three distinct values to filter by")
    low, middle, high = records
    wanted, unwanted = ([middle, high], [low]) if op == "_gte" else ([low, middle], [high])
    _expect(s, res, {**scope, f"{name}{op}": _text(middle[name])}, wanted, unwanted, name)


def _bad_texts(res: Resource, name: str) -> list[str]:
    """Query texts the field's filter must refuse: not of its type, or not storable."""
    kind = res.kind(name)
    spec = res.fields.get(name) or {}
    if kind in ("integer", "bigint"):
        top = INT64_MAX if kind == "bigint" else INT32_MAX
        return ["not-a-number", "1.5", str(top + 1)]
    if kind == "float":
        return ["not-a-number"]
    if kind == "decimal":
        return ["not-a-number", "1." + "0" * int(spec.get("scale") or 0) + "1"]
    if kind == "boolean":
        return ["maybe"]
    if kind == "date":
        return ["not-a-date", "2024-02-30"]
    if kind == "datetime":
        return ["not-a-datetime", "2024-01-15T10:30:00"]
    if kind in ("uuid", "ref"):
        return ["not-a-uuid"]
    if kind == "enum":
        wrong = "not-a-valid-value"
        while wrong in spec["values"]:
            wrong += "-x"
        return [wrong]
    if isinstance(TYPES.get(kind), Parsed):  # any other type of one text form (a time)
        invalid = TYPES[kind].invalid(spec)
        return [value for _, value in invalid if isinstance(value, str)]
    return ["a\x00b"]  # no text holds NUL


def _names_param(details: object, param: str) -> bool:
    """Whether 422 details locate the error at the query parameter (or an item of it)."""
    if isinstance(details, dict):
        return param in details or _names_param([details], param)
    if isinstance(details, list):
        for item in details:
            where = item.get("field") if isinstance(item, dict) else None
            if where == param or str(where).startswith(f"{param}."):
                return True
    return False


def expect_param_error(resp: Any, param: str) -> None:
    """A 422 VALIDATION_ERROR whose details (when shown) name the query parameter."""
    body = expect_envelope(resp, 422, code="VALIDATION_ERROR")
    details = body["error"]["details"]
    require(
        details is None or _names_param(details, param),
        f"error.details must name the query parameter {param!r}: {describe(resp)}",
    )


def _invalid(res: Resource, name: str, s: Session) -> None:
    """A value the field cannot hold is a 422 on the parameter, on every form of it."""
    for op in res.filter_ops(name):
        for bad in _bad_texts(res, name):
            value = bad
            if op == "_in":
                value = f"{res.fields[name]['values'][0]},{bad}"
            resp = s.admin.get(res.collection, params={f"{name}{op}": value})
            expect_param_error(resp, f"{name}{op}")


def _valid_text(res: Resource, name: str) -> str:
    if name in res.refs or name not in res.fields:
        return str(uuid.uuid4())
    return _text(sample_value(name, res.fields[name], 1))


def _unknown_parameters(res: Resource, s: Session) -> None:
    """Only the declared parameters: a field without `filter`, a suffix its type does not
    take (`_gt`, `_gte` on an unordered type, `_in` on a non-enum) and `q` without
    `search` are 422s naming the parameter."""
    known = {"page", "limit", "sort", "cursor", "include", "q" if res.search else ""}
    known |= {f"{n}{op}" for n in res.filters for op in res.filter_ops(n)}
    tries = {"definitely_not_a_parameter": "1"}
    plain = [n for n in [*res.fields, *res.refs] if n not in res.filters]
    if plain:
        tries[plain[0]] = _valid_text(res, plain[0])
    for name in res.filters:
        ops, value = res.filter_ops(name), _valid_text(res, name)
        tries[f"{name}_gt" if "_gte" in ops else f"{name}_gte"] = value
        if "_in" not in ops:
            tries[f"{name}_in"] = value
    if not res.search:
        tries["q"] = "x"
    for param, value in tries.items():
        if param not in known:
            expect_param_error(s.admin.get(res.collection, params={param: value}), param)


# ---------------------------------------------------------------- search


def _search_value(spec: Mapping[str, Any], core: str) -> str | None:
    """A valid value of a text field holding `core` (None when it cannot)."""
    kind = spec["type"]
    if kind == "email":
        return f"x{core}x@example.com"
    if kind == "url":
        return f"https://example.com/x{core}x"
    if kind not in ("string", "text"):
        return None
    low, high = length_bounds(spec)
    value = f"x{core}x"
    if high is not None and len(value) > high:
        return None
    return value + "x" * (low - len(value))


def _enum_pair(res: Resource, name: str) -> tuple[str, str] | None:
    """Two values of an enum: the first has letters and is in no spelling of the other."""
    values = list(res.fields[name].get("values") or [])
    for first in values:
        for other in values:
            if first.lower() != first.upper() and first.lower() not in other.lower():
                return first, other
    return None


def _mixed(size: int) -> str:
    return "".join(c.upper() if i % 2 else c for i, c in enumerate(_letters(size)))


def _search(res: Resource, name: str, s: Session) -> None:
    """?q= finds a record by a part of this field, in any case, and only such records."""
    spec = res.fields[name]
    core = _mixed(10)
    value = _search_value(spec, core)
    if value is None:  # an enum: a whole value, in the other case
        pair = _enum_pair(res, name)
        assert pair is not None
        body, scope = _scope(res, name, s)
        [match] = _make(res, s, {**body, name: pair[0]})
        [other] = _make(res, s, {**body, name: pair[1]})
        _expect(s, res, {**scope, "q": pair[0].swapcase()}, [match], [other], name)
        return
    [match] = _make(res, s, {name: value})
    s.records.create(res)  # another record, which q must leave out
    for q in (core[2:-2], core.swapcase(), core.lower()):
        got = _select(s, res, {"q": q})
        require(
            got == [str(match["id"])],
            f"?q={q!r} must return exactly the record whose {name} is {value!r}"
            f" (case-insensitive substring): got {got}",
        )


def _literal_field(res: Resource) -> str | None:
    for name in res.search:
        spec = res.writable.get(name)
        if spec and spec["type"] in ("string", "text") and _search_value(spec, "x" * 12):
            return name
    return None


def _search_literal(res: Resource, s: Session) -> None:
    """q is a literal substring, as given: `%` and `_` match themselves, not any text,
    and spaces are not trimmed."""
    name = _literal_field(res)
    assert name is not None
    head, tail = _letters(5), _letters(5)
    value = _search_value(res.fields[name], f"{head}%_{tail}")
    [match] = _make(res, s, {name: value})
    s.records.create(res)
    got = _select(s, res, {"q": f"{head}%_{tail}"})
    require(got == [str(match["id"])], f"?q={head}%_{tail} must find {name} {value!r}: {got}")
    for q in (f"{head}__{tail}", f"{head}%{tail}", f"{head}%_{tail}x "):
        got = _select(s, res, {"q": q})
        require(str(match["id"]) not in got, f"?q={q!r} must not match {name} {value!r}")


def _q_bounds(res: Resource, s: Session) -> None:
    """q is 1 to 200 characters without NUL: an empty q is a 422 on q, as is a longer
    one; a blank q is a search like any other."""
    for bad in ("", "x" * (Q_MAX_LENGTH + 1), "a\x00b"):
        expect_param_error(s.admin.get(res.collection, params={"q": bad}), "q")
    for good in ("x" * Q_MAX_LENGTH, " "):
        resp = s.admin.get(res.collection, params={"q": good})
        expect_envelope(resp, 200, is_list=True, style=res.style)
