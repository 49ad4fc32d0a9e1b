"""Imports a rendered module needs, settled once the module is written.

A template lists every import its module could need in a `{% filter used_imports %}` block,
without repeating the conditions under which its code uses each one. The filter leaves a
marker; once the whole module is rendered, `settle_imports` replaces the marker with the
import block (in isort's order) of the names the module's code refers to as
globals. Python's own symbol tables say which, scope by scope, so a local variable that
shares an import's name does not count. `__future__` imports are kept as listed."""

from __future__ import annotations

import json
import symtable
import sys
from collections.abc import Iterator

MARKER = "# scaffold-imports: "


def used_imports(candidates: str) -> str:
    """The Jinja filter (``{% filter used_imports %}``): the candidates, one per line in
    import_block's spelling, become a marker line."""
    return MARKER + json.dumps(candidates.split()) + "\n"


def settle_imports(text: str, path: str) -> str:
    """``text`` with its marker, if any, replaced by the import block of the candidates
    its code uses. Raises SyntaxError if ``text`` is not Python."""
    start = text.find(MARKER)
    if start < 0:
        return text
    end = text.index("\n", start)
    candidates: list[str] = json.loads(text[start + len(MARKER) : end])
    used = set(_global_references(symtable.symtable(text, path, "exec")))
    block = import_block(
        [c for c in candidates if c.startswith("__future__:") or _bound_name(c) in used]
    )
    if not block:
        end += 1  # no line at all, not an empty one
    return text[:start] + block + text[end:]


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
        lines = [f"import {m}" for m in sorted(straight) if section(m) == number]
        lines += [
            f"from {m} import {', '.join(sorted(names[m], key=_isort_key))}"
            for m in sorted(names)
            if section(m) == number
        ]
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _isort_key(name: str) -> tuple[int, str]:
    # isort's force_sort_within_sections=false order: CONSTANTS, Classes, functions.
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name.lower()


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
