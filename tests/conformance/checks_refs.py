"""Checks across resources: references (to records that exist and that the author may read),
`?include=`, nested routes, what deleting a parent does (on_delete), and soft delete."""

from __future__ import annotations

from functools import partial
from typing import Any

from generator.samples import update_payload
from tests.conformance.support import (
    Api,
    Check,
    Ref,
    Resource,
    Session,
    User,
    describe,
    expect_data,
    expect_envelope,
    expect_fields,
    expect_validation_error,
    ids_of,
    require,
    unknown_id_like,
    walk,
)


def ref_checks(api: Api, res: Resource) -> list[Check]:
    def check(name: str, fn: Any, *args: Any) -> Check:
        return Check(name, partial(fn, res, *args), api, res.plural)

    out: list[Check] = []
    for ref in res.refs.values():
        parent = api.resources.get(ref.to)
        if parent is None:
            continue
        out += [
            check(f"ref_{ref.field}_unknown_id", _unknown_parent, ref),
            check(f"include_{ref.relation}", _include, ref),
            check(f"include_{ref.relation}_after_parent_write", _include_fresh, ref),
        ]
        if not parent.auth["read"].public:
            out.append(check(f"ref_{ref.field}_readable_parent", _readable_parent, ref))
            out.append(check(f"include_{ref.relation}_only_if_readable", _include_readable, ref))
        if ref.nested:
            out.append(check(f"nested_{ref.field}_list", _nested_list, ref))
            out.append(check(f"nested_{ref.field}_create", _nested_create, ref))
            if not parent.auth["read"].public:
                out.append(check(f"nested_{ref.field}_unreadable_parent", _nested_unreadable, ref))
        if ref.to != res.plural:
            prefix = "soft_delete_on_delete" if parent.soft_delete else "on_delete"
            out.append(check(f"{prefix}_{ref.field}_{ref.on_delete}", _on_delete, ref))
    if res.soft_delete:
        out.append(check("soft_delete_hides_the_record", _soft_delete))
    return out


def _parent_of(s: Session, ref: Ref) -> Resource:
    return s.api[ref.to]


# ---------------------------------------------------------------- references


def _unknown_parent(res: Resource, ref: Ref, s: Session) -> None:
    """An id no parent has, or one that is no id at all: 422 on the field, on create and
    on PATCH."""
    real = s.records.parent(ref)["id"]
    for value in (unknown_id_like(real), "not-an-id"):
        body = {**s.records.body(res, skip=[ref.field]), ref.field: value}
        resp = s.admin.post(res.collection, json=body)
        s.records.track(res, resp)
        expect_validation_error(resp, ref.field)
    created = s.records.create(res, {**s.records.body(res, skip=[ref.field]), ref.field: real})
    resp = s.admin.patch(res.item(created["id"]), json={ref.field: unknown_id_like(real)})
    expect_validation_error(resp, ref.field)
    expect_fields(expect_data(s.admin.get(res.item(created["id"]))), {ref.field: real}, res)


def _author(s: Session, res: Resource, parent: Resource) -> User | None:
    """A user who may create `res` records (and their own parents) yet does not hold a role
    that reads every parent; None when the rules leave no such user."""
    roles = set()
    for rule in (res.auth["create"], parent.auth["create"]):
        if rule.roles_only:
            roles.add(rule.roles[0])
    if roles & set(parent.auth["read"].roles):
        return None
    return s.user(sorted(roles))


def _readable_parent(res: Resource, ref: Ref, s: Session) -> None:
    """A record may point only at a parent its author may read: another user's unreadable
    parent is the same 422 as an unknown id."""
    parent = _parent_of(s, ref)
    author = _author(s, res, parent)
    if author is None:
        return
    other = s.creator(parent)
    theirs = s.records.create(parent, s.records.body(parent), client=other.client)
    require(
        not parent.auth["read"].allows(author.roles, owns=False),
        f"{parent.plural} records are readable by every such author",
    )
    body = {**s.records.body(res, skip=[ref.field]), ref.field: theirs["id"]}
    resp = author.client.post(res.collection, json=body)
    s.records.track(res, resp)
    expect_validation_error(resp, ref.field)
    if parent.auth["read"].owner:  # their own parent is fine
        mine = s.records.create(parent, s.records.body(parent), client=author.client)
        child = s.records.create(res, {**body, ref.field: mine["id"]}, client=author.client)
        if res.auth["update"].allows(author.roles, owns=True):
            resp = author.client.patch(res.item(child["id"]), json={ref.field: theirs["id"]})
            expect_validation_error(resp, ref.field)


def _embedded(data: dict[str, Any], relation: str) -> Any:
    return data.get(relation)


def _include(res: Resource, ref: Ref, s: Session) -> None:
    """`?include=<relation>` embeds the parent as GET returns it, on get and list; without
    it the relation is absent."""
    parent_res = _parent_of(s, ref)
    parent = s.records.parent(ref)
    parent = expect_data(s.admin.get(parent_res.item(parent["id"])))
    child = s.records.create(
        res, {**s.records.body(res, skip=[ref.field]), ref.field: parent["id"]}
    )
    plain = expect_data(s.admin.get(res.item(child["id"])))
    require(
        _embedded(plain, ref.relation) is None,
        f"GET without ?include= embeds {ref.relation!r}: {plain}",
    )
    got = expect_data(s.admin.get(res.item(child["id"]), params={"include": ref.relation}))
    require(
        _embedded(got, ref.relation) == parent,
        f"?include={ref.relation} embeds {_embedded(got, ref.relation)!r}, the parent is {parent}",
    )
    rest = {k: v for k, v in got.items() if k != ref.relation}
    require(rest == plain, f"?include= changed the record's own fields: {rest} != {plain}")
    items = walk(s.admin, res, params={"include": ref.relation})
    mine = [item for item in items if str(item.get("id")) == str(child["id"])]
    require(len(mine) == 1, f"the list shows record {child['id']} {len(mine)} times")
    require(
        _embedded(mine[0], ref.relation) == parent,
        f"the list's ?include={ref.relation} embeds {_embedded(mine[0], ref.relation)!r}",
    )


def _include_fresh(res: Resource, ref: Ref, s: Session) -> None:
    """A parent's change shows in the children that embed it at once (caches included)."""
    parent_res = _parent_of(s, ref)
    parent = s.records.parent(ref)
    child = s.records.create(
        res, {**s.records.body(res, skip=[ref.field]), ref.field: parent["id"]}
    )
    params = {"include": ref.relation}
    expect_data(s.admin.get(res.item(child["id"]), params=params))
    walk(s.admin, res, params=params)
    changes = update_payload(parent_res.writable, 500 + len(s.records.created))
    changed = expect_data(s.admin.patch(parent_res.item(parent["id"]), json=changes))
    got = expect_data(s.admin.get(res.item(child["id"]), params=params))
    require(
        _embedded(got, ref.relation) == changed,
        f"after the parent changed, ?include= still embeds {_embedded(got, ref.relation)!r}",
    )
    items = [i for i in walk(s.admin, res, params=params) if str(i["id"]) == str(child["id"])]
    listed = _embedded(items[0], ref.relation) if items else None
    require(listed == changed, f"after the parent changed, the list embeds {listed!r}")


def _include_readable(res: Resource, ref: Ref, s: Session) -> None:
    """`?include=` embeds only parents the reader may read."""
    parent = _parent_of(s, ref)
    read_parent = parent.auth["read"]
    reader = s.user()
    if read_parent.allows(reader.roles, owns=False) or not res.auth["read"].allows(
        reader.roles, owns=False
    ):
        return
    owner = s.creator(parent)
    theirs = s.records.create(parent, s.records.body(parent), client=owner.client)
    child = s.records.create(
        res, {**s.records.body(res, skip=[ref.field]), ref.field: theirs["id"]}
    )
    params = {"include": ref.relation}
    admin_view = expect_data(s.admin.get(res.item(child["id"]), params=params))
    require(
        isinstance(_embedded(admin_view, ref.relation), dict),
        f"an admin's ?include={ref.relation} embeds nothing: {admin_view}",
    )
    got = expect_data(reader.client.get(res.item(child["id"]), params=params))
    require(
        _embedded(got, ref.relation) is None,
        f"?include={ref.relation} shows a parent the reader may not read: {got}",
    )
    if res.auth["list"].allows(reader.roles, owns=False):
        items = walk(reader.client, res, params=params)
        leaks = [
            i for i in items if i.get(ref.relation) is not None and str(i["id"]) == str(child["id"])
        ]
        require(
            not leaks, f"the list's ?include={ref.relation} shows an unreadable parent: {leaks}"
        )


# ---------------------------------------------------------------- nested routes


def _nested_list(res: Resource, ref: Ref, s: Session) -> None:
    parent = _parent_of(s, ref)
    first, second = s.records.parent(ref), s.records.parent(ref)
    mine = s.records.create(res, {**s.records.body(res, skip=[ref.field]), ref.field: first["id"]})
    other = s.records.create(
        res, {**s.records.body(res, skip=[ref.field]), ref.field: second["id"]}
    )
    items = walk(s.admin, res, path=res.nested(parent, first["id"]))
    ids = ids_of(items)
    require(str(mine["id"]) in ids, f"the nested list leaves out {mine['id']}")
    require(str(other["id"]) not in ids, f"the nested list shows another parent's {other['id']}")
    resp = s.admin.get(res.nested(parent, unknown_id_like(first["id"])))
    expect_envelope(resp, 404, code="NOT_FOUND")


def _nested_create(res: Resource, ref: Ref, s: Session) -> None:
    """POST under a parent sets the reference from the URL; the body may not name it."""
    parent_res = _parent_of(s, ref)
    parent = s.records.parent(ref)
    path = res.nested(parent_res, parent["id"])
    body = s.records.body(res, skip=[ref.field])
    created = s.records.create(res, body, path=path)
    expect_fields(created, {**body, ref.field: parent["id"]}, res)
    resp = s.admin.post(
        path, json={**s.records.body(res, skip=[ref.field]), ref.field: parent["id"]}
    )
    s.records.track(res, resp)
    expect_validation_error(resp, ref.field)
    resp = s.admin.post(res.nested(parent_res, unknown_id_like(parent["id"])), json=body)
    s.records.track(res, resp)
    expect_envelope(resp, 404, code="NOT_FOUND")


def _nested_unreadable(res: Resource, ref: Ref, s: Session) -> None:
    """Routes under a parent the user may not read answer as for an unknown parent: 404,
    so its existence does not leak and nothing is listed or created under it."""
    parent_res = _parent_of(s, ref)
    user = s.user()
    if parent_res.auth["read"].allows(user.roles, owns=False):
        return
    owner = s.creator(parent_res)
    theirs = s.records.create(parent_res, s.records.body(parent_res), client=owner.client)
    path = res.nested(parent_res, theirs["id"])
    if res.auth["list"].allows(user.roles, owns=False):
        expect_envelope(user.client.get(path), 404, code="NOT_FOUND")
    if res.auth["create"].allows(user.roles, owns=False):
        resp = user.client.post(path, json=s.records.body(res, skip=[ref.field]))
        s.records.track(res, resp)
        expect_envelope(resp, 404, code="NOT_FOUND")


# ---------------------------------------------------------------- deleting parents


def _listed(s: Session, res: Resource, record_id: object) -> bool:
    return str(record_id) in ids_of(walk(s.admin, res))


def _on_delete(res: Resource, ref: Ref, s: Session) -> None:
    """Deleting a parent with a live child: restrict refuses (409) and leaves both; cascade
    takes the child too (404, gone from lists); set_null clears the child's reference. A
    parent with soft delete behaves the same."""
    parent_res = _parent_of(s, ref)
    parent = s.records.parent(ref)
    child = s.records.create(
        res, {**s.records.body(res, skip=[ref.field]), ref.field: parent["id"]}
    )
    resp = s.admin.delete(parent_res.item(parent["id"]))
    if ref.on_delete == "restrict":
        expect_envelope(resp, 409, code="CONFLICT")
        expect_data(s.admin.get(parent_res.item(parent["id"])))
        expect_fields(
            expect_data(s.admin.get(res.item(child["id"]))), {ref.field: parent["id"]}, res
        )
        gone = s.admin.delete(res.item(child["id"]))
        require(gone.status_code == 204, f"expected status 204: {describe(gone)}")
        resp = s.admin.delete(parent_res.item(parent["id"]))
        require(
            resp.status_code == 204,
            f"with its only child deleted, the parent must go: {describe(resp)}",
        )
        return
    require(resp.status_code == 204, f"expected status 204: {describe(resp)}")
    expect_envelope(s.admin.get(parent_res.item(parent["id"])), 404, code="NOT_FOUND")
    if ref.on_delete == "cascade":
        expect_envelope(s.admin.get(res.item(child["id"])), 404, code="NOT_FOUND")
        require(not _listed(s, res, child["id"]), f"the cascaded {child['id']} is still listed")
    else:
        data = expect_data(s.admin.get(res.item(child["id"])))
        require(data.get(ref.field) is None, f"set_null left {ref.field}={data.get(ref.field)!r}")


def _soft_delete(res: Resource, s: Session) -> None:
    """A deleted record is gone from every route: get, change, replace, delete, lists."""
    created = s.records.create(res)
    url = res.item(created["id"])
    resp = s.admin.delete(url)
    require(resp.status_code == 204, f"expected status 204: {describe(resp)}")
    expect_envelope(s.admin.get(url), 404, code="NOT_FOUND")
    expect_envelope(s.admin.patch(url, json={}), 404, code="NOT_FOUND")
    expect_envelope(s.admin.put(url, json=s.records.body(res)), 404, code="NOT_FOUND")
    expect_envelope(s.admin.delete(url), 404, code="NOT_FOUND")
    require(not _listed(s, res, created["id"]), f"the deleted {created['id']} is still listed")
    for ref in res.refs.values():
        if ref.nested and created.get(ref.field) is not None:
            path = res.nested(s.api[ref.to], created[ref.field])
            ids = ids_of(walk(s.admin, res, path=path))
            require(str(created["id"]) not in ids, f"{path} still lists the deleted record")
