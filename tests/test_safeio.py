"""The shared helpers written once: script-safe JSON, write-if-changed, the check digit."""

from __future__ import annotations

import json

import numpy as np
import pytest

from clearbuild import brn, safeio

# Published business numbers (companies' own sites and disclosures) and one digit off each.
REAL = ["1248100998", "2208162517", "1208147521", "2148755823", "1018100340"]


@pytest.mark.parametrize("number", REAL)
def test_published_business_numbers_are_valid_and_one_digit_off_is_not(number):
    assert brn.valid(number)
    assert not brn.valid(number[:9] + str((int(number[9]) + 1) % 10))
    assert brn.check_digits(np.array([[int(c) for c in number[:9]]]))[0] == int(number[9])


@pytest.mark.parametrize("bad", ["", "123456789", "12345678901", "124810099x", "１２４８１００９９８"])
def test_malformed_numbers_are_invalid(bad):
    assert not brn.valid(bad)


@pytest.mark.parametrize("payload", ["</script><script>alert(1)</script>", "<!-- x", "a&b", "\u2028\u2029"])
def test_script_json_cannot_close_its_block_and_round_trips(payload):
    text = safeio.script_json({"k": payload})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"k": payload}


def test_script_json_refuses_nan():
    with pytest.raises(ValueError):
        safeio.script_json({"x": float("nan")})


def test_write_if_changed_keeps_an_unchanged_file(tmp_path):
    path = tmp_path / "a" / "b.js"
    assert safeio.write_if_changed(path, "x=1")
    mtime = path.stat().st_mtime_ns
    assert not safeio.write_if_changed(path, b"x=1") and path.stat().st_mtime_ns == mtime
    assert safeio.write_if_changed(path, "x=2") and path.read_text() == "x=2"
    assert [p.name for p in path.parent.iterdir()] == ["b.js"]  # no temp file left
