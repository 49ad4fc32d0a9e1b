"""Spec loading: valid specs become ResourceSpec; every mistake is reported as file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import ScaffoldError, SpecError
from generator.naming import snake_case
from generator.spec import load_spec, load_spec_text

SOURCE = "specs/reviews.yaml"
QUOTE = "'"


def load(text: str):
    return load_spec_text(text, SOURCE, "reviews")


def errors(text: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load(text)
    return [str(d) for d in caught.value.diagnostics]


def at(text: str, needle: str, occurrence: int = 1) -> str:
    """``file:line:col`` of the start of ``needle`` in ``text``, counted by hand (1-based)."""
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return f"{SOURCE}:{line}:{column}"


# --- valid specs ---------------------------------------------------------------------------


def test_type_shorthand_is_a_field_of_that_type() -> None:
    spec = load("resource: review\nfields:\n  title: string\n  body: text\n")
    assert spec.fields["title"].type == "string"
    assert spec.fields["body"].type == "text"
    assert spec.fields["title"].required is True


def test_defaults_of_an_omitted_key() -> None:
    spec = load("fields:\n  title: string\n")
    title = spec.fields["title"]
    assert (title.required, title.unique, title.default) == (True, False, None)
    assert title.effective_max_length == 255
    assert spec.timestamps is True
    assert (spec.pagination.default_limit, spec.pagination.max_limit) == (20, 100)


def test_enum_with_a_default() -> None:
    spec = load(
        "fields:\n  status: {type: enum, values: [pending, published], default: published}\n"
    )
    status = spec.fields["status"]
    assert status.values == ["pending", "published"]
    assert status.default == "published"


def test_field_names_in_any_case_become_snake_case_in_order() -> None:
    spec = load("fields:\n  authorEmail: email\n  Published At: datetime\n  view-count: integer\n")
    fields = spec.normalised_fields()
    assert list(fields) == ["author_email", "published_at", "view_count"]
    assert fields["author_email"].type == "email"


def test_missing_resource_is_filled_from_the_file_name() -> None:
    spec = load_spec_text("fields:\n  title: string\n", "specs/people.yaml", "people")
    assert spec.resource == "person"


def test_resource_in_another_case_agrees_with_the_file_name() -> None:
    text = "resource: LessonProgress\nfields:\n  done: boolean\n"
    spec = load_spec_text(text, "x.yaml", "lesson_progresses")
    assert spec.resource == "LessonProgress"


def test_defaults_are_normalised_to_their_type() -> None:
    spec = load(
        "fields:\n"
        "  score: {type: float, default: 1}\n"
        "  count: {type: integer, default: 2.0}\n"
        "  seen: {type: datetime, default: 2024-01-01T10:00:00+02:00}\n"
        "  day: {type: date, default: 2024-02-29}\n"
        "  price: {type: decimal, scale: 2, default: 1E+1}\n"
    )
    fields = spec.fields
    assert fields["score"].default == 1.0 and isinstance(fields["score"].default, float)
    assert fields["count"].default == 2 and isinstance(fields["count"].default, int)
    # Datetimes and decimals in the form the API returns them: UTC; the field's scale.
    assert fields["seen"].default == "2024-01-01T08:00:00Z"
    assert fields["day"].default == "2024-02-29"
    assert fields["price"].default == "10.00"


def test_load_spec_reads_a_file_and_names_it_after_its_stem(tmp_path: Path) -> None:
    path = tmp_path / "categories.yaml"
    path.write_text("fields:\n  name: string\n", encoding="utf-8")
    assert load_spec(path).resource == "category"


def test_load_spec_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match=r"^specs/none\.yaml: no such spec file$"):
        load_spec(tmp_path / "none.yaml", "specs/none.yaml")


def test_load_spec_locates_problems_with_the_shown_name(tmp_path: Path) -> None:
    path = tmp_path / "reviews.yaml"
    path.write_text("fields:\n  title: strng\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_spec(path, "specs/reviews.yaml")
    assert [str(d) for d in caught.value.diagnostics] == [
        "specs/reviews.yaml:2:10: unknown type 'strng'; did you mean 'string'?"
    ]


# --- located errors ------------------------------------------------------------------------


def test_yaml_syntax_error_is_located() -> None:
    text = "fields:\n\ttitle: string\n"
    assert errors(text) == [
        f"{SOURCE}:2:1: YAML syntax error: found character '\\t' that cannot start any token"
    ]


def test_unclosed_flow_sequence_is_a_yaml_syntax_error() -> None:
    [message] = errors("fields:\n  title: [string\n")
    assert message.startswith(f"{SOURCE}:3:1: YAML syntax error: ")


def test_duplicate_key_is_located_at_the_second_one() -> None:
    text = "fields:\n  title: string\n  title: text\n"
    [message] = errors(text)
    assert message.startswith(f"{at(text, 'title', 2)}: YAML syntax error: found duplicate key")


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- title\n- body\n", "just text\n"])
def test_not_a_mapping(text: str) -> None:
    assert errors(text) == [
        f"{SOURCE}:1:1: expected a mapping with `resource` and `fields`,"
        " for example:  fields: {title: string}"
    ]


def test_missing_fields() -> None:
    assert errors("resource: review\n") == [f"{SOURCE}:1:1: missing required key `fields`"]


def test_unknown_top_level_key_suggests_the_closest() -> None:
    text = "fields:\n  title: string\npaginaton: {max_limit: 5}\n"
    assert errors(text) == [
        f"{at(text, 'paginaton')}: unknown key 'paginaton'; did you mean 'pagination'?"
    ]


def test_unknown_field_key_suggests_the_closest() -> None:
    text = "fields:\n  title: {type: string, max_lenght: 5}\n"
    assert errors(text) == [f"{SOURCE}:2:25: unknown key 'max_lenght'; did you mean 'max_length'?"]
    assert at(text, "max_lenght") == f"{SOURCE}:2:25"


def test_unknown_key_with_nothing_close_lists_the_choices() -> None:
    text = "fields:\n  title: {type: string, colour: red}\n"
    assert errors(text) == [
        f"{at(text, 'colour')}: unknown key 'colour'; expected one of: type, required, default,"
        " unique, min, max, min_length, max_length, values, precision, scale, to, on_delete,"
        " nested, filter, sort, description, read_only"
    ]


def test_unknown_pagination_key() -> None:
    text = "fields:\n  title: string\npagination:\n  max_limt: 5\n"
    assert errors(text) == [f"{SOURCE}:4:3: unknown key 'max_limt'; did you mean 'max_limit'?"]


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        ("{lst: public}", "unknown key 'lst'; did you mean 'list'?"),
        ("{xyz: public}", "unknown key 'xyz'; expected one of: list, read, create, update, delete"),
    ],
)
def test_an_unknown_key_under_auth_names_the_actions(auth: str, message: str) -> None:
    text = f"fields:\n  title: string\nauth: {auth}\n"
    assert errors(text) == [f"{SOURCE}:3:8: {message}"]


@pytest.mark.parametrize(
    "text",
    [
        "fields:\n  title: strng\n",
        "fields:\n  title: {type: strng}\n",
        "fields:\n  t:\n    type: strng\n",
    ],
)
def test_unknown_type_suggests_the_closest(text: str) -> None:
    assert errors(text) == [f"{at(text, 'strng')}: unknown type 'strng'; did you mean 'string'?"]


def test_wrong_value_type_points_at_the_value() -> None:
    text = "fields:\n  title:\n    type: string\n    required: maybe\n"
    assert errors(text) == [
        f"{SOURCE}:4:15: `required`: Input should be a valid boolean, got 'maybe'"
    ]
    assert at(text, "maybe") == f"{SOURCE}:4:15"


def test_min_greater_than_max() -> None:
    text = "fields:\n  rating: {type: integer, min: 5, max: 1}\n"
    assert errors(text) == [f"{at(text, '5')}: min (5) is greater than max (1)"]


def test_min_length_greater_than_max_length() -> None:
    text = "fields:\n  title: {type: string, min_length: 9, max_length: 3}\n"
    assert errors(text) == [f"{at(text, '9')}: min_length (9) is greater than max_length (3)"]


def test_min_length_beyond_a_strings_default_max_length() -> None:
    text = "fields:\n  title: {type: string, min_length: 300}\n"
    assert errors(text) == [
        f"{at(text, '300')}: min_length (300) is greater than max_length (255, a string's default)"
    ]
    load(text.replace("string", "text"))  # text allows 100,000 characters by default


def test_min_on_a_string() -> None:
    text = "fields:\n  title: {type: string, min: 1}\n"
    assert errors(text) == [
        f"{at(text, '1')}: `min` applies to bigint, decimal, float and integer fields,"
        " not string"
    ]


def test_max_length_on_an_integer() -> None:
    text = "fields:\n  n: {type: integer, max_length: 4}\n"
    assert errors(text) == [
        f"{at(text, '4')}: `max_length` applies to string and text fields, not integer"
    ]


def test_integer_bounds_beyond_32_bits() -> None:
    text = "fields:\n  n: {type: integer, max: 3000000000}\n"
    assert errors(text) == [
        f"{at(text, '3000000000')}: max must be a whole number from -2147483648 to 2147483647,"
        " got 3000000000"
    ]


def test_empty_enum_values() -> None:
    text = "fields:\n  status: {type: enum, values: []}\n"
    assert errors(text) == [f"{at(text, '[]')}: an enum needs a non-empty list of `values`"]


def test_enum_without_values_points_at_the_type() -> None:
    text = "fields:\n  status: {type: enum}\n"
    assert errors(text) == [f"{at(text, 'enum')}: an enum needs a non-empty list of `values`"]


def test_duplicate_enum_values() -> None:
    text = "fields:\n  status: {type: enum, values: [a, b, a]}\n"
    assert errors(text) == [f"{at(text, '[a')}: enum `values` must be distinct"]


def test_values_on_a_non_enum() -> None:
    text = "fields:\n  title: {type: string, values: [a]}\n"
    assert errors(text) == [f"{at(text, '[a]')}: `values` applies to enum fields, not string"]


def test_default_outside_enum() -> None:
    text = "fields:\n  status: {type: enum, values: [a, b], default: c}\n"
    assert errors(text) == [
        f"{at(text, 'c}')}: default 'c' is not one of the enum values ['a', 'b']"
    ]


@pytest.mark.parametrize(
    ("bounds", "default", "message"),
    [
        ("min: 1, max: 5", "9", "default 9 is above max (5)"),
        ("min: 1, max: 5", "0", "default 0 is below min (1)"),
    ],
)
def test_default_outside_range(bounds: str, default: str, message: str) -> None:
    text = f"fields:\n  rating: {{type: integer, {bounds}, default: {default}}}\n"
    assert errors(text) == [f"{at(text, default + '}')}: {message}"]


WRONG_DEFAULTS = [
    ("{type: integer, default: abc}", "default must be a number for an integer field, got 'abc'"),
    (
        "{type: integer, default: 1.5}",
        "default must be a whole number for an integer field, got 1.5",
    ),
    ("{type: integer, default: true}", "default must be a number for an integer field, got True"),
    (
        "{type: boolean, default: 'no'}",
        "default must be true or false for a boolean field, got 'no'",
    ),
    ("{type: text, default: 5}", "default must be a string for a text field, got 5"),
    ("{type: uuid, default: nope}", "default 'nope' is not a valid uuid"),
    ("{type: date, default: '2024-13-01'}", "default '2024-13-01' is not a valid date"),
    ("{type: email, default: nope}", "default 'nope' is not an email address"),
    ("{type: string, max_length: 3, default: abcd}", "default is longer than max_length (3)"),
]


@pytest.mark.parametrize(("field", "message"), WRONG_DEFAULTS)
def test_default_of_the_wrong_type(field: str, message: str) -> None:
    text = f"fields:\n  x: {field}\n"
    value = field.split("default: ")[1].rstrip("}")
    assert errors(text) == [f"{at(text, value)}: {message}"]


def test_datetime_default_without_timezone() -> None:
    text = "fields:\n  seen: {type: datetime, default: '2024-01-01T00:00:00'}\n"
    assert errors(text) == [
        f"{at(text, QUOTE + '2024')}: default '2024-01-01T00:00:00' needs a timezone"
        " (for example 2024-01-01T00:00:00Z)"
    ]


def test_unquoted_datetime_default_without_timezone_is_rejected() -> None:
    text = "fields:\n  seen: {type: datetime, default: 2024-01-01T00:00:00}\n"
    [message] = errors(text)
    assert message.startswith(f"{at(text, '2024')}: default ")
    assert message.endswith("needs a timezone (for example 2024-01-01T00:00:00Z)")


@pytest.mark.parametrize("name", ["id", "created_at", "updatedAt"])
def test_field_clashing_with_a_generated_one(name: str) -> None:
    text = f"fields:\n  {name}: string\n"
    generated = {"updatedAt": "updated_at"}.get(name, name)
    assert errors(text) == [
        f"{SOURCE}:2:3: field {name!r} clashes with the generated `{generated}` field"
    ]


def test_two_fields_with_the_same_snake_case_name() -> None:
    text = "fields:\n  authorEmail: email\n  author_email: email\n"
    assert errors(text) == [
        f"{at(text, 'author_email')}: fields 'authorEmail' and 'author_email'"
        " both become `author_email`"
    ]


def test_field_names_that_are_not_identifiers() -> None:
    text = 'fields:\n  "2fast": string\n  "a-b c!": string\n  ok: string\n'
    rule = "must be letters, digits and underscores, starting with a letter"
    # The key's position is its opening quote.
    assert errors(text) == [
        f"{SOURCE}:2:3: field name '2fast' {rule}",
        f"{SOURCE}:3:3: field name 'a-b c!' {rule}",
    ]


@pytest.mark.parametrize("name", ["class", "metadata", "MetaData", "from", "model_config"])
def test_names_reserved_in_a_stack_are_accepted(name: str) -> None:
    # No longer refused: the stack aliases them in code (test_context.py, test_rendered.py).
    spec = load(f"fields:\n  title: string\n  {name}: string\n")
    assert list(spec.normalised_fields()) == ["title", snake_case(name)]


def test_resource_that_disagrees_with_the_file_name() -> None:
    text = "resource: course\nfields:\n  title: string\n"
    assert errors(text) == [
        f"{at(text, 'course')}: resource 'course' does not match the file name: a file for it"
        " is named courses.yaml, and this one expects resource: review"
    ]


@pytest.mark.parametrize(
    ("stem", "text", "singular", "plural"),
    [
        ("golfs", "resource: golf\n", "golf", "golfs"),  # the file's plural, not golves
        ("gases", "resource: gas\n", "gas", "gases"),
        ("golfs", "", "golf", "golfs"),
        ("review", "", "review", "reviews"),  # a file named for the singular
        ("cacti", "resource: cactus\nplural: cacti\n", "cactus", "cacti"),
        ("cacti", "resource: Cactus\nplural: Cacti\n", "cactus", "cacti"),
    ],
)
def test_the_plural_comes_from_the_spec_or_its_file_name(
    stem: str, text: str, singular: str, plural: str
) -> None:
    spec = load_spec_text(f"{text}fields:\n  title: string\n", f"specs/{stem}.yaml", stem)
    assert (spec.names.singular, spec.names.plural) == (singular, plural)


def test_a_spec_that_names_its_plural_is_named_for_it() -> None:
    text = "resource: cactus\nplural: cacti\nfields:\n  title: string\n"
    with pytest.raises(SpecError) as caught:
        load_spec_text(text, "specs/cactus.yaml", "cactus")
    assert [str(d) for d in caught.value.diagnostics] == [
        "specs/cactus.yaml:2:9: a spec that names its plural is named for it: cacti.yaml"
    ]


@pytest.mark.parametrize("plural", ["2nd", "a b!", "x" * 64])
def test_a_plural_that_cannot_name_a_table(plural: str) -> None:
    text = f"resource: review\nplural: '{plural}'\nfields:\n  title: string\n"
    (message,) = errors(text)
    assert message.startswith(f"{SOURCE}:2:9: plural {plural!r}: ")


def test_default_limit_above_max_limit() -> None:
    text = "fields:\n  title: string\npagination: {default_limit: 50, max_limit: 10}\n"
    assert errors(text) == [f"{at(text, '50')}: default_limit (50) is greater than max_limit (10)"]


def test_max_limit_above_the_ceiling() -> None:
    text = "fields:\n  title: string\npagination: {max_limit: 5000}\n"
    assert errors(text) == [
        f"{at(text, '5000')}: `max_limit`: Input should be less than or equal to 1000, got 5000"
    ]


def test_several_errors_at_once_sorted_by_line() -> None:
    text = (
        "extra: 1\n"
        "resource: review\n"
        "fields:\n"
        "  rating: {type: integer, min: 3, max: 1}\n"
        "  id: string\n"
        "  title: {type: strin}\n"
        "pagination:\n"
        "  max_limt: 3\n"
    )
    assert errors(text) == [
        f"{SOURCE}:1:1: unknown key 'extra'; expected one of: resource, plural, description,"
        " fields, pagination, timestamps, soft_delete, search, auth, cache, audit, rate_limit",
        f"{at(text, '3,')}: min (3) is greater than max (1)",
        f"{SOURCE}:5:3: field 'id' clashes with the generated `id` field",
        f"{at(text, 'strin}')}: unknown type 'strin'; did you mean 'string'?",
        f"{SOURCE}:8:3: unknown key 'max_limt'; did you mean 'max_limit'?",
    ]


def test_spec_error_message_is_every_diagnostic_one_per_line() -> None:
    with pytest.raises(SpecError) as caught:
        load("fields:\n  a: strng\n  b: {type: integer, min: 2, max: 1}\n")
    assert str(caught.value).splitlines() == [str(d) for d in caught.value.diagnostics]
    assert len(caught.value.diagnostics) == 2


# --- spec depth: new types and keys ---------------------------------------------------------


def test_every_new_key_loads() -> None:
    spec = load(
        "fields:\n"
        "  title: {type: string, filter: true, sort: true}\n"
        "  views: {type: bigint, min: 0, max: 9223372036854775807}\n"
        "  price: {type: decimal, precision: 8, scale: 3, default: 1.5}\n"
        "  fee: decimal\n"
        "  site: {type: url, default: 'https://example.com/a?b=1'}\n"
        "  data: {type: json, required: false, default: {a: [1, 2]}}\n"
        "  course: {type: ref, to: Course, on_delete: set_null, required: false, nested: true}\n"
        "  lesson: ref\n"
        "search: [Title, site]\n"
        "soft_delete: true\n"
        "pagination: {style: cursor}\n"
    )
    fields = spec.fields
    assert (fields["title"].filter, fields["title"].sort) == (True, True)
    assert fields["views"].max == 2**63 - 1
    price, fee = fields["price"], fields["fee"]
    assert (price.decimal_precision, price.decimal_scale, price.default) == (8, 3, "1.500")
    assert (fee.precision, fee.scale, fee.decimal_precision, fee.decimal_scale) == (
        None,
        None,
        10,
        2,
    )
    assert fields["site"].default == "https://example.com/a?b=1"
    assert fields["data"].default == {"a": [1, 2]}
    course, lesson = fields["course"], fields["lesson"]
    assert (course.to, course.on_delete, course.nested, course.required) == (
        "Course",
        "set_null",
        True,
        False,
    )
    assert (lesson.type, lesson.to, lesson.on_delete, lesson.nested) == ("ref", None, None, False)
    assert spec.search == ["Title", "site"]
    assert spec.soft_delete is True
    assert spec.pagination.style == "cursor"


def test_new_keys_default_to_off() -> None:
    spec = load("fields:\n  title: string\n")
    title = spec.fields["title"]
    assert (title.filter, title.sort, title.nested, title.to, title.on_delete) == (
        False,
        False,
        False,
        None,
        None,
    )
    assert (spec.search, spec.soft_delete, spec.pagination.style) == ([], False, "offset")


@pytest.mark.parametrize(
    ("field", "needle", "message"),
    [
        (
            "{type: decimal, precision: 5.0}",
            "5.0",
            "`precision`: Input should be a valid integer, got 5.0",
        ),
        (
            "{type: decimal, scale: '2'}",
            "'2'",
            "`scale`: Input should be a valid integer, got '2'",
        ),
        ("{type: ref, to: 5}", "5}", "`to`: Input should be a valid string, got 5"),
        (
            "{type: ref, nested: 'yes'}",
            "'yes'",
            "`nested`: Input should be a valid boolean, got 'yes'",
        ),
        (
            "{type: string, filter: 'no'}",
            "'no'",
            "`filter`: Input should be a valid boolean, got 'no'",
        ),
        ("{type: string, sort: 1}", "1}", "`sort`: Input should be a valid boolean, got 1"),
        (
            "{type: ref, on_delete: nothing}",
            "nothing",
            "Input should be 'cascade', 'set_null' or 'restrict', got 'nothing'",
        ),
        (
            "{type: decimal, precision: 0}",
            "0}",
            "`precision`: Input should be greater than or equal to 1, got 0",
        ),
        (
            "{type: decimal, precision: 16}",
            "16",
            "`precision`: Input should be less than or equal to 15, got 16",
        ),
        (
            "{type: decimal, scale: -1}",
            "-1",
            "`scale`: Input should be greater than or equal to 0, got -1",
        ),
    ],
)
def test_new_field_key_of_the_wrong_type(field: str, needle: str, message: str) -> None:
    text = f"fields:\n  x: {field}\n"
    assert errors(text) == [f"{at(text, needle)}: {message}"]


@pytest.mark.parametrize(
    ("line", "needle", "message"),
    [
        ("soft_delete: 'no'", "'no'", "`soft_delete`: Input should be a valid boolean, got 'no'"),
        ("search: body", "body", "`search`: Input should be a valid list, got 'body'"),
        ("search: [1]", "1]", "`search[0]`: Input should be a valid string, got 1"),
        (
            "pagination: {style: keyset}",
            "keyset",
            "Input should be 'offset' or 'cursor', got 'keyset'",
        ),
    ],
)
def test_new_resource_key_of_the_wrong_type(line: str, needle: str, message: str) -> None:
    text = f"fields:\n  title: string\n{line}\n"
    assert errors(text) == [f"{at(text, needle)}: {message}"]


@pytest.mark.parametrize(
    ("key", "value"),
    [("precision", "5"), ("scale", "2"), ("to", "course"), ("on_delete", "cascade")],
)
def test_key_of_another_type_on_a_string(key: str, value: str) -> None:
    text = f"fields:\n  title: {{type: string, {key}: {value}}}\n"
    wanted = "decimal" if key in ("precision", "scale") else "ref"
    assert errors(text) == [f"{at(text, value)}: `{key}` applies to {wanted} fields, not string"]


@pytest.mark.parametrize("kind", ["integer", "float", "bigint"])
def test_precision_applies_only_to_decimals(kind: str) -> None:
    text = f"fields:\n  n: {{type: {kind}, precision: 4}}\n"
    assert errors(text) == [f"{at(text, '4')}: `precision` applies to decimal fields, not {kind}"]


@pytest.mark.parametrize("kind", ["bigint", "decimal"])
def test_min_and_max_apply_to_the_new_numbers(kind: str) -> None:
    spec = load(f"fields:\n  n: {{type: {kind}, min: -5, max: 5}}\n")
    assert (spec.fields["n"].min, spec.fields["n"].max) == (-5, 5)


@pytest.mark.parametrize("kind", ["url", "json"])
def test_min_does_not_apply_to_url_or_json(kind: str) -> None:
    text = f"fields:\n  x: {{type: {kind}, min: 1}}\n"
    assert errors(text) == [
        f"{at(text, '1')}: `min` applies to bigint, decimal, float and integer fields, not {kind}"
    ]


def test_scale_greater_than_precision() -> None:
    text = "fields:\n  price: {type: decimal, precision: 4, scale: 5}\n"
    assert errors(text) == [f"{at(text, '5}')}: scale (5) is greater than precision (4)"]


def test_scale_greater_than_the_default_precision() -> None:
    text = "fields:\n  price: {type: decimal, scale: 11}\n"
    assert errors(text) == [f"{at(text, '11')}: scale (11) is greater than precision (10)"]


def test_scale_equal_to_precision_is_allowed() -> None:
    price = load("fields:\n  price: {type: decimal, precision: 4, scale: 4}\n").fields["price"]
    assert (price.decimal_precision, price.decimal_scale) == (4, 4)


def test_set_null_on_a_required_ref() -> None:
    text = "fields:\n  course: {type: ref, on_delete: set_null}\n"
    assert errors(text) == [f"{at(text, 'set_null')}: on_delete: set_null needs `required: false`"]


def test_set_null_on_an_optional_ref_is_allowed() -> None:
    spec = load("fields:\n  course: {type: ref, required: false, on_delete: set_null}\n")
    assert spec.fields["course"].on_delete == "set_null"


@pytest.mark.parametrize("kind", ["string", "uuid", "integer"])
def test_nested_on_a_non_ref(kind: str) -> None:
    text = f"fields:\n  course: {{type: {kind}, nested: true}}\n"
    assert errors(text) == [f"{at(text, 'true')}: `nested` applies to ref fields, not {kind}"]


def test_nested_false_on_a_non_ref_is_allowed() -> None:
    assert load("fields:\n  title: {type: string, nested: false}\n").fields["title"].nested is False


def test_to_that_is_not_a_resource_name() -> None:
    text = "fields:\n  course: {type: ref, to: '9lives'}\n"
    assert errors(text) == [
        f"{at(text, QUOTE + '9lives')}: `to` must name a resource, got '9lives'"
    ]


@pytest.mark.parametrize(
    ("field", "needle", "message"),
    [
        ("{type: ref, default: x}", "x}", "a ref cannot have a default"),
        (
            "{type: ref, unique: true}",
            "true",
            "a ref cannot be unique (a one-to-one is not supported)",
        ),
    ],
)
def test_ref_without_default_or_unique(field: str, needle: str, message: str) -> None:
    text = f"fields:\n  course: {field}\n"
    assert errors(text) == [f"{at(text, needle)}: {message}"]


def test_search_names_an_unknown_field() -> None:
    text = "fields:\n  title: string\nsearch: [title, nope]\n"
    assert errors(text) == [f"{at(text, 'nope')}: search names an unknown field 'nope'"]


def test_search_in_a_block_list_is_located_at_the_item() -> None:
    text = "fields:\n  title: string\nsearch:\n  - title\n  - body\n"
    assert errors(text) == [f"{at(text, 'body')}: search names an unknown field 'body'"]


@pytest.mark.parametrize(
    ("kind", "article"),
    [
        ("integer", "an integer"),
        ("bigint", "a bigint"),
        ("decimal", "a decimal"),
        ("boolean", "a boolean"),
        ("json", "a json"),
        ("date", "a date"),
        ("ref", "a ref"),
    ],
)
def test_search_names_a_field_that_is_not_text(kind: str, article: str) -> None:
    text = f"fields:\n  title: string\n  other: {kind}\nsearch: [title, other]\n"
    assert errors(text) == [f"{at(text, 'other]')}: cannot search {article} field"]


def test_search_takes_every_text_type_in_any_case() -> None:
    spec = load(
        "fields:\n"
        "  title: string\n  body: text\n  authorEmail: email\n  site: url\n"
        "  status: {type: enum, values: [a, b]}\n"
        "search: [title, body, author_email, Site, status]\n"
    )
    assert spec.search == ["title", "body", "author_email", "Site", "status"]


@pytest.mark.parametrize("kind", ["json", "text", "ref"])
def test_sort_on_an_unsortable_type(kind: str) -> None:
    text = f"fields:\n  x: {{type: {kind}, sort: true}}\n"
    assert errors(text) == [f"{at(text, 'true')}: {kind} fields cannot be sorted"]


def test_filter_on_json() -> None:
    text = "fields:\n  data: {type: json, filter: true}\n"
    assert errors(text) == [f"{at(text, 'true')}: json fields cannot be filtered"]


@pytest.mark.parametrize("kind", ["text", "ref", "boolean", "uuid", "url", "decimal", "bigint"])
def test_filter_on_other_types_is_allowed(kind: str) -> None:
    assert load(f"fields:\n  x: {{type: {kind}, filter: true}}\n").fields["x"].filter is True


def test_cursor_with_a_sortable_optional_field() -> None:
    text = (
        "fields:\n"
        "  title: {type: string, sort: true}\n"
        "  score: {type: float, required: false, sort: true}\n"
        "pagination: {style: cursor}\n"
    )
    assert errors(text) == [
        f"{at(text, 'true}', 2)}: cursor pagination sorts only required fields"
        " (nulls have no order)"
    ]


def test_cursor_with_a_sortable_optional_field_in_a_block_mapping() -> None:
    text = (
        "fields:\n"
        "  publishedOn:\n"
        "    type: date\n"
        "    required: false\n"
        "    sort: true\n"
        "pagination:\n"
        "  style: cursor\n"
    )
    assert errors(text) == [
        f"{at(text, 'true')}: cursor pagination sorts only required fields" " (nulls have no order)"
    ]


@pytest.mark.parametrize(
    ("field", "holds"),
    [("{type: string, max_length: 321, sort: true}", 321), ("{type: url, sort: true}", 2083)],
)
def test_cursor_sorts_no_string_longer_than_a_cursor_may_carry(field: str, holds: int) -> None:
    text = f"fields:\n  x: {field}\npagination: {{style: cursor}}\n"
    kind = "a url" if "url" in field else "a string"
    assert errors(text) == [
        f"{at(text, 'true')}: cursor pagination sorts strings of at most 320 characters"
        f" ({kind} field holds {holds}): a cursor carries the value"
    ]


@pytest.mark.parametrize(
    "field",
    [
        "{type: string, max_length: 320}",
        "{type: string}",
        "{type: email}",
        "{type: enum, values: [a, b]}",
    ],
)
def test_cursor_sorts_strings_a_cursor_can_carry(field: str) -> None:
    text = f"fields:\n  x: {field[:-1]}, sort: true}}\npagination: {{style: cursor}}\n"
    assert load(text).fields["x"].sort is True


def test_offset_pagination_sorts_optional_fields() -> None:
    spec = load("fields:\n  score: {type: float, required: false, sort: true}\n")
    assert spec.fields["score"].sort is True


def test_cursor_sorts_a_field_with_a_default() -> None:
    text = "fields:\n  n: {type: integer, default: 0, sort: true}\npagination: {style: cursor}\n"
    assert load(text).pagination.style == "cursor"


@pytest.mark.parametrize(
    ("field", "needle", "message"),
    [
        (
            "{type: decimal, default: 1.234}",
            "1.234",
            "default 1.234 has more than 2 decimal places",
        ),
        (
            "{type: decimal, scale: 0, default: '1.5'}",
            "'1.5'",
            "default 1.5 has more than 0 decimal places",
        ),
        (
            "{type: decimal, precision: 4, scale: 2, default: 123.4}",
            "123.4",
            "default 123.4 has too many digits for precision",
        ),
        ("{type: decimal, default: abc}", "abc", "default 'abc' is not a decimal number"),
        (
            "{type: decimal, default: true}",
            "true",
            "default must be a number for a decimal field, got True",
        ),
        ("{type: decimal, min: 1, default: 0.5}", "0.5", "default 0.5 is below min (1)"),
        ("{type: decimal, max: 1, default: 1.01}", "1.01", "default 1.01 is above max (1)"),
        (
            "{type: url, default: 'ftp://x.org'}",
            "'ftp",
            "default 'ftp://x.org' is not an http(s) URL",
        ),
    ],
)
def test_new_type_default_that_does_not_fit(field: str, needle: str, message: str) -> None:
    text = f"fields:\n  x: {field}\n"
    assert errors(text) == [f"{at(text, needle)}: {message}"]


@pytest.mark.parametrize(
    ("default", "kept"),
    [("1.25", "1.25"), ("'0.5'", "0.50"), ("7", "7.00"), ("-12345678.99", "-12345678.99")],
)
def test_decimal_default_is_kept_exact_at_its_scale(default: str, kept: str) -> None:
    field = load(f"fields:\n  x: {{type: decimal, default: {default}}}\n").fields["x"]
    assert field.default == kept


BIGINT_RANGE = "from -9223372036854775808 to 9223372036854775807"


@pytest.mark.parametrize(
    ("bound", "value"),
    [("max", "9223372036854775808"), ("min", "-9223372036854775809"), ("min", "1.5")],
)
def test_bigint_bounds_beyond_64_bits(bound: str, value: str) -> None:
    text = f"fields:\n  n: {{type: bigint, {bound}: {value}}}\n"
    assert errors(text) == [
        f"{at(text, value)}: {bound} must be a whole number {BIGINT_RANGE}, got {value}"
    ]


def test_bigint_takes_the_whole_64_bit_range() -> None:
    text = "fields:\n  n: {type: bigint, min: -9223372036854775808, max: 9223372036854775807}\n"
    n = load(text).fields["n"]
    assert (n.min, n.max) == (-(2**63), 2**63 - 1)


def test_integer_is_still_32_bits_where_bigint_is_not() -> None:
    assert load("fields:\n  n: {type: bigint, max: 3000000000}\n").fields["n"].max == 3000000000
    text = "fields:\n  n: {type: integer, default: 3000000000}\n"
    assert errors(text) == [
        f"{at(text, '3000000000')}: default 3000000000 is outside the integer range"
    ]


def test_bigint_default_outside_64_bits() -> None:
    text = "fields:\n  n: {type: bigint, default: 9223372036854775808}\n"
    assert errors(text) == [
        f"{at(text, '9223')}: default 9223372036854775808 is outside the bigint range"
    ]


def test_deleted_at_is_a_generated_field() -> None:
    text = "fields:\n  deletedAt: datetime\n"
    assert errors(text) == [
        f"{SOURCE}:2:3: field 'deletedAt' clashes with the generated `deleted_at` field"
    ]


def test_strict_values_are_not_coerced() -> None:
    text = (
        "fields:\n"
        "  title: {type: string, required: 'no', max_length: 5.0}\n"
        "pagination: {default_limit: '5'}\n"
    )
    assert errors(text) == [
        f"{at(text, QUOTE + 'no')}: `required`: Input should be a valid boolean, got 'no'",
        f"{at(text, '5.0')}: `max_length`: Input should be a valid integer, got 5.0",
        f"{at(text, QUOTE + '5')}: `default_limit`: Input should be a valid integer, got '5'",
    ]


# --- bugs ----------------------------------------------------------------------------------


def test_unquoted_impossible_date_is_a_located_error() -> None:
    text = "fields:\n  day: {type: date, default: 2024-13-01}\n"
    [message] = errors(text)
    assert message.startswith(f"{SOURCE}:2:")


@pytest.mark.parametrize("field", ["{type: float, default: .inf}", "{type: float, min: .nan}"])
def test_non_finite_numbers_are_rejected(field: str) -> None:
    errors(f"fields:\n  score: {field}\n")


def test_boolean_bound_is_the_wrong_type() -> None:
    errors("fields:\n  n: {type: integer, min: true}\n")


# --- what a spec may cost (hostile files end in a located error, quickly) -------------------


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    text = "\n".join(levels) + "\nfields: {title: string}\n"  # 10^10 values expanded
    assert errors(text) == [
        "specs/reviews.yaml:1:1: the spec holds more than 100,000 values once its YAML"
        " aliases are expanded"
    ]


def test_a_spec_larger_than_a_mebibyte_is_refused_unparsed() -> None:
    text = "fields: {title: string}\n" + "# a comment\n" * 100_000
    assert errors(text) == [
        "specs/reviews.yaml:1:1: the spec is larger than 1,048,576 bytes; a spec is a short file"
    ]


def test_values_nested_too_deeply_are_located() -> None:
    nested = "".join(f"{'  ' * (n + 2)}k{n}:\n" for n in range(40))
    text = "fields:\n  title: string\ndescription:\n" + nested + "  " * 42 + "end\n"
    [error] = errors(text)
    assert error.endswith("values nest more than 32 levels deep")


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a: ", "}")])
def test_flow_collections_nested_too_deeply_are_refused_before_yaml_parses_them(
    opening: str, closing: str
) -> None:
    """Located at the bracket too many (ruamel, quadratic in flow depth, took seconds)."""
    text = "fields:\n  title: string\ndescription: " + opening * 20_000 + "1" + closing * 20_000
    assert errors(text) == [
        f"specs/reviews.yaml:3:{len('description: ' + opening * 32) + 1}: values nest more than"
        " 32 levels deep"
    ]


def test_brackets_in_quotes_and_comments_do_not_nest() -> None:
    text = (
        "fields:\n  title: {type: string, description: '" + "[" * 40 + "'}\n"
        '  body: {type: text, description: "' + "{" * 40 + '"}  # ' + "[" * 40 + "\n"
    )
    assert load_spec_text(text, SOURCE, "reviews").fields["body"].type == "text"


@pytest.mark.parametrize("key", ["max_length", "min_length"])
def test_lengths_are_capped_at_what_a_column_holds(key: str) -> None:
    text = f"fields:\n  title: {{type: text, {key}: 1000000000000}}\n"
    assert errors(text) == [
        f"{at(text, '1000000000000')}: `{key}`: Input should be less than or equal to"
        " 10485760, got 1000000000000"
    ]


def test_a_field_name_that_yaml_reads_as_a_number_is_located() -> None:
    text = "fields:\n  1: string\n"
    assert errors(text) == [
        f"{at(text, '1:')}: field name '1' must be letters, digits and underscores,"
        " starting with a letter"
    ]


@pytest.mark.parametrize(
    ("value", "kind"),
    [("!!set {a, b}", "set (!!set)"), ("!!binary aGVsbG8=", "binary value (!!binary)")],
)
def test_yaml_values_a_spec_cannot_hold_are_refused(value: str, kind: str) -> None:
    text = f"fields:\n  tags: {{type: json, default: {value}}}\n"
    [error] = errors(text)
    assert error.endswith(
        f"a YAML {kind} is not a spec value: write a string, number, list or mapping"
    )


def test_resource_names_no_database_can_hold_are_refused() -> None:
    name = "a" * 70
    text = f"resource: {name}\nfields: {{title: string}}\n"
    problem = "its table name is longer than 63 characters"
    assert f"{at(text, name)}: resource name {name!r}: {problem}" in errors(text)


def test_words_a_language_reserves_are_left_to_the_stack() -> None:
    """The spec format is the same for every stack: `none` is a resource name, which the
    Python stack then refuses (its class would be None)."""
    spec = load_spec_text("fields: {title: string}\n", "specs/nones.yaml", "nones")
    assert spec.names.class_name == "None"


def test_a_filtered_enum_value_holds_no_comma() -> None:
    text = "fields:\n  size: {type: enum, values: [small, 'x,l'], filter: true}\n"
    assert errors(text) == [
        f"{at(text, '[small')}: a filtered enum's values cannot hold a comma ('x,l'):"
        " ?name_in= lists values separated by commas"
    ]
    load("fields:\n  size: {type: enum, values: [small, 'x,l']}\n")  # unfiltered: fine


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            "{type: boolean, unique: true}",
            "a unique boolean holds only 2 values, so the resource"
            " could never have more than 2 records; drop `unique`",
        ),
        (
            "{type: enum, values: [a, b], unique: true}",
            "a unique enum of 2 values, so the"
            " resource could never have more than 2 records; drop `unique` or add values",
        ),
        (
            "{type: integer, min: 1, max: 2, unique: true}",
            "a unique integer from 1 to 2 holds"
            " only 2 values, so the resource could never have more than 2 records; drop `unique`"
            " or widen the range",
        ),
        (
            "{type: float, min: 1e16, max: 1e16, unique: true}",
            "a unique float from"
            " 10000000000000000 to 10000000000000000 holds only 1 value, so the resource could"
            " never have more than 1 record; drop `unique` or widen the range",
        ),
        (
            "{type: decimal, scale: 2, min: 1, max: 1.01, unique: true}",
            "a unique decimal from 1"
            " to 1.01 holds only 2 values, so the resource could never have more than 2 records;"
            " drop `unique` or widen the range",
        ),
    ],
)
def test_a_unique_field_without_room_for_records_is_refused(field: str, message: str) -> None:
    [error] = errors(f"fields:\n  f: {field}\n")
    assert error.endswith(message)


@pytest.mark.parametrize(
    "field",
    [
        "{type: integer, min: 1, max: 3, unique: true}",
        "{type: enum, values: [a, b, c], unique: true}",
        "{type: float, min: 1, max: 1.000001, unique: true}",
        "{type: decimal, scale: 2, min: 1, max: 1.02, unique: true}",
    ],
)
def test_a_unique_field_with_room_for_three_records_is_accepted(field: str) -> None:
    assert load_spec_text(f"fields:\n  f: {field}\n", SOURCE, "reviews").fields
