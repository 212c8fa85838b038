"""Project documents (issue 5) from export to page: each class of bad row refused with its file,
row and column; private rows dropped in ingest; the project page lists the public ones with a
relative link to a copy named by doc_id; nothing of a private document reaches output/; the
OC4IDS project carries them; the sample generator makes real PDFs."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from cb_allimi.pages import documents
from factory import EXPORT_DATE, ROWS, copy_rows, write_export
from PIL import Image
from test_ocds_export import PROJECT, errors

from clearbuild import config, urls
from clearbuild.build import build, settings_for
from clearbuild.ingest import load_dataset
from clearbuild.ocds.export import ExportOptions
from clearbuild.ocds.oc4ids import writers
from clearbuild.sample import generate
from clearbuild.sample.media import write_pdf

PRIVATE = [r for r in ROWS["project_documents"] if r["public"] != "true"]
PUBLIC = [r for r in ROWS["project_documents"] if r["public"] == "true"]


def load(folder: Path):
    return load_dataset(folder, config.region({}), frozenset(config.districts({})))


def one_bad(tmp_path: Path, **changes: str):
    rows = copy_rows()
    rows["project_documents"][0].update(changes)
    export = write_export(tmp_path / "e", rows)
    docs = export / "project_documents"
    (docs / "page.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (docs / "drawing.svg").write_text("<svg onload=alert(1)>", encoding="utf-8")
    (docs / "fake.pdf").write_text("<html><script>alert(1)</script></html>", encoding="utf-8")
    Image.new("RGB", (4, 4)).save(docs / "photo-really.png", "JPEG")  # a JPEG named .png
    return load(export)


@pytest.mark.parametrize("column,value,reason", [
    ("project_id", "P-404", "unknown projects id"),
    ("kind", "gossip", "not one of"),
    ("date", "2025-02-30", "not a date"),
    ("date", "05/03/2025", "not a date"),
    ("title", "", "required value missing"),
    ("file", "", "required value missing"),
    ("file", "project_documents/missing.pdf", "attached file missing"),
    ("file", "../export-sibling.pdf", "file path must be relative"),
    ("file", "/etc/passwd", "file path must be relative"),
    ("file", "project_documents/page.html", "attached file type not published"),
    ("file", "project_documents/drawing.svg", "attached file type not published"),
    ("file", "project_documents/fake.pdf", "file content is not what its name says"),
    ("file", "project_documents/photo-really.png", "file content is not what its name says"),
    ("public", "maybe", "not true/false"),
    ("doc_id", "../x", "id must be letters"),
])
def test_bad_document_refused_with_file_row_and_column(tmp_path, column, value, reason):
    ds = one_bad(tmp_path, **{column: value})
    problems = [p for p in ds.report if p.file == "project_documents.csv" and p.refused]
    assert any(p.column == column and p.row == 2 and reason in p.reason for p in problems), problems
    assert "PD-1" not in set(ds.tables["project_documents"]["doc_id"])
    assert "PD-2" in set(ds.tables["project_documents"]["doc_id"])  # the others stay


def test_a_duplicate_doc_id_is_refused(tmp_path):
    rows = copy_rows()
    rows["project_documents"][1]["doc_id"] = "PD-1"
    ds = load(write_export(tmp_path / "e", rows))
    assert any(p.row == 3 and p.column == "doc_id" and "duplicate" in p.reason for p in ds.report)


@pytest.mark.parametrize("name", ["scan.JPG", "scan.jpeg", "scan.webp", "report.PDF"])
def test_allowed_types_pass(tmp_path, name):
    rows = copy_rows()
    rows["project_documents"][0]["file"] = f"project_documents/{name}"
    export = write_export(tmp_path / "e", rows)
    target = export / "project_documents" / name
    if name.lower().endswith(".pdf"):
        write_pdf(target, ["ok"])
    else:
        Image.new("RGB", (4, 4)).save(target, "WEBP" if name.endswith("webp") else "JPEG")
    ds = load(export)
    assert [p for p in ds.report if p.file == "project_documents.csv"] == []
    assert "PD-1" in set(ds.tables["project_documents"]["doc_id"])


def test_private_documents_are_dropped_in_ingest(export):
    ds = load(export)
    assert sorted(ds.tables["project_documents"]["doc_id"]) == sorted(r["doc_id"] for r in PUBLIC)
    assert ds.withheld["project_documents"] == len(PRIVATE) == 1
    assert list(ds.tables["project_documents"].columns) == [
        "doc_id", "project_id", "date", "kind", "title", "file", "public"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("project-docs")
    export = write_export(base / "export")
    return build(output=base / "out", data=export, quiet=True,
                 overrides={"CB_REPORT_DIR": str(base / "reports")}).output


def _links(html: str) -> dict[str, str]:
    """doc_id -> href of the documents table's links."""
    section = html[html.index('id="documents"'):html.index("</section>", html.index('id="documents"'))]
    out = {}
    for row in section.split('<tr data-id="')[1:]:
        doc_id = row[:row.index('"')]
        out[doc_id] = row[row.index('href="') + 6:row.index('"', row.index('href="') + 6)] if "href=" in row else ""
    return out


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_project_page_lists_documents_with_working_relative_links(site, prefix):
    page = site / prefix / "projects/P-0001/index.html"
    html = page.read_text(encoding="utf-8")
    links = _links(html)
    assert list(links) == ["PD-1", "PD-2"]  # by date; the private PD-3 is not there
    for doc_id, href in links.items():
        assert not href.startswith(("/", "http")) and "index.html" not in href
        target = (page.parent / unquote(href)).resolve()
        assert target.is_file() and target.is_relative_to(site.resolve()), href
        assert target.name.startswith(doc_id + ".")  # named by doc_id, never the uploaded name
    export = site.parent / "export" / EXPORT_DATE
    assert (site / "media/project-documents/PD-1.pdf").read_bytes() == \
        (export / "project_documents/PD-1.pdf").read_bytes()
    with Image.open(site / "media/project-documents/PD-2.png") as published, \
            Image.open(export / "project_documents/설계변경 승인서 #1.png") as given:
        assert published.format == "PNG" and published.tobytes() == given.convert("RGB").tobytes()
    for r in PUBLIC:
        assert r["title"] in html
    if prefix:
        assert "Safety plan" in html and "Design change approval" in html and "PDF, " in html
    else:
        assert "안전관리계획서" in html and "설계변경 승인" in html
    assert not (site / "en/media").exists()


def test_a_project_without_documents_says_so(site):
    assert "아직 공개된 문서가 없습니다." in (site / "projects/P-0002/index.html").read_text(encoding="utf-8")


def test_only_the_listed_files_are_copied(site):
    copied = sorted(p.name for p in (site / "media/project-documents").iterdir())
    assert copied == ["PD-1.pdf", "PD-2.png"]
    assert not list(site.rglob("설계변경*"))


def test_nothing_of_a_private_document_reaches_output(site):
    export = site.parent / "export" / EXPORT_DATE
    needles = [r["title"].encode() for r in PRIVATE] + [b"PRIVATE-PROJDOC",
                                                         (export / PRIVATE[0]["file"]).read_bytes()]
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(files) > 50 and {p.suffix for p in files} >= {".html", ".pdf", ".png", ".json", ".csv"}
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, (needle[:40], path)
    assert not list(site.rglob("PD-3*"))


def test_document_files_never_leave_media_or_their_export(export):
    ds = load(export)
    docs = [{"doc_id": "PD-9", "date": "2025-01-01", "file": "../factory.py"},
            {"doc_id": "PD-1", "date": "2025-01-01", "file": "media/project-documents/PD-1.pdf"}]
    listed, files = documents(docs, ds.files)  # only files the gate checked are ever linked
    assert [(d["doc_id"], d["href"]) for d in listed] == [("PD-1", "media/project-documents/PD-1.pdf"),
                                                         ("PD-9", None)]
    assert list(files) == ["media/project-documents/PD-1.pdf"]
    assert files["media/project-documents/PD-1.pdf"].rel == "project_documents/PD-1.pdf"
    with pytest.raises(ValueError):
        urls.document_path("../PD-1", "a.pdf")
    with pytest.raises(ValueError):
        urls.document_path("PD-1", "a.p/df")
    assert urls.document_path("PD-1", "dir/설계 #1.PDF") == "media/project-documents/PD-1.pdf"


def _oc4ids(export: Path, site_url: str | None):
    settings = settings_for(overrides={"CB_DATA": str(export), "CB_ADMIN_DB": "",
                                       "CB_OCDS_SITE_URL": site_url})
    ds = load_dataset(export, config.region(settings), frozenset(config.districts(settings)))
    _, oc4ids = writers(ds, ExportOptions.from_settings(settings))
    return {p["id"]: p for p in oc4ids.projects()}


def test_oc4ids_project_carries_its_public_documents(export):
    projects = _oc4ids(export, "https://build.example.org/")
    p = projects["P-0001"]
    assert errors(PROJECT, p) == []
    assert p["documents"] == [
        {"id": "PD-1", "documentType": "riskProvisions", "title": "안전관리계획서",
         "datePublished": "2025-03-05T00:00:00+09:00",
         "url": "https://build.example.org/media/project-documents/PD-1.pdf", "format": "application/pdf"},
        {"id": "PD-2", "documentType": "contractSchedule", "title": "설계변경 승인서 (제1차)",
         "datePublished": "2025-07-25T00:00:00+09:00",
         "url": "https://build.example.org/media/project-documents/PD-2.png", "format": "image/png"},
    ]
    assert "documents" not in projects["P-0002"]
    assert "PRIVATE-PROJDOC" not in json.dumps(projects, ensure_ascii=False)
    # Without the site's address there is no absolute link to give: no url, still valid.
    bare = _oc4ids(export, None)["P-0001"]
    assert errors(PROJECT, bare) == [] and all("url" not in d for d in bare["documents"])
    broken = dict(p, documents=[{"title": "no id", "datePublished": 20250305}])
    assert len(errors(PROJECT, broken)) == 2  # the validator does look inside documents


def test_sample_documents_are_real_pdfs_of_started_projects(tmp_path):
    generate(tmp_path / "s", seed=7, projects=40, contracts=150, companies=80, apartments=6,
             apartment_documents=20)
    ds = load(tmp_path / "s")
    refused = [p for p in ds.report if p.file == "project_documents.csv"]
    assert refused == []
    docs = ds.records("project_documents")
    assert len(docs) >= 5 and ds.withheld["project_documents"] >= 1
    projects = ds.index("projects", "project_id")
    for d in docs:
        src = ds.files[d["file"]]
        assert d["file"] == f"media/project-documents/{d['doc_id']}.pdf"
        assert (Path(src.base) / src.rel).read_bytes().startswith(b"%PDF-1.4")
        p = projects[d["project_id"]]
        assert p["start_date"] and p["start_date"] <= d["date"] or d["kind"] == "safety_plan"
        if d["kind"] == "completion":
            assert p["status"] == "completed"
    assert {d["kind"] for d in docs} >= {"safety_plan", "completion"}
    size = sum(f.stat().st_size for f in (tmp_path / "s" / "project_documents").iterdir())
    assert size < 200_000
