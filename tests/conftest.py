import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of data/ for tests that break a table on purpose."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest
