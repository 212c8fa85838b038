"""Project documents entered with `python -m admin ... document add`: type and content checked,
images rebuilt without their metadata, PDFs kept exactly (and said so), approved by someone
else, corrected by a new entry, exported as project_documents.csv plus the files, verified; and a
database made before documents existed is upgraded on open without breaking its audit chain."""

from __future__ import annotations

import csv
import hashlib
import sqlite3

import pytest
from admin_support import PASS, actor, context, forge_insert, fresh_db, make_export
from PIL import ExifTags, Image
from test_admin_photos import SECRET, assert_clean, phone_photo

from admin import audit, cli, db, documents, entries
from admin.export import export, export_tables
from admin.photos import storage_dir
from admin.users import AuthError
from admin.validate import ValidationError
from clearbuild.sample.media import write_pdf
from clearbuild.schema import TABLES

SUP, SUP2, INSP = actor("supervisor"), actor("supervisor", 2), actor("inspector")


@pytest.fixture
def setup(tmp_path):
    path = fresh_db(tmp_path / "a.db")
    ctx = context(make_export(tmp_path / "export"))
    conn = db.connect(path)

    def add(who, file, note="", corrects=None, **values):
        values = {"project_id": "P-1", "date": "2025-03-01", "kind": "inspection_report",
                  "title": "3월 검측 보고서", "file": str(file), **values}
        return entries.add(conn, who, "document", values, ctx, note=note, corrects=corrects,
                           photo_dir=storage_dir(path), document_dir=documents.storage_dir(path))

    return path, conn, add, tmp_path


def pdf(path, text="report"):
    write_pdf(path, [text])
    return path


def audit_rows(conn):
    return conn.execute("SELECT count(*) FROM audit").fetchone()[0]


def read(folder, name):
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_exif_gps_and_camera_data_removed_from_an_image_document(setup):
    path, conn, add, tmp = setup
    src = phone_photo(tmp / "scan.jpg")
    eid = add(SUP, src, kind="completion", title="준공검사 조서 (스캔)")
    stored = documents.storage_dir(path) / entries.get(conn, eid).fields["file"]
    assert stored.suffix == ".jpg"
    assert_clean(stored)
    entries.decide(conn, INSP, eid, approve=True)
    export(path, tmp / "out")
    published = tmp / "out" / "project_documents" / f"ADM-{eid}.jpg"
    assert_clean(published)
    with Image.open(published) as im:
        assert im.size == (32, 64)  # turned upright by the orientation tag, then the tag dropped


def test_png_and_webp_scans_lose_their_text_chunks(setup):
    path, conn, add, tmp = setup
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", SECRET.decode())
    Image.new("L", (10, 10), 200).save(tmp / "scan.png", pnginfo=info)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = SECRET.decode()
    Image.new("RGB", (10, 10), "white").save(tmp / "scan.webp", exif=exif.tobytes())
    for name in ("scan.png", "scan.webp"):
        assert SECRET in (tmp / name).read_bytes()
        eid = add(SUP, tmp / name, title=name)
        stored = documents.storage_dir(path) / entries.get(conn, eid).fields["file"]
        assert stored.suffix == ".png" and SECRET not in stored.read_bytes()
        with Image.open(stored) as im:
            assert im.format == "PNG" and not set(im.info) - {"dpi"}


def test_a_pdf_is_kept_byte_for_byte(setup):
    path, conn, add, tmp = setup
    src = pdf(tmp / "report.pdf")
    eid = add(SUP, src)
    stored = documents.storage_dir(path) / entries.get(conn, eid).fields["file"]
    assert stored.read_bytes() == src.read_bytes()  # not rewritten: docs/admin.md says so
    assert entries.get(conn, eid).fields["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()


@pytest.mark.parametrize("content,reason", [
    ("<html><script>alert(1)</script></html>", "is not a PDF (it does not start with %PDF-)"),
    ("MZ\x90\x00 a program", "is not a PDF"),
    (None, "is not a whole PDF (no %%EOF"),
])
def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(setup, content, reason):
    path, conn, add, tmp = setup
    src = tmp / "report.pdf"
    if content is None:
        data = pdf(tmp / "whole.pdf").read_bytes()
        src.write_bytes(data[: len(data) // 2])  # cut off mid-download
    else:
        src.write_text(content, encoding="latin-1")
    before = audit_rows(conn)
    with pytest.raises(ValidationError, match="file: report.pdf " + reason.replace("(", r"\(").replace(")", r"\)")):
        add(SUP, src)
    assert audit_rows(conn) == before
    assert not documents.storage_dir(path).exists() or not any(documents.storage_dir(path).iterdir())


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "macro.docm", "noext"])
def test_types_a_browser_could_run_are_refused(setup, name):
    path, conn, add, tmp = setup
    (tmp / name).write_text("<svg onload=alert(1)>", encoding="utf-8")
    with pytest.raises(ValidationError, match="type not accepted"):
        add(SUP, tmp / name)
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0


def test_command_line_errors_are_one_line_naming_the_flag(setup, monkeypatch, capsys):
    path, conn, _, tmp = setup
    monkeypatch.setenv("ADMIN_PASSPHRASE", PASS)
    good = pdf(tmp / "ok.pdf")
    (tmp / "fake.pdf").write_text("<html></html>", encoding="utf-8")
    base = ["--db", str(path), "--export", str(tmp / "export"), "--as", "supervisor1", "document", "add"]
    cases = [
        (["P-1", "--file", str(tmp / "fake.pdf"), "--date", "2025-03-01", "--kind", "minutes", "--title", "t"],
         "error: --file: fake.pdf is not a PDF"),
        (["P-1", "--file", str(tmp / "missing.pdf"), "--date", "2025-03-01", "--kind", "minutes", "--title", "t"],
         "error: --file: "),
        (["P-1", "--file", str(good), "--date", "2025-03-01", "--kind", "gossip", "--title", "t"],
         "error: --kind: 'gossip' is not one of inspection_report"),
        (["P-1", "--file", str(good), "--date", "2999-01-01", "--kind", "minutes", "--title", "t"],
         "error: --date: 2999-01-01 is in the future"),
        (["P-1", "--file", str(good), "--date", "2025-02-30", "--kind", "minutes", "--title", "t"],
         "error: --date: '2025-02-30' is not a date"),
        (["P-404", "--file", str(good), "--date", "2025-03-01", "--kind", "minutes", "--title", "t"],
         "error: PROJECT_ID: 'P-404' is not a project"),
        (["P-1", "--file", str(good), "--date", "2025-03-01", "--kind", "minutes", "--title", "x" * 301],
         "error: --title: too long"),
    ]
    for args, message in cases:
        assert cli.main(base + args) == 1
        err = capsys.readouterr().err
        assert err.startswith(message) and err.count("\n") == 1, err
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    assert cli.main(base + ["P-1", "--file", str(good), "--date", "2025-03-01", "--kind", "minutes",
                            "--title", "공정회의 회의록"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("note: a PDF is published exactly as given")
    assert out[-1] == "entry 1"


def test_approved_by_someone_else_then_exported_with_only_public_columns(setup):
    path, conn, add, tmp = setup
    first = add(SUP, pdf(tmp / "a.pdf", "first"), title="안전관리계획서", kind="safety_plan",
                date="2025-01-10")
    pending = add(SUP, pdf(tmp / "b.pdf", "pending"), title="PENDING-DOC 검토 중")
    rejected = add(SUP, pdf(tmp / "c.pdf", "rejected"), title="REJECTED-DOC 다른 현장")
    with pytest.raises(AuthError, match=f"entry {first} was entered by you"):
        entries.decide(conn, SUP, first, approve=True)
    with pytest.raises(AuthError, match="may not approve or reject document entries"):
        entries.decide(conn, actor("finance"), first, approve=True)
    entries.decide(conn, INSP, first, approve=True)
    entries.decide(conn, SUP2, rejected, approve=False, note="another site's paper")
    counts = export(path, tmp / "out")
    assert counts["project_documents"] == 1
    rows = read(tmp / "out", "project_documents")
    assert rows[0] == TABLES["project_documents"].public_columns
    assert rows[1:] == [[f"ADM-{first}", "P-1", "2025-01-10", "safety_plan", "안전관리계획서",
                         f"project_documents/ADM-{first}.pdf", "true"]]
    files = sorted(p.name for p in (tmp / "out" / "project_documents").iterdir())
    assert files == [f"ADM-{first}.pdf"]
    assert (tmp / "out" / "project_documents" / files[0]).read_bytes() == (tmp / "a.pdf").read_bytes()
    everything = b"".join(p.read_bytes() for p in (tmp / "out").rglob("*") if p.is_file())
    for hidden in ("PENDING-DOC", "REJECTED-DOC", "pending", "rejected"):
        assert hidden.encode() not in everything
    assert pending not in (first, rejected)


def test_a_correction_replaces_title_and_file_under_the_same_id(setup):
    path, conn, add, tmp = setup
    old = add(SUP, pdf(tmp / "a.pdf", "draft"), title="설계변경 승인서 (초안)", kind="design_change")
    entries.decide(conn, INSP, old, approve=True)
    with pytest.raises(ValidationError, match="note: a correction needs a note"):
        add(SUP2, pdf(tmp / "b.pdf", "signed"), corrects=old, title="설계변경 승인서", kind="design_change")
    fix = add(SUP2, pdf(tmp / "b.pdf", "signed"), note="the signed copy, not the draft", corrects=old,
              title="설계변경 승인서", kind="design_change")
    assert [r["title"] for r in export_tables(path)["project_documents"]] == ["설계변경 승인서 (초안)"]
    entries.decide(conn, SUP, fix, approve=True)
    [row] = export_tables(path)["project_documents"]
    assert (row["doc_id"], row["title"]) == (f"ADM-{old}", "설계변경 승인서")
    export(path, tmp / "out")
    assert (tmp / "out" / "project_documents" / f"ADM-{old}.pdf").read_bytes() == (tmp / "b.pdf").read_bytes()
    assert entries.get(conn, old).fields["title"] == "설계변경 승인서 (초안)"  # kept, not edited


def test_verify_and_export_catch_a_changed_document_file(setup, capsys):
    path, conn, add, tmp = setup
    eid = add(SUP, pdf(tmp / "a.pdf"))
    entries.decide(conn, INSP, eid, approve=True)
    assert cli.main(["--db", str(path), "verify"]) == 0
    assert "photos and documents intact" in capsys.readouterr().out
    stored = documents.storage_dir(path) / entries.get(conn, eid).fields["file"]
    stored.write_bytes(stored.read_bytes().replace(b"report", b"REPORT"))
    assert cli.main(["--db", str(path), "verify"]) == 3
    assert f"BROKEN: document of entry {eid}: {stored} was changed after it was stored" \
        in capsys.readouterr().out
    with pytest.raises(Exception, match="fails verify"):
        export(path, tmp / "out")


def version_1(path):
    """A database as the first release made it: the entries table knew no documents."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    old = db.SCHEMA.replace("'photo', 'document', 'claim',", "'photo', 'claim',")
    old = old.replace(",\n    pubkey TEXT,\n    enc_key TEXT", "").replace(",\n    sig TEXT", "")
    assert old != db.SCHEMA and "pubkey" not in old and "sig TEXT" not in old
    conn.execute("BEGIN")
    for stmt in old.split(";"):
        if stmt.strip():
            conn.execute(stmt)
    for _, sql in db.trigger_sql():
        conn.execute(sql)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.close()


def test_a_version_1_database_is_upgraded_on_open_and_stays_verifiable(tmp_path):
    """1 -> 2 -> 3. The rows written before signatures stay, verified by the chain, reported as
    unsigned and never published; keys come from the first admin (root) and passphrase resets."""
    from admin import users

    path = tmp_path / "old.db"
    version_1(path)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("BEGIN IMMEDIATE")  # the log and tables as version 1 wrote them: unsigned
    for name, role in (("admin1", "admin"), ("supervisor1", "supervisor"), ("inspector1", "inspector")):
        forge_insert(raw, "admin1", "user.add", "users", {
            "name": name, "role": role, "passhash": users._hasher.hash(PASS), "active": 1,
            "created_at": audit.now(), "created_by": "admin1"})
    forge_insert(raw, "supervisor1", "add.progress", "entries", {
        "kind": "progress", "project_id": "P-1", "corrects": None, "claim_id": None,
        "fields": audit.canonical({"date": "2025-01-31", "planned_pct": 10.0, "actual_pct": 9.0}),
        "note": "", "author": "supervisor1", "created_at": audit.now()})
    forge_insert(raw, "inspector1", "approve", "decisions", {
        "entry_id": 1, "decision": "approved", "by_user": "inspector1", "at": audit.now(), "note": ""})
    raw.execute("COMMIT")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint"):
        raw.execute("INSERT INTO entries (kind, project_id, fields, author, created_at) "
                    "VALUES ('document', 'P-1', '{}', 'supervisor1', 'x')")
    raw.close()

    conn = db.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
    result = audit.check(conn)
    assert result.problems == []
    assert result.warnings == ["5 audit rows are unsigned, pre-v3 (written before signatures): their "
                               "entries and decisions are not published"]
    assert [r[0] for r in conn.execute("SELECT action FROM audit ORDER BY seq DESC LIMIT 2")] == \
        ["schema.upgrade", "schema.upgrade"]
    assert entries.get(conn, 1).fields["actual_pct"] == 9.0
    assert export_tables(path)["progress"] == []  # approved, but unsigned: not published
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):  # triggers still guard entries
        conn.execute("UPDATE entries SET note = 'x' WHERE id = 1")
    # Keys: nobody but the first admin can make their own; the admin resets the others, who then
    # change their passphrase themselves (which closes the window verify warns about).
    with pytest.raises(users.AuthError, match="has no signing key yet"):
        users.login(conn, "supervisor1", PASS)
    admin = users.login(conn, "admin1", PASS)
    for name in ("supervisor1", "inspector1"):
        users.set_passphrase(conn, admin, name, "temporary passphrase")
        users.set_passphrase(conn, users.login(conn, name, "temporary passphrase"), name, PASS)
    sup, insp = users.login(conn, "supervisor1", PASS), users.login(conn, "inspector1", PASS)
    ctx = context(make_export(tmp_path / "export"))
    write_pdf(tmp_path / "a.pdf", ["a"])
    eid = entries.add(conn, sup, "document", {"project_id": "P-1", "date": "2025-02-01", "kind": "minutes",
                                              "title": "회의록", "file": str(tmp_path / "a.pdf")}, ctx,
                      document_dir=documents.storage_dir(path))
    entries.decide(conn, insp, eid, approve=True)
    result = audit.check(conn)
    assert result.problems == [] and len(result.warnings) == 1  # the unsigned rows, no reset
    assert result.replay.root == users.login(conn, "admin1", PASS).key.public_key().public_bytes_raw().hex()
    assert [r["title"] for r in export_tables(path)["project_documents"]] == ["회의록"]
    conn.close()
    assert db.connect(path).execute("SELECT count(*) FROM audit WHERE action = 'schema.upgrade'"
                                    ).fetchone()[0] == db.SCHEMA_VERSION - 1  # once each, only


def test_an_upgrade_keeps_a_dropped_trigger_dropped(tmp_path):
    """Someone who dropped the triggers of a version 1 file must not be covered by the upgrade."""
    path = tmp_path / "old.db"
    version_1(path)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("DROP TRIGGER entries_no_update")
    raw.close()
    problems, _, _ = audit.verify(db.connect(path))
    assert any("trigger entries_no_update is missing" in p for p in problems)


def test_an_approved_document_reaches_the_project_page(tmp_path):
    from factory import write_export

    from clearbuild.build import build

    export = write_export(tmp_path / "export")
    path = fresh_db(tmp_path / "a.db")
    conn = db.connect(path)
    ctx = context(export)

    def add(title, file):
        return entries.add(conn, SUP, "document", {"project_id": "P-0001", "date": "2025-09-01",
                                                   "kind": "inspection_report", "title": title,
                                                   "file": str(file)}, ctx,
                           document_dir=documents.storage_dir(path))

    shown = add("9월 감리 검측 보고서", pdf(tmp_path / "sept.pdf", "september"))
    entries.decide(conn, INSP, shown, approve=True)
    add("PENDING-ADMIN-DOC 미승인", pdf(tmp_path / "draft.pdf", "draft"))
    conn.close()
    out = build(output=tmp_path / "out", data=export, quiet=True,
                overrides={"CB_ADMIN_DB": str(path), "CB_REPORT_DIR": str(tmp_path / "reports")}).output
    html = (out / "projects/P-0001/index.html").read_text(encoding="utf-8")
    assert f'<a href="../../media/project-documents/ADM-{shown}.pdf">9월 감리 검측 보고서</a>' in html
    assert (out / f"media/project-documents/ADM-{shown}.pdf").read_bytes() == (tmp_path / "sept.pdf").read_bytes()
    assert not any(b"PENDING-ADMIN-DOC" in p.read_bytes() for p in out.rglob("*") if p.is_file())
