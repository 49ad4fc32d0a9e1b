"""Checks of each resource's `auth` rules: 401 and 403, the order of checks, owners."""

from __future__ import annotations

from functools import partial
from typing import Any

import httpx

from generator.samples import update_payload
from tests.conformance.support import (
    UNKNOWN_FIELD,
    Api,
    Check,
    Resource,
    Session,
    User,
    bearer,
    expect_data,
    expect_envelope,
    expect_status,
    expect_validation_error,
    fresh_n,
    ids_of,
    require,
    unknown_id_like,
    walk,
)

SUCCESS = {"list": 200, "read": 200, "create": 201, "update": 200, "delete": 204}


def rule_checks(api: Api, res: Resource) -> list[Check]:
    def check(name: str, fn: Any, *args: Any) -> Check:
        return Check(name, partial(fn, res, *args), api, res.plural)

    out = []
    for action, rule in res.auth.items():
        out.append(check(f"auth_{action}_anonymous", _anonymous, action))
        if rule.protected and not rule.authenticated and not (action == "list" and rule.owner):
            out.append(check(f"auth_{action}_without_role", _without_role, action))
        if rule.roles:
            out.append(check(f"auth_{action}_with_role", _with_role, action))
    if any(r.protected for a, r in res.auth.items() if a != "list"):
        out.append(check("auth_order_401_first", _order_401))
    if any(r.roles_only for a, r in res.auth.items() if a != "list"):
        out.append(check("auth_order_role_403_first", _order_role_403))
    out.append(check("auth_order_422_before_404", _order_422_before_404))
    if any(res.auth[a].owner for a in ("read", "update", "delete")):
        out.append(check("auth_order_404_before_owner_403", _order_404_before_owner))
    if res.auth["update"].owner:
        out.append(check("auth_order_422_before_owner_403", _order_422_before_owner))
    if res.uses_owner:
        out.append(check("owner_id_is_the_creator", _owner_is_creator))
        out.append(check("owner_id_not_writable", _owner_not_writable))
    if res.auth["list"].owner:
        out.append(check("owner_list_shows_own_records", _owner_list))
    for action in ("read", "update", "delete"):
        if res.auth[action].owner:
            out.append(check(f"owner_{action}_others_refused", _owner_action, action))
    return out


def _do(
    client: httpx.Client,
    res: Resource,
    action: str,
    record_id: object = None,
    body: object = None,
    method: str | None = None,
) -> httpx.Response:
    if action == "list":
        return client.get(res.collection)
    if action == "create":
        return client.post(res.collection, json=body)
    if action == "read":
        return client.get(res.item(record_id))
    if action == "delete":
        return client.delete(res.item(record_id))
    return client.request(method or "PATCH", res.item(record_id), json=body)


def _attempts(
    s: Session, res: Resource, action: str, author: User | None = None
) -> list[tuple[str | None, object]]:
    """(method, body) pairs that carry out `action` when allowed (bodies whose parents
    `author` may read)."""
    if action == "create":
        return [(None, s.records.body(res, author=author))]
    if action == "update":
        patch = update_payload(res.writable, fresh_n())
        return [("PATCH", patch), ("PUT", s.records.body(res, author=author))]
    return [(None, None)]


def _expect_allowed(s: Session, res: Resource, resp: httpx.Response, action: str) -> None:
    s.records.track(res, resp)
    if action == "list":
        expect_envelope(resp, 200, is_list=True, style=res.style)
    else:
        expect_status(resp, SUCCESS[action])


def _anonymous(res: Resource, action: str, s: Session) -> None:
    """A protected action without a token (or with a bad one) is a 401; a public one works."""
    rule = res.auth[action]
    record = s.records.create(res)
    for method, body in _attempts(s, res, action):
        if rule.protected:
            for headers in ({}, bearer("not-a-token")):
                resp = _do(s.client(headers), res, action, record["id"], body, method)
                s.records.track(res, resp)
                expect_envelope(resp, 401, code="UNAUTHORIZED")
        else:
            _expect_allowed(
                s, res, _do(s.anonymous(), res, action, record["id"], body, method), action
            )
    if rule.protected and action != "list":
        expect_data(s.admin.get(res.item(record["id"])))


def _without_role(res: Resource, action: str, s: Session) -> None:
    """A signed-in user whom the rule does not name (nor own the record) gets a 403."""
    record = s.records.create(res)
    before = expect_data(s.admin.get(res.item(record["id"])))
    user = s.user()
    for method, body in _attempts(s, res, action, user):
        resp = _do(user.client, res, action, record["id"], body, method)
        s.records.track(res, resp)
        expect_envelope(resp, 403, code="FORBIDDEN")
    if action != "list":
        after = expect_data(s.admin.get(res.item(record["id"])))
        require(after == before, f"a refused {action} changed the record: {after}")


def _with_role(res: Resource, action: str, s: Session) -> None:
    """A user holding a role the rule names may do it (on anyone's record)."""
    rule = res.auth[action]
    record = s.records.create(res)
    user = s.user(rule.roles[:1])
    for method, body in _attempts(s, res, action, user):
        resp = _do(user.client, res, action, record["id"], body, method)
        _expect_allowed(s, res, resp, action)
    if action == "list":
        ids = ids_of(walk(user.client, res))
        require(
            str(record["id"]) in ids, f"a holder of {rule.roles[0]!r} does not see {record['id']}"
        )


def _invalid_body(res: Resource, s: Session) -> dict[str, object]:
    return {**s.records.body(res), UNKNOWN_FIELD: "x"}


def _order_401(res: Resource, s: Session) -> None:
    """No token: 401 before the body is validated or the record looked up."""
    anonymous = s.anonymous()
    unknown = unknown_id_like(s.records.create(res)["id"])
    invalid = _invalid_body(res, s)
    for action in ("read", "create", "update", "delete"):
        if not res.auth[action].protected:
            continue
        methods = ("PATCH", "PUT") if action == "update" else (None,)
        for method in methods:
            resp = _do(anonymous, res, action, unknown, invalid, method)
            s.records.track(res, resp)
            expect_envelope(resp, 401, code="UNAUTHORIZED")


def _order_role_403(res: Resource, s: Session) -> None:
    """A rule of roles only: 403 before the body is validated or the record looked up."""
    user = s.user()
    unknown = unknown_id_like(s.records.create(res)["id"])
    invalid = _invalid_body(res, s)
    for action in ("read", "create", "update", "delete"):
        if not res.auth[action].roles_only:
            continue
        methods = ("PATCH", "PUT") if action == "update" else (None,)
        for method in methods:
            resp = _do(user.client, res, action, unknown, invalid, method)
            s.records.track(res, resp)
            expect_envelope(resp, 403, code="FORBIDDEN")


def _order_422_before_404(res: Resource, s: Session) -> None:
    unknown = unknown_id_like(s.records.create(res)["id"])
    for method in ("PATCH", "PUT"):
        resp = s.admin.request(method, res.item(unknown), json=_invalid_body(res, s))
        expect_validation_error(resp, UNKNOWN_FIELD)


def _stranger(s: Session, res: Resource) -> User:
    """A signed-in user who holds none of the resource's roles."""
    return s.user()


def _order_404_before_owner(res: Resource, s: Session) -> None:
    """An owner rule is decided on the record: an unknown id is a 404 for anyone."""
    user = _stranger(s, res)
    unknown = unknown_id_like(s.records.create(res)["id"])
    for action in ("read", "update", "delete"):
        if not res.auth[action].owner:
            continue
        for method, body in _attempts(s, res, action, user):
            resp = _do(user.client, res, action, unknown, body, method)
            expect_envelope(resp, 404, code="NOT_FOUND")


def _order_422_before_owner(res: Resource, s: Session) -> None:
    """An invalid body is a 422 even on someone else's record."""
    user = _stranger(s, res)
    record = s.records.create(res)
    for method in ("PATCH", "PUT"):
        resp = user.client.request(method, res.item(record["id"]), json=_invalid_body(res, s))
        expect_validation_error(resp, UNKNOWN_FIELD)


def _own_record(s: Session, res: Resource, user: User) -> dict[str, Any]:
    return s.records.create(res, s.records.body(res, author=user), client=user.client)


def _owner_is_creator(res: Resource, s: Session) -> None:
    user = s.creator(res)
    record = _own_record(s, res, user)
    require(
        str(record.get("owner_id")) == user.id, f"owner_id must be the creator {user.id}: {record}"
    )
    fetched = expect_data(s.admin.get(res.item(record["id"])))
    require(
        str(fetched.get("owner_id")) == user.id, f"GET shows owner_id {fetched.get('owner_id')}"
    )
    mine = expect_data(s.admin.post(res.collection, json=s.records.body(res)), 201)
    s.records.created.append((res, str(mine["id"])))
    me = expect_data(s.admin.get(f"{s.api.prefix}/auth/me"))
    require(
        str(mine.get("owner_id")) == str(me["id"]),
        f"the admin's record has owner_id {mine.get('owner_id')}",
    )


def _owner_not_writable(res: Resource, s: Session) -> None:
    user = s.creator(res)
    other = s.user()
    body = {**s.records.body(res, author=user), "owner_id": other.id}
    resp = user.client.post(res.collection, json=body)
    s.records.track(res, resp)
    expect_validation_error(resp, "owner_id")
    record = _own_record(s, res, user)
    resp = s.admin.patch(res.item(record["id"]), json={"owner_id": other.id})
    expect_validation_error(resp, "owner_id")
    after = expect_data(s.admin.get(res.item(record["id"])))
    require(str(after.get("owner_id")) == user.id, f"owner_id changed: {after}")


def _owner_list(res: Resource, s: Session) -> None:
    """An owner list rule shows each user their own records (totals included); its roles
    and admins see everyone's."""
    first, second = s.creator(res), s.creator(res)
    mine = _own_record(s, res, first)
    theirs = _own_record(s, res, second)
    for user, own in ((first, mine), (second, theirs)):
        body = expect_envelope(user.client.get(res.collection), 200, is_list=True, style=res.style)
        require(
            ids_of(body["data"]) == [str(own["id"])],
            f"{user.email} must see only their record: {body}",
        )
        if not res.cursor:
            require(
                body["meta"]["total"] == 1,
                f"meta.total must count only their records: {body['meta']}",
            )
    everyone = set(ids_of(walk(s.admin, res)))
    require({str(mine["id"]), str(theirs["id"])} <= everyone, "an admin does not see every record")
    roles = res.auth["list"].roles
    if roles:
        holder = s.user(roles[:1])
        seen = set(ids_of(walk(holder.client, res)))
        require(
            {str(mine["id"]), str(theirs["id"])} <= seen,
            f"a holder of {roles[0]!r} does not see every record",
        )


def _owner_action(res: Resource, action: str, s: Session) -> None:
    """Another user's record: 403 (and unchanged); the owner, a holder of a named role and
    an admin may."""
    owner, stranger = s.creator(res), _stranger(s, res)
    record = _own_record(s, res, owner)
    before = expect_data(s.admin.get(res.item(record["id"])))
    for method, body in _attempts(s, res, action, stranger):
        resp = _do(stranger.client, res, action, record["id"], body, method)
        expect_envelope(resp, 403, code="FORBIDDEN")
    after = expect_data(s.admin.get(res.item(record["id"])))
    require(after == before, f"a refused {action} changed the record: {after}")
    actors: list[User | None] = [owner]
    roles = res.auth[action].roles
    if roles:
        actors.append(s.user(roles[:1]))
    actors.append(None)  # the admin
    for actor in actors:
        target = record if actor is owner else _own_record(s, res, owner)
        client = s.admin if actor is None else actor.client
        for method, body in _attempts(s, res, action, actor):
            resp = _do(client, res, action, target["id"], body, method)
            _expect_allowed(s, res, resp, action)
            if action == "delete":
                break
