"""Accounts and tokens: password hashing, JWT access tokens and rotating refresh
tokens."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt
from anyio import to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.models.base import utcnow
from app.models.refresh_tokens import RefreshToken
from app.models.users import User
from app.repositories.refresh_tokens import RefreshTokenRepository
from app.repositories.users import UserRepository
from app.utils.emails import normalise_email
from app.utils.errors import ConflictError, RateLimitedError, UnauthorizedError
from app.utils.login_throttle import LoginThrottle
from app.validators.auth import TokenPair

ALGORITHM = "HS256"
INVALID_CREDENTIALS = "Invalid email or password"
INVALID_TOKEN = "Invalid or expired token"
TOO_MANY_FAILURES = "Too many failed logins for this account; try again later"
# Clocks of two servers may differ by this much (seconds).
LEEWAY = 30

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both failures take as long.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (salted; safe to store)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# argon2 takes tens of milliseconds of CPU on purpose: in a worker thread, so other
# requests are served meanwhile.
async def hash_password_off_loop(password: str) -> str:
    return await to_thread.run_sync(hash_password, password)


async def verify_password_off_loop(password_hash: str, password: str) -> bool:
    return await to_thread.run_sync(verify_password, password_hash, password)


@dataclass(frozen=True)
class AccessClaims:
    """What a valid access token says about its bearer."""

    user_id: uuid.UUID
    roles: list[str]


def create_access_token(user: User, settings: Settings) -> str:
    """A short-lived HS256 token naming the user and the roles they hold."""
    now = utcnow()
    claims = {
        "sub": str(user.id),
        "roles": list(user.roles),
        "type": "access",
        "iat": now,
        "exp": now + lifetime(settings, "access"),
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def lifetime(settings: Settings, token_type: str) -> timedelta:
    """How long a token of `token_type` lives: its exp - iat may be no more."""
    if token_type == "access":
        return timedelta(minutes=settings.access_token_minutes)
    return timedelta(days=settings.refresh_token_days)


def _decode(token: str, settings: Settings, token_type: str) -> dict[str, object]:
    """The claims of a token this app signed, of `token_type`, issued in the past, that
    lives no longer than its type may: a token signed for years is refused too."""
    try:
        claims: dict[str, object] = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "type"]},
            leeway=LEEWAY,
        )
    except jwt.PyJWTError:
        raise UnauthorizedError(INVALID_TOKEN) from None
    if claims.get("type") != token_type:
        raise UnauthorizedError(INVALID_TOKEN)
    issued, expires = claims["iat"], claims["exp"]
    if not isinstance(issued, int | float) or not isinstance(expires, int | float):
        raise UnauthorizedError(INVALID_TOKEN)
    longest = lifetime(settings, token_type).total_seconds() + LEEWAY
    if expires - issued > longest:
        raise UnauthorizedError(INVALID_TOKEN)
    return claims


def decode_access_token(token: str, settings: Settings) -> AccessClaims:
    """The claims of a valid access token; UnauthorizedError for anything else."""
    claims = _decode(token, settings, "access")
    roles = claims.get("roles")
    try:
        user_id = uuid.UUID(str(claims["sub"]))
    except ValueError:
        raise UnauthorizedError(INVALID_TOKEN) from None
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise UnauthorizedError(INVALID_TOKEN)
    return AccessClaims(user_id=user_id, roles=roles)


class AuthService:
    """Registration, sign-in, token refresh and sign-out; each write is one
    transaction. Without a `throttle` failed logins are not counted (tools, tests)."""

    def __init__(
        self,
        session: AsyncSession,
        settings: Settings,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self.session = session
        self.settings = settings
        self.throttle = throttle
        self.users = UserRepository(session)
        self.tokens = RefreshTokenRepository(session)

    async def register(
        self, email: str, password: str, roles: list[str] | None = None
    ) -> User:
        """Create an account; ConflictError if the email is taken."""
        email = normalise_email(email)
        if await self.users.get_by_email(email) is not None:
            raise ConflictError("An account with this email already exists")
        user = User(
            email=email,
            password_hash=await hash_password_off_loop(password),
            roles=list(roles or []),
            is_active=True,
        )
        try:
            await self.users.add(user)
            await self.session.commit()
        except IntegrityError:  # registered concurrently
            await self.session.rollback()
            raise ConflictError("An account with this email already exists") from None
        return user

    async def login(self, email: str, password: str) -> TokenPair:
        """A token pair for valid credentials; the same error whatever is wrong, and a
        429 while the account is locked after failed logins (app/utils/login_throttle).
        """
        email = normalise_email(email)
        if self.throttle is not None:
            retry_after = await self.throttle.retry_after(email)
            if retry_after is not None:
                raise RateLimitedError(TOO_MANY_FAILURES, retry_after)
        user = await self.users.get_by_email(email)
        stored = _DUMMY_HASH if user is None else user.password_hash
        matches = await verify_password_off_loop(stored, password)
        if user is None or not matches or not user.is_active:
            if self.throttle is not None:
                await self.throttle.failed(email)
            raise UnauthorizedError(INVALID_CREDENTIALS)
        if self.throttle is not None:
            await self.throttle.succeeded(email)
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = await hash_password_off_loop(password)
        pair = await self._issue(user)
        await self.session.commit()
        return pair

    async def logout(self, refresh_token: str, everywhere: bool = False) -> None:
        """Revoke the refresh token (every refresh token of its user with
        `everywhere`); access tokens already issued expire on their own. A token that
        is not valid is a 401, so a client learns that it was not signed out by it."""
        claims = _decode(refresh_token, self.settings, "refresh")
        stored = await self.tokens.get(str(claims.get("jti")))
        if stored is None or str(stored.user_id) != claims["sub"]:
            raise UnauthorizedError(INVALID_TOKEN)
        now = utcnow()
        if everywhere:
            await self.tokens.revoke_all(stored.user_id, now)
        elif stored.revoked_at is not None or not await self.tokens.revoke(
            stored.jti, now
        ):
            raise UnauthorizedError(INVALID_TOKEN)
        await self.session.commit()

    async def refresh(self, refresh_token: str) -> TokenPair:
        """Revoke the refresh token and issue a new pair (rotation).

        A token that was already used is a sign it was stolen: every token of its user
        is revoked, so the thief and the user both have to sign in again.
        """
        claims = _decode(refresh_token, self.settings, "refresh")
        stored = await self.tokens.get(str(claims.get("jti")))
        if stored is None or str(stored.user_id) != claims["sub"]:
            raise UnauthorizedError(INVALID_TOKEN)
        now = utcnow()
        if stored.expires_at <= now:
            raise UnauthorizedError(INVALID_TOKEN)
        if not await self.tokens.revoke(stored.jti, now):
            await self.tokens.revoke_all(stored.user_id, now)
            await self.session.commit()
            raise UnauthorizedError(INVALID_TOKEN)
        user = await self.users.get(stored.user_id)
        if user is None or not user.is_active:
            await self.session.rollback()
            raise UnauthorizedError(INVALID_TOKEN)
        pair = await self._issue(user)
        await self.session.commit()
        return pair

    async def active_user(self, user_id: uuid.UUID) -> User:
        """The active user a valid access token names; UnauthorizedError otherwise."""
        user = await self.users.get(user_id)
        if user is None or not user.is_active:
            raise UnauthorizedError(INVALID_TOKEN)
        return user

    async def _issue(self, user: User) -> TokenPair:
        now = utcnow()
        jti = uuid.uuid4().hex
        expires_at = now + lifetime(self.settings, "refresh")
        await self.tokens.add(
            RefreshToken(jti=jti, user_id=user.id, expires_at=expires_at)
        )
        refresh_claims = {
            "sub": str(user.id),
            "jti": jti,
            "type": "refresh",
            "iat": now,
            "exp": expires_at,
        }
        return TokenPair(
            access_token=create_access_token(user, self.settings),
            refresh_token=jwt.encode(
                refresh_claims, self.settings.secret_key, algorithm=ALGORITHM
            ),
            expires_in=self.settings.access_token_minutes * 60,
        )
