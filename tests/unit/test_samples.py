"""Tests for generator.samples, checked against an independent validator and pydantic."""

from __future__ import annotations

import json
import math
import re
import sys
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    HttpUrl,
    JsonValue,
    ValidationError,
    create_model,
)

from generator.samples import (
    InvalidCase,
    invalid_cases,
    invalid_payload,
    missing_cases,
    required_payload,
    sample_value,
    update_payload,
    valid_payload,
)
from generator.types import TYPES as SPEC_TYPES
from tests.unit.fields import field

TYPES = (
    "string",
    "text",
    "integer",
    "float",
    "boolean",
    "date",
    "datetime",
    "uuid",
    "email",
    "enum",
)


REVIEW: dict[str, dict[str, Any]] = {
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
}


# ------------------------------------------------------------ independent checker


def violations(spec: dict[str, Any], value: object) -> set[str]:
    """Every constraint ``value`` breaks, named like the suffixes of InvalidCase.reason."""
    kind = spec["type"]
    if value is None:
        return {"null"} if spec["required"] else set()
    if kind in ("integer", "float"):
        if isinstance(value, str):
            try:
                parsed = float(value)
            except ValueError:
                return {"wrong_type"}
            if math.isnan(parsed):
                return {"not_a_number"}
            return {"infinite"} if math.isinf(parsed) else {"numeric_string"}
        if isinstance(value, bool):
            return {"boolean"}  # strict JSON: true is not 1
        if not isinstance(value, int | float):
            return {"wrong_type"}
        if kind == "integer" and not float(value).is_integer():
            return {"not_an_integer"}
        if not math.isfinite(value):
            return {"infinite"}
        found = set()
        lo, hi = spec["min"], spec["max"]
        if lo is not None and value < lo:
            found.add("below_min")
        if hi is not None and value > hi:
            found.add("above_max")
        if kind == "integer" and lo is None and value < -(2**31):
            found.add("below_int32_range")
        if kind == "integer" and hi is None and value > 2**31 - 1:
            found.add("above_int32_range")
        return found
    if kind == "boolean":
        if isinstance(value, bool):
            return set()
        if value in ("true", "false"):
            return {"boolean_string"}
        return {"number"} if isinstance(value, int | float) else {"wrong_type"}
    if kind in ("date", "datetime") and not isinstance(value, bool | str):
        return {"number"} if isinstance(value, int | float) else {"wrong_type"}
    if not isinstance(value, str):
        return {"wrong_type"}
    if kind in ("string", "text"):
        found = set()
        longest = spec["max_length"]
        if longest is None and kind == "string":
            longest = 255
        if spec["min_length"] is not None and len(value) < spec["min_length"]:
            found.add("too_short")
        if longest is not None and len(value) > longest:
            found.add("too_long")
        if "\x00" in value:
            found.add("holds_nul")
        return found
    if kind == "email":
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            return {"not_an_email"}
        return set()
    if kind == "enum":
        return set() if value in spec["values"] else {"not_in_values"}
    if kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return {"not_a_date"}
        try:
            date.fromisoformat(value)
        except ValueError:
            return {"impossible_date"}
        return set()
    if kind == "datetime":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return {"not_a_datetime"}
        return {"naive_datetime"} if moment.tzinfo is None else set()
    if kind == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            return {"not_a_uuid"}
        return set()
    raise AssertionError(kind)


def pydantic_model(fields: dict[str, dict[str, Any]]) -> type[BaseModel]:
    """The create schema a careful FastAPI backend would write for these fields."""
    definitions: dict[str, Any] = {}
    for name, spec in fields.items():
        kind = spec["type"]
        annotation: Any
        if kind == "integer":
            lo = -(2**31) if spec["min"] is None else spec["min"]
            hi = 2**31 - 1 if spec["max"] is None else spec["max"]
            annotation = Annotated[int, Field(ge=lo, le=hi)]
        elif kind == "float":
            annotation = Annotated[
                float, Field(ge=spec["min"], le=spec["max"], allow_inf_nan=False)
            ]
        elif kind in ("string", "text"):
            longest = spec["max_length"]
            if longest is None and kind == "string":
                longest = 255
            annotation = Annotated[
                str,
                Field(min_length=spec["min_length"], max_length=longest, pattern=r"^[^\x00]*$"),
            ]
        elif kind == "enum":
            annotation = Literal[tuple(spec["values"])]
        else:
            annotation = {
                "boolean": bool,
                "date": date,
                "datetime": AwareDatetime,
                "uuid": uuid.UUID,
                "email": EmailStr,
            }[kind]
        if not spec["required"]:
            definitions[name] = (annotation | None, spec["default"])
        elif spec["default"] is not None:
            definitions[name] = (annotation, spec["default"])
        else:
            definitions[name] = (annotation, ...)
    model: type[BaseModel] = create_model(
        "Create", __config__=ConfigDict(extra="forbid"), **definitions
    )
    return model


def accepts(fields: dict[str, dict[str, Any]], payload: dict[str, object]) -> bool:
    try:
        # Strict JSON, as the contract wants: "5" is not a number, 1 not a boolean.
        pydantic_model(fields).model_validate_json(
            json.dumps(payload, allow_nan=False), strict=True
        )
    except ValidationError:
        return False
    return True


def capacity(spec: dict[str, Any]) -> float:
    """How many distinct valid values the field admits (inf when plenty)."""
    kind = spec["type"]
    if kind == "integer":
        lo = -(2**31) if spec["min"] is None else spec["min"]
        hi = 2**31 - 1 if spec["max"] is None else spec["max"]
        return hi - lo + 1
    if kind == "float":
        if spec["min"] is not None and spec["max"] is not None:
            return math.inf if spec["max"] - spec["min"] >= 1e-3 else 1
        return math.inf
    if kind == "boolean":
        return 2
    if kind == "enum":
        return len(spec["values"])
    return math.inf


# ------------------------------------------------------------ strategies

names = st.from_regex(r"[a-z]{1,8}(_[a-z]{1,6})?", fullmatch=True)
bounds = st.none() | st.integers(-1000, 1000)
float_bounds = st.none() | st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def field_specs(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(TYPES))
    spec = field(kind, required=draw(st.booleans()), unique=draw(st.booleans()))
    if kind in ("integer", "float"):
        lo = draw(bounds if kind == "integer" else float_bounds)
        hi = draw(bounds if kind == "integer" else float_bounds)
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        if lo is not None and draw(st.booleans()):  # narrow ranges, where values wrap
            hi = lo + draw(st.integers(0, 70))
        spec.update(min=lo, max=hi)
    elif kind in ("string", "text"):
        longest = draw(st.none() | st.integers(1, 300 if kind == "string" else 500))
        shortest = draw(st.none() | st.integers(0, longest or (255 if kind == "string" else 500)))
        spec.update(min_length=shortest, max_length=longest)
    elif kind == "enum":
        values = draw(
            st.lists(st.text("abcdefgh0123-", min_size=1, max_size=6), min_size=1, unique=True)
        )
        spec.update(values=values, default=draw(st.none() | st.sampled_from(values)))
    elif kind == "boolean":
        spec.update(default=draw(st.none() | st.booleans()))
    return spec


field_sets = st.dictionaries(names, field_specs(), min_size=1, max_size=6)
common = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------ valid payloads


@common
@given(fields=field_sets, n=st.integers(0, 60))
def test_valid_payload_satisfies_every_constraint(fields: dict[str, Any], n: int) -> None:
    payload = valid_payload(fields, n)
    assert set(payload) == set(fields)
    for name, value in payload.items():
        assert violations(fields[name], value) == set(), (name, value)
    assert accepts(fields, payload)
    assert valid_payload(fields, n) == payload  # deterministic
    json.dumps(payload, allow_nan=False)


@common
@given(fields=field_sets)
def test_values_differ_across_n_when_the_field_allows(fields: dict[str, Any]) -> None:
    payloads = [valid_payload(fields, n) for n in range(51)]
    for name, spec in fields.items():
        distinct = {json.dumps(p[name]) for p in payloads}
        assert len(distinct) >= min(51, capacity(spec)), (name, spec, sorted(distinct)[:5])


@common
@given(fields=field_sets, n=st.integers(0, 60))
def test_required_payload_has_exactly_required_fields(fields: dict[str, Any], n: int) -> None:
    payload = required_payload(fields, n)
    wanted = {k for k, s in fields.items() if s["required"] and s["default"] is None}
    assert set(payload) == wanted
    assert accepts(fields, payload)


@common
@given(fields=field_sets, n=st.integers(0, 60))
def test_update_payload_changes_a_field_validly(fields: dict[str, Any], n: int) -> None:
    changes = update_payload(fields, n)
    original = valid_payload(fields, n)
    assert 1 <= len(changes) <= 2
    assert accepts(fields, {**original, **changes})
    changeable = [k for k, s in fields.items() if capacity(s) > 1]
    if changeable:
        assert any(changes[k] != original[k] for k in changes)
        assert all(changes[k] != valid_payload(fields, 0)[k] for k in changes) or n != 0
    if any(not fields[k]["unique"] for k in changeable):
        assert not any(fields[k]["unique"] for k in changes)


# ------------------------------------------------------------ invalid and missing cases


@common
@given(fields=field_sets)
def test_each_invalid_case_breaks_exactly_its_constraint(fields: dict[str, Any]) -> None:
    cases = invalid_cases(fields)
    assert len({c.reason for c in cases}) == len(cases)
    for case in cases:
        assert isinstance(case, InvalidCase)
        suffix = case.reason.removeprefix(f"{case.field}_")
        assert re.fullmatch(r"[a-z0-9_]+", case.reason)
        assert violations(fields[case.field], case.value) == {suffix}, case
        payload = invalid_payload(fields, case)
        others = {k: v for k, v in payload.items() if k != case.field}
        assert all(not violations(fields[k], v) for k, v in others.items())
        assert not accepts(fields, payload), case
        json.dumps(payload, allow_nan=False)


@common
@given(fields=field_sets)
def test_invalid_values_sit_just_past_the_boundary(fields: dict[str, Any]) -> None:
    for case in invalid_cases(fields):
        spec = fields[case.field]
        suffix = case.reason.removeprefix(f"{case.field}_")
        expected: dict[str, object] = {
            "below_int32_range": -(2**31) - 1,
            "above_int32_range": 2**31,
        }
        if spec["min_length"]:
            expected["too_short"] = "x" * (spec["min_length"] - 1)
        longest = spec["max_length"] or (255 if spec["type"] == "string" else None)
        if longest is not None:
            expected["too_long"] = "x" * (longest + 1)
        if spec["type"] == "integer" and spec["min"] is not None:
            expected["below_min"] = math.ceil(spec["min"]) - 1
        if spec["type"] == "integer" and spec["max"] is not None:
            expected["above_max"] = math.floor(spec["max"]) + 1
        if suffix in expected:
            assert case.value == expected[suffix], case


@common
@given(fields=field_sets)
def test_every_type_has_a_wrong_type_case(fields: dict[str, Any]) -> None:
    reasons = {c.reason for c in invalid_cases(fields)}
    for name in fields:
        assert f"{name}_wrong_type" in reasons


@common
@given(fields=field_sets, n=st.integers(0, 60))
def test_missing_cases_drop_one_required_field(fields: dict[str, Any], n: int) -> None:
    cases = missing_cases(fields, n)
    wanted = [k for k, s in fields.items() if s["required"] and s["default"] is None]
    assert [c.field for c in cases] == wanted
    for case in cases:
        assert case.reason == f"{case.field}_missing"
        assert case.payload == {
            k: v for k, v in valid_payload(fields, n).items() if k != case.field
        }
        assert not accepts(fields, case.payload)


# ------------------------------------------------------------ the review example


def test_review_example_values() -> None:
    payload = valid_payload(REVIEW, 3)
    assert payload["author_email"] == "author_email3@example.com"
    assert payload["published_on"] == "2024-01-18"
    assert payload["seen_at"] == "2024-01-15T13:30:00Z"
    assert 1 <= payload["rating"] <= 5  # type: ignore[operator]
    assert payload["status"] in {"pending", "published", "hidden"}
    assert valid_payload(REVIEW)["status"] != "pending"  # n=0 shows a non-default value
    assert uuid.UUID(str(payload["ref_code"])).version == 4


def test_review_invalid_reasons() -> None:
    reasons = {c.reason for c in invalid_cases(REVIEW)}
    assert {
        "rating_below_min",
        "rating_above_max",
        "rating_wrong_type",
        "title_too_short",
        "title_too_long",
        "status_not_in_values",
        "author_email_not_an_email",
        "score_below_min",
        "score_not_a_number",
        "score_infinite",
        "seen_at_naive_datetime",
        "published_on_not_a_date",
        "ref_code_not_a_uuid",
        "featured_wrong_type",
    } <= reasons
    assert "body_null" not in reasons  # optional fields may be null


def test_unbounded_integer_gets_int32_cases() -> None:
    cases = {c.reason: c.value for c in invalid_cases({"count": field("integer")})}
    assert cases["count_below_int32_range"] == -(2**31) - 1
    assert cases["count_above_int32_range"] == 2**31
    half = {c.reason for c in invalid_cases({"count": field("integer", min=0)})}
    assert {"count_below_min", "count_above_int32_range"} <= half


def test_update_payload_falls_back_to_unique_then_to_a_no_op() -> None:
    only_unique = {"code": field("string", unique=True)}
    assert update_payload(only_unique) != {"code": valid_payload(only_unique)["code"]}
    frozen = {"kind": field("enum", values=["only"])}
    assert update_payload(frozen) == {"kind": "only"}
    assert update_payload({}) == {}


@pytest.mark.parametrize("bad", ["true", "1", "yes"])
def test_boolean_wrong_type_is_not_a_lax_truthy_string(bad: str) -> None:
    case = next(c for c in invalid_cases({"flag": field("boolean")}) if "wrong_type" in c.reason)
    assert case.value != bad
    assert not accepts({"flag": field("boolean")}, {"flag": case.value})


# ------------------------------------------------------------ bigint, decimal, url, json

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def decimal_field(precision: int = 10, scale: int = 2, **overrides: Any) -> dict[str, Any]:
    return field("decimal", precision=precision, scale=scale, **overrides)


NEW_TYPE_FIELDS: dict[str, dict[str, Any]] = {
    "bigint": field("bigint"),
    "bigint_bounded": field("bigint", min=-(2**40), max=2**40),
    "bigint_near_top": field("bigint", min=INT64_MAX - 100),
    "bigint_negative": field("bigint", max=-5),
    "decimal": decimal_field(),
    "decimal_whole": decimal_field(6, 0),
    "decimal_fraction": decimal_field(4, 4),
    "decimal_wide": decimal_field(18, 6),
    "decimal_bounded": decimal_field(8, 2, min=0, max=100),
    "decimal_negative": decimal_field(5, 1, max=-1),
    "url": field("url"),
    "json": field("json"),
}


def new_type_violations(spec: dict[str, Any], value: object) -> set[str]:
    """Like violations(), for the types added with spec depth."""
    kind = spec["type"]
    if value is None:
        return {"null"} if spec["required"] else set()
    if kind == "json":
        text = json.dumps(value, allow_nan=False)
        if "\\u0000" not in text:
            return set()
        keys = [k for item in _json_items(value) if isinstance(item, dict) for k in item]
        return {"nul_in_key"} if any("\x00" in k for k in keys) else {"nul_in_value"}
    if isinstance(value, bool) and kind in ("bigint", "decimal"):
        return {"boolean"}  # strict JSON: true is not a number
    if kind == "bigint":
        if not isinstance(value, int | float | str):
            return {"wrong_type"}
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return {"wrong_type"}
            return {"numeric_string"}
        if not float(value).is_integer():
            return {"not_an_integer"}
        found = set()
        if spec["min"] is not None and value < spec["min"]:
            found.add("below_min")
        if spec["max"] is not None and value > spec["max"]:
            found.add("above_max")
        if spec["min"] is None and value < INT64_MIN:
            found.add("below_int64_range")
        if spec["max"] is None and value > INT64_MAX:
            found.add("above_int64_range")
        return found
    if not isinstance(value, str):
        return {"wrong_type"}
    if kind == "url":
        if " " in value or "://" not in value:
            return {"not_a_url"}
        scheme, _, rest = value.partition("://")
        if scheme not in ("http", "https"):
            return {"not_http"}
        return set() if rest and not rest.startswith("/") else {"not_a_url"}
    assert kind == "decimal", kind
    try:
        number = Decimal(value)
    except ArithmeticError:
        return {"wrong_type"}
    if not number.is_finite():
        return {"wrong_type"}
    found = set()
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    places = max(-exponent, 0)
    whole = max(len(digits) + exponent, 0) if number != 0 else 0
    if places > spec["scale"]:
        found.add("too_many_places")
    if whole > spec["precision"] - spec["scale"]:
        found.add("too_many_digits")
    if spec["min"] is not None and number < Decimal(str(spec["min"])):
        found.add("below_min")
    if spec["max"] is not None and number > Decimal(str(spec["max"])):
        found.add("above_max")
    return found


def _json_items(value: object) -> list[object]:
    """Every value inside a JSON value, itself included."""
    items, pending = [], [value]
    while pending:
        item = pending.pop()
        items.append(item)
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return items


def _no_nul(value: Any) -> Any:
    if "\\u0000" in json.dumps(value):
        raise ValueError("NUL")
    return value


def new_type_model(spec: dict[str, Any]) -> type[BaseModel]:
    """The schema a careful backend would write for one field of a new type."""
    kind = spec["type"]
    annotation: Any
    if kind == "bigint":
        lo = INT64_MIN if spec["min"] is None else spec["min"]
        hi = INT64_MAX if spec["max"] is None else spec["max"]
        annotation = Annotated[int, Field(ge=lo, le=hi)]
    elif kind == "decimal":
        annotation = Annotated[
            Decimal,
            Field(
                ge=spec["min"],
                le=spec["max"],
                max_digits=spec["precision"],
                decimal_places=spec["scale"],
                allow_inf_nan=False,
            ),
        ]
    elif kind == "url":
        annotation = HttpUrl
    else:
        annotation = Annotated[JsonValue, AfterValidator(_no_nul)]
    model: type[BaseModel] = create_model(
        "Create", __config__=ConfigDict(extra="forbid"), value=(annotation, ...)
    )
    return model


def new_type_accepts(spec: dict[str, Any], value: object) -> bool:
    try:
        document = json.dumps({"value": value}, allow_nan=False)
        new_type_model(spec).model_validate_json(document, strict=True)
    except ValidationError:
        return False
    return value is not None or spec["type"] != "json" or not spec["required"]


@pytest.mark.parametrize("name", NEW_TYPE_FIELDS)
def test_new_type_samples_are_valid(name: str) -> None:
    spec = NEW_TYPE_FIELDS[name]
    for n in range(60):
        value = sample_value(name, spec, n)
        assert new_type_violations(spec, value) == set(), (n, value)
        assert new_type_accepts(spec, value), (n, value)
        assert sample_value(name, spec, n) == value  # deterministic


@pytest.mark.parametrize("name", NEW_TYPE_FIELDS)
def test_new_type_samples_are_distinct_across_n(name: str) -> None:
    values = [json.dumps(sample_value(name, NEW_TYPE_FIELDS[name], n)) for n in range(51)]
    assert len(set(values)) == 51


@pytest.mark.parametrize(
    ("spec", "values"),
    [
        (field("bigint", min=7, max=9), {7, 8, 9}),
        (decimal_field(2, 2, min=0, max=0.02), {"0.00", "0.01", "0.02"}),
    ],
)
def test_narrow_new_type_ranges_stay_inside(spec: dict[str, Any], values: set[object]) -> None:
    assert {sample_value("x", spec, n) for n in range(30)} <= values


def test_decimal_samples_are_strings_with_scale_places() -> None:
    assert [sample_value("price", decimal_field(8, 2), n) for n in range(3)] == [
        "1.03",
        "1.10",
        "1.17",
    ]
    assert sample_value("count", decimal_field(6, 0), 0) == "4"
    assert [sample_value("ratio", decimal_field(4, 4), n) for n in range(2)] == [
        "-0.9996",
        "-0.9989",
    ]
    assert sample_value("wide", decimal_field(18, 6), 1) == "1.000010"


def test_url_and_json_samples() -> None:
    assert sample_value("homepage", field("url"), 2) == "https://example.com/homepage/2"
    data = sample_value("data", field("json"), 1)
    assert json.loads(json.dumps(data)) == data
    assert data != sample_value("data", field("json"), 2)


def test_bigint_samples_use_the_64_bit_range() -> None:
    cases = {c.reason: c.value for c in invalid_cases({"views": field("bigint")})}
    assert cases["views_below_int64_range"] == INT64_MIN - 1
    assert cases["views_above_int64_range"] == INT64_MAX + 1
    assert sample_value("views", field("bigint", min=INT64_MAX), 5) == INT64_MAX


# Near 2**63 the not-an-integer case is a string ("...07.5"; no float keeps the fraction),
# which the oracle calls wrong_type: test_a_bigint_not_an_integer_case_has_a_fraction checks it.
@pytest.mark.parametrize("name", [n for n in NEW_TYPE_FIELDS if n != "bigint_near_top"])
@pytest.mark.parametrize("required", [True, False])
def test_new_type_invalid_cases_break_exactly_their_constraint(name: str, required: bool) -> None:
    spec = {**NEW_TYPE_FIELDS[name], "required": required}
    cases = invalid_cases({name: spec})
    assert len({c.reason for c in cases}) == len(cases)
    if spec["type"] != "json":
        assert f"{name}_wrong_type" in {c.reason for c in cases}
    assert (f"{name}_null" in {c.reason for c in cases}) == required
    for case in cases:
        suffix = case.reason.removeprefix(f"{name}_")
        assert new_type_violations(spec, case.value) == {suffix}, case
        assert not new_type_accepts(spec, case.value), case


@pytest.mark.parametrize(
    "spec", [field("bigint"), field("bigint", min=2**60), NEW_TYPE_FIELDS["bigint_near_top"]]
)
def test_a_bigint_not_an_integer_case_has_a_fraction(spec: dict[str, Any]) -> None:
    [value] = [c.value for c in invalid_cases({"n": spec}) if c.reason == "n_not_an_integer"]
    if isinstance(value, str):  # too large for a float to keep the fraction
        assert value.endswith(".5") and int(value[:-2]) >= spec["min"]
    else:
        assert isinstance(value, float) and not value.is_integer()


def test_decimal_invalid_cases() -> None:
    cases = {c.reason: c.value for c in invalid_cases({"price": decimal_field(6, 2)})}
    assert cases == {
        "price_too_many_places": "1.031",
        "price_too_many_digits": "99999",
        "price_wrong_type": "not-a-number",
        "price_boolean": True,
        "price_null": None,
    }


@pytest.mark.parametrize("name", ["decimal_bounded", "decimal_negative", "decimal_fraction"])
def test_decimal_invalid_cases_break_exactly_their_constraint(name: str) -> None:
    spec = (
        {**NEW_TYPE_FIELDS[name], "min": 5} if name == "decimal_bounded" else NEW_TYPE_FIELDS[name]
    )
    for case in invalid_cases({name: spec}):
        suffix = case.reason.removeprefix(f"{name}_")
        assert new_type_violations(spec, case.value) == {suffix}, case


@pytest.mark.parametrize(
    ("low", "high"),
    [(-sys.float_info.max, 1e15), (-sys.float_info.max, sys.float_info.max), (-1e308, 1e308)],
)
def test_float_samples_near_the_ends_of_the_range_are_distinct(low: float, high: float) -> None:
    """high - low overflowed to inf, and every sample after the first was `high`."""
    values = [SPEC_TYPES["float"].sample("", {"min": low, "max": high}, n) for n in range(3)]
    assert len(set(values)) == 3 and all(low <= v <= high for v in values)
