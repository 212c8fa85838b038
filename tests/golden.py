"""Golden output: the tiny fixture site, built and compared page by page with tests/golden/.

Like Pelican's own functional tests: a change to any template or page context shows up as a
diff to review. `invoke golden` regenerates the files on purpose.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from factory import write_export

from clearbuild.build import build

GOLDEN = Path(__file__).resolve().parent / "golden"
# A handful of pages that cover every template of the site; plus the list of every file.
PAGES = ["index.html", "districts/11230/index.html", "projects/P-0001/index.html",
         "en/projects/P-0001/index.html", "pages/about/index.html"]
EXTRA_PAGES: list[str] = []  # sections append their own pages here
# Contracts (cb_contracts): one page of each kind, the certificate, a listing bucket and a feed.
EXTRA_PAGES += ["contracts/index.html", "plans/PL-2025-001/index.html", "notices/N-2025-0001/index.html",
                "contracts/C-2025-0001/index.html", "en/contracts/C-2025-0001/index.html",
                "companies/2148755823/index.html",
                "companies/2148755823/certificates/general_services/index.html",
                "contracts/by/month/2025-03/index.html", "contracts/by/agency/index.html",
                "companies/index.html", "companies/map/index.html", "verify/index.html",
                "feeds/notices.xml"]
# Open data (cb_opendata): the data page, the dictionary and one record of each kind as JSON.
EXTRA_PAGES += ["data/index.html", "data/dictionary/index.html", "contracts/C-2025-0001.json",
                "projects/P-0001.json"]


def normalise(text: str) -> str:
    """Folium-style random element ids would make every build differ; name them by order."""
    seen: dict[str, str] = {}

    def repl(m: re.Match[str]) -> str:
        return seen.setdefault(m.group(0), f"ID{len(seen)}")

    return re.sub(r"[0-9a-f]{32}", repl, text)


def build_fixture(folder: Path) -> Path:
    export = write_export(folder / "export")
    return build(output=folder / "out", data=export, quiet=True).output


def snapshot(out: Path) -> dict[str, str]:
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    snap = {"FILES.txt": "\n".join(files) + "\n"}
    for page in PAGES + EXTRA_PAGES:
        if (out / page).is_file():
            snap[page] = normalise((out / page).read_text(encoding="utf-8"))
    return snap


def regenerate() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        snap = snapshot(build_fixture(Path(tmp)))
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for name, text in snap.items():
        path = GOLDEN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(snap)
