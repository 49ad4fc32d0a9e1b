"""SQLAlchemy models: one module per resource, all sharing `Base` from `base`."""

import importlib
import pkgutil


def import_models() -> None:
    """Import every model module, so `Base.metadata` knows every table (for Alembic)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
