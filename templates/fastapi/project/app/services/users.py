"""Managing accounts (admins only): who holds which roles, who may sign in."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models.base import utcnow
from app.models.users import User
from app.repositories.refresh_tokens import RefreshTokenRepository
from app.repositories.users import UserRepository
from app.utils.audit import record
from app.utils.emails import normalise_email
from app.utils.errors import ConflictError, NotFoundError
from app.utils.pagination import Page
from app.utils.security import ADMIN_ROLE
from app.validators.users import UserListQuery, UserRead, UserUpdate


def _access(user: User) -> dict[str, Any]:
    """What the audit log keeps of a change: never the password hash."""
    return {"roles": list(user.roles), "is_active": user.is_active}


class UserService:
    """Reading accounts and changing their roles and status; each write is one
    transaction, recorded in the audit log.

    Roles are read from the database on every request (app/utils/security.py), so a
    change applies to the user's next request, with the access token they already hold.
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = UserRepository(session)
        self.tokens = RefreshTokenRepository(session)

    async def find(self, query: UserListQuery) -> Page[UserRead]:
        """A page as the API shows it."""
        page = await self.repository.list_page(query)
        items = [UserRead.model_validate(item) for item in page.items]
        return Page(items=items, total=page.total, params=page.params)

    async def read(self, user_id: uuid.UUID) -> UserRead:
        """The user as the API shows it."""
        return UserRead.model_validate(await self.get(user_id))

    async def get(self, user_id: uuid.UUID) -> User:
        user = await self.repository.get(user_id)
        if user is None:
            raise NotFoundError("user", user_id)
        return user

    async def update(self, actor: User, user_id: uuid.UUID, data: UserUpdate) -> User:
        """Set the roles and/or status the request gave.

        An admin may not take their own admin role away nor deactivate themselves, so a
        project cannot lose its last admin by accident (409 CONFLICT). Deactivating a
        user revokes their refresh tokens; their access tokens fail from the next
        request.
        """
        user = await self.get(user_id)
        if user.id == actor.id:
            if data.roles is not None and ADMIN_ROLE not in data.roles:
                raise ConflictError(
                    "You cannot remove your own admin role; ask another admin",
                    details={"field": "roles"},
                )
            if data.is_active is False:
                raise ConflictError(
                    "You cannot deactivate your own account; ask another admin",
                    details={"field": "is_active"},
                )
        before = _access(user)
        if data.roles is not None:
            user.roles = list(data.roles)
        if data.is_active is not None:
            user.is_active = data.is_active
        await self._save(actor, user, before)
        return user

    async def grant_role(self, email: str, role: str) -> bool:
        """Give the account `role`; False if it held it already."""
        user = await self._by_email(email)
        if role in user.roles:
            return False
        before = _access(user)
        user.roles = [*user.roles, role]
        await self._save(None, user, before)
        return True

    async def revoke_role(self, email: str, role: str) -> bool:
        """Take `role` from the account; False if it did not hold it."""
        user = await self._by_email(email)
        if role not in user.roles:
            return False
        before = _access(user)
        user.roles = [name for name in user.roles if name != role]
        await self._save(None, user, before)
        return True

    async def _by_email(self, email: str) -> User:
        user = await self.repository.get_by_email(email)
        if user is None:
            raise NotFoundError("user", normalise_email(email))
        return user

    async def _save(
        self, actor: User | None, user: User, before: dict[str, Any]
    ) -> None:
        """Commit the change; an inactive user's refresh tokens are all revoked."""
        after = _access(user)
        if not user.is_active:
            await self.tokens.revoke_all(user.id, utcnow())
        if after != before:
            await record(self.session, actor, "update", "users", user.id, before, after)
        await self.session.commit()
