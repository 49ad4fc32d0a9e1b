"""`python -m app [--reload]`: serve the app with uvicorn on HOST:PORT (127.0.0.1:8000).

Behind a proxy, run uvicorn yourself with `--proxy-headers --forwarded-allow-ips=<proxy>`
(see the README); the app reads every other setting itself."""

import sys
from collections.abc import Sequence

import uvicorn

from app.config import get_settings


def main(argv: Sequence[str] = ()) -> None:
    unknown = [arg for arg in argv if arg != "--reload"]
    if unknown:
        raise SystemExit(
            f"usage: python -m app [--reload] (unknown: {' '.join(unknown)})"
        )
    settings = get_settings()
    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        reload="--reload" in argv,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
