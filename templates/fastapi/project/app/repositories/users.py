"""Database access for users."""

import uuid

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.users import User
from app.utils.emails import normalise_email
from app.utils.pagination import Page, PageParams
from app.validators.users import UserListQuery


class UserRepository:
    """Every query on the users table."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_page(self, query: UserListQuery) -> Page[User]:
        """A page of users, oldest account first."""
        statement = self._filtered(query)
        count = select(func.count()).select_from(statement.subquery())
        total = await self.session.scalar(count)
        params = PageParams(page=query.page, limit=query.limit)
        ordered = statement.order_by(User.created_at, User.id)
        page = ordered.offset(params.offset).limit(params.limit)
        items = list(await self.session.scalars(page))
        return Page(items=items, total=total or 0, params=params)

    def _filtered(self, query: UserListQuery) -> Select[User]:
        statement = select(User)
        if query.email is not None:
            statement = statement.where(User.email == normalise_email(query.email))
        return statement

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def get_by_email(self, email: str) -> User | None:
        """Emails are stored normalised (app/utils/emails.py), so the lookup ignores
        case and look-alike spellings."""
        statement = select(User).where(User.email == normalise_email(email))
        return await self.session.scalar(statement)

    async def add(self, user: User) -> None:
        self.session.add(user)
        await self.session.flush()
