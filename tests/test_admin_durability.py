"""Crash and concurrency drills on a real database file with real processes.

kill -9 of a child in its loop of commits must lose no commit it acknowledged (it prints an id
only after COMMIT returned) and leave SQLite's integrity_check and the audit chain intact; two
writers at once must both get every entry in, each exactly once. docs/admin.md records larger
runs of the same drills (python tests/admin_support.py).
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from admin_support import concurrency_drill, fresh_db, kill_drill, make_export

from admin import audit, db


def check_database(path):
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    raw.close()
    conn = db.connect(path)
    problems, _, _ = audit.verify(conn)
    assert problems == []
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return fresh_db(tmp_path_factory.mktemp("durability") / "t.db")


def test_kill_9_loses_no_acknowledged_commit(template, tmp_path):
    path = shutil.copyfile(template, tmp_path / "a.db")
    figures = kill_drill(path, make_export(tmp_path / "export"), trials=6, commits=200, seed=11)
    print("kill -9 drill:", figures)
    assert figures["lost"] == 0
    assert figures["killed_mid_run"] >= 2, figures  # the kills really landed inside the loop
    assert figures["acknowledged"] > 6
    check_database(path)


def test_two_concurrent_writers_lose_nothing(template, tmp_path):
    path = shutil.copyfile(template, tmp_path / "a.db")
    figures = concurrency_drill(path, make_export(tmp_path / "export"), tmp_path, per_writer=150)
    print("concurrency drill:", figures)
    assert figures["failed_writers"] == 0
    assert figures["acknowledged"] == figures["distinct"] == figures["added"] == 300
    assert figures["lost"] == 0
    assert figures["switches"] > 10, figures  # the writers really interleaved
    check_database(path)
