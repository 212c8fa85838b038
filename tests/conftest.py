import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "plugins"))
# Fixture builds must not merge the demo's admin database into their tiny export.
os.environ["CB_ADMIN_DB"] = ""


@pytest.fixture
def export(tmp_path):
    """A fresh copy of the tiny fixture export, to break one thing at a time."""
    from factory import write_export

    return write_export(tmp_path / "export")


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory):
    """The tiny fixture export built once per test session (read-only: copy it before changing)."""
    from factory import write_export

    from clearbuild.build import build

    base = tmp_path_factory.mktemp("fixture-site")
    return build(output=base / "out", data=write_export(base / "export"), quiet=True).output
