"""Database access for users."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.users import User


class UserRepository:
    """Every query on the users table."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def get_by_email(self, email: str) -> User | None:
        """Emails are stored lower-cased, so the lookup ignores case."""
        statement = select(User).where(User.email == email.lower())
        return await self.session.scalar(statement)

    async def add(self, user: User) -> None:
        self.session.add(user)
        await self.session.flush()
