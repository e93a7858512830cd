"""The whole pipeline on real text: the bundled sample corpus and the two seed articles.

Structural checks only (counts, offsets, references): the seeds' annotations stay in ../shared.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimgraph.extract.pipeline import Extractor
from claimgraph.ingest import iter_articles
from claimgraph.ingest_run import run_ingest
from claimgraph.model import Article
from claimgraph.store import open_store

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def test_sample_corpus_ingests_cleanly_and_twice_adds_nothing(tmp_path: Path, extractor: Extractor) -> None:
    store = open_store(str(tmp_path / "demo.db"))
    first = run_ingest([str(CORPUS)], store, extractor)
    assert first.failed == []
    assert [item.reason for item in first.skipped] == ["language es not supported yet"]
    assert first.new >= 25
    counts = store.counts()
    assert counts["claims"] >= 100 and counts["entities"] >= 100
    again = run_ingest([str(CORPUS)], store, extractor)
    assert (again.new, again.duplicate, store.counts()) == (0, first.new + 1, counts)


def test_every_corpus_claim_points_at_its_evidence(extractor: Extractor) -> None:
    articles = [a for a in iter_articles([str(CORPUS)]) if isinstance(a, Article) and a.language == "en"]
    relations = set()
    for article, extraction in extractor.extract(articles):
        ids = {entity.id for entity in extraction.entities}
        for claim in extraction.claims:
            assert article.text[claim.start:claim.end] == claim.evidence
            assert {claim.subject, claim.object} <= ids
            assert claim.speaker is None or claim.speaker in ids
            relations.add(claim.relation)
    # the corpus was written to exercise most of the ontology
    assert len(relations) >= 10


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_articles_yield_claims(seed: Path, extractor: Extractor) -> None:
    text = seed.read_text(encoding="utf-8")
    extraction = extractor.extract_text(text, seed.stem)
    record = extraction.to_contract()
    assert record["doc"] == seed.stem
    assert len(extraction.claims) >= 3
    for claim in extraction.claims:
        assert text[claim.start:claim.end] == claim.evidence
        assert claim.polarity in ("affirmed", "denied") and claim.modality in ("asserted", "hedged")


def test_the_seeds_are_there() -> None:
    # CI clones main with ../shared beside it; without the seeds the test above would silently vanish
    assert len(list(SEEDS.glob("*.txt"))) == 2
