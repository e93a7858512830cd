from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimgraph.store import Store, open_store

# The builders module sits beside the tests; make it importable however pytest was started.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def store(db: str) -> Iterator[Store]:
    """A store on a fresh database of each backend (`db`: its path or URL)."""
    opened = open_store(db)
    yield opened
    opened.close()
