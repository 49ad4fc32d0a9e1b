"""Whether a SECRET_KEY is fit to sign tokens, and the key of this process when none is
set (development and tests only)."""

import math
import secrets
from collections import Counter
from functools import cache

MIN_LENGTH = 32
# An estimate from the characters' frequencies: random keys of 32 hex digits score 90 to
# 125, `"a" * 32` scores 0, `"abcd" * 8` 64.
MIN_BITS = 80
# Placeholders that end up in .env files; a key containing one is not random.
PLACEHOLDERS = (
    "changeme",
    "change-me",
    "change_me",
    "secret-key",
    "secret_key",
    "secretkey",
    "your-secret",
    "example",
    "do-not-use",
    "development-only",
    "password",
)


def _period(value: str) -> int:
    """The length of the shortest block that, repeated, spells `value`."""
    for size in range(1, len(value) // 2 + 1):
        if value == (value[:size] * (len(value) // size + 1))[: len(value)]:
            return size
    return len(value)


def _bits(value: str) -> float:
    """Shannon entropy of the characters, times the length."""
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values()) * total


def secret_problem(value: str) -> str | None:
    """Why `value` may not sign tokens in production; None if it may."""
    if not value:
        return "is not set"
    if len(value) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    lowered = value.lower()
    if any(placeholder in lowered for placeholder in PLACEHOLDERS):
        return "is a placeholder, not a random value"
    if _period(value) <= len(value) // 2:
        return "repeats itself; use a random value"
    if _bits(value) < MIN_BITS:
        return "is too predictable (few distinct characters); use a random value"
    return None


@cache
def process_secret() -> str:
    """A random key made once per process, for development and tests without one."""
    return secrets.token_urlsafe(48)


def new_secret() -> str:
    """A random key fit for SECRET_KEY."""
    return secrets.token_urlsafe(48)
