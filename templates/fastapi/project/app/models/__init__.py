"""SQLAlchemy models: one module per resource, all sharing `Base` from `base`.

The project's own tables are imported here so that `Base.metadata` always has them.
"""

from app.models import audit_logs, refresh_tokens, users

__all__ = ["audit_logs", "refresh_tokens", "users"]
