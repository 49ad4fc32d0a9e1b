"""The formatter step: black's output, in order, and progress for each file formatted."""

from __future__ import annotations

import pytest

from generator.render import formatting
from generator.render.formatting import Formatter
from generator.stacks import load_stack

STACK = load_stack("fastapi")


@pytest.mark.parametrize("count", [3, formatting.PARALLEL_FROM + 1], ids=["serial", "parallel"])
def test_progress_counts_every_file_formatted_in_order(count: int) -> None:
    long = ", ".join(f'"item-{i}"' for i in range(12))  # a line that must be split
    files = {f"app/m{n}.py": f"x = [{long}, {n}]\n" for n in range(count)}
    files["README.md"] = "not  python\n"  # not formatted: not counted
    calls: list[tuple[int, int]] = []
    formatted = Formatter(STACK, progress=lambda done, total: calls.append((done, total)))
    result = formatted.format_all(files)
    assert list(result) == list(files)
    assert result["app/m1.py"].startswith('x = [\n    "item-0",\n')
    assert result["README.md"] == "not  python\n"
    assert calls == [(n, count) for n in range(1, count + 1)]
