"""Helpers for the extractor tests: claims as plain tuples, so tests assert with `in` / `not in`."""

from __future__ import annotations

from claimgraph.extract.lexicon import SYMMETRIC
from claimgraph.extract.pipeline import Extractor
from claimgraph.model import Entity, Extraction

ClaimTuple = tuple[str, str, str, str, str, str | None]
StanceTuple = tuple[str, str, str, str, str]


def claim(subject: str, relation: str, obj: str, polarity: str = "affirmed", modality: str = "asserted",
          speaker: str | None = None) -> ClaimTuple:
    """One expected claim; a symmetric relation is written with its ends in a canonical order."""
    if relation in SYMMETRIC and obj < subject:
        subject, obj = obj, subject
    return (subject, relation, obj, polarity, modality, speaker)


def claims_of(extractor: Extractor, text: str) -> set[ClaimTuple]:
    """(subject, relation, object, polarity, modality, speaker) of every claim read from text."""
    return {claim(c.subject, c.relation, c.object, c.polarity, c.modality, c.speaker)
            for c in extractor.extract_text(text).claims}


def stances_of(extractor: Extractor, text: str) -> set[StanceTuple]:
    """The claims without their speaker: for tests about polarity and modality alone."""
    return {c[:5] for c in claims_of(extractor, text)}


def pairs_of(extractor: Extractor, text: str) -> set[tuple[str, str]]:
    """Every (subject, object) pair a claim links, whatever the relation."""
    return {(c[0], c[2]) for c in claims_of(extractor, text)}


def entity(extraction: Extraction, entity_id: str) -> Entity:
    found = [e for e in extraction.entities if e.id == entity_id]
    assert found, f"{entity_id} not among {[e.id for e in extraction.entities]}"
    return found[0]


def mentions_of(extraction: Extraction, entity_id: str) -> list[str]:
    """The surface texts the extractor resolved to entity_id, in document order."""
    return [m.text for m in extraction.mentions if m.entity_id == entity_id]
