"""Management commands: `python -m app.manage create-admin EMAIL`.

The password is read from ADMIN_PASSWORD, or prompted for when it is not set.
"""

import argparse
import asyncio
import getpass
import os
import sys

from pydantic import ValidationError

from app.config import Settings, get_settings
from app.database import create_engine, create_sessionmaker
from app.models.base import Base
from app.services.auth import AuthService
from app.utils.errors import ConflictError
from app.validators.auth import RegisterRequest


def _read_password() -> str:
    password = os.environ.get("ADMIN_PASSWORD")
    if password:
        return password
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != password:
        raise SystemExit("The passwords differ")
    return password


async def create_admin(settings: Settings, email: str, password: str) -> None:
    """Create an active account holding the admin role."""
    try:
        data = RegisterRequest(email=email, password=password)
    except ValidationError as error:
        problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in error.errors())
        raise SystemExit(f"Invalid admin account: {problems}") from None
    engine = create_engine(settings)
    try:
        if settings.create_tables_on_start:
            async with engine.begin() as connection:
                await connection.run_sync(Base.metadata.create_all)
        async with create_sessionmaker(engine)() as session:
            service = AuthService(session, settings)
            await service.register(data.email, data.password, roles=["admin"])
    except ConflictError as error:
        raise SystemExit(f"{error.message}: {data.email}") from None
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None, settings: Settings | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app.manage")
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser(
        "create-admin", help="create an admin account (password: $ADMIN_PASSWORD)"
    )
    admin.add_argument("email")
    arguments = parser.parse_args(argv)
    if arguments.command == "create-admin":
        settings = settings or get_settings()
        asyncio.run(create_admin(settings, arguments.email, _read_password()))
        print(f"Admin {arguments.email.lower()} created", file=sys.stderr)


if __name__ == "__main__":
    main()
