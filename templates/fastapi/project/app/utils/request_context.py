"""Per-request context that code outside the HTTP layer can read (e.g. for logging)."""

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def get_request_id() -> str | None:
    """Return the id of the request being handled, or None outside a request."""
    return request_id_var.get()
