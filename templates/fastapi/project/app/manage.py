"""Management commands:

python -m app.manage create-admin EMAIL       # password: $ADMIN_PASSWORD or a prompt
python -m app.manage grant-role EMAIL ROLE    # idempotent
python -m app.manage revoke-role EMAIL ROLE   # idempotent
"""

import argparse
import asyncio
import getpass
import os
import sys

from pydantic import TypeAdapter, ValidationError

from app.config import Settings, get_settings
from app.database import create_engine, create_sessionmaker
from app.models.base import Base
from app.services.auth import AuthService
from app.services.users import UserService
from app.utils.emails import normalise_email
from app.utils.errors import ConflictError, NotFoundError
from app.validators.auth import RegisterRequest
from app.validators.users import RoleName

_ROLE: TypeAdapter[str] = TypeAdapter(RoleName)


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


async def change_role(settings: Settings, email: str, role: str, grant: bool) -> bool:
    """Grant (or revoke) `role` to the account; False if it already held it (or did
    not). SystemExit with one line for an unknown email or an invalid role name."""
    try:
        role = _ROLE.validate_python(role)
    except ValidationError:
        raise SystemExit(
            f"Invalid role {role!r}: use a lowercase identifier such as 'finance'"
        ) from None
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            service = UserService(session)
            if grant:
                return await service.grant_role(email, role)
            return await service.revoke_role(email, role)
    except NotFoundError:
        raise SystemExit(
            f"No account with the email {normalise_email(email)}"
        ) from None
    finally:
        await engine.dispose()


async def grant_role(settings: Settings, email: str, role: str) -> bool:
    """Give the account `role`; False if it held it already."""
    return await change_role(settings, email, role, grant=True)


async def revoke_role(settings: Settings, email: str, role: str) -> bool:
    """Take `role` from the account; False if it did not hold it."""
    return await change_role(settings, email, role, grant=False)


# What grant-role and revoke-role say, by (command, whether anything changed).
ROLE_MESSAGES = {
    ("grant-role", True): "{email} now holds the role {role}",
    ("grant-role", False): "{email} already holds the role {role}",
    ("revoke-role", True): "{email} no longer holds the role {role}",
    ("revoke-role", False): "{email} did not hold the role {role}",
}


def main(argv: list[str] | None = None, settings: Settings | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app.manage")
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser(
        "create-admin", help="create an admin account (password: $ADMIN_PASSWORD)"
    )
    admin.add_argument("email")
    grant = commands.add_parser("grant-role", help="give an account a role")
    revoke = commands.add_parser("revoke-role", help="take a role from an account")
    for command in (grant, revoke):
        command.add_argument("email")
        command.add_argument("role", help="a lowercase identifier, e.g. finance")
    arguments = parser.parse_args(argv)
    settings = settings or get_settings()
    email = normalise_email(arguments.email)
    if arguments.command == "create-admin":
        asyncio.run(create_admin(settings, arguments.email, _read_password()))
        print(f"Admin {email} created", file=sys.stderr)
        return
    change = grant_role if arguments.command == "grant-role" else revoke_role
    changed = asyncio.run(change(settings, email, arguments.role))
    message = ROLE_MESSAGES[(arguments.command, changed)]
    print(message.format(email=email, role=arguments.role), file=sys.stderr)


if __name__ == "__main__":
    main()
