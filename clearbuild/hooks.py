"""The contract between the core and plugins: the signals the build sends, declared in one place.

Why: plugins used to find each other's results through string keys in Pelican's context and
module caches. A plugin that needs to know what the build wrote subscribes here (blinker, as
Pelican's own signals) and needs to know nothing about content types, the way
pelican-plugins/sitemap subscribes to Pelican's "content written".

docs/architecture.md lists every hook with its arguments; tests/test_docs.py loops over this
module so a hook added here and missing there fails.
"""

from __future__ import annotations

from blinker import Namespace

_hooks = Namespace()

# Sent by the renderer (the parent process) once per page now in the site, after every page is
# written, kept or linked: sender is the Renderer; kwargs path (the first language's path),
# kind and key (the record a record page shows, clearbuild.kinds; "" for other pages) and
# languages (the page exists in each, under <lang>/ for all but the first).
page_written = _hooks.signal("page_written")

# Sent by the renderer when every page is written: sender is the Renderer; kwarg stats (pages,
# rendered, linked, kept, data_files, data_written).
render_finished = _hooks.signal("render_finished")

# Sent by clearbuild.build when a build has finished and been swapped in: sender is the
# BuildResult (pages, files, bytes, refused rows, seconds, rendered).
build_finished = _hooks.signal("build_finished")

# Sent in the parent when a build enters a stage: sender is None; kwarg name ("ingest", then
# each Pelican generator's section as it makes its context: "dataset", "signals", "search",
# "opendata", "contracts"..., then "render"). ``memwatch.PeakPss.watch_stages`` records the
# memory each stage peaks at, so ``invoke bench`` shows which stage bounds a build.
stage_started = _hooks.signal("stage_started")

HOOKS = {"page_written": page_written, "render_finished": render_finished,
         "build_finished": build_finished, "stage_started": stage_started}
