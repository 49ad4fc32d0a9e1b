"""SQLAlchemy models: one module per resource, all sharing `Base` from `base`.

The project's own tables are imported here so that `Base.metadata` always has them;
`import_models()` imports the rest (every resource's module), for Alembic.
"""

import importlib
import pkgutil

from app.models import audit_logs, refresh_tokens, users

__all__ = ["audit_logs", "import_models", "refresh_tokens", "users"]


def import_models() -> None:
    """Import every model module, so `Base.metadata` knows every table (for Alembic)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
