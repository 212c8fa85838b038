"""A verified archive is the signed one: zips whose entries could extract to something other than
what verify.py hashed are refused before anything is checked, and the output says plainly whether
the key was checked against the fingerprint the city publishes."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from publish_support import workspace

from clearbuild.publish import manifest
from clearbuild.publish.archive import archive
from clearbuild.publish.verify import key_fingerprint

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name")

SITE = "clearbuild-2026-11-20/"
PAGE = SITE + "index.html"


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Path:
    ws = workspace(tmp_path_factory.mktemp("forged"))
    ws.export("2026-11-20")
    ws.publish()
    path, _ = archive(ws.site, ws.base / "real.zip", fingerprint_at="https://example.org/key")
    return path


def forge(real: Path, out: Path, before: list[tuple[zipfile.ZipInfo | str, bytes]] = (),
          after: list[tuple[zipfile.ZipInfo | str, bytes]] = ()) -> Path:
    """The real archive with entries added before and after its own (same bytes otherwise)."""
    with zipfile.ZipFile(real) as z, zipfile.ZipFile(out, "w") as w:
        for info, data in before:
            w.writestr(info, data)
        for info in z.infolist():
            w.writestr(info, z.read(info))
        for info, data in after:
            w.writestr(info, data)
    return out


def run(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clearbuild.publish.verify", str(path), *args],
                          capture_output=True, text=True, timeout=120)


def refused(proc: subprocess.CompletedProcess, line: str) -> None:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"refused: {line}" in proc.stdout.splitlines(), proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("FAILED: unsafe archive")


def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info


def test_the_real_archive_verifies_and_says_the_key_was_not_checked(real):
    proc = run(real)
    assert proc.returncode == 0, proc.stdout
    with zipfile.ZipFile(real) as z:
        pem = z.read(SITE + "publickey.pem")
        readme = z.read("README.txt").decode()
    fp = "SHA256:" + key_fingerprint(pem)
    assert (f"signature OK with key {fp}; NOT checked against the fingerprint published on the "
            "site: pass --fingerprint") in proc.stdout.splitlines()
    assert "https://example.org/key" in readme and "--fingerprint SHA256:" in readme
    good = run(real, "--fingerprint", fp)
    assert good.returncode == 0 and f"signature OK with key {fp}; matches the fingerprint given" in good.stdout


def test_a_copy_re_signed_with_another_key_fails_the_fingerprint(real, tmp_path):
    other = tmp_path / "other.pem"
    manifest.keygen(other)
    fp = "SHA256:" + key_fingerprint(manifest.public_pem(manifest.load_key(other)))
    proc = run(real, "--fingerprint", fp)
    assert proc.returncode == 1
    assert any(line.startswith("signature: made with key SHA256:") and line.endswith(f"not the expected {fp}")
               for line in proc.stdout.splitlines()), proc.stdout


def test_a_forged_page_before_the_real_one_is_refused(real, tmp_path):
    bad = forge(real, tmp_path / "dup.zip", before=[(PAGE, b"<h1>forged</h1>")])
    refused(run(bad), f"{PAGE!r}: duplicate entry (twice; unzip extracts the first)")


def test_names_equal_but_for_case_are_refused(real, tmp_path):
    bad = forge(real, tmp_path / "case.zip", before=[(SITE + "INDEX.html", b"forged")])
    refused(run(bad), f"{PAGE!r}: duplicate entry (collides with {SITE + 'INDEX.html'!r} on "
                      "extraction; unzip extracts the first)")


def test_names_equal_after_unicode_normalisation_are_refused(real, tmp_path):
    nfc, nfd = SITE + "caf\u00e9.html", SITE + "cafe\u0301.html"
    bad = forge(real, tmp_path / "nfd.zip", after=[(nfc, b"a"), (nfd, b"b")])
    refused(run(bad), f"{nfd!r}: duplicate entry (collides with {nfc!r} on extraction; unzip "
                      "extracts the first)")


def test_an_entry_outside_the_site_folder_is_refused(real, tmp_path):
    bad = forge(real, tmp_path / "outside.zip", after=[("index.html", b"forged")])
    refused(run(bad), f"'index.html': outside the site folder {SITE!r}")


def test_a_symlink_entry_is_refused(real, tmp_path):
    bad = forge(real, tmp_path / "link.zip", after=[(symlink(SITE + "evil.html"), b"/etc/passwd")])
    refused(run(bad), f"{SITE + 'evil.html'!r}: symlink entry")


def test_an_absolute_path_is_refused(real, tmp_path):
    bad = forge(real, tmp_path / "abs.zip", after=[(zipfile.ZipInfo("/tmp/evil.html"), b"x")])
    refused(run(bad), "'/tmp/evil.html': absolute path")


def test_a_drive_letter_is_refused(real, tmp_path):
    bad = forge(real, tmp_path / "drive.zip", after=[("C:/evil.html", b"x")])
    refused(run(bad), "'C:/evil.html': drive letter")


def test_a_backslash_is_refused(real, tmp_path):
    bad = forge(real, tmp_path / "bs.zip", after=[(SITE + "a\\..\\..\\evil.html", b"x")])
    refused(run(bad), f"{SITE + 'a' + chr(92) + '..' + chr(92) + '..' + chr(92) + 'evil.html'!r}: "
                      "backslash in an entry name")


def test_a_dot_dot_component_is_refused(real, tmp_path):
    bad = forge(real, tmp_path / "dots.zip", after=[(SITE + "../evil.html", b"x")])
    refused(run(bad), f"{SITE + '../evil.html'!r}: '..' component")
