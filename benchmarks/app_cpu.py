"""In-process CPU cost of a request, for bench_app.py: the layering without the noise.

Run by bench_app.py with the generated project's venv, from the project's folder, with
benchmarks/ on PYTHONPATH and DATABASE_URL set; reads a JSON job on stdin and writes JSON on
stdout. It imports app_baseline's app (the generated app with the baseline mounted) and calls
it directly as an ASGI application, one request at a time, on uvloop: no HTTP server, no load
generator, no concurrency, so no pool overflow. For each case, blocks of ``per_block``
requests alternate between the sides (the side that goes first rotates) and each block is
timed with ``time.process_time`` (CPU of this process: the app, SQLAlchemy, asyncpg; not the
database server) and ``time.perf_counter``. A slow moment of a shared machine then lands on
every side alike, and pairing the blocks of one repetition cancels most of it.

The job: {"blocks": 60, "per_block": 20, "cases": {case: {side: [path?query, ...]}}}; the
paths of a side are requested in turn. The answer: {case: {side: {"cpu_us": [per block],
"wall_us": [per block]}}}, microseconds per request.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from typing import Any

Message = dict[str, Any]
ASGIApp = Any  # a Starlette/FastAPI application, called as (scope, receive, send)


async def call(app: ASGIApp, target: str) -> int:
    """GET ``target`` (path and query) through the ASGI app; the response status."""
    path, _, query = target.partition("?")
    scope: Message = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


async def block(app: ASGIApp, targets: list[str], start: int, count: int) -> tuple[float, float]:
    """``count`` requests in turn over ``targets``; CPU and wall seconds."""
    cpu, wall = time.process_time(), time.perf_counter()
    for number in range(start, start + count):
        status = await call(app, targets[number % len(targets)])
        if status != 200:
            raise SystemExit(f"{targets[number % len(targets)]} answered {status}")
    return time.process_time() - cpu, time.perf_counter() - wall


async def measure_case(
    app: ASGIApp, sides: dict[str, list[str]], blocks: int, per_block: int
) -> dict[str, dict[str, list[float]]]:
    names = list(sides)
    result = {side: {"cpu_us": [], "wall_us": []} for side in names}
    for side in names:  # warm-up: connections, statement caches, compiled SQL
        await block(app, sides[side], 0, per_block)
    for repetition in range(blocks):
        turn = repetition % len(names)
        for side in names[turn:] + names[:turn]:
            cpu, wall = await block(app, sides[side], repetition * per_block, per_block)
            result[side]["cpu_us"].append(cpu * 1e6 / per_block)
            result[side]["wall_us"].append(wall * 1e6 / per_block)
    return result


async def main_async(job: dict[str, Any]) -> dict[str, Any]:
    from app_baseline import app  # the generated app, with the baseline mounted

    report: dict[str, Any] = {}
    try:
        for key, sides in job["cases"].items():
            report[key] = await measure_case(app, sides, job["blocks"], job["per_block"])
    finally:
        await app.state.engine.dispose()
    return report


def main() -> None:
    job = json.load(sys.stdin)
    try:
        import uvloop

        loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = uvloop.new_event_loop
    except ImportError:
        loop_factory = None
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        report = runner.run(main_async(job))
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
