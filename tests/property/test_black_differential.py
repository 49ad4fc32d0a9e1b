"""Differential test of the Python formatter: for generated specs, every Python file the
generator writes must be exactly what black (the pinned version, in the generated project's
mode) makes of it, and ruff's isort rules (I001) must find nothing to sort.

The specs are made to land on the line limit: resource and field names of every length up
to about half a line, several resources each referring to three to five others (so models
get long `if TYPE_CHECKING:` blocks and services long conflict messages), descriptions,
defaults and enum values of every length around the limit, big and tiny numbers.

By default it runs a few dozen examples (seconds). ``SCAFFOLD_EXHAUSTIVE=1`` runs
EXHAUSTIVE_EXAMPLES instead, ``SCAFFOLD_EXHAUSTIVE=<n>`` runs n (see docs/testing.md).
The figures (examples, files compared) are printed at the end of the pytest output.
"""

from __future__ import annotations

import keyword
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from pathlib import Path
from string import ascii_lowercase, digits
from typing import Any

import black
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.context import build_contexts
from generator.errors import ScaffoldError, SpecError
from generator.naming import Names
from generator.render.templates import Renderer
from generator.schema.migrations import plan_migration
from generator.schema.snapshot import table
from generator.spec import load_spec_text
from generator.stacks import load_stack
from generator.types.numbers import INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN
from tests.property.test_spec_properties import dump

STACK = load_stack("fastapi")
# The default keeps the repository's test run short; the exhaustive run is for CI jobs
# with time to spare, or for a change to the formatter or the templates.
EXHAUSTIVE = os.environ.get("SCAFFOLD_EXHAUSTIVE", "") not in ("", "0")
DEFAULT_EXAMPLES, EXHAUSTIVE_EXAMPLES = 6, 1000
MAX_RESOURCES = 6 if EXHAUSTIVE else 3


def example_count() -> int:
    value = os.environ.get("SCAFFOLD_EXHAUSTIVE", "")
    if not EXHAUSTIVE:
        return DEFAULT_EXAMPLES
    return int(value) if value.isdigit() and int(value) > 1 else EXHAUSTIVE_EXAMPLES


def project_settings() -> tuple[black.Mode, str]:
    """black's mode and ruff's settings as the generated project's pyproject.toml has them."""
    template = (STACK.project_dir / "pyproject.toml.jinja").read_text(encoding="utf-8")
    start = template.index("[tool.black]")
    config = tomllib.loads(template[start:])
    tool = config["tool"]["black"]
    mode = black.Mode(
        target_versions={black.TargetVersion[v.upper()] for v in tool["target-version"]},
        line_length=tool["line-length"],
    )
    ruff = template[template.index("[tool.ruff]") : template.index("[tool.mypy]")]
    # In a project, ruff finds app/ and tests/ whole; here only the rendered files are.
    ruff += '\n[tool.ruff.lint.isort]\nknown-first-party = ["app", "tests", "migrations"]\n'
    return mode, ruff


MODE, RUFF_SETTINGS = project_settings()
LIMIT = MODE.line_length

# Text a user could type: any printable character, quotes, backslashes, braces, newlines.
CHARS = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(list("\"'\\{}%# \n"))
WORDY = st.sampled_from(list("abcdefghijklmnopqrstuvwxyz      .,'\"-é日"))


@st.composite
def text_of_length(draw: st.DrawFn, low: int = 0, high: int = LIMIT + 40) -> str:
    """A text whose length is drawn first, so lengths around the line limit are as likely
    as short ones; mostly words and spaces (so docstrings wrap), sometimes anything."""
    size = draw(st.integers(low, high))
    alphabet = draw(st.sampled_from([WORDY, CHARS]))
    return draw(st.text(alphabet, min_size=size, max_size=size))


@st.composite
def identifier(draw: st.DrawFn, high: int = 40) -> str:
    """A snake_case name of a drawn length (1 to ``high``)."""
    size = draw(st.integers(1, high))
    head = draw(st.sampled_from(ascii_lowercase))
    tail = draw(st.text(f"{ascii_lowercase}{digits}_", min_size=size - 1, max_size=size - 1))
    return re.sub("_+", "_", head + tail).rstrip("_")


NUMBERS = st.one_of(
    st.integers(INT32_MIN, INT32_MAX),
    st.sampled_from([0, 1, 10**9, 10**15, 10**16, 10**20]),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([1e20, -1e20, 1e16, 1.5e-7, 1e-5, 0.1, 1e300, -2.5e-300, 123456789.125]),
)


@st.composite
def field(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(
            ["string", "text", "integer", "bigint", "float", "decimal", "boolean", "date"]
            + ["datetime", "uuid", "email", "url", "enum", "json"]
        )
    )
    spec: dict[str, Any] = {"type": kind, "required": draw(st.booleans())}
    if draw(st.booleans()):
        spec["description"] = draw(text_of_length())
    if kind in ("integer", "bigint"):
        low, high = (INT32_MIN, INT32_MAX) if kind == "integer" else (INT64_MIN, INT64_MAX)
        bounds = sorted(draw(st.lists(st.integers(low, high), min_size=2, max_size=2)))
        spec["min"], spec["max"] = bounds
        if draw(st.booleans()):
            spec["default"] = bounds[1]
    elif kind == "float":
        bounds = sorted(draw(st.lists(NUMBERS, min_size=2, max_size=2)))
        spec["min"], spec["max"] = bounds
        if draw(st.booleans()):
            spec["default"] = float(bounds[0])
    elif kind in ("string", "text"):
        spec["max_length"] = draw(st.integers(5, 10_000))
        if draw(st.booleans()):
            spec["default"] = draw(text_of_length(0, 5))
    elif kind == "enum":
        spec["values"] = draw(
            st.lists(text_of_length(1, LIMIT + 20), min_size=1, max_size=6, unique=True)
        )
        if draw(st.booleans()):
            spec["default"] = draw(st.sampled_from(spec["values"]))
    elif kind == "boolean" and draw(st.booleans()):
        spec["default"] = draw(st.booleans())
    spec["unique"] = draw(st.booleans()) and kind not in ("boolean", "enum", "json")
    spec["filter"] = draw(st.booleans()) and kind != "json"
    spec["sort"] = draw(st.booleans()) and kind not in ("json", "text")
    return spec


@st.composite
def projects(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """{plural: spec data} of two to six resources; each refers to up to five of those
    before it (the first ones to many), some to themselves, and some (optionally) to one
    after it, which makes a cycle."""
    count = draw(st.integers(2, MAX_RESOURCES))
    resources: list[Names] = []
    for _ in range(count):
        raw = draw(identifier())
        try:
            names = Names.parse(raw)
        except ScaffoldError:
            continue
        if (
            names.plural in STACK.reserved_resources
            or keyword.iskeyword(names.plural)  # `as` (of `a`) cannot name a module
            or Names.from_name(names.plural) != names
            or any(n.plural == names.plural for n in resources)
        ):
            continue
        resources.append(names)
    assume(len(resources) >= 2)
    data: dict[str, dict[str, Any]] = {}
    for index, names in enumerate(resources):
        fields: dict[str, Any] = {}
        for _ in range(draw(st.integers(1, 4))):
            fields[draw(identifier(30))] = draw(field())
        others = resources[:index]
        targets = draw(st.lists(st.sampled_from(others), max_size=5)) if others else []
        if draw(st.integers(0, 5)) == 0:
            targets.append(names)  # a self-reference (a tree)
        nested: set[str] = set()
        for target in targets:
            relation = target.singular if draw(st.booleans()) else draw(identifier(30))
            on_delete = draw(st.sampled_from(["cascade", "restrict", "set_null"]))
            # What the spec refuses: a required ref to itself, or one set to null; two
            # refs to one resource both nested.
            optional = on_delete == "set_null" or target == names
            fields[relation] = {
                "type": "ref",
                "to": target.singular,
                "required": not optional and draw(st.booleans()),
                "nested": target.plural not in nested and draw(st.booleans()),
                "on_delete": on_delete,
                "filter": draw(st.booleans()),
            }
            if fields[relation]["nested"]:
                nested.add(target.plural)
        later = resources[index + 1 :]
        if later and draw(st.integers(0, 3)) == 0:  # a ref back up: a cycle, closed optionally
            back = draw(st.sampled_from(later))
            fields[draw(identifier(30))] = {
                "type": "ref",
                "to": back.singular,
                "required": False,
                "on_delete": draw(st.sampled_from(["cascade", "restrict", "set_null"])),
                "filter": draw(st.booleans()),
            }
        spec: dict[str, Any] = {
            "resource": names.singular,
            "fields": fields,
            "timestamps": draw(st.booleans()),
            "soft_delete": draw(st.booleans()),
            "audit": draw(st.booleans()),
        }
        if draw(st.booleans()):
            spec["description"] = draw(text_of_length())
        if draw(st.booleans()):
            spec["pagination"] = {
                "style": draw(st.sampled_from(["offset", "cursor"])),
                "default_limit": draw(st.integers(1, 50)),
                "max_limit": draw(st.integers(50, 1000)),
            }
        if draw(st.booleans()):
            rules = st.sampled_from(["public", "authenticated", ["editor"], ["editor", "owner"]])
            actions = ("list", "read", "update", "delete")
            spec["auth"] = {a: draw(rules) for a in actions if draw(st.booleans())}
        if draw(st.booleans()):
            spec["cache"] = {"ttl": draw(st.integers(1, 86400))}
        if draw(st.booleans()):
            spec["rate_limit"] = f"{draw(st.integers(1, 1000))}/minute"
        data[names.plural] = spec
    return data


def render(data: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Every Python file of the resources, their wiring and their first schema revision,
    as the generator writes them (rendered, finished, formatted)."""
    try:
        loaded = {
            plural: (load_spec_text(dump(spec), f"specs/{plural}.yaml", plural), "")
            for plural, spec in data.items()
        }
        contexts = build_contexts(loaded, STACK)
    except SpecError:
        assume(False)  # a combination the spec refuses (e.g. set_null on a required ref)
        raise
    renderer = Renderer(STACK)
    rendered: dict[str, str] = {}
    for context in contexts.values():
        rendered.update(renderer.resource(context))
    rendered.update(renderer.wiring(c.wired for c in contexts.values()))
    formatter = STACK.language.formatter
    files = {
        path: formatter(text, path)
        for path, text in rendered.items()
        if Path(path).suffix in STACK.language.formats
    }
    with tempfile.TemporaryDirectory() as empty:  # no schema recorded yet: the first revision
        migration = plan_migration(Path(empty), renderer, map(table, contexts.values()))
    if migration is not None:
        files[migration.path] = migration.text
    return files


def isort_findings(files: dict[str, str]) -> str:
    """What ruff's isort rules (with the project's settings) report about ``files``."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "pyproject.toml").write_text(RUFF_SETTINGS, encoding="utf-8")
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
        ruff = Path(sys.executable).parent / "ruff"
        result = subprocess.run(
            [str(ruff), "check", "--no-cache", "--quiet", "--select", "I", "."],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    return "" if result.returncode == 0 else result.stdout + result.stderr


def test_every_python_file_is_what_black_and_ruff_write(
    record_property: pytest.RecordProperty,
) -> None:
    counts: Counter[str] = Counter()

    @settings(
        max_examples=example_count(),
        deadline=None,
        database=None,
        derandomize=not EXHAUSTIVE,  # the same examples every default run: never flaky
        suppress_health_check=list(HealthCheck),
    )
    @given(projects())
    def check(data: dict[str, dict[str, Any]]) -> None:
        files = render(data)
        for path, text in files.items():
            expected = black.format_str(text, mode=MODE)
            assert text == expected, f"{path} is not what black writes:\n" + "".join(
                _diff(text, expected, path)
            )
        findings = isort_findings(files)
        assert not findings, findings
        counts["examples"] += 1
        counts["files"] += len(files)
        counts["lines"] += sum(text.count("\n") for text in files.values())

    check()
    record_property(
        "figures",
        f"black differential: {counts['examples']} examples, {counts['files']} files,"
        f" {counts['lines']} lines, each equal to black's output and clean for ruff's isort",
    )


GUARDED_PARENT = {
    "authors": {"resource": "author", "fields": {"name": "string"}, "auth": {"read": ["editor"]}},
    "shelves": {"resource": "shelf", "fields": {"name": "string"}},
    "books": {
        "resource": "book",
        "fields": {
            "title": "string",
            "author": {"type": "ref", "required": False},
            "shelf": {"type": "ref", "required": False, "nested": True},
        },
    },
}


def test_a_nested_ref_beside_a_guarded_parent_renders() -> None:
    """create() takes the parents' ids with defaults, then the user as a keyword."""
    assert render(GUARDED_PARENT)


def _diff(text: str, expected: str, path: str) -> list[str]:
    import difflib

    return list(
        difflib.unified_diff(
            text.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            f"{path} (generated)",
            f"{path} (black)",
        )
    )
