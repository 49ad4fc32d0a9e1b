"""Imports a rendered module needs, settled once the module is written.

A template lists every import its module could need in a `{% filter used_imports %}` block,
without repeating the conditions under which its code uses each one. The filter leaves a
marker; once the whole module is rendered, `settle_imports` replaces the marker with the
import block (in isort's order) of the names the module's code refers to as
globals. Python's own symbol tables say which, scope by scope, so a local variable that
shares an import's name does not count. `__future__` imports are kept as listed.

Every other block of imports a template writes itself (a model's `if TYPE_CHECKING:`
imports of the resources it refers to, in whatever order its loop gives) is sorted the
same way, as ruff's isort rules (I001) want every block."""

from __future__ import annotations

import ast
import json
import re
import symtable
import sys
from collections.abc import Iterable, Iterator
from functools import total_ordering
from typing import Any

MARKER = "# scaffold-imports: "


def used_imports(candidates: str) -> str:
    """The Jinja filter (``{% filter used_imports %}``): the candidates, one per line in
    import_block's spelling, become a marker line."""
    return MARKER + json.dumps(candidates.split()) + "\n"


def settle_imports(text: str, path: str) -> str:
    """``text`` with its marker, if any, replaced by the import block of the candidates
    its code uses. Raises SyntaxError if ``text`` is not Python."""
    start = text.find(MARKER)
    if start >= 0:
        end = text.index("\n", start)
        candidates: list[str] = json.loads(text[start + len(MARKER) : end])
        used = set(_global_references(symtable.symtable(text, path, "exec")))
        block = import_block(
            [c for c in candidates if c.startswith("__future__:") or _bound_name(c) in used]
        )
        if not block:
            end += 1  # no line at all, not an empty one
        text = text[:start] + block + text[end:]
    return sort_import_blocks(text)


# One import statement on one line, as import_block writes them (no alias, no parentheses,
# no comment); any other line that starts an import makes its block one to leave alone.
SIMPLE_IMPORT = re.compile(
    r"( *)(?:import ([\w.]+(?:, [\w.]+)*)|from ([\w.]+) import (\w+(?:, \w+)*))"
)
ANY_IMPORT = re.compile(r" *(?:import|from)\b")


def sort_import_blocks(text: str) -> str:
    """``text`` with every block of import statements (consecutive ones at one
    indentation, blank lines between them included) written as import_block writes it:
    an `if TYPE_CHECKING:` block as much as the module's own. ruff's isort rules sort each
    such block; a template writes them in whatever order its loops give."""
    lines = text.split("\n")
    changes: list[tuple[int, int, list[str]]] = []
    index = 0
    while index < len(lines):
        first = SIMPLE_IMPORT.fullmatch(lines[index])
        if first is None:
            index += 1
            continue
        indent, simple = first.group(1), True
        specs: list[str] = []
        last = cursor = index
        while cursor < len(lines):
            line = lines[cursor]
            found = SIMPLE_IMPORT.fullmatch(line)
            if found is not None and found.group(1) == indent:
                straight, module, members = found.group(2, 3, 4)
                if straight:
                    specs += straight.split(", ")
                else:
                    specs += [f"{module}:{member}" for member in members.split(", ")]
                last = cursor
            elif (
                ANY_IMPORT.match(line)
                and line.startswith(indent)
                and not line.startswith(indent + " ")
            ):
                simple, last = False, cursor  # an alias, parentheses or a comment
            elif line.strip():
                break
            cursor += 1
        block = [indent + line if line else line for line in import_block(specs).split("\n")]
        if simple and block != lines[index : last + 1]:
            changes.append((index, last, block))
        index = last + 1
    if not changes or not _are_import_statements(text, changes):
        return text
    for first_line, last_line, block in reversed(changes):
        lines[first_line : last_line + 1] = block
    return "\n".join(lines)


def _are_import_statements(text: str, changes: list[tuple[int, int, list[str]]]) -> bool:
    """Whether the import lines of each change are import statements, not lines of a
    string that look like them."""
    starts = {
        node.lineno - 1
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Import | ast.ImportFrom) and node.lineno == node.end_lineno
    }
    lines = text.split("\n")
    return all(
        number in starts
        for first, last, _ in changes
        for number in range(first, last + 1)
        if lines[number].strip()
    )


def import_block(specs: list[str], first_party: tuple[str, ...] = ("app", "tests")) -> str:
    """``["sqlalchemy:String", "uuid", "app.models.base:Base"]`` -> sorted import lines in
    stdlib / third-party / first-party sections, as isort (ruff's `I` rules) writes them."""
    straight: set[str] = set()
    names: dict[str, set[str]] = {}
    for spec in specs:
        module, _, name = spec.partition(":")
        if name:
            names.setdefault(module, set()).add(name)
        else:
            straight.add(module)

    def section(module: str) -> int:
        top = module.split(".")[0]
        if top in sys.stdlib_module_names or top == "__future__":
            return 0 if top == "__future__" else 1
        return 3 if top in first_party else 2

    blocks: list[str] = []
    for number in range(4):
        lines = [f"import {m}" for m in _sorted_modules(straight) if section(m) == number]
        lines += [
            f"from {m} import {', '.join(sorted(names[m], key=_member_key))}"
            for m in _sorted_modules(names)
            if section(m) == number
        ]
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def import_order(items: Iterable[Any], attribute: str) -> list[Any]:
    """The Jinja filter ``import_order(attribute)``: items in the order ruff's isort puts
    the modules named by their ``attribute`` (``parents | import_order("plural")`` for
    imports of ``app.validators.<plural>``, which share everything before it)."""
    return sorted(items, key=lambda item: _module_key(str(getattr(item, attribute))))


def _sorted_modules(modules: Iterable[str]) -> list[str]:
    return sorted(modules, key=_module_key)


def _module_key(module: str) -> tuple[Natural, Natural]:
    # ruff's module_key: case-insensitively, in natural order (item2 before item10).
    return Natural(module.lower()), Natural(module)


def _member_key(name: str) -> tuple[int, Natural, Natural]:
    # ruff's member_key (order-by-type): CONSTANTS (two characters or more), Classes,
    # then everything else; within each, as modules are.
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return kind, Natural(name.lower()), Natural(name)


@total_ordering
class Natural:
    """A string in natural order, as ruff's isort compares names (the natord crate, after
    Martin Pool's strnatcmp): runs of digits compare as numbers, right-aligned (``15`` <
    ``123``), or digit by digit from the left where either starts with 0 (``015`` <
    ``12``); whitespace is skipped; any other character compares as itself."""

    __slots__ = ("text", "key")

    def __init__(self, text: str) -> None:
        self.text = text
        self.key = _plain_natural_key(text)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Natural):
            return False
        if self.key is not None and other.key is not None:
            return self.key == other.key
        return _natural_compare(self.text, other.text) == 0

    def __lt__(self, other: Natural) -> bool:
        if self.key is not None and other.key is not None:
            return self.key < other.key
        return _natural_compare(self.text, other.text) < 0


_DIGITS = re.compile(r"[0-9]+")


def _plain_natural_key(text: str) -> tuple[tuple[int, int], ...] | None:
    """The natural order of ``text`` as a tuple, where it is plain (no whitespace, and no
    run of digits starting with 0, which natord compares from the left): each character
    is (its code, 0), each run of digits (48, its value). A digit run then meets another
    as numbers do, and any other character as its first digit would, since no character
    other than a digit has a code from 48 to 57. None where the comparison must be made."""
    if any(c.isspace() for c in text) or any(run[0] == "0" for run in _DIGITS.findall(text)):
        return None
    key: list[tuple[int, int]] = []
    position = 0
    for run in _DIGITS.finditer(text):
        key += [(ord(c), 0) for c in text[position : run.start()]]
        key.append((48, int(run[0])))
        position = run.end()
    key += [(ord(c), 0) for c in text[position:]]
    return tuple(key)

    def __hash__(self) -> int:
        return hash(self.text)


def _natural_compare(left: str, right: str) -> int:
    def digit(text: str, index: int) -> int | None:
        char = text[index] if index < len(text) else ""
        return int(char) if char.isdecimal() and char.isascii() else None

    i = j = 0
    while True:
        while i < len(left) and left[i].isspace():
            i += 1
        while j < len(right) and right[j].isspace():
            j += 1
        if i >= len(left) or j >= len(right):
            return (i < len(left)) - (j < len(right))
        a, b = digit(left, i), digit(right, j)
        if a is None or b is None:
            if left[i] != right[j]:
                return -1 if left[i] < right[j] else 1
            i, j = i + 1, j + 1
            continue
        if a == 0 or b == 0:  # left-aligned: digit by digit
            while a is not None and b is not None:
                if a != b:
                    return -1 if a < b else 1
                i, j = i + 1, j + 1
                a, b = digit(left, i), digit(right, j)
            if (a is None) != (b is None):
                return -1 if a is None else 1
        else:  # right-aligned: the longer run is the greater number
            last = 0
            while a is not None and b is not None:
                last = last or (a > b) - (a < b)
                i, j = i + 1, j + 1
                a, b = digit(left, i), digit(right, j)
            if (a is None) != (b is None):
                return -1 if a is None else 1
            if last:
                return last


def _bound_name(spec: str) -> str:
    """The name an import binds: ``typing:Any`` binds Any, ``os.path`` binds os."""
    module, _, name = spec.partition(":")
    return name or module.split(".")[0]


def _global_references(table: symtable.SymbolTable) -> Iterator[str]:
    for symbol in table.get_symbols():
        if symbol.is_referenced() and symbol.is_global():
            yield symbol.get_name()
    for child in table.get_children():
        yield from _global_references(child)
