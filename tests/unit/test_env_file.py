"""`scaffold new` gives each project a random SECRET_KEY of its own, in a git-ignored .env."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.commands.env_file import write_env


def _secret(root: Path) -> str:
    lines = (root / ".env").read_text(encoding="utf-8").splitlines()
    return next(line.partition("=")[2] for line in lines if line.startswith("SECRET_KEY="))


def test_new_projects_get_a_random_secret_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("one", "two"):
        result = CliRunner().invoke(app, ["new", name, "--no-input"])
        assert result.exit_code == 0, result.output
    first, second = _secret(tmp_path / "one"), _secret(tmp_path / "two")
    assert len(first) >= 64 and len(set(first)) > 20
    assert first != second
    assert (tmp_path / "one" / ".env").stat().st_mode & 0o077 == 0
    assert ".env" in (tmp_path / "one" / ".gitignore").read_text(encoding="utf-8").split()


def test_an_existing_env_is_kept(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SECRET_KEY=mine\n", encoding="utf-8")
    write_env(tmp_path)
    assert (tmp_path / ".env").read_text(encoding="utf-8") == "SECRET_KEY=mine\n"
