"""`python -m app [--reload]`: serve the app with uvicorn on HOST:PORT (127.0.0.1:8000).

Behind a proxy, run uvicorn yourself with `--proxy-headers --forwarded-allow-ips=<proxy>`
(see the README); the app reads every other setting itself."""

import argparse
import sys
from collections.abc import Sequence

import uvicorn

from app.config import get_settings


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    parser.add_argument("--reload", action="store_true", help="restart on code changes")
    options = parser.parse_args(argv)
    settings = get_settings()
    uvicorn.run(
        "app.main:app", host=settings.host, port=settings.port, reload=options.reload
    )


if __name__ == "__main__":
    main(sys.argv[1:])
