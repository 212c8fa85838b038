"""cb_opendata: the site's data in open formats, for every tool of the Open Contracting ecosystem.

Writes ``contracts/<id>.json`` (the OCDS compiled release of the contract's process) and
``projects/<id>.json`` (the OC4IDS project) beside the record folders, and under ``data/`` a CSV
per table (public columns only: it is the Dataset), one OCDS release package, one OC4IDS
project package and the licence; queues the ``data/`` page (each file with its size, rows and
date) and the data dictionary, generated from clearbuild.schema so it cannot drift.

Files the data page describes are serialised and written while contexts are generated (the
page needs their sizes; only the sizes are kept): the CSV files here, the packages by a forked
child (clearbuild.forked) while the later sections make their contexts; once every generator is
done (``all_generators_finalized``) the data page and the per-record files are queued on the
shared renderer (``add_files``), whose workers write them beside the pages.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pelican import signals
from pelican.generators import Generator

from clearbuild import asof, buildcontext, csvsafe, forked, public, schema, urls
from clearbuild.dataset import Dataset
from clearbuild.ocds import coverage, extension
from clearbuild.ocds.export import ExportOptions, OcdsWriter, dumps
from clearbuild.ocds.oc4ids import writers
from clearbuild.ocds.writing import package_of_lines, write_lines

from .recordfiles import Digests, ocid_array, project_file, record_file

DEFAULTS: dict[str, Any] = {
    "CB_OPENDATA_LICENSE_NAME": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "CB_OPENDATA_ATTRIBUTION": None,  # "Source: ..." line people must keep; None: the publisher's name
    "CB_OPENDATA_RECORD_FILES": True,  # per-record contracts/<id>.json and projects/<id>.json
    "CB_OPENDATA_WRITERS": 1,  # the package writer's children at once (RELEASES_A_CHILD)
}
LICENSE_FILE = "LICENSE.txt"
COVERAGE_FILE = "cardinal-coverage.json"


def setting(settings: dict[str, Any], name: str) -> Any:
    return settings.get(name, DEFAULTS[name])


@dataclass
class DataFile:
    name: str  # file name under data/
    title: str  # table or package name shown on the page
    doc: str
    rows: int
    size: int  # bytes; the file itself is written as soon as it is made (see publish())

    @property
    def size_text(self) -> str:
        n = self.size
        return f"{n:,} B" if n < 1024 else f"{n / 1024:,.1f} KB" if n < 1024**2 else f"{n / 1024**2:,.1f} MB"


def table_csv(ds: Dataset, name: str) -> bytes:
    """The public projection of a table (clearbuild.public) as CSV, UTF-8 with BOM: Excel opens it."""
    cols = public.columns(name)
    df = ds.table(name)
    df = public.project(name, df)[0][cols] if not df.empty else df.reindex(columns=cols)
    # A ``file`` is already the path the site publishes it under (clearbuild.ingest.files), never
    # the name it had in the export.
    # Formula-like text cells get a leading ' (clearbuild.csvsafe); numbers stay numbers.
    return ("\ufeff" + csvsafe.frame_csv(df)).encode("utf-8")


def licence_text(settings: dict[str, Any], opts: ExportOptions) -> str:
    attribution = setting(settings, "CB_OPENDATA_ATTRIBUTION") or opts.publisher
    return (
        f"{setting(settings, 'CB_OPENDATA_LICENSE_NAME')}\n{opts.license}\n\n"
        f"Attribution: {attribution}\n\n"
        "Every file in this folder (CSV tables, OCDS release package, OC4IDS project package) and\n"
        "every contracts/<id>.json and projects/<id>.json of this site is published under the\n"
        "licence above. The OCDS and OC4IDS schemas are (c) Open Contracting Partnership,\n"
        "Apache License 2.0.\n"
    )


@dataclass
class Downloads:
    """What the forked package writer hands back: no package, only what the data page shows."""

    files: list[DataFile]
    counts: dict[str, int]  # Cardinal's coverage
    digests: bytes  # every release's digest (clearbuild.ocds.writing.digest), in ocid order


# Releases (projects) each of the package writer's children makes (clearbuild.forked.in_turns):
# at twice Seoul's size one child at a time peaked at 114 MB of private pages (a single child
# for every release: 315 MB). With ``CB_OPENDATA_WRITERS`` children at once each makes a
# share of that. Why one by default: on this machine's two cores, two at once (5,000 releases
# each) left no core idle while the parent waited for the writer, but slowed the parent's
# sections as much, so the context phase was no shorter within the runs' spread (45 s against
# 44-58 s at Seoul's size), and the build's peak rose by 17 MB there and by ~50 MB at twice
# Seoul, where the writer's stages became the peak (docs/performance.md, "Later (2026-12-08,
# after stop 41)"). A machine with cores to spare may want more.
RELEASES_A_CHILD = 10_000
PROJECTS_A_CHILD = 1_000


def lines_in_parts(lines: Path, items: Callable[[int, int], Iterable[dict[str, Any]]], total: int,
                   size: int, width: int = 1) -> bytes:
    """``items(start, stop)`` written as lines (clearbuild.ocds.writing.write_lines) a part of
    ``size`` at a time, each part by a child of its own (``width`` at once): the pages of the
    parent's records it copies by reading them go when it ends. Each part writes a file of
    its own, appended to ``lines`` in order as soon as the parts before it are. Returns their
    digests, in order."""
    def part(start: int, stop: int) -> bytes:
        with _part_file(lines, start).open("w", encoding="utf-8") as f:
            return write_lines(f, items(start, stop))

    digests = []
    with lines.open("wb") as out:
        for start, done in zip(range(0, total, size), forked.in_turns(part, total, size, width),
                               strict=True):
            with _part_file(lines, start).open("rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
            _part_file(lines, start).unlink()
            digests.append(done)
    return b"".join(digests)


def _part_file(lines: Path, start: int) -> Path:
    return lines.with_name(f"{lines.name}.{start}")


def write_downloads(ocds: OcdsWriter, oc4ids: Any, ocids: np.ndarray, out: Path,
                    writers: int = 1) -> Downloads:
    """The OCDS release package with Cardinal's coverage of it, and the OC4IDS project package.
    Run in a forked child: the parent holds no release and no project. Each package is made
    of lines, one release (project) a line, which Cardinal reads too."""
    with tempfile.TemporaryDirectory(prefix="cb-ocds-") as tmp:
        lines = Path(tmp) / "lines.jsonl"
        digests = lines_in_parts(lines, lambda start, stop: (ocds.releases[k.decode("utf-8")]
                                                             for k in ocids[start:stop].tolist()),
                                 len(ocids), max(1, RELEASES_A_CHILD // writers), writers)
        n = package_of_lines(out / "ocds-release-package.json", ocds.package_head(), lines)
        counts = coverage.coverage_of_lines(lines)
        lines_in_parts(lines, oc4ids.each_project, oc4ids.count(), PROJECTS_A_CHILD, writers)
        oc4 = out / "oc4ids-project-package.json"
        n_projects = package_of_lines(oc4, oc4ids.package([]), lines, key="projects")
    files = [DataFile("ocds-release-package.json", "OCDS",
                      "OCDS 1.1 release package: one compiled release per contracting process",
                      n, (out / "ocds-release-package.json").stat().st_size),
             publish(out, COVERAGE_FILE, "Cardinal coverage",
                     "Cardinal's coverage of the OCDS package: how often each field is filled",
                     len(counts), dumps(counts).encode("utf-8")),
             DataFile(oc4.name, "OC4IDS", "OC4IDS 0.9 project package: one project per construction project",
                      n_projects, oc4.stat().st_size)]
    return Downloads(files, counts, digests)


class OpenDataGenerator(Generator):
    def generate_context(self) -> None:
        ds: Dataset = buildcontext.dataset_of(self.context)
        opts = ExportOptions.from_settings(self.settings)
        self.ocds, self.oc4ids = writers(ds, opts)
        # ocid -> its release's digest, taken as the package is written (none on a cluster worker)
        self.digests: Mapping[str, bytes] = {}
        self.downloads: forked.Forked[Downloads] | None = None
        if self.settings.get("CB_CLUSTER_WORKER"):  # record files only (clearbuild.cluster)
            self._record_files(buildcontext.renderer_of(self.context))
            return
        out = Path(self.output_path) / "data"
        out.mkdir(parents=True, exist_ok=True)
        # The packages are written by a forked child while the other sections make their
        # contexts (clearbuild.forked); ``finish`` collects it once every generator is done.
        # Every release's ocid, worked out here: reading every record in the child would copy
        # the pages that hold them (clearbuild.forked.in_turns); the record files' digests are
        # read against them (``finish``).
        self.ocids = ocid_array(self.ocds.releases)
        self.downloads = forked.Forked(
            functools.partial(write_downloads, self.ocds, self.oc4ids, self.ocids, out,
                              max(1, int(setting(self.settings, "CB_OPENDATA_WRITERS")))))
        self.files = [
            publish(out, f"{name}.csv", name, schema.TABLES[name].doc, len(ds.table(name)),
                    table_csv(ds, name))
            for name in schema.ORDER
        ]
        self.opts = opts

    def finish(self) -> None:
        """Once every generator has made its context: the packages' sizes and counts, the data
        page, and the record files (named by the digests the package writer took)."""
        if self.downloads is None:
            return
        done, self.downloads = self.downloads.result(), None
        self.digests = Digests(self.ocids, done.digests)
        ds: Dataset = buildcontext.dataset_of(self.context)
        opts, out, r = self.opts, Path(self.output_path) / "data", buildcontext.renderer_of(self.context)
        files = self.files + done.files
        ext = out / extension.FOLDER  # clearbuild's own OCDS extension, which the package declares
        ext.mkdir(exist_ok=True)
        for name, doc in (("extension.json", extension.metadata(opts.uri(""))),
                          ("release-schema.json", extension.release_schema_patch())):
            publish(ext, name, "", "", 0, dumps(doc).encode("utf-8"))
        self.licence = licence_text(self.settings, opts).encode("utf-8")
        r.add(
            "opendata_index.html",
            "data/index.html",
            files=files,
            licence_file=LICENSE_FILE,
            licence_name=setting(self.settings, "CB_OPENDATA_LICENSE_NAME"),
            licence_url=opts.license,
            updated=asof.of(ds, self.settings),
            ocid_prefix=opts.prefix,
            extensions=extension.COMMUNITY,
            coverage=coverage.fields(done.counts),
            coverage_releases=done.counts.get("", 0),
            coverage_file=COVERAGE_FILE,
            local_extension=f"{extension.FOLDER}/extension.json",
        )
        r.add(
            "opendata_dictionary.html", "data/dictionary/index.html", tables=dictionary(), types=schema.TYPES
        )
        self._record_files(r)

    def _record_files(self, r: Any) -> None:
        if setting(self.settings, "CB_OPENDATA_RECORD_FILES"):
            # Each release is made by the worker that writes its file (clearbuild.render.add_files).
            # Queued by id: each file's path, <kind>/<id>.json, is made when read (clearbuild.pagequeue).
            r.add_files(((checked(cid), cid) for cid in self.ocds.ocid_of),
                        functools.partial(record_file, self.ocds, self.digests), under=beside("contracts"))
            projects = sorted(str(p["project_id"]) for p in self.oc4ids.ds.records("projects"))
            r.add_files(((checked(pid), pid) for pid in projects),
                        functools.partial(project_file, self.oc4ids), under=beside("projects"))

    def generate_output(self, writer: Any) -> None:
        if self.settings.get("CB_CLUSTER_WORKER"):
            return
        out = Path(self.output_path) / "data"
        out.mkdir(parents=True, exist_ok=True)
        (out / LICENSE_FILE).write_bytes(self.licence)


def publish(out: Path, name: str, title: str, doc: str, rows: int, body: bytes) -> DataFile:
    """Write a download now and keep only its size. Why: at Seoul's size the OCDS package is
    ~650 MB; held until output, it sat in memory through rendering, and the data page's
    context (hashed for incremental builds) carried it into a worker."""
    path = out / name
    path.unlink(missing_ok=True)  # never write through a name that may be linked elsewhere
    path.write_bytes(body)
    return DataFile(name, title, doc, rows, len(body))


def beside(kind: str) -> tuple[str, str]:
    """(prefix, suffix) of ``<kind>/<id>.json``, next to the record's folder ``<kind>/<id>/index.html``."""
    return f"{urls.SECTIONS[kind]}/", ".json"


def checked(record_id: str) -> str:
    """The id, refused unless it is safe in a path (urls.SAFE_ID)."""
    if not urls.SAFE_ID.match(record_id):
        raise ValueError(f"unsafe id for a path: {record_id!r}")
    return record_id


def dictionary() -> list[dict[str, Any]]:
    """Every table's public columns, in display order: what the CSV files hold."""
    return [
        {"name": name, "doc": t.doc, "key": t.key, "columns": [c for c in t.columns if c.public]}
        for name, t in ((n, schema.TABLES[n]) for n in schema.ORDER)
    ]


def get_generators(pelican: Any) -> type[Generator]:
    return OpenDataGenerator


def finish(generators: list[Any]) -> None:
    for g in generators:
        if isinstance(g, OpenDataGenerator):
            g.finish()


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(finish)
