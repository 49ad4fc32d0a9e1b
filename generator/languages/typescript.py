"""TypeScript: exact literals, import blocks of the names a module uses, and Prettier run
once over all of a run's files.

The templates of a TypeScript stack write Prettier's layout; Prettier (the project's own
version, found as below) then settles what filling in names and values changed. It runs
as one process over every file of a run: started per file, its start-up would cost more
than the formatting.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from generator.errors import ScaffoldError
from generator.languages import Language

# Reserved words (ECMAScript, strict mode and module code) and TypeScript's own: none can
# name a variable, a function or a class.
KEYWORDS = frozenset("""
    break case catch class const continue debugger default delete do else enum export
    extends false finally for function if import in instanceof new null return super switch
    this throw true try typeof var void while with implements interface let package private
    protected public static yield await arguments eval undefined NaN Infinity any boolean
    never number object string symbol unknown bigint type
    """.split())  # noqa: SIM905 (a word list reads better as text)
IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
MAX_SAFE_INTEGER = 2**53 - 1
PRETTIER_VARIABLE = "SCAFFOLD_PRETTIER"  # the prettier executable, if not on the PATH
MARKER = "// scaffold-imports: "


def literal(value: Any) -> str:
    """A TypeScript literal that evaluates to exactly ``value``: strings, numbers (whole
    numbers past 2**53 as bigint literals), booleans, null, arrays and objects."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ", ".join(f"{_key(k)}: {literal(v)}" for k, v in value.items())
        return "{ " + items + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value}n" if abs(value) > MAX_SAFE_INTEGER else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"no TypeScript literal for {value}")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"no TypeScript literal for {type(value).__name__}")


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"no TypeScript object key for {type(key).__name__}")
    return key if IDENTIFIER.match(key) else json.dumps(key, ensure_ascii=False)


# --- imports --------------------------------------------------------------------------------


def used_imports(candidates: str) -> str:
    """The Jinja filter (``{% filter used_imports %}``): candidate imports, one per line as
    ``module:name`` (``module:type:name`` for a type-only import), become a marker line the
    finisher replaces with the imports the module's code uses."""
    return MARKER + json.dumps(candidates.split()) + "\n"


def settle_imports(text: str, path: str) -> str:
    """``text`` with its marker replaced by one import statement per module, of the names
    its code refers to (outside strings and comments, not as a property), modules in order."""
    start = text.find(MARKER)
    if start < 0:
        return text
    end = text.index("\n", start)
    candidates: list[str] = json.loads(text[start + len(MARKER) : end])
    used = referenced_names(text[end:])
    by_module: dict[str, tuple[set[str], set[str]]] = {}
    for candidate in candidates:
        module, _, name = candidate.rpartition(":")
        module, _, kind = module.rpartition(":") if module.endswith(":type") else (module, "", "")
        if name in used:
            values, types = by_module.setdefault(module, (set(), set()))
            (types if kind == "type" else values).add(name)
    lines = []
    for module in sorted(by_module, key=lambda m: (m.startswith("."), m.lower())):
        values, types = by_module[module]
        spelled = {n: n for n in values} | {t: f"type {t}" for t in types - values}
        names = [spelled[n] for n in sorted(spelled, key=str.lower)]
        lines.append(f"import {{ {', '.join(names)} }} from {json.dumps(module)};\n")
    block = "".join(lines)
    return text[:start] + block + text[end + (0 if block else 1) :]


_TOKENS = re.compile(
    r"""//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`|\$\{|[{}]|(\.?)([A-Za-z_$][\w$]*)""",
    re.DOTALL,
)


_TEMPLATE_TEXT = re.compile(r"(?:\\.|[^`\\$]|\$(?!\{))*")  # up to a backtick or a ${


def referenced_names(code: str) -> set[str]:
    """The identifiers ``code`` refers to, leaving out comments, string literals, the text
    of template literals (their ``${...}`` parts are code) and property names after a
    dot."""
    names: set[str] = set()
    stack: list[str] = []  # "`" inside a template literal's text, "{" inside code braces
    pos = 0
    while pos < len(code):
        if stack and stack[-1] == "`":  # template text: up to its end or a ${
            match = _TEMPLATE_TEXT.match(code, pos)
            assert match is not None
            pos = match.end()
            if code.startswith("${", pos):
                stack.append("${")
                pos += 2
            elif pos < len(code):  # the closing backtick
                stack.pop()
                pos += 1
            continue
        token = _TOKENS.search(code, pos)
        if token is None:
            break
        pos = token.end()
        text = token.group(0)
        if text == "`":
            stack.append("`")
        elif text in ("{", "${"):
            stack.append(text)
        elif text == "}":
            if stack and stack[-1] in ("{", "${"):
                stack.pop()
        elif token.group(2) and not token.group(1):
            names.add(token.group(2))
    return names


# --- formatting -----------------------------------------------------------------------------


def prettier_command() -> list[str]:
    """The prettier to run: $SCAFFOLD_PRETTIER, else the one on the PATH."""
    chosen = os.environ.get(PRETTIER_VARIABLE) or shutil.which("prettier")
    if not chosen:
        raise ScaffoldError(
            f"formatting TypeScript needs prettier: install it (npm install -g prettier) or"
            f" set {PRETTIER_VARIABLE} to its path"
        )
    return [chosen]


def prettier_version() -> str:
    run = subprocess.run(
        [*prettier_command(), "--version"], capture_output=True, text=True, check=False
    )
    return run.stdout.strip() or "unknown"


def format_with_prettier(files: dict[str, str]) -> dict[str, str]:
    """Every file as Prettier writes it, in one Prettier process (its defaults, as the
    generated projects configure it)."""
    if not files:
        return {}
    with tempfile.TemporaryDirectory(prefix="scaffold-prettier-") as folder:
        root = Path(folder)
        (root / ".prettierrc.json").write_text("{}\n", encoding="utf-8")
        for path, text in files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        run = subprocess.run(
            [*prettier_command(), "--write", "--log-level", "warn", *files],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            raise ScaffoldError(f"prettier could not format the rendered files: {run.stderr}")
        return {path: (root / path).read_text(encoding="utf-8") for path in files}


def _unformatted(text: str, path: str) -> str:
    return text  # files are formatted in one batch (format_with_prettier)


LANGUAGE = Language(
    name="typescript",
    title="TypeScript",
    keywords=KEYWORDS,
    filters={"literal": literal, "used_imports": used_imports},
    formatter=_unformatted,
    formats=(".ts", ".tsx", ".js", ".mjs", ".json"),
    finisher=settle_imports,
    batch_formatter=format_with_prettier,
    formatter_version=lambda: "prettier=" + prettier_version(),
)
