import logging
import secrets
from typing import Any

import pytest
import uvicorn
from pydantic import ValidationError
from sqlalchemy.pool import QueuePool

from app.__main__ import main as serve
from app.config import Settings, describe, get_settings
from app.database import create_engine
from app.utils.secret_keys import secret_problem

WEAK_SECRETS = [
    None,
    "",
    "too-short",
    "a" * 32,
    "changeme",
    "changeme" * 4,
    "abcd" * 8,
    "aaaaaaaabbbbbbbbccccccccdddddddd",
    "development-only-secret-key-do-not-use-in-production",
]


def test_development_without_a_secret_makes_one_per_process_and_warns(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with caplog.at_level(logging.WARNING, logger="app.config"):
        first = Settings(_env_file=None, environment="development")
    second = Settings(_env_file=None, environment="development")

    # Random, strong, and the same for every Settings of this process (tokens survive
    # a settings reload, not a restart); never a value shared by every project.
    assert secret_problem(first.secret_key) is None
    assert first.secret_key == second.secret_key
    assert "SECRET_KEY is not set" in caplog.text


@pytest.mark.parametrize("secret", WEAK_SECRETS)
def test_production_refuses_a_weak_secret(
    monkeypatch: pytest.MonkeyPatch, secret: str | None
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)

    with pytest.raises(ValidationError) as error:
        Settings(_env_file=None)

    message = describe(error.value)
    assert message.startswith("Invalid configuration: SECRET_KEY: ")
    assert "\n" not in message


@pytest.mark.parametrize("secret", [secrets.token_urlsafe(48), secrets.token_hex(16)])
def test_production_accepts_a_random_secret(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", secret)

    assert Settings(_env_file=None).secret_key == secret


def test_allowed_hosts_and_body_limit_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", "api.example.com, *.example.org")
    monkeypatch.setenv("MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("DOCS_IN_PRODUCTION", "true")

    settings = Settings(_env_file=None)

    assert settings.allowed_hosts == ["api.example.com", "*.example.org"]
    assert settings.max_body_bytes == 2048
    assert settings.docs_in_production is True


def test_python_m_app_serves_on_host_and_port_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("HOST", "0.0.0.0")
    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(options))
    get_settings.cache_clear()
    try:
        serve(["--reload"])
    finally:
        get_settings.cache_clear()

    assert served == {"host": "0.0.0.0", "port": 8123, "reload": True}


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_a_port_out_of_range_is_refused(
    monkeypatch: pytest.MonkeyPatch, port: str
) -> None:
    monkeypatch.setenv("PORT", port)
    with pytest.raises(ValidationError, match="port"):
        Settings(_env_file=None)


def test_get_settings_exits_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    # The environment wins over the project's .env, which holds a good secret.
    monkeypatch.setenv("SECRET_KEY", "too-short")
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as exit_info:
            get_settings()
    finally:
        get_settings.cache_clear()

    assert str(exit_info.value).startswith("Invalid configuration: SECRET_KEY")


def test_cors_origins_from_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")

    settings = Settings(_env_file=None)

    assert settings.cors_origins == ["https://a.example", "https://b.example"]


async def test_a_server_database_gets_the_configured_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://app@localhost:5432/app")
    monkeypatch.setenv("DATABASE_POOL_SIZE", "7")
    monkeypatch.setenv("DATABASE_MAX_OVERFLOW", "3")

    engine = create_engine(Settings(_env_file=None))

    assert isinstance(engine.pool, QueuePool)
    assert (engine.pool.size(), engine.pool._max_overflow) == (7, 3)
    await engine.dispose()


def test_a_pool_needs_at_least_one_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_POOL_SIZE", "0")

    with pytest.raises(ValidationError) as error:
        Settings(_env_file=None)

    message = describe(error.value)
    assert message.startswith("Invalid configuration: DATABASE_POOL_SIZE: ")
