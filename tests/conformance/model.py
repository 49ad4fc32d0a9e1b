"""The resources as the conformance suite reads them from their normalised specs (the keys
are in tests/conformance/README.md): fields, refs, rules, pages, limits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.types import ORDERED_TYPES

ACTIONS = ("list", "read", "create", "update", "delete")
DEFAULT_AUTH = {
    "list": ("public",),
    "read": ("public",),
    "create": ("authenticated",),
    "update": ("authenticated",),
    "delete": ("authenticated",),
}
ADMIN_ROLE = "admin"
PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
# Filter types that also take `_gte` / `_lte` (enums take `_in`; the others equality only).
RANGE_FILTER_TYPES = ORDERED_TYPES


@dataclass(frozen=True)
class Rule:
    """Who may do one action: the spec's `auth` entries for it."""

    entries: tuple[str, ...]

    @property
    def public(self) -> bool:
        return "public" in self.entries

    @property
    def authenticated(self) -> bool:
        return not self.public and "authenticated" in self.entries

    @property
    def protected(self) -> bool:
        return not self.public

    @property
    def owner(self) -> bool:
        return self.protected and not self.authenticated and "owner" in self.entries

    @property
    def roles(self) -> tuple[str, ...]:
        if self.public or self.authenticated:
            return ()
        return tuple(e for e in self.entries if e not in ("owner", "public", "authenticated"))

    @property
    def roles_only(self) -> bool:
        """Decided by the user's roles alone (403 before the body or the record is looked at)."""
        return self.protected and not self.authenticated and not self.owner

    def allows(self, roles: Sequence[str] | None, owns: bool = False) -> bool:
        """Whether a user with `roles` (None: anonymous) passes, owning the record or not."""
        if self.public:
            return True
        if roles is None:
            return False
        if self.authenticated or ADMIN_ROLE in roles or any(r in roles for r in self.roles):
            return True
        return self.owner and owns


@dataclass(frozen=True)
class Ref:
    """A reference field (`course_id`) to a record of another resource."""

    field: str
    to: str  # the target's plural, a key of the specs
    relation: str  # ?include= name and the embedded key: course
    required: bool
    on_delete: str  # restrict | cascade | set_null
    nested: bool


@dataclass(frozen=True)
class Resource:
    """The parts of a normalised spec the suite needs (see tests/conformance/README.md)."""

    plural: str
    fields: Mapping[str, Mapping[str, Any]]
    default_limit: int
    max_limit: int
    style: str = "offset"
    refs: Mapping[str, Ref] = field(default_factory=dict)
    auth: Mapping[str, Rule] = field(default_factory=dict)
    soft_delete: bool = False
    rate_limit: tuple[int, int] | None = None  # (requests, seconds)
    sort: tuple[str, ...] = ("created_at", "updated_at")
    timestamps: bool = True
    uses_owner: bool = False
    prefix: str = "/api/v1"
    filters: tuple[str, ...] = ()  # fields (and ref fields) lists filter by: ?name=
    search: tuple[str, ...] = ()  # fields ?q= searches

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> Resource:
        pagination = spec.get("pagination") or {}
        auth_spec = spec.get("auth") or {}
        auth = {}
        for action in ACTIONS:
            entries = auth_spec.get(action, DEFAULT_AUTH[action])
            auth[action] = Rule(tuple([entries] if isinstance(entries, str) else entries))
        refs = {
            name: Ref(
                field=name,
                to=str(ref["to"]),
                relation=str(ref.get("relation") or name.removesuffix("_id")),
                required=bool(ref.get("required", True)),
                on_delete=str(ref.get("on_delete") or "restrict"),
                nested=bool(ref.get("nested", False)),
            )
            for name, ref in (spec.get("refs") or {}).items()
        }
        timestamps = bool(spec.get("timestamps", True))
        sort = spec.get("sort")
        if sort is None:
            sort = ["created_at", "updated_at"] if timestamps else ["id"]
        # A nested ref always filters: its list under the parent is that filter.
        nested = [name for name, ref in refs.items() if ref.nested]
        filters = tuple(dict.fromkeys([*(spec.get("filter") or []), *nested]))
        return cls(
            plural=spec["plural"],
            fields=spec["fields"],
            default_limit=int(pagination.get("default_limit", 20)),
            max_limit=int(pagination.get("max_limit", 100)),
            style=str(pagination.get("style", "offset")),
            refs=refs,
            auth=auth,
            soft_delete=bool(spec.get("soft_delete", False)),
            rate_limit=parse_rate_limit(spec.get("rate_limit")),
            sort=tuple(sort),
            timestamps=timestamps,
            uses_owner=any("owner" in rule.entries for rule in auth.values()),
            prefix=str(spec.get("prefix", "/api/v1")).rstrip("/"),
            filters=filters,
            search=tuple(spec.get("search") or ()),
        )

    @property
    def writable(self) -> dict[str, Mapping[str, Any]]:
        """Fields a request body may set (every field but the read_only ones)."""
        return {n: f for n, f in self.fields.items() if not f.get("read_only")}

    @property
    def read_only(self) -> list[str]:
        return [n for n, f in self.fields.items() if f.get("read_only")]

    def filter_ops(self, name: str) -> tuple[str, ...]:
        """The suffixes ?name<suffix>= takes: "" (equals), _gte and _lte, or _in."""
        kind = self.kind(name)
        if kind in RANGE_FILTER_TYPES:
            return ("", "_gte", "_lte")
        return ("", "_in") if kind == "enum" else ("",)

    @property
    def cursor(self) -> bool:
        return self.style == "cursor"

    @property
    def default_sort(self) -> str:
        return "created_at" if self.timestamps else "id"

    @property
    def collection(self) -> str:
        return f"{self.prefix}/{self.plural}"

    def item(self, record_id: object) -> str:
        return f"{self.collection}/{record_id}"

    def nested(self, parent: Resource, parent_id: object) -> str:
        return f"{parent.item(parent_id)}/{self.plural}"

    def kind(self, name: str) -> str:
        """The type of a field, a ref (`ref`) or a generated column."""
        if name in self.fields:
            return str(self.fields[name]["type"])
        if name in self.refs or name in ("id", "owner_id"):
            return "ref"
        return "datetime" if name in ("created_at", "updated_at", "deleted_at") else "string"


def parse_rate_limit(value: object) -> tuple[int, int] | None:
    """`30/minute` -> (30, 60)."""
    if not value:
        return None
    amount, _, period = str(value).partition("/")
    return int(amount), PERIODS[period.strip().rstrip("s")]


@dataclass(frozen=True)
class Api:
    """Every resource the suite knows, by plural; refs point between them."""

    resources: Mapping[str, Resource]
    prefix: str = "/api/v1"

    @classmethod
    def from_specs(cls, specs: Mapping[str, Any]) -> Api:
        if "fields" in specs:  # one spec
            specs = {str(specs["plural"]): specs}
        resources = {str(s["plural"]): Resource.from_spec(s) for s in specs.values()}
        prefix = next((r.prefix for r in resources.values()), "/api/v1")
        return cls(resources, prefix)

    def __getitem__(self, plural: str) -> Resource:
        return self.resources[plural]

    def children(self, parent: str) -> list[tuple[Resource, Ref]]:
        """Resources pointing at `parent`, with the ref they point through."""
        return [
            (res, ref)
            for res in self.resources.values()
            for ref in res.refs.values()
            if ref.to == parent
        ]
