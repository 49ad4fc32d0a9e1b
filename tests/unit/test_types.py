"""The type registry (generator/types/): every part of the generator reads its types there."""

from __future__ import annotations

import pytest

from generator.samples import sample_value
from generator.spec.model import FieldSpec
from generator.stacks import available_stacks, load_stack
from generator.types import FIELD_TYPES, TYPE_WORDS, TYPES


def test_types_are_listed_in_rank_order_and_the_spec_model_takes_each() -> None:
    ranks = [t.rank for t in TYPES.values()]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    schema = FieldSpec.model_json_schema()
    assert schema["properties"]["type"]["enum"] == list(FIELD_TYPES)


@pytest.mark.parametrize("stack", available_stacks())
def test_every_stack_spells_every_type(stack: str) -> None:
    """A type added to the registry must be given a spelling in every stack."""
    assert set(load_stack(stack).types) == set(TYPES)


def test_words_a_person_may_type_name_one_type_each() -> None:
    assert TYPE_WORDS["int"] == "integer" and TYPE_WORDS["bool"] == "boolean"
    assert all(TYPE_WORDS[name] == name for name in TYPES)


@pytest.mark.parametrize("name", [t for t in TYPES if t not in ("ref", "enum")])
def test_a_sample_is_a_valid_default_and_no_invalid_case_is_one(name: str) -> None:
    """The registry's samples and its default checks agree: a sample value passes as the
    field's default, and every invalid case of the type is refused as one."""
    spec = FieldSpec(type=name)
    field = {"type": name, **({"precision": 10, "scale": 2} if name == "decimal" else {})}
    value = sample_value("field", field, 3)
    assert TYPES[name].check_default(spec, value) == value
    for slug, wrong in TYPES[name].invalid(field):
        if slug in ("not_an_integer", "numeric_string") and name != "integer":
            continue  # numbers: a default is not a request value (5.0 and "5" are spelt)
        with pytest.raises(ValueError):
            TYPES[name].check_default(spec, wrong)


@pytest.mark.parametrize(
    ("field", "default"),
    [("date", "2024-01-31"), ("uuid", "6f9619ff-8b86-d011-b42d-00c04fc964ff")],
)
def test_a_default_of_one_form_is_kept_as_the_api_returns_it(field: str, default: str) -> None:
    spec = FieldSpec(type=field)
    assert TYPES[field].check_default(spec, default.upper() if field == "uuid" else default) == (
        default
    )
    with pytest.raises(ValueError, match="must be a string"):
        TYPES[field].check_default(spec, 20240131)  # a number the parser would read as a date
