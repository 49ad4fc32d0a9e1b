"""ASGI middleware and error handlers shared by every route."""
