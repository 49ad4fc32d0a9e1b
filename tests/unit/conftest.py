"""Shared fixtures: one copier project per session, copied for each test that changes it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.commands.project import new_project


@pytest.fixture(scope="session")
def template_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `scaffold new demo --no-input` makes. Tests must not change it: use `project_root`."""
    destination = tmp_path_factory.mktemp("template") / "demo"
    return new_project(destination, "fastapi", {"project_name": "demo"}, interactive=False)


@pytest.fixture
def project_root(template_project: Path, tmp_path: Path) -> Path:
    """A fresh copy of the new project, for one test."""
    root = tmp_path / "demo"
    shutil.copytree(template_project, root)
    return root
