"""Figures for the contracts section alone: context time, pages per template, render cost.

    python plugins/cb_contracts/bench.py DATA_DIR [--render N]

Runs the build's own code (Pelican's generators for cb_dataset and cb_contracts, the shared
renderer) but renders only a sample of N pages per template into a temporary folder, so the
figures say where time goes without a full build. Prints one JSON line. The whole-site figures
are `invoke bench`'s.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(data: str, render: int = 100) -> dict[str, Any]:
    sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
    from pelican import Pelican

    from clearbuild import buildcontext, loader
    from clearbuild.build import settings_for
    from clearbuild.pagehash import Job

    out = Path(tempfile.mkdtemp(prefix="cb-contracts-bench-"))
    settings = settings_for(overrides={"CB_DATA": str(Path(data).resolve()), "OUTPUT_PATH": str(out)})
    t = time.time()
    dataset = loader.load(settings)
    load_s = time.time() - t
    rss_loaded = _rss_mb()
    pelican = Pelican(settings)
    context: dict[str, Any] = {**settings, "generated_content": {}, "static_links": set(),
                               "static_content": {}, "localsiteurl": settings["SITEURL"]}
    buildcontext.of(context).dataset = dataset
    gens = [cls(context=context, settings=settings, path=pelican.path, theme=pelican.theme,
                output_path=str(out)) for cls in pelican._get_generator_classes()]
    by_name = {type(g).__name__: g for g in gens}
    by_name["DatasetGenerator"].generate_context()
    renderer = buildcontext.renderer_of(context)
    before = {k: len(g) for k, g in renderer.groups.items()}
    t = time.time()
    by_name["ContractsGenerator"].generate_context()
    context_s = time.time() - t
    jobs = [Job(g.template, path, g.context(item) if g.context else item, g.kind, key)
            for k, g in sorted(renderer.groups.items())
            for path, key, item in g.jobs(before.get(k, 0), before.get(k, 0) + render)]
    per_template = Counter(g.template for k, g in renderer.groups.items()
                           for _ in range(len(g) - before.get(k, 0)))
    t = time.time()
    by_name["ContractsGenerator"].generate_output(None)
    output_s = time.time() - t
    render_us: dict[str, float] = {}
    lang = renderer.languages[0]
    env = renderer.env_of(lang)
    for template in sorted(per_template):
        sample = [j for j in jobs if j.template == template][:render]
        renderer.render_one(sample[0], lang, env)  # compile the template first: that is not per page
        t = time.time()
        for j in sample:
            renderer.render_one(j, lang, env)
        render_us[template] = round((time.time() - t) / len(sample) * 1e6)
    est = sum(per_template[k] * render_us[k] for k in per_template) / 1e6 * len(renderer.languages)
    return {"data": data, "load_s": round(load_s, 2), "context_s": round(context_s, 2),
            "output_s": round(output_s, 2), "pages": sum(per_template.values()),
            "per_template": dict(sorted(per_template.items())), "render_us": render_us,
            "render_cpu_s_all_languages": round(est, 1), "rss_mb_after_load": round(rss_loaded),
            "rss_mb_after_context": round(_rss_mb())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--render", type=int, default=100, help="pages rendered per template")
    args = ap.parse_args()
    print(json.dumps(measure(args.data, args.render), ensure_ascii=False))


if __name__ == "__main__":
    main()
