"""One SparkSession on local[2] for the whole test session (it takes seconds to start), a corpus, and
what a normal `claimgraph ingest` of that corpus stores: the reference every Spark run must match."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# spark_corpus.py beside this file; warc_builders.py beside the ingest tests
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))

from spark_corpus import snapshot, write_corpus  # noqa: E402

from claimgraph.errors import ClaimgraphError  # noqa: E402

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

MISSING = "no-such-folder"


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """local[2], bound to loopback, as CI runs it; a missing extra or Java fails, never skips."""
    from claimgraph.spark.session import start_session

    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    try:
        session = start_session("local[2]")
    except ClaimgraphError as error:
        pytest.fail(f"cannot start Spark: {error} (`make dev` installs the spark extra)", pytrace=False)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("spark-corpus"))


@pytest.fixture(scope="session")
def inputs(corpus: Path) -> tuple[str, ...]:
    """The folder, plus a missing path and a file of a kind ingest does not read: both fail."""
    return (str(corpus), str(corpus.parent / MISSING), str(corpus / "scan.pdf"))


@pytest.fixture(scope="session")
def reference(inputs: tuple[str, ...], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A normal ingest of the inputs into SQLite: its report's JSON and what the store holds."""
    from claimgraph.extract.pipeline import Extractor
    from claimgraph.ingest_run import run_ingest
    from claimgraph.store import open_store

    path = tmp_path_factory.mktemp("reference") / "local.db"
    with open_store(str(path)) as store:
        report = run_ingest(inputs, store, Extractor())
        return {"report": report.to_json(), "store": snapshot(store)}
