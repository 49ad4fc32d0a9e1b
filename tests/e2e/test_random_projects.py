"""Whole projects from random valid specs pass their own checks (issue 17).

The specs are the black differential's (tests/property/test_black_differential.py): two to
six resources with refs in both directions (a cycle closed by an optional ref), many refs,
self-references, names and texts of every length around the line limit, big and tiny
numbers, every key. Each example is a project made by `scaffold new` and `scaffold resource
--all`, then its own tests, ruff, `black --check` and mypy, in the e2e's venv.

By default one example runs, the same one every run (derandomized); ``SCAFFOLD_EXHAUSTIVE=1``
runs EXHAUSTIVE_EXAMPLES random ones, ``SCAFFOLD_EXHAUSTIVE=<n>`` n (about a minute each).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings

from generator.context import build_contexts
from generator.errors import SpecError
from generator.spec import load_spec_text
from tests.e2e.conftest import installed_python, run, scaffold
from tests.property.test_black_differential import STACK, projects
from tests.property.test_spec_properties import dump

EXHAUSTIVE = os.environ.get("SCAFFOLD_EXHAUSTIVE", "") not in ("", "0")
EXHAUSTIVE_EXAMPLES = 50


def example_count() -> int:
    value = os.environ.get("SCAFFOLD_EXHAUSTIVE", "")
    if not EXHAUSTIVE:
        return 1
    return int(value) if value.isdigit() and int(value) > 1 else EXHAUSTIVE_EXAMPLES


def accepted(data: dict[str, dict[str, Any]]) -> bool:
    """Whether the generator takes these specs (the strategy can draw a combination the
    spec refuses, such as a required ref closing a cycle)."""
    try:
        loaded = {
            plural: (load_spec_text(dump(spec), f"specs/{plural}.yaml", plural), "")
            for plural, spec in data.items()
        }
        build_contexts(loaded, STACK)
    except SpecError:
        return False
    return True


@pytest.mark.e2e
def test_random_projects_pass_their_own_tests_and_linters(
    tmp_path: Path, record_property: pytest.RecordProperty
) -> None:
    scaffold("new", "gamelearn", "--no-input", cwd=tmp_path)  # the e2e's name: its venv
    template = tmp_path / "gamelearn"
    python = installed_python(template)
    checked: list[str] = []

    @settings(
        max_examples=example_count(),
        deadline=None,
        database=None,
        derandomize=not EXHAUSTIVE,  # the same example every default run: never flaky
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],  # a project a try: shrinking would take hours
    )
    @given(projects())
    def check(data: dict[str, dict[str, Any]]) -> None:
        assume(accepted(data))
        with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
            root = Path(folder) / "gamelearn"
            shutil.copytree(template, root)
            for plural, spec in data.items():
                (root / "specs" / f"{plural}.yaml").write_text(dump(spec), encoding="utf-8")
            scaffold("resource", "--all", "-q", cwd=root)
            kept = tmp_path / "last-example"  # the specs, to rerun a failure by hand
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(root / "specs", kept)
            # `python -m`: the project's folder comes first on sys.path, before the one
            # the venv's editable install points at.
            run([str(python), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"], root)
            for command in (["ruff", "check", "--no-cache", "."], ["black", "--check", "."]):
                run([str(python), "-m", *command], root)
            run([str(python), "-m", "mypy"], root)  # strict, as the project configures it
        checked.append(", ".join(sorted(data)))

    check()
    assert checked, "no example was accepted"
    record_property(
        "figures",
        f"random projects: {len(checked)} generated, each passing its own tests, ruff,"
        f" black --check and mypy ({'; '.join(checked[:3])})",
    )
