"""The near-me gazetteer (clearbuild.gazetteer): districts, neighbourhoods and the data's road
names, each findable in Korean and romanised, built the same way every time."""

from __future__ import annotations

import json
import re

from cb_near import source

from clearbuild import gazetteer, places

RECORDS = [
    {"address": "서울특별시 양천구 오목로 394", "lat": 37.5103, "lon": 126.8727, "district_code": "11150"},
    {"address": "서울특별시 양천구 오목로 200", "lat": 37.5203, "lon": 126.8627, "district_code": "11150"},
    {"address": "서울 강남구 강남대로 396", "lat": 37.4979, "lon": 127.0276, "district_code": "11230"},
    {"address": "서울 서초구 강남대로 10", "lat": 37.4700, "lon": 127.0400, "district_code": "11220"},
    {"address": "서울특별시 중랑구 가상4동 131-8", "lat": 37.5998, "lon": 127.1137, "district_code": "11070"},
    {"address": "주소 없음", "lat": None, "lon": None, "district_code": ""},
]


def entries() -> list[dict]:
    return gazetteer.build(RECORDS, places.districts({}), places.neighbourhoods({}))


def find(all_: list[dict], typed: str) -> list[dict]:
    k = gazetteer.key(typed)
    return [e for e in all_ if k in e["keys"]]


def test_keys_normalise_as_near_js_does():
    assert gazetteer.key("Mok 1(il)-dong") == "mok1ildong"
    assert gazetteer.key("Ｇangnam-daero") == "gangnamdaero"
    assert gazetteer.key(" 목 1동 ") == "목1동"


def test_districts_and_neighbourhoods_in_both_scripts():
    all_ = entries()
    for typed in ("양천구", "Yangcheon-gu", "Yangcheon gu"):
        assert [e["name"] for e in find(all_, typed)] == ["양천구"], typed
    mok = find(all_, "Mokdong")
    assert [e["name"] for e in mok] == ["목1동", "목2동", "목3동", "목4동", "목5동"] == [e["name"] for e in find(all_, "목동")]
    assert [e["name"] for e in find(all_, "Mok 1-dong")] == ["목1동"]
    m1 = find(all_, "목1동")[0]
    assert m1["kind"] == "neighbourhood" and m1["name_en"] == "Mok 1(il)-dong"
    assert 37.50 < m1["lat"] < 37.55 and 126.85 < m1["lon"] < 126.90  # inside Yangcheon-gu


def test_roads_from_addresses_romanised_and_per_district():
    all_ = entries()
    omok = find(all_, "오목로")
    assert len(omok) == 1 and omok[0]["name_en"] == "Omok-ro" and find(all_, "Omok-ro") == omok
    assert (omok[0]["lat"], omok[0]["lon"]) == (37.5153, 126.8677)  # the mean of its two addresses
    gangnam = find(all_, "Gangnam-daero")
    assert [e["name"] for e in gangnam] == ["강남대로, 강남구", "강남대로, 서초구"]
    assert gangnam[0]["name_en"] == "Gangnam-daero, Gangnam-gu"
    lot = find(all_, "가상4동")  # a lot-address neighbourhood the boundary file does not name
    assert lot and lot[0]["kind"] == "neighbourhood" and lot[0]["name_en"] == "Gasang4-dong"


def test_the_file_is_deterministic_and_registers_itself():
    one, two = source(entries()), source(gazetteer.build(list(reversed(RECORDS)), places.districts({}),
                                                         places.neighbourhoods({})))
    assert one == two
    m = re.fullmatch(r"window\.CB_NEAR_PLACES=(\{.*\});\n", one, re.S)
    data = json.loads(m.group(1))
    assert data["cols"] == ["name", "name_en", "lat", "lon", "kind", "keys"] and len(data["rows"]) > 440
    assert "<" not in one
