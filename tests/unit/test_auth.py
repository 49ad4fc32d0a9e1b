"""The spec's `auth`: validation, the context's permissions, and what the templates render."""

from __future__ import annotations

import ast

import pytest

from generator.errors import SpecError
from generator.schema.snapshot import snapshot
from generator.spec import load_spec_text
from tests.unit.resources import contexts, render

BASE = "resource: review\nfields:\n  title: string\n"
OWNED = BASE + (
    "auth:\n"
    "  list: [owner, moderator]\n"
    "  read: public\n"
    "  create: authenticated\n"
    "  update: owner\n"
    "  delete: [editor, moderator]\n"
)


def messages(text: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_spec_text(text, "specs/reviews.yaml", "reviews")
    return [str(d) for d in caught.value.diagnostics]


def test_without_auth_reads_are_public_and_writes_need_a_user() -> None:
    auth = contexts({"reviews": BASE})["reviews"].auth
    assert [a for a, p in auth.items() if p.public] == ["list", "read"]
    assert [a for a, p in auth.items() if p.authenticated] == ["create", "update", "delete"]
    assert not contexts({"reviews": BASE})["reviews"].uses_owner


def test_rules_become_permissions() -> None:
    context = contexts({"reviews": OWNED})["reviews"]
    auth = context.auth
    assert auth["list"].owner and auth["list"].roles == ("moderator",)
    assert auth["read"].public and not auth["read"].protected
    assert auth["delete"].roles_only and auth["delete"].roles == ("editor", "moderator")
    assert auth["update"].owner and auth["update"].roles == ()
    assert context.uses_owner and not context.owner_nullable


def test_authenticated_makes_roles_and_owner_moot() -> None:
    text = BASE + "auth:\n  update: [authenticated, editor]\n"
    update = contexts({"reviews": text})["reviews"].auth["update"]
    assert update.authenticated and update.roles == () and not update.owner


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("create: owner", "nobody owns a record before it exists"),
        ("list: [public, editor]", "`public` already allows everyone"),
        ("read: []", "needs at least one entry"),
        ("read: Editor", "is not a role name"),
    ],
)
def test_impossible_rules_are_refused(rule: str, message: str) -> None:
    found = messages(BASE + f"auth:\n  {rule}\n")
    assert any(message in m for m in found), found


def test_owner_id_is_a_generated_name() -> None:
    found = messages("resource: review\nfields:\n  owner_id: uuid\n")
    assert any("owner_id" in m for m in found), found


def test_routes_check_roles_and_pass_the_user_for_owner_rules() -> None:
    files = render({"reviews": OWNED})
    controller = files["app/controllers/reviews.py"].replace("'", '"')
    for text in files.values():
        ast.parse(text)
    assert 'dependencies=[Depends(require_roles("editor", "moderator"))]' in controller
    assert "service.find(query, user)" in controller
    assert "service.update(review_id, data, user)" in controller
    assert "owner_id=user.id" in controller
    assert "AUTH_ERRORS: Responses = error_responses(401, 403)" in controller
    service = files["app/services/reviews.py"].replace("'", '"')
    assert 'raise ForbiddenError(f"you may not {action} this review")' in service
    assert "list_page(query, self._owner_filter(user))" in service
    model = files["app/models/reviews.py"].replace("'", '"')
    assert 'ForeignKey("users.id", ondelete="CASCADE"), index=True' in model


def test_a_public_create_with_owner_rules_allows_no_owner() -> None:
    text = BASE + "auth:\n  create: public\n  update: owner\n"
    context = contexts({"reviews": text})["reviews"]
    assert context.owner_nullable
    controller = render({"reviews": text})["app/controllers/reviews.py"]
    assert "user: OptionalUser" in controller
    assert "owner_id=user.id if user else None" in controller


def test_the_migration_snapshot_has_the_owner_column() -> None:
    table = snapshot(contexts({"reviews": OWNED}).values())["tables"]["reviews"]
    assert {
        "name": "owner_id",
        "type": "uuid",
        "length": None,
        "precision": None,
        "scale": None,
        "nullable": False,
    } in table["columns"]
    assert table["foreign_keys"][-1]["ref_table"] == "users"
    assert table["foreign_keys"][-1]["on_delete"] == "CASCADE"
    assert "ix_reviews_owner_id" in [i["name"] for i in table["indexes"]]
    plain = snapshot(contexts({"reviews": BASE}).values())["tables"]["reviews"]
    assert "owner_id" not in [c["name"] for c in plain["columns"]]
