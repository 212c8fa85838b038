"""The contracts plugin's pure parts, without a build: data-file escaping, feed XML safety, the
data's date, bucket paths and certificate codes."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from cb_contracts import bucket_of, feeds, jsdata, listings

from clearbuild.certcodes import cert_kind, display_code


def test_data_files_are_one_json_literal_whatever_the_text():
    evil = "</script><script>alert(1)</script>\u2028${alert(1)}`'\""
    src = jsdata.register_source("cbTest", "k", {"n": evil})
    assert "</" not in src and "\u2028" not in src
    m = re.fullmatch(r'window\.cbTest=window\.cbTest\|\|\{\};window\.cbTest\["k"\]=(.*);\n', src, re.S)
    assert json.loads(m.group(1)) == {"n": evil}
    with pytest.raises(ValueError):
        jsdata.register_source("alert(1);x", "k", {})


def test_feed_survives_markup_and_control_characters():
    notice = {"notice_id": "N-1", "title": "a<b>&\x0b\x00c", "agency": "기관 & <co>",
              "published_at": "2025-02-03T09:00", "deadline": "2025-02-20T18:00", "estimated_price": 1000}
    xml = feeds.notice_feed([notice], title="t", path="feeds/notices.xml", site_url="https://example.org",
                            site_name="s", tz=ZoneInfo("Asia/Seoul"))
    root = ET.fromstring(xml)
    entry = root.find("{http://www.w3.org/2005/Atom}entry")
    assert entry.find("{http://www.w3.org/2005/Atom}title").text == "a<b>&c"
    assert entry.find("{http://www.w3.org/2005/Atom}link").get("href") == \
        "https://example.org/notices/N-1/index.html"
    assert entry.find("{http://www.w3.org/2005/Atom}published").text == "2025-02-03T09:00:00+09:00"


def test_bucket_filter_points_where_the_listing_is_written():
    contract = {"contract_id": "C-1", "notice_id": "N-1", "agency": "마포구청", "kind": "goods",
                "method": "open", "signed_at": "2025-04-01"}
    notice = {"notice_id": "N-1", "plan_id": "", "agency": "마포구청", "kind": "goods", "method": "open",
              "published_at": "2025-02-03T09:00"}
    plan = {"plan_id": "P-1", "agency": "마포구청", "kind": "goods", "method": "", "planned_month": "2025-01"}
    slug = listings.agency_slug("마포구청")
    assert bucket_of(contract, "agency") == f"contracts/by/agency/{slug}/2025/index.html"
    assert bucket_of(notice, "method") == "notices/by/method/open/2025-02/index.html"
    assert bucket_of(plan, "month") == "plans/by/month/2025-01/index.html"
    assert slug == listings.agency_slug("마포구청") and re.fullmatch(r"a[0-9a-f]{8}", slug)


def test_certificate_kind_and_code_display():
    assert cert_kind({"kind": "construction", "work_type": ""}) == "general_works"
    assert cert_kind({"kind": "services", "work_type": "waste_services"}) == "waste_services"
    assert display_code("36e77268533a405e") == "36E7-7268-533A-405E"
