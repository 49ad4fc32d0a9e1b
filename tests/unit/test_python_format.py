"""black where rendered code needs it: only the statements with a line over the limit."""

from __future__ import annotations

import black
import pytest

from generator.languages import python_format
from generator.languages.python_format import format_long_statements, format_whole

ITEMS = ", ".join(f'"item-{i}"' for i in range(14))  # too long for one line at any depth
PARAMETERS = "first_argument: int, second_argument: str, third_argument: list[str]"

# Black-clean except for the statements that are too long: each kind of place they can be.
SOURCE = f'''"""A module."""

import os

VALUES = [{ITEMS}]


@decorate({ITEMS})
def function({PARAMETERS}) -> dict[str, int]:
    """Docstring."""
    values = [{ITEMS}]
    if first_argument > 1 and second_argument != "a long string to compare" and third_argument:
        return {{"a": [{ITEMS}]}}
    return {{}}


class Thing:
    def method(self, first_argument: int, second_argument: str, third: list[str]) -> None:
        for name in [{ITEMS}]:
            print(name)
'''


def test_statements_over_the_limit_are_laid_out_as_black_lays_out_the_file() -> None:
    assert format_long_statements(SOURCE) == format_whole(SOURCE)


def test_one_black_call_per_indentation(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = black.format_str

    def counting(source: str, *, mode: black.Mode) -> str:
        calls.append(source)
        return real(source, mode=mode)

    monkeypatch.setattr(black, "format_str", counting)
    format_long_statements(SOURCE)
    # Indentations 0 (VALUES, the decorator, def function, class-level none),
    # 4 (values, if, def method) and 8 (return, for).
    assert len(calls) == 3


def test_short_lines_are_left_as_they_are() -> None:
    # The templates' part of the contract: what fits is already written as black writes it.
    source = "x  =  {'a':1}\n"
    assert format_long_statements(source) == source


@pytest.mark.parametrize(
    "source",
    [
        # A long line of a string indented less than its statement: dedenting would change it.
        f'def f() -> str:\n    text = """\n{"x" * 100}\n"""\n    return text\n',
        # A long comment between statements: in no statement.
        f"# {'x' * 100}\nVALUES = [{ITEMS}]\n",
        # A long elif: not a statement of its own.
        f"if a:\n    pass\nelif {' and '.join(['condition'] * 12)}:\n    pass\n",
        # A long except clause.
        f"try:\n    pass\nexcept ({', '.join(['ValueError'] * 10)}):\n    pass\n",
    ],
    ids=["string", "comment", "elif", "except"],
)
def test_what_it_cannot_place_goes_through_black_whole(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole: list[str] = []
    real = python_format.format_whole
    monkeypatch.setattr(
        python_format, "format_whole", lambda text: whole.append(text) or real(text)
    )
    assert format_long_statements(source) == real(source)
    assert whole == [source]


def test_code_that_does_not_parse_is_refused() -> None:
    with pytest.raises(SyntaxError):
        format_long_statements("def broken(:\n    pass\n")
    with pytest.raises(SyntaxError):
        format_long_statements(f"VALUES = [{ITEMS}\n")


def test_wide_characters_count_as_black_counts_them() -> None:
    # 40 wide characters are 80 columns: with the rest, over the limit only for black's width.
    source = f'LABEL = {{"title": "{"日" * 40}", "n": 1}}\n'
    assert len(source.splitlines()[0]) < python_format.LINE_LENGTH
    assert format_long_statements(source) == format_whole(source)
