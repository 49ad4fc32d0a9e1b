"""Imports settled from the rendered code: a template lists candidates, the module gets
the ones its code uses as globals."""

from __future__ import annotations

import pytest

from generator.languages.python_imports import settle_imports, used_imports

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
