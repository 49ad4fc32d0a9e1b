"""scaffold: turn a short resource spec into a complete, layered, tested backend resource."""

__version__ = "0.1.0"
