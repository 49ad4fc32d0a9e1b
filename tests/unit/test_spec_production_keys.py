"""The production keys of a spec: cache, audit and rate_limit, valid and invalid."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from tests.unit.test_spec import SOURCE, at, errors, load

BASE = "fields:\n  title: string\n"


def test_production_keys_are_off_by_default() -> None:
    spec = load(BASE)
    assert (spec.cache, spec.audit, spec.rate_limit) == (None, False, None)


def test_cache_with_a_ttl() -> None:
    spec = load(BASE + "cache: {ttl: 300}\n")
    assert spec.cache is not None and spec.cache.ttl == 300


@pytest.mark.parametrize(("value", "ttl"), [("true", 60), ("{}", 60)])
def test_cache_shorthand_takes_the_default_ttl(value: str, ttl: int) -> None:
    spec = load(BASE + f"cache: {value}\n")
    assert spec.cache is not None and spec.cache.ttl == ttl


def test_cache_false_is_no_cache() -> None:
    assert load(BASE + "cache: false\n").cache is None


def test_audit_and_rate_limit() -> None:
    spec = load(BASE + "audit: true\nrate_limit: 30 / Minute\n".replace("M", "m"))
    assert spec.audit is True
    assert spec.rate_limit == "30/minute"


@pytest.mark.parametrize(
    ("line", "needle", "message"),
    [
        ("cache: {ttl: 0}", "0}", "`ttl`: Input should be greater than or equal to 1, got 0"),
        (
            "cache: {ttl: 90000}",
            "90000",
            "`ttl`: Input should be less than or equal to 86400, got 90000",
        ),
        ("cache: {ttl: '60'}", "'60'", "`ttl`: Input should be a valid integer, got '60'"),
        (
            "cache: 60",
            "60",
            "`cache`: Input should be a valid dictionary or instance of Cache, got 60",
        ),
        ("audit: 'yes'", "'yes'", "`audit`: Input should be a valid boolean, got 'yes'"),
        ("rate_limit: 30", "30", "`rate_limit`: Input should be a valid string, got 30"),
        (
            "rate_limit: 30 per minute",
            "30 per",
            "rate_limit is requests per minute, hour or day, like 30/minute;"
            " got '30 per minute'",
        ),
        (
            "rate_limit: 5/second",
            "5/second",
            "rate_limit is requests per minute, hour or day, like 30/minute; got '5/second'",
        ),
        (
            "rate_limit: 0/minute",
            "0/minute",
            "rate_limit allows 1 to 1000 requests per window, got 0",
        ),
        (
            "rate_limit: 5000/hour",
            "5000/hour",
            "rate_limit allows 1 to 1000 requests per window, got 5000",
        ),
    ],
)
def test_invalid_production_key_is_located(line: str, needle: str, message: str) -> None:
    text = BASE + line + "\n"
    assert errors(text) == [f"{at(text, needle)}: {message}"]


def test_unknown_cache_key_suggests_the_closest() -> None:
    text = BASE + "cache:\n  tll: 30\n"
    assert errors(text) == [f"{SOURCE}:4:3: unknown key 'tll'; did you mean 'ttl'?"]


def test_validate_exits_2_with_the_located_problem(tmp_path: Path) -> None:
    spec = tmp_path / "reviews.yaml"
    spec.write_text(BASE + "rate_limit: lots\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(spec)])
    assert result.exit_code == 2
    assert f"{spec}:3:13: rate_limit is requests per minute" in result.output
