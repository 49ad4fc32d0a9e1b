"""How fast scaffold generates, side by side with the peers a user would pick instead.

    .venv/bin/python benchmarks/bench_generate.py [--runs 7] [--batches 1,10,100]
                                                  [--no-peers] [--profile]
    .venv/bin/python benchmarks/bench_generate.py --incremental 0,100,1000 [--runs 5]

Every case is a separate process timed from start to exit (files written and formatted),
in a fresh target each time; the cases alternate within each repetition, so a slow moment
of the machine hits all of them alike. Prints a table and writes benchmarks/results.json
(with --incremental: one resource added to and regenerated in projects of each size,
benchmarks/incremental.json).
See benchmarks/README.md for the method."""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import peers

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
RUN_TIMEOUT = 600  # seconds for one timed command

# The README's example spec: five fields, every layer and the tests generated from it.
SPEC = """\
description: A learner's review of a course.
fields:
  rating: {type: integer, min: 1, max: 5}
  title: {type: string, min_length: 3, max_length: 120}
  body: {type: text, required: false}
  status: {type: enum, values: [pending, published, hidden], default: pending}
  authorEmail: {type: email, unique: true}
pagination: {default_limit: 20, max_limit: 100}
"""


@dataclass
class Case:
    """One timed command. ``make`` builds a fresh target in a scratch folder (untimed) and
    returns the command and the folder to run it in."""

    name: str
    make: Callable[[Path], tuple[list[str], Path]]
    resources: int = 0
    version: str = ""
    note: str = ""
    times: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)


def scaffold_executable() -> Path:
    beside = Path(sys.executable).with_name("scaffold")
    if beside.exists():
        return beside
    found = shutil.which("scaffold")
    if found is None:
        sys.exit("scaffold is not installed: run  .venv/bin/pip install -e '.[dev]'  first")
    return Path(found)


def write_specs(project: Path, names: list[str]) -> None:
    for name in names:
        (project / "specs" / f"{name}.yaml").write_text(SPEC, encoding="utf-8")


# What a cold `scaffold resource` imports and loads before it reads a spec: its floor.
IMPORTS = (
    "import typer._adapters, generator.cli, generator.commands.generate, generator.commands.output,"
    " generator.spec.shorthand; from generator.stacks import load_stack; load_stack('fastapi')"
)
IMPORTS_NOTE = "imports + stack file: the floor of a cold resource"


def scaffold_cases(scaffold: Path, base: Path, batches: list[int]) -> list[Case]:
    """``base`` is a project made by `scaffold new` (copied afresh for every run)."""
    version = metadata.version("scaffold")

    def fresh_project(scratch: Path, specs: list[str]) -> Path:
        project = scratch / "project"
        shutil.copytree(base, project, symlinks=True)
        write_specs(project, specs)
        return project

    def single(scratch: Path) -> tuple[list[str], Path]:
        return [str(scaffold), "resource", "reviews"], fresh_project(scratch, ["reviews"])

    def batch(size: int) -> Callable[[Path], tuple[list[str], Path]]:
        names = [f"r{i}s" for i in range(1, size + 1)]

        def make(scratch: Path) -> tuple[list[str], Path]:
            return [str(scaffold), "resource", *names], fresh_project(scratch, names)

        return make

    def new(scratch: Path) -> tuple[list[str], Path]:
        return [str(scaffold), "new", "demo", "--no-input"], scratch

    def python(code: str) -> Callable[[Path], tuple[list[str], Path]]:
        return lambda scratch: ([sys.executable, "-c", code], scratch)

    cases = [
        Case("python -c pass", python("pass"), note="interpreter start, the floor"),
        Case("python -c 'import black'", python("import black"), version=_v("black")),
        Case("scaffold --help", lambda s: ([str(scaffold), "--help"], s), version=version),
        Case("scaffold's imports", python(IMPORTS), version=version, note=IMPORTS_NOTE),
        Case("scaffold new", new, version=version, note="the project template, via copier"),
        Case("scaffold resource (1, cold)", single, 1, version, "6 files + wiring, formatted"),
    ]
    cases += [
        Case(f"scaffold resource x{n}", batch(n), n, version, "one invocation") for n in batches
    ]
    return cases


ADDED = "zetas"  # the resource added in the incremental cases


def incremental_cases(scaffold: Path, base: Path, sizes: list[int], root: Path) -> list[Case]:
    """One resource added to a project of each size, and one regenerated unchanged in it
    (in a project of one resource for size 0). Each project is generated once, at the path
    it is timed at (what a run remembers is kept per project path), copied aside, and put
    back before every timed run; adding and regenerating get projects of their own."""
    version = metadata.version("scaffold")
    cases = []
    for size in sizes:
        for kind in ("add", "regenerate"):
            count = size if kind == "add" else max(size, 1)
            work = root / f"{kind}-{size}" / "project"
            pristine = work.parent / "pristine"
            print(f"  generating a project of {count} resources ({kind}) ...", flush=True)
            shutil.copytree(base, work, symlinks=True)
            write_specs(work, [f"r{i}s" for i in range(1, count + 1)])
            if count:
                _time([str(scaffold), "resource", "--all", "-q"], work)
            shutil.copytree(work, pristine, symlinks=True)
            cases.append(_incremental_case(scaffold, kind, count, work, pristine, version))
    return cases


def _incremental_case(
    scaffold: Path, kind: str, count: int, work: Path, pristine: Path, version: str
) -> Case:
    def make(scratch: Path) -> tuple[list[str], Path]:
        shutil.rmtree(work)
        shutil.copytree(pristine, work, symlinks=True)
        if kind == "add":
            write_specs(work, [ADDED])
            return [str(scaffold), "resource", ADDED, "-q"], work
        return [str(scaffold), "resource", "r1s", "-q"], work

    name = f"{'add one to' if kind == 'add' else 'regenerate one of'} {count}"
    return Case(name, make, count, version, "resources already generated")


def summarise_incremental(cases: list[Case], sizes: list[int]) -> dict[str, Any]:
    """Each size against the smallest, measured in the same run (issue 14's goals: at most
    1.3x at 100 resources and 2x at 1,000)."""
    by_name = {case.name: case for case in cases}
    ratios: dict[str, float] = {}
    goals: dict[str, bool] = {}
    for kind, label in (("add", "add one to"), ("regenerate", "regenerate one of")):
        counts = [n if kind == "add" else max(n, 1) for n in sizes]
        floor = by_name[f"{label} {counts[0]}"].median
        for size, count in zip(sizes[1:], counts[1:], strict=True):
            ratio = by_name[f"{label} {count}"].median / floor
            ratios[f"{label} {count} / {label} {counts[0]}"] = round(ratio, 3)
            limit = 1.3 if size <= 100 else 2.0
            goals[f"{label} {count} <= {limit}x {label} {counts[0]}"] = ratio <= limit
    cases_json = {case.name: case_json(case) for case in cases}
    return {"cases": cases_json, "ratios": ratios, "goals": goals}


def peer_cases(cache: Path) -> tuple[list[Case], list[str]]:
    cases: list[Case] = []
    skipped: list[str] = []
    for name, prepare in (("copier", peers.prepare_copier), ("nest", peers.prepare_nest)):
        print(f"preparing peer {name} ...", flush=True)
        peer = prepare(cache)
        if isinstance(peer, str):
            skipped.append(f"{name}: skipped ({peer})")
            continue
        cases.append(_peer_case(peer))
    return cases, skipped


def _peer_case(peer: peers.Peer) -> Case:
    def make(scratch: Path) -> tuple[list[str], Path]:
        target = peer.fresh_target(scratch)
        return peer.command(target), target if peer.cwd_is_target else scratch

    return Case(peer.name, make, 1, peer.version, peer.note)


def run_all(cases: list[Case], runs: int, scratch_root: Path) -> None:
    """Alternate: every repetition runs every case once, starting one case later each time."""
    for rep in range(runs):
        order = cases[rep % len(cases) :] + cases[: rep % len(cases)]
        for case in order:
            scratch = Path(tempfile.mkdtemp(prefix="run-", dir=scratch_root))
            try:
                command, cwd = case.make(scratch)
                case.times.append(_time(command, cwd))
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
        print(f"  repetition {rep + 1}/{runs} done", flush=True)


def _time(command: list[str], cwd: Path) -> float:
    env = {**os.environ, "NO_COLOR": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(
            f"benchmark command failed ({done.returncode}): {' '.join(command)}\n"
            f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return elapsed


def summarise(cases: list[Case], batches: list[int], skipped: list[str]) -> dict[str, Any]:
    by_name = {case.name: case for case in cases}
    single = by_name["scaffold resource (1, cold)"]
    ratios = {
        f"scaffold resource / {peer.name}": round(single.median / peer.median, 3)
        for peer in cases
        if peer.name in ("copier copy (6 files)", "nest g resource")
    }
    black_import = by_name["python -c 'import black'"].median - by_name["python -c pass"].median
    batch_medians = {n: by_name[f"scaffold resource x{n}"].median for n in batches}
    copier = by_name.get("copier copy (6 files)")
    goals = {
        "single resource <= half of copier copy": (
            None if copier is None else single.median <= copier.median / 2
        ),
    }
    if 100 in batch_medians:
        goals["100 resources under 5 s"] = batch_medians[100] < 5.0
    linearity = _linearity(batch_medians)
    goals["cost linear in resources"] = linearity.get("linear")
    return {
        "cases": {
            case.name: {**case_json(case), "version": case.version, "note": case.note}
            for case in cases
        },
        "ratios": ratios,
        "black_import_s": round(black_import, 4),
        "batches": linearity,
        "goals": goals,
        "skipped": skipped,
    }


def case_json(case: Case) -> dict[str, Any]:
    return {
        "median_s": round(case.median, 4),
        "min_s": round(case.best, 4),
        "runs_s": [round(t, 4) for t in case.times],
        "resources": case.resources,
    }


def _linearity(medians: dict[int, float]) -> dict[str, Any]:
    """Per-resource and marginal cost between batch sizes; a least-squares line through the
    medians. Linear when the marginal cost of the last step is within 1.5x of the first."""
    sizes = sorted(medians)
    result: dict[str, Any] = {
        "per_resource_s": {str(n): round(medians[n] / n, 4) for n in sizes},
        "marginal_s": {},
    }
    for low, high in zip(sizes, sizes[1:], strict=False):
        marginal = (medians[high] - medians[low]) / (high - low)
        result["marginal_s"][f"{low}->{high}"] = round(marginal, 4)
    if len(sizes) >= 2:
        slope, intercept = statistics.linear_regression(sizes, [medians[n] for n in sizes])
        result["fit"] = {"fixed_s": round(intercept, 4), "per_resource_s": round(slope, 4)}
    marginals = list(result["marginal_s"].values())
    if len(marginals) >= 2 and marginals[0] > 0:
        result["linear"] = bool(marginals[-1] <= 1.5 * marginals[0])
    elif len(marginals) == 1:
        result["linear"] = None  # one step says nothing about the shape
    return result


def print_table(cases: list[Case], summary: dict[str, Any], runs: int) -> None:
    print(f"\nscaffold generation benchmark: median and min of {runs} runs, seconds")
    print(f"{'case':<30} {'median':>8} {'min':>8}  {'version':<10} note")
    for case in cases:
        print(
            f"{case.name:<30} {case.median:>8.3f} {case.best:>8.3f}  {case.version:<10} {case.note}"
        )
    print(
        f"\nimport black (median difference to python -c pass): {summary['black_import_s']:.3f} s"
    )
    print("\nratios (median / median):")
    for name, ratio in summary["ratios"].items():
        print(f"  {name:<50} {ratio:.2f}")
    batches = summary["batches"]
    print("\nbatches: seconds per resource", batches["per_resource_s"])
    print("  marginal seconds per added resource", batches["marginal_s"])
    if "fit" in batches:
        fit = batches["fit"]
        print(f"  line: {fit['fixed_s']:.3f} s + {fit['per_resource_s']:.4f} s x resources")
    print("\ngoals (issue 6):")
    for goal, met in summary["goals"].items():
        verdict = "n/a" if met is None else ("met" if met else "NOT met")
        print(f"  {goal:<45} {verdict}")
    for line in summary["skipped"]:
        print(f"\npeer {line}")


OWN_CODE = r"[/\\]generator[/\\]"  # pstats restriction: scaffold's own functions


def profile_one(scaffold_base: Path, scratch_root: Path, top: int = 10) -> dict[str, Any]:
    """cProfile of one cold `scaffold resource reviews` (a new process, as above): scaffold's
    own functions by cumulative time (where the stages spend it), and every function by
    internal time (what is expensive underneath)."""
    scratch = Path(tempfile.mkdtemp(prefix="profile-", dir=scratch_root))
    try:
        project = scratch / "project"
        shutil.copytree(scaffold_base, project, symlinks=True)
        write_specs(project, ["reviews"])
        output = scratch / "resource.prof"
        command = [sys.executable, "-m", "cProfile", "-o", str(output)]
        _time([*command, "-m", "generator", "resource", "reviews"], project)
        views = {"cumulative": OWN_CODE, "tottime": ""}
        texts: dict[str, str] = {}
        rows: dict[str, list[dict[str, Any]]] = {}
        for order, restriction in views.items():
            stream = io.StringIO()
            stats = pstats.Stats(str(output), stream=stream)
            stats.sort_stats(order).print_stats(*([restriction] if restriction else []), top)
            texts[order] = _trim_stats(stream.getvalue())
            rows[order] = _rows(stats, order, restriction, top)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    titles = {"cumulative": "scaffold's functions by cumulative", "tottime": "all by internal"}
    for order, text in texts.items():
        print(
            f"\ncProfile of one cold `scaffold resource reviews`: top {top}, {titles[order]} time"
        )
        print(text)
    return rows


def _trim_stats(text: str) -> str:
    """pstats' report without its preamble: the call count line, then the table."""
    lines = text.splitlines()
    calls = next((line.strip() for line in lines if "function calls" in line), "")
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), len(lines))
    return "\n".join([calls, *(line for line in lines[start:] if line.strip())])


def _rows(stats: pstats.Stats, order: str, restriction: str, top: int) -> list[dict[str, Any]]:
    table = stats.stats  # type: ignore[attr-defined]
    key = 3 if order == "cumulative" else 2
    pattern = re.compile(restriction)
    ranked = sorted(
        (item for item in table.items() if pattern.search(item[0][0])),
        key=lambda item: item[1][key],
        reverse=True,
    )[:top]
    return [
        {
            "function": f"{Path(file).name}:{line}({name})",
            "ncalls": calls,
            "tottime_s": round(tottime, 4),
            "cumtime_s": round(cumtime, 4),
        }
        for (file, line, name), (_, calls, tottime, cumtime, _) in ranked
    ]


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "commit": _git("rev-parse", "--short", "HEAD")
        + ("-dirty" if _git("status", "--porcelain", "--untracked-files=no") else ""),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _v(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def run_incremental(
    scaffold: Path, base: Path, sizes: list[int], runs: int, scratch_root: Path
) -> dict[str, Any]:
    print("preparing the incremental cases ...", flush=True)
    cases = incremental_cases(scaffold, base, sizes, scratch_root)
    print(f"timing {len(cases)} cases x {runs} runs, alternating ...", flush=True)
    run_all(cases, runs, scratch_root)
    summary = summarise_incremental(cases, sizes)
    print(f"\none resource in a project of n: median and min of {runs} runs, seconds")
    for case in cases:
        print(f"  {case.name:<28} {case.median:>8.3f} {case.best:>8.3f}")
    for name, ratio in summary["ratios"].items():
        print(f"  {name:<45} {ratio:.2f}")
    for goal, met in summary["goals"].items():
        print(f"  {goal:<45} {'met' if met else 'NOT met'}")
    return {"machine": machine(), "runs": runs, **summary}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="repetitions (default 7)")
    parser.add_argument(
        "--batches", default="1,10,100", help="batch sizes, comma-separated (default 1,10,100)"
    )
    parser.add_argument("--no-peers", action="store_true", help="skip copier and nest")
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile top 10 of one cold run"
    )
    parser.add_argument(
        "--incremental",
        default="",
        help="only the incremental cases, for these project sizes (e.g. 0,100,1000)",
    )
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    args.sizes = sorted({int(n) for n in args.incremental.split(",") if n.strip()})
    default = "incremental.json" if args.sizes else "results.json"
    args.output = args.output or HERE / default
    args.batch_sizes = sorted({int(n) for n in args.batches.split(",") if n.strip()})
    if args.runs < 1 or not args.batch_sizes or min(args.batch_sizes) < 1:
        parser.error("--runs and every batch size must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    CACHE.mkdir(parents=True, exist_ok=True)
    scaffold = scaffold_executable()
    scratch_root = Path(tempfile.mkdtemp(prefix="runs-", dir=CACHE))
    try:
        print("making the base project with `scaffold new` ...", flush=True)
        base = scratch_root / "base"
        _time([str(scaffold), "new", "base", "--no-input", "--quiet"], scratch_root)
        if args.sizes:
            report = run_incremental(scaffold, base, args.sizes, args.runs, scratch_root)
            args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
            print(f"\nwrote {args.output}")
            return
        cases = scaffold_cases(scaffold, base, args.batch_sizes)
        skipped: list[str] = []
        if args.no_peers:
            skipped.append("copier, nest: skipped (--no-peers)")
        else:
            extra, skipped = peer_cases(CACHE)
            cases += extra
        print(f"timing {len(cases)} cases x {args.runs} runs, alternating ...", flush=True)
        run_all(cases, args.runs, scratch_root)
        summary = summarise(cases, args.batch_sizes, skipped)
        print_table(cases, summary, args.runs)
        report: dict[str, Any] = {"machine": machine(), "runs": args.runs, **summary}
        if args.profile:
            report["profile"] = profile_one(base, scratch_root)
    finally:
        shutil.rmtree(scratch_root, ignore_errors=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"\nwrote {shown}")


if __name__ == "__main__":
    main()
