"""The resources of the reference server: records, validation, lists, cursors, includes,
references, owners and what deleting a parent does. Standard library only.

``FakeResources`` is driven by fake_server.FakeApp, which does HTTP, sign-in and rate
limits; ``defects`` (fake_server.DEFECTS) switch on deliberate bugs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from tests.conformance.checks_lists import MAX_CURSOR_LENGTH
from tests.conformance.fake_values import (
    cursor_value,
    field_error,
    filter_key,
    filter_value,
    order_key,
    stored,
    utc_text,
)
from tests.conformance.support import ADMIN_ROLE, Api, Ref, Resource, Rule

User = dict[str, Any]
Row = dict[str, Any]


class Reject(Exception):
    """An error response: status, code, message, details (and extra headers)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details
        self.headers = dict(headers or {})


def invalid(field: str, message: str) -> Reject:
    return Reject(422, "VALIDATION_ERROR", "Request validation failed", {field: message})


def has_any(user: User | None, roles: tuple[str, ...]) -> bool:
    return user is not None and (
        ADMIN_ROLE in user["roles"] or any(r in user["roles"] for r in roles)
    )


class Clock:
    """Strictly increasing UTC timestamps."""

    def __init__(self) -> None:
        self.last = datetime(2000, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        self.last = max(datetime.now(UTC), self.last + timedelta(microseconds=1))
        return self.last


class FakeResources:
    def __init__(self, api: Api, defects: frozenset[str], int_ids: bool, clock: Clock) -> None:
        self.api, self.defects, self.int_ids, self.clock = api, defects, int_ids, clock
        self.cursor_key = secrets.token_bytes(32)
        self.rows: dict[str, dict[str, Row]] = {plural: {} for plural in api.resources}
        self.next_id = 1

    def has(self, defect: str) -> bool:
        return defect in self.defects

    # ------------------------------------------------------------ ids, rows, rules

    def check_id(self, raw: str, field: str = "id") -> str:
        if self.int_ids:
            if not raw.isdigit():
                raise invalid(field, "not an id")
            return str(int(raw))
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            raise invalid(field, "not an id") from None

    def new_id(self) -> str:
        self.next_id += 1
        return str(self.next_id) if self.int_ids else str(uuid.uuid4())

    def live(self, res: Resource, row_id: str | None) -> Row | None:
        row = self.rows[res.plural].get(str(row_id)) if row_id is not None else None
        return row if row is not None and row.get("deleted_at") is None else None

    def get(self, res: Resource, raw_id: str) -> Row:
        row = self.live(res, self.check_id(raw_id))
        if row is None:
            raise Reject(404, "NOT_FOUND", f"{res.plural} {raw_id} was not found")
        return row

    def gate(self, rule: Rule, user: User | None) -> None:
        """401 without a signed-in user on a protected rule; 403 for a rule of roles only."""
        if rule.public:
            return
        if user is None:
            raise Reject(401, "UNAUTHORIZED", "Authentication required")
        if rule.roles_only and not has_any(user, rule.roles):
            raise Reject(403, "FORBIDDEN", "You are not allowed to do this")

    def owner_gate(self, rule: Rule, user: User | None, row: Row) -> None:
        if not rule.owner or self.has("owner_not_checked"):
            return
        if not (has_any(user, rule.roles) or self.owns(user, row)):
            raise Reject(403, "FORBIDDEN", "you may not do this to this record")

    @staticmethod
    def owns(user: User | None, row: Row) -> bool:
        return user is not None and row.get("owner_id") == user["id"]

    def readable(self, res: Resource, row: Row, user: User | None) -> bool:
        rule = res.auth["read"]
        if rule.public:
            return True
        if user is None:
            return False
        return (
            rule.authenticated or has_any(user, rule.roles) or (rule.owner and self.owns(user, row))
        )

    def require_parent(self, parent_res: Resource, parent_id: str, user: User | None) -> None:
        """404 unless the parent of a nested route exists and the user may read it."""
        parent = self.live(parent_res, parent_id)
        if parent is None or not (
            self.readable(parent_res, parent, user) or self.has("nested_under_unreadable_parent")
        ):
            raise Reject(404, "NOT_FOUND", f"{parent_res.plural} {parent_id} was not found")

    # ------------------------------------------------------------ output

    def out(
        self,
        res: Resource,
        row: Row,
        includes: list[Ref] | tuple[Ref, ...] = (),
        reader: User | None = None,
        echo: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"id": int(row["id"]) if self.int_ids else row["id"]}
        for name, spec in res.fields.items():
            value = row.get(name)
            if self.has("drops_timezone") and spec["type"] == "datetime" and value is not None:
                value = datetime.fromisoformat(value).replace(tzinfo=None).isoformat()
            data[name] = value
        for name in res.refs:
            value = row.get(name)
            data[name] = int(value) if self.int_ids and value is not None else value
        if res.uses_owner:
            data["owner_id"] = row.get("owner_id")
        if res.timestamps:
            data["created_at"] = utc_text(row["created_at"])
            data["updated_at"] = utc_text(row["updated_at"])
        for ref in includes:
            parent_res = self.api[ref.to]
            parent = self.live(parent_res, row.get(ref.field))
            if parent is not None and (
                self.readable(parent_res, parent, reader)
                or self.has("include_leaks_unreadable_parent")
            ):
                data[ref.relation] = self.out(parent_res, parent)
        data.update(echo or {})
        return data

    # ------------------------------------------------------------ bodies

    def validate(
        self, res: Resource, body: object, *, partial: bool, nested: str | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(stored values, the values as sent) of a create/PUT (or, partial, PATCH) body."""
        if not isinstance(body, dict):
            raise Reject(
                422, "VALIDATION_ERROR", "Body must be an object", {"body": "not an object"}
            )
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        for name, value in body.items():
            if name in res.fields:
                spec = res.fields[name]
                if spec.get("read_only") and not self.has("read_only_accepted"):
                    errors[name] = "read only: set by the server"
                elif (error := field_error(spec, value, self.defects)) is not None:
                    errors[name] = error
                else:
                    values[name] = value
            elif name in res.refs and name != nested:
                ref = res.refs[name]
                if value is None:
                    if ref.required:
                        errors[name] = "may not be null"
                    else:
                        values[name] = None
                elif isinstance(value, bool) or not isinstance(value, str | int):
                    errors[name] = "not an id"
                else:
                    try:
                        values[name] = self.check_id(str(value), name)
                    except Reject:
                        errors[name] = "not an id"
            elif name == "owner_id" and res.uses_owner and self.has("owner_id_from_body"):
                values[name] = str(value)
            elif not (partial and self.has("patch_ignores_unknown")):
                errors[name] = "unknown field"
        if not partial:
            for name, spec in res.writable.items():
                if name not in body and spec["required"] and spec["default"] is None:
                    errors[name] = "field required"
            for name, ref in res.refs.items():
                if name not in body and ref.required and name != nested:
                    errors[name] = "field required"
        if errors:
            raise Reject(422, "VALIDATION_ERROR", "Request validation failed", errors)
        kept = {
            n: stored(res.fields[n], v, self.defects) if n in res.fields else v
            for n, v in values.items()
        }
        return kept, values

    def check_refs(self, res: Resource, values: Mapping[str, Any], user: User | None) -> None:
        """Each parent must exist and be readable by the author: else a 422 on the field."""
        for name, ref in res.refs.items():
            if values.get(name) is None:
                continue
            parent_res = self.api[ref.to]
            parent = self.live(parent_res, values[name])
            if parent is None:
                if self.has("unknown_parent_500"):
                    raise RuntimeError("foreign key violation")
                raise invalid(name, f"no {ref.relation} has this id")
            if not self.readable(parent_res, parent, user) and not self.has(
                "unreadable_parent_accepted"
            ):
                raise invalid(name, f"no {ref.relation} has this id")

    def check_unique(self, res: Resource, values: Mapping[str, Any], own_id: str | None) -> None:
        if self.has("no_unique"):
            return
        for name, spec in res.fields.items():
            if spec.get("unique") and values.get(name) is not None:
                for row_id, row in self.rows[res.plural].items():
                    if (
                        row_id != own_id
                        and row.get("deleted_at") is None
                        and row.get(name) == values[name]
                    ):
                        raise Reject(409, "CONFLICT", f"{name} is taken", {"unique": [name]})

    def echo(self, res: Resource, sent: Mapping[str, Any]) -> dict[str, Any] | None:
        """What a write wrongly answers with the `nonstored_form` defect: values as sent."""
        if not self.has("nonstored_form"):
            return None
        kinds = ("decimal", "datetime")
        return {n: v for n, v in sent.items() if n in res.fields and res.fields[n]["type"] in kinds}

    # ------------------------------------------------------------ writes

    def create(
        self, res: Resource, body: object, user: User | None, nested: tuple[Ref, str] | None = None
    ) -> dict[str, Any]:
        values, sent = self.validate(
            res, body, partial=False, nested=nested[0].field if nested else None
        )
        if nested:
            values[nested[0].field] = nested[1]
        self.check_refs(res, values, user)
        row: Row = {n: values.get(n, stored(s, s["default"])) for n, s in res.fields.items()}
        row.update({n: values.get(n) for n in res.refs})
        if res.uses_owner:
            row["owner_id"] = values.get("owner_id", user["id"] if user else None)
        self.check_unique(res, row, None)
        now = self.clock.now()
        row.update(id=self.new_id(), created_at=now, updated_at=now, deleted_at=None)
        self.rows[res.plural][row["id"]] = row
        return self.out(res, row, echo=self.echo(res, sent))

    def write(
        self, res: Resource, raw_id: str, body: object, user: User | None, *, replace: bool
    ) -> dict[str, Any]:
        rule = res.auth["update"]
        row_id = self.check_id(raw_id)
        if self.has("unknown_id_before_validation"):
            self.get(res, row_id)
        values, sent = self.validate(res, body, partial=not replace)
        row = self.get(res, row_id)
        self.owner_gate(rule, user, row)
        if replace and not self.has("put_keeps_omitted"):  # left out: defaults, no parent
            defaults = {n: stored(s, s["default"]) for n, s in res.writable.items()}
            values = {**defaults, **{n: None for n in res.refs}, **values}
        self.check_refs(res, values, user)
        self.check_unique(res, {**row, **values}, row_id)
        row.update(values)
        row["updated_at"] = self.clock.now()
        return self.out(res, row, echo=self.echo(res, sent))

    def delete(self, res: Resource, raw_id: str, user: User | None) -> None:
        row = self.get(res, raw_id)
        self.owner_gate(res.auth["delete"], user, row)
        plan: list[tuple[str, Resource, Row, str]] = []
        self._plan_delete(res, row, plan)
        now = self.clock.now()
        for what, target, target_row, field in plan:
            if what == "null":
                target_row[field] = None
                target_row["updated_at"] = now
            elif target.soft_delete:
                target_row["deleted_at"] = now
            else:
                self.rows[target.plural].pop(target_row["id"], None)

    def _plan_delete(
        self, res: Resource, row: Row, plan: list[tuple[str, Resource, Row, str]]
    ) -> None:
        soft = res.soft_delete
        for child, ref in self.api.children(res.plural):
            live = [
                r
                for r in self.rows[child.plural].values()
                if r.get(ref.field) == row["id"] and r.get("deleted_at") is None
            ]
            if not live:
                continue
            if ref.on_delete == "restrict":
                if self.has("soft_delete_ignores_restrict" if soft else "restrict_ignored"):
                    continue
                raise Reject(409, "CONFLICT", f"this record is still referenced by {child.plural}")
            if soft and self.has(f"soft_delete_ignores_{ref.on_delete}"):
                continue
            for child_row in live:
                if ref.on_delete == "cascade":
                    self._plan_delete(child, child_row, plan)
                else:
                    plan.append(("null", child, child_row, ref.field))
        plan.append(("remove", res, row, ""))

    # ------------------------------------------------------------ reads

    def includes(self, res: Resource, query: dict[str, list[str]]) -> list[Ref]:
        names = [n for v in query.pop("include", []) for n in v.split(",") if n]
        by_relation = {
            ref.relation: ref for ref in res.refs.values() if ref.to in self.api.resources
        }
        unknown = [n for n in names if n not in by_relation]
        if unknown and not self.has("unknown_include_ignored"):
            raise invalid("include", f"unknown relations {unknown}")
        return [by_relation[n] for n in dict.fromkeys(names) if n in by_relation]

    def read(
        self, res: Resource, raw_id: str, query: dict[str, list[str]], user: User | None
    ) -> dict[str, Any]:
        row_id = self.check_id(raw_id)
        includes = self.includes(res, query)
        if query:
            raise invalid(next(iter(query)), "unknown query parameter")
        row = self.get(res, row_id)
        self.owner_gate(res.auth["read"], user, row)
        return self.out(res, row, includes, user)

    def sort_keys(self, res: Resource, raw: str) -> list[tuple[str, bool]]:
        keys: list[tuple[str, bool]] = []
        for part in raw.split(","):
            name = part.strip().removeprefix("-")
            if name not in res.sort or name in {k for k, _ in keys}:
                raise invalid("sort", f"cannot sort by {name!r}")
            keys.append((name, part.strip().startswith("-")))
        if res.cursor and len(keys) != 1:
            raise invalid("sort", "cursor pagination sorts by one field")
        return keys

    def value_of(self, res: Resource, row: Row, key: str) -> tuple[int, Any]:
        if key == "id":
            return (0, int(row["id"]) if self.int_ids else row["id"])
        if key in ("created_at", "updated_at"):
            return (0, row[key])
        return order_key(res.kind(key), row.get(key))

    def find(
        self,
        res: Resource,
        query: dict[str, list[str]],
        user: User | None,
        parent: tuple[Ref, str] | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        rule = res.auth["list"]
        includes = self.includes(res, query)
        tests = self.filters(res, query)
        params = {k: v[-1] for k, v in query.items()}
        default = 7 if self.has("wrong_default_limit") else res.default_limit
        numbers: dict[str, int] = {}
        names = ("limit",) if res.cursor else ("page", "limit")
        for name in names:
            raw = params.pop(name, str(1 if name == "page" else default))
            top = res.max_limit if name == "limit" and not self.has("limit_not_capped") else None
            if not raw.isdigit() or int(raw) < 1 or (top is not None and int(raw) > top):
                raise invalid(name, "out of range")
            numbers[name] = int(raw)
        sort = params.pop("sort", res.default_sort)
        keys = self.sort_keys(res, sort)
        cursor = params.pop("cursor", None) if res.cursor else None
        if params:
            raise invalid(next(iter(params)), "unknown query parameter")
        position = self.decode_cursor(res, sort, keys[0][0], cursor) if cursor is not None else None
        if parent is not None:
            parent_res = self.api[parent[0].to]
            self.require_parent(parent_res, parent[1], user)
        rows = [r for r in self.rows[res.plural].values() if r.get("deleted_at") is None]
        if parent is not None:
            rows = [r for r in rows if r.get(parent[0].field) == parent[1]]
        if rule.owner and not has_any(user, rule.roles) and not self.has("owner_list_unfiltered"):
            rows = [r for r in rows if self.owns(user, r)]
        rows = [r for r in rows if all(test(r) for test in tests)]
        limit = numbers["limit"]
        if not res.cursor:
            rows.sort(key=partial(self.value_of, res, key="id"))
            for key, descending in reversed(keys):
                rows.sort(key=partial(self.value_of, res, key=key), reverse=descending)
            start = (numbers["page"] - 1) * limit
            items = [self.out(res, r, includes, user) for r in rows[start : start + limit]]
            return items, {"page": numbers["page"], "limit": limit, "total": len(rows)}
        key, descending = keys[0]

        def where(r: Row) -> tuple[Any, Any]:
            return (self.value_of(res, r, key), self.value_of(res, r, "id"))

        rows.sort(key=where, reverse=descending)
        if position is not None:
            after: Callable[[Row], bool]
            if self.has("cursor_skips_ties"):
                after = (
                    (lambda r: where(r)[0] < position[0])
                    if descending
                    else (lambda r: where(r)[0] > position[0])
                )
            else:
                after = (
                    (lambda r: where(r) < position)
                    if descending
                    else (lambda r: where(r) > position)
                )
            rows = [r for r in rows if after(r)]
        page = rows[: limit + 1]
        next_cursor = None
        if len(page) > limit or (self.has("next_cursor_on_last_page") and len(page) == limit):
            last = page[limit - 1]
            next_cursor = self.encode_cursor(res, sort, key, last)
        items = [self.out(res, r, includes, user) for r in page[:limit]]
        return items, {"limit": limit, "next_cursor": next_cursor}

    def filters(self, res: Resource, query: dict[str, list[str]]) -> list[Callable[[Row], bool]]:
        """Takes the filter parameters and q out of `query`: a test per parameter given,
        or a 422 for a value the field's column cannot hold."""
        tests: list[Callable[[Row], bool]] = []
        for name in res.filters:
            kind, spec = res.kind(name), res.fields.get(name)
            for op in res.filter_ops(name):
                given = query.pop(f"{name}{op}", None)
                if given is None:
                    continue
                texts = [t for v in given for t in v.split(",") if t] if op else given[-1:]
                if op == "_in" and self.has("in_first_only"):
                    texts = texts[:1]
                try:
                    wanted = [self.filter_value(kind, spec, text) for text in texts]
                except ValueError:
                    if self.has("filter_lax_types"):
                        continue
                    raise invalid(f"{name}{op}", f"not a value {name} can hold") from None
                skip = {"": "filter_ignored", "_lte": "lte_ignored"}.get(op)
                if skip is None or not self.has(skip):
                    tests.append(partial(self.matches, name, kind, op, wanted))
        if res.search and "q" in query:
            q = query.pop("q")[-1]
            if not 1 <= len(q) <= 200 or "\x00" in q:
                raise invalid("q", "1 to 200 characters, without NUL")
            fields = res.search[:1] if self.has("search_first_field_only") else res.search
            tests.append(partial(self.found, fields, q))
        return tests

    def filter_value(self, kind: str, spec: Mapping[str, Any] | None, text: str) -> Any:
        if kind != "ref":
            return filter_value(kind, spec, text)
        try:
            return self.check_id(text)
        except Reject:
            raise ValueError("not an id") from None

    def matches(self, name: str, kind: str, op: str, wanted: list[Any], row: Row) -> bool:
        if row.get(name) is None:
            return False
        value = filter_key(kind, row[name])
        if op == "_gte":
            return bool(value > wanted[0] if self.has("gte_exclusive") else value >= wanted[0])
        if op == "_lte":
            return bool(value <= wanted[0])
        return bool(value in wanted) if op == "_in" else bool(value == wanted[0])

    def found(self, fields: tuple[str, ...], q: str, row: Row) -> bool:
        """Whether a field holds q as a literal substring, in any case."""
        if self.has("search_case_sensitive"):
            return any(q in (row.get(f) or "") for f in fields)
        return any(q.lower() in (row.get(f) or "").lower() for f in fields)

    def encode_cursor(self, res: Resource, sort: str, key: str, row: Row) -> str:
        raw = row["id"] if key == "id" else row.get(key)
        if isinstance(raw, datetime):
            raw = utc_text(raw)
        elif isinstance(raw, Decimal):
            raw = str(raw)
        text = json.dumps({"sort": sort, "value": raw, "id": row["id"]})
        payload = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
        return f"{payload}.{self._signature(payload)}"

    def _signature(self, payload: str) -> str:
        digest = hmac.new(self.cursor_key, payload.encode(), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def _cursor_payload(self, cursor: str) -> str:
        """The signed part of a cursor of this server (unsigned ones too, with a defect)."""
        if self.has("deep_cursor_500"):  # JSON read before the length and the signature
            json.loads(base64.urlsafe_b64decode(cursor.split(".")[0] + "=="))
        elif len(cursor) > MAX_CURSOR_LENGTH:
            raise invalid("cursor", "too long")
        payload, _, signature = cursor.partition(".")
        if self.has("unsigned_cursor") or self.has("crafted_cursor_500"):
            return payload
        if not hmac.compare_digest(signature, self._signature(payload)):
            raise invalid("cursor", "not a cursor from this API")
        return payload

    def decode_cursor(self, res: Resource, sort: str, key: str, cursor: str) -> tuple[Any, Any]:
        try:
            payload = self._cursor_payload(cursor)
            position = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (binascii.Error, ValueError):
            raise invalid("cursor", "not a cursor from this API") from None
        if not isinstance(position, dict) or position.get("sort") != sort or "id" not in position:
            raise invalid("cursor", "not a cursor from this API")
        kind = "ref" if key == "id" else res.kind(key)
        try:
            if kind == "ref":
                value: Any = self.check_id(str(position["value"]))
            else:
                value = cursor_value(kind, res.fields.get(key), position["value"])
            row_id = self.check_id(str(position["id"]))
        except (ValueError, KeyError, Reject):
            if self.has("crafted_cursor_500"):
                raise RuntimeError("the database cannot compare this value") from None
            raise invalid("cursor", "not a cursor from this API") from None
        probe = {key: value, "id": row_id}
        return (self.value_of(res, probe, key), self.value_of(res, probe, "id"))
