"""The pieces of a resource's context: its fields, refs, children, checks and auth rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.naming import Names
from generator.spec.model import (
    ACTIONS,
)
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


def may_read(read: Permission, roles: list[str] | None) -> bool:
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
    # How many values it admits when that is a small number (None: many); see FieldSpec.
    distinct_values: int | None = None
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
    def spreads(self) -> bool:
        """Three records can hold three values of it, so a bound in the middle has records
        on both sides (the range filter tests say so)."""
        return self.distinct_values is None or self.distinct_values >= 3

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
class Route:
    """One route of a resource, as every stack serves it and its tests call it."""

    action: str  # list, read, create, update, replace, delete
    method: str  # GET, POST, PATCH, PUT, DELETE
    item: bool  # on one record: the collection's path, then /{id}
    nested: FieldContext | None  # under a record of the ref's parent: /courses/{id}/lessons
    body: str | None  # "create": a whole record; "update": some of its fields
    status: int  # on success
    rule: Permission  # who may (a replace is an update)
    # What it may answer besides a 422 and the rule's 401/403: NOT_FOUND (no such record,
    # or no such parent), CONFLICT (a unique value taken, or still referenced).
    errors: tuple[str, ...]


@dataclass(frozen=True)
class WiredResource:
    """What the wiring templates (the route list) get of each resource: the routes it
    adds. Small on purpose: a run keeps it for every resource it does not render again."""

    names: Names
    nested: tuple[str, ...]  # relations whose nested routes it adds (lessons: "course")
    rate_limit: tuple[int, str] | None  # its own budget (spec `rate_limit`), if any
