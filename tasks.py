"""Officials' and developers' tasks: `invoke --list` explains each one.

Tasks are thin: the work is in clearbuild/ (library code) so tests call the same functions.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
DEMO = "data/sample/2026-11-20"  # the demo export, named by its date like every export (clearbuild.asof)
sys.path.insert(0, str(ROOT))


@task(help={"data": "export folder (default: newest data/exports/YYYY-MM-DD, else data/sample)",
            "output": "where the site goes (default output/)",
            "settings": "settings file (pelicanconf.py or publishconf.py)",
            "as_of": "the data's date (YYYY-MM-DD) when the export folder is not named by one",
            "deployment": "a city in deployments/ (kyiv, danang): its settings, and its demo unless --data",
            "cluster": "a Dask scheduler's address (tcp://host:8786): render on its workers (CB_CLUSTER)"})
def build(c, data=None, output="output", settings="pelicanconf.py", as_of=None, deployment=None,
          cluster=None):
    """Build the site: ingest the export, render every page, swap output/ in only on success."""
    from clearbuild import deployments
    from clearbuild.build import build as run
    from clearbuild.ingest import StructuralError

    try:
        if deployment:
            settings = deployments.settings_file(deployment)
            if data is None:
                data = deployments.demo(deployment)
    except deployments.UnknownDeployment as e:
        print(f"build refused: {e}", file=sys.stderr)
        sys.exit(2)
    overrides = {"CB_AS_OF": as_of} if as_of else {}
    if cluster:
        overrides["CB_CLUSTER"] = cluster
    try:
        result = run(output=output, data=data, settings_file=settings, overrides=overrides or None)
    except StructuralError as e:
        print(f"build refused: {e}", file=sys.stderr)
        sys.exit(2)
    print(result.summary())


@task(help={"port": "port to serve on (default 8000)", "output": "folder to serve"})
def serve(c, port=8000, output="output"):
    """Serve the built site on http://localhost:PORT (the same files work from file:// too)."""
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ROOT / output))
    print(f"serving {output}/ on http://localhost:{port}/")
    http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), handler).serve_forever()


@task(help={"out": "folder to write (default: the demo, data/sample/<its date>)", "seed": "random seed",
            "projects": "number of projects", "contracts": "number of contracts",
            "companies": "number of companies", "notices": "number of bid notices"})
def sample(c, out=DEMO, seed=20261120, projects=300, contracts=5000, companies=2000,
           notices=None):
    """Regenerate the bundled demo export (seeded) and the demo admin database beside it."""
    from clearbuild.sample import generate

    kw = {"seed": int(seed), "projects": int(projects), "contracts": int(contracts),
          "companies": int(companies)}
    if notices:
        kw["notices"] = int(notices)
    generate(ROOT / out, **kw)
    if out == DEMO:
        from admin.demo import build as admin_demo

        admin_demo(ROOT / "data/admin/admin.db", ROOT / out)
    print(f"wrote {out} (and the demo admin database data/admin/admin.db)")


@task(help={"browser": "also run the browser tests (needs /usr/bin/chromium)", "k": "pytest -k"})
def test(c, browser=True, k=None):
    """Run the test suite (pytest); browser tests drive Debian's headless chromium."""
    args = ["-q"]
    if not browser:
        args += ["-m", "not browser"]
    if k:
        args += ["-k", k]
    c.run(f"{sys.executable} -m pytest {' '.join(args)}", pty=False)


@task(help={"query": "words, a contract/notice id or a business number", "output": "built site",
            "kind": "only this kind (projects, contracts, notices, plans, companies, ...)",
            "limit": "results to print", "json": "print JSON"})
def search(c, query, output="output", kind="", limit=10, json=False):
    """Query the built site's search index, ranked exactly as the browser ranks (clearbuild.search)."""
    from clearbuild.search.cli import main

    argv = [query, "--output", str(ROOT / output), "--kind", kind, "--limit", str(limit)]
    sys.exit(main(argv + (["--json"] if json else [])))


@task
def clean(c):
    """Remove output/, build leftovers and caches (never data/ or the admin database)."""
    import shutil

    for p in [ROOT / "output", *ROOT.glob(".build-*"), *ROOT.glob(".old-*"), ROOT / "cache",
              ROOT / ".cb-snapshots"]:
        shutil.rmtree(p, ignore_errors=True)
    print("cleaned")


@task(help={"data": "export folder (default: the settings' newest export)", "settings": "settings file",
            "every": "check one record in N of each kind (default 3)", "kind": "only this kind"})
def reads(c, data=None, settings="pelicanconf.py", every=3, kind=None):
    """Check that each record kind's pages read only the rows clearbuild/kinds.py declares."""
    from clearbuild.readcheck import main

    sys.exit(main([*(["--data", data] if data else []), "--settings", settings, "--every", str(every),
                   *(["--kind", kind] if kind else [])]))


@task
def golden(c):
    """Regenerate tests/golden/ from the tiny fixture on purpose (review the diff before committing)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from golden import regenerate

    n = regenerate()
    print(f"wrote {n} golden files")


@task(help={"projects": "projects in the generated export (default 3000)",
            "scale": "'seoul' for Seoul's 3-year size (175,000 contracts ...)",
            "times": "generate K times the sizes (e.g. --scale seoul --times 3)",
            "workers": "render processes (0: one per core)",
            "lang": "comma-separated languages to render (default: CB_LANGUAGES)",
            "incremental": "also change 1% of records and time the incremental rebuild",
            "cluster": "a Dask scheduler's address ('local': start one here with two workers): "
                       "build on one, then two of its workers",
            "nightly": "two nights through `invoke nightly` (full, then --share of records changed)",
            "share": "with --nightly: share of records the second night changes (default 0.01); "
                     "a list (0.01,0,0.1): one night each after the first, none recycled",
            "profile": "with --nightly: py-spy the second night, CPU seconds by stage",
            "nights": "with --nightly: nights to run (default 2; the 4th on recycles the oldest build)"})
def bench(c, projects=3000, scale=None, workers=0, lang=None, incremental=False, cluster=None, times=1,
          nightly=False, share="0.01", profile=False, nights=2):
    """Generate (once, then reuse) an export of a given size, build it, print figures as JSON."""
    from clearbuild.bench import run_bench, run_incremental

    languages = lang.split(",") if lang else None
    if nightly:
        from clearbuild.benchnight import run_nightly_bench

        shares = [float(x) for x in str(share).split(",")]
        print(json.dumps(run_nightly_bench(projects=int(projects), scale=scale, workers=int(workers),
                                           share=shares if len(shares) > 1 else shares[0],
                                           profile=profile, nights=int(nights),
                                           languages=languages)))
        return
    if cluster:
        from clearbuild.clusterbench import run_cluster_bench

        print(json.dumps(run_cluster_bench(cluster, projects=int(projects), scale=scale,
                                           times=int(times), languages=languages)))
        return
    if incremental:
        print(json.dumps(run_incremental(projects=int(projects), scale=scale, workers=int(workers),
                                         languages=languages, times=int(times))))
        return
    figures = run_bench(projects=int(projects), scale=scale, workers=int(workers),
                        languages=languages, times=int(times))
    print(json.dumps(figures))


@task(help={"stage": "the stage to stop at and take the census in (default render; `invoke bench` "
                     "prints each stage's peak as peak_by_stage_mb)",
            "projects": "projects in the generated export (default 3000)",
            "scale": "'seoul' for Seoul's 3-year size", "times": "generate K times the sizes",
            "lang": "comma-separated languages (default: CB_LANGUAGES)"})
def census(c, stage="render", projects=3000, scale=None, times=1, lang=None):
    """Build the bench's export up to a stage, then print what the build's process holds there,
    by owner (the Dataset's tables, the renderer's queue, each context key ...), as JSON."""
    from clearbuild.memcensus import census_bench

    print(json.dumps(census_bench(stage, projects=int(projects), scale=scale, times=int(times),
                                  languages=lang.split(",") if lang else None), ensure_ascii=False))


@task(help={"workers": "worker processes to start (default 2)",
            "port": "the scheduler's port (default 8786; 0: any free port)",
            "threads": "threads per worker (default 1: a worker renders one partition at a time)"})
def cluster(c, workers=2, port=8786, threads=1):
    """Start a Dask scheduler and N workers on 127.0.0.1 to try cluster builds; Ctrl-C stops all."""
    import signal
    import threading

    from clearbuild.localcluster import LocalCluster

    lc = LocalCluster(port=int(port), nthreads=int(threads))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        lc.start(int(workers))
        print(f"Dask scheduler at {lc.address} with {workers} workers "
              f"(pids {', '.join(str(p.pid) for p in lc.workers)}); build on it with\n"
              f"  invoke build --cluster {lc.address}\nCtrl-C stops them all.", flush=True)
        while not stop.wait(1):
            if lc.scheduler is not None and lc.scheduler.poll() is not None:
                print("the scheduler exited", file=sys.stderr)
                break
    except KeyboardInterrupt:
        pass
    finally:
        lc.stop()
        print("stopped")


@task
def docs(c):
    """Regenerate docs/export-format.md from clearbuild/schema.py and update every translation catalogue."""
    from clearbuild import docgen, i18n

    docgen.write()
    missing = {lang: i18n.update(lang) for lang in i18n.TRANSLATED}
    i18n.update("en")
    print("docs/export-format.md written; untranslated:",
          {lang: m for lang, m in missing.items() if m} or "none")


@task(help={"exports": "folder of dated export folders YYYY-MM-DD (default data/exports)",
            "site": "published site folder; the web server serves SITE/current (default site)",
            "accept_drop": "publish although a table lost more rows than CB_PUBLISH_MAX_DROP",
            "accept_growth": "publish although a table grew more than CB_PUBLISH_MAX_GROWTH times",
            "settings": "settings file (default publishconf.py)",
            "cluster": "a Dask scheduler's address: render on its workers (CB_CLUSTER)"})
def nightly(c, exports="data/exports", site="site", accept_drop=False, settings="publishconf.py",
            accept_growth=False, cluster=None):
    """Publish the newest export: guards, build beside the live site, sign, verify, switch atomically."""
    from clearbuild.publish.nightly import main_exit
    from clearbuild.publish.nightly import nightly as run

    overrides = {"CB_CLUSTER": cluster} if cluster else None
    result = main_exit(lambda: run(exports, site, settings, accept_drop, accept_growth=accept_growth,
                                   overrides=overrides))
    print(result.summary())


@task(help={"site": "published site folder (default site)"})
def rollback(c, site="site"):
    """Make the build that was live before the current one live again (one atomic switch)."""
    from clearbuild.publish.nightly import main_exit
    from clearbuild.publish.nightly import rollback as run

    old, new = main_exit(lambda: run(site))
    print(f"rolled back: {old} -> {new} is live")


@task(help={"key": "where to write the private key (default: the CB_PUBLISH_KEY setting)",
            "force": "replace an existing key (copies signed with the old one will no longer match)",
            "settings": "settings file (default publishconf.py)"})
def keygen(c, key=None, force=False, settings="publishconf.py"):
    """Create the Ed25519 key that signs every build; prints the fingerprint to announce publicly."""
    from clearbuild import config
    from clearbuild.build import settings_for
    from clearbuild.publish import manifest, setting

    path = config.resolve(key or setting(settings_for(settings), "CB_PUBLISH_KEY"))
    try:
        fp = manifest.keygen(path, force=force)
    except manifest.SigningKeyError as e:
        print(e, file=sys.stderr)
        sys.exit(2)
    print(f"wrote {path} (keep it private, back it up)\npublic key fingerprint: SHA256:{fp}")


@task(help={"path": "a site folder (SITE: its live build), one build, or a zip archive",
            "key": "trusted public key (PEM); default: the key inside the copy",
            "fingerprint": "expected SHA-256 fingerprint of the signing key"})
def verify(c, path, key=None, fingerprint=None):
    """Check a copy against its signed manifest; names every changed, missing or extra file."""
    from clearbuild.publish import verify as v

    args = [path] + (["--key", key] if key else []) + (["--fingerprint", fingerprint] if fingerprint else [])
    code = v.main(args)
    if code:
        sys.exit(code)


@task(help={"site": "published site folder (default site)", "output": "zip file to write",
            "settings": "settings file (default publishconf.py), for CB_PUBLISH_FINGERPRINT_AT"})
def archive(c, site="site", output="clearbuild-site.zip", settings="publishconf.py"):
    """Zip the live site with its manifest, signature and verify.py, for offline use from file://."""
    from clearbuild.build import settings_for
    from clearbuild.publish import setting
    from clearbuild.publish.archive import ArchiveError
    from clearbuild.publish.archive import archive as run

    try:
        path, n = run(site, output, setting(settings_for(settings), "CB_PUBLISH_FINGERPRINT_AT"))
    except ArchiveError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
    print(f"wrote {path}: {n} files; unzip and open index.html, or check with verify.py inside")
