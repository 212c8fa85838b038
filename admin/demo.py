"""A demo admin database for the bundled sample: a few approved entries on one project, so the
demo site shows admin-entered progress, an inspection, a design change, a photo, two
supervision documents (a PDF report and a scanned approval) and the payments section (an
overdue wage claim among them). Built through the command line, exactly
as officials would type it: `python -m admin.demo [DB]` (or `invoke sample`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PIL import Image

from clearbuild.sample.media import write_pdf

from .cli import main

PROJECT = "P-00031"
PAYEE = "2205675626"  # the project's subcontractor in the demo export (data/sample/2026-11-20)
USERS = [("kim", "supervisor"), ("lee", "inspector"), ("hanbit", "contractor"), ("park", "finance"),
         ("choi", "finance")]
PASS = "demo-passphrase-not-secret"
EXPORT = "data/sample/2026-11-20"


def run(db: str, actor: str | None, *args: str) -> str:
    """Run one admin command; returns the id printed as the last word (for `add`)."""
    import contextlib
    import io

    os.environ["ADMIN_PASSPHRASE"] = PASS
    os.environ["NEW_PASSPHRASE"] = PASS
    out = io.StringIO()
    argv = ["--db", db, "--export", EXPORT] + (["--as", actor] if actor else []) + list(args)
    with contextlib.redirect_stdout(out):
        code = main(argv)
    if code:
        raise SystemExit(f"admin {' '.join(args)} failed ({code})")
    text = out.getvalue().split()
    return text[-1] if text else ""


def build(db: str | Path, export: str | Path = EXPORT) -> Path:
    db = Path(db)
    if db.exists():
        db.unlink()
    db.parent.mkdir(parents=True, exist_ok=True)
    global EXPORT
    EXPORT = str(export)
    d = str(db)
    run(d, None, "init", "--admin", "chief")
    for name, role in USERS:
        run(d, "chief", "user", "add", name, "--role", role)
    photo = db.parent / "demo-photo.jpg"
    Image.new("RGB", (64, 48), (90, 140, 90)).save(photo, "JPEG")
    report, scan = db.parent / "demo-report.pdf", db.parent / "demo-scan.png"
    write_pdf(report, [f"{PROJECT} inspection report 2026-11", "clearbuild demo document"])
    Image.new("L", (120, 160), 235).save(scan, "PNG")
    entries = [
        ("kim", "lee", ["progress", "add", PROJECT, "--date", "2026-11-13", "--planned", "66.0",
                        "--actual", "64.4"]),
        ("lee", "kim", ["inspection", "add", PROJECT, "--date", "2026-11-18", "--kind", "safety",
                        "--result", "conditional", "--findings", "가설 울타리 일부 파손, 보수 지시"]),
        ("kim", "park", ["change", "add", PROJECT, "--date", "2026-10-02", "--reason",
                         "지하 매설물 이설에 따른 관로 경로 변경", "--before", "3000000000",
                         "--after", "3240000000", "--days", "30"]),
        ("kim", "lee", ["photo", "add", PROJECT, "--file", str(photo), "--date", "2026-11-18",
                        "--caption", "안전 점검 후 가설 울타리 보수"]),
        ("kim", "lee", ["document", "add", PROJECT, "--file", str(report), "--date", "2026-11-19",
                        "--kind", "inspection_report", "--title", "2026년 11월 감리 검측 보고서"]),
        ("kim", "lee", ["document", "add", PROJECT, "--file", str(scan), "--date", "2026-10-02",
                        "--kind", "design_change", "--title", "설계변경 승인서 (관로 경로 변경)"]),
    ]
    for author, approver, args in entries:
        run(d, approver, "approve", run(d, author, *args))
    wages = run(d, "hanbit", "claim", "add", PROJECT, "--kind", "wages", "--date", "2026-10-01",
                "--amount", "48000000", "--payer", "시공사")
    run(d, "kim", "approve", wages)
    sub = run(d, "hanbit", "claim", "add", PROJECT, "--kind", "subcontract", "--payee", PAYEE,
              "--date", "2026-09-01", "--amount", "120000000", "--payer", "시공사")
    run(d, "park", "approve", sub)
    paid = run(d, "park", "payment", "add", sub, "--date", "2026-09-25", "--amount", "120000000")
    run(d, "choi", "approve", paid)
    for f in (photo, report, scan):
        f.unlink()
    return db


if __name__ == "__main__":
    print(build(sys.argv[1] if len(sys.argv) > 1 else "data/admin/admin.db"))
