"""The nightly's verify (CB_PUBLISH_VERIFY): "changed" reads only what can have changed since a
verified build, and still fails on every corrupted, replaced, extra, missing or resized file;
"full" reads every byte. Synthetic builds for the rules, then two real nights."""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest
from publish_support import history_theme, tree_hash, workspace

from clearbuild.publish import manifest, nightly, nightverify
from clearbuild.publish.verify import verify


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    path = tmp_path_factory.mktemp("key") / "key.pem"
    manifest.keygen(path)
    return manifest.load_key(path)


def published(folder, key, files):
    """A signed, verified build of ``files`` with its record, as the nightly leaves it."""
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    manifest.write(folder, key, "0" * 64, "2026-11-20")
    old = os.stat(folder / "manifest.sig").st_mtime_ns - 10**10  # not "just written"
    for p in folder.rglob("*"):
        os.utime(p, ns=(old, old))
    out = nightverify.check(folder, manifest.public_pem(key), "full", [])
    assert out.ok, out.lines
    nightverify.write_record(folder.parent / f"{folder.name}.stat", out)
    return nightverify.load(folder, folder.parent / f"{folder.name}.stat", manifest.public_pem(key))


def tonight(live, new, key, basis, change=None):
    """Tonight's build: every file of the live build hard-linked but ``change`` (written anew)."""
    for p in live.rglob("*"):
        rel = p.relative_to(live)
        if p.is_file() and rel.name not in {"manifest.json", "manifest.sig", "verify.py",
                                            "publickey.pem"}:  # written by manifest.write
            (new / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(p, new / rel)
    for rel, data in (change or {}).items():
        (new / rel).unlink()
        (new / rel).write_bytes(data)
    manifest.write(new, key, "0" * 64, "2026-11-21", previous=live, basis=basis)


PAGES = {f"r/{i}/index.html": b"page %d" % i for i in range(20)}


@pytest.fixture
def nights(tmp_path, key):
    live, new = tmp_path / "live", tmp_path / "new"
    basis = published(live, key, PAGES)
    tonight(live, new, key, basis, {"r/3/index.html": b"page 3, changed"})
    return live, new, basis


def test_changed_mode_reads_only_files_written_tonight(nights, key):
    live, new, basis = nights
    out = nightverify.check(new, manifest.public_pem(key), "changed", [basis])
    assert out.ok, out.lines
    # The changed page; verify.py and publickey.pem are written again every night.
    assert (out.read, out.trusted) == (3, 19)
    full = nightverify.check(new, manifest.public_pem(key), "full", [basis])
    assert full.ok and (full.read, full.trusted) == (22, 0)
    assert "3 files read and hashed, 19 trusted" in out.line()


@pytest.mark.parametrize("how", ["corrupted tonight", "fresh copy", "extra", "missing", "size",
                                 "in place, mtime moves"])
def test_changed_mode_fails_on(nights, key, how):
    live, new, basis = nights
    page = new / "r/5/index.html"  # a linked page
    if how == "corrupted tonight":
        (new / "r/3/index.html").write_bytes(b"page 3, chan9ed")
    elif how == "fresh copy":  # same size, a new inode: never trusted
        page.unlink()
        page.write_bytes(b"pag3 5")
    elif how == "extra":
        (new / "r/5/evil.html").write_bytes(b"<script>")
    elif how == "missing":
        page.unlink()
    elif how == "size":
        page.unlink()
        page.write_bytes(b"page 5 and more")
    else:  # the shared inode written in place (the live file too): its mtime moves
        with open(page, "r+b") as f:
            f.write(b"PAGE 5")
    out = nightverify.check(new, manifest.public_pem(key), "changed", [basis])
    word = {"extra": "extra", "missing": "missing"}.get(how, "changed")
    assert not out.ok and out.lines[-1].startswith("FAILED"), out.lines
    assert [ln for ln in out.lines if ln.startswith(word)], out.lines


def test_in_place_with_mtime_set_back_only_full_mode_catches(nights, key):
    """The documented limit of "changed": a live file rewritten in place, same size, mtime set
    back (someone with write access to the site, on purpose) is trusted; "full" and an
    auditor's verify catch it."""
    live, new, basis = nights
    page = new / "r/5/index.html"
    st = os.stat(page)
    with open(page, "r+b") as f:
        f.write(b"PAGE 5")
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    pem = manifest.public_pem(key)
    assert nightverify.check(new, pem, "changed", [basis]).ok
    full = nightverify.check(new, pem, "full", [basis])
    assert not full.ok and "changed: r/5/index.html" in full.lines
    assert not verify(live)[0]


def test_kept_file_of_a_recycled_build_is_hashed_when_its_mtime_moved(tmp_path, key):
    old = tmp_path / "old"
    basis = published(old, key, PAGES)
    os.utime(old / "r/7/index.html")  # touched while the build sat retired
    (old / "manifest.json").unlink()
    manifest.write(old, key, "0" * 64, "2026-11-27", kept=basis.entries)
    out = nightverify.check(old, manifest.public_pem(key), "changed", [basis])
    assert out.ok and out.read == 3 and out.trusted == 19  # the touched page, verify.py, the key


def test_a_live_manifest_not_signed_by_the_key_is_not_trusted(tmp_path, key):
    live = tmp_path / "live"
    published(live, key, PAGES)
    data = (live / "manifest.json").read_bytes()
    (live / "manifest.json").write_bytes(data.replace(b"2026-11-20", b"2026-11-19"))
    assert nightverify.load(live, tmp_path / "live.stat", manifest.public_pem(key)) is None


def test_manifest_bytes_are_the_json_module_s():
    files = [{"path": 'a/"b\\c\u2028한글\x01.html', "sha256": "ab", "size": 3},
             {"path": "z", "sha256": "cd", "size": 0}]
    for listed in ([], files):
        m = {"format": "f", "build_time": "t", "export": 'e\n "files": []', "dataset_sha256": "d",
             "public_key_sha256": "k", "files": listed}
        expected = json.dumps(m, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
        assert manifest.dumps(m) == expected.encode()


# Two real nights: the log, the meta, a refusal that leaves the live site as it was.

@pytest.fixture(scope="module")
def first_night(tmp_path_factory):
    ws = workspace(tmp_path_factory.mktemp("nv"))
    theme = str(history_theme(ws.base, dated_footer=False))
    ws.export("2026-11-20")
    ws.publish(THEME=theme)
    rows = __import__("factory").copy_rows()
    rows["contracts"][0]["amount"] = "1381234567"
    ws.export("2026-11-21", rows)
    time.sleep(2.1)  # files written < 2 s before a verify are never trusted (nightverify.SETTLE_NS)
    return ws, theme


def second(ws, theme, tmp_path, mode="changed", tamper=None, monkeypatch=None, before=None):
    """Night 2 on a copy of the night-1 site; ``before(site)`` runs before it, ``tamper(build)``
    between the manifest and the verify."""
    base = tmp_path / "ws"
    shutil.copytree(ws.base, base, symlinks=True)
    ws2 = type(ws)(base)
    s = nightly.Site(ws2.site)
    live = s.current_dir()
    pem = manifest.public_pem(manifest.load_key(ws2.key))
    out = nightverify.check(live, pem, "full", [])  # the copy has new inodes: record them
    nightverify.write_record(s.record(s.current()), out)
    if before:
        before(ws2.site)
    if tamper:
        real = manifest.write

        def write(target, *a, **k):
            m = real(target, *a, **k)
            tamper(target)
            return m
        monkeypatch.setattr(manifest, "write", write)
    lines: list[str] = []
    live_bytes = tree_hash(ws2.site / "current")
    try:
        result = nightly.nightly(ws2.exports, ws2.site, overrides=ws2.overrides(
            THEME=theme, CB_PUBLISH_VERIFY=mode), say=lines.append)
    except nightly.Refused as e:
        assert e.code == 4 and tree_hash(ws2.site / "current") == live_bytes
        assert os.readlink(ws2.site / "current") == f"builds/{live.name}"
        return None, lines, str(e)
    return result, lines, s.meta(result.build)


def test_changed_night_logs_what_it_read_and_trusted(first_night, tmp_path):
    result, lines, meta = second(*first_night, tmp_path)
    said = [ln for ln in lines if ln.startswith("verify (changed)")]
    assert len(said) == 1, lines
    v = meta["verify"]
    s = nightly.Site(tmp_path / "ws/site")
    new, old = s.current_dir(), s.builds / meta["previous"]
    files = json.loads((new / "manifest.json").read_text(encoding="utf-8"))["files"]
    linked = [f["path"] for f in files if (old / f["path"]).exists()
              and os.stat(new / f["path"]).st_ino == os.stat(old / f["path"]).st_ino]
    # Trusted: exactly the files linked from last night's verified build; the rest was read.
    assert v["mode"] == "changed" and v["trusted"] == len(linked) > 0, v
    assert v["read"] + v["trusted"] == len(files)
    assert f"{v['read']} files read and hashed, {v['trusted']} trusted" in said[0]
    assert verify(tmp_path / "ws/site")[0]
    # tonight's record, for tomorrow: the linked pages (older than the settling time)
    pem = manifest.public_pem(manifest.load_key(tmp_path / "ws/key.pem"))
    basis = nightverify.load(s.current_dir(), s.record(result.build), pem)
    assert 0 < len(basis.stats) < len(basis.entries)


def test_full_night_reads_everything(first_night, tmp_path):
    _, lines, meta = second(*first_night, tmp_path, mode="full")
    assert meta["verify"]["trusted"] == 0 and any(ln.startswith("verify (full)") for ln in lines)


def test_corrupted_page_written_tonight_is_refused(first_night, tmp_path, monkeypatch):
    def tamper(target):
        page = target / "contracts/C-2025-0001/index.html"
        page.write_bytes(page.read_bytes().replace(b"1,381,234,567", b"1,381,234,568"))
    result, _, message = second(*first_night, tmp_path, tamper=tamper, monkeypatch=monkeypatch)
    assert result is None and "changed: contracts/C-2025-0001/index.html" in message


LINKED = "apartments/A-1/index.html"  # untouched by night 2's change: linked from the live build


def _fresh_copy(target):
    page = target / LINKED
    data = page.read_bytes()
    page.unlink()
    page.write_bytes(data.replace(b"A-1", b"A-9", 1))  # same size, a new inode


@pytest.mark.parametrize("tamper,line", [
    (_fresh_copy, f"changed: {LINKED}"),
    (lambda t: (t / "apartments/A-1/evil.html").write_bytes(b"<script>"), "extra: apartments/A-1/evil.html"),
    (lambda t: (t / LINKED).unlink(), f"missing: {LINKED}"),
    (lambda t: (t / "index.html").write_bytes((t / "index.html").read_bytes() + b" "), "changed: index.html"),
])
def test_changed_night_refuses(first_night, tmp_path, monkeypatch, tamper, line):
    result, _, message = second(*first_night, tmp_path, tamper=tamper, monkeypatch=monkeypatch)
    assert result is None and f"  {line}" in message.splitlines(), message


def _in_place_mtime_kept(site):
    page = site / "current" / LINKED
    st = os.stat(page)
    data = page.read_bytes()
    with open(page, "r+b") as f:  # the live file itself, and every build linking its inode
        f.write(data.replace(b"A-1", b"A-9", 1))
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.mark.parametrize("mode", ["full", "changed"])
def test_live_file_altered_in_place_between_nights(first_night, tmp_path, monkeypatch, mode):
    """Documented (docs/security.md): "full" refuses the night; "changed" trusts the inode and
    publishes it, and an auditor's `invoke verify SITE/current` names the file."""
    ws, theme = first_night
    result, _, out = second(ws, theme, tmp_path, mode=mode, before=_in_place_mtime_kept)
    if mode == "full":
        assert result is None and f"changed: {LINKED}" in out
    else:
        ok, lines = verify(tmp_path / "ws/site")
        assert result is not None and not ok and f"changed: {LINKED}" in lines
