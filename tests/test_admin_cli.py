"""The command line as officials use it: the issue's flow end to end with `python -m admin`,
--help on every subcommand, prompts for missing values, one-line errors without tracebacks."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from datetime import date, timedelta

import pytest
from admin_support import PASS, ROOT, env, fresh_db, make_export

from admin import cli


def run(*args, stdin=None, **extra_env):
    return subprocess.run([sys.executable, "-m", "admin", *args], cwd=ROOT, env=env(**extra_env),
                          capture_output=True, text=True, input=stdin, timeout=60)


def test_the_issue_flow_from_a_new_database(tmp_path):
    db = str(tmp_path / "admin.db")
    exp = str(make_export(tmp_path / "export"))
    base = ["--db", db, "--export", exp]
    r = run(*base, "init", "--admin", "chief")
    assert r.returncode == 0, r.stderr
    for name, role in (("kim", "supervisor"), ("lee", "inspector"), ("con", "contractor"),
                       ("fin", "finance")):
        assert run(*base, "--as", "chief", "user", "add", name, "--role", role).returncode == 0
    r = run(*base, "--as", "kim", "progress", "add", "P-1", "--date", "2025-05-01", "--planned", "40",
            "--actual", "35")
    assert r.returncode == 0, r.stderr
    entry = r.stdout.strip().splitlines()[-1].split()[-1]
    assert entry == "1"
    r = run(*base, "--as", "lee", "approve", entry)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    r = run(*base, "--as", "con", "claim", "add", "P-1", "--kind", "wages", "--date", "2025-05-02",
            "--amount", "2,500,000")
    claim = r.stdout.split()[-1]
    assert run(*base, "--as", "kim", "approve", claim).returncode == 0
    r = run(*base, "--as", "con", "claims")
    assert "OVERDUE" in r.stdout and "total wages: claimed 2,500,000, paid 0, unpaid 2,500,000" in r.stdout
    r = run(*base, "--as", "fin", "payment", "add", claim, "--date", "2025-05-10", "--amount", "2500000")
    assert r.stdout.split()[-1] == "3"
    r = run(*base, "--as", "con", "--overdue-days", "5", "claims")
    assert "paid late" in r.stdout and "overdue after 5 days" in r.stdout
    r = run("--db", db, "verify")
    assert r.returncode == 0 and r.stdout.startswith("ok: ")
    r = run("--db", db, "export", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "progress.csv").read_text(encoding="utf-8") == (
        "project_id,date,planned_pct,actual_pct,note\nP-1,2025-05-01,40,35,\n")
    assert "ADM-2,P-1,,,wages,2025-05-02,2500000,,\n" in (tmp_path / "out" / "payments.csv").read_text()


def subcommands(p: argparse.ArgumentParser, prefix=()):
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from subcommands(sub, (*prefix, name))


ALL = [()] + list(subcommands(cli.parser()))


def test_every_subcommand_is_listed():
    assert ("progress", "add") in ALL and ("user", "passwd") in ALL and ("import",) in ALL
    assert len(ALL) > 25


@pytest.mark.parametrize("words", ALL, ids=lambda w: " ".join(w) or "top")
def test_help_everywhere(words, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main([*words, "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m admin") and len(out) > 100


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSPHRASE", PASS)
    return str(fresh_db(tmp_path / "a.db")), str(make_export(tmp_path / "export"))


def test_missing_values_are_asked_for(db_path, monkeypatch, capsys):
    path, exp = db_path
    monkeypatch.setattr("sys.stdin", io.StringIO("P-2\n\n55\n50\n"))  # empty date: today
    assert cli.main(["--db", path, "--export", exp, "--as", "supervisor1", "progress", "add"]) == 0
    out = capsys.readouterr().out
    assert "Project id: " in out and f"Date (YYYY-MM-DD) [{date.today().isoformat()}]: " in out
    assert out.splitlines()[-1] == "entry 1"
    monkeypatch.setattr("sys.stdin", io.StringIO("P-2\nquality\nfail\n"))  # findings: input ends
    assert cli.main(["--db", path, "--export", exp, "--as", "inspector1", "inspection", "add",
                     "--date", "2025-01-02"]) == 1
    assert capsys.readouterr().err == "error: --findings: required when the result is fail\n"


def test_user_name_is_asked_for_and_passphrase_taken_from_env(db_path, monkeypatch, capsys):
    path, _ = db_path
    monkeypatch.setattr("sys.stdin", io.StringIO("admin1\n"))
    assert cli.main(["--db", path, "setting", "overdue_days", "30"]) == 0
    assert cli.main(["--db", path, "--as", "finance1", "setting"]) == 0
    assert capsys.readouterr().out.endswith("overdue_days = 30\n")
    assert cli.main(["--db", path, "--as", "finance1", "setting", "overdue_days", "3"]) == 1
    assert "may not change settings" in capsys.readouterr().err


@pytest.mark.parametrize("argv,err", [
    (["verify"], "error: --db: which database? give --db PATH (or set ADMIN_DB)\n"),
    (["--db", "{tmp}/none.db", "verify"], "error: --db: {tmp}/none.db does not exist (create it with: "
                                          "python -m admin --db {tmp}/none.db init --admin NAME)\n"),
    (["--db", "{tmp}/junk.db", "verify"], "error: --db: {tmp}/junk.db is not an admin database"),
    (["--db", "{db}", "init", "--admin", "x2"], "error: --db: {db} already exists; init only creates"),
    (["--db", "{db}", "--as", "supervisor1", "approve", "abc"], "error: ENTRY_ID: 'abc' is not an entry id"),
    (["--db", "{db}", "--as", "supervisor1", "approve", "77"], "error: ENTRY_ID: no entry 77\n"),
    (["--db", "{db}", "--as", "supervisor1", "reject", "1"], "error: ENTRY_ID: no entry 1\n"),
    (["--db", "{db}", "--as", "admin1", "export", "{tmp}/export"], "error: DIR: {tmp}/export exists and"),
    (["--db", "{db}", "--as", "finance1", "--overdue-days", "0", "claims"],
     "error: --overdue-days: must be at least 1, got 0\n"),
])
def test_errors_are_one_line(db_path, tmp_path, monkeypatch, capsys, argv, err):
    path, _ = db_path
    monkeypatch.delenv("ADMIN_DB", raising=False)
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite" * 100)
    fill = {"tmp": str(tmp_path), "db": path}
    code = cli.main([a.format(**fill) for a in argv])
    got = capsys.readouterr().err
    assert code == 1
    assert got.startswith(err.format(**fill)) and got.count("\n") == 1 and "Traceback" not in got


def test_reject_needs_a_reason_and_hides_the_entry(db_path, monkeypatch, capsys):
    path, exp = db_path
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    cli.main(["--db", path, "--export", exp, "--as", "supervisor1", "progress", "add", "P-1", "--date",
              yesterday, "--planned", "1", "--actual", "1"])
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli.main(["--db", path, "--as", "inspector1", "reject", "1"]) == 1
    assert capsys.readouterr().err.endswith("error: --note: say why the entry is rejected\n")
    assert cli.main(["--db", path, "--as", "inspector1", "reject", "1", "--note", "wrong site"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", path, "--as", "inspector1", "show", "1"]) == 0
    assert "state: rejected by inspector1" in capsys.readouterr().out
