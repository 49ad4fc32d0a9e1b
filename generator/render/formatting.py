"""Formatting a run's output with the stack language's formatter.

Files that render exactly as they did last time reuse their base (already formatted); the
rest are formatted file by file, in worker processes when there are enough of them to pay
for it, or, for a language whose formatter runs over many files at once, in one call.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from generator.stacks import Stack
from generator.sync.manifest import Manifest, digest

PARALLEL_FROM = 12  # files; below this, starting workers costs more than it saves

Progress = Callable[[int, int], None]  # (files formatted so far, files to format)


class Formatter:
    def __init__(
        self, stack: Stack, manifest: Manifest | None = None, progress: Progress | None = None
    ) -> None:
        self.stack = stack
        self.manifest = manifest
        self.progress = progress
        self.fingerprints: dict[str, str] = {}  # path -> digest of the unformatted render

    def format_all(self, files: dict[str, str]) -> dict[str, str]:
        """{path: rendered text} -> {path: formatted text}, in the same order."""
        done: dict[str, str] = {}
        pending: dict[str, str] = {}
        for path, text in files.items():
            self.fingerprints[path] = digest(text)
            cached = self._cached(path)
            if cached is not None:
                done[path] = cached
            elif Path(path).suffix in self.stack.language.formats:
                pending[path] = text
            else:
                done[path] = text
        done.update(self._format(pending))
        return {path: done[path] for path in files}

    def _cached(self, path: str) -> str | None:
        entry = self.manifest.files.get(path) if self.manifest else None
        if self.manifest is None or entry is None or entry.rendered != self.fingerprints[path]:
            return None
        return self.manifest.base(path)

    def _format(self, pending: dict[str, str]) -> dict[str, str]:
        batch = self.stack.language.batch_formatter
        if batch is not None:  # one process over every file
            batched = batch(pending) if pending else {}
            return self._collect(pending, (batched[path] for path in pending))
        format_ = self.stack.language.formatter
        workers = min(os.cpu_count() or 1, 4)
        if len(pending) < PARALLEL_FROM or workers < 2:
            return self._collect(pending, (format_(text, path) for path, text in pending.items()))
        context = multiprocessing.get_context("fork")  # workers inherit the loaded formatter
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            formatted = pool.map(format_, pending.values(), pending.keys(), chunksize=4)
            return self._collect(pending, formatted)

    def _collect(self, pending: dict[str, str], formatted: Iterable[str]) -> dict[str, str]:
        """{path: formatted text} in the order of ``pending``, reporting each file done."""
        done: dict[str, str] = {}
        for path, text in zip(pending, formatted, strict=True):
            done[path] = text
            if self.progress:
                self.progress(len(done), len(pending))
        return done
