"""The fixture site equals the committed golden output (regenerate with `invoke golden`)."""

from golden import GOLDEN, build_fixture, snapshot


def test_fixture_site_matches_golden(tmp_path):
    snap = snapshot(build_fixture(tmp_path))
    committed = {str(p.relative_to(GOLDEN)): p.read_text(encoding="utf-8")
                 for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(snap) == sorted(committed), "pages differ: run `invoke golden` and review"
    for name, text in snap.items():
        assert text == committed[name], f"{name} differs from tests/golden: run `invoke golden` and review the diff"
