"""Security, classes 1 and 8 (docs/security.md, "Files an export names"): every file an export
names passes one gate before it is copied, and is published as the site means it, not as given.

Each test builds a poisoned copy of the tiny fixture export and asserts what the public site
contains, byte for byte where it can: a refused row is named with its file, row and column in the
quality report, reaches no output file, and leaves nothing half-written behind.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from factory import EXPORT_DATE, copy_rows, write_export
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from clearbuild import config, filegate
from clearbuild.build import build
from clearbuild.filegate import images
from clearbuild.ingest import load_dataset
from clearbuild.publish import manifest
from clearbuild.sample.media import write_pdf

KEY_BYTES = b"-----BEGIN PRIVATE KEY-----\nKEY-SECRET-QZX-MC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----\n"
SECRET_PDF_TEXT = "SECRET-OUTSIDE-PDF-QZX"
Rows = dict[str, list[dict[str, str]]]


def make_site(tmp_path: Path, rows: Rows, poison: Callable[[Path], None],
              overrides: dict | None = None) -> tuple[Path, list[dict[str, str]]]:
    """Build the poisoned export; (output folder, quality report rows)."""
    export = write_export(tmp_path / "export", rows)
    (export / "documents").mkdir(exist_ok=True)
    poison(export)
    reports = tmp_path / "reports"
    out = build(output=tmp_path / "out", data=export, quiet=True,
                overrides={"CB_REPORT_DIR": str(reports), **(overrides or {})}).output
    with open(reports / "quality.csv", encoding="utf-8") as f:
        return out, list(csv.DictReader(f))


def output_files(out: Path) -> list[Path]:
    files = [p for p in out.rglob("*") if p.is_file() or p.is_symlink()]
    assert len(files) > 50
    return files


def assert_nowhere(out: Path, *needles: bytes) -> None:
    for path in output_files(out):
        assert not path.is_symlink(), path
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, (needle[:40], path)


def assert_nothing_half_written(out: Path) -> None:
    assert not [p for p in out.rglob("*") if ".part" in p.name]


def refused(report: list[dict[str, str]], file: str, row: int, column: str, reason: str) -> dict[str, str]:
    hits = [r for r in report if r["file"] == file and r["row"] == str(row) and r["column"] == column
            and reason in r["reason"] and r["refused"] == "True"]
    assert hits, report
    return hits[0]


def signed_manifest(out: Path) -> dict:
    return manifest.write(out, Ed25519PrivateKey.generate(), "0" * 64, "export")


def with_attachment(file: str) -> Rows:
    rows = copy_rows()
    rows["apartment_documents"][0]["file"] = file  # D-1, public, line 2
    return rows


# (a) A link to a file outside the export: the signing key, or another file of the machine.

def test_links_to_files_outside_the_export_are_refused(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "publish-ed25519.pem").write_bytes(KEY_BYTES)
    write_pdf(keys / "secret.pdf", [SECRET_PDF_TEXT])
    Image.new("RGB", (5, 5), (1, 2, 3)).save(keys / "secret.jpg", "JPEG")

    def poison(export: Path) -> None:
        # the link of the issue: relative, climbing out of the export to the signing key
        (export / "documents/minutes.txt").symlink_to("../../keys/publish-ed25519.pem")
        (export / "photos/PH-1.jpg").unlink()
        (export / "photos/PH-1.jpg").symlink_to(keys / "secret.jpg")
        (export / "project_documents/PD-1.pdf").unlink()
        (export / "project_documents/PD-1.pdf").symlink_to(keys / "secret.pdf")

    out, report = make_site(tmp_path, with_attachment("documents/minutes.txt"), poison)
    for file, column in (("apartment_documents.csv", "file"), ("photos.csv", "file"),
                         ("project_documents.csv", "file")):
        refused(report, file, 2, column, "symbolic link")
    assert not (out / "media/apartment-documents").exists()
    assert not (out / "media/photos").exists()
    assert sorted(p.name for p in (out / "media/project-documents").iterdir()) == ["PD-2.png"]
    assert not (out / "apartments/documents/D-1/index.html").exists()
    assert_nowhere(out, KEY_BYTES, b"KEY-SECRET-QZX", SECRET_PDF_TEXT.encode(), b"publish-ed25519",
                   (keys / "secret.jpg").read_bytes())
    listed = signed_manifest(out)["files"]
    key_sha = hashlib.sha256(KEY_BYTES).hexdigest()
    assert all(f["sha256"] != key_sha and not f["path"].startswith("media/apartment") for f in listed)
    assert_nothing_half_written(out)


# (b) No links at all: one pointing inside the export, or a linked folder, is refused too.

def test_links_inside_the_export_are_refused(tmp_path):
    def poison(export: Path) -> None:
        (export / "documents/copy.pdf").symlink_to("../project_documents/PD-1.pdf")
        (export / "linked").symlink_to("project_documents", target_is_directory=True)

    rows = with_attachment("documents/copy.pdf")
    rows["project_documents"][1]["file"] = "linked/PD-1.pdf"  # PD-2, line 3, through a folder link
    out, report = make_site(tmp_path, rows, poison)
    refused(report, "apartment_documents.csv", 2, "file", "symbolic link")
    refused(report, "project_documents.csv", 3, "file", "symbolic link")
    assert not (out / "media/apartment-documents").exists()
    assert sorted(p.name for p in (out / "media/project-documents").iterdir()) == ["PD-1.pdf"]
    assert_nothing_half_written(out)


# (c) A path that climbs out with "..", or starts at the root.

@pytest.mark.parametrize("file", ["documents/../../outside.txt", "../outside.txt", "/tmp/outside.txt",
                                  "documents\\..\\..\\outside.txt", "documents/./x.txt"])
def test_paths_that_leave_the_export_are_refused(tmp_path, file):
    (tmp_path / "outside.txt").write_bytes(b"OUTSIDE-FILE-QZX\n")
    out, report = make_site(tmp_path, with_attachment(file), lambda e: None)
    refused(report, "apartment_documents.csv", 2, "file", "file path must be relative")
    assert_nowhere(out, b"OUTSIDE-FILE-QZX")
    assert not (out / "media/apartment-documents").exists()


# (d) A Windows executable named .pdf.

def test_an_executable_named_pdf_is_refused(tmp_path):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"EXE-BODY-QZX" + bytes(200)

    def poison(export: Path) -> None:
        (export / "documents/setup.pdf").write_bytes(exe)
        (export / "project_documents/PD-1.pdf").write_bytes(exe)

    out, report = make_site(tmp_path, with_attachment("documents/setup.pdf"), poison)
    refused(report, "apartment_documents.csv", 2, "file", "not what its name says")
    refused(report, "project_documents.csv", 2, "file", "not what its name says")
    assert_nowhere(out, b"EXE-BODY-QZX", b"MZ\x90\x00\x03")


# (e) A file over CB_MAX_ATTACHMENT_BYTES.

def test_an_oversize_file_is_refused(tmp_path):
    def poison(export: Path) -> None:
        write_pdf(export / "documents/big.pdf", [f"BIG-FILE-QZX line {i}" for i in range(60)])

    out, report = make_site(tmp_path, with_attachment("documents/big.pdf"), poison,
                            overrides={"CB_MAX_ATTACHMENT_BYTES": 1500})
    row = refused(report, "apartment_documents.csv", 2, "file", "over the limit of 1,500")
    assert "CB_MAX_ATTACHMENT_BYTES" in row["reason"]
    assert_nowhere(out, b"BIG-FILE-QZX")
    # the small files of the fixture are published as usual
    assert (out / "media/project-documents/PD-1.pdf").is_file() and (out / "media/photos/PH-1.jpg").is_file()
    assert config.DEFAULTS["CB_MAX_ATTACHMENT_BYTES"] == 50 * 1024 * 1024


# (f) A PDF that runs JavaScript when opened (a real one, made with pypdf).

def js_pdf(path: Path, how: str) -> bytes:
    """A real PDF that runs JavaScript when opened: an /OpenAction of the catalog, or a script
    in the document-level JavaScript name tree (pypdf's add_open_action)."""
    w = PdfWriter()
    w.add_blank_page(200, 200)
    if how == "names":
        w.add_open_action(JavaScript("app.alert('PDF-JS-QZX');"))
    else:
        w._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('PDF-JS-QZX');")})
    w.write(path)
    return path.read_bytes()


@pytest.mark.parametrize("how,key", [("openaction", "/OpenAction"), ("names", "/JavaScript")])
def test_a_pdf_with_javascript_is_refused(tmp_path, how, key):
    made: list[bytes] = []

    def poison(export: Path) -> None:
        made.append(js_pdf(export / "documents/notice.pdf", how))
        made.append(js_pdf(export / "project_documents/PD-1.pdf", how))

    out, report = make_site(tmp_path, with_attachment("documents/notice.pdf"), poison)
    for file in ("apartment_documents.csv", "project_documents.csv"):
        row = refused(report, file, 2, "file", "PDF with active content")
        assert key in row["reason"] or "/JS" in row["reason"], row
    assert_nowhere(out, *made)
    assert not (out / "media/project-documents/PD-1.pdf").exists()
    assert not (out / "media/apartment-documents").exists()


def test_pdf_names_are_read_as_pdf_reads_them(tmp_path):
    """``/#4Fpen#41ction`` is /OpenAction to a reader; a byte search would not see it."""
    path = tmp_path / "x.pdf"
    write_pdf(path, ["hidden action"])
    data = path.read_bytes().replace(b"<< /Type /Catalog /Pages 2 0 R >>",
                                     b"<< /Type /Catalog /Pages 2 0 R /#4Fpen#41ction [3 0 R /Fit] >>")
    assert b"/OpenAction" not in data
    with pytest.raises(filegate.FileRefused, match="/OpenAction"):
        filegate.content.publishable(data, ".pdf")
    assert filegate.content.publishable(path.read_bytes(), ".pdf") == path.read_bytes()


# (g) Office files with macros.

def office(path: Path, *members: str) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"/>')
        for m in members:
            z.writestr(m, b"MACRO-QZX " + bytes(64))


@pytest.mark.parametrize("name,member,reason", [
    ("budget.xlsm", "xl/vbaProject.bin", "macro-enabled Office file"),
    ("letter.docm", "word/vbaProject.bin", "macro-enabled Office file"),
    ("budget.xlsx", "xl/vbaProject.bin", "macros"),  # renamed to look harmless
    ("letter.docx", "word/vbaProject.bin", "macros"),
    ("minutes.doc", "", "binary Office/HWP file (OLE2)"),
    ("minutes.hwp", "", "binary Office/HWP file (OLE2)"),
])
def test_office_files_with_macros_are_refused(tmp_path, name, member, reason):
    def poison(export: Path) -> None:
        if member:
            office(export / "documents" / name, "word/document.xml", member)
        else:
            (export / "documents" / name).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1MACRO-QZX")

    out, report = make_site(tmp_path, with_attachment(f"documents/{name}"), poison)
    refused(report, "apartment_documents.csv", 2, "file", reason)
    assert_nowhere(out, b"MACRO-QZX")
    assert not (out / "media/apartment-documents").exists()


def test_office_files_without_macros_are_published(tmp_path):
    def poison(export: Path) -> None:
        office(export / "documents/budget.xlsx", "xl/workbook.xml")

    out, report = make_site(tmp_path, with_attachment("documents/budget.xlsx"), poison)
    assert [r for r in report if r["refused"] == "True"] == []
    assert (out / "media/apartment-documents/D-1.xlsx").read_bytes() == \
        (tmp_path / "export" / EXPORT_DATE / "documents/budget.xlsx").read_bytes()


# (h) Photos keep no EXIF: no GPS position, no camera model.

def exif_jpeg(path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "CAMERA-MAKE-QZX"
    exif[0x0110] = "CAMERA-MODEL-QZX"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 40.0), 18: "GPS-DATUM-QZX"})
    Image.new("RGB", (16, 12), (90, 140, 30)).save(path, "JPEG", exif=exif.tobytes(), quality=95)


def test_photos_are_rebuilt_from_their_pixels(tmp_path):
    def poison(export: Path) -> None:
        exif_jpeg(export / "photos/PH-1.jpg")
        exif_jpeg(export / "documents/scan.jpg")

    out, report = make_site(tmp_path, with_attachment("documents/scan.jpg"), poison)
    assert [r for r in report if r["refused"] == "True"] == []
    source = (tmp_path / "export" / EXPORT_DATE / "photos/PH-1.jpg").read_bytes()
    assert b"CAMERA-MODEL-QZX" in source and b"GPS-DATUM-QZX" in source  # the test is a real one
    for published in (out / "media/photos/PH-1.jpg", out / "media/apartment-documents/D-1.jpg"):
        data = published.read_bytes()
        assert data == images.clean(source, ".jpg")  # deterministic: the pixels, encoded once
        with Image.open(published) as im:
            assert im.format == "JPEG" and im.size == (16, 12)
            assert not im.getexif() and "exif" not in im.info
        assert b"Exif" not in data
    assert_nowhere(out, b"CAMERA-MODEL-QZX", b"CAMERA-MAKE-QZX", b"GPS-DATUM-QZX")


# (i) A file named after a person is published under its record id.

def test_attachments_are_published_under_their_record_id(tmp_path):
    name = "김철수_회의록.pdf"

    def poison(export: Path) -> None:
        write_pdf(export / "documents" / name, ["council minutes"])

    out, report = make_site(tmp_path, with_attachment(f"documents/{name}"), poison)
    assert [r for r in report if r["refused"] == "True"] == []
    assert (out / "media/apartment-documents/D-1.pdf").read_bytes() == \
        (tmp_path / "export" / EXPORT_DATE / "documents" / name).read_bytes()
    page = (out / "apartments/documents/D-1/index.html").read_text(encoding="utf-8")
    assert 'href="../../../media/apartment-documents/D-1.pdf"' in page
    with open(out / "data/apartment_documents.csv", encoding="utf-8-sig") as f:
        assert [r["file"] for r in csv.DictReader(f)] == ["media/apartment-documents/D-1.pdf"]
    person = "김철수"
    assert_nowhere(out, person.encode(), quote(person).encode(), quote(person).lower().encode(),
                   json.dumps(person).strip('"').encode())


# Belt and braces: the copy step re-checks, and a refused file leaves nothing half-written.

def test_the_copy_step_rechecks_what_ingest_checked(export, tmp_path):
    ds = load_dataset(export, config.region({}), frozenset(config.districts({})))
    checked = ds.files["media/project-documents/PD-1.pdf"]
    out = tmp_path / "out"
    assert filegate.publish(checked, out) == (export / "project_documents/PD-1.pdf").stat().st_size
    (out / "media/project-documents/PD-1.pdf").unlink()
    secret = tmp_path / "secret.pdf"
    write_pdf(secret, [SECRET_PDF_TEXT])
    source = export / "project_documents/PD-1.pdf"
    source.unlink()
    source.symlink_to(secret)  # swapped in after ingest checked it
    with pytest.raises(filegate.FileRefused, match="symbolic link"):
        filegate.publish(checked, out)
    source.unlink()
    write_pdf(source, ["PD-1 rewritten after the check"])  # a regular file, other bytes
    with pytest.raises(filegate.FileRefused, match="changed after it was checked"):
        filegate.publish(checked, out)
    assert list((out / "media/project-documents").iterdir()) == []


def test_a_fifo_or_folder_is_refused_without_blocking(tmp_path):
    base = tmp_path / "e"
    (base / "documents/dir.pdf").mkdir(parents=True)
    os.mkfifo(base / "documents/pipe.pdf")
    for rel in ("documents/dir.pdf", "documents/pipe.pdf"):
        with pytest.raises(filegate.FileRefused, match="not a regular file"):
            filegate.check(base, rel, "media/apartment-documents/D-1.pdf")
    with pytest.raises(filegate.FileRefused, match="missing"):
        filegate.check(base, "documents/none.pdf", "media/apartment-documents/D-1.pdf")


def test_images_are_rebuilt_deterministically():
    buf = io.BytesIO()
    Image.new("RGBA", (7, 5), (10, 20, 30, 128)).save(buf, "PNG")
    once = images.clean(buf.getvalue(), ".png")
    assert once == images.clean(buf.getvalue(), ".png") and once.startswith(b"\x89PNG")
