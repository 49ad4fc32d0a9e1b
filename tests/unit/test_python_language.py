"""The Python language helpers: exact literals, safe docstrings, isort-style import blocks."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.languages.python import docstring, expression, literal
from generator.languages.python_imports import import_block

NASTY_STRINGS = [
    "",
    "plain",
    "it's",
    'He said "hi"',
    "both ' and \"",
    'ends with "',
    'ends with ""',
    "back\\slash",
    "ends with \\",
    "\\n is not a newline",
    "a \"\"\" b ''' c",
    '""""',
    "'''",
    "line one\nline two\n",
    "tab\tand form feed\x0c",
    "{{ jinja }} {% if x %} {# c #}",
    "{braces} and %s and {0}",
    "naïve café ✓ 日本語 🎉",
    "\u2028 line separator",
    "\x1b[31m escape",
]


@pytest.mark.parametrize("value", NASTY_STRINGS)
def test_string_literal_round_trips(value: str) -> None:
    assert ast.literal_eval(literal(value)) == value


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["'", '"', "\\", "\n", "a", "é", "\x00"])).map("".join) | st.text())
def test_string_literal_is_written_as_black_writes_it(value: str) -> None:
    """Quotes as black normalizes them, so rendered code needs no formatting for them."""
    import black

    source = f"x = {literal(value)}\n"
    assert ast.literal_eval(literal(value)) == value
    assert black.format_str(source, mode=black.Mode()) == source


@pytest.mark.parametrize(
    "value",
    [
        0,
        -7,
        2**31 - 1,
        1.5,
        -0.25,
        1e300,
        True,
        False,
        None,
        [],
        {},
        ["a", 1, None, [True, {"k": "v"}]],
        {"nested": {"list": [1, 2.5, "x\"'\\"], "none": None}, "n": 3},
        {"payloads": [{"title": 'a """ b', "body": "\\\n"}]},
    ],
)
def test_literal_round_trips_values_and_containers(value: Any) -> None:
    text = literal(value)
    assert ast.literal_eval(text) == value
    assert type(ast.literal_eval(text)) is type(value)


def test_literal_of_a_string_with_nul() -> None:
    assert ast.literal_eval(literal("a\x00b")) == "a\x00b"


def test_literal_writes_tuples_as_lists() -> None:
    assert ast.literal_eval(literal(("a", 1))) == ["a", 1]


@pytest.mark.parametrize("value", ["x" * 121, "'" * 30, "\\" * 25, "x" * 20, "xy" * 40, 5, ["a"]])
def test_expression_evaluates_to_the_value_and_shortens_long_runs(value: Any) -> None:
    written = expression(value)
    assert eval(written, {}) == value  # our own output: a literal or "c" * n
    long_run = isinstance(value, str) and len(value) > 20 and len(set(value)) == 1
    assert len(written) < 20 if long_run else written == literal(value)


def test_literal_refuses_what_it_cannot_write() -> None:
    with pytest.raises(TypeError):
        literal({1, 2})


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_literal_refuses_non_finite_floats(value: float) -> None:
    # Specs reject them; `inf` would be a NameError in generated code.
    with pytest.raises(ValueError):
        literal(value)


def docstring_of(source_docstring: str) -> str | None:
    """Put a docstring where templates put it and read back what Python sees."""
    module = ast.parse(f"class A:\n    {source_docstring}\n\n    x = 1\n")
    [cls] = module.body  # nothing escaped into the module
    assert isinstance(cls, ast.ClassDef)
    assert len(cls.body) == 2  # the docstring and x = 1: nothing escaped into the class
    return ast.get_docstring(cls, clean=False)


# Texts that once broke out of the docstring (each was a bug).
DOCSTRING_BREAKERS = [
    pytest.param(text, id=ident)
    for text, ident, _problem in [
        ('"""', "only-triple-quote", "does not parse"),
        ('ends with """', "ends-with-triple-quote", "does not parse"),
        ('\\"""', "backslash-triple-quote", "does not parse"),
        (
            'He said "hi"\n',
            "quote-then-newline",
            "does not parse: the final quote is escaped before the text is stripped, so a"
            " quote followed by whitespace (a YAML `|` block) ends the string early",
        ),
        ('He said "hi" ', "quote-then-space", "does not parse (as above)"),
        ("nul \x00 byte", "nul", "puts a raw NUL in source code"),
    ]
]


@pytest.mark.parametrize("text", NASTY_STRINGS + DOCSTRING_BREAKERS)
def test_docstring_keeps_every_word_and_stays_a_docstring(text: str) -> None:
    written = docstring(text)
    assert written.startswith('"""') and written.endswith('"""')
    value = eval(written, {"__builtins__": {}})
    assert value.split() == text.split()
    assert docstring_of(written) == value


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(['"', "'", "\\", "\n", "\n\n", " ", "word", "é"])).map("".join)
    | st.text(),
    st.sampled_from([0, 4, 8]),
)
def test_docstring_is_written_as_black_writes_it(text: str, indent: int) -> None:
    """As a module's, a class's or a method's docstring, black leaves it as it is."""
    import black

    opening = {0: "", 4: "class C:\n", 8: "class C:\n    def f(self) -> None:\n"}[indent]
    source = f"{opening}{' ' * indent}{docstring(text, indent=indent)}\n"
    assert black.format_str(source, mode=black.Mode()) == source


@pytest.mark.parametrize(
    "text",
    ["it's", 'He said "hi"', 'ends with "', "back\\slash", "{{ jinja }}", "naïve café ✓", '""""'],
)
def test_a_short_line_is_kept_exactly(text: str) -> None:
    # black pads a docstring that starts or ends with a quote: so does the filter.
    assert eval(docstring(text), {"__builtins__": {}}).strip(" ") == text


def test_long_text_is_wrapped_and_paragraphs_are_kept() -> None:
    text = " ".join(["word"] * 40) + "\n\nSecond paragraph."
    value = docstring_of(docstring(text))
    assert value is not None
    first, second = value.strip().split("\n\n")
    assert all(len(line) <= 72 for line in first.splitlines())
    assert len(first.splitlines()) > 1
    assert second == "Second paragraph."


def test_docstring_cannot_be_escaped_to_run_code() -> None:
    attack = 'x """ + __import__("os").getcwd() + """ y'
    assert docstring_of(docstring(attack)) == attack


def test_import_block_sections_and_order() -> None:
    block = import_block(
        [
            "app.models.base:Base",
            "sqlalchemy:String",
            "uuid",
            "datetime:datetime",
            "datetime:date",
            "sqlalchemy.orm:Mapped",
            "sqlalchemy:CheckConstraint",
            "pydantic:field_validator",
            "pydantic:BaseModel",
            "pydantic:ConfigDict",
            "app.utils.errors:NotFoundError",
            "uuid",
            "__future__:annotations",
        ]
    )
    assert block.split("\n\n") == [
        "from __future__ import annotations",
        "import uuid\nfrom datetime import date, datetime",
        "from pydantic import BaseModel, ConfigDict, field_validator\n"
        "from sqlalchemy import CheckConstraint, String\n"
        "from sqlalchemy.orm import Mapped",
        "from app.models.base import Base\nfrom app.utils.errors import NotFoundError",
    ]


def test_import_block_orders_constants_classes_then_functions() -> None:
    block = import_block(["m:func", "m:CONST", "m:Klass", "m:another", "m:Alpha"])
    assert block == "from m import CONST, Alpha, Klass, another, func"


def test_import_block_leaves_out_empty_sections() -> None:
    assert import_block(["app.models:Base"]) == "from app.models import Base"
    assert import_block([]) == ""


@pytest.mark.parametrize(
    "specs",
    [
        [
            "uuid",
            "datetime:datetime",
            "pydantic:AwareDatetime",
            "pydantic:BaseModel",
            "typing:Literal",
            "sqlalchemy:String",
            "sqlalchemy.orm:Mapped",
            "sqlalchemy.orm:mapped_column",
            "app.models.base:Base",
            "app.models.base:UTCDateTime",
            "app.models.base:utcnow",
        ],
        ["os.path", "os", "json", "fastapi:APIRouter", "fastapi:Depends", "app:config"],
    ],
)
def test_import_block_is_what_ruff_isort_writes(specs: list[str], tmp_path: Path) -> None:
    # In a generated project `app` is first party: ruff finds it beside pyproject.toml.
    config = '[lint]\nselect = ["I"]\nisort.known-first-party = ["app"]\n'
    (tmp_path / "ruff.toml").write_text(config)
    names = sorted({s.partition(":")[2] or s.split(".")[0] for s in specs})
    module = tmp_path / "module.py"
    module.write_text(f"{import_block(specs)}\n\n__all__ = {names!r}\n", encoding="utf-8")
    ruff = Path(sys.executable).parent / "ruff"
    checked = subprocess.run(
        [str(ruff), "check", "--no-cache", "--config", str(tmp_path / "ruff.toml"), str(module)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
