"""Anyone can prove a copy is the city's: verify names every changed, missing or extra file, checks
the Ed25519 signature, and ships inside every archive as a standalone script."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest
from publish_support import ROOT, workspace

from clearbuild.publish import manifest
from clearbuild.publish.archive import ArchiveError, archive
from clearbuild.publish.verify import verify


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    ws = workspace(tmp_path_factory.mktemp("verify"))
    ws.export("2026-11-20")
    ws.publish()
    return ws


@pytest.fixture
def copy(published, tmp_path):
    """A copy of the live build to tamper with."""
    return shutil.copytree(published.site / "current", tmp_path / "copy")


def test_live_build_verifies_and_carries_key_and_verifier(published):
    live = published.site / "current"
    ok, lines = verify(live)
    assert ok, lines
    assert (live / "verify.py").is_file() and (live / "publickey.pem").is_file()
    key = manifest.load_key(published.key)
    assert (live / "publickey.pem").read_bytes() == manifest.public_pem(key)


def test_one_changed_byte_is_named(copy):
    page = copy / "projects/P-0001/index.html"
    data = bytearray(page.read_bytes())
    data[len(data) // 2] ^= 0x01
    page.write_bytes(bytes(data))
    ok, lines = verify(copy)
    assert not ok
    problems = [line for line in lines if line.split(":")[0] in {"changed", "missing", "extra"}]
    assert problems == ["changed: projects/P-0001/index.html"]


def test_missing_and_extra_files_are_named(copy):
    (copy / "static/css/site.css").unlink()
    (copy / "projects/P-0002/evil.html").write_text("<script>alert(1)</script>")
    ok, lines = verify(copy)
    assert not ok
    assert "missing: static/css/site.css" in lines and "extra: projects/P-0002/evil.html" in lines


def test_altered_manifest_fails_the_signature(copy):
    path = copy / "manifest.json"
    path.write_text(path.read_text(encoding="utf-8").replace("2026-11-20", "2026-11-19"), encoding="utf-8")
    ok, lines = verify(copy)
    assert not ok and any(line.startswith("signature: signature does not match") for line in lines)


def test_a_replaced_key_is_caught_by_the_trusted_key(published, copy, tmp_path):
    # Whoever tampers with a copy can re-sign it with a key of their own...
    other = tmp_path / "other.pem"
    manifest.keygen(other)
    key = manifest.load_key(other)
    (copy / "index.html").write_text("fake")
    (copy / "verify.py").unlink()
    manifest.write(copy, key, "0" * 64, "2026-11-20")
    assert verify(copy)[0]  # self-consistent...
    trusted = manifest.public_pem(manifest.load_key(published.key))
    ok, lines = verify(copy, key_pem=trusted)  # ...but not against the city's published key
    assert not ok and any("signature does not match" in line for line in lines)


def test_standalone_verify_py_exit_codes(published, copy):
    run = [sys.executable, str(copy / "verify.py")]
    good = subprocess.run(run, capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stdout + good.stderr
    (copy / "index.html").write_bytes(b"x")
    bad = subprocess.run(run, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "changed: index.html" in bad.stdout


def test_archive_zips_the_live_build_and_verifies_offline(published, tmp_path):
    path, n = archive(published.site, tmp_path / "copy.zip")
    ok, lines = verify(path)
    assert ok, lines
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert "README.txt" in names and "clearbuild-2026-11-20/index.html" in names
        assert "clearbuild-2026-11-20/verify.py" in names and "clearbuild-2026-11-20/manifest.sig" in names
        z.extractall(tmp_path / "usb")
    folder = tmp_path / "usb" / "clearbuild-2026-11-20"
    proc = subprocess.run([sys.executable, str(folder / "verify.py")], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout
    html = (folder / "projects/P-0001/index.html").read_text(encoding="utf-8")
    assert 'href="/' not in html and 'src="/' not in html and "//cdn" not in html  # works from file://
    again, _ = archive(published.site, tmp_path / "again.zip")
    assert again.read_bytes() == path.read_bytes()  # same build, same zip bytes


def test_archive_refuses_a_tampered_site(published, copy, tmp_path):
    (copy / "index.html").write_bytes(b"x")
    with pytest.raises(ArchiveError, match="changed: index.html"):
        archive(copy, tmp_path / "bad.zip")


def test_invoke_verify_and_tampered_zip(published, tmp_path):
    path, _ = archive(published.site, tmp_path / "copy.zip")
    ok = subprocess.run([sys.executable, "-m", "invoke", "verify", str(published.site)], cwd=ROOT,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(tmp_path / "bad.zip", "w") as out:
        for info in z.infolist():
            data = z.read(info)
            out.writestr(info, data + b" " if info.filename.endswith("/index.html") and
                         "contracts/C-2025-0002" in info.filename else data)
    bad = subprocess.run([sys.executable, "-m", "invoke", "verify", str(tmp_path / "bad.zip")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert "changed: contracts/C-2025-0002/index.html" in bad.stdout
    assert "changed: en/contracts/C-2025-0002/index.html" in bad.stdout
