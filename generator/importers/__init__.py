"""`scaffold import`: write spec files from another description of the same data.

Today: OpenAPI 3.0 / 3.1 component schemas (`generator.importers.openapi`). Every spec
written loads with `generator.spec.load_spec`; what could not be mapped is reported."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from generator.commands.ide import EDITOR_SCHEMA
from generator.errors import ScaffoldError, SpecError, display_path
from generator.importers.openapi import Draft, Unmapped, convert, rename_reserved
from generator.naming import Names
from generator.spec import load_spec_text
from generator.spec.load import deep_flow_collection
from generator.sync.files import write_whole

# What an OpenAPI document may cost (big real ones hold about a million values and nest
# about 30 levels deep): more is a hostile file, refused before it hangs the import.
MAX_DOCUMENT_VALUES = 5_000_000
MAX_DOCUMENT_DEPTH = 100


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass
class ImportReport:
    source: str
    written: list[str] = field(default_factory=list)  # spec files written
    resources: list[str] = field(default_factory=list)  # their plurals, for `scaffold resource`
    skipped_files: list[SkippedFile] = field(default_factory=list)  # existing, kept
    skipped: list[Unmapped] = field(default_factory=list)  # schemas and properties left out
    dropped: list[Unmapped] = field(default_factory=list)  # keywords the spec cannot hold

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "written": self.written,
            "resources": self.resources,
            "skipped_files": [s.as_dict() for s in self.skipped_files],
            "skipped": [s.as_dict() for s in self.skipped],
            "dropped": [d.as_dict() for d in self.dropped],
        }


def import_openapi(
    source: Path,
    specs_dir: Path,
    project_root: Path,
    force: bool = False,
    refused: Callable[[Names], str | None] = lambda names: None,
) -> ImportReport:
    """Write one spec per object schema of the OpenAPI document ``source`` into
    ``specs_dir``. An existing spec file is kept (and reported) unless ``force``."""
    document = load_document(source)
    conversion = convert(document)
    rename_reserved(conversion, refused)
    report = ImportReport(
        source=display_path(source), skipped=conversion.skipped, dropped=conversion.dropped
    )
    schema_ref = Path(os.path.relpath(project_root / EDITOR_SCHEMA, specs_dir)).as_posix()
    planned: list[tuple[Path, str, Draft]] = []
    for draft in conversion.drafts:
        path = existing_spec(specs_dir, draft) or specs_dir / f"{draft.names.plural}.yaml"
        shown = display_path(path, project_root)
        if path.exists() and not force:
            report.skipped_files.append(SkippedFile(shown, "exists; kept (--force overwrites it)"))
            continue
        text = spec_text(draft, f"{report.source}{draft.pointer}", schema_ref)
        _check(text, shown, draft)
        planned.append((path, text, draft))
    for path, text, draft in planned:
        write_whole(path, text)
        report.written.append(display_path(path, project_root))
        report.resources.append(draft.names.plural)
    return report


def load_document(path: Path) -> Mapping[str, Any]:
    """An OpenAPI document, YAML or JSON, as plain data (dates stay strings)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScaffoldError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScaffoldError(f"{path}: cannot read it ({error})") from None
    too_deep = f"values nest more than {MAX_DOCUMENT_DEPTH} levels deep"
    if (deep := deep_flow_collection(text, MAX_DOCUMENT_DEPTH)) is not None:
        raise ScaffoldError(f"{path}:{deep[0]}:{deep[1]}: {too_deep}")
    try:
        yaml = YAML(typ="safe", pure=True)
        yaml.Constructor = _Constructor
        data = yaml.load(text)
    except RecursionError:
        raise ScaffoldError(f"{path}: {too_deep}") from None
    except YAMLError as error:
        raise ScaffoldError(f"{path}: not YAML or JSON ({_first_line(error)})") from None
    if not isinstance(data, Mapping):
        raise ScaffoldError(f"{path}: expected an OpenAPI document (a mapping)")
    try:
        plain = _plain(data, [MAX_DOCUMENT_VALUES])
    except _TooCostly as error:
        raise ScaffoldError(f"{path}: {str(error) or too_deep}") from None
    assert isinstance(plain, dict)
    return plain


class _Constructor(SafeConstructor):
    """Dates and times stay the strings the document wrote."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def existing_spec(specs_dir: Path, draft: Draft) -> Path | None:
    """A spec already there for the resource: named for the plural or the singular."""
    for stem in dict.fromkeys((draft.names.plural, draft.names.singular)):
        for suffix in (".yaml", ".yml"):
            if (specs_dir / f"{stem}{suffix}").is_file():
                return specs_dir / f"{stem}{suffix}"
    return None


def spec_text(draft: Draft, origin: str, schema_ref: str) -> str:
    """The spec as YAML a person would write: one flow mapping per field, or a block when
    the field has a description; what was left out is listed in a comment."""
    header = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"# Imported by `scaffold import` from {origin}; edit freely.",
    ]
    if draft.skipped:
        header.append("# Not imported:")
        header += [f"#   {_last(s.pointer)}: {s.reason}" for s in draft.skipped]
    root = CommentedMap()
    root["resource"] = draft.names.singular
    if draft.description is not None:
        root["description"] = _string(draft.description)
    fields = CommentedMap()
    for name, spec in draft.fields.items():
        node = CommentedMap()
        for key, value in spec.items():
            if key == "values":
                values = CommentedSeq(value)
                values.fa.set_flow_style()
                node[key] = values
            else:
                node[key] = _string(value) if isinstance(value, str) else value
        if "description" not in spec:
            node.fa.set_flow_style()
        fields[name] = node
    root["fields"] = fields
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(root, stream)
    return "\n".join(header) + "\n" + stream.getvalue()


def report_lines(report: ImportReport) -> list[str]:
    """The report as a person reads it in a terminal."""
    lines = [f"Imported {len(report.written)} spec(s) from {report.source}"]
    lines += [f"  wrote    {path}" for path in report.written]
    lines += [f"  kept     {s.path}: {s.reason}" for s in report.skipped_files]
    if report.skipped:
        lines.append(f"Not imported ({len(report.skipped)}):")
        lines += [f"  {s.pointer}: {s.reason}" for s in report.skipped]
    if report.dropped:
        lines.append(f"Imported without ({len(report.dropped)}):")
        lines += [f"  {d.pointer}: {d.reason}" for d in report.dropped]
    if report.resources:
        lines.append("Next:")
        lines.append(f"  scaffold resource {' '.join(report.resources)}")
    return lines


def _check(text: str, shown: str, draft: Draft) -> None:
    """Every spec written must load; a failure here is a bug of the importer."""
    try:
        spec = load_spec_text(text, shown, draft.names.plural)
    except SpecError as error:
        raise ScaffoldError(
            f"internal error: the spec made for {draft.pointer} is invalid:\n{error}"
        ) from None
    if spec.description != draft.description or [f.description for f in spec.fields.values()] != [
        f.get("description") for f in draft.fields.values()
    ]:
        raise ScaffoldError(f"internal error: descriptions of {draft.pointer} changed in YAML")


def _string(text: str) -> str:
    """Multi-line text as a literal block when that keeps it exact, else as it is."""
    lines = text.split("\n")
    literal = (
        len(lines) > 1
        and not text.startswith((" ", "\n"))
        and all(line == line.rstrip() and "\t" not in line for line in lines)
        and "\r" not in text
    )
    return LiteralScalarString(text) if literal else text


def _last(pointer: str) -> str:
    return pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


class _TooCostly(Exception):
    """The document holds more than a document may (no message: it nests too deeply)."""


def _plain(node: Any, left: list[int], depth: int = 0) -> Any:
    """Plain data, spending `left` (values, aliases expanded) and refusing depth."""
    left[0] -= 1
    if left[0] < 0:
        raise _TooCostly(
            f"the document holds more than {MAX_DOCUMENT_VALUES:,} values once its YAML"
            " aliases are expanded"
        )
    if depth > MAX_DOCUMENT_DEPTH:
        raise _TooCostly()
    if isinstance(node, Mapping):
        return {str(k): _plain(v, left, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v, left, depth + 1) for v in node]
    return node


__all__ = ["ImportReport", "SkippedFile", "Unmapped", "import_openapi", "report_lines"]
