"""Golden tests: the files each stack generates for a case, byte for byte.

A case is a folder of specs, tests/golden/<stack>/specs/<case>/ (one resource, or several
that refer to each other). Its resources are generated together in a fresh project of that
stack, and every file written (the schema revision too) is compared with
tests/golden/<stack>/<case>/<path>.golden (the suffix keeps pytest, ruff and black away from
the snapshots). A mismatch fails with a unified diff.

After a deliberate change to the templates or the generator, refresh the snapshots with

    pytest tests/golden --update-goldens

or with the environment variable SCAFFOLD_UPDATE_GOLDENS=1, then review `git diff tests/golden`:
it shows exactly what changed in the generated code.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from generator.commands.generate import Options, generate_resources
from generator.commands.project import Project

HERE = Path(__file__).parent
SUFFIX = ".golden"
# (stack, case) for every folder of specs.
CASES = sorted((p.parent.parent.name, p.name) for p in HERE.glob("*/specs/*") if p.is_dir())
IDS = [f"{stack}-{case}" for stack, case in CASES]


def updating(config: pytest.Config) -> bool:
    return bool(config.getoption("--update-goldens")) or os.environ.get(
        "SCAFFOLD_UPDATE_GOLDENS", ""
    ) not in ("", "0")


def generate(stack: str, case: str, root: Path) -> dict[str, bytes]:
    """Every file `scaffold resource --all` writes for the case in a fresh project of the
    stack: path -> content."""
    (root / "specs").mkdir(parents=True)
    (root / "scaffold.toml").write_text(f'stack = "{stack}"\nspecs = "specs"\n', encoding="utf-8")
    specs = sorted((HERE / stack / "specs" / case).glob("*.yaml"))
    for spec in specs:
        shutil.copy(spec, root / "specs" / spec.name)
    result = generate_resources(Project.find(root), [s.stem for s in specs], Options())
    assert result.starter_specs == []
    written = [c.path for c in result.plan.changes] + (
        [result.migration] if result.migration else []
    )
    return {path: (root / path).read_bytes() for path in written}


def snapshots(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix().removesuffix(SUFFIX): p.read_bytes()
        for p in sorted(folder.rglob(f"*{SUFFIX}"))
    }


def test_every_stack_has_goldens_of_one_and_of_several_resources() -> None:
    for stack in {stack for stack, _ in CASES}:
        sizes = {
            len(list((HERE / stack / "specs" / c).glob("*.yaml"))) for s, c in CASES if s == stack
        }
        assert 1 in sizes and max(sizes) > 1, stack


@pytest.mark.parametrize(("stack", "case"), CASES, ids=IDS)
def test_generated_files_match_the_goldens(
    stack: str, case: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    generated = generate(stack, case, tmp_path / "project")
    folder = HERE / stack / case
    if updating(request.config):
        shutil.rmtree(folder, ignore_errors=True)
        for path, content in generated.items():
            target = folder / f"{path}{SUFFIX}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    golden = snapshots(folder)

    problems = [f"no snapshot of {p} (see --update-goldens)" for p in generated if p not in golden]
    problems += [f"{p} is no longer generated" for p in golden if p not in generated]
    for path in sorted(set(golden) & set(generated)):
        if golden[path] != generated[path]:
            diff = difflib.unified_diff(
                golden[path].decode("utf-8", "replace").splitlines(keepends=True),
                generated[path].decode("utf-8", "replace").splitlines(keepends=True),
                fromfile=f"golden/{stack}/{case}/{path}",
                tofile=f"generated/{path}",
            )
            problems.append("".join(diff))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.mark.parametrize(("stack", "case"), CASES, ids=IDS)
def test_golden_python_is_what_black_writes(stack: str, case: str) -> None:
    """The formatter runs black only on statements over the line limit; each snapshot is
    nonetheless exactly what black makes of the whole file."""
    from generator.languages.python_format import format_whole

    for path, content in snapshots(HERE / stack / case).items():
        if path.endswith(".py"):
            text = content.decode("utf-8")
            assert format_whole(text) == text, path
