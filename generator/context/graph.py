"""What the refs between resources decide: children, the cascade of a delete and what it
may refuse, the records a test makes first and what deleting each of them does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.context.parts import Child, FieldContext, Going
from generator.context.resource import ResourceContext
from generator.naming import Names
from generator.spec.model import (
    ResourceSpec,
)


def link(contexts: dict[str, ResourceContext], specs: dict[str, tuple[ResourceSpec, str]]) -> None:
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
        # The refs the tests fill in each ancestor's record (the others are left empty).
        made_with = {names.plural: links for names, _, links in context.ancestors}
        for f in context.refs:
            assert f.ref is not None
            parent = contexts[f.ref.target.plural]
            if f.ref.on_delete != "restrict" or parent.names.plural == context.names.plural:
                continue
            for g in parent.refs:
                if not (
                    g.ref
                    and g.name in made_with.get(parent.names.plural, {})
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
    restrict refuses), and how to find the going records they point at: a resource's, along
    its cascading refs to the deleted record and to the going records of resources placed
    before it. Without a cycle of cascades that is every path; around one, a path stops
    where it would come back to a resource (so a self-referencing cascade's chain of
    records is not followed)."""
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
    # placed parent goes next, with the refs it can use. refs keeps the order placed.
    refs: dict[str, list[tuple[str, str | None]]] = {}
    while len(refs) < len(found):
        placed = {deleted, *refs}
        waiting = [p for p in found if p not in refs]
        ready = [p for p in waiting if set(parents[p].values()) <= placed]
        plural = (
            ready[0] if ready else next(p for p in waiting if set(parents[p].values()) & placed)
        )
        refs[plural] = [
            (attr, None if parent == deleted else parent)
            for attr, parent in parents[plural].items()
            if parent in placed
        ]
    deep = [
        (child, plural)
        for plural in refs
        for child in contexts[plural].restricting_children
        if child.names.plural in may_go
    ]
    needed = {plural for _, plural in deep}
    for plural in reversed(refs):
        if plural in needed:
            needed.update(parent for _, parent in refs[plural] if parent)
    going = [Going(contexts[p].names, refs[p]) for p in refs if p in needed]
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
