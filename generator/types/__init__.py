"""The spec's field types, one registry: what each type is (storage, the keys and listing
features it takes, its bounds), how a person may type it, what the docs say of it, and the
sample values the generated tests and the conformance suite send.

Every module of this package lists its types in ``TYPES``; they are found by import, so a
new type is a module here (or an entry in one), a line per stack in its stack.yaml `types`
and a test.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FieldSpec = Mapping[str, Any]
NUL = '"\\u0000"'  # JSON text of a NUL: no text, date, time or id can hold it


@dataclass(frozen=True)
class SpecType:
    """One field type. Subclasses give its sample values."""

    name: str
    rank: int  # where the docs and the editor's completion list it (string 10, text 20, ...)
    note: str  # what it is, in words (the spec reference's table)
    aliases: tuple[str, ...] = ()  # other words the shorthand takes for it (int, str)
    shorthand: str = ""  # the word the shorthand's messages use, if not the name (int)
    storage: str = ""  # the column's type in the schema snapshot, if not the name
    integer_range: tuple[int, int] | None = None  # the whole numbers its column holds
    numeric: bool = False  # takes min / max
    lengths: bool = False  # takes min_length / max_length
    default_max_length: int | None = None  # without max_length
    stored_length: int | None = None  # a fixed longest value (email, url)
    searchable: bool = False  # ?search= matches it
    ordered: bool = False  # takes _gte / _lte filters
    sortable: bool = True
    filterable: bool = True
    may_be_unique: bool = True
    text_default: bool = False  # its default is kept as the text typed (the loader checks it)
    formats: tuple[str, ...] = ()  # OpenAPI string formats imported as this type
    # The shorthand reference's row (docs/shorthand.md): what a person types, if more than
    # its words (markdown), the spec it gives, if more than `type: <name>`, and a remark.
    shorthand_forms: str = ""
    shorthand_spec: str = ""
    shorthand_note: str = ""

    @property
    def stored_as(self) -> str:
        return self.storage or self.name

    def column_length(self, max_length: int | None, values: list[str] | None) -> int | None:
        """The length of its column in the schema snapshot (a string column's only)."""
        if self.stored_as != "string":
            return None
        return self.stored_length or max_length

    def check_default(self, spec: Any, value: Any) -> Any:
        """The default in the form the API returns it, if it is a valid value of the field
        (``spec``: the spec's FieldSpec), else ValueError."""
        raise ValueError(f"{self.name} fields take no default")

    def sample(self, name: str, spec: FieldSpec, n: int) -> object:
        """A valid JSON value; distinct ``n`` give distinct values where the field's
        constraints leave room for them."""
        raise NotImplementedError(self.name)

    def invalid(self, spec: FieldSpec) -> list[tuple[str, object]]:
        """(slug, value) per constraint of the type a correct API refuses with a 422."""
        return []

    def unstorable_json(self) -> str:
        """JSON text of a value no column of this type can hold (a crafted cursor's)."""
        return NUL


def number_text(value: float) -> str:
    """A bound or default as a message shows it: 5, not 5.0."""
    return str(int(value)) if value == int(value) else str(value)


def _discover() -> dict[str, SpecType]:
    found: dict[str, SpecType] = {}
    for module in pkgutil.iter_modules(__path__):
        for spec_type in importlib.import_module(f"{__name__}.{module.name}").TYPES:
            assert spec_type.name not in found, f"two types named {spec_type.name}"
            found[spec_type.name] = spec_type
    return dict(sorted(found.items(), key=lambda item: item[1].rank))


TYPES: dict[str, SpecType] = _discover()
FIELD_TYPES: tuple[str, ...] = tuple(TYPES)
INTEGER_RANGES = {t.name: t.integer_range for t in TYPES.values() if t.integer_range}
INTEGER_TYPES = frozenset(INTEGER_RANGES)
NUMERIC_TYPES = frozenset(t.name for t in TYPES.values() if t.numeric)
LENGTH_TYPES = frozenset(t.name for t in TYPES.values() if t.lengths)
TEXT_TYPES = frozenset(t.name for t in TYPES.values() if t.searchable)
ORDERED_TYPES = frozenset(t.name for t in TYPES.values() if t.ordered)
UNSORTABLE_TYPES = frozenset(t.name for t in TYPES.values() if not t.sortable)
UNFILTERABLE_TYPES = frozenset(t.name for t in TYPES.values() if not t.filterable)
NEVER_UNIQUE_TYPES = frozenset(t.name for t in TYPES.values() if not t.may_be_unique)
TEXT_DEFAULT_TYPES = frozenset(t.name for t in TYPES.values() if t.text_default)
# What a person may type for a type (the shorthand; the spec loader's suggestions).
TYPE_WORDS = {word: t.name for t in TYPES.values() for word in (t.name, *t.aliases)}
