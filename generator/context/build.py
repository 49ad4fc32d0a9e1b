"""Building the contexts of every generated resource at once: names and refs checked (located
errors), then linked (a reference needs its target, a parent learns its children)."""

from __future__ import annotations

from generator.context.fields import field_context, samples_of
from generator.context.graph import link
from generator.context.parts import Ref, permission
from generator.context.resource import ResourceContext
from generator.errors import Diagnostic, SpecError
from generator.naming import Names, plural_lookup, resolve_plural, snake_case
from generator.spec.model import (
    ACTIONS,
    FieldSpec,
    ResourceSpec,
    parse_rate_limit,
)
from generator.stacks import Stack


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
    link(contexts, built)
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


def _resource(
    spec: ResourceSpec, spec_path: str, stack: Stack, refs: dict[str, Ref]
) -> ResourceContext:
    names = spec.names
    literal = stack.language.filters["literal"]
    fields = [
        field_context(name, f, names, stack, literal, refs.get(name))
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
        samples=samples_of(spec),
        checks=[check for f in fields for check in f.checks],
        auth={action: permission(action, spec.auth.entries(action)) for action in ACTIONS},
        uses_owner=spec.auth.uses_owner,
        cache_ttl=spec.cache.ttl if spec.cache else None,
        audit=spec.audit,
        rate_limit=parse_rate_limit(spec.rate_limit) if spec.rate_limit else None,
    )
