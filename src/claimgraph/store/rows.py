"""Turning pipeline records into table rows: pure functions, no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from claimgraph.model import Article, Claim, Entity, Extraction, Mention
from claimgraph.names import normalise_name

Row = dict[str, Any]
# What the store last sent for an entity's fillable columns: (country, wikidata, provisional).
EntityState = tuple[str | None, str | None, bool]


@dataclass
class Pending:
    """Entities and aliases a store has written (or is writing, in an open transaction)."""

    entities: dict[str, EntityState] = field(default_factory=dict)
    aliases: set[tuple[str, str]] = field(default_factory=set)  # (entity id, alias as written)

    def merge(self, other: Pending) -> None:
        self.entities.update(other.entities)
        self.aliases |= other.aliases

    def clear(self) -> None:
        self.entities.clear()
        self.aliases.clear()

    def __bool__(self) -> bool:
        return bool(self.entities or self.aliases)


@dataclass
class Doc:
    """One item to store, with its hash computed once."""

    article: Article
    extraction: Extraction | None
    status: str
    hash: str

    @classmethod
    def of(cls, article: Article, extraction: Extraction | None, status: str) -> Doc:
        return cls(article, extraction, status, article.hash)

    def entities(self) -> list[Entity]:
        return self.extraction.entities if self.extraction else []

    def mentions(self) -> list[Mention]:
        return self.extraction.mentions if self.extraction else []

    def claims(self) -> list[Claim]:
        return self.extraction.claims if self.extraction else []

    def referenced_ids(self) -> set[str]:
        """Every entity id its mentions and claims point to."""
        ids = {m.entity_id for m in self.mentions()}
        for claim in self.claims():
            ids.update((claim.subject, claim.object))
            if claim.speaker:
                ids.add(claim.speaker)
        return ids


def document_row(doc: Doc, key: str, extractor_version: str, now: datetime) -> Row:
    a = doc.article
    return {
        "doc_key": key, "hash": doc.hash, "text": a.text, "title": a.title, "url": a.url,
        "outlet": a.outlet, "author": a.author, "published": a.published, "source": a.source,
        "language": a.language, "status": doc.status, "extractor_version": extractor_version,
        "ingested_at": now,
    }


def _merge_entity(rows: dict[str, Row], entity: Entity, now: datetime) -> None:
    # The same entity in several documents of a batch: the first name and type win (as in the
    # database), gaps are filled from later ones, and it stays provisional only if all agree.
    row = rows.get(entity.id)
    if row is None:
        rows[entity.id] = {
            "id": entity.id, "name": entity.name, "type": entity.type, "country": entity.country,
            "wikidata": entity.wikidata, "provisional": bool(entity.provisional), "created_at": now,
        }
        return
    row["country"] = row["country"] or entity.country
    row["wikidata"] = row["wikidata"] or entity.wikidata
    row["provisional"] = row["provisional"] and bool(entity.provisional)


def entity_rows(docs: Iterable[Doc], known: Pending, pending: Pending, now: datetime) -> list[Row]:
    """Entity rows still worth sending: those not already sent with the same fillable values."""
    merged: dict[str, Row] = {}
    for doc in docs:
        for entity in doc.entities():
            _merge_entity(merged, entity, now)
    rows = []
    for row in merged.values():
        state: EntityState = (row["country"], row["wikidata"], row["provisional"])
        if known.entities.get(row["id"]) != state:
            rows.append(row)
            pending.entities[row["id"]] = state
    return rows


def _coref_only(mentions: list[Mention]) -> set[tuple[str, str]]:
    # "he", "the secretary": texts that only ever reached an entity by coreference are no alias.
    coref = {(m.entity_id, m.text) for m in mentions if m.rule == "coref"}
    named = {(m.entity_id, m.text) for m in mentions if m.rule != "coref"}
    return coref - named


def alias_rows(docs: Iterable[Doc], known: Pending, pending: Pending) -> list[Row]:
    """(entity, alias) rows for every entity's name and surface forms not yet written."""
    rows: dict[tuple[str, str], Row] = {}
    for doc in docs:
        skip = _coref_only(doc.mentions())
        for entity in doc.entities():
            for alias in [entity.name, *entity.mentions]:
                seen = (entity.id, alias)
                if seen in known.aliases or seen in pending.aliases or seen in skip:
                    continue
                pending.aliases.add(seen)
                normalised = normalise_name(alias)
                if normalised:
                    rows.setdefault((entity.id, normalised),
                                    {"entity_id": entity.id, "alias": alias, "normalised": normalised})
    return list(rows.values())


def mention_rows(document_id: int, doc: Doc) -> list[Row]:
    return [
        {"document_id": document_id, "entity_id": m.entity_id, "start_offset": m.start,
         "end_offset": m.end, "text": m.text, "rule": m.rule, "score": m.score}
        for m in doc.mentions()
    ]


def claim_rows(document_id: int, doc: Doc, extractor_version: str) -> list[Row]:
    return [
        {"document_id": document_id, "subject_id": c.subject, "relation": c.relation,
         "object_id": c.object, "polarity": c.polarity, "modality": c.modality,
         "speaker_id": c.speaker or None, "speaker_key": c.speaker or "", "evidence": c.evidence,
         "start_offset": c.start, "end_offset": c.end, "cue": c.cue, "rule": c.rule,
         "extractor_version": extractor_version}
        for c in doc.claims()
    ]
