"""Open Contracting: read OCDS and OC4IDS into the export tables, and write them back out.

- ``importer.import_files(paths, Options)``: releases, records, packages (OCDS 1.0 and 1.1,
  compiled or versioned, UTF-8 or Latin encodings) and OC4IDS projects -> export tables and
  located problems (clearbuild.ingest.Problem: file, item, JSON path).
- ``source.load``: what the loader calls, so ``invoke build --data`` takes JSON too.
- ``export``: compiled releases per contract, OC4IDS projects, and their packages.
docs/open-data.md explains the mapping and every rule a publisher's data meets.
"""
