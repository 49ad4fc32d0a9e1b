"""A resource as templates see it (ResourceContext): the decisions about it, as properties."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator import samples
from generator.context.parts import (
    Check,
    Child,
    FieldContext,
    Going,
    Permission,
    Route,
    WiredResource,
    default_auth,
    may_read,
)
from generator.naming import Names
from generator.spec.model import (
    ACTIONS,
    Pagination,
)


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
    def repository_models(self) -> list[Names]:
        """The other resources the repository queries: children a soft delete marks or
        clears, those a delete checks for restricts (and the records going with it), and
        the parents whose deletion hides a record."""
        others = [
            *(c.names for c in self.soft_cascades + self.soft_set_nulls + self.checked_restricts),
            *(g.names for g in self.going),
            *(c.names for c, _ in self.deep_restricts),
            *(f.ref.target for f in self.hidden_with_parent if f.ref),
        ]
        unique = {n.plural: n for n in others if n.plural != self.names.plural}
        return list(unique.values())

    @property
    def routes(self) -> list[Route]:
        """Every route the resource serves: the collection's, one record's, then those
        under each nested parent."""
        conflict = ("CONFLICT",) if self.unique_fields else ()
        found = [
            Route("list", "GET", False, None, None, 200, self.auth["list"], ()),
            Route("read", "GET", True, None, None, 200, self.auth["read"], ("NOT_FOUND",)),
            Route("create", "POST", False, None, "create", 201, self.auth["create"], conflict),
            Route(
                "update",
                "PATCH",
                True,
                None,
                "update",
                200,
                self.auth["update"],
                ("NOT_FOUND", *conflict),
            ),
            Route(
                "replace",
                "PUT",
                True,
                None,
                "create",
                200,
                self.auth["update"],
                ("NOT_FOUND", *conflict),
            ),
            Route(
                "delete",
                "DELETE",
                True,
                None,
                None,
                204,
                self.auth["delete"],
                ("NOT_FOUND", "CONFLICT") if self.delete_conflicts else ("NOT_FOUND",),
            ),
        ]
        for f in self.nested_refs:
            found += [
                Route("list", "GET", False, f, None, 200, self.auth["list"], ("NOT_FOUND",)),
                Route(
                    "create",
                    "POST",
                    False,
                    f,
                    "create",
                    201,
                    self.auth["create"],
                    ("NOT_FOUND", *conflict),
                ),
            ]
        return found

    def route(self, action: str, nested: FieldContext | None = None) -> Route:
        """The route of ``action`` (under ``nested``'s parent, if given)."""
        return next(r for r in self.routes if r.action == action and r.nested == nested)

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
                and not may_read(g.ref.target_read, roles)
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
        """The resource's table as the schema snapshot records it (generator/schema/snapshot.py):
        what its migrations are made of."""
        from generator.schema.snapshot import table

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
