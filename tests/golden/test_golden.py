"""Golden tests: the files generated for tests/golden/specs/<name>.yaml, byte for byte.

Each spec is generated in a fresh project and every generated file is compared with
tests/golden/<name>/<path>.golden (the suffix keeps pytest, ruff and black away from the
snapshots). A mismatch fails with a unified diff.

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
SPECS = HERE / "specs"
SUFFIX = ".golden"
NAMES = sorted(p.stem for p in SPECS.glob("*.yaml"))


def updating(config: pytest.Config) -> bool:
    return bool(config.getoption("--update-goldens")) or os.environ.get(
        "SCAFFOLD_UPDATE_GOLDENS", ""
    ) not in ("", "0")


def generate(name: str, root: Path) -> dict[str, bytes]:
    """Every file `scaffold resource <name>` writes in a fresh project: path -> content."""
    (root / "specs").mkdir(parents=True)
    (root / "scaffold.toml").write_text('stack = "fastapi"\nspecs = "specs"\n', encoding="utf-8")
    shutil.copy(SPECS / f"{name}.yaml", root / "specs" / f"{name}.yaml")
    result = generate_resources(Project.find(root), [name], Options())
    assert result.starter_specs == []
    return {c.path: (root / c.path).read_bytes() for c in result.plan.changes}


def snapshots(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix().removesuffix(SUFFIX): p.read_bytes()
        for p in sorted(folder.rglob(f"*{SUFFIX}"))
    }


def test_there_are_golden_specs() -> None:
    assert "reviews" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_generated_files_match_the_goldens(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    generated = generate(name, tmp_path / "project")
    folder = HERE / name
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
                fromfile=f"golden/{name}/{path}",
                tofile=f"generated/{path}",
            )
            problems.append("".join(diff))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.mark.parametrize("name", NAMES)
def test_golden_python_is_what_black_writes(name: str) -> None:
    """The formatter runs black only on statements over the line limit; each snapshot is
    nonetheless exactly what black makes of the whole file."""
    from generator.languages.python_format import format_whole

    for path, content in snapshots(HERE / name).items():
        if path.endswith(".py"):
            text = content.decode("utf-8")
            assert format_whole(text) == text, path
