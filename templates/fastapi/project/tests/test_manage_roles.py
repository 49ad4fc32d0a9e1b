from collections.abc import Awaitable, Callable

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.config import Settings
from app.manage import grant_role, main, revoke_role
from tests.auth import bearer, create_user

RoleChange = Callable[[Settings, str, str], Awaitable[bool]]


async def test_grant_role_takes_effect_on_the_next_request(
    app: FastAPI, client: AsyncClient
) -> None:
    settings: Settings = app.state.settings
    ada = await create_user(app, "ada@example.com", ["finance"])
    headers = bearer(app, ada)  # issued before the change
    before = await client.get("/api/v1/users", headers=headers)

    assert await grant_role(settings, "ADA@example.com", "admin") is True

    after = await client.get("/api/v1/users", headers=headers)
    me = await client.get("/api/v1/auth/me", headers=headers)
    assert before.status_code == 403
    assert after.status_code == 200
    assert me.json()["data"]["roles"] == ["finance", "admin"]


async def test_grant_and_revoke_are_idempotent(
    app: FastAPI, client: AsyncClient
) -> None:
    settings: Settings = app.state.settings
    ada = await create_user(app, "ada@example.com", ["finance"])

    assert await grant_role(settings, "ada@example.com", "moderator") is True
    assert await grant_role(settings, "ada@example.com", "moderator") is False
    assert await revoke_role(settings, "ada@example.com", "finance") is True
    assert await revoke_role(settings, "ada@example.com", "finance") is False

    me = await client.get("/api/v1/auth/me", headers=bearer(app, ada))
    assert me.json()["data"]["roles"] == ["moderator"]


@pytest.mark.parametrize("change", [grant_role, revoke_role])
async def test_unknown_email_is_one_line(app: FastAPI, change: RoleChange) -> None:
    with pytest.raises(SystemExit, match="^No account with the email nobody@x.org$"):
        await change(app.state.settings, "Nobody@x.org", "finance")


@pytest.mark.parametrize("role", ["Finance", "two words", "", "1st"])
async def test_invalid_role_names_are_refused(app: FastAPI, role: str) -> None:
    await create_user(app, "ada@example.com")

    with pytest.raises(SystemExit, match="^Invalid role"):
        await grant_role(app.state.settings, "ada@example.com", role)


def test_commands_say_what_they_did(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings: Settings = app.state.settings
    monkeypatch.setenv("ADMIN_PASSWORD", "a long admin password")
    main(["create-admin", "root@example.com"], settings)
    capsys.readouterr()

    said = []
    for argv in (
        ["grant-role", "Root@example.com", "finance"],
        ["grant-role", "root@example.com", "finance"],
        ["revoke-role", "root@example.com", "finance"],
        ["revoke-role", "root@example.com", "finance"],
    ):
        main(argv, settings)
        said.append(capsys.readouterr().err.strip())

    assert said == [
        "root@example.com now holds the role finance",
        "root@example.com already holds the role finance",
        "root@example.com no longer holds the role finance",
        "root@example.com did not hold the role finance",
    ]


@pytest.mark.parametrize("command", ["grant-role", "revoke-role"])
def test_commands_exit_with_one_line_for_an_unknown_email(
    app: FastAPI, command: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "nobody@example.com", "finance"], app.state.settings)

    assert exit_info.value.code == "No account with the email nobody@example.com"
