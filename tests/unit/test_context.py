"""Contexts: every resource built together, refs resolved, parents told of their children."""

from __future__ import annotations

import pytest

from generator.context import build_resource
from generator.errors import SpecError
from generator.spec import load_spec_text
from tests.unit.resources import COURSES, LESSON_PROGRESSES, LESSONS, STACK, contexts, spec_path


def errors(specs: dict[str, str]) -> list[str]:
    with pytest.raises(SpecError) as caught:
        contexts(specs)
    return [str(d) for d in caught.value.diagnostics]


def at(text: str, needle: str, source: str, occurrence: int = 1) -> str:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return f"{source}:{line}:{column}"


def unknown(name: str, plural: str, known: str) -> str:
    return (
        f"ref to unknown resource {name!r}; write specs/{plural}.yaml and generate it too"
        f" (known: {known})"
    )


# --- names the stack refuses ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("plural", "problem"),
    [
        ("nones", "its class would be None, a word Python reserves"),
        ("classes", "its name would be class, a word Python reserves"),
        ("users", "the project already has users"),
        ("types", "it would write app/validators/types.py, a file the project already has"),
        ("errors", "it would write tests/test_errors.py, a file the project already has"),
    ],
)
def test_names_the_stack_refuses_are_located_at_the_resource(plural: str, problem: str) -> None:
    text = f"resource: {plural}\nfields: {{title: string}}\n"
    [error] = errors({plural: text})
    assert error == (
        f"{at(text, plural, spec_path(plural))}: `{plural}` cannot be a resource in this"
        f" project: {problem}; name it after what it is to you (e.g. customers, members)"
    )


# --- refs to unknown resources -------------------------------------------------------------


def test_ref_to_an_unknown_resource_is_located_at_to() -> None:
    text = "fields:\n  teacher: {type: ref, to: Person}\n"
    assert errors({"lessons": text}) == [
        f"{at(text, 'Person', 'specs/lessons.yaml')}: {unknown('person', 'people', 'lessons')}"
    ]


def test_ref_to_an_unknown_resource_in_a_block_mapping_is_located_at_to() -> None:
    text = "fields:\n  title: string\n  teacher:\n    type: ref\n    to: person\n"
    assert errors({"lessons": text, "courses": COURSES}) == [
        f"{at(text, 'person', 'specs/lessons.yaml')}:"
        f" {unknown('person', 'people', 'courses, lessons')}"
    ]


@pytest.mark.parametrize(
    "field", ["course: ref", "course: {type: ref}", "course:\n    type: ref", "Course: ref"]
)
def test_ref_without_to_is_located_at_its_type(field: str) -> None:
    text = f"fields:\n  title: string\n  {field}\n"
    assert errors({"lessons": text}) == [
        f"{at(text, 'ref', 'specs/lessons.yaml')}: {unknown('course', 'courses', 'lessons')}"
    ]


def test_every_unknown_ref_of_every_spec_is_reported_at_once_in_order() -> None:
    lessons = "fields:\n  course: ref\n  teacher: {type: ref, to: person}\n"
    tags = "fields:\n  owner: {type: ref, to: user}\n"
    known = "lessons, tags"
    assert errors({"tags": tags, "lessons": lessons}) == [
        f"{at(lessons, 'ref', 'specs/lessons.yaml')}: {unknown('course', 'courses', known)}",
        f"{at(lessons, 'person', 'specs/lessons.yaml')}: {unknown('person', 'people', known)}",
        f"{at(tags, 'user', 'specs/tags.yaml')}: {unknown('user', 'users', known)}",
    ]


def test_a_ref_resolves_by_singular_or_plural_in_any_case() -> None:
    for to in ("course", "courses", "Course"):
        lessons = f"fields:\n  unit: {{type: ref, to: {to}}}\n"
        built = contexts({"courses": COURSES, "lessons": lessons})
        [ref] = built["lessons"].refs
        assert ref.ref is not None and ref.ref.target.plural == "courses"


def test_build_resource_builds_one_resource_with_a_self_ref() -> None:
    text = "fields:\n  parent: {type: ref, to: category, required: false, on_delete: set_null}\n"
    spec = load_spec_text(text, "specs/categories.yaml", "categories")
    context = build_resource(spec, "specs/categories.yaml", STACK)
    [parent] = context.refs
    assert parent.ref is not None and parent.ref.target.plural == "categories"
    assert [(c.names.plural, c.field, c.on_delete) for c in context.children] == [
        ("categories", "parent_id", "set_null")
    ]


def test_build_resource_refuses_a_ref_to_another_resource() -> None:
    spec = load_spec_text(LESSONS, "specs/lessons.yaml", "lessons")
    with pytest.raises(SpecError) as caught:
        build_resource(spec, "specs/lessons.yaml", STACK)
    assert [str(d) for d in caught.value.diagnostics] == [
        f"{at(LESSONS, 'ref', 'specs/lessons.yaml')}: {unknown('course', 'courses', 'lessons')}"
    ]


# --- the ref field -------------------------------------------------------------------------


def test_a_ref_field_is_the_id_column_of_its_relation() -> None:
    built = contexts({"courses": COURSES, "lessons": LESSONS})
    [course] = built["lessons"].refs
    assert (course.name, course.attr, course.type) == ("course_id", "course_id", "ref")
    assert course.ref is not None
    assert (course.ref.relation, course.ref.on_delete, course.ref.on_delete_sql) == (
        "course",
        "cascade",
        "CASCADE",
    )
    assert course.ref.nested and not course.ref.target_soft_delete
    assert course.filter  # a nested list filters by its parent
    assert course.stack["column"] == 'ForeignKey("courses.id", ondelete="CASCADE")'
    assert built["lessons"].nested_refs == [course]


def test_on_delete_defaults_to_restrict() -> None:
    built = contexts({"courses": COURSES, "lessons": "fields:\n  course: ref\n"})
    [course] = built["lessons"].refs
    assert course.ref is not None and course.ref.on_delete == "restrict"
    assert not course.ref.nested and not course.filter


def test_a_ref_to_a_soft_deleted_resource_knows_it() -> None:
    courses = COURSES + "soft_delete: true\n"
    built = contexts({"courses": courses, "lessons": LESSONS})
    [course] = built["lessons"].refs
    assert course.ref is not None and course.ref.target_soft_delete


def test_deleting_a_soft_deleted_parent_follows_no_cascade_of_the_database() -> None:
    """Teams are only marked deleted: the cascade to the team's projects never fires, so the
    project's restrict on tasks cannot refuse it; the task's own ref to the team is cleared."""
    built = contexts(
        {
            "teams": "fields:\n  name: string\nsoft_delete: true\n",
            "projects": "fields:\n  team: {type: ref, on_delete: cascade}\n",
            "tasks": (
                "fields:\n  project: {type: ref, on_delete: restrict}\n"
                "  team: {type: ref, required: false, on_delete: set_null}\n"
            ),
        }
    )
    assert built["tasks"].parent_deletions["team_id"] == ("set_null", [])
    assert built["tasks"].parent_deletions["project_id"] == ("restrict", [])


@pytest.mark.parametrize(("task_soft", "outcome"), [(False, "cascade"), (True, "set_null")])
def test_a_child_hides_with_a_parent_its_soft_deleted_grandparent_marked(
    task_soft: bool, outcome: str
) -> None:
    built = contexts(
        {
            "teams": "fields:\n  name: string\nsoft_delete: true\n",
            "projects": "fields:\n  team: {type: ref, on_delete: cascade}\nsoft_delete: true\n",
            "tasks": (
                "fields:\n  project: {type: ref, on_delete: cascade}\n"
                "  team: {type: ref, required: false, on_delete: set_null}\n"
                f"soft_delete: {str(task_soft).lower()}\n"
            ),
        }
    )
    assert built["tasks"].parent_deletions["team_id"] == (outcome, [])


def test_a_restrict_beside_a_cascade_to_the_same_parent_is_checked_by_the_app() -> None:
    """A record holding both to one course: PostgreSQL and SQLite would order the two
    constraints differently (one deletes, the other refuses), so the service checks."""
    built = contexts(
        {
            "courses": COURSES,
            "lessons": "fields:\n  course: {type: ref, on_delete: restrict}\n",
            "swaps": (
                "fields:\n  course: {type: ref, on_delete: restrict}\n"
                "  replaced: {type: ref, to: course, required: false, on_delete: cascade}\n"
            ),
        }
    )
    assert [(c.names.plural, c.field) for c in built["courses"].checked_restricts] == [
        ("swaps", "course_id")
    ]
    assert len(built["courses"].restricting_children) == 2  # lessons: the database's to keep


def test_ancestors_come_after_what_they_require_though_a_cycle_reaches_them_first() -> None:
    """notes -> posts (required) -> blogs -> teams (optional refs), and teams require posts:
    following the refs reaches teams before posts is made, yet teams must come after it."""
    built = contexts(
        {
            "notes": "fields:\n  post: ref\n",
            "posts": "fields:\n  blog: {type: ref, required: false}\n",
            "blogs": "fields:\n  team: {type: ref, required: false}\n",
            "teams": "fields:\n  post: ref\n",
        }
    )
    ancestors = built["notes"].ancestors
    order = [names.plural for names, _, _ in ancestors]
    assert order.index("posts") < order.index("teams")
    links = {names.plural: link for names, _, link in ancestors}
    assert links["teams"] == {"post_id": "posts"}
    # posts' own tests make no teams: a team needs a post first.
    assert "teams" not in [names.plural for names, _, _ in built["posts"].ancestors]


def test_a_parent_cascading_twice_from_one_ancestor_gives_one_refused_delete() -> None:
    """Two refs of lessons to courses, both cascading: one test (they would share a name)."""
    built = contexts(
        {
            "courses": COURSES,
            "lessons": (
                "fields:\n  course: {type: ref, on_delete: cascade}\n"
                "  backup: {type: ref, to: course, required: false, on_delete: cascade}\n"
            ),
            "marks": "fields:\n  lesson: {type: ref, on_delete: restrict}\n",
        }
    )
    refused = built["marks"].restricted_ancestors
    assert [(ref, names.plural) for ref, _, names, _ in refused] == [("lesson_id", "courses")]


def test_a_restrict_beside_a_cascade_through_another_resource_is_checked_by_the_app() -> None:
    """notes restrict courses and go with their lesson, which goes with its course: deleting
    a course deletes or refuses by the order of the constraints, so the service checks."""
    built = contexts(
        {
            "courses": COURSES,
            "lessons": "fields:\n  course: {type: ref, on_delete: cascade}\n",
            "notes": (
                "fields:\n  course: {type: ref, on_delete: restrict}\n"
                "  lesson: {type: ref, required: false, on_delete: cascade}\n"
            ),
        }
    )
    assert built["courses"].cascaded == ["lessons", "notes"]
    assert [c.names.plural for c in built["courses"].checked_restricts] == ["notes"]
    assert built["lessons"].checked_restricts == []


def test_a_restrict_deeper_in_the_cascade_on_a_record_going_along_is_checked_by_the_app() -> None:
    """marks restrict lessons, which go with their course; a mark goes with its course too
    (directly, and through its sheet): deleting a course must be refused, so the service
    finds the going lessons (and the going sheets, which lead to no restrict, not at all)."""
    built = contexts(
        {
            "courses": COURSES,
            "lessons": "fields:\n  course: {type: ref, on_delete: cascade}\n",
            "sheets": "fields:\n  course: {type: ref, on_delete: cascade}\n",
            "marks": (
                "fields:\n  lesson: {type: ref, on_delete: restrict}\n"
                "  course: {type: ref, on_delete: cascade}\n"
                "  sheet: {type: ref, on_delete: cascade}\n"
            ),
        }
    )
    courses = built["courses"]
    assert courses.checked_restricts == []
    assert [(c.names.plural, c.field, y) for c, y in courses.deep_restricts] == [
        ("marks", "lesson_id", "lessons")
    ]
    assert [(g.names.plural, g.refs) for g in courses.going] == [("lessons", [("course_id", None)])]
    assert courses.checks_references
    # A restrict whose holder never goes with the delete is the database's to refuse.
    assert not built["lessons"].checks_references


def test_going_records_follow_every_cascade_path_parents_first() -> None:
    """lessons go with their course directly and through a unit found after them; a
    self-referencing cascade (a cycle) is followed up to where it comes back."""
    built = contexts(
        {
            "courses": COURSES,
            "lessons": (
                "fields:\n  course: {type: ref, required: false, on_delete: cascade}\n"
                "  unit: {type: ref, on_delete: cascade}\n"
                "  follows: {type: ref, to: lesson, required: false, on_delete: cascade}\n"
            ),
            "units": "fields:\n  course: {type: ref, on_delete: cascade}\n",
            "marks": (
                "fields:\n  lesson: {type: ref, on_delete: restrict}\n"
                "  unit: {type: ref, on_delete: cascade}\n"
            ),
        }
    )
    assert [(g.names.plural, g.refs) for g in built["courses"].going] == [
        ("units", [("course_id", None)]),
        ("lessons", [("course_id", None), ("unit_id", "units")]),
    ]


def test_refs_are_left_out_of_the_samples() -> None:
    built = contexts({"courses": COURSES, "lessons": LESSONS})
    samples = built["lessons"].samples
    assert [list(p) for p in samples["payloads"]] == [["title"]] * 3
    assert "course_id" not in str(samples["invalid"])


# --- children and ancestors ----------------------------------------------------------------

CHAIN = {"lesson_progresses": LESSON_PROGRESSES, "lessons": LESSONS, "courses": COURSES}


def children(specs: dict[str, str], plural: str) -> list[tuple[str, str, str]]:
    return [(c.names.plural, c.field, c.on_delete) for c in contexts(specs)[plural].children]


def test_parents_learn_of_their_children() -> None:
    built = contexts(CHAIN)
    assert [(c.names.plural, c.field, c.on_delete) for c in built["courses"].children] == [
        ("lessons", "course_id", "cascade")
    ]
    assert [(c.names.plural, c.field, c.on_delete) for c in built["lessons"].children] == [
        ("lesson_progresses", "lesson_id", "restrict")
    ]
    assert built["lesson_progresses"].children == []


def test_only_restrict_children_restrict_deletion() -> None:
    built = contexts(CHAIN)
    assert built["courses"].restricting_children == []
    assert [c.names.plural for c in built["lessons"].restricting_children] == ["lesson_progresses"]


def test_a_cascade_carries_the_restricts_of_the_children_it_deletes() -> None:
    built = contexts(CHAIN)
    assert built["courses"].delete_blockers == ["lesson progresses (through lessons)"]
    assert built["lessons"].delete_blockers == ["lesson progresses"]
    assert built["lesson_progresses"].delete_blockers == []
    assert [
        (ref, via, names.plural)
        for ref, via, names, _ in built["lesson_progresses"].restricted_ancestors
    ] == [("lesson_id", "course_id", "courses")]
    assert built["lessons"].restricted_ancestors == []


def test_a_soft_delete_is_refused_only_by_its_own_restricting_children() -> None:
    built = contexts({**CHAIN, "courses": COURSES + "soft_delete: true\n"})
    assert built["courses"].delete_conflicts == []
    assert built["lessons"].delete_conflicts == ["lesson progresses"]


NOTES = (
    "resource: note\nfields:\n  body: text\n"
    "auth: {list: [owner], read: [owner], update: owner, delete: owner}\n"
)
ATTACHMENTS = (
    "resource: attachment\nfields:\n  note: {type: ref, on_delete: cascade, nested: true}\n"
    "  label: string\nauth: {list: authenticated, read: authenticated, create: authenticated}\n"
)


def test_a_writer_refused_by_two_guarded_parents_is_tested_on_one_at_a_time() -> None:
    """The writer may read neither notes nor folders: each test leaves the other optional
    ref empty, so the refusal it sees is its own ref's; a required one leaves no test."""
    folders = "resource: folder\nfields:\n  name: string\nauth: {read: [owner], list: [owner]}\n"
    tagged = ATTACHMENTS.replace(
        "  label: string\n", "  label: string\n  folder: {type: ref, required: false}\n"
    )
    built = contexts({"notes": NOTES, "folders": folders, "attachments": tagged})
    cases = [(f.name, e) for f, _, e in built["attachments"].unreadable_parent_writers]
    assert cases == [("note_id", ["folder_id"])]  # note_id is required: no test of folder_id


def test_a_guarded_parent_makes_its_children_take_the_user_everywhere() -> None:
    built = contexts({"notes": NOTES, "attachments": ATTACHMENTS})
    attachments = built["attachments"]
    # update checks the parent a change names; delete names none
    assert attachments.user_routes == ["list", "read", "create", "update"]
    assert [f.name for f in attachments.owned_parent_refs] == ["note_id"]
    assert attachments.parent_reader_roles == []
    assert [(f.name, roles, e) for f, roles, e in attachments.unreadable_parent_writers] == [
        ("note_id", [], [])
    ]
    assert [
        (f.name, roles, lists) for f, roles, lists in attachments.unreadable_parent_readers
    ] == [("note_id", [], True)]
    assert [(f.name, action) for f, _, action in attachments.unreadable_nested_parents] == [
        ("note_id", "list"),
        ("note_id", "create"),
    ]
    assert built["notes"].user_routes == ["list", "read", "create", "update", "delete"]


def test_ancestors_of_a_chain_come_parents_first() -> None:
    built = contexts(CHAIN)
    ancestors = built["lesson_progresses"].ancestors
    assert [(names.plural, links) for names, _, links in ancestors] == [
        ("courses", {}),
        ("lessons", {"course_id": "courses"}),
    ]
    assert [payload for _, payload, _ in ancestors] == [
        built["courses"].samples["payloads"][0],
        built["lessons"].samples["payloads"][0],
    ]
    assert [names.plural for names, _, _ in built["lessons"].ancestors] == ["courses"]
    assert built["courses"].ancestors == []


@pytest.mark.parametrize("order", [("course", "lesson"), ("lesson", "course")])
def test_a_shared_ancestor_is_created_once_and_first(order: tuple[str, str]) -> None:
    fields = "".join(f"  {name}: ref\n" for name in order)
    specs = {**CHAIN, "enrollments": f"fields:\n{fields}  note: text\n"}
    ancestors = contexts(specs)["enrollments"].ancestors
    assert [(names.plural, links) for names, _, links in ancestors] == [
        ("courses", {}),
        ("lessons", {"course_id": "courses"}),
    ]


def test_two_refs_to_one_parent_share_it() -> None:
    specs = {
        "people": "fields:\n  name: string\n",
        "reviews": "fields:\n  author: {type: ref, to: person}\n"
        "  reviewer: {type: ref, to: person}\n",
    }
    built = contexts(specs)
    assert [names.plural for names, _, _ in built["reviews"].ancestors] == ["people"]
    assert [(c.names.plural, c.field) for c in built["people"].children] == [
        ("reviews", "author_id"),
        ("reviews", "reviewer_id"),
    ]


def test_a_self_ref_is_its_own_child_and_no_ancestor() -> None:
    text = "fields:\n  name: string\n  parent: {type: ref, to: category, required: false}\n"
    built = contexts({"categories": text})
    category = built["categories"]
    [parent] = category.refs
    assert parent.ref is not None
    assert (parent.name, parent.ref.relation, parent.ref.target) == (
        "parent_id",
        "parent",
        category.names,
    )
    assert category.ancestors == []
    assert [(c.names.plural, c.field, c.on_delete) for c in category.children] == [
        ("categories", "parent_id", "restrict")
    ]
    assert category.restricting_children == category.children


TEAMS = (
    "fields:\n  name: string\n"
    "  captain: {type: ref, to: member, required: false, on_delete: set_null}\n"
)
MEMBERS = "fields:\n  name: string\n  team: ref\n"


def test_refs_that_point_at_each_other_make_both_tables_then_the_closing_key() -> None:
    """members.team -> teams and teams.captain -> members: a walk in name order meets
    members first, so teams.captain closes the cycle: its key comes after both tables."""
    built = contexts({"teams": TEAMS, "members": MEMBERS})
    closing = {
        (plural, f.name) for plural, c in built.items() for f in c.refs if f.ref.closes_cycle
    }
    assert closing == {("teams", "captain_id")}
    assert "use_alter=True" in built["teams"].refs[0].stack["column"]
    assert "use_alter" not in built["members"].refs[0].stack["column"]


def test_tests_fill_a_cyclic_ref_only_where_its_parent_can_be_made_first() -> None:
    """A member needs a team, which needs no member: members' tests make a team first;
    teams' tests cannot make a member without a team, so they leave the captain empty."""
    built = contexts({"teams": TEAMS, "members": MEMBERS})
    members, teams = built["members"], built["teams"]
    assert [(n.plural, links) for n, _, links in members.ancestors] == [("teams", {})]
    assert [f.name for f in members.filled_refs] == ["team_id"]
    assert teams.ancestors == [] and teams.filled_refs == []
    assert teams.unfilled_refs == ["captain_id"]


def test_required_refs_in_a_cycle_are_refused_where_the_cycle_starts() -> None:
    teams = "fields:\n  name: string\n  captain: {type: ref, to: member}\n"
    assert errors({"teams": teams, "members": MEMBERS}) == [
        f"{at(MEMBERS, 'team', 'specs/members.yaml')}: these required refs lead back to"
        " members (members.team_id -> teams.captain_id -> members): no first record could"
        " ever be made; make one of them `required: false`"
    ]
    three = {
        "as": "resource: a\nfields:\n  b: ref\n",
        "bs": "resource: b\nfields:\n  c: ref\n",
        "cs": "resource: c\nfields:\n  a: ref\n  note: string\n",
    }
    assert len(errors(three)) == 1  # one cycle, said once


def test_resources_without_refs_are_unchanged_by_others() -> None:
    alone = contexts({"courses": COURSES})["courses"]
    together = contexts({"courses": COURSES, "tags": "fields:\n  name: string\n"})["courses"]
    assert alone == together


def test_ancestor_links_point_only_at_resources_created_before_it() -> None:
    courses = COURSES + "  prerequisite: {type: ref, to: course, required: false}\n"
    ancestors = contexts({"courses": courses, "lessons": LESSONS})["lessons"].ancestors
    created: set[str] = set()
    for names, _, links in ancestors:
        assert set(links.values()) <= created, (names.plural, links)
        created.add(names.plural)


def test_a_ref_column_clashing_with_another_field_is_an_error() -> None:
    lessons = "fields:\n  course: ref\n  course_id: string\n"
    with pytest.raises(SpecError):
        contexts({"courses": COURSES, "lessons": lessons})


# --- names in code -------------------------------------------------------------------------


def test_names_reserved_in_the_stack_are_aliased_in_code_only() -> None:
    text = (
        "fields:\n  class: string\n  metadata: json\n  from: date\n"
        "  modelConfig: integer\n  l: integer\n  title: string\n"
    )
    fields = {f.name: f for f in contexts({"reviews": text})["reviews"].fields}
    assert {name: f.attr for name, f in fields.items()} == {
        "class": "class_",
        "metadata": "metadata_",
        "from": "from_",
        "model_config": "model_config_",
        "l": "l_",  # ambiguous to a reader (and to ruff's E741)
        "title": "title",
    }
    assert [name for name, f in fields.items() if f.aliased] == [
        "class",
        "metadata",
        "from",
        "model_config",
        "l",
    ]


def test_checks_name_the_api_column() -> None:
    text = "fields:\n  class: {type: enum, values: [a, b]}\n  views: {type: bigint, min: 0}\n"
    checks = contexts({"reviews": text})["reviews"].checks
    assert [(c.name, c.sql) for c in checks] == [
        ("class_values", "\"class\" IN ('a', 'b')"),
        ("views_range", '"views" >= 0'),
    ]


# --- listing -------------------------------------------------------------------------------

LISTING = (
    "fields:\n"
    "  title: {type: string, filter: true, sort: true}\n"
    "  status: {type: enum, values: [a, b], filter: true}\n"
    "  done: {type: boolean, filter: true}\n"
    "  price: {type: decimal, filter: true}\n"
    "  views: {type: bigint, filter: true, sort: true}\n"
    "  body: {type: text, filter: true}\n"
    "  site: url\n"
    "search: [title, site]\n"
)


def test_filter_operators_follow_the_type() -> None:
    built = contexts({"reviews": LISTING})["reviews"]
    assert {f.name: f.filter_ops for f in built.fields} == {
        "title": ["", "_gte", "_lte"],
        "status": ["", "_in"],
        "done": [""],
        "price": ["", "_gte", "_lte"],
        "views": ["", "_gte", "_lte"],
        "body": [""],
        "site": [],
    }


def test_offset_query_parameters() -> None:
    built = contexts({"reviews": LISTING})["reviews"]
    assert (built.cursor, built.default_sort) == (False, "created_at")
    assert built.sort_fields == ["title", "views", "created_at", "updated_at"]
    assert [f.name for f in built.search] == ["title", "site"]
    assert built.query_params == [
        "page",
        "limit",
        "sort",
        "q",
        "title",
        "title_gte",
        "title_lte",
        "status",
        "status_in",
        "done",
        "price",
        "price_gte",
        "price_lte",
        "views",
        "views_gte",
        "views_lte",
        "body",
    ]


def test_cursor_without_timestamps_sorts_by_id() -> None:
    text = (
        "fields:\n  n: {type: integer, sort: true}\n"
        "timestamps: false\npagination:\n  style: cursor\n"
    )
    built = contexts({"reviews": text})["reviews"]
    assert (built.cursor, built.default_sort, built.sort_fields) == (True, "id", ["n", "id"])
    assert built.query_params == ["cursor", "limit", "sort"]


def test_unbounded_integers_are_kept_in_their_column() -> None:
    text = "fields:\n  a: integer\n  b: bigint\n  c: {type: bigint, min: 0}\n"
    fields = {f.name: f for f in contexts({"reviews": text})["reviews"].fields}
    assert (fields["a"].bounded_min, fields["a"].bounded_max) == (-(2**31), 2**31 - 1)
    assert (fields["b"].bounded_min, fields["b"].bounded_max) == (-(2**63), 2**63 - 1)
    assert (fields["c"].bounded_min, fields["c"].bounded_max) == (0, 2**63 - 1)


def test_decimal_precision_and_scale_reach_the_column() -> None:
    text = "fields:\n  a: decimal\n  b: {type: decimal, precision: 6, scale: 0, default: 5}\n"
    fields = {f.name: f for f in contexts({"reviews": text})["reviews"].fields}
    assert (fields["a"].precision, fields["a"].scale) == (10, 2)
    assert fields["a"].stack["column"] == "ExactDecimal(10, 2)"
    assert fields["b"].stack["column"] == "ExactDecimal(6, 0)"
    assert fields["b"].stack["default"] == 'Decimal("5")'


# --- production keys -----------------------------------------------------------------------


def test_a_write_invalidates_cached_resources_that_point_at_it_at_any_depth() -> None:
    built = contexts(
        {
            "courses": COURSES,
            "lessons": LESSONS + "cache: true\n",
            "lesson_progresses": LESSON_PROGRESSES + "cache: {ttl: 5}\n",
        }
    )
    courses, lessons, progresses = (
        built["courses"],
        built["lessons"],
        built["lesson_progresses"],
    )
    assert (courses.cached, lessons.cache_ttl, progresses.cache_ttl) == (False, 60, 5)
    assert courses.invalidates == ["lessons", "lesson_progresses"]
    assert lessons.invalidates == ["lessons", "lesson_progresses"]
    assert progresses.invalidates == ["lesson_progresses"]


def test_nothing_to_invalidate_without_a_cache() -> None:
    built = contexts({"courses": COURSES, "lessons": LESSONS})
    assert [c.invalidates for c in built.values()] == [[], []]


def test_audit_and_rate_limit_reach_the_context() -> None:
    built = contexts({"courses": COURSES + "audit: true\nrate_limit: 30/hour\n"})
    assert (built["courses"].audit, built["courses"].rate_limit) == (True, (30, "hour"))
    plain = contexts({"courses": COURSES})["courses"]
    assert (plain.audit, plain.rate_limit) == (False, None)


def test_resources_that_are_one_class_in_code_are_refused() -> None:
    first, second = "fields:\n  title: string\n", "fields:\n  name: string\n"
    assert errors({"item1s": first, "item_1s": second}) == [
        "specs/item1s.yaml:1:1: `item1s` and `item_1s` are both the class Item1 in code;"
        " rename one of them",
        "specs/item_1s.yaml:1:1: `item_1s` and `item1s` are both the class Item1 in code;"
        " rename one of them",
    ]


def test_a_range_filter_test_expects_records_on_both_sides_only_where_three_values_fit() -> None:
    fields = (
        "fields:\n  few: {type: integer, min: 1, max: 2, filter: true}\n"
        "  fixed: {type: float, min: 1.5, max: 1.5, filter: true}\n"
        "  many: {type: integer, min: 1, max: 3, filter: true}\n"
        "  free: {type: float, filter: true}\n"
    )
    spread = {f.name: f.spreads for f in contexts({"courses": fields})["courses"].fields}
    assert spread == {"few": False, "fixed": False, "many": True, "free": True}


def test_the_routes_table_says_what_each_route_takes_and_may_answer() -> None:
    """Every stack's controllers and tests print this table: method, path, body, status,
    rule and the errors besides a 422."""
    lessons = (
        "fields:\n  title: {type: string, unique: true}\n"
        "  course: {type: ref, on_delete: cascade, nested: true}\n"
        "auth: {list: public, read: public}\n"
    )
    built = contexts({"courses": COURSES, "lessons": lessons})
    table = [
        (r.action, r.method, r.item, r.nested and r.nested.name, r.body, r.status, r.errors)
        for r in built["lessons"].routes
    ]
    assert table == [
        ("list", "GET", False, None, None, 200, ()),
        ("read", "GET", True, None, None, 200, ("NOT_FOUND",)),
        ("create", "POST", False, None, "create", 201, ("CONFLICT",)),
        ("update", "PATCH", True, None, "update", 200, ("NOT_FOUND", "CONFLICT")),
        ("replace", "PUT", True, None, "create", 200, ("NOT_FOUND", "CONFLICT")),
        ("delete", "DELETE", True, None, None, 204, ("NOT_FOUND",)),
        ("list", "GET", False, "course_id", None, 200, ("NOT_FOUND",)),
        ("create", "POST", False, "course_id", "create", 201, ("NOT_FOUND", "CONFLICT")),
    ]
    protected = [r.method for r in built["lessons"].routes if r.rule.protected]
    assert protected == ["POST", "PATCH", "PUT", "DELETE", "POST"]
    # Lessons cascade with their course: nothing refuses a course's delete.
    assert built["courses"].route("delete").errors == ("NOT_FOUND",)


def test_no_refused_delete_test_through_a_ref_the_tests_leave_empty() -> None:
    """folders cascade from their box, but a box needs a folder first: the tests make the
    folder without one, so no test can delete a box to reach the notes' restrict."""
    built = contexts(
        {
            "folders": "fields:\n  box: {type: ref, required: false, on_delete: cascade}\n",
            "boxes": "fields:\n  folder: {type: ref, on_delete: cascade}\n",
            "notes": "fields:\n  folder: {type: ref, on_delete: restrict}\n",
        }
    )
    links = {names.plural: link for names, _, link in built["notes"].ancestors}
    assert "box_id" not in links["folders"]
    assert built["notes"].restricted_ancestors == []
