"""A generated app on PostgreSQL with a million rows: requests per second and p99 under wrk.

    .venv/bin/python benchmarks/bench_app.py [--rows 1000000] [--duration 10] [--rounds 5]
                                             [--keep-db] [--profile]

Generates a project with two resources (events: offset pages; event_logs: cursor pages),
installs it into a cached venv, loads the rows into a database of its own, serves it with
uvicorn (one worker) and measures every case through the generated route and through the
hand-written baseline of app_baseline.py, back to back in every round. Needs PostgreSQL (psql)
and wrk. Prints a table and writes benchmarks/app_results.json. See benchmarks/README.md."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import app_profile
from bench_generate import machine, scaffold_executable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
MARKER = "scaffold bench_app"  # the comment on the databases this script made
LIMIT = 20  # items per page in every list case
OFFSET_PAGE = 5000  # the deep offset page: offset 99,980
CURSOR_DEPTH = 10_000  # pages walked before the deep cursor page
SAMPLE_IDS = 1000  # get-by-id rotates over this many random ids
GOAL_LAYERING = 0.10  # issue 6: the layering costs at most 10% against the baseline
GOAL_DEPTH = 2.0  # issue 6: a cursor page 10,000 deep within 2x of the first page

FIELDS = """\
fields:
  title: {type: string, max_length: 200, filter: true, sort: true}
  kind: {type: enum, values: [click, view, purchase, signup, refund], filter: true}
  amount: {type: decimal, precision: 12, scale: 2}
  happenedAt: {type: datetime, sort: true}
"""
SPECS = {
    "events": "resource: event\ndescription: Something that happened.\n"
    + FIELDS
    + "pagination: {style: offset, default_limit: 20, max_limit: 100}\n",
    "event_logs": "resource: event_log\ndescription: Something that happened, logged.\n"
    + FIELDS
    + "pagination: {style: cursor, default_limit: 20, max_limit: 100}\n",
}

# One row every 30 s plus up to 29 s of jitter: distinct, increasing created_at values over
# about a year (insertion order, as in an append-only table), random uuid ids, titles such as
# "Checkout failed #123", five kinds, amounts up to 5,000.00.
LOAD_SQL = """\
SET synchronous_commit = off;
INSERT INTO {table} (id, title, kind, amount, happened_at, created_at, updated_at)
SELECT gen_random_uuid(),
       (ARRAY['Checkout', 'Login', 'Search', 'Invoice', 'Signup', 'Refund', 'Upload',
              'Export'])[1 + (i::bigint * 7919) % 8]
         || ' ' || (ARRAY['started', 'completed', 'failed', 'retried',
                          'cancelled'])[1 + (i::bigint * 104729) % 5]
         || ' #' || i,
       (ARRAY['click', 'view', 'purchase', 'signup', 'refund'])[1 + (i * 31) % 5],
       round((random() * 5000)::numeric, 2),
       t - random() * interval '2 hours',
       t,
       t + random() * interval '3 days'
FROM (SELECT i, timestamptz '2023-01-01 00:00:00+00' + i * interval '30 seconds'
                + random() * interval '29 seconds' AS t
      FROM generate_series(1, {rows}) AS i) AS numbered;
"""

# The sides a case is measured on: "generated" against "baseline" is the layering goal.
SIDES = {
    "generated": "generated route",
    "baseline": "hand-written baseline",
}


# --- the cases -----------------------------------------------------------------------------


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    cpu_ms: float = 0.0  # the server process's CPU time (all threads) per request
    connects: int = 0  # database sessions opened during the run (pool overflow)


@dataclass
class Case:
    """One request shape, measured on each of its sides (a side -> a path and query; for
    get-by-id, the prefix the ids are appended to)."""

    key: str
    name: str
    paths: dict[str, str]
    queries: str  # what the database does, for the table and the docs
    sql: dict[str, list[str]]  # side -> the statements, for EXPLAIN ANALYZE
    ids: list[str] = field(default_factory=list)  # get-by-id: rotate over these
    runs: dict[str, list[Run]] = field(default_factory=dict)
    sql_ms: dict[str, float] = field(default_factory=dict)

    def median(self, side: str, metric: str) -> float:
        return statistics.median(getattr(run, metric) for run in self.runs[side])

    def paired(self, side: str, metric: str) -> float:
        """Median over rounds of side / baseline in one metric, measured back to back."""
        pairs = zip(self.runs[side], self.runs["baseline"], strict=True)
        return statistics.median(getattr(a, metric) / getattr(b, metric) for a, b in pairs)


def make_cases(deep_cursor: str, deep_position: tuple[str, str], ids: list[str]) -> list[Case]:
    count = "SELECT count(*) FROM (SELECT * FROM events) AS anon_1"
    page = "SELECT * FROM events ORDER BY created_at, id LIMIT 20 OFFSET {offset}"
    keyset = "SELECT * FROM event_logs {where}ORDER BY created_at, id LIMIT 21"
    value, last_id = deep_position
    after = f"WHERE (created_at, id) > ('{value}', '{last_id}') "
    offset = (OFFSET_PAGE - 1) * LIMIT
    deep = f"limit={LIMIT}&cursor={deep_cursor}"
    return [
        Case(
            "offset_first",
            "offset, first page",
            {
                "generated": f"/api/v1/events?limit={LIMIT}",
                "baseline": f"/baseline/events?limit={LIMIT}",
            },
            "count(*) of all rows + ORDER BY created_at, id LIMIT 20",
            {"generated": [count, page.format(offset=0)]},
        ),
        Case(
            "offset_deep",
            f"offset, page {OFFSET_PAGE:,}",
            {
                "generated": f"/api/v1/events?page={OFFSET_PAGE}&limit={LIMIT}",
                "baseline": f"/baseline/events?page={OFFSET_PAGE}&limit={LIMIT}",
            },
            f"count(*) + the same order, OFFSET {offset:,} LIMIT 20",
            {"generated": [count, page.format(offset=offset)]},
        ),
        Case(
            "cursor_first",
            "cursor, first page",
            {
                "generated": f"/api/v1/event-logs?limit={LIMIT}",
                "baseline": f"/baseline/event-logs?limit={LIMIT}",
            },
            "ORDER BY created_at, id LIMIT 21",
            {"generated": [keyset.format(where="")]},
        ),
        Case(
            "cursor_deep",
            f"cursor, {CURSOR_DEPTH:,} pages deep",
            {
                "generated": f"/api/v1/event-logs?{deep}",
                "baseline": f"/baseline/event-logs?{deep}",
            },
            "WHERE (created_at, id) > (v, i), same order, LIMIT 21",
            {"generated": [keyset.format(where=after)]},
        ),
        Case(
            "get_by_id",
            "get by id",
            {
                "generated": "/api/v1/events/",
                "baseline": "/baseline/events/",
            },
            f"WHERE id = ? (primary key), {len(ids):,} random ids in turn",
            {"generated": [f"SELECT * FROM events WHERE id = '{ids[0]}'"]},
            ids=ids,
        ),
    ]


# --- the project and its venv ----------------------------------------------------------------


def run(command: list[str], cwd: Path | None = None) -> str:
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, check=False, timeout=1800
    )
    if done.returncode != 0:
        sys.exit(
            f"command failed ({done.returncode}): {' '.join(command)}\n"
            f"{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done.stdout


def make_project(workdir: Path) -> Path:
    scaffold = str(scaffold_executable())
    run([scaffold, "new", "benchapp", "--no-input", "--quiet"], workdir)
    project = workdir / "benchapp"
    for name, text in SPECS.items():
        (project / "specs" / f"{name}.yaml").write_text(text, encoding="utf-8")
    run([scaffold, "resource", *SPECS, "--quiet"], project)
    return project


def project_python(project: Path, with_py_spy: bool) -> Path:
    """A venv with the project installed, cached under benchmarks/.cache and keyed by the
    project's pyproject.toml; a cached one only gets the editable install re-pointed."""
    key = hashlib.sha256((project / "pyproject.toml").read_bytes()).hexdigest()[:12]
    env_dir = CACHE / f"app-venv-{key}"
    python = env_dir / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if not (env_dir / ".complete").exists():
        for stale in CACHE.glob("app-venv-*"):
            shutil.rmtree(stale, ignore_errors=True)
        print(f"installing the generated project into {env_dir.relative_to(ROOT)} ...", flush=True)
        venv.create(env_dir, with_pip=True)
        run([*pip, "-e", "."], project)
        (env_dir / ".complete").touch()
    else:
        run([*pip, "--no-deps", "-e", "."], project)
    if with_py_spy and not (env_dir / "bin" / "py-spy").exists():
        run([*pip, "py-spy"], project)
    return python


def has_module(python: Path, module: str) -> bool:
    done = subprocess.run([str(python), "-c", f"import {module}"], capture_output=True)
    return done.returncode == 0


def versions(python: Path) -> dict[str, str]:
    code = (
        "import json; from importlib.metadata import version as v; print(json.dumps({p: v(p) "
        "for p in ['fastapi', 'starlette', 'pydantic', 'sqlalchemy', 'asyncpg', 'uvicorn']}))"
    )
    return dict(json.loads(run([str(python), "-c", code])))


# --- PostgreSQL --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    database: str

    def url(self) -> str:
        return f"postgresql+asyncpg://{self.user}@{self.host}:{self.port}/{self.database}"

    def psql(self, sql: str, database: str | None = None) -> str:
        command = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        command += ["-h", self.host, "-p", str(self.port), "-U", self.user]
        return run([*command, "-d", database or self.database, "-c", sql]).strip()

    def comment(self) -> str | None:
        """The comment on the database ('' if none); None if it does not exist."""
        found = self.psql(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') || '|' "
            f"FROM pg_database WHERE datname = '{self.database}'",
            "postgres",
        )
        return found.removesuffix("|") if found else None

    def create(self) -> None:
        self.psql(f'CREATE DATABASE "{self.database}"', "postgres")
        self.mark("loading")

    def mark(self, key: str) -> None:
        self.psql(f"COMMENT ON DATABASE \"{self.database}\" IS '{MARKER}: {key}'", "postgres")

    def drop(self) -> None:
        """Drop the database if this script made it (its comment says so)."""
        comment = self.comment()
        if comment is not None and comment.startswith(MARKER):
            self.psql(f'DROP DATABASE "{self.database}" WITH (FORCE)', "postgres")

    def sessions(self) -> int:
        """Sessions opened on the database so far (the statistics lag by up to a second)."""
        query = f"SELECT sessions FROM pg_stat_database WHERE datname = '{self.database}'"
        return int(self.psql(query, "postgres") or 0)


def prepare_database(pg: Postgres, key: str) -> bool:
    """Make the database; True if one this script made with the same data is reused. A
    database of that name that this script did not make is never touched."""
    comment = pg.comment()
    if comment == f"{MARKER}: {key}":
        return True
    if comment is not None:
        if not comment.startswith(MARKER):
            sys.exit(
                f"database {pg.database} exists and was not made by this script: pick another "
                "name with --database"
            )
        pg.drop()
    pg.create()
    return False


def load_rows(pg: Postgres, rows: int) -> None:
    for table in ("events", "event_logs"):
        start = time.perf_counter()
        pg.psql(LOAD_SQL.format(table=table, rows=rows))
        print(f"  {table}: {rows:,} rows in {time.perf_counter() - start:.0f} s", flush=True)
    pg.psql("VACUUM ANALYZE events")
    pg.psql("VACUUM ANALYZE event_logs")


def data_key(project: Path, rows: int) -> str:
    """What the loaded data depends on: the models' source, the load SQL and the row count."""
    digest = hashlib.sha256(LOAD_SQL.encode() + str(rows).encode())
    for model in sorted((project / "app" / "models").glob("*.py")):
        digest.update(model.read_bytes())
    return digest.hexdigest()[:16]


def sql_ms(pg: Postgres, statements: list[str], repeat: int = 5) -> float:
    """Server-side execution time of the statements (median of ``repeat`` runs, summed), from
    EXPLAIN (ANALYZE, TIMING OFF): what the database alone spends on one request."""
    total = 0.0
    for statement in statements:
        times = []
        for _ in range(repeat):
            plan = json.loads(pg.psql(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {statement}"))
            times.append(float(plan[0]["Execution Time"]))
        total += statistics.median(times)
    return total


def explain(pg: Postgres, statement: str) -> str:
    return pg.psql(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {statement}")


# --- cursors and ids -------------------------------------------------------------------------


def encode_cursor(project: Path, python: Path, created_at: str, row_id: str) -> str:
    """The cursor the app would give for this row: made by the project's own
    app/utils/listing.py with the served app's SECRET_KEY (cursors are signed), the value
    being str() of the aware UTC datetime."""
    value = str(datetime.fromisoformat(created_at))
    position = {"sort": "created_at", "value": value, "id": row_id}
    code = (
        "import json, sys; from app.utils.listing import configure_cursors, encode_cursor;"
        f" configure_cursors({SECRET_KEY!r}); print(encode_cursor(json.loads(sys.argv[1])))"
    )
    return run([str(python), "-c", code, json.dumps(position)], cwd=project).strip()


def position_after(pg: Postgres, rows_before: int) -> tuple[str, str]:
    """created_at (ISO, UTC) and id of the last row of the first ``rows_before`` rows in the
    cursor order: the next page starts after it."""
    found = pg.psql(
        "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') "
        "|| '+00:00', id FROM event_logs ORDER BY created_at, id "
        f"OFFSET {rows_before - 1} LIMIT 1"
    )
    created_at, row_id = found.split("|")
    return created_at, row_id


def first_id_after(pg: Postgres, rows_before: int) -> str:
    query = f"SELECT id FROM event_logs ORDER BY created_at, id OFFSET {rows_before} LIMIT 1"
    return pg.psql(query)


def deep_cursor(
    pg: Postgres, server: Server, project: Path, python: Path
) -> tuple[str, tuple[str, str]]:
    """The next_cursor after CURSOR_DEPTH pages, built from the row at that position; checked
    first against the cursor the app gives after walking three pages, then by the first row
    of the page it opens."""
    url = f"{server.base_url}/api/v1/event-logs?limit={LIMIT}"
    walked = ""
    for _ in range(3):
        walked = get_json(url + (f"&cursor={walked}" if walked else ""))["meta"]["next_cursor"]
    if walked != encode_cursor(project, python, *position_after(pg, 3 * LIMIT)):
        sys.exit(f"the cursor format differs from the app's: {walked}")
    position = position_after(pg, CURSOR_DEPTH * LIMIT)
    cursor = encode_cursor(project, python, *position)
    page = get_json(f"{url}&cursor={cursor}")
    if page["data"][0]["id"] != first_id_after(pg, CURSOR_DEPTH * LIMIT):
        sys.exit(f"the deep cursor does not open the page after row {CURSOR_DEPTH * LIMIT:,}")
    return cursor, position


def sample_ids(pg: Postgres) -> list[str]:
    found = pg.psql(f"SELECT id FROM events ORDER BY random() LIMIT {SAMPLE_IDS}")
    return found.split()


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    options: list[str]

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far, all threads."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat.rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


SECRET_KEY = secrets.token_urlsafe(48)  # production needs one; this app lives for one run

# The generated app's settings for the run. Production settings (a secret key, error bodies
# without details); LOG_LEVEL=WARNING drops the app's per-request access log line (as
# uvicorn's access log is off); the rate limit is raised out of the way, but its middleware
# still counts every request, on both sides.
APP_SETTINGS = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": SECRET_KEY,
    "LOG_LEVEL": "WARNING",
    "RATE_LIMIT_ANONYMOUS": "1000000/second",
    "CREATE_TABLES_ON_START": "true",
}


def app_env(project: Path, pg: Postgres) -> dict[str, str]:
    """The environment of the app: the project and benchmarks/ importable, our database,
    the settings above."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(project), str(HERE)]),
        "DATABASE_URL": pg.url(),
        **APP_SETTINGS,
    }


@contextmanager
def serve(project: Path, python: Path, pg: Postgres, log: Path) -> Iterator[Server]:
    """uvicorn, one worker, no access log, serving the generated app with the baseline mounted
    (app_baseline:app); tables are created at start-up if missing."""
    port = free_port()
    options = ["--workers", "1", "--no-access-log", "--log-level", "warning"]
    if has_module(python, "uvloop"):
        options += ["--loop", "uvloop"]
    if has_module(python, "httptools"):
        options += ["--http", "httptools"]
    env = app_env(project, pg)
    command = [str(python), "-m", "uvicorn", "app_baseline:app", "--host", "127.0.0.1"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port), *options],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, f"http://127.0.0.1:{port}", options)
    try:
        wait_until_up(server, log)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(server: Server, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit(f"uvicorn exited with {server.process.returncode}:\n{log.read_text()}")
        try:
            get_json(f"{server.base_url}/health")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    sys.exit(f"uvicorn did not answer /health within 60 s:\n{log.read_text()}")


def check_same_bodies(server: Server, cases: list[Case]) -> None:
    """Every side of a case answers exactly what the generated route answers (the row-value
    keyset too: the rows are the same)."""
    for case in cases:
        suffix = case.ids[0] if case.ids else ""
        bodies = {
            side: get_json(server.base_url + path + suffix) for side, path in case.paths.items()
        }
        for side, body in bodies.items():
            if body != bodies["generated"]:
                sys.exit(f"{case.name}: {SIDES[side]} answers differently from the generated route")


# --- wrk -----------------------------------------------------------------------------------

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Load:
    duration: int
    warmup: int
    connections: int


def wrk(url: str, seconds: int, load: Load, script: Path | None) -> Run:
    command = ["wrk", "-t1", f"-c{load.connections}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", "60s", *(["-s", str(script)] if script else []), url]
    output = run(command)
    if "Non-2xx" in output or re.search(r"Socket errors:.*timeout [1-9]", output):
        sys.exit(f"wrk saw failed requests on {url}:\n{output}")
    return Run(
        rps=float(_match(r"Requests/sec:\s+([\d.]+)", output)),
        p50_ms=_ms(_match(r"50%\s+([\d.]+\w+)", output)),
        p99_ms=_ms(_match(r"99%\s+([\d.]+\w+)", output)),
        requests=int(_match(r"(\d+) requests in", output)),
    )


def _match(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    if found is None:
        sys.exit(f"unexpected wrk output (no {pattern!r}):\n{text}")
    return found.group(1)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * UNITS_MS[unit]


def id_script(folder: Path, prefix: str, ids: list[str]) -> Path:
    """A wrk script that asks for ``prefix + id``, one id after another."""
    script = folder / f"ids-{hashlib.sha1(prefix.encode()).hexdigest()[:8]}.lua"
    listed = ",\n".join(f'  "{prefix}{row_id}"' for row_id in ids)
    script.write_text(
        f"local paths = {{\n{listed}\n}}\nlocal n = 0\n"
        "request = function()\n  n = n % #paths + 1\n"
        '  return wrk.format("GET", paths[n])\nend\n',
        encoding="utf-8",
    )
    return script


def target(server: Server, case: Case, side: str, folder: Path) -> tuple[str, Path | None]:
    path = case.paths[side]
    if case.ids:
        return server.base_url + "/", id_script(folder, path, case.ids)
    return server.base_url + path, None


def measured(server: Server, pg: Postgres, url: str, load: Load, script: Path | None) -> Run:
    """One wrk run after a warm-up, with the server's CPU time and the connections opened."""
    if load.warmup:
        wrk(url, load.warmup, load, script)
    cpu, connects = server.cpu_seconds(), pg.sessions()
    result = wrk(url, load.duration, load, script)
    result.cpu_ms = (server.cpu_seconds() - cpu) * 1000 / max(result.requests, 1)
    time.sleep(1.0)  # let the session statistics catch up
    result.connects = pg.sessions() - connects
    return result


def measure(
    server: Server, pg: Postgres, cases: list[Case], load: Load, rounds: int, folder: Path
) -> None:
    """Every round measures every side of every case; the sides of a case run back to back,
    the side that goes first rotates, and so does the case that starts the round: a slow
    moment of the machine lands on all of them alike."""
    for number in range(rounds):
        shift = number % len(cases)
        for case in cases[shift:] + cases[:shift]:
            sides = list(case.paths)
            turn = number % len(sides)
            for side in sides[turn:] + sides[:turn]:
                url, script = target(server, case, side, folder)
                case.runs.setdefault(side, []).append(measured(server, pg, url, load, script))
        print(f"  round {number + 1}/{rounds} done", flush=True)


# --- in-process CPU ----------------------------------------------------------------------------

CPU_CASES = ("cursor_first", "get_by_id")  # the requests where the database does least
CPU_PER_BLOCK = 20  # requests per timed block


def inprocess_cpu(
    project: Path, python: Path, pg: Postgres, cases: list[Case], blocks: int
) -> dict[str, Any]:
    """app_cpu.py in the project's venv: CPU per request of each side, one request at a time,
    the sides alternating in blocks; medians and costs paired by block."""
    job: dict[str, Any] = {"blocks": blocks, "per_block": CPU_PER_BLOCK, "cases": {}}
    for case in cases:
        if case.key in CPU_CASES:
            suffixes = case.ids or [""]
            job["cases"][case.key] = {
                side: [path + suffix for suffix in suffixes] for side, path in case.paths.items()
            }
    done = subprocess.run(
        [str(python), str(HERE / "app_cpu.py")],
        input=json.dumps(job),
        cwd=project,
        env=app_env(project, pg),
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        sys.exit(f"app_cpu.py failed:\n{done.stderr[-3000:]}")
    return {key: cpu_summary(sides) for key, sides in json.loads(done.stdout).items()}


def cpu_summary(sides: dict[str, dict[str, list[float]]]) -> dict[str, Any]:
    base = sides["baseline"]["cpu_us"]
    summary: dict[str, Any] = {}
    for side, timing in sides.items():
        cell: dict[str, Any] = {
            "cpu_us": round(statistics.median(timing["cpu_us"]), 1),
            "wall_us": round(statistics.median(timing["wall_us"]), 1),
            "blocks_cpu_us": [round(value, 1) for value in timing["cpu_us"]],
        }
        if side != "baseline":
            ratios = [a / b for a, b in zip(timing["cpu_us"], base, strict=True)]
            cell["cost_cpu"] = round(statistics.median(ratios) - 1, 4)
            quartiles = statistics.quantiles(ratios, n=4)
            cell["cost_cpu_quartiles"] = [round(quartiles[0] - 1, 4), round(quartiles[2] - 1, 4)]
            cell["extra_cpu_us"] = round(
                statistics.median(timing["cpu_us"]) - statistics.median(base), 1
            )
        summary[side] = cell
    return summary


# --- report ----------------------------------------------------------------------------------


def summarise(cases: list[Case], inprocess: dict[str, Any]) -> dict[str, Any]:
    table = {case.key: case_summary(case) for case in cases}
    by_key = {case.key: case for case in cases}
    first, deep = by_key["cursor_first"], by_key["cursor_deep"]
    depth = first.median("generated", "rps") / deep.median("generated", "rps")
    depth_p99 = deep.median("generated", "p99_ms") / first.median("generated", "p99_ms")
    offset_depth = by_key["offset_first"].median("generated", "rps") / by_key["offset_deep"].median(
        "generated", "rps"
    )
    costs = [row["generated"]["cost_time"] for row in table.values()]
    cpu_costs = [row["generated"]["cost_cpu"] for row in table.values()]
    inprocess_costs = [sides["generated"]["cost_cpu"] for sides in inprocess.values()]
    return {
        "cases": table,
        "ratios": {
            "cursor_deep_over_first_time_per_request": round(depth, 3),
            "cursor_deep_over_first_p99": round(depth_p99, 3),
            "cursor_deep_over_first_sql": round(
                deep.sql_ms["generated"] / first.sql_ms["generated"], 1
            ),
            "offset_deep_over_first_time_per_request": round(offset_depth, 3),
            "worst_layering_cost_time": max(costs),
            "worst_layering_cost_cpu": max(cpu_costs),
            "worst_layering_cost_inprocess_cpu": max(inprocess_costs, default=None),
        },
        "inprocess": inprocess,
        "goals": {
            "layering at most 10%: time per request under wrk": bool(max(costs) <= GOAL_LAYERING),
            "layering at most 10%: server CPU per request under wrk": bool(
                max(cpu_costs) <= GOAL_LAYERING
            ),
            "layering at most 10%: CPU per request in-process": (
                bool(max(inprocess_costs) <= GOAL_LAYERING) if inprocess_costs else None
            ),
            f"cursor page {CURSOR_DEPTH:,} deep within 2x of the first page": bool(
                depth <= GOAL_DEPTH
            ),
        },
    }


def case_summary(case: Case) -> dict[str, Any]:
    row: dict[str, Any] = {"name": case.name, "queries": case.queries}
    for side, runs in case.runs.items():
        cell: dict[str, Any] = {
            "path": case.paths[side],
            "rps": round(case.median(side, "rps"), 1),
            "p50_ms": round(case.median(side, "p50_ms"), 2),
            "p99_ms": round(case.median(side, "p99_ms"), 2),
            "cpu_ms": round(case.median(side, "cpu_ms"), 3),
            "connects_per_1k": round(
                1000 * sum(r.connects for r in runs) / sum(r.requests for r in runs), 1
            ),
            "runs": [vars(run) for run in runs],
        }
        if side != "baseline":
            # Time per request (1 / rps) and server CPU per request, side over baseline, in
            # the same round, minus one; the median over rounds. For "generated", the
            # cost of the layering.
            cell["cost_time"] = round(1 / case.paired(side, "rps") - 1, 4)
            cell["cost_cpu"] = round(case.paired(side, "cpu_ms") - 1, 4)
        if side in case.sql_ms:
            cell["sql_ms"] = round(case.sql_ms[side], 3)
        row[side] = cell
    return row


def print_table(summary: dict[str, Any], load: Load, rounds: int) -> None:
    print(
        f"\ngenerated app on PostgreSQL: wrk -t1 -c{load.connections} -d{load.duration}s, "
        f"medians of {rounds} rounds; cost = side / baseline - 1, paired by round"
    )
    columns = ("rps", "p50 ms", "p99 ms", "CPU ms", "conn/1k", "cost", "CPU cost", "SQL ms")
    print(f"{'case':<27} {'side':<36}" + "".join(f"{c:>9}" for c in columns))
    for row in summary["cases"].values():
        name = row["name"]
        for side in (s for s in SIDES if s in row):
            cell = row[side]
            values = [
                f"{cell['rps']:.1f}",
                f"{cell['p50_ms']:.1f}",
                f"{cell['p99_ms']:.1f}",
                f"{cell['cpu_ms']:.2f}",
                f"{cell['connects_per_1k']:.0f}",
                f"{cell['cost_time']:+.1%}" if "cost_time" in cell else "",
                f"{cell['cost_cpu']:+.1%}" if "cost_cpu" in cell else "",
                f"{cell['sql_ms']:.2f}" if "sql_ms" in cell else "",
            ]
            print(f"{name:<27} {SIDES[side]:<36}" + "".join(f"{v:>9}" for v in values))
            name = ""
    ratios = summary["ratios"]
    print(
        f"\ncursor {CURSOR_DEPTH:,} pages deep / first page (generated): "
        f"{ratios['cursor_deep_over_first_time_per_request']:.2f}x time per request, "
        f"{ratios['cursor_deep_over_first_p99']:.2f}x p99, "
        f"{ratios['cursor_deep_over_first_sql']:.0f}x SQL time"
    )
    print(
        f"offset page {OFFSET_PAGE:,} / first page (generated): "
        f"{ratios['offset_deep_over_first_time_per_request']:.2f}x time per request"
    )
    print_inprocess(summary["inprocess"])
    print("\ngoals (issue 6):")
    for goal, met in summary["goals"].items():
        verdict = "n/a" if met is None else ("met" if met else "NOT met")
        print(f"  {goal:<55} {verdict}")


def print_inprocess(inprocess: dict[str, Any]) -> None:
    if not inprocess:
        return
    print(
        f"\nin-process CPU per request (app_cpu.py: one request at a time, blocks of "
        f"{CPU_PER_BLOCK} alternating; medians, cost paired by block)"
    )
    columns = ("CPU us", "wall us", "extra us", "CPU cost")
    print(f"{'case':<27} {'side':<36}" + "".join(f"{c:>9}" for c in columns) + "  quartiles")
    for key, sides in inprocess.items():
        name = key.replace("_", " ")
        for side in (s for s in SIDES if s in sides):
            cell = sides[side]
            values = [
                f"{cell['cpu_us']:.0f}",
                f"{cell['wall_us']:.0f}",
                f"{cell['extra_cpu_us']:+.0f}" if "extra_cpu_us" in cell else "",
                f"{cell['cost_cpu']:+.1%}" if "cost_cpu" in cell else "",
            ]
            spread = cell.get("cost_cpu_quartiles")
            quartiles = f"  {spread[0]:+.0%} .. {spread[1]:+.0%}" if spread else ""
            print(f"{name:<27} {SIDES[side]:<36}" + "".join(f"{v:>9}" for v in values) + quartiles)
            name = ""


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per table")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before each measurement")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over every case")
    parser.add_argument(
        "--cpu-blocks",
        type=int,
        default=60,
        help=f"in-process CPU: blocks of {CPU_PER_BLOCK} requests per side (0: skip)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5432)
    parser.add_argument("--user", default="postgres")
    parser.add_argument("--database", default="scaffold_bench")
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the database (a later run reuses it)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="py-spy the server on get-by-id, every side"
    )
    parser.add_argument("--output", type=Path, default=HERE / "app_results.json")
    args = parser.parse_args(argv)
    if args.rows <= CURSOR_DEPTH * LIMIT + LIMIT:
        parser.error(f"--rows must exceed {CURSOR_DEPTH * LIMIT + LIMIT} (the deep cursor page)")
    if min(args.duration, args.rounds, args.connections) < 1 or args.warmup < 0:
        parser.error("--duration, --rounds and --connections must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    for tool in ("wrk", "psql"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (Debian: apt-get install wrk postgresql-client)")
    load = Load(args.duration, args.warmup, args.connections)
    pg = Postgres(args.host, args.port, args.user, args.database)
    CACHE.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-app-"))
    try:
        report = benchmark(args, load, pg, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep_db:
            pg.drop()
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"\nwrote {shown}" + (f"; kept database {pg.database}" if args.keep_db else ""))


def benchmark(args: argparse.Namespace, load: Load, pg: Postgres, workdir: Path) -> dict[str, Any]:
    print("generating the project (events: offset pages, event_logs: cursor pages) ...")
    project = make_project(workdir)
    python = project_python(project, args.profile)
    reused = prepare_database(pg, data_key(project, args.rows))
    with serve(project, python, pg, workdir / "uvicorn.log") as server:
        fill(pg, project, args.rows, reused)
        cases = prepare_cases(pg, server, project, python)
        print(f"measuring {len(cases)} cases x {args.rounds} rounds ...", flush=True)
        measure(server, pg, cases, load, args.rounds, workdir)
        profiles = profile_get_by_id(server, python, cases, load, workdir) if args.profile else {}
        uvicorn_options = server.options
    inprocess: dict[str, Any] = {}
    if args.cpu_blocks:
        print("measuring in-process CPU per request ...", flush=True)
        inprocess = inprocess_cpu(project, python, pg, cases, args.cpu_blocks)
    summary = summarise(cases, inprocess)
    print_table(summary, load, args.rounds)
    for name, result in profiles.items():
        app_profile.print_profile(name, result, SIDES)
    settings = {**vars(args), "output": str(args.output), "uvicorn": uvicorn_options}
    settings["app"] = {**APP_SETTINGS, "SECRET_KEY": "(random)"}
    return {
        "machine": machine(),
        "postgres": pg.psql("SHOW server_version"),
        "packages": versions(python),
        "wrk": wrk_version(),
        "settings": {**settings, "database_reused": reused},
        **summary,
        "plans": {
            f"{case.key}/{side}": explain(pg, statements[-1])
            for case in cases
            for side, statements in case.sql.items()
        },
        "profile": profiles,
    }


def fill(pg: Postgres, project: Path, rows: int, reused: bool) -> None:
    """Load the rows (the server has created the tables), unless the database is reused."""
    if reused:
        print(f"reusing database {pg.database} ({rows:,} rows per table)")
        return
    print(f"loading {rows:,} rows per table into {pg.database} ...", flush=True)
    load_rows(pg, rows)
    pg.mark(data_key(project, rows))


def prepare_cases(pg: Postgres, server: Server, project: Path, python: Path) -> list[Case]:
    """The cases, their deep cursor and ids, checked (every side answers the same body) and
    with the database's own time for their SQL."""
    cursor, position = deep_cursor(pg, server, project, python)
    cases = make_cases(cursor, position, sample_ids(pg))
    check_same_bodies(server, cases)
    for case in cases:
        case.sql_ms = {side: sql_ms(pg, statements) for side, statements in case.sql.items()}
    return cases


def profile_get_by_id(
    server: Server, python: Path, cases: list[Case], load: Load, workdir: Path
) -> dict[str, Any]:
    """py-spy on get-by-id, the case where the database does least and the layering shows."""
    case = next(case for case in cases if case.key == "get_by_id")
    sides = {side: target(server, case, side, workdir) for side in case.paths}
    py_spy = python.with_name("py-spy")
    result = app_profile.profile(py_spy, server.process.pid, sides, load, workdir, wrk)
    return {case.name: result}


def wrk_version() -> str:
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (done.stdout + done.stderr).splitlines()[0].split(" [")[0]


if __name__ == "__main__":
    main()
