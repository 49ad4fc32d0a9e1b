"""Database access for refresh tokens."""

import uuid
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.refresh_tokens import RefreshToken


class RefreshTokenRepository:
    """Every query on the refresh_tokens table."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, jti: str) -> RefreshToken | None:
        return await self.session.get(RefreshToken, jti)

    async def add(self, token: RefreshToken) -> None:
        self.session.add(token)
        await self.session.flush()

    async def revoke(self, jti: str, at: datetime) -> bool:
        """Revoke the token if it is still usable; False if it was already revoked
        (so two concurrent refreshes with one token cannot both succeed)."""
        statement = (
            update(RefreshToken)
            .where(RefreshToken.jti == jti, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        return bool(getattr(result, "rowcount", 0))

    async def revoke_all(self, user_id: uuid.UUID, at: datetime) -> None:
        """Revoke every token of the user that is still usable."""
        statement = (
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        await self.session.execute(statement)
