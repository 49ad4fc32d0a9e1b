"""SQLAlchemy models: one module per resource, all sharing `Base` from `base`."""
