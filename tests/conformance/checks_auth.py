"""Checks of sign-in: the auth API (register, login, refresh, me) and the admins' users API."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.conformance.support import (
    ADMIN_ROLE,
    PASSWORD,
    TOKEN_KEYS,
    UNKNOWN_FIELD,
    USER_KEYS,
    Api,
    Check,
    Session,
    bearer,
    expect_data,
    expect_envelope,
    expect_validation_error,
    parse_instant,
    require,
    unknown_id_like,
)

# ---------------------------------------------------------------- the auth API


def auth_api_checks(api: Api) -> list[Check]:
    def check(name: str, fn: Any, resource: str = "auth") -> Check:
        return Check(name, fn, api, resource)

    return [
        check("auth_register", _register),
        check("auth_register_duplicate_email", _register_duplicate),
        check("auth_register_invalid", _register_invalid),
        check("auth_login", _login),
        check("auth_me", _me),
        check("auth_refresh_rotates", _refresh_rotates),
        check("auth_refresh_reuse_revokes_all", _refresh_reuse),
        check("users_admin_only", _users_admin_only, "users"),
        check("users_list", _users_list, "users"),
        check("users_get", _users_get, "users"),
        check("users_patch", _users_patch, "users"),
        check("users_patch_strict", _users_patch_strict, "users"),
        check("users_admin_keeps_own_admin", _users_keep_admin, "users"),
        check("users_roles_apply_next_request", _roles_apply, "users"),
        check("users_deactivation_signs_out", _deactivation, "users"),
    ]


def _auth(s: Session, path: str) -> str:
    return f"{s.api.prefix}/auth/{path}"


def _users(s: Session, user_id: object | None = None) -> str:
    return f"{s.api.prefix}/users" + ("" if user_id is None else f"/{user_id}")


def _expect_user(data: dict[str, Any], email: str) -> None:
    require(set(data) == USER_KEYS, f"a user has exactly the keys {sorted(USER_KEYS)}: {data}")
    require(data["email"] == email.lower(), f"email {data['email']!r}, registered {email!r}")
    require(
        isinstance(data["roles"], list) and all(isinstance(r, str) for r in data["roles"]),
        f"roles must be a list of strings: {data}",
    )
    require(data["is_active"] in (True, False), f"is_active must be a boolean: {data}")
    created = data["created_at"]
    require(
        isinstance(created, str) and created.endswith("Z") and parse_instant(created) is not None,
        f"created_at must be a UTC datetime: {data}",
    )


def _expect_tokens(resp: httpx.Response) -> dict[str, Any]:
    data = expect_data(resp)
    require(
        set(data) == TOKEN_KEYS, f"a token pair has exactly the keys {sorted(TOKEN_KEYS)}: {data}"
    )
    require(data["token_type"] == "bearer", f"token_type must be 'bearer': {data}")
    require(
        isinstance(data["expires_in"], int) and data["expires_in"] > 0,
        f"expires_in must be a positive integer (seconds): {data}",
    )
    for key in ("access_token", "refresh_token"):
        require(isinstance(data[key], str) and bool(data[key]), f"{key} must be a string: {data}")
    return data


def _register(s: Session) -> None:
    email = f"Conformance-{uuid.uuid4().hex[:16]}@Example.COM"  # kept in lower case
    resp = s.anonymous().post(_auth(s, "register"), json={"email": email, "password": PASSWORD})
    data = expect_data(resp, 201)
    _expect_user(data, email)
    require(data["roles"] == [] and data["is_active"] is True, f"a new user: {data}")


def _register_duplicate(s: Session) -> None:
    email, _ = s.register()
    anonymous = s.anonymous()
    for taken in (email, email.upper(), _fullwidth(email)):
        resp = anonymous.post(_auth(s, "register"), json={"email": taken, "password": PASSWORD})
        expect_envelope(resp, 409, code="CONFLICT")


def _fullwidth(text: str) -> str:
    """`ｃｏｎｆｏｒｍａｎｃｅ…`: ASCII letters and digits as their fullwidth forms, which
    NFKC makes ASCII again (one account, not a look-alike second one)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def _register_invalid(s: Session) -> None:
    anonymous = s.anonymous()
    email = f"conformance-{uuid.uuid4().hex[:16]}@example.com"
    for body, field in (
        ({"email": email, "password": "short7!"}, "password"),
        ({"email": email, "password": "x" * 129}, "password"),
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": email}, "password"),
        ({"email": email, "password": PASSWORD, "roles": ["admin"]}, "roles"),
        ({"email": email, "password": 12345678}, "password"),
        # Common (leaked) passwords, in any case, and one character repeated.
        ({"email": email, "password": "12345678"}, "password"),
        ({"email": email, "password": "password"}, "password"),
        ({"email": email, "password": "PassWord"}, "password"),
        ({"email": email, "password": "qwertyuiop"}, "password"),
        ({"email": email, "password": "aaaaaaaaaa"}, "password"),
    ):
        expect_validation_error(anonymous.post(_auth(s, "register"), json=body), field)
    resp = anonymous.post(_auth(s, "login"), json={"email": email, "password": PASSWORD})
    expect_envelope(resp, 401, code="UNAUTHORIZED")


def _login(s: Session) -> None:
    email, _ = s.register()
    anonymous = s.anonymous()
    for spelled in (email, email.upper()):
        resp = anonymous.post(_auth(s, "login"), json={"email": spelled, "password": PASSWORD})
        _expect_tokens(resp)
    for body in (
        {"email": email, "password": PASSWORD + "x"},
        {"email": "nobody-" + email, "password": PASSWORD},
    ):
        expect_envelope(anonymous.post(_auth(s, "login"), json=body), 401, code="UNAUTHORIZED")
    expect_validation_error(anonymous.post(_auth(s, "login"), json={"email": email}), "password")


def _me(s: Session) -> None:
    email, created = s.register()
    tokens = s.login(email)
    me = expect_data(s.client(bearer(tokens["access_token"])).get(_auth(s, "me")))
    _expect_user(me, email)
    require(me == created, f"/auth/me {me} is not the registered user {created}")
    for headers in (
        {},
        bearer("not-a-token"),
        bearer(tokens["refresh_token"]),
        {"Authorization": tokens["access_token"]},
        {"Authorization": f"Basic {tokens['access_token']}"},
    ):
        resp = s.client(headers).get(_auth(s, "me"))
        expect_envelope(resp, 401, code="UNAUTHORIZED")


def _refresh(s: Session, token: str) -> httpx.Response:
    return s.anonymous().post(_auth(s, "refresh"), json={"refresh_token": token})


def _refresh_rotates(s: Session) -> None:
    user = s.user()
    pair = _expect_tokens(_refresh(s, user.refresh_token))
    require(pair["refresh_token"] != user.refresh_token, "refresh must issue a new refresh token")
    me = expect_data(s.client(bearer(pair["access_token"])).get(_auth(s, "me")))
    require(str(me["id"]) == user.id, f"the new access token is another user's: {me}")
    expect_envelope(_refresh(s, user.refresh_token), 401, code="UNAUTHORIZED")
    for token in ("not-a-token", pair["access_token"]):
        expect_envelope(_refresh(s, token), 401, code="UNAUTHORIZED")
    expect_validation_error(s.anonymous().post(_auth(s, "refresh"), json={}), "refresh_token")


def _refresh_reuse(s: Session) -> None:
    """A refresh token used twice was stolen: every refresh token of its user is revoked."""
    user = s.user()
    second = _expect_tokens(_refresh(s, user.refresh_token))
    expect_envelope(_refresh(s, user.refresh_token), 401, code="UNAUTHORIZED")
    expect_envelope(_refresh(s, second["refresh_token"]), 401, code="UNAUTHORIZED")
    _expect_tokens(
        s.anonymous().post(_auth(s, "login"), json={"email": user.email, "password": PASSWORD})
    )


# ---------------------------------------------------------------- the users API


def _users_admin_only(s: Session) -> None:
    target = s.user()
    plain = s.user()
    for client, status, code in (
        (s.anonymous(), 401, "UNAUTHORIZED"),
        (plain.client, 403, "FORBIDDEN"),
    ):
        for method, path, body in (
            ("GET", _users(s), None),
            ("GET", _users(s, target.id), None),
            ("PATCH", _users(s, target.id), {"roles": [ADMIN_ROLE]}),
            ("PATCH", _users(s, unknown_id_like(target.id)), {UNKNOWN_FIELD: 1}),
        ):
            expect_envelope(client.request(method, path, json=body), status, code=code)
    data = expect_data(s.admin.get(_users(s, target.id)))
    require(data["roles"] == [], f"a refused PATCH changed the user: {data}")


def _users_list(s: Session) -> None:
    email, created = s.register()
    body = expect_envelope(s.admin.get(_users(s)), 200, is_list=True)
    require(body["meta"]["page"] == 1 and body["meta"]["limit"] == 20, f"defaults: {body['meta']}")
    for item in body["data"]:
        require(set(item) == USER_KEYS, f"a listed user has exactly {sorted(USER_KEYS)}: {item}")
    found = expect_envelope(
        s.admin.get(_users(s), params={"email": email.upper()}), 200, is_list=True
    )
    require(
        found["data"] == [created] and found["meta"]["total"] == 1,
        f"?email= must find exactly the user: {found}",
    )
    for params, field in (
        ({"limit": 101}, "limit"),
        ({"page": 0}, "page"),
        ({UNKNOWN_FIELD: 1}, UNKNOWN_FIELD),
    ):
        expect_validation_error(s.admin.get(_users(s), params=params), field)
    expect_envelope(s.admin.get(_users(s), params={"limit": 100}), 200, is_list=True)


def _users_get(s: Session) -> None:
    email, created = s.register()
    data = expect_data(s.admin.get(_users(s, created["id"])))
    _expect_user(data, email)
    require(data == created, f"GET /users/{{id}} {data} != registered {created}")
    expect_envelope(s.admin.get(_users(s, unknown_id_like(created["id"]))), 404, code="NOT_FOUND")
    expect_envelope(s.admin.get(_users(s, "not-an-id")), 422, code="VALIDATION_ERROR")


def _users_patch(s: Session) -> None:
    email, created = s.register()
    url = _users(s, created["id"])
    data = expect_data(s.admin.patch(url, json={"roles": ["editor", "finance", "editor"]}))
    _expect_user(data, email)
    require(
        data["roles"] == ["editor", "finance"], f"roles replace the list, repeats dropped: {data}"
    )
    data = expect_data(s.admin.patch(url, json={"is_active": False}))
    require(data["is_active"] is False and data["roles"] == ["editor", "finance"], f"{data}")
    data = expect_data(s.admin.patch(url, json={"is_active": True, "roles": ["finance"]}))
    require(data["is_active"] is True and data["roles"] == ["finance"], f"{data}")
    require(expect_data(s.admin.get(url)) == data, "GET after PATCH shows another user")
    unknown = _users(s, unknown_id_like(created["id"]))
    expect_envelope(s.admin.patch(unknown, json={"roles": []}), 404, code="NOT_FOUND")


def _users_patch_strict(s: Session) -> None:
    _, created = s.register()
    url = _users(s, created["id"])
    for body, field in (
        ({"is_active": "false"}, "is_active"),
        ({"is_active": 0}, "is_active"),
        ({"is_active": None}, "is_active"),
        ({"roles": "editor"}, "roles"),
        ({"roles": None}, "roles"),
        ({"roles": ["Not A Role"]}, "roles"),
        ({"roles": [1]}, "roles"),
        ({"email": "other@example.com"}, "email"),
        ({"password": PASSWORD}, "password"),
        ({UNKNOWN_FIELD: 1}, UNKNOWN_FIELD),
    ):
        expect_validation_error(s.admin.patch(url, json=body), field)
    require(expect_data(s.admin.get(url)) == created, "a refused PATCH changed the user")


def _users_keep_admin(s: Session) -> None:
    """An admin may not take their own admin role nor deactivate themselves (409); another
    admin may. (A new admin tries, so a server that lets them leaves the suite's admin be.)"""
    admin = s.user([ADMIN_ROLE, "editor"])
    url = _users(s, admin.id)
    bodies: list[dict[str, object]] = [{"is_active": False}, {"roles": ["editor"]}, {"roles": []}]
    for body in bodies:
        expect_envelope(admin.client.patch(url, json=body), 409, code="CONFLICT")
    after = expect_data(s.admin.get(url))
    require(
        after["roles"] == [ADMIN_ROLE, "editor"] and after["is_active"] is True,
        f"the admin changed: {after}",
    )
    expect_data(admin.client.patch(url, json={"roles": ["editor", ADMIN_ROLE]}))
    data = expect_data(s.admin.patch(url, json={"roles": ["editor"]}))
    require(data["roles"] == ["editor"], f"another admin may take the admin role: {data}")


def _roles_apply(s: Session) -> None:
    """A role granted or taken counts from the user's next request, with the token held."""
    user = s.user()
    expect_envelope(user.client.get(_users(s)), 403, code="FORBIDDEN")
    s.grant(user.id, [ADMIN_ROLE])
    expect_envelope(user.client.get(_users(s)), 200, is_list=True)
    s.grant(user.id, [])
    expect_envelope(user.client.get(_users(s)), 403, code="FORBIDDEN")


def _deactivation(s: Session) -> None:
    user = s.user()
    url = _users(s, user.id)
    expect_data(s.admin.patch(url, json={"is_active": False}))
    expect_envelope(user.client.get(_auth(s, "me")), 401, code="UNAUTHORIZED")
    expect_envelope(_refresh(s, user.refresh_token), 401, code="UNAUTHORIZED")
    login = {"email": user.email, "password": PASSWORD}
    expect_envelope(s.anonymous().post(_auth(s, "login"), json=login), 401, code="UNAUTHORIZED")
    expect_data(s.admin.patch(url, json={"is_active": True}))
    expect_envelope(_refresh(s, user.refresh_token), 401, code="UNAUTHORIZED")
    pair = _expect_tokens(s.anonymous().post(_auth(s, "login"), json=login))
    expect_data(s.client(bearer(pair["access_token"])).get(_auth(s, "me")))
