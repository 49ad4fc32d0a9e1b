"""A project's own templates: `scaffold eject NAME` copies one of the stack's templates into
the project's scaffold-templates/ folder, where it replaces the stack's from then on.

The copy mirrors the stack's tree (scaffold-templates/resource/app/services/{{plural}}.py.jinja)
and renders in the same sandbox with the same context. The stack's text at the time of the
eject is kept in .scaffold/ejected/, so a later scaffold whose template changed can say the
override is stale and show what changed (`scaffold eject --diff NAME`)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from generator.errors import ScaffoldError
from generator.stacks import Stack
from generator.sync.containment import check_inside, not_a_file
from generator.sync.plan import conflict_markers, three_way_merge

OVERRIDES_DIR = "scaffold-templates"
EJECTED_DIR = ".scaffold/ejected"  # the stack's text each override was ejected from


@dataclass(frozen=True)
class Template:
    """One template a project may override."""

    name: str  # what a person types: service
    template: str  # its path in the stack: resource/app/services/{{plural}}.py.jinja

    @property
    def override(self) -> str:
        """Where its ejected copy goes, relative to the project."""
        return f"{OVERRIDES_DIR}/{self.template}"

    @property
    def ejected_from(self) -> str:
        return f"{EJECTED_DIR}/{self.template}"


@dataclass(frozen=True)
class Overrides:
    """The overrides of one project for its stack."""

    root: Path
    stack: Stack

    @property
    def folder(self) -> Path:
        return self.root / OVERRIDES_DIR

    def templates(self) -> list[Template]:
        return [Template(name, path) for name, path in self.stack.templates.items()]

    def find(self, name: str) -> Template:
        """The template a person named, by its short name or its path in the stack."""
        for template in self.templates():
            if name in (template.name, template.template, template.override):
                return template
        known = ", ".join(t.name for t in self.templates())
        raise ScaffoldError(
            f"the {self.stack.name} stack has no template {name!r}; it has: {known}"
            " (`scaffold eject --list` shows their paths)"
        )

    def present(self) -> list[str]:
        """Every file in scaffold-templates/, relative to it; each must be a regular file
        inside the project (not a link out of it)."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in sorted(self.folder.rglob("*")):
            relative = path.relative_to(self.root).as_posix()
            check_inside(self.root, relative, OVERRIDES_DIR)
            kind = not_a_file(path)
            if kind is None:
                found.append(path.relative_to(self.folder).as_posix())
            elif kind != "a folder":
                raise ScaffoldError(
                    f"{relative} is {kind}: an override must be a regular file (nothing was"
                    " written)"
                )
        return found

    def active(self) -> Path | None:
        """The folder to look in before the stack's, when the project overrides anything;
        refused while an override holds conflict markers (from `eject --update`)."""
        present = self.present()
        for relative in present:
            text = (self.folder / relative).read_text(encoding="utf-8", errors="replace")
            if lines := conflict_markers(text):
                raise ScaffoldError(
                    f"{OVERRIDES_DIR}/{relative}:{lines[0]}: conflict markers: keep what you"
                    " want between them and delete the marker lines, then run again (nothing"
                    " was written)"
                )
        return self.folder if present else None

    def eject(self, template: Template, force: bool = False) -> None:
        """Copy the stack's template to the project (and keep the text it was copied from)."""
        target = self.root / check_inside(self.root, template.override, "eject")
        if target.exists() and not force:
            raise ScaffoldError(
                f"{template.override} exists already (your override); --force replaces it"
                " with the stack's template"
            )
        text = (self.stack.root / template.template).read_text(encoding="utf-8")
        base = self.root / check_inside(self.root, template.ejected_from, "eject")
        for path in (target, base):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def update(self, template: Template) -> list[int]:
        """Merge what changed in the stack's template since the eject into the override, as
        `scaffold resource` merges generated files; the stack's text becomes the new base.
        Returns where conflicts start (the override then holds conflict markers)."""
        override = self.root / template.override
        base = self.root / template.ejected_from
        if not override.is_file() or not base.is_file():
            raise ScaffoldError(
                f"{template.override} was not made by `scaffold eject` (or its base in"
                f" {EJECTED_DIR}/ is gone), so there is nothing to merge against; compare it"
                f" with `scaffold eject --diff {template.name}`"
            )
        current = self._stack_text(template)
        merged, conflicts = three_way_merge(
            base.read_text(encoding="utf-8"), override.read_text(encoding="utf-8"), current
        )
        override.write_text(merged, encoding="utf-8")
        base.write_text(current, encoding="utf-8")
        return conflicts

    def warnings(self) -> list[str]:
        """Overrides that replace no template of the stack (never used), and overrides
        ejected from a text of the stack's template that has changed since."""
        known = {t.template: t for t in self.templates()}
        found = []
        for relative in self.present():
            template = known.get(relative)
            if template is None:
                found.append(
                    f"{OVERRIDES_DIR}/{relative} overrides no template of the {self.stack.name}"
                    " stack, so it is not used (`scaffold eject --list` shows the templates)"
                )
            elif self.stale(template):
                found.append(
                    f"{template.override} was ejected from an older {template.name} template"
                    f" than this scaffold's: `scaffold eject --update {template.name}` merges"
                    f" the changes in (`--diff` shows them)"
                )
        return found

    def stale(self, template: Template) -> bool:
        base = self.root / template.ejected_from
        return base.is_file() and base.read_text(encoding="utf-8") != self._stack_text(template)

    def diff(self, template: Template) -> str:
        """What changed in the stack's template since the eject, when it did; otherwise how
        the override differs from the stack's template."""
        current = self._stack_text(template)
        if self.stale(template):
            before = (self.root / template.ejected_from).read_text(encoding="utf-8")
            labels = (f"{template.template} (when ejected)", f"{template.template} (now)")
            return _unified(before, current, *labels)
        override = self.root / template.override
        if not override.is_file():
            raise ScaffoldError(
                f"{template.override} does not exist; `scaffold eject {template.name}` makes it"
            )
        ours = override.read_text(encoding="utf-8")
        return _unified(current, ours, f"{template.template} (stack)", template.override)

    def _stack_text(self, template: Template) -> str:
        return (self.stack.root / template.template).read_text(encoding="utf-8")


def _unified(before: str, after: str, from_label: str, to_label: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), from_label, to_label
    )
    return "".join(lines)
