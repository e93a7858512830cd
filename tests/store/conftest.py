from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimgraph.store import Store, open_store

# The builders module sits beside the tests; make it importable however pytest was started.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "graph.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = open_store(str(db_path))
    yield opened
    opened.close()
