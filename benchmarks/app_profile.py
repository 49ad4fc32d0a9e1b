"""py-spy profiles of the server for bench_app.py --profile: where a request's time goes.

For each side of a case, py-spy samples the uvicorn process (all threads, 200 Hz, without
pausing it) while wrk loads that side; the samples are then spread over the requests wrk
completed. py-spy counts a thread as active when it is not waiting in a system call, so on a
busy machine the milliseconds include time spent runnable but waiting for a CPU: compare the
sides with each other, not with the CPU column of the main table."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

RATE = 200  # samples per second

COMPONENTS = [  # (component, pattern in the innermost frame), first match wins
    ("generated app code", r"/benchapp/app/"),
    ("baseline code", r"app_baseline\.py"),
    ("thread pool (threading, anyio)", r"threading\.py|/anyio/|queue\.py"),
    ("fastapi", r"/fastapi/"),
    ("starlette", r"/starlette/"),
    ("pydantic", r"/pydantic(_core)?/"),
    ("sqlalchemy", r"/sqlalchemy/"),
    ("asyncpg", r"/asyncpg/"),
    ("uvicorn", r"/uvicorn/"),
    ("asyncio", r"/asyncio/"),
]

# Frames anywhere in the stack that mark one step of a request (inclusive time).
STEPS = {
    "FastAPI dependency solving": r"^solve_dependencies ",
    "  of which run_in_threadpool (sync dependency)": r"^run_in_threadpool ",
    "anyio worker thread (runs the sync dependency)": r"^WorkerThread\.run ",
    "opening database connections (pool overflow)": r"connect_utils\.py",
    "pool pre-ping": r"_async_ping ",
    "BEGIN (asyncpg Transaction.start)": r"^Transaction\.start ",
    "the SQL statement (prepare and execute)": r"_prepare_and_execute ",
    "read schemas (model_validate)": r"^BaseModel\.model_validate ",
    "response serialization (serialize_response)": r"^serialize_response ",
}


class RunResult(Protocol):
    requests: int


WrkFunction = Callable[[str, int, Any, Path | None], RunResult]


def profile(
    py_spy: Path,
    pid: int,
    sides: dict[str, tuple[str, Path | None]],
    load: Any,
    folder: Path,
    wrk: WrkFunction,
) -> dict[str, Any]:
    """One py-spy recording per side (side -> wrk url and script), summarised per request."""
    result: dict[str, Any] = {}
    for side, (url, script) in sides.items():
        if load.warmup:
            wrk(url, load.warmup, load, script)
        output = folder / f"profile-{side}.txt"
        sampler = subprocess.Popen(
            [str(py_spy), "record", "--pid", str(pid), "--rate", str(RATE)]
            + ["--duration", str(load.duration), "--format", "raw", "--output", str(output)]
            + ["--nonblocking", "--full-filenames"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        done = wrk(url, load.duration, load, script)
        _, error = sampler.communicate(timeout=120)
        if sampler.returncode != 0 or not output.exists():
            return {"error": f"py-spy failed: {error.decode(errors='replace')[-500:]}"}
        result[side] = summarise(output.read_text(encoding="utf-8"), done.requests)
    return result


def summarise(raw: str, requests: int) -> dict[str, Any]:
    """Milliseconds per request: in total, by the package of the innermost frame, and in the
    steps of STEPS (a sample counts for every step whose frame is on its stack)."""
    per_sample = 1000.0 / RATE / max(requests, 1)
    components: dict[str, int] = {}
    steps = dict.fromkeys(STEPS, 0)
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count, frames = int(count_text), stack.split(";")
        total += count
        component = _component(frames[-1])
        components[component] = components.get(component, 0) + count
        for step, pattern in STEPS.items():
            if any(re.search(pattern, frame) for frame in frames):
                steps[step] += count
    ordered = sorted(components.items(), key=lambda item: item[1], reverse=True)
    return {
        "requests": requests,
        "active_ms_per_request": round(total * per_sample, 3),
        "by_component_ms": {name: round(n * per_sample, 3) for name, n in ordered},
        "steps_ms": {name: round(n * per_sample, 3) for name, n in steps.items()},
    }


def _component(frame: str) -> str:
    for name, pattern in COMPONENTS:
        if re.search(pattern, frame):
            return name
    return "other (stdlib: json, uuid, contextlib, ...)"


def print_profile(name: str, result: dict[str, Any], titles: dict[str, str]) -> None:
    if "error" in result:
        print(f"\nprofile of {name}: {result['error']}")
        return
    sides = list(result)
    print(f"\nprofile of {name}: py-spy active ms per request")
    print(f"  {'':<50}" + "".join(f"{titles[side][:14]:>16}" for side in sides))
    print(
        f"  {'total':<50}"
        + "".join(f"{result[side]['active_ms_per_request']:>16.3f}" for side in sides)
    )
    for title, key in (("by package (innermost frame)", "by_component_ms"), ("steps", "steps_ms")):
        print(f"  {title}:")
        names = dict.fromkeys(name for side in sides for name in result[side][key])
        for row in names:
            values = "".join(f"{result[side][key].get(row, 0.0):>16.3f}" for side in sides)
            print(f"    {row:<48}{values}")
