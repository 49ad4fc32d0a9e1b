"""Failed logins per account, with a back-off: after FREE_FAILURES failures within
FAILURE_WINDOW seconds the account's logins are refused (429, Retry-After) for
FIRST_LOCK seconds, twice as long after each further failure, up to MAX_LOCK. A
success clears the count. Counters live where the rate limiter keeps its own (Redis
when REDIS_URL is set), so every instance shares them; keys hold a hash of the email."""

import hashlib
import logging
import math
import time

from limits.aio.storage import Storage
from limits.errors import StorageError

logger = logging.getLogger(__name__)

FREE_FAILURES = 5
FAILURE_WINDOW = 15 * 60
FIRST_LOCK = 30
MAX_LOCK = 15 * 60


def lock_seconds(failures: int) -> int:
    """How long the account is locked after its `failures`-th failure (0: not)."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(MAX_LOCK, FIRST_LOCK * 2 ** (failures - FREE_FAILURES)))


class LoginThrottle:
    """Counts failed logins by account (the normalised email, known or not)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @staticmethod
    def _key(kind: str, email: str) -> str:
        digest = hashlib.sha256(email.encode()).hexdigest()[:32]
        return f"login-{kind}:{digest}"

    async def retry_after(self, email: str) -> int | None:
        """Seconds until the account may try again; None if it may now."""
        key = self._key("lock", email)
        try:
            if not await self.storage.get(key):
                return None
            expiry = await self.storage.get_expiry(key)
        except StorageError:
            logger.warning("Login throttle storage unavailable; login allowed")
            return None
        return max(1, math.ceil(expiry - time.time()))

    async def failed(self, email: str) -> None:
        """Count a failure; lock the account once it has had too many."""
        try:
            failures = await self.storage.incr(
                self._key("failures", email), FAILURE_WINDOW
            )
            seconds = lock_seconds(failures)
            if seconds:
                await self.storage.incr(self._key("lock", email), seconds)
        except StorageError:
            logger.warning("Login throttle storage unavailable; failure not counted")

    async def succeeded(self, email: str) -> None:
        """Forget the account's failures."""
        try:
            await self.storage.clear(self._key("failures", email))
        except StorageError:
            logger.warning("Login throttle storage unavailable; failures kept")
