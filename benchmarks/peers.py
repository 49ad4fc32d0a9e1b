"""The peers a user would pick instead of scaffold, installed into the benchmark cache.

Each ``prepare_*`` returns a Peer (how to run it, and how to make a fresh target for one
run) or a string saying why the peer was skipped. Nothing here is timed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

NEST_CLI_VERSION = "12.0.8"
INSTALL_TIMEOUT = 300  # seconds, per install command


@dataclass(frozen=True)
class Peer:
    name: str
    version: str
    command: Callable[[Path], list[str]]  # the timed command, given a fresh target
    fresh_target: Callable[[Path], Path]  # make a target under the given folder (untimed)
    cwd_is_target: bool  # run the command inside the target (else in its parent)
    note: str = ""


# --- copier: a six-file template, written at run time ------------------------------------

COPIER_YML = """\
_templates_suffix: .jinja
project_name:
  type: str
  default: demo
description:
  type: str
  default: A small service.
"""

COPIER_FILES = {
    "README.md.jinja": "# {{ project_name }}\n\n{{ description }}\n",
    "pyproject.toml.jinja": (
        '[project]\nname = "{{ project_name }}"\nversion = "0.1.0"\n'
        'description = "{{ description }}"\ndependencies = ["fastapi", "sqlalchemy"]\n'
    ),
    "app/__init__.py": "",
    "app/main.py.jinja": (
        "from fastapi import FastAPI\n\nfrom app.models import Item\n\n"
        'app = FastAPI(title="{{ project_name }}")\n\n\n'
        '@app.get("/items")\ndef items() -> list[Item]:\n    return []\n'
    ),
    "app/models.py.jinja": (
        "from pydantic import BaseModel\n\n\n"
        "class Item(BaseModel):\n"
        '    """An item of {{ project_name }}."""\n\n'
        "    id: int\n    name: str\n"
    ),
    "tests/test_app.py.jinja": (
        "from app.main import items\n\n\n"
        "def test_items_start_empty() -> None:\n    assert items() == []\n"
    ),
}


def prepare_copier(cache: Path) -> Peer | str:
    """copier in its own venv in the cache (the version scaffold uses), and the template."""
    template = cache / "copier-template"
    shutil.rmtree(template, ignore_errors=True)
    (template / "copier.yml").parent.mkdir(parents=True)
    (template / "copier.yml").write_text(COPIER_YML, encoding="utf-8")
    for name, text in COPIER_FILES.items():
        path = template / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    version = metadata.version("copier")
    env_dir = cache / "copier-venv"
    executable = env_dir / "bin" / "copier"
    note = "own venv in the cache"
    if not _installed(env_dir, version):
        problem = _install_copier(env_dir, version)
        if problem:
            fallback = Path(sys.executable).with_name("copier")
            if not fallback.exists():
                return f"could not install copier {version}: {problem}"
            executable, note = fallback, f"scaffold's venv (cache install failed: {problem})"

    def command(target: Path) -> list[str]:
        return [str(executable), "copy", "--defaults", "--quiet", str(template), str(target)]

    return Peer(
        name="copier copy (6 files)",
        version=version,
        command=command,
        fresh_target=lambda parent: parent / "copier-out",
        cwd_is_target=False,
        note=note,
    )


def _installed(env_dir: Path, version: str) -> bool:
    marker = env_dir / "installed.txt"
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == version


def _install_copier(env_dir: Path, version: str) -> str:
    shutil.rmtree(env_dir, ignore_errors=True)
    venv.create(env_dir, with_pip=True)
    problem = _run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", f"copier=={version}"]
    )
    if not problem:
        (env_dir / "installed.txt").write_text(version, encoding="utf-8")
    return problem


# --- nest: @nestjs/cli from npm, and a minimal Nest project -------------------------------

NEST_PACKAGE_JSON = {
    "name": "bench",
    "version": "0.0.1",
    "private": True,
    # mapped-types is listed so `nest g resource` does not run `npm install` while timed.
    "dependencies": {
        "@nestjs/common": "^11.0.0",
        "@nestjs/core": "^11.0.0",
        "@nestjs/mapped-types": "*",
    },
}
NEST_CLI_JSON = {"collection": "@nestjs/schematics", "sourceRoot": "src"}
APP_MODULE = """\
import { Module } from '@nestjs/common';

@Module({
  imports: [],
  controllers: [],
  providers: [],
})
export class AppModule {}
"""


def prepare_nest(cache: Path) -> Peer | str:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return "node or npm is not installed"
    home = cache / "nest"
    nest = home / "node_modules" / ".bin" / "nest"
    if not nest.exists() or _nest_version(home) != NEST_CLI_VERSION:
        home.mkdir(parents=True, exist_ok=True)
        problem = _run(
            [
                npm,
                "install",
                "--prefix",
                str(home),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                f"@nestjs/cli@{NEST_CLI_VERSION}",
            ]
        )
        if problem:
            return f"npm install @nestjs/cli@{NEST_CLI_VERSION} failed: {problem}"

    def fresh_target(parent: Path) -> Path:
        project = parent / "nest-project"
        (project / "src").mkdir(parents=True)
        (project / "package.json").write_text(json.dumps(NEST_PACKAGE_JSON), encoding="utf-8")
        (project / "nest-cli.json").write_text(json.dumps(NEST_CLI_JSON), encoding="utf-8")
        (project / "src" / "app.module.ts").write_text(APP_MODULE, encoding="utf-8")
        return project

    def command(target: Path) -> list[str]:
        return [str(nest), "g", "resource", "reviews", "--type", "rest", "--crud"]

    return Peer(
        name="nest g resource",
        version=_nest_version(home) or NEST_CLI_VERSION,
        command=command,
        fresh_target=fresh_target,
        cwd_is_target=True,
        note="REST, CRUD entry points, spec files (its defaults)",
    )


def _nest_version(home: Path) -> str | None:
    package = home / "node_modules" / "@nestjs" / "cli" / "package.json"
    try:
        version = json.loads(package.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None
    return str(version)


def _run(command: list[str]) -> str:
    """Run an install step; return '' on success, else a one-line reason."""
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if done.returncode == 0:
        return ""
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit code {done.returncode}"
