"""Rails-like field tokens on the command line -> spec field mappings, and the spec file text.

``scaffold resource reviews rating:int:1..5 title:string:120 body:text? course:ref`` writes
the fields into specs/reviews.yaml, then generates. A token is::

    name:type[?][:modifier[:modifier...]]

name
    The field name in any case, kept as written (the loader snake_cases it): ``authorEmail``.
type
    ``string|str``, ``text``, ``int|integer``, ``bigint``, ``float``, ``decimal`` or
    ``decimal(P,S)`` (precision, scale), ``bool|boolean``, ``date``, ``datetime``, ``uuid``,
    ``email``, ``url``, ``json``, ``enum(a,b,c)`` (the values, no quotes; spaces around
    commas are dropped) and ``ref`` or ``ref(course)`` (what it points to; default: the
    field name). Type names are case-insensitive.
``?``
    Right after the type: the field is optional (``required: false``): ``body:text?``.
modifiers
    ``N..M`` (also ``N..`` or ``..M``): ``min``/``max`` of integer, bigint, float and decimal
    fields, ``min_length``/``max_length`` of string and text fields; a bare ``N``: the
    ``max_length`` of a string or text field; ``unique`` (not on refs), ``filter`` (not on
    json), ``sort`` (not on json, text or refs); ``nested`` and ``cascade``, ``set_null``
    (optional refs) or ``restrict`` (``on_delete``) on refs; ``default=VALUE``, which takes
    the rest of the token (so ``12:30`` can be a default): text-like types (string, text,
    email, url, uuid, date, datetime, enum) and decimals (exact) keep VALUE as written, other
    types read it as a YAML scalar (``default=5``, ``default=true``); quote it
    (``default=""``) for an empty text.

Which modifier applies to which type follows the rules of generator/spec/model.py; the
loader still checks what needs the whole spec (a default inside the range, a date's
format, the target of a ref).

Every malformed token is reported at once, each quoted with a caret line under the bad
part. docs/shorthand.md is the user's page for this grammar.
"""

from generator.spec.shorthand.spec_file import merge_into_spec
from generator.spec.shorthand.tokens import parse_fields
from generator.spec.shorthand.words import SCHEMA_COMMENT, TYPE_ALIASES, Problem, ShorthandError

__all__ = [
    "SCHEMA_COMMENT",
    "TYPE_ALIASES",
    "Problem",
    "ShorthandError",
    "merge_into_spec",
    "parse_fields",
]
