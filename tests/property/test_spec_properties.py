"""Property tests: any valid spec renders code that parses and black leaves alone; any
invalid spec is refused with located diagnostics and leaves the project untouched."""

from __future__ import annotations

import ast
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.commands.generate import Options, generate_resources
from generator.commands.project import Project, new_project
from generator.context import build_contexts
from generator.errors import SpecError
from generator.languages.python_format import format_whole
from generator.render.formatting import Formatter
from generator.render.templates import Renderer
from generator.spec import load_spec_text
from generator.stacks import load_stack
from generator.types import FIELD_TYPES
from generator.types.numbers import INT32_MAX, INT32_MIN

STACK = load_stack("fastapi")
NASTY_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(list("\"'\\{}%#\n")),
    max_size=40,
)
NAMES = st.from_regex(r"[a-z][a-z0-9]{0,10}(_[a-z0-9]{1,6}){0,2}", fullmatch=True).filter(
    lambda n: n not in STACK.reserved_names and n not in {"id", "created_at", "updated_at"}
)


@st.composite
def fields(draw: st.DrawFn) -> dict[str, Any]:
    # Every type but ref (see specs()), with the keys that type takes.
    kind = draw(st.sampled_from([t for t in FIELD_TYPES if t != "ref"]))
    field: dict[str, Any] = {"type": kind, "required": draw(st.booleans())}
    if draw(st.booleans()):
        field["description"] = draw(NASTY_TEXT)
    if kind in ("integer", "float"):
        low = draw(st.integers(INT32_MIN, INT32_MAX - 10))
        field["min"] = low
        field["max"] = draw(st.integers(low, min(INT32_MAX, low + 10_000)))
        if draw(st.booleans()):
            field["default"] = field["min"]
    elif kind in ("string", "text"):
        field["max_length"] = draw(st.integers(5, 300))
        field["min_length"] = draw(st.integers(0, 4))
        if draw(st.booleans()):
            field["default"] = draw(NASTY_TEXT.filter(lambda t: 4 <= len(t) <= 5))
    elif kind == "enum":
        field["values"] = draw(
            st.lists(NASTY_TEXT.filter(bool), min_size=1, max_size=4, unique=True)
        )
        if draw(st.booleans()):
            field["default"] = draw(st.sampled_from(field["values"]))
    elif kind == "boolean" and draw(st.booleans()):
        field["default"] = draw(st.booleans())
    field["unique"] = draw(st.booleans()) and kind not in ("boolean", "enum")
    field["filter"] = draw(st.booleans()) and kind != "json"
    field["sort"] = draw(st.booleans()) and kind not in ("json", "text")
    return field


RULES = st.sampled_from(["public", "authenticated", ["editor"], ["editor", "owner"], "owner"])


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(NAMES, min_size=1, max_size=5, unique=True))
    spec: dict[str, Any] = {
        "resource": "widget",
        "description": draw(NASTY_TEXT),
        "fields": {name: draw(fields()) for name in names},
        "timestamps": draw(st.booleans()),
        "soft_delete": draw(st.booleans()),
        "audit": draw(st.booleans()),
    }
    if draw(st.booleans()):  # a ref to the other resource of the test, gadgets
        spec["fields"]["gadget"] = {
            "type": "ref",
            "required": draw(st.booleans()),
            "nested": draw(st.booleans()),
            "on_delete": draw(st.sampled_from(["cascade", "set_null", "restrict"])),
            "filter": draw(st.booleans()),
        }
    if draw(st.booleans()):
        spec["pagination"] = {
            "style": draw(st.sampled_from(["offset", "cursor"])),
            "default_limit": draw(st.integers(1, 50)),
            "max_limit": draw(st.integers(50, 500)),
        }
    texts = [n for n in names if spec["fields"][n]["type"] in ("string", "text", "email")]
    if texts and draw(st.booleans()):
        spec["search"] = draw(st.lists(st.sampled_from(texts), min_size=1, unique=True))
    if draw(st.booleans()):
        actions = ("list", "read", "create", "update", "delete")
        spec["auth"] = {a: draw(RULES) for a in actions if draw(st.booleans())}
    if draw(st.booleans()):
        spec["cache"] = {"ttl": draw(st.integers(1, 86400))}
    if draw(st.booleans()):
        spec["rate_limit"] = (
            f"{draw(st.integers(1, 1000))}/{draw(st.sampled_from(['minute', 'hour', 'day']))}"
        )
    return spec


GADGETS = "resource: gadget\nfields:\n  label: {type: string, max_length: 40}\n"


def dump(data: dict[str, Any]) -> str:
    import io

    stream = io.StringIO()
    YAML(typ="safe").dump(data, stream)
    return stream.getvalue()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(specs())
def test_valid_specs_render_code_that_parses_and_is_black_stable(data: dict[str, Any]) -> None:
    """What the generator writes is what black would make of it, file for file: the
    formatter runs black only where a statement is too long (see python_format)."""
    try:
        widgets = load_spec_text(dump(data), "specs/widgets.yaml", "widgets")
        loaded = {
            "widgets": (widgets, "specs/widgets.yaml"),
            "gadgets": (
                load_spec_text(GADGETS, "specs/gadgets.yaml", "gadgets"),
                "specs/gadgets.yaml",
            ),
        }
        contexts = build_contexts(loaded, STACK)
    except SpecError:
        assume(False)  # a combination the spec refuses (e.g. an owner rule on create)
        return
    renderer = Renderer(STACK)
    rendered = {
        **renderer.resource(contexts["widgets"]),
        **renderer.wiring(c.wired for c in contexts.values()),
    }
    formatted = Formatter(STACK).format_all(rendered)
    for path, text in formatted.items():
        ast.parse(text, filename=path)
        assert format_whole(text) == text, f"{path} is not what black writes"
    assert_ruff_clean(formatted)


def assert_ruff_clean(files: dict[str, str]) -> None:
    """ruff, with the generated project's own rules, finds nothing: no import missing or
    unused, none out of order, no name undefined."""
    template = (STACK.project_dir / "pyproject.toml.jinja").read_text(encoding="utf-8")
    settings = template[template.index("[tool.ruff]") : template.index("[tool.mypy]")]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        # In a project, ruff finds app/ and tests/ whole; here only the rendered files are.
        first_party = '[tool.ruff.lint.isort]\nknown-first-party = ["app", "tests"]\n'
        (root / "pyproject.toml").write_text(settings + first_party, encoding="utf-8")
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
        ruff = Path(sys.executable).parent / "ruff"
        result = subprocess.run(
            [str(ruff), "check", "--no-cache", "--quiet", "."],
            cwd=root,
            capture_output=True,
            text=True,
        )
    assert result.returncode == 0, result.stdout + result.stderr


# Each mutation turns a valid spec into one a user could plausibly type wrong.
MUTATIONS = {
    "min_above_max": lambda d: d["fields"].update(n={"type": "integer", "min": 5, "max": 1}),
    "unknown_type": lambda d: d["fields"].update(n={"type": "strng"}),
    "unknown_key": lambda d: d["fields"].update(n={"type": "string", "maxlength": 3}),
    "empty_enum": lambda d: d["fields"].update(n={"type": "enum", "values": []}),
    "default_outside_enum": lambda d: d["fields"].update(
        n={"type": "enum", "values": ["a"], "default": "b"}
    ),
    "default_wrong_type": lambda d: d["fields"].update(n={"type": "integer", "default": "x"}),
    "field_named_id": lambda d: d["fields"].update(id="string"),
    "clashing_names": lambda d: d["fields"].update(fooBar="string", foo_bar="text"),
    "path_traversal_name": lambda d: d["fields"].update({"../etc": "string"}),
    "not_a_mapping": lambda d: d.clear(),
    "wrong_value_type": lambda d: d.update(timestamps="sometimes"),
    "no_fields": lambda d: d.update(fields={}),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = new_project(tmp_path_factory.mktemp("prop") / "app", "fastapi", {}, interactive=False)
    return Project.find(root)


def snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs(), st.sampled_from(sorted(MUTATIONS)))
def test_invalid_specs_are_refused_and_change_nothing(
    project: Project, data: dict[str, Any], mutation: str
) -> None:
    MUTATIONS[mutation](data)
    spec_file = project.root / "specs" / "widgets.yaml"
    spec_file.write_text(dump(data) if data else "[]\n", encoding="utf-8")
    before = snapshot(project.root)
    with pytest.raises(SpecError) as raised:
        generate_resources(project, ["widgets"], Options())
    assert raised.value.diagnostics
    for diagnostic in raised.value.diagnostics:
        assert diagnostic.path == "specs/widgets.yaml" and diagnostic.line >= 1
    assert snapshot(project.root) == before
