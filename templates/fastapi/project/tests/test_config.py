import pytest
from pydantic import ValidationError
from sqlalchemy.pool import QueuePool

from app.config import DEVELOPMENT_SECRET_KEY, Settings, describe, get_settings
from app.database import create_engine


def test_development_has_a_default_secret() -> None:
    assert Settings(environment="development").secret_key == DEVELOPMENT_SECRET_KEY


@pytest.mark.parametrize("secret", [None, DEVELOPMENT_SECRET_KEY, "too-short"])
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


def test_production_accepts_a_long_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)

    assert Settings(_env_file=None).secret_key == "s" * 32


def test_get_settings_exits_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
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
