"""Fixtures for the CLI tests: small corpora written here, one shared spaCy model, a stored graph.

Loading the model costs about a second, so the CliRunner tests share one Extractor (patched in where
the CLI builds its own); the subprocess tests run the installed entry point for real.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimgraph.cli import cli
from claimgraph.extract.pipeline import Extractor

# The corpus module sits beside the tests; make it importable however pytest was started.
sys.path.insert(0, str(Path(__file__).parent))

from cli_corpus import Ingested, write_mixed  # noqa: E402


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="session")
def shared_model(extractor: Extractor) -> Iterator[Extractor]:
    """Make the CLI's `Extractor(model)` hand out the session's extractor."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("claimgraph.extract.pipeline.Extractor", lambda model=None: extractor)
        yield extractor


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def ingested(tmp_path_factory: pytest.TempPathFactory, shared_model: Extractor) -> Ingested:
    """The mixed corpus ingested once, through the CLI, with --json."""
    root = tmp_path_factory.mktemp("mixed")
    folder = write_mixed(root / "corpus")
    db = root / "graph.db"
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(db), "--json"])
    return Ingested(db, folder, result)


@pytest.fixture(scope="session")
def claimgraph_exe() -> str:
    """The installed entry point of this interpreter's environment."""
    beside = Path(sys.executable).parent / "claimgraph"
    found = str(beside) if beside.exists() else shutil.which("claimgraph")
    if not found:
        pytest.fail("the claimgraph entry point is not installed: run `make dev`")
    return found
