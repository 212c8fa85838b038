"""clearbuild.geo: boundary loading and point-in-polygon, on the real Seoul files and on shapes
whose answer is known by construction (holes, multipolygons)."""

import json
import random

import numpy as np
import pytest

from clearbuild import geo


@pytest.fixture(scope="module")
def districts():
    return geo.load_districts(geo.DISTRICTS_FILE)


@pytest.fixture(scope="module")
def dongs():
    return geo.load_districts(geo.NEIGHBOURHOODS_FILE)


def test_loads_the_25_districts_sorted_with_names(districts):
    assert len(districts) == 25
    assert list(districts) == sorted(districts)
    gangnam = districts["11230"]
    assert (gangnam.name, gangnam.name_eng) == ("강남구", "Gangnam-gu")
    s, w, n, e = gangnam.bbox
    assert 37.4 < s < n < 37.6 and 127.0 < w < e < 127.2


@pytest.mark.parametrize("lat, lon, code", [
    (37.5126, 127.0590, "11230"),  # COEX, Gangnam-gu
    (37.5045, 127.0490, "11230"),  # Seolleung, Gangnam-gu
    (37.5663, 126.9779, "11020"),  # City Hall, Jung-gu
    (37.6584, 127.0618, "11110"),  # Nowon station
    (37.5509, 126.9410, "11140"),  # Mapo-gu
])
def test_known_points_fall_in_their_district(districts, lat, lon, code):
    assert geo.district_of(lat, lon, districts) == code


@pytest.mark.parametrize("lat, lon", [
    (37.4292, 126.9876),  # Gwacheon: inside Seoul's bounding box, outside every district
    (37.4786, 126.8647),  # Gwangmyeong
    (37.4563, 126.7052),  # Incheon
    (35.1796, 129.0756),  # Busan
    (0.0, 0.0),
])
def test_points_outside_seoul_are_in_no_district(districts, lat, lon):
    assert geo.district_of(lat, lon, districts) is None


def test_region_bbox_adds_the_margin(districts):
    tight = geo.region_bbox(districts)
    wide = geo.region_bbox(districts, 0.02)
    assert wide.south == pytest.approx(tight.south - 0.02) and wide.east == pytest.approx(tight.east + 0.02)
    assert tight.contains(37.5663, 126.9779) and not tight.contains(35.1796, 129.0756)
    with pytest.raises(ValueError):
        geo.region_bbox({})


SQUARE = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0))
HOLE = ((4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0), (4.0, 4.0))


def test_holes_are_outside_the_polygon():
    poly = (SQUARE, HOLE)
    assert geo.point_in_polygon(2.0, 2.0, poly)  # (lat, lon) = (2, 2): in the body
    assert not geo.point_in_polygon(5.0, 5.0, poly)  # in the hole
    assert not geo.point_in_polygon(5.0, 11.0, poly)  # east of the square
    assert geo.point_in_polygon(5.0, 5.0, (SQUARE,))  # without the hole it is inside


def _write(tmp_path, features):
    path = tmp_path / "areas.json"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def test_multipolygon_with_a_hole(tmp_path):
    far = [[[20.0, 20.0], [22.0, 20.0], [22.0, 22.0], [20.0, 22.0], [20.0, 20.0]]]
    feat = {"type": "Feature", "properties": {"code": "X1", "name": "섬", "name_eng": "Islands"},
            "geometry": {"type": "MultiPolygon", "coordinates": [[list(map(list, SQUARE)),
                                                                  list(map(list, HOLE))], far]}}
    areas = geo.load_districts(_write(tmp_path, [feat]))
    x = areas["X1"]
    assert x.bbox == (0.0, 0.0, 22.0, 22.0)
    assert geo.district_of(21.0, 21.0, areas) == "X1"  # second part
    assert geo.district_of(1.0, 1.0, areas) == "X1"
    assert geo.district_of(5.0, 5.0, areas) is None  # hole
    assert geo.district_of(15.0, 15.0, areas) is None  # between the parts, inside the bbox
    lats = np.array([21.0, 1.0, 5.0, 15.0])
    lons = np.array([21.0, 1.0, 5.0, 15.0])
    assert geo.contains_many(x, lats, lons).tolist() == [True, True, False, False]


def test_bad_geometry_is_named(tmp_path):
    feat = {"type": "Feature", "properties": {"code": "X", "name": "x"},
            "geometry": {"type": "Point", "coordinates": [1, 2]}}
    with pytest.raises(ValueError, match="areas.json: feature 0.*Point"):
        geo.load_districts(_write(tmp_path, [feat]))
    with pytest.raises(ValueError, match="code"):
        geo.load_districts(_write(tmp_path, [{"properties": {}, "geometry": feat["geometry"]}]))


def test_random_points_land_inside_their_district(districts):
    rng = random.Random(3)
    nrng = np.random.default_rng(3)
    for code, d in districts.items():
        lat, lon = geo.random_point_in(d, rng)
        assert geo.district_of(lat, lon, districts) == code
        lat, lon = geo.random_point_in(d, nrng)  # numpy generators work too
        assert d.contains(lat, lon)


def test_vectorised_and_scalar_tests_agree(districts):
    """The generator places points with the numpy form; ingest and tests use the scalar one."""
    region = geo.region_bbox(districts)
    rng = np.random.default_rng(11)
    lats = rng.uniform(region.south, region.north, 600)
    lons = rng.uniform(region.west, region.east, 600)
    fast = geo.areas_of(lats, lons, districts)
    slow = [geo.district_of(a, b, districts) or "" for a, b in zip(lats, lons, strict=True)]
    assert fast.tolist() == slow
    assert 0 < sum(1 for s in slow if s == "") < 600  # both inside and outside points were tried


def test_random_points_in_batches(districts):
    d = districts["11140"]
    lats, lons = geo.random_points_in(d, 200, np.random.default_rng(5))
    assert len(lats) == 200 and geo.contains_many(d, lats, lons).all()


def test_neighbourhoods_nest_in_their_districts(districts, dongs):
    assert len(dongs) == 423
    rng = random.Random(8)
    codes = sorted(dongs)[::20]
    agree = 0
    for code in codes:
        lat, lon = geo.random_point_in(dongs[code], rng)
        agree += geo.district_of(lat, lon, districts) == dongs[code].parent_code
    # Both files are simplified independently, so a point near an edge may cross; most must not.
    assert agree >= len(codes) - 2
