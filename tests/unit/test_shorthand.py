"""CLI field shorthand: tokens -> spec field mappings, located errors, the spec file text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.errors import ScaffoldError
from generator.naming import snake_case
from generator.spec import load_spec_text
from generator.spec.model import FieldSpec
from generator.spec.shorthand import (
    SCHEMA_COMMENT,
    TYPE_ALIASES,
    ShorthandError,
    merge_into_spec,
    parse_fields,
)
from generator.types import FIELD_TYPES, TEXT_DEFAULT_TYPES
from generator.types.numbers import MAX_DECIMAL_PRECISION

DOCS = Path(__file__).resolve().parents[2] / "docs" / "shorthand.md"


def safe_load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def error_text(*tokens: str) -> str:
    with pytest.raises(ShorthandError) as caught:
        parse_fields(list(tokens))
    return str(caught.value)


# --- the issue's example ---------------------------------------------------------------------


ISSUE_TOKENS = [
    "rating:int:1..5",
    "title:string:120",
    "body:text?",
    "status:enum(pending,published)",
    "course:ref",
    "author_email:email:unique",
]


def test_the_issue_example_gives_exactly_these_fields() -> None:
    fields = parse_fields(ISSUE_TOKENS)
    assert fields == {
        "rating": {"type": "integer", "min": 1, "max": 5},
        "title": {"type": "string", "max_length": 120},
        "body": {"type": "text", "required": False},
        "status": {"type": "enum", "values": ["pending", "published"]},
        "course": {"type": "ref", "to": "course"},
        "author_email": {"type": "email", "unique": True},
    }
    assert list(fields) == ["rating", "title", "body", "status", "course", "author_email"]
    assert all(isinstance(fields["rating"][k], int) for k in ("min", "max"))


def test_the_issue_example_as_a_new_spec_file() -> None:
    text = merge_into_spec(None, "review", parse_fields(ISSUE_TOKENS))
    assert text == (
        f"{SCHEMA_COMMENT}\n"
        "resource: review\n"
        "fields:\n"
        "  rating: {type: integer, min: 1, max: 5}\n"
        "  title: {type: string, max_length: 120}\n"
        "  body: {type: text, required: false}\n"
        "  status: {type: enum, values: [pending, published]}\n"
        "  course: {type: ref, to: course}\n"
        "  author_email: {type: email, unique: true}\n"
    )


# --- each grammar rule -----------------------------------------------------------------------

GRAMMAR = [
    # type aliases
    ("f:string", {"type": "string"}),
    ("f:str", {"type": "string"}),
    ("f:text", {"type": "text"}),
    ("f:int", {"type": "integer"}),
    ("f:integer", {"type": "integer"}),
    ("f:bigint", {"type": "bigint"}),
    ("f:float", {"type": "float"}),
    ("f:decimal", {"type": "decimal"}),
    ("f:decimal(10,2)", {"type": "decimal", "precision": 10, "scale": 2}),
    ("f:decimal( 5 , 0 )", {"type": "decimal", "precision": 5, "scale": 0}),
    ("f:bool", {"type": "boolean"}),
    ("f:boolean", {"type": "boolean"}),
    ("f:date", {"type": "date"}),
    ("f:datetime", {"type": "datetime"}),
    ("f:uuid", {"type": "uuid"}),
    ("f:email", {"type": "email"}),
    ("f:url", {"type": "url"}),
    ("f:json", {"type": "json"}),
    ("f:INT", {"type": "integer"}),
    ("f:enum(a,b,c)", {"type": "enum", "values": ["a", "b", "c"]}),
    ("f:enum(in review, done)", {"type": "enum", "values": ["in review", "done"]}),
    ("f:enum(on-hold,a:b)", {"type": "enum", "values": ["on-hold", "a:b"]}),
    ("course:ref", {"type": "ref", "to": "course"}),
    ("mainCourse:ref", {"type": "ref", "to": "mainCourse"}),
    ("teacher:ref(user)", {"type": "ref", "to": "user"}),
    # the name is kept as written
    ("authorEmail:email", {"type": "email"}),
    # optional
    ("f:text?", {"type": "text", "required": False}),
    ("f:ref?", {"type": "ref", "to": "f", "required": False}),
    ("f:ref(user)?", {"type": "ref", "to": "user", "required": False}),
    ("f:enum(a,b)?:default=a", {"type": "enum", "values": ["a", "b"], "required": False,
                                "default": "a"}),
    ("f:decimal(8,2)?", {"type": "decimal", "precision": 8, "scale": 2, "required": False}),
    # ranges on numbers
    ("f:int:1..5", {"type": "integer", "min": 1, "max": 5}),
    ("f:int:-10..-1", {"type": "integer", "min": -10, "max": -1}),
    ("f:int:1..", {"type": "integer", "min": 1}),
    ("f:int:..5", {"type": "integer", "max": 5}),
    ("f:int:3..3", {"type": "integer", "min": 3, "max": 3}),
    ("f:bigint:0..9000000000", {"type": "bigint", "min": 0, "max": 9_000_000_000}),
    ("f:float:0.5..2.25", {"type": "float", "min": 0.5, "max": 2.25}),
    ("f:float:0..1", {"type": "float", "min": 0, "max": 1}),
    ("f:decimal(8,2):0..999.99", {"type": "decimal", "precision": 8, "scale": 2, "min": 0,
                                  "max": 999.99}),
    # lengths
    ("f:string:120", {"type": "string", "max_length": 120}),
    ("f:text:5000", {"type": "text", "max_length": 5000}),
    ("f:string:3..8", {"type": "string", "min_length": 3, "max_length": 8}),
    ("f:string:0..", {"type": "string", "min_length": 0}),
    ("f:text:..10", {"type": "text", "max_length": 10}),
    # flags
    ("f:string:unique", {"type": "string", "unique": True}),
    ("f:json:unique", {"type": "json", "unique": True}),
    ("f:text:filter", {"type": "text", "filter": True}),
    ("course:ref:filter", {"type": "ref", "to": "course", "filter": True}),
    ("f:int:filter", {"type": "integer", "filter": True}),
    ("f:date:sort", {"type": "date", "sort": True}),
    ("f:int:SORT:Unique", {"type": "integer", "sort": True, "unique": True}),
    ("f:string:120:unique:filter:sort", {"type": "string", "max_length": 120, "unique": True,
                                         "filter": True, "sort": True}),
    # refs
    ("course:ref:nested", {"type": "ref", "to": "course", "nested": True}),
    ("course:ref:cascade", {"type": "ref", "to": "course", "on_delete": "cascade"}),
    ("course:ref?:set_null", {"type": "ref", "to": "course", "required": False,
                              "on_delete": "set_null"}),
    ("course:ref:restrict", {"type": "ref", "to": "course", "on_delete": "restrict"}),
    ("course:ref?:nested:set_null", {"type": "ref", "to": "course", "required": False,
                                     "nested": True, "on_delete": "set_null"}),
    # defaults: YAML scalars, or the text as typed for text-like types
    ("f:int:default=5", {"type": "integer", "default": 5}),
    ("f:int:default=-3", {"type": "integer", "default": -3}),
    ("f:bigint:default=0", {"type": "bigint", "default": 0}),
    ("f:float:default=2.5", {"type": "float", "default": 2.5}),
    ("f:float:default=2", {"type": "float", "default": 2}),
    ("f:decimal:default=9.99", {"type": "decimal", "default": "9.99"}),
    ("f:decimal(15,8):default=-0.12345678", {"type": "decimal", "precision": 15, "scale": 8,
                                            "default": "-0.12345678"}),
    ("f:bool:default=true", {"type": "boolean", "default": True}),
    ("f:bool:default=false", {"type": "boolean", "default": False}),
    ("f:json:default=3", {"type": "json", "default": 3}),
    ("f:json:default=on", {"type": "json", "default": "on"}),
    ("f:enum(pending,done):default=pending", {"type": "enum", "values": ["pending", "done"],
                                              "default": "pending"}),
    ("f:string:default=pending", {"type": "string", "default": "pending"}),
    ("f:string:default=007", {"type": "string", "default": "007"}),
    ("f:string:default=true", {"type": "string", "default": "true"}),
    ("f:string:default=a b", {"type": "string", "default": "a b"}),
    ('f:string:default=""', {"type": "string", "default": ""}),
    ("f:string:default=''", {"type": "string", "default": ""}),
    ("f:string:default='x y'", {"type": "string", "default": "x y"}),
    ("f:date:default=2024-01-15", {"type": "date", "default": "2024-01-15"}),
    ("f:datetime:default=2024-01-15T10:30:00Z", {"type": "datetime",
                                                 "default": "2024-01-15T10:30:00Z"}),
    ("f:string:DEFAULT=x", {"type": "string", "default": "x"}),
    # default= takes the rest of the token, colons and all
    ("f:string:unique:default=a:b", {"type": "string", "unique": True, "default": "a:b"}),
    ("f:string:default=unique", {"type": "string", "default": "unique"}),
    # modifiers in any order
    ("f:int:sort:1..5:default=2", {"type": "integer", "sort": True, "min": 1, "max": 5,
                                   "default": 2}),
]  # fmt: skip


@pytest.mark.parametrize(("token", "expected"), GRAMMAR, ids=[t for t, _ in GRAMMAR])
def test_grammar(token: str, expected: dict[str, object]) -> None:
    name = token.split(":", 1)[0]
    fields = parse_fields([token])
    assert fields == {name: expected}
    assert {k: type(v) for k, v in fields[name].items()} == {
        k: type(v) for k, v in expected.items()
    }


def test_keys_come_in_one_order_whatever_the_modifier_order() -> None:
    fields = parse_fields(["f:string?:sort:unique:1..9:default=x", "g:ref(user)?:nested:cascade"])
    assert list(fields["f"]) == [
        "type",
        "required",
        "min_length",
        "max_length",
        "default",
        "unique",
        "sort",
    ]
    assert list(fields["g"]) == ["type", "to", "required", "on_delete", "nested"]


def test_no_tokens_no_fields() -> None:
    assert parse_fields([]) == {}


# --- errors ----------------------------------------------------------------------------------

# (token, the problem block after "cannot read field `<first token>`\n") — caret columns are
# written out by hand: the quoted token is indented by two spaces.
ERRORS = [
    # the shape of a token
    ("rating", "  rating\n"
               "  ^^^^^^ expected name:type, like title:string or rating:int"),
    (":int", "  :int\n"
             "  ^ expected a field name before `:`"),
    ("rating:", "  rating:\n"
                "         ^ expected a type after `:`, like title:string"),
    ("rating:int:", "  rating:int:\n"
                    "             ^ expected a modifier after `:`"),
    ("rating:int::unique", "  rating:int::unique\n"
                           "             ^ expected a modifier after `:`"),
    ("rating:int?x", "  rating:int?x\n"
                     "             ^ unexpected `x` after the type; modifiers follow a `:`,"
                     " like rating:int:unique"),
    # names
    ("9lives:int", "  9lives:int\n"
                   "  ^^^^^^ field name `9lives` must be letters, digits and underscores,"
                   " starting with a letter"),
    ("star-rating!:int", "  star-rating!:int\n"
                         "  ^^^^^^^^^^^^ field name `star-rating!` must be letters, digits and"
                         " underscores, starting with a letter"),
    ("id:int", "  id:int\n"
               "  ^^ `id` is generated for every resource; choose another name"),
    ("createdAt:datetime", "  createdAt:datetime\n"
                           "  ^^^^^^^^^ `created_at` is generated for every resource;"
                           " choose another name"),
    ("body?:text", "  body?:text\n"
                   "      ^ `?` goes right after the type to make a field optional,"
                   " like body:text?"),
    # types
    ("rating:integr", "  rating:integr\n"
                      "         ^^^^^^ unknown type `integr`; did you mean `integer`?"),
    ("body:txt", "  body:txt\n"
                 "       ^^^ unknown type `txt`; did you mean `text`?"),
    ("when:moment", "  when:moment\n"
                    "       ^^^^^^ unknown type `moment`; expected one of: string, text, int,"
                    " bigint, float, decimal, bool, date, time, datetime, uuid, email, url,"
                    " enum(...), json, ref"),
    ("title:string(120)", "  title:string(120)\n"
                          "              ^^^^^ `string` takes no `(...)`; write a length as a"
                          " modifier: title:string:120"),
    ("n:int(4)", "  n:int(4)\n"
                 "       ^^^ `int` takes no `(...)`"),
    ("s:enum(a,b", "  s:enum(a,b\n"
                   "        ^^^^ missing `)`"),
    # enums
    ("status:enum", "  status:enum\n"
                    "         ^^^^ an enum needs its values, like enum(pending,published)"),
    ("status:enum()", "  status:enum()\n"
                      "             ^^ an enum needs its values, like enum(pending,published)"),
    ("status:enum( )", "  status:enum( )\n"
                       "             ^^^ an enum needs its values, like enum(pending,published)"),
    ("status:enum(a,,b)", "  status:enum(a,,b)\n"
                          "                ^ empty enum value"),
    ("status:enum(a,b,)", "  status:enum(a,b,)\n"
                          "                  ^ empty enum value"),
    ("status:enum(a,b,a)", "  status:enum(a,b,a)\n"
                           "                  ^ enum value `a` is given twice"),
    # decimals and refs
    ("price:decimal(10)", "  price:decimal(10)\n"
                          "               ^^^^ expected decimal(PRECISION,SCALE), like"
                          " decimal(10,2)"),
    ("price:decimal(2,3)", "  price:decimal(2,3)\n"
                           "                ^^^ scale (3) is greater than precision (2)"),
    ("price:decimal(0,0)", "  price:decimal(0,0)\n"
                           "                ^^^ precision must be from 1 to 15"),
    ("price:decimal(16,2)", "  price:decimal(16,2)\n"
                            "                ^^^^ precision must be from 1 to 15"),
    ("course:ref()", "  course:ref()\n"
                     "            ^^ expected what it points to, like ref(course)"),
    ("course:ref(my course!)", "  course:ref(my course!)\n"
                               "             ^^^^^^^^^^ `my course!` is not a resource name"),
    ("course_id:ref", "  course_id:ref\n"
                      "  ^^^^^^^^^ name a ref after what it points to: `course:ref` gives the"
                      " `course_id` column"),
    # ranges and lengths
    ("rating:int:1..x", "  rating:int:1..x\n"
                        "                ^ `x` is not a number; expected a range like 1..5,"
                        " 1.. or ..5"),
    ("rating:int:a..5", "  rating:int:a..5\n"
                        "             ^ `a` is not a number; expected a range like 1..5,"
                        " 1.. or ..5"),
    ("rating:int:1...5", "  rating:int:1...5\n"
                         "                ^^ `.5` is not a number; expected a range like 1..5,"
                         " 1.. or ..5"),
    ("rating:int:..", "  rating:int:..\n"
                      "             ^^ a range needs at least one bound; expected a range like"
                      " 1..5, 1.. or ..5"),
    ("rating:int:5..1", "  rating:int:5..1\n"
                        "             ^^^^ min (5) is greater than max (1)"),
    ("price:float:2.5..1", "  price:float:2.5..1\n"
                           "              ^^^^^^ min (2.5) is greater than max (1)"),
    ("code:string:8..3", "  code:string:8..3\n"
                         "              ^^^^ min_length (8) is greater than max_length (3)"),
    ("code:string:x..3", "  code:string:x..3\n"
                         "              ^ `x` is not a number; expected a length like 120 or a"
                         " range like 1..120"),
    ("rating:int:1.5..3", "  rating:int:1.5..3\n"
                          "             ^^^ integer bounds are whole numbers"),
    ("rating:int:..3000000000", "  rating:int:..3000000000\n"
                                "               ^^^^^^^^^^ `3000000000` does not fit an integer"
                                " (32 bits); use bigint"),
    ("n:bigint:..9999999999999999999", "  n:bigint:..9999999999999999999\n"
                                       "             ^^^^^^^^^^^^^^^^^^^ `9999999999999999999`"
                                       " does not fit a bigint (64 bits)"),
    ("code:string:-1..3", "  code:string:-1..3\n"
                          "              ^^ a length cannot be negative"),
    ("code:string:0..0", "  code:string:0..0\n"
                         "                 ^ max_length must be at least 1"),
    ("code:string:2.5..9", "  code:string:2.5..9\n"
                           "              ^^^ lengths are whole numbers"),
    ("title:string:0", "  title:string:0\n"
                       "               ^ max_length must be at least 1"),
    ("title:string:7.5", "  title:string:7.5\n"
                         "               ^^^ lengths are whole numbers"),
    # modifiers a type does not take
    ("ok:bool:1..5", "  ok:bool:1..5\n"
                     "          ^^^^ a range applies to integer, bigint, float, decimal, string"
                     " and text fields, not boolean"),
    ("rating:int:5", "  rating:int:5\n"
                     "             ^ a bare number is a length (string, text); for integer write"
                     " a range like 1..5"),
    ("when:date:10", "  when:date:10\n"
                     "            ^^ a length applies to string and text fields, not date"),
    ("title:string:nested", "  title:string:nested\n"
                            "               ^^^^^^ `nested` applies to ref fields, not string"),
    ("rating:int:cascade", "  rating:int:cascade\n"
                           "             ^^^^^^^ `cascade` (on_delete) applies to ref fields,"
                           " not integer"),
    ("data:json:filter", "  data:json:filter\n"
                         "            ^^^^^^ `filter` does not apply to json fields"),
    ("body:text:sort", "  body:text:sort\n"
                       "            ^^^^ `sort` does not apply to text fields"),
    ("course:ref:sort", "  course:ref:sort\n"
                        "             ^^^^ `sort` does not apply to ref fields"),
    ("course:ref:unique", "  course:ref:unique\n"
                          "             ^^^^^^ `unique` does not apply to ref fields"),
    ("course:ref:set_null", "  course:ref:set_null\n"
                            "             ^^^^^^^^ `set_null` needs an optional ref: put `?`"
                            " after the type, like course:ref?:set_null"),
    ("course:ref:default=3", "  course:ref:default=3\n"
                             "             ^^^^^^^^^ a ref field takes no default"),
    # unknown modifiers
    ("email:email:uniqe", "  email:email:uniqe\n"
                          "              ^^^^^ unknown modifier `uniqe`; did you mean `unique`?"),
    ("course:ref:cascde", "  course:ref:cascde\n"
                          "             ^^^^^^ unknown modifier `cascde`; did you mean"
                          " `cascade`?"),
    ("rating:int:big", "  rating:int:big\n"
                       "             ^^^ unknown modifier `big`; an integer field takes a range"
                       " like 1..5, unique, filter, sort or default=VALUE"),
    ("title:string:wide", "  title:string:wide\n"
                          "               ^^^^ unknown modifier `wide`; a string field takes a"
                          " length like 120 or 1..120, unique, filter, sort or default=VALUE"),
    ("course:ref:deep", "  course:ref:deep\n"
                        "             ^^^^ unknown modifier `deep`; a ref field takes filter,"
                        " nested, cascade, set_null or restrict"),
    ("rating:int:index", "  rating:int:index\n"
                         "             ^^^^^ `index` is not a modifier: filter, sort and ref"
                         " fields get an index"),
    ("body:text:optional", "  body:text:optional\n"
                           "            ^^^^^^^^ fields are required unless a `?` follows the"
                           " type, like body:text?"),
    # defaults
    ("ok:bool:default=yes", "  ok:bool:default=yes\n"
                            "                  ^^^ expected true or false"),
    ("n:int:default=x", "  n:int:default=x\n"
                        "                ^ expected a whole number"),
    ("n:int:default=2.5", "  n:int:default=2.5\n"
                          "                ^^^ expected a whole number"),
    ("p:float:default=cheap", "  p:float:default=cheap\n"
                              "                  ^^^^^ expected a number"),
    ("p:float:default=true", "  p:float:default=true\n"
                             "                  ^^^^ expected a number"),
    ("p:decimal:default=cheap", "  p:decimal:default=cheap\n"
                                "                    ^^^^^ expected a number, like default=9.99"),
    ("s:enum(a,b):default=c", "  s:enum(a,b):default=c\n"
                              "                      ^ `c` is not one of the enum values: a, b"),
    ("title:string:default=", "  title:string:default=\n"
                              "                       ^ expected a value after `default=`"
                              ' (default="" for no text)'),
    ("n:int:default=null", "  n:int:default=null\n"
                           "                ^^^^ a default cannot be null; leave `default=` out"),
    ("n:json:default=[1, 2]", "  n:json:default=[1, 2]\n"
                              "                 ^^^^^^ expected a single value, like default=5"
                              " or default=true"),
    ("n:int:default=[1", "  n:int:default=[1\n"
                         "                ^^ expected a single value, like default=5 or"
                         " default=true"),
    # the same modifier twice, or two that set the same key
    ("u:int:unique:unique", "  u:int:unique:unique\n"
                            "               ^^^^^^ `unique` is given twice"),
    ("k:string:1..5:2..3", "  k:string:1..5:2..3\n"
                           "                ^^^^ `2..3` conflicts with `1..5`"),
    ("k:string:120:..50", "  k:string:120:..50\n"
                          "               ^^^^ `..50` conflicts with `120`"),
    ("c:ref:cascade:restrict", "  c:ref:cascade:restrict\n"
                               "                ^^^^^^^^ `restrict` conflicts with `cascade`"),
]  # fmt: skip


@pytest.mark.parametrize(("token", "block"), ERRORS, ids=[t for t, _ in ERRORS])
def test_error_message(token: str, block: str) -> None:
    assert error_text(token) == f"cannot read field `{token}`\n{block}"


def test_the_brief_format_of_a_message() -> None:
    # The shape promised to the CLI: a header, the token, a caret line under the bad part.
    assert error_text("rating:int:1..x").splitlines() == [
        "cannot read field `rating:int:1..x`",
        "  rating:int:1..x",
        "                ^ `x` is not a number; expected a range like 1..5, 1.. or ..5",
    ]


def test_every_malformed_token_is_reported_in_order() -> None:
    text = error_text("rating:int:1..x", "title:string:120", "body:txt", "ok:bool:1..5")
    assert text == (
        "cannot read field `rating:int:1..x`\n"
        "  rating:int:1..x\n"
        "                ^ `x` is not a number; expected a range like 1..5, 1.. or ..5\n"
        "error: cannot read field `body:txt`\n"
        "  body:txt\n"
        "       ^^^ unknown type `txt`; did you mean `text`?\n"
        "error: cannot read field `ok:bool:1..5`\n"
        "  ok:bool:1..5\n"
        "          ^^^^ a range applies to integer, bigint, float, decimal, string and text"
        " fields, not boolean"
    )


def test_several_problems_in_one_token_are_each_reported() -> None:
    with pytest.raises(ShorthandError) as caught:
        parse_fields(["9x:int:nested:1..x"])
    assert [(p.start, p.end) for p in caught.value.problems] == [(0, 2), (7, 13), (17, 18)]
    assert [p.token for p in caught.value.problems] == ["9x:int:nested:1..x"] * 3


def test_a_name_given_twice() -> None:
    assert error_text("rating:int", "title:string", "rating:int:1..5") == (
        "cannot read field `rating:int:1..5`\n"
        "  rating:int:1..5\n"
        "  ^^^^^^ field `rating` is given twice (also in `rating:int`)"
    )


def test_two_names_that_become_one() -> None:
    assert error_text("authorEmail:email", "author_email:string") == (
        "cannot read field `author_email:string`\n"
        "  author_email:string\n"
        "  ^^^^^^^^^^^^ fields `authorEmail` and `author_email` both become `author_email`"
    )


def test_a_malformed_first_token_still_claims_its_name() -> None:
    text = error_text("rating:integr", "rating:int")
    assert "field `rating` is given twice (also in `rating:integr`)" in text


def test_a_shorthand_error_is_a_scaffold_error_with_exit_code_2() -> None:
    with pytest.raises(ScaffoldError) as caught:
        parse_fields(["x:nope"])
    assert isinstance(caught.value, ShorthandError)
    assert caught.value.exit_code == 2


def test_control_characters_do_not_move_the_caret() -> None:
    assert error_text("a\x01b:int") == (
        "cannot read field `a?b:int`\n"
        "  a?b:int\n"
        "  ^^^ field name `a\x01b` must be letters, digits and underscores, starting with a"
        " letter"
    )


# --- merge_into_spec -------------------------------------------------------------------------

EXISTING = """\
# yaml-language-server: $schema=../.vscode/scaffold-spec.schema.json
# Reviews of a course.
resource: review
description: A learner's review, long enough that a YAML writer folding at 80 columns folds it.
fields:
  # one to five stars
  rating: {type: integer, min: 1, max: 5}  # stars
  title: 'quoted'
  authorEmail:
    type: email
    unique: true   # one review per person
  # the free text
  body: {type: text, required: false}   # markdown

# paging
pagination: {default_limit: 20, max_limit: 100}
timestamps: true
"""


def test_a_new_spec_starts_with_the_schema_comment() -> None:
    text = merge_into_spec(None, "lesson_progress", parse_fields(["done:bool"]))
    assert text.splitlines()[0] == (
        "# yaml-language-server: $schema=../.vscode/scaffold-spec.schema.json"
    )
    assert text.splitlines()[1:] == [
        "resource: lesson_progress",
        "fields:",
        "  done: {type: boolean}",
    ]


def test_merge_adds_fields_and_keeps_everything_else() -> None:
    text = merge_into_spec(EXISTING, "review", parse_fields(["helpful:int:0..:default=0"]))
    assert text == EXISTING.replace(
        "  body: {type: text, required: false}   # markdown\n",
        "  body: {type: text, required: false}   # markdown\n"
        "  helpful: {type: integer, min: 0, default: 0}\n",
    )


def test_merge_replaces_a_field_given_again_where_it_stands() -> None:
    text = merge_into_spec(EXISTING, "review", parse_fields(["rating:int:1..10", "title:text?"]))
    assert text == EXISTING.replace(
        "  rating: {type: integer, min: 1, max: 5}  # stars\n",
        "  rating: {type: integer, min: 1, max: 10} # stars\n",
    ).replace("  title: 'quoted'\n", "  title: {type: text, required: false}\n")


def test_merge_replaces_a_block_field_and_keeps_the_comment_after_it() -> None:
    text = merge_into_spec(EXISTING, "review", parse_fields(["author_email:email"]))
    assert text == EXISTING.replace(
        "  authorEmail:\n    type: email\n    unique: true   # one review per person\n",
        "  author_email: {type: email}\n",
    )
    assert "  # the free text\n  body:" in text


def test_merge_replaces_the_last_field_and_appends_in_one_go() -> None:
    text = merge_into_spec(EXISTING, "review", parse_fields(["body:text", "tags:json?"]))
    assert text.endswith(
        "  body: {type: text}                    # markdown\n"  # the comment keeps its column
        "  tags: {type: json, required: false}\n"
        "\n"
        "# paging\n"
        "pagination: {default_limit: 20, max_limit: 100}\n"
        "timestamps: true\n"
    )


def test_merge_keeps_indentation_and_block_lists() -> None:
    existing = (
        "resource: review\n"
        "fields:\n"
        "    status:\n"
        "        type: enum\n"
        "        values:\n"
        "            - draft\n"
        "            - live\n"
        "# paging\n"
        "pagination:\n"
        "    default_limit: 10\n"
    )
    text = merge_into_spec(existing, "review", parse_fields(["title:string"]))
    assert text == existing.replace(
        "            - live\n", "            - live\n    title: {type: string}\n"
    )


def test_merge_into_a_spec_without_fields() -> None:
    existing = "resource: review\ndescription: Reviews.  # shown in the docs\n# more later\n"
    text = merge_into_spec(existing, "review", parse_fields(["title:string"]))
    assert text == (
        "resource: review\n"
        "description: Reviews.  # shown in the docs\n"
        "fields:\n"
        "  title: {type: string}\n"
        "# more later\n"
    )
    empty_fields = merge_into_spec("resource: review\nfields:\n", "review", {"a": {"type": "url"}})
    assert empty_fields == "resource: review\nfields:\n  a: {type: url}\n"


def test_merge_into_a_file_with_only_comments() -> None:
    text = merge_into_spec("# to do\n", "review", parse_fields(["title:string"]))
    assert text == (
        f"{SCHEMA_COMMENT}\n# to do\nresource: review\nfields:\n  title: {{type: string}}\n"
    )
    assert merge_into_spec("", "review", parse_fields(["a:url"])) == merge_into_spec(
        None, "review", parse_fields(["a:url"])
    )


def test_merging_nothing_changes_nothing() -> None:
    assert merge_into_spec(EXISTING, "review", {}) == EXISTING


def test_merge_keeps_a_flow_style_fields_mapping() -> None:
    text = merge_into_spec("fields: {a: string}  # x\n", "review", parse_fields(["b:int"]))
    assert text == "fields: {a: string, b: {type: integer}} # x\n"


@pytest.mark.parametrize(
    ("existing", "message"),
    [
        (
            "fields: [a\n",
            "specs/reviews.yaml:2:1: YAML syntax error: expected ',' or ']',"
            " but got '<stream end>'; fix it before adding fields",
        ),
        (
            "- a\n",
            "specs/reviews.yaml: expected a mapping with `resource` and `fields`;"
            " cannot add fields",
        ),
        ("fields: [a]\n", "specs/reviews.yaml: `fields` is not a mapping; cannot add fields"),
    ],
)
def test_merge_refuses_text_that_is_not_a_spec(existing: str, message: str) -> None:
    with pytest.raises(ScaffoldError) as caught:
        merge_into_spec(existing, "review", {"a": {"type": "url"}}, source="specs/reviews.yaml")
    assert str(caught.value) == message


def test_yaml_lookalike_values_stay_text() -> None:
    fields = parse_fields(
        [
            "status:enum(yes,no,null,1,true,2024-01-01,on hold,# x)",
            "code:string:default=0x10",
            "when:date:default=2024-01-01",
        ]
    )
    text = merge_into_spec(None, "review", fields)
    assert safe_load(text)["fields"] == fields
    spec = load_spec_text(text, "specs/reviews.yaml", "reviews")
    assert spec.fields["status"].values == ["yes", "no", "null", "1", "true", "2024-01-01",
                                            "on hold", "# x"]  # fmt: skip


# --- agreement with the spec model and the docs ----------------------------------------------


def test_what_the_model_already_knows_loads() -> None:
    """Fields whose type and keys the spec model knows validate: the shorthand writes the
    contract, not a dialect of it. (The check widens as the model learns refs and the rest.)"""
    known: dict[str, dict[str, object]] = {}
    for index, (token, _) in enumerate(GRAMMAR):
        (spec,) = parse_fields([token]).values()
        if spec["type"] in FIELD_TYPES and set(spec) <= set(FieldSpec.model_fields):
            known[f"field{index}"] = spec
    assert len(known) > 30
    text = merge_into_spec(None, "review", known)
    spec = load_spec_text(text, "specs/reviews.yaml", "reviews")
    assert list(spec.fields) == list(known)


def test_the_docs_list_every_type_alias_and_modifier() -> None:
    rows = [line for line in DOCS.read_text(encoding="utf-8").splitlines() if line[:1] == "|"]
    table_cells = {code for row in rows for code in re.findall(r"`([^`]+)`", row)}
    for alias in TYPE_ALIASES:
        assert alias in table_cells or any(c.startswith(f"{alias}(") for c in table_cells), alias
    modifiers = {"unique", "filter", "sort", "nested", "cascade", "set_null", "restrict"}
    assert modifiers | {"N..M", "N", "default=VALUE"} <= table_cells


def test_the_docs_example_is_what_the_command_writes() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    written = merge_into_spec(None, "review", parse_fields(ISSUE_TOKENS))
    assert f"```yaml\n{written}```" in docs


# --- round trip property ---------------------------------------------------------------------

NAMES = st.from_regex(r"[a-z][a-zA-Z0-9]{0,8}(_[a-z0-9]{1,4}){0,2}", fullmatch=True).filter(
    lambda n: snake_case(n) not in {"id", "created_at", "updated_at"}
    and not snake_case(n).endswith("_id")
)
ENUM_VALUES = st.one_of(
    st.sampled_from(["yes", "no", "null", "~", "1", "0.5", "true", "2024-01-01", "# hash", "a b"]),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 _.\-]{0,10}[A-Za-z0-9]", fullmatch=True),
)
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20).filter(
    lambda t: not (len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"")
)
# The words of the types whose default is kept as the text typed (the registry's text_default).
TEXT_LIKE = tuple(word for word, kind in TYPE_ALIASES.items() if kind in TEXT_DEFAULT_TYPES)
# Which flags each type takes, as the spec model rules (nested: refs only).
FLAG_EXCLUDES = {
    "unique": {"ref", "boolean"},
    "filter": {"json"},
    "sort": {"json", "text", "ref"},
    "nested": set(TYPE_ALIASES.values()) - {"ref"},
}


def number_text(draw: st.DrawFn, whole: bool, low: int, high: int) -> tuple[str, int | float]:
    value = draw(st.integers(low, high))
    if whole or draw(st.booleans()):
        return str(value), value
    text = f"{value}.{draw(st.integers(0, 99)):02d}"
    return text, float(text)


@st.composite
def field_tokens(draw: st.DrawFn, name: str) -> tuple[str, dict[str, object]]:
    """A valid token for ``name`` and the mapping it must give."""
    alias = draw(st.sampled_from(sorted(TYPE_ALIASES)))
    kind = TYPE_ALIASES[alias]
    spec: dict[str, object] = {"type": kind}
    head = alias.upper() if draw(st.booleans()) and alias != "ref" else alias
    modifiers: list[str] = []
    if kind == "enum":
        values = draw(st.lists(ENUM_VALUES, min_size=1, max_size=5, unique=True))
        head += "(" + ",".join(values) + ")"
        spec["values"] = values
    elif kind == "ref":
        target = draw(st.none() | NAMES)
        head += "" if target is None else f"({target})"
        spec["to"] = name if target is None else target
    elif kind == "decimal" and draw(st.booleans()):
        precision = draw(st.integers(1, MAX_DECIMAL_PRECISION))
        scale = draw(st.integers(0, precision))
        head += f"({precision},{scale})"
        spec["precision"], spec["scale"] = precision, scale
    if draw(st.booleans()):
        head += "?"
        spec["required"] = False
    if kind in ("integer", "bigint", "float", "decimal") and draw(st.booleans()):
        whole = kind in ("integer", "bigint")
        low_text, low = number_text(draw, whole, -1000, 1000)
        high_text, high = number_text(draw, whole, 1001, 10**6)
        side = draw(st.sampled_from(["both", "min", "max"]))
        modifiers.append(
            f"{low_text if side != 'max' else ''}..{high_text if side != 'min' else ''}"
        )
        if side != "max":
            spec["min"] = low
        if side != "min":
            spec["max"] = high
    if kind in ("string", "text") and draw(st.booleans()):
        if draw(st.booleans()):
            length = draw(st.integers(1, 10_000))
            modifiers.append(str(length))
            spec["max_length"] = length
        else:
            low = draw(st.integers(0, 50))
            high = draw(st.integers(max(1, low), 500))
            modifiers.append(f"{low}..{high}")
            spec["min_length"], spec["max_length"] = low, high
    flags = [flag for flag, excluded in FLAG_EXCLUDES.items() if kind not in excluded]
    for flag in draw(st.lists(st.sampled_from(flags), unique=True)):
        modifiers.append(flag if draw(st.booleans()) else flag.capitalize())
        spec[flag] = True
    if kind == "ref" and draw(st.booleans()):
        choices = ["cascade", "restrict"] + (["set_null"] if "required" in spec else [])
        on_delete = draw(st.sampled_from(choices))
        modifiers.append(on_delete)
        spec["on_delete"] = on_delete
    modifiers = draw(st.permutations(modifiers))
    if kind != "ref" and draw(st.booleans()):
        default: object
        if kind == "enum":
            default = draw(st.sampled_from(spec["values"]))  # type: ignore[arg-type]
            text = str(default)
        elif alias in TEXT_LIKE:
            default = text = draw(ANY_TEXT)
        elif kind == "boolean":
            default = draw(st.booleans())
            text = str(default).lower()
        elif kind == "float":
            text, default = number_text(draw, False, -(10**6), 10**6)
        elif kind == "decimal":
            default = text = number_text(draw, False, -(10**6), 10**6)[0]
        else:
            default = draw(st.integers(-(2**31), 2**31 - 1))
            text = str(default)
        modifiers.append(f"default={text}")
        spec["default"] = default
    return ":".join([f"{name}:{head}", *modifiers]), spec


@st.composite
def commands(draw: st.DrawFn) -> tuple[list[str], dict[str, dict[str, object]]]:
    names = draw(st.lists(NAMES, min_size=1, max_size=6, unique_by=snake_case))
    pairs = [draw(field_tokens(name)) for name in names]
    return [token for token, _ in pairs], dict(zip(names, [spec for _, spec in pairs], strict=True))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commands())
def test_valid_tokens_parse_and_round_trip_through_yaml(
    command: tuple[list[str], dict[str, dict[str, object]]],
) -> None:
    tokens, expected = command
    fields = parse_fields(tokens)
    assert fields == expected
    text = merge_into_spec(None, "widget", fields)
    assert text.startswith(SCHEMA_COMMENT + "\n")
    document = safe_load(text)
    assert document == {"resource": "widget", "fields": expected}
    assert len(text.splitlines()) == 3 + len(fields)  # one line per field


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commands(), commands())
def test_merging_twice_is_merging_the_union(
    first: tuple[list[str], dict[str, dict[str, object]]],
    second: tuple[list[str], dict[str, dict[str, object]]],
) -> None:
    once = merge_into_spec(None, "widget", parse_fields(first[0]))
    twice = merge_into_spec(once, "widget", parse_fields(second[0]))
    expected = {snake_case(k): v for k, v in first[1].items()}
    expected.update({snake_case(k): v for k, v in second[1].items()})
    loaded = safe_load(twice)["fields"]
    assert {snake_case(k): v for k, v in loaded.items()} == expected
    assert twice.startswith(SCHEMA_COMMENT + "\n")


def room(field: dict[str, object]) -> int:
    """How many values a field admits (3 where that is many)."""
    plain = {k: v for k, v in field.items() if k not in ("unique", "default")}
    return FieldSpec.model_validate(plain).distinct_values or 3


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commands())
def test_the_spec_model_accepts_what_valid_tokens_write(
    command: tuple[list[str], dict[str, dict[str, object]]],
) -> None:
    """Apart from defaults (which the loader checks against formats and ranges the shorthand
    leaves to it), valid tokens make a valid spec."""
    # Also apart from unique fields without room for three records (an enum of two values,
    # bounds that leave two): the model refuses them, at the field.
    kept = [
        (token, name)
        for token, (name, field) in zip(command[0], command[1].items(), strict=True)
        if not field.get("unique") or room(field) >= 3
    ]
    tokens = [token.split(":default=")[0] for token, _ in kept]
    assume(tokens)
    text = merge_into_spec(None, "widget", parse_fields(tokens))
    spec = load_spec_text(text, "specs/widgets.yaml", "widgets")
    assert list(spec.fields) == [name for _, name in kept]


def test_the_docs_error_example_is_what_the_parser_says() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    example = docs.split("## Errors", 1)[1].split("```\n", 2)[1]
    tokens = re.findall(r"^error: cannot read field `([^`]+)`$", example, flags=re.M)
    assert len(tokens) == 3
    assert example == "error: " + error_text(*tokens) + "\n"


def test_a_quoted_list_of_fields_is_refused_where_the_space_is() -> None:
    text = error_text("title:string:120 body:text?")
    assert text.endswith(
        "  title:string:120 body:text?\n"
        "                  ^ one field per argument: leave the list of fields unquoted"
    )


def test_a_default_may_hold_spaces() -> None:
    assert parse_fields(["title:string:default=Hello world"]) == {
        "title": {"type": "string", "default": "Hello world"}
    }


def test_the_shorthand_page_states_the_decimal_precision_the_spec_allows() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "shorthand.md"
    assert f"precision 1 to {MAX_DECIMAL_PRECISION} " in page.read_text(encoding="utf-8")
