"""A long build says what it is doing: stage, pages done of total, rate and ETA.

On a terminal this is one live line drawn by rich (Pelican's own console library); when the
output is not a terminal (the nightly's log, CI) it becomes a plain line every ``interval``
seconds, so a log shows progress without a flood. Workers count pages into one shared integer
(``multiprocessing.Value``, inherited by fork); a thread in the parent reads it, so the workers
never talk to the display and a build with the display off does no extra work but one add per
``STEP`` pages.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

STEP = 256  # pages a worker renders between two updates of the shared count


def eta(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """``with progress.stage("render ko", total) as counter:`` then workers ``counter.value += n``."""

    def __init__(self, enabled: bool = True, stream: TextIO | None = None, interval: float = 10.0):
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.interval = interval
        self.lines: list[str] = []  # what was printed (plain mode), for tests and the summary

    def line(self, name: str, done: int, total: int, elapsed: float) -> str:
        rate = done / elapsed if elapsed > 0 else 0.0
        left = f"ETA {eta((total - done) / rate)}" if rate and done < total else "done"
        return f"{name}: {done:,} of {total:,} ({rate:,.0f}/s, {left})"

    def _plain(self, name: str, counter: Any, total: int, started: float, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            self._say(self.line(name, counter.value, total, time.monotonic() - started))

    def _say(self, text: str) -> None:
        self.lines.append(text)
        print(text, file=self.stream, flush=True)

    def _live(self, name: str, counter: Any, total: int, started: float, stop: threading.Event) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as Bar

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]:>7,.0f}/s"), TimeRemainingColumn())
        with Bar(*columns, console=Console(file=self.stream), transient=True) as bar:
            task = bar.add_task(name, total=total, rate=0.0)
            while not stop.wait(0.25):
                done = counter.value
                bar.update(task, completed=done, rate=done / max(time.monotonic() - started, 1e-9))

    @contextmanager
    def stage(self, name: str, total: int) -> Iterator[Any]:
        counter = multiprocessing.get_context("fork").Value("q", 0)
        if not self.enabled or total <= 0:
            yield counter
            return
        stop = threading.Event()
        started = time.monotonic()
        live = bool(getattr(self.stream, "isatty", lambda: False)())
        target = (self._live, (name, counter, total, started, stop)) if live else \
            (self._plain, (name, counter, total, started, stop))
        thread = threading.Thread(target=target[0], args=target[1], daemon=True)
        thread.start()
        try:
            yield counter
        finally:
            stop.set()
            thread.join()
            if not live and time.monotonic() - started >= self.interval:
                self._say(self.line(name, counter.value, total, time.monotonic() - started))


OFF = Progress(enabled=False)
