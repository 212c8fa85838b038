"""The kill -9 drill: the nightly is killed at random moments, in the build and in the switch, again
and again; whatever the moment, SITE/current is a complete build that verifies, and the next
night cleans up and publishes."""

from __future__ import annotations

import os
import random
import signal
import sys
import threading
import time
from collections import Counter

from factory import copy_rows
from publish_support import workspace

from clearbuild.publish import nightly
from clearbuild.publish.site import Site
from clearbuild.publish.verify import verify

TRIALS = 11
# Where each trial aims: (phase line to wait for, extra delay range in seconds); None: from start.
AIMS = [(None, (0.0, 2.5)), ("phase: build", (0.0, 1.2)), ("phase: manifest", (0.0, 0.03)),
        ("phase: verify", (0.0, 0.03)), ("drill: paused in switch", (0.0, 0.2)),
        ("phase: switch", (0.0, 0.005)), ("recycling", (0.0, 0.3))]


def run_killed(ws, aim, delay, drill):
    """Fork a nightly (modules already imported: a trial costs the run, not the imports) and
    kill -9 it; returns the lines it printed."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the nightly, its output into the pipe
        os.close(read)
        os.dup2(write, 1)
        os.dup2(write, 2)
        sys.stdout = sys.stderr = open(write, "w", buffering=1, encoding="utf-8")  # noqa: SIM115
        if drill:
            os.environ["CLEARBUILD_DRILL_PAUSE"] = "switch"
        code = 0
        try:
            nightly.nightly(ws.exports, ws.site, overrides=ws.overrides(CB_PUBLISH_KEEP=3))
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write)
    lines: list[str] = []
    seen = threading.Event()

    def reader():
        with os.fdopen(read, encoding="utf-8", errors="replace") as f:
            for line in f:
                lines.append(line.rstrip())
                if aim and line.startswith(aim):
                    seen.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    if aim:
        seen.wait(30)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    thread.join(5)
    return lines


def test_kill_9_at_random_moments_never_breaks_the_live_site(tmp_path):
    ws = workspace(tmp_path)
    ws.export("2026-11-01")
    ws.publish()
    rng = random.Random(20261121)
    phases: Counter[str] = Counter()
    for i in range(TRIALS):
        rows = copy_rows()
        rows["contracts"][0]["amount"] = str(1_100_000_000 + i + 1)  # a small change each night
        ws.export(f"2026-11-{i + 2:02d}", rows)
        aim, (lo, hi) = AIMS[i % len(AIMS)]
        lines = run_killed(ws, aim, rng.uniform(lo, hi), drill=aim == "drill: paused in switch")
        last = [ln for ln in lines if ln.startswith(("phase:", "drill:"))]
        phases[last[-1] if last else "start"] += 1
        ok, report = verify(ws.site / "current")
        assert ok, (i, aim, last, report)
        target = os.readlink(ws.site / "current")
        assert target.startswith("builds/") and (ws.site / target / "manifest.json").is_file()
    print("kill -9 trials by the last step they reached:", dict(sorted(phases.items())))
    # The drill must have hit the build and the switch, not only the quiet moments around them.
    assert phases["phase: build"] >= 2 and phases["drill: paused in switch"] >= 1, phases
    result = ws.publish(CB_PUBLISH_KEEP=3)  # the next night cleans up and publishes
    s = Site(ws.site)
    assert s.current() == result.build and verify(ws.site / "current")[0]
    assert sorted(p.name for p in s.builds.iterdir()) == s.finished()
    assert not list(ws.site.glob(".current-*"))
