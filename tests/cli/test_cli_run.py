"""run_ingest, the loop behind `claimgraph ingest` and the benchmark: one bad document never ends a run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from claimgraph.extract.pipeline import Extractor
from claimgraph.ingest_run import run_ingest, skip_reason
from claimgraph.model import Article, Extraction
from claimgraph.store import Store, open_store

POISON = "POISON"


@Language.component("cli_test_poison")
def poison(doc: Doc) -> Doc:
    if POISON in doc.text:
        raise RuntimeError("the poison component refuses this text")
    return doc


def write_numbered(folder: Path, n: int, poisoned: Iterable[int] = ()) -> Path:
    folder.mkdir()
    bad = set(poisoned)
    for i in range(n):
        tail = f" {POISON}." if i in bad else ""
        (folder / f"d{i:02d}.txt").write_text(
            f"The US Treasury sanctioned the Sinaloa Cartel on day {i} of the operation.{tail}\n")
    return folder


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(str(tmp_path / "run.db")) as opened:
        yield opened


@pytest.fixture
def poisoned_pipe(extractor: Extractor) -> Iterator[Extractor]:
    extractor.nlp.add_pipe("cli_test_poison", last=True)
    try:
        yield extractor
    finally:
        extractor.nlp.remove_pipe("cli_test_poison")


def test_skip_reasons() -> None:
    assert skip_reason("en") is None
    assert skip_reason("fr") == "language fr not supported yet"
    assert skip_reason(None) == skip_reason("") == "language unknown"


def test_a_failing_rule_fails_one_document(tmp_path: Path, store: Store, extractor: Extractor,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_numbered(tmp_path / "docs", 20)
    real = extractor.extract_doc

    def flaky(doc: Doc, doc_id: str) -> Extraction:
        if doc_id == "d07":
            raise ValueError("a rule tripped")
        return real(doc, doc_id)

    monkeypatch.setattr(extractor, "extract_doc", flaky)
    report = run_ingest([str(folder)], store, extractor, batch_size=6)
    assert report.new == 19
    assert [(item.doc, item.reason) for item in report.failed] == [
        ("d07", "E304 extraction failed: ValueError: a rule tripped")]
    assert store.counts()["documents"] == 19


def test_a_crash_inside_spacy_fails_only_the_document_that_caused_it(
        tmp_path: Path, store: Store, poisoned_pipe: Extractor) -> None:
    folder = write_numbered(tmp_path / "docs", 40, poisoned=(3, 33))
    report = run_ingest([str(folder)], store, poisoned_pipe, batch_size=7)
    assert report.new == 38
    assert sorted(item.doc or "" for item in report.failed) == ["d03", "d33"]
    assert all("poison component" in item.reason for item in report.failed)
    assert store.counts()["documents"] == 38


class FailingStore:
    """A store that refuses one document the way Store.add_documents reports it."""

    def __init__(self, store: Store, refuse: str) -> None:
        self.store = store
        self.refuse = refuse
        self.url = store.url

    def has_hash(self, digest: str) -> bool:
        return self.store.has_hash(digest)

    def counts(self) -> dict[str, int]:
        return self.store.counts()

    def add_documents(self, items: Iterable[tuple[Article, Extraction | None, str]],
                      extractor_version: str) -> list[tuple[str, int]]:
        items = list(items)
        kept = [item for item in items if item[0].doc_id != self.refuse]
        stored = iter(self.store.add_documents(kept, extractor_version))
        return [("failed: disk on fire", 0) if item[0].doc_id == self.refuse else next(stored)
                for item in items]


def test_a_store_failure_fails_one_document(tmp_path: Path, store: Store, extractor: Extractor) -> None:
    folder = write_numbered(tmp_path / "docs", 5)
    failing: Any = FailingStore(store, refuse="d02")
    report = run_ingest([str(folder)], failing, extractor)
    assert report.new == 4
    assert [(item.doc, item.code, item.reason) for item in report.failed] == [
        ("d02", "E203", "E203 could not store: disk on fire")]


def test_the_model_is_loaded_only_when_something_needs_parsing(tmp_path: Path, store: Store,
                                                               extractor: Extractor) -> None:
    folder = write_numbered(tmp_path / "docs", 3)
    loads: list[int] = []

    def factory() -> Extractor:
        loads.append(1)
        return extractor

    first = run_ingest([str(folder)], store, factory)
    again = run_ingest([str(folder)], store, factory)
    assert (first.new, again.duplicate, len(loads)) == (3, 3, 1)


def test_progress_hears_every_item(tmp_path: Path, store: Store, extractor: Extractor) -> None:
    folder = write_numbered(tmp_path / "docs", 5)
    (folder / "empty.txt").write_text("")
    events: list[tuple[str | None, int]] = []
    report = run_ingest([str(folder)], store, extractor, batch_size=2,
                        progress=lambda outcome, advance: events.append((outcome, advance)))
    assert sum(advance for _, advance in events) == report.handled == 6
    outcomes = [outcome for outcome, _ in events if outcome]
    assert sorted(outcomes) == ["failed"] + ["new"] * 5
