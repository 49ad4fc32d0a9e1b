"""The resource pipeline on a real project made from the copier template."""

from __future__ import annotations

import ast
import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.commands.destroy import destroy_resources
from generator.commands.generate import Options, Result, generate_resources
from generator.commands.project import Project
from generator.errors import ScaffoldError, SpecError
from generator.render.formatting import Formatter
from generator.render.templates import Renderer
from generator.spec import load_spec
from generator.stacks import load_stack
from generator.sync.manifest import Manifest
from generator.sync.plan import Action

SERVICE = "app/services/reviews.py"
VALIDATORS = "app/validators/reviews.py"
RESOURCE_FILES = {
    "app/controllers/reviews.py",
    "app/models/reviews.py",
    "app/repositories/reviews.py",
    SERVICE,
    VALIDATORS,
    "tests/test_reviews.py",
}

SPEC = """\
resource: review
fields:
  title: {type: string, max_length: 120}
  body: {type: text, required: false}
"""
WITH_VOUCHER = SPEC + "  voucher: {type: string, max_length: 20, unique: true}\n"

# A method the user adds to the generated service, between two generated ones.
USER_METHOD = """
    async def count_published(self) -> int:
        return await self.repository.count_published()
"""
AFTER_GET = "        return review\n\n    async def create("


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def read(root: Path, path: str) -> str:
    return (root / path).read_text(encoding="utf-8")


def write_spec(root: Path, text: str, name: str = "reviews") -> None:
    (root / "specs" / f"{name}.yaml").write_text(text, encoding="utf-8")


def generate(root: Path, *names: str, **options: bool) -> Result:
    return generate_resources(Project.find(root), list(names or ["reviews"]), Options(**options))


def actions(result: Result) -> dict[str, Action]:
    return {c.path: c.action for c in result.plan.changes}


def add_user_method(root: Path) -> str:
    service = read(root, SERVICE)
    assert service.count(AFTER_GET) == 1
    edited = service.replace(
        AFTER_GET, f"        return review\n{USER_METHOD}\n    async def create("
    )
    (root / SERVICE).write_text(edited, encoding="utf-8")
    return edited


@pytest.fixture(scope="module")
def generated_once(
    template_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Path]:
    """A project generated from a reviews spec, made once per spec text."""
    made: dict[str, Path] = {}

    def make(spec: str) -> Path:
        if spec not in made:
            root = tmp_path_factory.mktemp("generated") / "demo"
            shutil.copytree(template_project, root)
            write_spec(root, spec)
            generate(root)
            made[spec] = root
        return made[spec]

    return make


@pytest.fixture
def generated(generated_once: Callable[[str], Path], tmp_path: Path) -> Callable[[str], Path]:
    """A fresh copy of the project generated from ``spec``, for one test to change."""

    def copy(spec: str) -> Path:
        root = tmp_path / "generated"
        shutil.copytree(generated_once(spec), root)
        return root

    return copy


def test_starter_spec_is_written_when_none_exists(project_root: Path) -> None:
    result = generate(project_root, "Review")
    assert result.written
    assert result.resources == ["reviews"]
    assert result.starter_specs == ["specs/reviews.yaml"]
    spec = load_spec(project_root / "specs/reviews.yaml")
    assert spec.resource == "review"
    assert actions(result) == {
        **{path: Action.CREATE for path in RESOURCE_FILES},
        "app/routes.py": Action.UPDATE,
    }
    for path in RESOURCE_FILES:
        ast.parse(read(project_root, path))


def test_generated_files_follow_the_spec(generated_once: Callable[[str], Path]) -> None:
    with_voucher, without = generated_once(WITH_VOUCHER), generated_once(SPEC)
    assert "voucher: TextStr = Field(max_length=20)" in read(with_voucher, VALIDATORS)
    assert "ConflictError" in read(with_voucher, SERVICE)
    assert "voucher" not in read(without, VALIDATORS)
    assert "ConflictError" not in read(without, SERVICE)


def test_regenerating_without_changes_changes_nothing(generated: Callable[[str], Path]) -> None:
    root = generated(SPEC)
    before = files(root)
    result = generate(root)
    assert set(actions(result).values()) == {Action.UNCHANGED}
    assert files(root) == before


def test_user_edit_and_new_field_are_merged(generated: Callable[[str], Path]) -> None:
    root = generated(SPEC)
    add_user_method(root)
    write_spec(root, WITH_VOUCHER)

    result = generate(root)

    assert actions(result)[SERVICE] is Action.MERGED
    assert actions(result)[VALIDATORS] is Action.UPDATE
    service = read(root, SERVICE)
    assert USER_METHOD in service
    assert 'UNIQUE = ["voucher"]' in service  # the new unique field's 409
    assert "voucher: TextStr = Field(max_length=20)" in read(root, VALIDATORS)
    ast.parse(service)


def test_removing_a_field_removes_it_and_keeps_the_user_edit(
    generated: Callable[[str], Path],
) -> None:
    root = generated(WITH_VOUCHER)
    add_user_method(root)
    write_spec(root, SPEC)

    result = generate(root)

    assert actions(result)[SERVICE] is Action.MERGED
    service = read(root, SERVICE)
    assert USER_METHOD in service
    assert "IntegrityError" not in service
    for path in RESOURCE_FILES:
        assert "voucher" not in read(root, path), path


def test_overlapping_edit_is_a_conflict_and_the_file_is_left_alone(
    generated: Callable[[str], Path],
) -> None:
    root = generated(SPEC)
    service = read(root, SERVICE)
    mine = service.replace(
        "        await self.repository.add(review)\n",
        "        review.title = review.title.strip()\n        await self.repository.add(review)\n",
    )
    assert mine != service
    (root / SERVICE).write_text(mine, encoding="utf-8")
    write_spec(root, WITH_VOUCHER)

    result = generate(root)

    [conflict] = result.plan.conflicts
    assert conflict.path == SERVICE
    assert conflict.conflict_lines and all(n > 1 for n in conflict.conflict_lines)
    assert read(root, SERVICE) == mine
    assert "voucher" in read(root, VALIDATORS)  # the rest was still generated

    again = generate(root, force_conflicts=True)
    assert actions(again)[SERVICE] is Action.CONFLICT
    marked = read(root, SERVICE)
    assert "<<<<<<< yours\n" in marked and ">>>>>>> scaffold\n" in marked
    assert "review.title = review.title.strip()" in marked


STRIP = "        review.title = review.title.strip()\n"
# A unique field changes how the service saves (IntegrityError -> 409); optional, so the rows
# already in the table need no value for it.
WITH_OPTIONAL_VOUCHER = (
    SPEC + "  voucher: {type: string, max_length: 20, unique: true, required: false}\n"
)


def conflicting_edit(root: Path) -> str:
    """Edit the service where adding the voucher changes it too, and add the voucher to the
    spec: the next run conflicts. Returns the edited service."""
    service = read(root, SERVICE)
    add = "        await self.repository.add(review)\n"
    assert service.count(add) == 1
    mine = service.replace(add, STRIP + add)
    (root / SERVICE).write_text(mine, encoding="utf-8")
    write_spec(root, WITH_OPTIONAL_VOUCHER)
    return mine


def resolve_by_hand(new: str) -> str:
    """The generator's new service with the user's line merged in, as a person would."""
    add = "            await self.repository.add(review)\n"
    assert new.count(add) == 1
    return new.replace(add, "    " + STRIP + add)


def test_a_conflict_resolved_by_hand_is_not_reported_again(
    generated: Callable[[str], Path],
) -> None:
    root = generated(SPEC)
    mine = conflicting_edit(root)
    [conflict] = generate(root).plan.conflicts
    assert [c.path for c in generate(root).plan.conflicts] == [SERVICE]  # not edited: still open
    assert read(root, SERVICE) == mine

    resolved = resolve_by_hand(conflict.new)
    (root / SERVICE).write_text(resolved, encoding="utf-8")
    result = generate(root)

    assert result.plan.conflicts == []
    assert actions(result)[SERVICE] is Action.KEPT
    assert read(root, SERVICE) == resolved
    assert Manifest.load(root).base(SERVICE) == conflict.new  # the resolution's base
    assert not (root / ".scaffold/pending").exists()
    assert actions(generate(root))[SERVICE] is Action.KEPT


def test_a_hand_resolved_file_merges_later_changes_against_the_output_it_resolved(
    generated: Callable[[str], Path],
) -> None:
    root = generated(SPEC)
    conflicting_edit(root)
    [conflict] = generate(root).plan.conflicts
    (root / SERVICE).write_text(resolve_by_hand(conflict.new), encoding="utf-8")
    write_spec(root, WITH_OPTIONAL_VOUCHER + "cache: {ttl: 60}\n")

    result = generate(root)

    assert actions(result)[SERVICE] is Action.MERGED
    service = read(root, SERVICE)
    assert STRIP.strip() in service and "except IntegrityError" in service  # both sides
    assert "await self._drop_cached()" in service  # and the later change
    assert service != conflict.new and "<<<<<<<" not in service


def test_a_file_put_back_as_generated_after_a_conflict_takes_the_new_output(
    generated: Callable[[str], Path],
) -> None:
    root = generated(SPEC)
    original = read(root, SERVICE)
    conflicting_edit(root)
    [conflict] = generate(root).plan.conflicts
    (root / SERVICE).write_text(original, encoding="utf-8")  # the user gives up their edit

    result = generate(root)

    assert actions(result)[SERVICE] is Action.UPDATE
    assert read(root, SERVICE) == conflict.new


def test_destroy_forgets_an_open_conflict(generated: Callable[[str], Path]) -> None:
    root = generated(SPEC)
    conflicting_edit(root)
    generate(root)
    assert (root / ".scaffold/pending").is_dir()
    destroy_resources(Project.find(root), ["reviews"])
    assert not (root / ".scaffold/pending").exists()
    assert read(root, SERVICE)  # edited: kept


def test_conflict_markers_left_in_a_file_are_an_unresolved_conflict(
    generated: Callable[[str], Path],
) -> None:
    root = generated(SPEC)
    conflicting_edit(root)
    generate(root, force_conflicts=True)
    marked = read(root, SERVICE)
    start = marked.splitlines().index("<<<<<<< yours") + 1

    for force_conflicts in (False, True):
        result = generate(root, force_conflicts=force_conflicts)
        [conflict] = result.plan.conflicts
        assert (conflict.path, conflict.markers, conflict.conflict_lines) == (
            SERVICE,
            True,
            [start],
        )
        assert read(root, SERVICE) == marked  # neither "kept" nor marked again

    (root / SERVICE).write_text(
        resolve_by_hand(Manifest.load(root).base(SERVICE) or ""), encoding="utf-8"
    )
    result = generate(root)
    assert result.plan.conflicts == [] and actions(result)[SERVICE] is Action.KEPT


def test_force_overwrites_an_edited_file(generated: Callable[[str], Path]) -> None:
    root = generated(SPEC)
    generated_text = read(root, SERVICE)
    add_user_method(root)
    result = generate(root, force=True)
    assert actions(result)[SERVICE] is Action.OVERWRITE
    assert read(root, SERVICE) == generated_text


@pytest.mark.parametrize(
    "bad",
    [
        "fields:\n  title: strng\n",
        "fields: [\n",
        "resource: course\nfields:\n  title: string\n",
    ],
)
def test_a_bad_spec_changes_nothing(generated: Callable[[str], Path], bad: str) -> None:
    root = generated(SPEC)
    write_spec(root, bad)
    before = files(root)
    with pytest.raises(SpecError) as caught:
        generate(root)
    assert all(d.path == "specs/reviews.yaml" for d in caught.value.diagnostics)
    assert files(root) == before


def test_a_bad_spec_of_another_generated_resource_blocks_the_run(
    generated: Callable[[str], Path],
) -> None:
    root = generated(SPEC)
    manifest = Manifest.load(root)
    manifest.resources["courses"] = "specs/courses.yaml"  # as if generated before
    (root / ".scaffold/manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    write_spec(root, "fields:\n  name: {type: string, max: 3}\n", "courses")
    write_spec(root, WITH_VOUCHER)
    before = files(root)
    with pytest.raises(SpecError) as caught:
        generate(root, "reviews")
    assert [d.path for d in caught.value.diagnostics] == ["specs/courses.yaml"]
    assert files(root) == before


def test_dry_run_writes_nothing(project_root: Path) -> None:
    before = files(project_root)
    result = generate(project_root, dry_run=True)
    assert not result.written
    assert result.starter_specs == ["specs/reviews.yaml"]
    assert actions(result)[SERVICE] is Action.CREATE
    assert files(project_root) == before


def test_a_failed_write_leaves_no_starter_spec(
    project_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = files(project_root)
    real_replace = os.replace

    def replace(source: str | Path, target: str | Path) -> None:
        if str(target).endswith("manifest.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ScaffoldError, match="nothing was changed"):
        generate(project_root)
    assert files(project_root) == before


def test_a_missing_spec_of_a_generated_resource_is_one_sentence(
    generated: Callable[[str], Path],
) -> None:
    root = generated(SPEC)
    (root / "specs/reviews.yaml").unlink()
    before = files(root)
    with pytest.raises(ScaffoldError) as caught:
        generate(root, "courses")
    assert str(caught.value).startswith("specs/reviews.yaml is missing")
    assert "\n" not in str(caught.value)
    assert files(root) == before


def test_a_block_description_ending_in_a_quote(project_root: Path) -> None:
    write_spec(project_root, 'description: |\n  Reviews, "quoted"\n' + SPEC)
    generate(project_root)
    assert "Reviews," in read(project_root, "app/models/reviews.py")


def test_routes_list_every_generated_resource(generated: Callable[[str], Path]) -> None:
    root = generated(SPEC)
    write_spec(root, "fields:\n  name: string\n", "lesson_progresses")
    result = generate(root, "LessonProgress")

    assert actions(result)[SERVICE] is Action.UNCHANGED  # other resources re-render the same
    routes = ast.parse(read(root, "app/routes.py"))
    included = {
        call.args[0].value.id
        for call in ast.walk(routes)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "include_router"
    }
    assert included == {"auth", "users", "reviews", "lesson_progresses"}
    assert Manifest.load(root).resources == {
        "reviews": "specs/reviews.yaml",
        "lesson_progresses": "specs/lesson_progresses.yaml",
    }


def test_a_user_edit_to_the_template_routes_is_merged(project_root: Path) -> None:
    routes = read(project_root, "app/routes.py")
    (project_root / "app/routes.py").write_text("# my note\n" + routes, encoding="utf-8")
    write_spec(project_root, SPEC)
    result = generate(project_root)
    assert actions(result)["app/routes.py"] is Action.MERGED
    merged = read(project_root, "app/routes.py")
    assert merged.startswith("# my note\n") and "include_router(reviews.router)" in merged


def test_template_routes_are_the_wiring_of_no_resources(template_project: Path) -> None:
    stack = load_stack("fastapi")
    [(path, text)] = Renderer(stack).wiring([]).items()
    assert path == "app/routes.py"
    formatted = stack.language.formatter(text, path)
    assert read(template_project, path) == formatted
    assert (stack.project_dir / path).read_text(encoding="utf-8") == formatted


COURSES = "resource: course\nfields:\n  title: string\n"
LESSONS = "resource: lesson\nfields:\n  course: ref\n  title: string\n"


def test_a_parent_learns_of_a_child_generated_later(project_root: Path) -> None:
    write_spec(project_root, COURSES, "courses")
    generate(project_root, "courses")
    service = read(project_root, "app/services/courses.py")
    assert "ConflictError" not in service

    write_spec(project_root, LESSONS, "lessons")
    result = generate(project_root, "lessons")

    assert result.resources == ["lessons"]
    changed = actions(result)
    assert changed["app/services/courses.py"] is Action.UPDATE
    assert changed["app/models/courses.py"] is Action.UNCHANGED  # rendered again, the same
    assert changed["app/models/lessons.py"] is Action.CREATE
    service = read(project_root, "app/services/courses.py")
    assert "this course is still referenced by lessons" in service
    assert 'ForeignKey("courses.id", ondelete="RESTRICT")' in read(
        project_root, "app/models/lessons.py"
    )
    for path in changed:
        ast.parse(read(project_root, path))


def test_a_ref_to_a_resource_not_generated_changes_nothing(project_root: Path) -> None:
    text = "fields:\n  title: string\n  teacher: {type: ref, to: person}\n"
    write_spec(project_root, text, "lessons")
    before = files(project_root)
    with pytest.raises(SpecError) as caught:
        generate(project_root, "lessons")
    assert [str(d) for d in caught.value.diagnostics] == [
        "specs/lessons.yaml:3:28: ref to unknown resource 'person'; write specs/people.yaml"
        " and generate it too (known: lessons)"
    ]
    assert files(project_root) == before


def test_the_manifest_keeps_the_fingerprint_of_each_render(
    generated: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = generated(SPEC)
    entries = Manifest.load(root).files
    assert set(RESOURCE_FILES) <= set(entries)
    assert all(len(entries[path].rendered) == 64 for path in RESOURCE_FILES)

    formatted: list[str] = []
    real = Formatter._format

    def spy(self: Formatter, pending: dict[str, str]) -> dict[str, str]:
        formatted.extend(pending)
        return real(self, pending)

    monkeypatch.setattr(Formatter, "_format", spy)
    generate(root)
    assert formatted == []  # the same renders: their bases are reused unformatted
    write_spec(root, WITH_VOUCHER)
    generate(root)
    # The changed files, and the new revision: not the routes, which render as before.
    assert (
        {SERVICE, VALIDATORS}
        <= set(formatted)
        <= RESOURCE_FILES | {p for p in formatted if p.startswith("migrations/versions/")}
    )
    assert Manifest.load(root).files[SERVICE].rendered != entries[SERVICE].rendered
