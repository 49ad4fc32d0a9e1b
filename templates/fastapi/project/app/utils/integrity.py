"""Which constraint a write broke, read from the database's own error.

Services turn a broken unique constraint into a 409 naming the field; any other integrity
error (a CHECK or foreign key the validators should have caught) is a bug and stays a 500
with its cause logged, never a misleading "already taken".
"""

import re
from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError

# SQLite names the columns: "UNIQUE constraint failed: reviews.author_email".
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w., ]+)")


def unique_violation(
    error: IntegrityError, table: str, columns: Iterable[str]
) -> str | None:
    """The column among `columns` whose unique constraint `error` broke, else None."""
    # PostgreSQL (asyncpg) names the constraint: uq_<table>_<column>, the models' convention.
    cause = error.orig.__cause__ if error.orig is not None else None
    constraint = getattr(cause, "constraint_name", None)
    if constraint is not None:
        return next((c for c in columns if constraint == f"uq_{table}_{c}"), None)
    match = _SQLITE_UNIQUE.search(str(error.orig))
    if match is None:
        return None
    failed = {part.strip() for part in match["columns"].split(",")}
    return next((c for c in columns if failed == {f"{table}.{c}"}), None)
