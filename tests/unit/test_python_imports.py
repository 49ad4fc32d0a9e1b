"""Imports settled from the rendered code: a template lists candidates, the module gets
the ones its code uses as globals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.languages.python_imports import (
    Natural,
    _natural_compare,
    import_block,
    settle_imports,
    sort_import_blocks,
    used_imports,
)

CANDIDATES = used_imports("uuid\ntyping:Any\nsqlalchemy:event\napp.models:Base\n")


def settled(body: str) -> str:
    return settle_imports(f'"""Doc."""\n\n{CANDIDATES}\n{body}', "m.py")


def test_only_the_names_the_code_uses_are_imported() -> None:
    text = settled("\nclass Thing(Base):\n    id: uuid.UUID\n")
    assert text == (
        '"""Doc."""\n\nimport uuid\n\nfrom app.models import Base\n\n'
        "\nclass Thing(Base):\n    id: uuid.UUID\n"
    )


def test_a_local_variable_named_like_a_candidate_is_not_an_import() -> None:
    text = settled("\ndef handle(event: int) -> Any:\n    event = event + 1\n    return event\n")
    assert "from sqlalchemy import event" not in text
    assert "from typing import Any" in text


def test_a_use_in_any_scope_counts() -> None:
    text = settled("\ndef listen() -> None:\n    event.listen(1, 2, 3)\n")
    assert "from sqlalchemy import event" in text


def test_future_imports_are_kept_as_listed() -> None:
    marker = used_imports("__future__:annotations\ntyping:Any\n")
    assert (
        settle_imports(f"{marker}\nX = 1\n", "m.py")
        == "from __future__ import annotations\n\nX = 1\n"
    )


def test_no_import_used_leaves_no_line() -> None:
    assert (
        settle_imports(f'"""Doc."""\n\n{CANDIDATES}\nX = 1\n', "m.py") == '"""Doc."""\n\n\nX = 1\n'
    )


def test_text_without_a_marker_is_left_alone() -> None:
    assert settle_imports("import os\n", "m.py") == "import os\n"


def test_code_that_does_not_parse_is_refused() -> None:
    with pytest.raises(SyntaxError):
        settle_imports(f"{CANDIDATES}\ndef broken(:\n", "m.py")


def test_every_import_block_is_sorted_the_type_checking_one_too() -> None:
    # A model's parents, in the order its refs were listed.
    text = settled(
        "\nif TYPE_CHECKING:\n"
        "    from app.models.zebras import Zebra\n"
        "    from app.models.courses import Course\n"
        "    from app.models.apples import Apple\n"
        "\n\nclass Thing(Base):\n    id: uuid.UUID\n"
    )
    assert (
        "if TYPE_CHECKING:\n"
        "    from app.models.apples import Apple\n"
        "    from app.models.courses import Course\n"
        "    from app.models.zebras import Zebra\n\n\nclass Thing"
    ) in text


def test_a_block_with_what_import_block_does_not_write_is_left_alone() -> None:
    source = "if X:\n    from b import c\n    from a import b as d  # aliased\n"
    assert sort_import_blocks(source) == source


def test_lines_of_a_string_that_look_like_imports_are_left_alone() -> None:
    source = 'TEXT = """\nfrom b import c\nfrom a import b\n"""\n'
    assert sort_import_blocks(source) == source


MODULES = ["app.models.item2s", "app.models.item10s", "app.models.Item3s", "app.models.item_a"]
MODULES += ["app.models.itema", "app.models.item01s", "app.models.item1s", "app.models.a0"]
MEMBERS = ["field10", "field2", "A", "AB", "a_b", "aB", "B2", "Ab", "_x", "X_1", "x1", "x01"]


def test_names_are_in_ruffs_natural_order(tmp_path: Path) -> None:
    """Digits compare as numbers (item2 before item10), a one-letter name is a class."""
    block = import_block([f"{m}:Name" for m in MODULES] + [f"m:{n}" for n in MEMBERS])
    module = tmp_path / "module.py"
    module.write_text(f"{block}\n\n__all__ = ['Name', {', '.join(map(repr, MEMBERS))}]\n")
    (tmp_path / "ruff.toml").write_text(
        '[lint]\nselect = ["I"]\nisort.known-first-party = ["app"]\n', encoding="utf-8"
    )
    ruff = Path(sys.executable).parent / "ruff"
    checked = subprocess.run(
        [str(ruff), "check", "--no-cache", "--config", str(tmp_path / "ruff.toml"), str(module)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + block


@given(st.text("ab_Z:/019 ", max_size=8), st.text("ab_Z:/019 ", max_size=8))
def test_the_quick_natural_order_is_natords(left: str, right: str) -> None:
    """Plain names compare by a tuple; it must order them as the comparison itself does."""
    a, b = Natural(left), Natural(right)
    expected = _natural_compare(left, right)
    assert (a < b, a == b, b < a) == (expected < 0, expected == 0, expected > 0)
