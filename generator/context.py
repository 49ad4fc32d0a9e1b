"""The stack-neutral view of resources that templates read. Decisions live here, not in Jinja.

Contexts are built for every generated resource at once: a reference needs its target, and a
parent learns which children point at it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator import samples
from generator.errors import Diagnostic, SpecError
from generator.naming import Names, plural_lookup, resolve_plural, snake_case
from generator.spec.model import (
    ACTIONS,
    FieldSpec,
    Pagination,
    ResourceSpec,
    parse_rate_limit,
)
from generator.stacks import Stack
from generator.types import INTEGER_RANGES, ORDERED_TYPES

ON_DELETE_SQL = {"cascade": "CASCADE", "set_null": "SET NULL", "restrict": "RESTRICT"}


@dataclass(frozen=True)
class Check:
    """A database CHECK constraint in portable SQL (identifiers double-quoted)."""

    name: str
    sql: str


@dataclass(frozen=True)
class Permission:
    """Who may do one action (list, read, create, update, delete), as the spec's `auth` says.

    `public`: anyone, signed in or not. Otherwise a valid token is needed (401 without), and
    `authenticated` lets every signed-in user through; else the user must hold one of `roles`
    or (with `owner`) have created the record (403 otherwise). The admin role always passes.
    """

    action: str
    public: bool = False
    authenticated: bool = False
    roles: tuple[str, ...] = ()
    owner: bool = False

    @property
    def protected(self) -> bool:
        """Needs a signed-in user: 401 without one."""
        return not self.public

    @property
    def roles_only(self) -> bool:
        """Decided by the user's roles alone, before the handler runs."""
        return self.protected and not self.authenticated and not self.owner


def _may_read(read: Permission, roles: list[str] | None) -> bool:
    """Whether a user with ``roles`` (None: anonymous) may read a record someone else
    made, by its resource's `read` rule."""
    if read.public:
        return True
    if roles is None:
        return False
    return read.authenticated or bool(set(roles) & set(read.roles))


def permission(action: str, entries: list[str]) -> Permission:
    """The Permission an `auth` rule's entries give; `authenticated` makes the rest moot."""
    if "public" in entries:
        return Permission(action, public=True)
    if "authenticated" in entries:
        return Permission(action, authenticated=True)
    roles = tuple(dict.fromkeys(e for e in entries if e != "owner"))
    return Permission(action, roles=roles, owner="owner" in entries)


def default_auth() -> dict[str, Permission]:
    """Without an `auth` key: reads are public, writes need a signed-in user."""
    return {
        action: permission(action, ["public" if action in ("list", "read") else "authenticated"])
        for action in ACTIONS
    }


@dataclass(frozen=True)
class Ref:
    """A field that points at another resource's id."""

    target: Names  # the referenced resource
    relation: str  # the relation's name: course (the field is course_id)
    on_delete: str  # cascade | set_null | restrict
    nested: bool  # also served under /<target>/{id}/<plural>
    target_soft_delete: bool  # the target is only marked deleted: on_delete never fires
    # Who may read the target: a record may point only at a parent its author may read, and
    # ?include= embeds only parents the reader may read.
    target_read: Permission = field(default_factory=lambda: Permission("read", public=True))
    target_owned: bool = False  # the target has owner_id (some rule of its says owner)
    # The ref closes a cycle of refs between tables (teams.captain -> members.team ->
    # teams): its foreign key is made after both tables (the stack's `cycle_column`).
    closes_cycle: bool = False

    @property
    def guarded(self) -> bool:
        """Not everyone may read the target: pointing at one or embedding it is checked."""
        return self.target_read.protected

    @property
    def on_delete_sql(self) -> str:
        return ON_DELETE_SQL[self.on_delete]


@dataclass(frozen=True)
class Child:
    """A resource that references this one."""

    names: Names
    field: str  # its column: course_id
    on_delete: str
    soft_delete: bool = False  # the child is only marked deleted too


@dataclass(frozen=True)
class Going:
    """The records of a resource a real delete takes along through cascades: those whose
    cascading refs (columns) point at the deleted record (parent None) or at the going
    records of a resource listed before."""

    names: Names
    refs: list[tuple[str, str | None]]


@dataclass(frozen=True)
class FieldContext:
    name: str  # in the API and the database: snake_case, `course_id` for a ref
    attr: str  # in code: the name, or name_ where the stack reserves it (`class_`)
    type: str
    required: bool  # must be given on create: required and no default
    nullable: bool  # may be null (column and API)
    has_default: bool
    default: Any
    unique: bool
    min: int | float | None
    max: int | float | None
    min_length: int | None
    max_length: int | None
    values: list[str] | None
    precision: int | None
    scale: int | None
    description: str | None
    filter: bool
    sort: bool
    read_only: bool  # shown, never taken from a request body
    checks: list[Check]
    # The stack's spelling of the type: python, schema, column, default (expression), ...
    stack: dict[str, str]
    enum_type: str | None = None
    ref: Ref | None = None

    @property
    def aliased(self) -> bool:
        return self.attr != self.name

    @property
    def bounded_min(self) -> int | float | None:
        """Lower bound the API enforces (integers are kept inside their column's range)."""
        if self.type in INTEGER_RANGES and self.min is None:
            return INTEGER_RANGES[self.type][0]
        return self.min

    @property
    def bounded_max(self) -> int | float | None:
        if self.type in INTEGER_RANGES and self.max is None:
            return INTEGER_RANGES[self.type][1]
        return self.max

    @property
    def storage_range(self) -> tuple[int, int] | None:
        """The values an integer column can hold: a filter outside it is a 422, not a
        database error."""
        return INTEGER_RANGES.get(self.type)

    @property
    def filter_ops(self) -> list[str]:
        """Query-string suffixes this field filters by: "" (equals), _gte, _lte, _in."""
        if not self.filter:
            return []
        ops = [""]
        if self.type in ORDERED_TYPES:
            ops += ["_gte", "_lte"]
        if self.type == "enum":
            ops.append("_in")
        return ops


@dataclass(frozen=True)
class WiredResource:
    """What the wiring templates (the route list) get of each resource: the routes it
    adds. Small on purpose: a run keeps it for every resource it does not render again."""

    names: Names
    nested: tuple[str, ...]  # relations whose nested routes it adds (lessons: "course")
    rate_limit: tuple[int, str] | None  # its own budget (spec `rate_limit`), if any


@dataclass(frozen=True)
class ResourceContext:
    names: Names
    spec_path: str
    description: str
    fields: list[FieldContext]
    pagination: Pagination
    timestamps: bool
    soft_delete: bool
    search: list[FieldContext]
    imports: dict[str, list[str]]  # per file role, from the stack's type map
    samples: dict[str, Any]
    checks: list[Check] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    # Resources to create first in tests, parents before children: (names, payload, links)
    # where links maps a ref field to the ancestor whose id it takes.
    ancestors: list[tuple[Names, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    # Who may do what, by action: list, read, create, update, delete.
    auth: dict[str, Permission] = field(default_factory=lambda: default_auth())
    # Some rule says `owner`: records have an owner (the creator), in owner_id.
    uses_owner: bool = False
    # Seconds reads are cached (spec `cache`), None when they are not.
    cache_ttl: int | None = None
    # Cache namespaces a write to this resource makes stale: its own when cached, and those of
    # cached resources that point at it (their reads embed it; its deletes cascade to them).
    invalidates: list[str] = field(default_factory=list)
    # Parents (plurals) whose refs lead back to this resource: their modules and this one
    # would import each other, so the import of such a parent comes last. Filled in by _link.
    cyclic_parents: list[str] = field(default_factory=list)
    # Refs the generated tests leave empty: to the resource itself, or to a parent that
    # needs a record of this resource first (a cycle). Filled in by _link.
    unfilled_refs: list[str] = field(default_factory=list)
    # For each filled ref: what deleting the parent the tests made does to the test record
    # ("restrict": refused, "cascade": deleted, "set_null": cleared), and the optional refs
    # to the same parent the test empties first. Filled in by _link.
    parent_deletions: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    # What a hard delete can be refused for (409), in words: the children that restrict it
    # and those restricting the children the database deletes with it ("flags (through
    # lessons)"). Filled in by _link.
    delete_blockers: list[str] = field(default_factory=list)
    # The resources a real delete of a record deletes along (cascades, transitively).
    # Filled in by _link.
    cascaded: list[str] = field(default_factory=list)
    # Ancestors whose hard delete this resource's restrict refs refuse through a cascade:
    # (the ref, the parent's cascading ref, the ancestor, the optional refs its test leaves
    # empty). Filled in by _link.
    restricted_ancestors: list[tuple[str, str, Names, list[str]]] = field(default_factory=list)
    # Restricts deeper in a real delete's cascade the app checks itself, as
    # checked_restricts one level down: (the restricting child, the resource it points at,
    # whose going records `going` describes). Filled in by _link.
    deep_restricts: list[tuple[Child, str]] = field(default_factory=list)
    going: list[Going] = field(default_factory=list)
    # Every write records an audit log entry (spec `audit`).
    audit: bool = False
    # Requests per client to this resource's routes, as (amount, "minute"|"hour"|"day"),
    # instead of the project's default (spec `rate_limit`).
    rate_limit: tuple[int, str] | None = None

    @property
    def cached(self) -> bool:
        return self.cache_ttl is not None

    @property
    def owner_nullable(self) -> bool:
        """Anonymous users may create, so a record may have no owner."""
        return self.uses_owner and self.auth["create"].public

    @property
    def protected_actions(self) -> list[str]:
        return [action for action, p in self.auth.items() if p.protected]

    @property
    def cursor(self) -> bool:
        return self.pagination.style == "cursor"

    @property
    def enums(self) -> list[FieldContext]:
        return [f for f in self.fields if f.enum_type]

    @property
    def refs(self) -> list[FieldContext]:
        return [f for f in self.fields if f.ref]

    @property
    def filled_refs(self) -> list[FieldContext]:
        """Refs the generated tests fill with a parent they make first (see unfilled_refs)."""
        return [f for f in self.refs if f.name not in self.unfilled_refs]

    def refs_to(self, target: Names) -> list[str]:
        """The ref fields that point at ``target``."""
        return [f.name for f in self.refs if f.ref and f.ref.target == target]

    @property
    def nested_refs(self) -> list[FieldContext]:
        return [f for f in self.refs if f.ref and f.ref.nested]

    @property
    def wired(self) -> WiredResource:
        relations = tuple(f.ref.relation for f in self.nested_refs if f.ref)
        return WiredResource(self.names, relations, self.rate_limit)

    @property
    def guarded_refs(self) -> list[FieldContext]:
        """Refs to parents not everyone may read (see Ref.target_read)."""
        return [f for f in self.refs if f.ref and f.ref.guarded]

    @property
    def owned_parent_refs(self) -> list[FieldContext]:
        """Guarded refs to other resources whose owner may read them: a generated test's
        writer is made the owner of the parents its records point at."""
        return [
            f
            for f in self.guarded_refs
            if f.ref and f.ref.target_read.owner and f.name not in self.unfilled_refs
        ]

    @property
    def parent_reader_roles(self) -> list[str]:
        """Roles that let a generated test's writer read the other guarded parents (those
        whose rule names roles but not the owner)."""
        owned = self.owned_parent_refs
        roles = [
            r
            for f in self.guarded_refs
            if f.ref and f not in owned and f.name not in self.unfilled_refs
            for r in f.ref.target_read.roles
        ]
        return [r for r in dict.fromkeys(roles) if r != "admin"]

    def _refused_by_parents(self, action: str) -> list[tuple[FieldContext, list[str] | None]]:
        """Guarded refs a test can prove for `action`, each with the roles of a user whom the
        action's rule lets through without owning anything but the parent's `read` rule
        refuses (None: an anonymous user)."""
        rule = self.auth[action]
        cases: list[tuple[FieldContext, list[str] | None]] = []
        for f in self.guarded_refs:
            assert f.ref is not None
            if f.name in self.unfilled_refs:
                continue
            read = f.ref.target_read
            if rule.public:
                cases.append((f, None))
            elif read.authenticated:
                continue  # every signed-in user may read it
            elif rule.authenticated:
                cases.append((f, []))
            else:
                roles = [r for r in rule.roles if r not in read.roles and r != "admin"]
                if roles:
                    cases.append((f, roles[:1]))
        return cases

    @property
    def unreadable_parent_writers(
        self,
    ) -> list[tuple[FieldContext, list[str] | None, list[str]]]:
        """Guarded refs with a writer who may create here but not read the parent, and the
        refs to other parents that writer may not read either, which the test leaves empty
        (so the refusal it sees is this ref's). Where one of those is required, no test."""
        cases = []
        for f, roles in self._refused_by_parents("create"):
            assert f.ref is not None
            others = [
                g
                for g in self.guarded_refs
                if g.ref
                and g.ref.target != f.ref.target
                and g.name not in self.unfilled_refs
                and not _may_read(g.ref.target_read, roles)
            ]
            if not any(g.required for g in others):
                cases.append((f, roles, [g.name for g in others]))
        return cases

    @property
    def unreadable_parent_readers(self) -> list[tuple[FieldContext, list[str] | None, bool]]:
        """Guarded refs with a reader who may read records here but not the parent, and
        whether that reader may list them too (both must leave the parent out)."""
        listing = self._refused_by_parents("list")
        return [(f, roles, (f, roles) in listing) for f, roles in self._refused_by_parents("read")]

    @property
    def unreadable_nested_parents(self) -> list[tuple[FieldContext, list[str] | None, str]]:
        """Nested routes under a guarded parent, each with a user the child's rule lets
        through but the parent's refuses, and the action (list, create): a 404 for them."""
        return [
            (f, roles, action)
            for action in ("list", "create")
            for f, roles in self._refused_by_parents(action)
            if f.ref and f.ref.nested
        ]

    @property
    def user_writes(self) -> list[str]:
        """Write actions whose service method takes the signed-in user: every write when
        audited (the actor), create and update when a
        ref's parent must be readable by the writer, and the actions owner rules decide."""
        actions = set()
        if self.audit:
            actions |= {"create", "update", "delete"}
        if self.guarded_refs:
            actions |= {"create", "update"}
        actions |= {a for a in ("update", "delete") if self.auth[a].owner}
        return [a for a in ("create", "update", "delete") if a in actions]

    @property
    def user_routes(self) -> list[str]:
        """Actions whose routes take the signed-in user (None when anonymous, on a public
        rule) and hand them to the service: user_writes; create when records have an owner
        (owner_id=user.id); list and read under an owner rule; and list and read when
        `?include=` may embed a guarded parent, for only the readable ones are embedded."""
        actions = set(self.user_writes)
        if self.uses_owner:
            actions.add("create")
        actions |= {a for a in ("list", "read") if self.auth[a].owner or self.guarded_refs}
        return [a for a in ACTIONS if a in actions]

    @property
    def unique_fields(self) -> list[FieldContext]:
        return [f for f in self.fields if f.unique]

    @property
    def table(self) -> dict[str, Any]:
        """The resource's table as the schema snapshot records it (generator/schema.py):
        what its migrations are made of."""
        from generator.schema import table

        return table(self)

    @property
    def column_indexes(self) -> dict[str, str]:
        """The single-column indexes of the table, by column: "unique" (a unique
        constraint), "live_unique" (unique among the rows not deleted) or "index". The
        models read them here, so models and migrations agree."""
        table = self.table
        found = {u["columns"][0]: "unique" for u in table["uniques"] if len(u["columns"]) == 1}
        for index in table["indexes"]:
            if len(index["columns"]) == 1:
                kind = "live_unique" if index.get("where") else "unique"
                found[index["columns"][0]] = kind if index["unique"] else "index"
        return found

    @property
    def live_unique_fields(self) -> list[FieldContext]:
        """Fields unique among the rows not deleted (a partial unique index)."""
        indexed = self.column_indexes
        return [f for f in self.fields if indexed.get(f.name) == "live_unique"]

    @property
    def writable_fields(self) -> list[FieldContext]:
        """The fields a request body may set (not read_only)."""
        return [f for f in self.fields if not f.read_only]

    @property
    def non_nullable_fields(self) -> list[FieldContext]:
        """Writable fields that may not be set to null."""
        return [f for f in self.writable_fields if not f.nullable]

    @property
    def filters(self) -> list[FieldContext]:
        return [f for f in self.fields if f.filter]

    @property
    def sort_fields(self) -> list[str]:
        """What ?sort= accepts: declared sort fields, then the timestamps."""
        names = [f.name for f in self.fields if f.sort]
        return names + (["created_at", "updated_at"] if self.timestamps else ["id"])

    @property
    def sort_types(self) -> dict[str, str]:
        """The spec type of each field ?sort= accepts."""
        types = {f.name: f.type for f in self.fields}
        return {
            key: types.get(key, "uuid" if key == "id" else "datetime") for key in self.sort_fields
        }

    @property
    def unstorable_sort_values(self) -> dict[str, str]:
        """Per sort key, JSON text of a value its column cannot hold (crafted cursors)."""
        return {key: samples.unstorable_json(kind) for key, kind in self.sort_types.items()}

    @property
    def default_sort(self) -> str:
        return "created_at" if self.timestamps else "id"

    @property
    def restricting_children(self) -> list[Child]:
        return [c for c in self.children if c.on_delete == "restrict"]

    @property
    def checked_restricts(self) -> list[Child]:
        """Restricting children the app checks itself before a delete: all of them when the
        delete only marks the record (the row stays, no ON DELETE fires); for a real delete,
        those whose records the same delete may also take along (a cascade to them,
        directly or through others), where the database would delete or refuse by the
        order of its constraints (PostgreSQL and SQLite differ) and the contract says a
        restrict refuses."""
        if self.soft_delete:
            return self.restricting_children
        return [c for c in self.restricting_children if c.names.plural in self.cascaded]

    @property
    def checks_references(self) -> bool:
        """The service looks for restricting records before it deletes."""
        return bool(self.checked_restricts or self.deep_restricts)

    @property
    def delete_conflicts(self) -> list[str]:
        """What a DELETE can be refused for (409), in words: a soft delete checks the
        children that restrict it itself; a hard delete meets delete_blockers in the
        database."""
        if self.soft_delete:
            return [c.names.human_plural for c in self.restricting_children]
        return self.delete_blockers

    @property
    def soft_cascades(self) -> list[Child]:
        """Children a soft delete of this resource soft-deletes too (cascade, soft-deleting)."""
        if not self.soft_delete:
            return []
        return [c for c in self.children if c.on_delete == "cascade" and c.soft_delete]

    @property
    def soft_set_nulls(self) -> list[Child]:
        """Children whose reference a soft delete of this resource clears (set_null)."""
        return [c for c in self.children if c.on_delete == "set_null"] if self.soft_delete else []

    @property
    def hidden_with_parent(self) -> list[FieldContext]:
        """Refs whose soft-deleted parent hides this record (cascade; this resource cannot
        be marked deleted itself, so its queries leave such records out)."""
        if self.soft_delete:
            return []
        return [
            f
            for f in self.refs
            if f.ref and f.ref.target_soft_delete and f.ref.on_delete == "cascade"
        ]

    @property
    def query_params(self) -> list[str]:
        """Every query parameter the list endpoint accepts."""
        params = ["cursor", "limit"] if self.cursor else ["page", "limit"]
        params += ["sort"] if self.sort_fields else []
        params += ["q"] if self.search else []
        params += [f.name + op for f in self.filters for op in f.filter_ops]
        return params


def build_contexts(
    specs: dict[str, tuple[ResourceSpec, str]], stack: Stack, build: set[str] | None = None
) -> dict[str, ResourceContext]:
    """Contexts of every resource (plural -> (spec, spec path)); refs must resolve. With
    ``build``, only those resources get a context (it must hold every resource connected to
    one it holds by refs: see connected_groups); the names of all are still checked."""
    diagnostics: list[Diagnostic] = []
    targets = {plural: spec.names for plural, (spec, _) in specs.items()}
    lookup = plural_lookup(targets.values())
    contexts: dict[str, ResourceContext] = {}
    built = {p: specs[p] for p in specs if build is None or p in build}
    closers = _cycle_closers(built, lookup)
    by_class: dict[str, list[str]] = {}
    for plural, names in targets.items():
        by_class.setdefault(names.class_name, []).append(plural)
    for plural, (spec, spec_path) in specs.items():
        problem = stack.resource_name_problem(targets[plural])
        if problem:
            diagnostics.append(
                spec.diagnostic(
                    ("resource",),
                    f"`{plural}` cannot be a resource in this project: {problem}; name it"
                    " after what it is to you (e.g. customers, members)",
                )
            )
            continue
        clash = next((o for o in by_class[targets[plural].class_name] if o != plural), None)
        if clash is not None:
            diagnostics.append(
                spec.diagnostic(
                    ("resource",),
                    f"`{plural}` and `{clash}` are both the class {targets[plural].class_name}"
                    " in code; rename one of them",
                )
            )
            continue
        if plural not in built:
            continue
        refs: dict[str, Ref] = {}
        for name, f in spec.normalised_fields().items():
            if f.type != "ref":
                continue
            target_plural = resolve_plural(f.to or name, lookup)
            if target_plural not in targets:
                target = Names.from_name(f.to or name)
                known = ", ".join(sorted(targets)) or "none"
                loc = ("fields", spec.raw_field_name(name), "to" if f.to else "type")
                diagnostics.append(
                    spec.diagnostic(
                        loc,
                        f"ref to unknown resource {target.singular!r}; write"
                        f" specs/{target.plural}.yaml and generate it too (known: {known})",
                    )
                )
                continue
            target = targets[target_plural]
            problem = _ref_problem(spec, name, f, target, refs, stack)
            if problem:
                diagnostics.append(spec.diagnostic(("fields", spec.raw_field_name(name)), problem))
                continue
            refs[name] = Ref(
                target=target,
                relation=name.removesuffix("_id"),
                on_delete=f.on_delete or "restrict",
                nested=f.nested,
                target_soft_delete=specs[target.plural][0].soft_delete,
                target_read=permission("read", specs[target.plural][0].auth.entries("read")),
                target_owned=specs[target.plural][0].auth.uses_owner,
                closes_cycle=(plural, name) in closers,
            )
        contexts[plural] = _resource(spec, spec_path, stack, refs)
    diagnostics += _required_cycles(contexts, built)
    if diagnostics:
        raise SpecError(diagnostics)
    _link(contexts, built)
    return contexts


def connected_groups(specs: dict[str, tuple[ResourceSpec, str]]) -> list[set[str]]:
    """The resources in groups connected by refs (either way): a resource's context depends
    on its group's specs only, so a group whose specs did not change need not be built."""
    lookup = plural_lookup(spec.names for spec, _ in specs.values())
    group_of: dict[str, set[str]] = {}
    for plural, (spec, _) in specs.items():
        group = group_of.setdefault(plural, {plural})
        for target in spec.ref_targets(lookup).values():
            other = group_of.setdefault(target, {target}) if target in specs else group
            if other is not group:
                if len(other) > len(group):
                    group, other = other, group
                group |= other
                for member in other:
                    group_of[member] = group
    unique = {id(g): g for g in group_of.values()}
    return sorted(unique.values(), key=min)


def _ref_problem(
    spec: ResourceSpec,
    name: str,
    field: FieldSpec,
    target: Names,
    earlier: dict[str, Ref],
    stack: Stack,
) -> str | None:
    """What makes a ref field impossible to generate, if anything."""
    relation = name.removesuffix("_id")
    column = f"{relation}_id"
    if relation in stack.reserved_names:
        return f"a ref cannot be named `{relation}` in this stack; name it after its role"
    if column != name and column in spec.normalised_fields():
        return f"this ref's column `{column}` is also a field of its own; rename one"
    if field.required and target.plural == spec.names.plural:
        return "a required ref to its own resource can never be met: add `required: false`"
    nested_twice = [r for r in earlier.values() if r.nested and r.target == target]
    if field.nested and nested_twice:
        return f"only one ref to {target.singular} can be nested (it gives one route)"
    return None


def _cycle_closers(
    specs: dict[str, tuple[ResourceSpec, str]], lookup: dict[str, str]
) -> set[tuple[str, str]]:
    """(resource, ref field) of the refs that close a cycle between resources (a ref to its
    own resource makes no cycle of tables). Only optional refs close one: within each group
    of resources that point at each other, the tables are ordered so that required refs
    point backwards (such cycles are refused elsewhere), then by name; the refs pointing
    forwards in that order are the closers."""
    edges = {  # plural -> [(ref field, target, required)]
        plural: [
            (name, target, spec.normalised_fields()[name].required)
            for name, target in spec.ref_targets(lookup).items()
            if target != plural and target in specs
        ]
        for plural, (spec, _) in specs.items()
    }
    closers: set[tuple[str, str]] = set()
    for group in _strongly_connected({p: [t for _, t, _ in refs] for p, refs in edges.items()}):
        order = _required_first(group, edges)
        for plural in group:
            for name, target, _ in edges[plural]:
                if target in group and order[target] > order[plural]:
                    closers.add((plural, name))
    return closers


def _strongly_connected(graph: dict[str, list[str]]) -> list[set[str]]:
    """The groups of more than one node that reach each other (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: set[str] = set()
            while node not in group:
                group.add(stack.pop())
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _required_first(
    group: set[str], edges: dict[str, list[tuple[str, str, bool]]]
) -> dict[str, int]:
    """Positions of ``group``'s resources: the target of a required ref before its holder,
    otherwise by name."""
    order: dict[str, int] = {}

    def place(plural: str, seen: frozenset[str]) -> None:
        for _, target, required in edges[plural]:
            if required and target in group and target not in order and target not in seen:
                place(target, seen | {plural})
        order.setdefault(plural, len(order))

    for plural in sorted(group):
        place(plural, frozenset())
    return order


def _required_cycles(
    contexts: dict[str, ResourceContext], specs: dict[str, tuple[ResourceSpec, str]]
) -> list[Diagnostic]:
    """Resources whose required refs lead back to themselves (teams.captain -> members,
    members.team -> teams): no first record of any of them can be made. Each cycle is
    reported once, at its first ref, by the resource first in name order."""
    problems: list[Diagnostic] = []
    reported: set[frozenset[str]] = set()
    for plural in sorted(contexts):
        path = _required_path(contexts, plural, plural, [])
        if path is None or frozenset(p for p, _ in path) in reported:
            continue
        reported.add(frozenset(p for p, _ in path))
        spec = specs[plural][0]
        chain = " -> ".join(f"{p}.{f}" for p, f in path) + f" -> {plural}"
        field_name = next(  # the spec's own spelling of the ref (`captain` for captain_id)
            n for n in spec.normalised_fields() if f"{n.removesuffix('_id')}_id" == path[0][1]
        )
        problems.append(
            spec.diagnostic(
                ("fields", spec.raw_field_name(field_name)),
                f"these required refs lead back to {plural} ({chain}): no first record could"
                " ever be made; make one of them `required: false`",
            )
        )
    return problems


def _required_path(
    contexts: dict[str, ResourceContext], start: str, at: str, path: list[tuple[str, str]]
) -> list[tuple[str, str]] | None:
    """(resource, ref field) steps along required refs from `at` back to `start`, if any."""
    for f in contexts[at].refs:
        if f.ref is None or not f.required or f.ref.target.plural not in contexts:
            continue
        step = [*path, (at, f.name)]
        target = f.ref.target.plural
        if target == start:
            return step
        if all(p != target for p, _ in step):
            found = _required_path(contexts, start, target, step)
            if found is not None:
                return found
    return None


def build_resource(spec: ResourceSpec, spec_path: str, stack: Stack) -> ResourceContext:
    """The context of one resource on its own (its refs must point at itself, if any)."""
    plural = spec.names.plural
    return build_contexts({plural: (spec, spec_path)}, stack)[plural]


def describe(spec: ResourceSpec) -> dict[str, Any]:
    """The resource as plain data for stack-neutral tools (the HTTP conformance suite)."""
    names = spec.names
    return {
        "resource": names.singular,
        "plural": names.kebab_plural,
        "fields": normalised_field_data(spec),
        "pagination": spec.pagination.model_dump(),
    }


def normalised_field_data(spec: ResourceSpec) -> dict[str, dict[str, Any]]:
    """Plain field dicts with every key present, as generator.samples and the conformance
    suite take them (string fields carry their effective max_length). Refs are left out:
    their values are ids of records that exist only at run time."""
    return {
        name: {
            "type": f.type,
            "required": f.required,
            "default": f.default,
            "unique": f.unique,
            "min": f.min,
            "max": f.max,
            "min_length": f.min_length,
            "max_length": f.effective_max_length,
            "values": f.values,
            "precision": f.decimal_precision if f.type == "decimal" else None,
            "scale": f.decimal_scale if f.type == "decimal" else None,
            "description": f.description,
            "read_only": f.read_only,
        }
        for name, f in spec.normalised_fields().items()
        if f.type != "ref"
    }


def _resource(
    spec: ResourceSpec, spec_path: str, stack: Stack, refs: dict[str, Ref]
) -> ResourceContext:
    names = spec.names
    literal = stack.language.filters["literal"]
    fields = [
        _field(name, f, names, stack, literal, refs.get(name))
        for name, f in spec.normalised_fields().items()
    ]
    imports: dict[str, set[str]] = {}
    for f in fields:
        for role, specs in stack.types[f.type].get("imports", {}).items():
            imports.setdefault(role, set()).update(specs)
    by_name = {f.name: f for f in fields}
    return ResourceContext(
        names=names,
        spec_path=spec_path,
        description=spec.description or f"{names.human_plural.capitalize()}.",
        fields=fields,
        pagination=spec.pagination,
        timestamps=spec.timestamps,
        soft_delete=spec.soft_delete,
        search=[by_name[snake_case(n)] for n in spec.search],
        imports={role: sorted(specs) for role, specs in imports.items()},
        samples=_samples(spec),
        checks=[check for f in fields for check in f.checks],
        auth={action: permission(action, spec.auth.entries(action)) for action in ACTIONS},
        uses_owner=spec.auth.uses_owner,
        cache_ttl=spec.cache.ttl if spec.cache else None,
        audit=spec.audit,
        rate_limit=parse_rate_limit(spec.rate_limit) if spec.rate_limit else None,
    )


def _link(contexts: dict[str, ResourceContext], specs: dict[str, tuple[ResourceSpec, str]]) -> None:
    """Tell each parent about its children, and each child which ancestors its tests create."""
    for context in contexts.values():
        for f in context.refs:
            assert f.ref is not None
            parent = contexts[f.ref.target.plural]
            parent.children.append(
                Child(context.names, f.name, f.ref.on_delete, context.soft_delete)
            )
    # What must exist before a record of each resource is made (its required refs, on).
    needs = {p: _reachable(c, contexts, required=True) for p, c in contexts.items()}
    for context in contexts.values():
        filled = _fillable(context, needs)
        context.unfilled_refs.extend(f.name for f in context.refs if f not in filled)
        context.ancestors.extend(_ancestors(context, contexts, needs))
        context.parent_deletions.update(_parent_deletions(context, contexts))
        context.invalidates.extend(
            c.names.plural for c in _descendants(context, contexts) if c.cached
        )
        context.delete_blockers.extend(_delete_blockers(context, contexts))
        context.cascaded.extend(_cascaded(context, contexts))
        if not context.soft_delete:
            deep, going = _restricts_along(context, contexts)
            context.deep_restricts.extend(deep)
            context.going.extend(going)
        context.cyclic_parents.extend(
            plural
            for plural in dict.fromkeys(f.ref.target.plural for f in context.refs if f.ref)
            if plural != context.names.plural
            and context.names.plural in _reachable(contexts[plural], contexts)
        )
        for f in context.refs:
            assert f.ref is not None
            parent = contexts[f.ref.target.plural]
            if f.ref.on_delete != "restrict" or parent.names.plural == context.names.plural:
                continue
            for g in parent.refs:
                if not (
                    g.ref
                    and g.ref.on_delete == "cascade"
                    and g.ref.target.plural not in (parent.names.plural, context.names.plural)
                    and not contexts[g.ref.target.plural].soft_delete
                ):
                    continue
                # The record must not go with the same delete through another ref (to the
                # parent or the ancestor): the database would then decide by the order of
                # its constraints. Optional such refs are left empty; required ones leave
                # no test to write.
                if any(
                    (r, a.plural) == (f.name, g.ref.target.plural)
                    for r, _, a, _ in context.restricted_ancestors
                ):
                    continue  # one test per ancestor: the tests make one record of each
                reached = (parent.names.plural, g.ref.target.plural)
                others = [
                    h
                    for h in context.refs
                    if h is not f and h.ref and h.ref.target.plural in reached
                ]
                if any(h.required for h in others):
                    continue
                emptied = [h.name for h in others]
                context.restricted_ancestors.append((f.name, g.name, g.ref.target, emptied))


def _cascaded(context: ResourceContext, contexts: dict[str, ResourceContext]) -> list[str]:
    """The resources the database deletes along with a record of ``context``."""
    return list(_walk(context, contexts, lambda child: child.on_delete == "cascade"))


def _restricts_along(
    context: ResourceContext, contexts: dict[str, ResourceContext]
) -> tuple[list[tuple[Child, str]], list[Going]]:
    """The restricts below a real delete whose holders the same delete may also take along
    (so the database would decide by the order of its constraints, and the contract says a
    restrict refuses), and how to find the going records they point at. A resource's
    going records are found along its cascading refs to the deleted record and to the
    going records of others: every path where the cascades form no cycle, and the paths
    around a cycle up to where they would come back to a resource (a self-referencing
    cascade's chain of records among them) are not followed."""
    deleted = context.names.plural
    found = [p for p in _cascaded(context, contexts) if p != deleted]
    may_go = {deleted, *found}
    parents = {
        plural: {
            f.attr: f.ref.target.plural
            for f in contexts[plural].refs
            if f.ref and f.ref.on_delete == "cascade" and f.ref.target.plural in may_go
        }
        for plural in found
    }
    # Parents first; where a cycle leaves none whose parents are all placed, one with a
    # placed parent goes next, with the refs it can use.
    order: list[str] = []
    refs: dict[str, list[tuple[str, str | None]]] = {}
    while len(order) < len(found):
        placed = {deleted, *order}
        waiting = [p for p in found if p not in refs]
        plural = next(
            (p for p in waiting if set(parents[p].values()) <= placed),
            next(p for p in waiting if set(parents[p].values()) & placed),
        )
        order.append(plural)
        refs[plural] = [
            (attr, None if parent == deleted else parent)
            for attr, parent in parents[plural].items()
            if parent in placed
        ]
    deep = [
        (child, plural)
        for plural in order
        for child in contexts[plural].restricting_children
        if child.names.plural in may_go
    ]
    needed = {plural for _, plural in deep}
    for plural in reversed(order):
        if plural in needed:
            needed.update(parent for _, parent in refs[plural] if parent)
    going = [Going(contexts[p].names, refs[p]) for p in order if p in needed]
    return deep, going


def _descendants(
    context: ResourceContext, contexts: dict[str, ResourceContext]
) -> list[ResourceContext]:
    """The resource, the resources that point at it, those that point at them, and so on."""
    reached = _walk(context, contexts, lambda child: True)
    return [context, *(c for p, c in reached.items() if p != context.names.plural)]


def _walk(
    context: ResourceContext,
    contexts: dict[str, ResourceContext],
    follow: Callable[[Child], bool],
) -> dict[str, ResourceContext]:
    """The resources reached from ``context`` down the children ``follow`` takes, in the
    order found (``context`` itself only if a way leads back to it)."""
    found: dict[str, ResourceContext] = {}
    waiting = [context]
    while waiting:
        for child in waiting.pop().children:
            if follow(child) and child.names.plural not in found:
                found[child.names.plural] = contexts[child.names.plural]
                waiting.append(found[child.names.plural])
    return found


def _reachable(
    context: ResourceContext, contexts: dict[str, ResourceContext], required: bool = False
) -> set[str]:
    """The resources `context`'s refs lead to, directly or through other resources (with
    `required`, through required refs only: what must exist before a record is made)."""
    found: set[str] = set()
    stack = [context]
    while stack:
        for f in stack.pop().refs:
            target = f.ref.target.plural if f.ref and (f.required or not required) else None
            if target is not None and target not in found:
                found.add(target)
                stack.append(contexts[target])
    return found


def _delete_blockers(
    context: ResourceContext,
    contexts: dict[str, ResourceContext],
    via: Names | None = None,
    seen: frozenset[str] = frozenset(),
) -> list[str]:
    """Children whose `restrict` refuses a hard delete of `context`'s records: its own, then
    (recursively) those of the children a cascade deletes with them, named with the child
    they point at."""
    seen = seen | {context.names.plural}
    found: list[str] = []
    for child in context.children:
        if child.on_delete == "restrict":
            found.append(
                child.names.human_plural + (f" (through {via.human_plural})" if via else "")
            )
        elif child.on_delete == "cascade" and child.names.plural not in seen:
            found += _delete_blockers(contexts[child.names.plural], contexts, child.names, seen)
    return list(dict.fromkeys(found))


def _fillable(resource: ResourceContext, needs: dict[str, set[str]]) -> list[FieldContext]:
    """The refs of `resource` a test can fill with a parent made first: not a ref to its
    own resource, nor one to a parent that needs a record of `resource` to exist (a cycle
    of refs, which one optional ref closes), required refs first."""
    refs = sorted(resource.refs, key=lambda f: not f.required)
    return [
        f
        for f in refs
        if f.ref is not None
        and f.ref.target.plural != resource.names.plural
        and resource.names.plural not in needs[f.ref.target.plural]
    ]


def _parent_deletions(
    context: ResourceContext, contexts: dict[str, ResourceContext]
) -> dict[str, tuple[str, list[str]]]:
    """What deleting each filled ref's parent does to a test record: the tests make one
    record of each ancestor and point every ref to a resource at it, so the refs of those
    records decide too (a restrict anywhere on the way refuses; a cascade takes its holder
    along, whose own holders then decide)."""
    outcomes: dict[str, tuple[str, list[str]]] = {}
    ancestor_refs = [
        (names.plural, g.ref.target.plural, g.ref.on_delete)
        for names, _, links in context.ancestors
        for g in contexts[names.plural].refs
        if g.ref is not None and g.name in links
    ]
    for ref in context.filled_refs:
        assert ref.ref is not None
        target = ref.ref.target.plural
        emptied = [
            f.name
            for f in context.filled_refs
            if f.ref and f.ref.target.plural == target and f.name != ref.name and not f.required
        ]
        edges = ancestor_refs + [
            ("", f.ref.target.plural, f.ref.on_delete)  # "": the test record
            for f in context.filled_refs
            if f.ref and f.name not in emptied
        ]
        if contexts[target].soft_delete:
            soft = {p for p, c in contexts.items() if c.soft_delete}
            outcome = _soft_deletion_outcome(target, edges, soft, context.soft_delete)
        else:
            outcome = _deletion_outcome(target, edges)
        outcomes[ref.name] = (outcome, emptied)
    return outcomes


def _soft_deletion_outcome(
    deleted: str, edges: list[tuple[str, str, str]], soft: set[str], record_soft: bool
) -> str:
    """As _deletion_outcome, for a parent that is only marked deleted: the database's ON
    DELETE never fires, so only its own children count (one level): a restrict refuses, a
    cascade marks a soft-deleting child deleted or hides the other kind with it. A child
    that is not soft-deleting hides with a soft-deleting parent so marked, too."""
    if any(target == deleted and action == "restrict" for _, target, action in edges):
        return "restrict"
    taken = {
        holder for holder, target, action in edges if target == deleted and action == "cascade"
    }
    if "" in taken:
        return "cascade"
    hidden_by = {holder for holder in taken if holder in soft} if not record_soft else set()
    if any(h == "" and t in hidden_by and a == "cascade" for h, t, a in edges):
        return "cascade"
    return "set_null"


def _deletion_outcome(deleted: str, edges: list[tuple[str, str, str]]) -> str:
    """Deleting the record of ``deleted`` among records that point at each other (holder,
    target, on_delete): "restrict" if refused, "cascade" if the test record ("") goes with
    it, else "set_null"."""
    gone, queue = {deleted}, [deleted]
    while queue:
        record = queue.pop()
        for holder, target, action in edges:
            if target == record and action == "cascade" and holder not in gone:
                gone.add(holder)
                queue.append(holder)
    # A restrict refuses even where a cascade of the same delete would take its holder.
    if any(target in gone and action == "restrict" for _, target, action in edges):
        return "restrict"
    return "cascade" if "" in gone else "set_null"


def _ancestors(
    context: ResourceContext, contexts: dict[str, ResourceContext], needs: dict[str, set[str]]
) -> list[tuple[Names, dict[str, Any], dict[str, str]]]:
    """Every resource a test must create before this one, parents before children."""
    ordered: list[tuple[Names, dict[str, Any], dict[str, str]]] = []
    seen: set[str] = {context.names.plural}

    found: list[ResourceContext] = []  # parents before children, along the refs followed

    def visit(resource: ResourceContext) -> None:
        for f in _fillable(resource, needs):
            assert f.ref is not None
            parent = contexts[f.ref.target.plural]
            if parent.names.plural in seen or context.names.plural in needs[parent.names.plural]:
                continue  # made already, or it needs a record of this one (left empty)
            seen.add(parent.names.plural)
            visit(parent)
            found.append(parent)

    visit(context)
    # A parent reached again through a cycle of optional refs can come out before one it
    # requires: keep that order where it holds, and move each resource after the ones its
    # required refs point at (they form no cycle: such specs are refused).
    waiting = list(found)
    while waiting:
        created = {names.plural for names, _, _ in ordered}
        ready = next(
            r
            for r in waiting
            if all(f.ref.target.plural in created for f in r.refs if f.ref and f.required)
        )
        waiting.remove(ready)
        links = {  # refs to records made before this one; others (cycles) stay empty
            g.name: g.ref.target.plural
            for g in ready.refs
            if g.ref is not None and g.ref.target.plural in created
        }
        ordered.append((ready.names, ready.samples["payloads"][0], links))
    return ordered


def _samples(spec: ResourceSpec) -> dict[str, Any]:
    data = normalised_field_data(spec)
    return {
        "payloads": [samples.valid_payload(data, n) for n in range(3)],
        "required_payload": samples.required_payload(data),
        "update_payload": samples.update_payload(data),
        "respelled_payload": samples.respelled_payload(data),
        "invalid": samples.invalid_cases(data),
        "missing": samples.missing_cases(data),
        # What a create without the optional fields stores for each of them.
        "defaults": {name: f["default"] for name, f in data.items() if not _on_create(f)},
    }


def _on_create(field: dict[str, Any]) -> bool:
    return bool(field["required"]) and field["default"] is None


def _field(
    name: str, spec: FieldSpec, names: Names, stack: Stack, literal: Any, ref: Ref | None
) -> FieldContext:
    api_name = f"{name.removesuffix('_id')}_id" if ref else name
    enum_type = f"{names.class_name}{_pascal(name)}" if spec.values else None
    placeholders = {
        "max_length": spec.effective_max_length,
        "enum": enum_type,
        "enum_length": max((len(v) for v in spec.values or []), default=0),
        "precision": spec.decimal_precision,
        "scale": spec.decimal_scale,
        "ref_table": ref.target.table if ref else "",
        "on_delete": ref.on_delete_sql if ref else "",
    }
    type_map = stack.types[spec.type]
    spelled = {
        key: value.format(**placeholders)
        for key, value in type_map.items()
        if isinstance(value, str) and key != "default"
    }
    spelled.setdefault("query", spelled["schema"])
    cycle_column = spelled.pop("cycle_column", None)
    if ref is not None and ref.closes_cycle and cycle_column is not None:
        spelled["column"] = cycle_column
    if spec.default is not None:
        text = literal(spec.default)
        spelled["default"] = type_map.get("default", "{literal}").format(literal=text)
    return FieldContext(
        name=api_name,
        attr=f"{api_name}_" if api_name in stack.reserved_names else api_name,
        type=spec.type,
        required=spec.required and spec.default is None,
        nullable=not spec.required,
        has_default=spec.default is not None,
        default=spec.default,
        unique=spec.unique,
        min=spec.min,
        max=spec.max,
        min_length=spec.min_length,
        max_length=spec.effective_max_length,
        values=spec.values,
        precision=spec.decimal_precision if spec.type == "decimal" else None,
        scale=spec.decimal_scale if spec.type == "decimal" else None,
        description=spec.description,
        filter=spec.filter or spec.nested,  # a nested list filters by its parent
        sort=spec.sort,
        read_only=spec.read_only,
        checks=_checks(api_name, spec),
        stack=spelled,
        enum_type=enum_type,
        ref=ref,
    )


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _checks(name: str, spec: FieldSpec) -> list[Check]:
    column = f'"{name}"'
    checks: list[Check] = []
    bounds = [f"{column} >= {spec.min}" if spec.min is not None else ""]
    bounds.append(f"{column} <= {spec.max}" if spec.max is not None else "")
    if any(bounds):
        checks.append(Check(f"{name}_range", " AND ".join(b for b in bounds if b)))
    if spec.min_length:
        checks.append(Check(f"{name}_min_length", f"length({column}) >= {spec.min_length}"))
    if spec.values:
        quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in spec.values)
        checks.append(Check(f"{name}_values", f"{column} IN ({quoted})"))
    return checks
