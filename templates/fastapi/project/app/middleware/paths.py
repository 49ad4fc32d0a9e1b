"""The path of a request as the router matches it."""

from starlette.types import Scope


def route_path(scope: Scope) -> str:
    """The request's path less the root path the server was started with
    (`uvicorn --root-path /api` puts it in front of every path)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "").rstrip("/")
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root) :] or "/"
    return path
