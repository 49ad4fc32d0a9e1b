"""The one spelling of an email address that is stored and compared."""

import unicodedata


def normalise_email(value: str) -> str:
    """NFKC, then case-folded, then NFKC again: `ＡＤＭＩＮ@Example.COM` and
    `admin@example.com` are one address (fullwidth letters, compatibility characters
    and case make no second account)."""
    folded = unicodedata.normalize("NFKC", value.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)
