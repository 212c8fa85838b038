"""Photos: location and camera data never reach managed storage or the export."""

from __future__ import annotations

import hashlib

import pytest
from admin_support import actor, context, fresh_db, make_export
from PIL import ExifTags, Image

from admin import db, entries, photos
from admin.export import export
from admin.validate import ValidationError

SECRET = b"SecretCam-9000"


def phone_photo(path, size=(64, 32)):
    """A JPEG the way a phone writes one: GPS position, camera make and model, orientation,
    an XMP packet and a comment."""
    im = Image.new("RGB", size, (200, 30, 30))
    im.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = SECRET.decode()
    exif[ExifTags.Base.Model] = "ModelX-Pro"
    exif[ExifTags.Base.Orientation] = 6  # rotate 90 degrees to show upright
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (37.0, 33.0, 59.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (126.0, 58.0, 41.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>SecretXMP-owner</rdf:RDF></x:xmpmeta>'
    im.save(path, "JPEG", exif=exif.tobytes(), xmp=xmp, comment=b"SecretComment")
    return path


def assert_clean(path):
    data = path.read_bytes()
    for marker in (SECRET, b"ModelX", b"SecretXMP", b"SecretComment", b"Exif\x00\x00", b"xmpmeta"):
        assert marker not in data, marker
    with Image.open(path) as im:
        assert len(im.getexif()) == 0
        assert im.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(im.info)


def test_the_test_photo_really_carries_metadata(tmp_path):
    src = phone_photo(tmp_path / "phone.jpg")
    with Image.open(src) as im:
        assert im.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
        assert im.getexif()[ExifTags.Base.Make] == SECRET.decode()
    assert b"SecretXMP" in src.read_bytes() and b"SecretComment" in src.read_bytes()


def test_store_removes_gps_and_camera_data_and_keeps_it_upright(tmp_path):
    src = phone_photo(tmp_path / "phone.jpg")
    name, sha = photos.store(src, tmp_path / "store")
    stored = tmp_path / "store" / name
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
    assert_clean(stored)
    with Image.open(stored) as im:
        assert im.size == (32, 64)  # orientation 6 applied before the tag was dropped
    # Content-addressed: storing it again keeps the one file.
    assert photos.store(src, tmp_path / "store") == (name, sha)
    assert len(list((tmp_path / "store").iterdir())) == 1


def test_published_photo_has_no_exif(tmp_path):
    path = fresh_db(tmp_path / "a.db")
    exp = make_export(tmp_path / "export")
    conn = db.connect(path)
    eid = entries.add(conn, actor("supervisor"), "photo", {
        "project_id": "P-2", "date": "2025-04-01", "caption": "foundation",
        "file": str(phone_photo(tmp_path / "phone.jpg"))}, context(exp),
        photo_dir=photos.storage_dir(path))
    entries.decide(conn, actor("inspector"), eid, approve=True)
    export(path, tmp_path / "out")
    rows = (tmp_path / "out" / "photos.csv").read_text(encoding="utf-8").splitlines()
    assert rows == ["photo_id,project_id,date,caption,file",
                    f"ADM-{eid},P-2,2025-04-01,foundation,photos/ADM-{eid}.jpg"]
    assert_clean(tmp_path / "out" / "photos" / f"ADM-{eid}.jpg")


@pytest.mark.parametrize("content,message", [
    (b"not an image at all", "not a readable image"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "not a readable image"),
])
def test_non_images_refused(tmp_path, content, message):
    bad = tmp_path / "x.jpg"
    bad.write_bytes(content)
    with pytest.raises(ValidationError, match=f"file: x.jpg is {message}"):
        photos.store(bad, tmp_path / "store")
    assert not (tmp_path / "store").exists()


def test_png_with_transparency_becomes_a_flat_jpeg(tmp_path):
    src = tmp_path / "a.png"
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(src)
    name, _ = photos.store(src, tmp_path / "s")
    with Image.open(tmp_path / "s" / name) as im:
        assert im.format == "JPEG" and im.mode == "RGB"
        assert im.getpixel((5, 5))[0] > 240  # transparent -> white, not black


def test_verify_notices_a_swapped_photo(tmp_path):
    path = fresh_db(tmp_path / "a.db")
    conn = db.connect(path)
    entries.add(conn, actor("supervisor"), "photo", {
        "project_id": "P-1", "date": "2025-04-01", "file": str(phone_photo(tmp_path / "p.jpg"))},
        context(make_export(tmp_path / "export")), photo_dir=photos.storage_dir(path))
    assert photos.check_files(conn, photos.storage_dir(path)) == []
    stored = next(photos.storage_dir(path).iterdir())
    Image.new("RGB", (5, 5)).save(stored, "JPEG")
    assert photos.check_files(conn, photos.storage_dir(path)) == [
        f"photo of entry 1: {stored} was changed after it was stored"]
