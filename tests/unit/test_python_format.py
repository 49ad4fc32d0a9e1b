"""black's layout where rendered code needs it: long lines exploded one item per line where
that is surely black's own answer, black on the statements where it is not, black on the
whole file where a statement cannot be cut out. Whatever the path, black leaves the result
as it is and the program is unchanged."""

from __future__ import annotations

import ast

import black
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.languages import python_explode, python_format, python_layout
from generator.languages.python import docstring, literal
from generator.languages.python_format import format_long_statements, format_whole

ITEMS = ", ".join(f'"item-{i}"' for i in range(14))  # too long for one line at any depth
PARAMETERS = "first_argument: int, second_argument: str, third_argument: list[str]"

# Black-clean except for the lines that are too long: each kind of place they can be.
SOURCE = f'''"""A module."""

from package.module import FirstName, SecondName, ThirdName, FourthName, FifthName, Sixth

VALUES = [{ITEMS}]


@decorate({ITEMS})
def function({PARAMETERS}) -> dict[str, int]:
    """Docstring."""
    values = [{ITEMS}]
    nested = {{"key": [{ITEMS}], "other": call(first_argument, second_argument, 123)}}
    return {{"a": [{ITEMS}]}}


class Thing:
    def method(self, first_argument: int, second_argument: str, third: list[str]) -> None:
        print([{ITEMS}])
'''

# Long lines that exploding cannot place: black lays them out.
BLACK_SOURCE = """if first_argument > 1 and second_argument != "a long string to compare" and c:
    pass
VALUES = {name: len(name) for name in ["first-name", "second-name", "third-name", "fourth"]}
KEY = sorted(["first-name", "second-name", "third-name"], key=lambda first, second=2: first)
LOOKUP = table_with_a_long_name["first-key-of-the-lookup"]["second-key-of-the-lookup"][0]
EXPRESSION = (first_value_with_a_long_name + second_value_with_a_long_name + third_value)
COMMENTED = call("first-argument", "second-argument", "third-argument")  # and a comment
"""


@pytest.fixture
def black_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = black.format_str

    def counting(source: str, *, mode: black.Mode) -> str:
        calls.append(source)
        return real(source, mode=mode)

    monkeypatch.setattr(black, "format_str", counting)
    return calls


def assert_black_layout_of_the_same_program(source: str, result: str) -> None:
    assert format_whole(result) == result
    assert ast.dump(ast.parse(result)) == ast.dump(ast.parse(source))
    assert all(len(line) <= python_layout.LINE_LENGTH for line in result.splitlines())


def test_long_lines_are_exploded_without_black(black_calls: list[str]) -> None:
    result = format_long_statements(SOURCE)
    assert black_calls == []
    assert_black_layout_of_the_same_program(SOURCE, result)
    assert "from package.module import (\n    FirstName,\n" in result
    assert "def function(\n    first_argument: int,\n" in result
    assert "    third_argument: list[str],\n) -> dict[str, int]:" in result
    assert '    nested = {\n        "key": [\n            "item-0",\n' in result


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x = f(a, b)", ["x = f(", "    a,", "    b,", ")"]),
        ("x = f(a, b,)", ["x = f(", "    a,", "    b,", ")"]),
        ("  g(h(1), [2, 3]),", ["  g(", "      h(1),", "      [2, 3],", "  ),"]),
        ("async def f(a: int) -> X[Y]:", ["async def f(", "    a: int,", ") -> X[Y]:"]),
        ("t = (a, b)", ["t = (", "    a,", "    b,", ")"]),
        ('d = {"k": 1, **rest}', ["d = {", '    "k": 1,', "    **rest,", "}"]),
    ],
)
def test_explode_splits_the_last_bracket_pair(line: str, expected: list[str]) -> None:
    assert python_explode.explode_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "x = f(a for a in b)",  # a generator argument takes no comma
        "x = (a)",  # parentheses, not a tuple
        "x = (a,)",  # a one-item tuple: black does not keep it split
        "x = table[a, b]",  # a subscript
        "x = f(lambda a, b: a)",  # the commas belong to the lambda
        "x = f(a)  # comment",
        "class Thing(Base, Mixin):",
        "if f(a, b):",
        "x = f()",
        "x = f(a, b) + 1",  # does not end with the bracket
        "x = a + f(b, c)",  # an operator: black may wrap the expression in parentheses
        "x = query.where(a).order_by(b).limit(c, d)",  # a method chain: the same
        "x = a @ f(b, c)",  # @ as an operator, not a decorator
        "x = g(lambda: f(a, b))",
        "f(a, b",  # the first line of a longer statement
        "from module import first, second  # a comment",
    ],
)
def test_explode_declines_what_is_not_surely_black_layout(line: str) -> None:
    assert python_explode.explode_line(line) is None


def test_what_exploding_cannot_place_black_lays_out(black_calls: list[str]) -> None:
    result = format_long_statements(BLACK_SOURCE)
    assert len(black_calls) == 1  # every one of these statements is at indentation 0
    assert result == format_whole(BLACK_SOURCE)


def test_one_black_call_per_indentation(black_calls: list[str]) -> None:
    nested = "\n".join(f"    {line}" if line else "" for line in BLACK_SOURCE.splitlines())
    source = f"{BLACK_SOURCE}\n\ndef function() -> None:\n{nested}\n"
    result = format_long_statements(source)
    assert len(black_calls) == 2
    assert result == format_whole(source)


def test_short_lines_are_left_as_they_are() -> None:
    # The templates' part of the contract: what fits is already written as black writes it.
    source = "x  =  {'a':1}\n"
    assert format_long_statements(source) == source


def test_long_comments_are_left_as_black_leaves_them(black_calls: list[str]) -> None:
    source = f"# {'x' * 100}\nVALUES = [1, 2]\n"
    assert format_long_statements(source) == source
    assert black_calls == []
    assert format_whole(source) == source


@pytest.mark.parametrize(
    "source",
    [
        # A long line of a string indented less than its statement: dedenting would change it.
        f'def f() -> str:\n    text = """\n{"x" * 100}\n"""\n    return text\n',
        # A long elif: not a statement of its own.
        f"if a:\n    pass\nelif {' and '.join(['condition'] * 12)}:\n    pass\n",
        # A long except clause.
        f"try:\n    pass\nexcept ({', '.join(['ValueError'] * 10)}):\n    pass\n",
    ],
    ids=["string", "elif", "except"],
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


def test_an_explosion_that_would_change_the_program_is_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Should a rule ever go wrong, the syntax trees differ and black decides instead.
    source = f"VALUES = [{ITEMS}]\n"
    monkeypatch.setattr(python_explode, "explode_line", lambda line, depth=0: ["VALUES = []"])
    assert format_long_statements(source) == format_whole(source)


def test_code_that_does_not_parse_is_refused() -> None:
    with pytest.raises(SyntaxError):
        format_long_statements("def broken(:\n    pass\n")
    with pytest.raises(SyntaxError):
        format_long_statements(f"VALUES = [{ITEMS}\n")


def test_wide_characters_count_as_black_counts_them() -> None:
    # 40 wide characters are 80 columns: with the rest, over the limit only for black's width.
    source = f'LABEL = {{"title": "{"日" * 40}", "n": 1, "other": 2}}\n'
    assert len(source.splitlines()[0]) < python_layout.LINE_LENGTH
    result = format_long_statements(source)
    assert result != source
    assert format_whole(result) == result


# Statements the templates write over several lines: black joins those that fit on one
# line (and have no magic trailing comma), whatever names and values filled them in.
JOINABLE = """class Service:
    async def delete(self) -> None:
        try:
            await self.repository.delete(course)
        except IntegrityError as error:
            raise ConflictError(
                "this course is still referenced by reviews"
            ) from error
        if check(
            first, second
        ) and other:
            pass
        elif check(
            first
        ):
            pass
        return [
            item
            for item in items
        ]
"""


def test_statements_written_over_several_lines_are_joined_where_they_fit(
    black_calls: list[str],
) -> None:
    result = format_long_statements(JOINABLE)
    assert black_calls == []
    assert result == format_whole(JOINABLE)
    assert 'raise ConflictError("this course is still referenced by reviews") from error' in result


@pytest.mark.parametrize(
    "source",
    [
        # A magic trailing comma: black keeps the statement exploded.
        'raise ConflictError(\n    "message",\n    details={"unique": ["name"]},\n) from error\n',
        'VALUES = [\n    ("a", 1),\n    ("b", 2),\n]\n',
        # A def that does not fit on one line, its parameters on one: black's own split.
        "async def test_anonymous_is_401(\n"
        "    anonymous: AsyncClient, method: str, path: str, body: dict[str, Any] | None\n"
        ") -> None:\n    pass\n",
        # A docstring is the docstring filter's.
        'def f() -> None:\n    """First line.\n\n    More.\n    """\n',
    ],
)
def test_layouts_black_keeps_are_kept_without_black(source: str, black_calls: list[str]) -> None:
    assert format_long_statements(source) == source
    assert black_calls == []
    assert format_whole(source) == source


@pytest.mark.parametrize(
    "source",
    [
        # Too long for one line, split inside its last brackets (black's right-hand split,
        # optional parentheses and all): black decides, here for the better.
        "owner_id: Mapped[uuid.UUID] = mapped_column(\n"
        '    ForeignKey("users.id", ondelete="CASCADE"), index=True, other_argument=None\n'
        ")\n",
        "x = [\n    first_item_of_the_list, second_item_of_the_list, third_item_of_the_list\n]\n",
        # Too long, written as black would not: split at the wrong bracket.
        "result = compute(first_argument_of_the_call, second_argument_of_the_call)(\n"
        "    third\n)\n",
        # Redundant parentheses black drops, powers it hugs, comments it keeps in place.
        "value = (\n    first + second\n)\n",
        "value = f(\n    x ** 2\n)\n",
        "value = f(\n    a,  # the first\n    b,\n)\n",
        # A def with one parameter: black adds the magic trailing comma.
        "def function_with_a_rather_long_name(only_parameter_of_this_function: int) -> None:\n"
        "    pass\n",
    ],
)
def test_other_multi_line_statements_are_what_black_makes_of_them(source: str) -> None:
    assert format_long_statements(source) == format_whole(source)


def test_a_clause_black_would_lay_out_otherwise_sends_the_file_through_black() -> None:
    source = "if a:\n    pass\nelif (\n    b\n):\n    pass\n"
    assert (
        format_long_statements(source)
        == format_whole(source)
        == ("if a:\n    pass\nelif b:\n    pass\n")
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = f(1e+20, -1.5E-07, 0XFF, 0xabc, 10J)\n", "x = f(1e20, -1.5e-07, 0xFF, 0xABC, 10j)\n"),
        ("x = '1e+20'\n", "x = '1e+20'\n"),  # a string, not a number
    ],
)
def test_numbers_are_spelled_as_black_spells_them(source: str, expected: str) -> None:
    assert format_long_statements(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        '"""Create things.\n\nRevises: \nWritten by scaffold.\n"""\n\nX = 1  \n',
        'def f() -> str:\n    text = """kept \n"""\n    return text\n',  # a string's value
        "x = 1\n\n\n\ny = 2\n",  # three blank lines
        "def f() -> None:\n    x = 1\n\n\n    y = 2\n",  # two inside a function
        "x = 1\n\n",  # a blank line at the end
        "x = [\n    1,\n    2\n]\t\n",  # a tab
    ],
)
def test_whitespace_black_removes_is_removed(source: str) -> None:
    result = format_long_statements(source)
    assert result == format_whole(source)
    assert format_whole(result) == result


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        st.characters(blacklist_categories=("Cs",)) | st.sampled_from(list(' \xa0\u2028"\\\n'))
    ),
    st.sampled_from([0, 4, 8]),
)
def test_docstrings_are_what_black_writes(text: str, indent: int) -> None:
    """Even where wrapping leaves black something to do: a line starting with a no-break
    space (black strips Unicode whitespace), a last line too long for the closing quotes."""
    pad = " " * indent
    source = "".join(f"{'    ' * (i // 4)}class A:\n" for i in range(0, indent, 4)) + (
        f"{pad}{docstring(text, indent=indent)}\n"
    )
    assert format_whole(source) == source


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1e20, -1e16, 1e-7]))
def test_float_literals_are_what_black_writes(value: float) -> None:
    source = f"x = {literal(value)}\n"
    assert format_whole(source) == source
    assert ast.literal_eval(literal(value)) == value
