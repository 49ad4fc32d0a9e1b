"""Cross-cutting helpers: envelope, pagination, errors, request context, logging."""
