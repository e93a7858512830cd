"""Shared fixtures for the extractor tests: the spaCy model and the knowledge base load once per session."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.extract.pipeline import Extractor

# The helpers module sits beside the tests; make it importable however pytest was started.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    # The knowledge base is still being written by hand; a half-saved file fails with E303.
    for attempt in range(3):
        try:
            return Extractor()
        except ClaimgraphError as error:
            if error.code is not Code.KB_INVALID or attempt == 2:
                raise
            time.sleep(20)
    raise AssertionError("unreachable")
