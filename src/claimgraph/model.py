"""The records that move through the pipeline: ingest -> extract -> resolve -> store.

Plain dataclasses so every stage (and every test) can build them without a database or a model.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """The form a document is identified by: NFC, whitespace collapsed, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def document_hash(text: str) -> str:
    """A stable id for a text: the same words in other whitespace give the same hash."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


@dataclass
class Article:
    """One document ready for extraction, with whatever metadata its source gave."""

    text: str
    source: str  # the path, URL or "file.jsonl:LINE" it came from
    doc_id: str = ""  # a file's name without extension; else derived from the hash
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as given
    language: str | None = None

    @property
    def hash(self) -> str:
        return document_hash(self.text)

    def __post_init__(self) -> None:
        if not self.doc_id:
            self.doc_id = self.hash[:16]


@dataclass
class Mention:
    """A span of the text that names (or refers back to) an entity."""

    start: int
    end: int
    text: str
    entity_id: str
    rule: str = "ner"  # why it resolved to that entity: alias, acronym, demonym, coref, fuzzy_ratio, ...
    score: float = 1.0  # 1.0 for exact rules; the similarity for fuzzy ones
    alias: str | None = None  # the knowledge-base form it matched, when not the text itself


@dataclass
class Entity:
    id: str
    name: str
    type: str
    mentions: list[str] = field(default_factory=list)
    provisional: bool = False  # True when the knowledge base does not know it
    country: str | None = None
    wikidata: str | None = None


@dataclass
class Claim:
    subject: str
    relation: str
    object: str
    polarity: str  # affirmed | denied
    modality: str  # asserted | hedged
    speaker: str | None
    evidence: str
    start: int
    end: int
    cue: str = ""  # the word or phrase that signalled the relation
    rule: str = ""  # which extraction rule produced it


@dataclass
class Extraction:
    doc_id: str
    entities: list[Entity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    def resolutions(self) -> list[dict[str, object]]:
        """Why each mention landed on its entity: for `claimgraph extract --explain`."""
        return [
            {"text": m.text, "start": m.start, "end": m.end, "entity": m.entity_id, "rule": m.rule,
             "alias": m.alias, "score": round(m.score, 3)}
            for m in self.mentions
        ]

    def to_contract(self) -> dict[str, object]:
        """The JSON object of ../shared/contract/FORMATS.md for this document."""
        return {
            "doc": self.doc_id,
            "entities": [
                {"id": e.id, "name": e.name, "type": e.type, "mentions": e.mentions,
                 "provisional": e.provisional}
                for e in self.entities
            ],
            "claims": [
                {"subject": c.subject, "relation": c.relation, "object": c.object,
                 "polarity": c.polarity, "modality": c.modality, "speaker": c.speaker,
                 "evidence": c.evidence, "start": c.start, "end": c.end, "cue": c.cue}
                for c in self.claims
            ],
        }
