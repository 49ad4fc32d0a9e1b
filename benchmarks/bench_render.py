"""Render time with Jinja's sandbox against a plain Environment, in the same process (no
formatting: rendering only), over every resource of the project in the current folder:

    cd some-project && python /path/to/benchmarks/bench_render.py

Prints the medians of 7 alternating runs, their ratio, and whether the outputs are equal."""

import statistics
import time
from pathlib import Path

import jinja2

from generator.commands.generate import load_contexts
from generator.commands.project import Project
from generator.render import templates as render
from generator.sync.manifest import Manifest

project = Project.find(Path.cwd())
contexts = load_contexts(project, dict(Manifest.load(project.root).resources))


def make(sandboxed):
    r = render.Renderer(project.stack)
    if not sandboxed:
        r.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(project.stack.root)),
            bytecode_cache=None,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
        )
        r.env.filters.update(project.stack.language.filters)
    return r


times = {True: [], False: []}
outs = {}
for _rep in range(7):
    for sb in (True, False):
        r = make(sb)
        for c in contexts.values():
            r.resource(c)  # compile warm
        t = time.perf_counter()
        out = {}
        for c in contexts.values():
            out.update(r.resource(c))
        out.update(r.wiring(c.wired for c in contexts.values()))
        times[sb].append(time.perf_counter() - t)
        outs[sb] = out
print("resources", len(contexts), "files", len(outs[True]))
print("identical output:", outs[True] == outs[False])
s, p = statistics.median(times[True]), statistics.median(times[False])
print(f"render median sandbox {s*1000:.0f} ms, plain {p*1000:.0f} ms, ratio {s/p:.2f}")
