"""A small in-memory reference server of the contract (docs/conventions.md), used to test the
conformance suite: the resources of the given specs (fake_resources.py), the auth and users
APIs, rate limits, the request id, security headers and messages in en/vi. Standard library
only. ``defects`` switches on deliberate bugs so the suite can be shown to catch them.
"""

from __future__ import annotations

import json
import math
import re
import secrets
import sys
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import httpx

from tests.conformance.checks_http import SECURITY_HEADERS, VIETNAMESE
from tests.conformance.fake_resources import Clock, FakeResources, Reject, User, invalid
from tests.conformance.fake_values import ROLE, has_nul, utc_text
from tests.conformance.support import ADMIN_ROLE, Api, Resource, parse_rate_limit

DEFECTS = frozenset(
    {
        # The basics.
        "delete_returns_200",  # DELETE answers 200 with an envelope instead of 204
        "plain_404_route",  # unknown routes get a bare {"detail": ...} body
        "limit_not_capped",  # limit above max_limit is accepted
        "no_unique",  # unique fields are not enforced
        "no_request_id",  # no X-Request-ID header
        "accepts_naive_datetime",  # datetimes without an offset are stored
        "patch_ignores_unknown",  # PATCH silently drops unknown fields
        "no_allow_header",  # 405 without an Allow header
        "drops_timezone",  # datetimes come back without their offset (naive)
        "ignores_min",  # the min of numeric fields is not checked
        "wrong_default_limit",  # the default page size ignores the spec
        "put_keeps_omitted",  # PUT leaves the fields it was not given as they were
        "unknown_id_before_validation",  # PATCH/PUT look the id up before the body: 404 first
        "english_only",  # Accept-Language: vi is ignored
        "no_security_headers",  # no nosniff, frame or referrer headers
        # Strict types and the stored form.
        "lax_types",  # "5" is an integer, "true" and 1 are booleans
        "nonstored_form",  # writes answer values as sent, not as stored (a later GET differs)
        "read_only_accepted",  # read_only fields are taken from bodies
        # Lists and cursors.
        "crafted_cursor_500",  # unsigned cursors; a value the column cannot hold reaches the db
        "unsigned_cursor",  # cursors are not signed: an altered one is taken
        "deep_cursor_500",  # a cursor's JSON is read before its length and signature are checked
        "cursor_skips_ties",  # the keyset compares the sort value only, skipping ties
        "next_cursor_on_last_page",  # a full last page still hands out a cursor
        "unknown_include_ignored",  # ?include= of an unknown relation is ignored
        # Filters and search.
        "filter_ignored",  # ?<field>= (equality) filters nothing
        "gte_exclusive",  # _gte leaves out the value itself (a _gt)
        "lte_ignored",  # _lte filters nothing
        "in_first_only",  # _in keeps only its first value
        "filter_lax_types",  # a filter value of the wrong type is ignored, not a 422
        "search_case_sensitive",  # ?q= matches only in the same case
        "search_first_field_only",  # ?q= searches only the first search field
        # References and deletes.
        "unknown_parent_500",  # an unknown parent id is a database error
        "unreadable_parent_accepted",  # a record may point at a parent its author cannot read
        "include_leaks_unreadable_parent",  # ?include= embeds parents the reader cannot read
        "nested_under_unreadable_parent",  # routes under a parent the user cannot read work
        "restrict_ignored",  # a restricted parent is deleted with its children left behind
        "soft_delete_ignores_restrict",  # the same, for a parent with soft delete
        "soft_delete_ignores_cascade",  # a soft-deleted parent's cascade children stay
        "soft_delete_ignores_set_null",  # a soft-deleted parent's set_null children keep the id
        # Sign-in and rules.
        "register_returns_hash",  # the user shown includes password_hash
        "refresh_not_rotated",  # a refresh token can be used again
        "refresh_reuse_keeps_family",  # reusing a refresh token revokes nothing else
        "users_api_open",  # any signed-in user may use the users API
        "admin_can_demote_self",  # an admin may take their own admin role
        "roles_from_token",  # roles are read from the token: changes wait for a new one
        "deactivated_user_keeps_access",  # access tokens of a deactivated user still work
        "validation_before_role",  # a rule of roles is checked after the body (422 first)
        "owner_not_checked",  # anyone signed in may read, change or delete others' records
        "owner_list_unfiltered",  # an owner list rule shows everyone's records
        "owner_id_from_body",  # owner_id may be set in a body
        # Rate limits.
        "rate_limit_ignored",  # a resource's own rate_limit is not applied
        "no_retry_after",  # 429 without Retry-After
        "auth_limit_by_token",  # auth routes are counted per token, not per address
        # Security.
        "no_body_limit",  # bodies of any size are read
        "any_host",  # any Host header is answered
        "tokens_cacheable",  # auth responses without Cache-Control: no-store
        "logout_keeps_token",  # logout revokes nothing
        "logout_all_one_token",  # logout with all: true revokes only the token given
        "common_password_accepted",  # register takes 'password' and '12345678'
        "lookalike_emails",  # emails are compared as sent (fullwidth letters register twice)
        "no_login_lockout",  # failed logins per account are not limited
        "docs_in_production",  # the OpenAPI document is served in production
        "no_hsts",  # production responses lack Strict-Transport-Security
        "details_in_production",  # production error responses keep their details
    }
)
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin password 1"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_USER_QUERY = frozenset({"page", "limit", "email"})
# A few of the passwords attackers try first (the contract wants a real list of leaked ones).
_COMMON_PASSWORDS = frozenset(
    {"12345678", "123456789", "password", "password1", "qwertyuiop", "iloveyou", "sunshine"}
)
_CREDENTIAL_ROUTES = frozenset({"register", "login", "refresh", "logout"})
_HSTS = "max-age=63072000; includeSubDomains"
OPENAPI_DOCUMENT = "/openapi.json"


class FakeApp:
    """The whole API: routing, sign-in, the users API, rate limits and the resources."""

    def __init__(
        self,
        specs: Mapping[str, Any],
        defects: frozenset[str] = frozenset(),
        int_ids: bool = False,
        rate_limits: bool = False,
        default_authenticated: str | None = None,
        *,
        auth_limit: str | None = None,
        production: bool = False,
        allowed_hosts: frozenset[str] = frozenset({"localhost", "127.0.0.1", "::1", "fake.test"}),
        max_body_bytes: int = 1_048_576,
    ) -> None:
        unknown = defects - DEFECTS
        if unknown:
            raise ValueError(f"unknown defects {sorted(unknown)}")
        self.api = Api.from_specs(specs)
        self.defects = defects
        self.clock = Clock()
        self.resources = FakeResources(self.api, defects, int_ids, self.clock)
        self.rate_limits = rate_limits
        self.default_authenticated = parse_rate_limit(default_authenticated)
        self.auth_limit = parse_rate_limit(auth_limit)
        self.production = production
        self.allowed_hosts = allowed_hosts
        self.max_body_bytes = max_body_bytes
        self.failed_logins: dict[str, int] = {}
        self.locked_until: dict[str, float] = {}
        self.windows: dict[str, tuple[float, int]] = {}
        self.users: dict[str, User] = {}
        self.access: dict[str, dict[str, Any]] = {}
        self.refresh: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self._add_user(ADMIN_EMAIL, ADMIN_PASSWORD, [ADMIN_ROLE])

    def has(self, defect: str) -> bool:
        return defect in self.defects

    def serves_documents(self) -> bool:
        return not self.production or self.has("docs_in_production")

    def email(self, value: str) -> str:
        """The one spelling stored and compared: NFKC, case-folded."""
        if self.has("lookalike_emails"):
            return value.lower()
        return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())

    # ------------------------------------------------------------ users and tokens

    def _add_user(self, email: str, password: str, roles: list[str]) -> User:
        user_id = self.resources.new_id()
        user = {
            "id": user_id,
            "email": self.email(email),
            "password": password,
            "roles": roles,
            "is_active": True,
            "created_at": self.clock.now(),
        }
        self.users[user_id] = user
        return user

    def shown(self, user: User) -> dict[str, Any]:
        out = {
            "id": int(user["id"]) if self.resources.int_ids else user["id"],
            "email": user["email"],
            "roles": list(user["roles"]),
            "is_active": user["is_active"],
            "created_at": utc_text(user["created_at"]),
        }
        if self.has("register_returns_hash"):
            out["password_hash"] = "$argon2id$" + user["password"][::-1]
        return out

    def _tokens(self, user: User) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access[access] = {"user": user["id"], "roles": list(user["roles"])}
        self.refresh[refresh] = {"user": user["id"], "used": False}
        return {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "bearer",
            "expires_in": 900,
        }

    def signed_in(self, headers: Mapping[str, str]) -> tuple[User | None, bool]:
        """(the user of a valid access token, whether the Authorization header is valid)."""
        header = headers.get("authorization")
        if header is None:
            return None, True
        scheme, _, token = header.partition(" ")
        grant = self.access.get(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None:
            return None, False
        user = self.users[grant["user"]]
        if not user["is_active"] and not self.has("deactivated_user_keeps_access"):
            return None, False
        if self.has("roles_from_token"):
            user = {**user, "roles": grant["roles"]}
        return user, True

    # ------------------------------------------------------------ requests

    def handle(
        self, method: str, target: str, raw: bytes, headers: Mapping[str, str], client: str
    ) -> tuple[int, Any, Any, dict[str, str]]:
        """(status, data, meta, extra headers); raises Reject for an error response."""
        parts = urlsplit(target)
        path = unquote(parts.path).rstrip("/")
        query = parse_qs(parts.query, keep_blank_values=True)
        prefix = self.api.prefix
        if _host(headers.get("host", "")) not in self.allowed_hosts and not self.has("any_host"):
            raise Reject(400, "BAD_REQUEST", "Unknown host")
        if len(raw) > self.max_body_bytes and not self.has("no_body_limit"):
            raise Reject(413, "PAYLOAD_TOO_LARGE", "Request body is too large")
        if not path.startswith(prefix + "/"):
            raise Reject(404, "NOT_FOUND", "Route not found")
        segments = path[len(prefix) + 1 :].split("/")
        route, allowed = self._route(segments)
        self._limit(headers, client, route)
        if method not in allowed:
            raise Reject(405, "METHOD_NOT_ALLOWED", "Method not allowed", {"allow": allowed})
        body: object = None
        if method in ("POST", "PATCH", "PUT"):
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                raise Reject(400, "BAD_REQUEST", "Malformed JSON body") from None
        user, valid = self.signed_in(headers)
        with self.lock:
            return self._dispatch(route, segments, method, query, body, user, valid)

    def _route(self, segments: list[str]) -> tuple[Any, tuple[str, ...]]:
        resources = self.api.resources
        match segments:
            case ["auth", ("register" | "login" | "refresh" | "logout") as name]:
                return ("auth", name), ("POST",)
            case ["auth", "me"]:
                return ("auth", "me"), ("GET",)
            case ["users"]:
                return ("users", None), ("GET",)
            case ["users", _]:
                return ("users", segments[1]), ("GET", "PATCH")
            case [plural] if plural in resources:
                return ("collection", resources[plural]), ("GET", "POST")
            case [plural, _] if plural in resources:
                return ("item", resources[plural]), ("GET", "PATCH", "PUT", "DELETE")
            case [parent, _, child] if child in resources:
                ref = next(
                    (r for r in resources[child].refs.values() if r.to == parent and r.nested),
                    None,
                )
                if ref is not None:
                    return ("nested", resources[child], ref), ("GET", "POST")
        raise Reject(404, "NOT_FOUND", "Route not found")

    def _limit(self, headers: Mapping[str, str], client: str, route: Any) -> None:
        res = route[1] if route[0] in ("collection", "item", "nested") else None
        user, _ = self.signed_in(headers)
        key = f"user:{user['id']}" if user else f"ip:{client}"
        if route[0] == "auth" and route[1] in _CREDENTIAL_ROUTES and self.auth_limit:
            if not self.has("auth_limit_by_token"):
                key = f"ip:{client}"  # whatever token the request carries
            (amount, period), budget = self.auth_limit, "auth"
        elif (
            res is not None
            and res.rate_limit
            and self.rate_limits
            and not self.has("rate_limit_ignored")
        ):
            (amount, period), budget = res.rate_limit, res.plural
        elif user is not None and self.default_authenticated is not None:
            (amount, period), budget = self.default_authenticated, "default"
        else:
            return
        with self.lock:
            now = time.monotonic()
            start, count = self.windows.get(f"{key}:{budget}", (now, 0))
            if now - start >= period:
                start, count = now, 0
            count += 1
            self.windows[f"{key}:{budget}"] = (start, count)
        if count > amount:
            wait = max(1, math.ceil(start + period - now))
            headers_out = {} if self.has("no_retry_after") else {"Retry-After": str(wait)}
            raise Reject(429, "RATE_LIMITED", "Too many requests", None, headers_out)

    def _dispatch(
        self,
        route: Any,
        segments: list[str],
        method: str,
        query: dict[str, list[str]],
        body: object,
        user: User | None,
        valid: bool,
    ) -> tuple[int, Any, Any, dict[str, str]]:
        kind = route[0]
        if kind == "auth":
            cache = {} if self.has("tokens_cacheable") else {"Cache-Control": "no-store"}
            return (*self._auth(route[1], body, user if valid else None), None, cache)
        if kind == "users":
            return self._users(route[1], method, query, body, user if valid else None)
        res: Resource = route[1]
        r = self.resources
        action = {"GET": "read", "PATCH": "update", "PUT": "update", "DELETE": "delete"}.get(
            method, "create"
        )
        if kind in ("collection", "nested") and method == "GET":
            action = "list"
        rule = res.auth[action]
        if not rule.public and not valid:
            raise Reject(401, "UNAUTHORIZED", "Invalid or expired token")
        if not self.has("validation_before_role"):
            r.gate(rule, user)
        elif user is None and rule.protected:
            raise Reject(401, "UNAUTHORIZED", "Authentication required")
        late_gate = self.has("validation_before_role")
        if kind == "nested":
            ref = route[2]
            parent = (ref, r.check_id(segments[1]))
            if action == "list":
                items, meta = r.find(res, query, user, parent)
                return 200, items, meta, {}
            values = r.validate(res, body, partial=False, nested=ref.field)
            if late_gate:
                r.gate(rule, user)
            del values
            r.require_parent(self.api[ref.to], parent[1], user)
            return 201, r.create(res, body, user, parent), None, {}
        if action == "list":
            items, meta = r.find(res, query, user)
            if late_gate:
                r.gate(rule, user)
            return 200, items, meta, {}
        if action == "create":
            r.validate(res, body, partial=False)
            if late_gate:
                r.gate(rule, user)
            return 201, r.create(res, body, user), None, {}
        if action == "read":
            data = r.read(res, segments[1], query, user)
            if late_gate:
                r.gate(rule, user)
            return 200, data, None, {}
        if action == "update":
            if late_gate:
                r.validate(res, body, partial=method == "PATCH")
                r.gate(rule, user)
            return 200, r.write(res, segments[1], body, user, replace=method == "PUT"), None, {}
        if late_gate:
            r.gate(rule, user)
        r.delete(res, segments[1], user)
        return (200, None, None, {}) if self.has("delete_returns_200") else (204, None, None, {})

    # ------------------------------------------------------------ the auth API

    def _auth(self, name: str, body: object, user: User | None) -> tuple[int, Any]:
        if name == "me":
            if user is None:
                raise Reject(401, "UNAUTHORIZED", "Authentication required")
            return 200, self.shown(user)
        if name == "refresh":
            fields = self._body(body, {"refresh_token": str}, required=("refresh_token",))
            grant = self.refresh.get(fields["refresh_token"])
            if grant is None:
                raise Reject(401, "UNAUTHORIZED", "Invalid or expired token")
            if grant["used"]:
                if not self.has("refresh_reuse_keeps_family"):
                    for other in self.refresh.values():
                        if other["user"] == grant["user"]:
                            other["used"] = True
                raise Reject(401, "UNAUTHORIZED", "Invalid or expired token")
            if not self.has("refresh_not_rotated"):
                grant["used"] = True
            owner = self.users[grant["user"]]
            if not owner["is_active"]:
                raise Reject(401, "UNAUTHORIZED", "Invalid or expired token")
            return 200, self._tokens(owner)
        if name == "logout":
            return self._logout(body)
        fields = self._body(body, {"email": str, "password": str}, required=("email", "password"))
        email, password = self.email(fields["email"]), fields["password"]
        if not _EMAIL.match(email) or has_nul(email):
            raise invalid("email", "not an email")
        if name == "register":
            if not 8 <= len(password) <= 128:
                raise invalid("password", "8 to 128 characters")
            if not self.has("common_password_accepted") and (
                password.strip().lower() in _COMMON_PASSWORDS or len(set(password)) == 1
            ):
                raise invalid("password", "too common")
            if any(u["email"] == email for u in self.users.values()):
                raise Reject(409, "CONFLICT", "An account with this email already exists")
            return 201, self.shown(self._add_user(email, password, []))
        if len(password) > 128:
            raise invalid("password", "at most 128 characters")
        self._refuse_locked(email)
        found = next((u for u in self.users.values() if u["email"] == email), None)
        if found is None or found["password"] != password or not found["is_active"]:
            failures = self.failed_logins.get(email, 0) + 1
            self.failed_logins[email] = failures
            if failures >= 5:  # 30 s, doubling, 15 minutes at most
                self.locked_until[email] = time.monotonic() + min(900, 30 * 2 ** (failures - 5))
            raise Reject(401, "UNAUTHORIZED", "Invalid email or password")
        self.failed_logins.pop(email, None)
        return 200, self._tokens(found)

    def _refuse_locked(self, email: str) -> None:
        wait = self.locked_until.get(email, 0.0) - time.monotonic()
        if wait > 0 and not self.has("no_login_lockout"):
            retry = {"Retry-After": str(max(1, math.ceil(wait)))}
            raise Reject(429, "RATE_LIMITED", "Too many failed logins", None, retry)

    def _logout(self, body: object) -> tuple[int, Any]:
        fields = self._body(body, {"refresh_token": str, "all": bool}, ("refresh_token",))
        grant = self.refresh.get(fields["refresh_token"])
        if grant is None or grant["used"]:
            raise Reject(401, "UNAUTHORIZED", "Invalid or expired token")
        if not self.has("logout_keeps_token"):
            grant["used"] = True
            if fields.get("all") and not self.has("logout_all_one_token"):
                for other in self.refresh.values():
                    if other["user"] == grant["user"]:
                        other["used"] = True
        return 204, None

    @staticmethod
    def _body(body: object, types: Mapping[str, type], required: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise invalid("body", "not an object")
        errors = {k: "unknown field" for k in body if k not in types}
        errors.update(
            {
                k: f"must be a {t.__name__}"
                for k, t in types.items()
                if k in body and not isinstance(body[k], t)
            }
        )
        errors.update({k: "field required" for k in required if k not in body})
        if errors:
            raise Reject(422, "VALIDATION_ERROR", "Request validation failed", errors)
        return dict(body)

    # ------------------------------------------------------------ the users API

    def _users(
        self,
        raw_id: str | None,
        method: str,
        query: dict[str, list[str]],
        body: object,
        user: User | None,
    ) -> tuple[int, Any, Any, dict[str, str]]:
        if user is None:
            raise Reject(401, "UNAUTHORIZED", "Authentication required")
        if ADMIN_ROLE not in user["roles"] and not self.has("users_api_open"):
            raise Reject(403, "FORBIDDEN", "You are not allowed to do this")
        if raw_id is None:
            params = {k: v[-1] for k, v in query.items()}
            for name in params:
                if name not in _USER_QUERY:
                    raise invalid(name, "unknown query parameter")
            numbers = {}
            for name, default, top in (("page", 1, 10**9), ("limit", 20, 100)):
                raw = params.get(name, str(default))
                if not raw.isdigit() or not 1 <= int(raw) <= top:
                    raise invalid(name, "out of range")
                numbers[name] = int(raw)
            users = sorted(self.users.values(), key=lambda u: u["created_at"])
            if "email" in params:
                users = [u for u in users if u["email"] == self.email(params["email"])]
            start = (numbers["page"] - 1) * numbers["limit"]
            items = [self.shown(u) for u in users[start : start + numbers["limit"]]]
            return 200, items, {**numbers, "total": len(users)}, {}
        user_id = self.resources.check_id(raw_id)
        changes: dict[str, Any] = {}
        if method == "PATCH":
            changes = self._user_changes(body)
        target = self.users.get(user_id)
        if target is None:
            raise Reject(404, "NOT_FOUND", f"user {raw_id} was not found")
        if method == "GET":
            return 200, self.shown(target), None, {}
        demotes = ADMIN_ROLE not in changes.get("roles", [ADMIN_ROLE])
        yourself = target["id"] == user["id"] and not self.has("admin_can_demote_self")
        if yourself and (demotes or changes.get("is_active") is False):
            raise Reject(409, "CONFLICT", "You cannot demote or deactivate yourself")
        target.update(changes)
        if target["is_active"] is False:
            for grant in self.refresh.values():
                if grant["user"] == target["id"]:
                    grant["used"] = True
        return 200, self.shown(target), None, {}

    @staticmethod
    def _user_changes(body: object) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise invalid("body", "not an object")
        errors: dict[str, str] = {}
        for name, value in body.items():
            if name == "is_active":
                if not isinstance(value, bool):
                    errors[name] = "must be a boolean"
            elif name == "roles":
                if not isinstance(value, list) or not all(
                    isinstance(r, str) and ROLE.match(r) and len(r) <= 64 for r in value
                ):
                    errors[name] = "must be a list of role names"
            else:
                errors[name] = "unknown field"
        if errors:
            raise Reject(422, "VALIDATION_ERROR", "Request validation failed", errors)
        out = dict(body)
        if "roles" in out:
            out["roles"] = list(dict.fromkeys(out["roles"]))
        return out


def _host(header: str) -> str:
    """The name in a Host header, without its port (and an IPv6 address's brackets)."""
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.partition(":")[0].lower()


def _language(accept: str | None) -> str:
    best, quality = "en", 0.0
    for entry in (accept or "").split(","):
        tag, _, params = entry.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("en", "vi"):
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > quality:
            best, quality = primary, q
    return best


def respond(
    app: FakeApp,
    method: str,
    target: str,
    raw: bytes,
    request_headers: Mapping[str, str],
    client: str,
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one request (header names in `request_headers` lower-case)."""
    headers: dict[str, str] = {}
    if urlsplit(target).path == OPENAPI_DOCUMENT and method == "GET" and app.serves_documents():
        return _document(app)
    try:
        status, data, meta, extra = app.handle(method, target, raw, request_headers, client)
        headers.update(extra)
        body: object = {"success": True, "data": data, "error": None, "meta": meta}
    except Exception as exc:  # noqa: BLE001 - every failure becomes an envelope
        reject = (
            exc
            if isinstance(exc, Reject)
            else Reject(500, "INTERNAL_ERROR", "Internal server error")
        )
        status = reject.status
        language = (
            "en" if app.has("english_only") else _language(request_headers.get("accept-language"))
        )
        message = (
            VIETNAMESE.get(reject.code, reject.message) if language == "vi" else reject.message
        )
        details = reject.details
        if app.production and not app.has("details_in_production"):
            details = None
        error = {"code": reject.code, "message": message, "details": details}
        body = {"success": False, "data": None, "error": error, "meta": None}
        headers.update(reject.headers)
        headers["Content-Language"] = language
        if status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if status == 405 and not app.has("no_allow_header"):
            headers["Allow"] = ", ".join(reject.details["allow"])  # type: ignore[index]
        if reject.message == "Route not found" and app.has("plain_404_route"):
            body = {"detail": "Not Found"}
    if not app.has("no_request_id"):
        incoming = request_headers.get("x-request-id", "")
        headers["X-Request-ID"] = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    if not app.has("no_security_headers"):
        headers.update(SECURITY_HEADERS)
    if app.production and not app.has("no_hsts"):
        headers["Strict-Transport-Security"] = _HSTS
    payload = b"" if status == 204 else json.dumps(body).encode()
    if status != 204:
        headers["Content-Type"] = "application/json"
    headers["Content-Length"] = str(len(payload))
    return status, headers, payload


def _document(app: FakeApp) -> tuple[int, dict[str, str], bytes]:
    """A (very) short OpenAPI document: the auth routes."""
    paths: dict[str, Any] = {
        f"{app.api.prefix}/auth/{name}": {"post": {"responses": {"200": {}}}}
        for name in sorted(_CREDENTIAL_ROUTES)
    }
    payload = json.dumps({"openapi": "3.1.0", "info": {"title": "fake"}, "paths": paths})
    headers = {"Content-Type": "application/json", "Content-Length": str(len(payload))}
    return 200, headers, payload.encode()


def _handler(app: FakeApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True  # else each response waits for a delayed ACK
        protocol_version = "HTTP/1.1"  # keep-alive: one connection per client

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline().strip():  # trailers
                pass
            return b"".join(chunks)

        def _serve(self) -> None:
            raw = self._body()
            request_headers = {k.lower(): v for k, v in self.headers.items()}
            status, headers, payload = respond(
                app, self.command, self.path, raw, request_headers, self.client_address[0]
            )
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    return Handler


def wsgi(app: FakeApp) -> Callable[[dict[str, Any], Callable[..., Any]], list[bytes]]:
    """The same server as a WSGI application, to run in process (httpx.WSGITransport)."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        length = environ.get("CONTENT_LENGTH")
        stream = environ["wsgi.input"]
        raw = stream.read(int(length)) if length else stream.read()
        query = environ.get("QUERY_STRING", "")
        target = quote(environ.get("PATH_INFO", "")) + (f"?{query}" if query else "")
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        status, out, payload = respond(
            app, environ["REQUEST_METHOD"], target, raw, headers, environ.get("REMOTE_ADDR", "")
        )
        start_response(f"{status} {HTTPStatus(status).phrase}", list(out.items()))
        return [payload]

    return application


def in_process(
    specs: Mapping[str, Any], defects: frozenset[str] = frozenset(), **options: Any
) -> httpx.WSGITransport:
    """A transport to a fresh fake server in this process (no socket, no thread): pass it
    to run_conformance, login or make_client with the base URL http://fake.test.
    ``options``: FakeApp's (int_ids, rate_limits, auth_limit, production...)."""
    app = FakeApp(specs, defects, **options)
    return httpx.WSGITransport(app=wsgi(app), remote_addr="127.0.0.1")


@contextmanager
def serve(
    specs: Mapping[str, Any], defects: frozenset[str] = frozenset(), **options: Any
) -> Iterator[str]:
    """Run the fake server on 127.0.0.1 (a free port) and yield its base URL. The admin
    signs in with ADMIN_EMAIL and ADMIN_PASSWORD. ``options``: as in_process's."""
    app = FakeApp(specs, defects, **options)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(app))
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    # The client and the server share this process: with the default 5 ms between thread
    # switches each request would wait for one.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        sys.setswitchinterval(interval)
