"""The TypeScript language: literals node reads back exactly, the imports a module uses, and
Prettier run once over many files, as Prettier formats each alone."""

from __future__ import annotations

import fcntl
import json
import random
import shutil
import string
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from generator.languages.typescript import (
    LANGUAGE,
    format_with_prettier,
    literal,
    referenced_names,
    settle_imports,
    used_imports,
)
from generator.render.formatting import Formatter
from generator.stacks import load_stack

CACHE = Path(__file__).resolve().parents[2] / ".cache"
PRETTIER_VERSION = "3.10.1"  # the version issue 12 measured to work offline here


def _value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.choice(
        ["str", "int", "big", "float", "bool", "null", "list", "dict"][: 6 + 2 * (depth < 3)]
    )
    if kind == "str":
        alphabet = string.printable + "é日\u2028\u2029\x00\x7f\"'`${}\\"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
    if kind == "int":
        return rng.randint(-(2**53) + 1, 2**53 - 1)
    if kind == "big":
        return rng.choice([-1, 1]) * rng.randint(2**53, 2**70)
    if kind == "float":
        return rng.choice([0.1, -2.5, 1e20, 1e-7, 123456.789, rng.uniform(-1e6, 1e6)])
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "null":
        return None
    if kind == "list":
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["a", "b_c", "$x", "with space", "1st", "class", "é"]
    return {rng.choice(keys): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def _plain(value: Any) -> Any:
    """``value`` as node prints it back: bigints as their digits."""
    if isinstance(value, bool) or value is None or isinstance(value, float | str):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) > 2**53 - 1 else value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return {k: _plain(v) for k, v in value.items()}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_literals_evaluate_in_node_to_exactly_the_value() -> None:
    """A differential test against node: 300 random values, written as literals, read back."""
    rng = random.Random(20261207)
    values = [_value(rng) for _ in range(300)]
    program = "const values = [\n" + ",\n".join(literal(v) for v in values) + "\n];\n"
    program += (
        "process.stdout.write(JSON.stringify(values, (k, v) =>"
        " typeof v === 'bigint' ? v.toString() : v));\n"
    )
    run = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True)
    assert json.loads(run.stdout) == [_plain(v) for v in values]


def test_a_number_javascript_cannot_hold_has_no_literal() -> None:
    with pytest.raises(ValueError):
        literal(float("inf"))


def test_referenced_names_skip_strings_comments_template_text_and_properties() -> None:
    code = (
        'const a = "Hidden" + Shown; // Comment\n'
        "/* Block */ const b = `Text ${Inside} more ${ { x: Nested } } end`;\n"
        "call(obj.Property, 'Quoted');\n"
    )
    names = referenced_names(code)
    assert {"Shown", "Inside", "Nested", "call", "obj", "a", "b"} <= names
    assert not {"Hidden", "Comment", "Block", "Text", "Property", "Quoted"} & names


def test_settled_imports_keep_what_the_module_uses_one_statement_per_module() -> None:
    block = used_imports(
        "zod:z\nzod:type:ZodType\n./services/reviews:ReviewService\nfastify:Unused"
    )
    text = block + "\nexport const schema: ZodType = z.object({});\nnew ReviewService();\n"
    settled = settle_imports(text, "src/x.ts")
    assert settled.splitlines()[:2] == [
        'import { z, type ZodType } from "zod";',
        'import { ReviewService } from "./services/reviews";',
    ]
    assert "Unused" not in settled


# --- Prettier, once over all files ----------------------------------------------------------


@pytest.fixture(scope="module")
def prettier(monkeypatch_module: pytest.MonkeyPatch) -> Path:
    """Prettier installed from the registry into .cache/ (once per version)."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    folder = CACHE / f"prettier-{PRETTIER_VERSION}"
    executable = folder / "node_modules" / ".bin" / "prettier"
    CACHE.mkdir(exist_ok=True)
    with (CACHE / "prettier.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not executable.exists():
            folder.mkdir(exist_ok=True)
            subprocess.run(
                [
                    "npm",
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--silent",
                    f"prettier@{PRETTIER_VERSION}",
                ],
                cwd=folder,
                check=True,
                capture_output=True,
            )
    monkeypatch_module.setenv("SCAFFOLD_PRETTIER", str(executable))
    return executable


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


FILES = {
    "src/a.ts": "const   x = {a:1,b:[1,2,3]}\nexport function f(  y:number ){return y*2}\n",
    "src/b/c.ts": (
        "import {z} from 'zod'\nexport const s = z.object({name: z.string().min(1).max(255),"
        " email: z.string().email()})\n"
    ),
    "package.json": '{"name":"x","scripts":{"test":"vitest"}}',
}


def test_prettier_over_many_files_writes_what_it_writes_for_each(prettier: Path) -> None:
    batch = format_with_prettier(FILES)
    for path, text in FILES.items():
        alone = subprocess.run(
            [str(prettier), "--stdin-filepath", path],
            input=text,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert batch[path] == alone, path
    assert (
        batch["src/a.ts"]
        == "const x = { a: 1, b: [1, 2, 3] };\nexport function f(y: number) {\n  return y * 2;\n}\n"
    )


def test_a_batch_language_is_formatted_in_one_call(prettier: Path) -> None:
    calls: list[int] = []

    def counted(files: dict[str, str]) -> dict[str, str]:
        calls.append(len(files))
        return format_with_prettier(files)

    stack = replace(load_stack("fastapi"), language=replace(LANGUAGE, batch_formatter=counted))
    formatted = Formatter(stack).format_all({**FILES, "notes.txt": "kept as it is  \n"})
    assert calls == [3]
    assert formatted["notes.txt"] == "kept as it is  \n"
    assert list(formatted) == [*FILES, "notes.txt"]
