"""Every command's --json output is one JSON document, in success and in failure, for IDE task
runners and scripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PETSTORE = Path(__file__).parent / "fixtures" / "petstore.yaml"


def run_json(*args: str, cwd: Path) -> tuple[int, dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "generator", *args, "--json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        check=False,
    )
    assert result.stderr == "", result.stderr
    return result.returncode, json.loads(result.stdout)


def test_every_command_speaks_json(tmp_path: Path) -> None:
    code, created = run_json("new", "shop", "--no-input", cwd=tmp_path)
    assert (code, created["ok"]) == (0, True)
    project = tmp_path / "shop"

    code, imported = run_json("import", str(PETSTORE), cwd=project)
    assert code == 0 and "specs/pets.yaml" in imported["written"]  # type: ignore[operator]

    code, validated = run_json("validate", cwd=project)
    assert code == 0 and validated["diagnostics"] == []

    code, generated = run_json("resource", "categories", "pets", cwd=project)
    assert code == 0 and generated["written"] is True

    code, destroyed = run_json("destroy", "pets", cwd=project)
    assert code == 0 and "app/models/pets.py" in destroyed["removed"]  # type: ignore[operator]
    assert destroyed["moved_specs"] == [
        {"from": "specs/pets.yaml", "to": "specs/.destroyed/pets.yaml"}
    ]

    (project / "specs" / "pets.yaml").write_text("fields: {name: strng}\n", encoding="utf-8")
    code, failed = run_json("resource", "pets", cwd=project)
    assert code == 2 and failed["ok"] is False
    assert failed["diagnostics"] == [
        {
            "path": "specs/pets.yaml",
            "line": 1,
            "column": 16,
            "message": "unknown type 'strng'; did you mean 'string'?",
        }
    ]

    code, outside = run_json("destroy", "pets", cwd=tmp_path)
    assert code == 2 and "not inside a scaffold project" in str(outside["error"])


def test_usage_errors_speak_json_when_asked(tmp_path: Path) -> None:
    """An unknown option or command is one JSON document too (exit 2), not click's usage
    text; without --json it stays the usage text on stderr."""
    for args, message in (
        (["resource", "--bogus"], "No such option: --bogus"),
        (["nosuch"], "No such command 'nosuch'."),
        (["validate", "--quiet=3"], "Option '--quiet' does not take a value."),
    ):
        code, body = run_json(*args, cwd=tmp_path)
        assert (code, body) == (2, {"ok": False, "error": message, "diagnostics": []})
    plain = subprocess.run(
        [sys.executable, "-m", "generator", "resource", "--bogus"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert plain.returncode == 2 and plain.stdout == ""
    assert "Error: No such option: --bogus" in plain.stderr
