"""What the export tests share: the bundled sample corpus ingested once, with analyst judgements.

`corpus_db` is the path of a SQLite file holding examples/corpus as `claimgraph ingest` stores it
(real spaCy pipeline), then judged the way an analyst would: an alias added, an entity renamed, one
retyped, one merged into another and that merge undone, one split. Tests must not write to it: copy
the file (`corpus_copy`) for a test that changes the store.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimgraph.export.selection import Filters, Selection, select_graph
from claimgraph.extract.pipeline import Extractor
from claimgraph.ingest_run import run_ingest
from claimgraph.store import Store, open_store

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus"
WHO = "analyst@example.org"


def _judge(store: Store) -> None:
    store.alias_add("wagner-group", "the Wagner outfit", who=WHO, why="house style in our notes")
    store.rename("wagner-group", "Wagner Group (PMC)", who=WHO, why="as our reports name it")
    undone = store.judge_merge("russia", "wagner-group", who=WHO, why="a test merge, undone below")
    store.undo(undone, who=WHO, why="Wagner is not the Russian state")


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export-corpus") / "corpus.db"
    with open_store(str(path)) as store:
        report = run_ingest([str(CORPUS)], store, Extractor())
        assert not report.failed, report.failed
        _judge(store)
    return path


@pytest.fixture
def corpus_copy(corpus_db: Path, tmp_path: Path) -> Path:
    """A copy of corpus_db this test may change."""
    path = tmp_path / "corpus.db"
    shutil.copyfile(corpus_db, path)
    return path


@pytest.fixture
def corpus_store(corpus_db: Path) -> Iterator[Store]:
    with open_store(str(corpus_db)) as store:
        yield store


@pytest.fixture(scope="session")
def corpus_selection(corpus_db: Path) -> Selection:
    """Everything in corpus_db, as every format exports it without filters."""
    with open_store(str(corpus_db)) as store:
        return select_graph(store, Filters())
