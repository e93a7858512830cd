"""What an export holds: the links the filters keep, every claim behind them, their documents,
mentions and entities, read from one snapshot of the store.

Every format (STIX, FollowTheMoney, GraphML/GEXF, CSV) is written from a Selection, so the filters
of `claimgraph export` mean the same in all of them:

  entity    links with that actor (an id, name or alias) at either end;
  other     with entity: only the links between the two actors (a link page's export);
  relation  a stored relation, or a family of data/analysis.yaml (its members);
  status    links of that status (analyse/links.py: corroborated, single-source, contested, denied);
  since     evidence published on or after that ISO date (undated evidence is then left out), and the
            links as assessed over that evidence alone.

A claim is selected when its link is; a document when one of its claims is; an entity when it is an
end or the speaker of a selected claim. Everything is in a stable order (documents and claims by id,
entities by id), so the same store gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, or_, select

from claimgraph.analyse.config import AnalysisConfig, load
from claimgraph.analyse.links import Link, assess, claims_with_origin, link_key_of, source_column
from claimgraph.errors import ClaimgraphError, Code
from claimgraph.ontology import RELATIONS, STATUSES
from claimgraph.store.engine import read_transaction
from claimgraph.store.schema import aliases, claims, document_copies, documents, entities, mentions

if TYPE_CHECKING:
    from claimgraph.store import Store

_CHUNK = 500
LinkKey = tuple[str, str, str]


@dataclass(frozen=True)
class Filters:
    entity: str | None = None
    relation: str | None = None
    status: str | None = None
    since: str | None = None
    other: str | None = None

    def is_empty(self) -> bool:
        return not self.as_dict()

    def as_dict(self) -> dict[str, str]:
        found = {"entity": self.entity, "other": self.other, "relation": self.relation, "status": self.status,
                 "since": self.since}
        return {name: value for name, value in found.items() if value is not None}


@dataclass
class Entity:
    id: str
    name: str
    type: str
    country: str | None
    wikidata: str | None
    provisional: bool
    aliases: list[str] = field(default_factory=list)
    designations: list[dict[str, Any]] = field(default_factory=list)  # from the knowledge base
    note: str | None = None
    degree: int = 0  # selected links it is an end of
    created_at: str = ""  # when the store first held it, ISO 8601 in UTC


@dataclass
class Document:
    id: int
    key: str  # doc_key
    title: str | None
    url: str | None
    outlet: str | None
    author: str | None
    published: str | None
    language: str | None
    ingested_at: str  # ISO 8601, UTC
    copy_of: str | None  # doc key of the document it copies (syndicated or spun), if any
    story: str  # doc key of its story's origin (itself for an origin)
    text: str


@dataclass
class Claim:
    id: int
    document: str  # doc key
    subject: str
    relation: str
    object: str
    polarity: str
    modality: str
    speaker: str | None
    evidence: str
    start: int
    end: int
    cue: str
    source: str  # the independent source it counts for (its story origin's outlet, by default)
    link: LinkKey  # the selected link it is evidence for


@dataclass
class Mention:
    document: str
    entity: str
    text: str
    start: int
    end: int


@dataclass
class Selection:
    filters: Filters
    links: list[Link]
    claims: list[Claim]
    documents: list[Document]
    entities: dict[str, Entity]  # by id, sorted
    mentions: list[Mention]

    def link_claims(self) -> dict[LinkKey, list[Claim]]:
        grouped: dict[LinkKey, list[Claim]] = {}
        for claim in self.claims:
            grouped.setdefault(claim.link, []).append(claim)
        return grouped

    def document(self, key: str) -> Document:
        return self._by_key[key]

    @cached_property
    def _by_key(self) -> dict[str, Document]:
        return {doc.key: doc for doc in self.documents}


def link_key(link: Link) -> LinkKey:
    return (link.subject, link.relation or "", link.object)


def check_filters(filters: Filters, config: AnalysisConfig | None = None) -> None:
    """Refuse values no link could have, naming the ones that would do (E401)."""
    config = config or load()
    relation, status = filters.relation, filters.status
    if relation is not None and relation not in RELATIONS and relation not in config.families:
        choices = ", ".join([*RELATIONS, *(f for f in config.families if f not in RELATIONS)])
        raise ClaimgraphError(Code.BAD_OPTION, f"relation {relation!r} is no relation or family ({choices})")
    if status is not None and status not in STATUSES:
        raise ClaimgraphError(Code.BAD_OPTION, f"status {status!r} is not one of {', '.join(STATUSES)}")
    if filters.other is not None and filters.entity is None:
        raise ClaimgraphError(Code.BAD_OPTION, "the other end of a link needs its first end (entity) too")


def select_graph(store: Store, filters: Filters | None = None) -> Selection:
    """The selection the filters keep (all of the graph without filters)."""
    filters = filters or Filters()
    config = load()
    check_filters(filters, config)
    with read_transaction(store.engine) as conn:
        entity_ids = _named(store, conn, filters.entity)
        other_ids = _named(store, conn, filters.other)
    links = assess(store, entity=filters.entity, relation=filters.relation, status=filters.status,
                   since=filters.since, config=None)
    if entity_ids is not None and other_ids is not None:
        links = [link for link in links if _between(link, set(entity_ids), set(other_ids))]
    wanted = {link_key(link): link for link in links}
    with read_transaction(store.engine) as conn:
        found = _claims(conn, config, entity_ids, filters, wanted)
        docs = _documents(conn, sorted({claim.document for claim in found}))
        ids = sorted({end for claim in found for end in (claim.subject, claim.object, claim.speaker) if end})
        chosen = _entities(conn, ids)
        said = _mentions(conn, docs, set(ids))
    for link in links:
        for end in {link.subject, link.object}:
            if end in chosen:
                chosen[end].degree += 1
    return Selection(filters, links, found, docs, chosen, said)


def _named(store: Store, conn: Connection, name: str | None) -> list[str] | None:
    if name is None:
        return None
    found = store.match_in(conn, name)
    if not found:
        raise ClaimgraphError(Code.UNKNOWN_ENTITY, f"no stored entity is called {name!r}; "
                                                   "try `claimgraph entities`")
    return found


def _between(link: Link, one: set[str], other: set[str]) -> bool:
    return (link.subject in one and link.object in other) or (link.subject in other and link.object in one)


def _claims(conn: Connection, config: AnalysisConfig, entity_ids: Sequence[str] | None, filters: Filters,
            wanted: dict[LinkKey, Link]) -> list[Claim]:
    query = (
        select(claims.c.id, documents.c.doc_key, claims.c.subject_id, claims.c.relation, claims.c.object_id,
               claims.c.polarity, claims.c.modality, claims.c.speaker_id, claims.c.evidence,
               claims.c.start_offset, claims.c.end_offset, claims.c.cue, source_column(config))
        .select_from(claims_with_origin())
        .order_by(claims.c.id)
    )
    if entity_ids is not None:
        query = query.where(or_(claims.c.subject_id.in_(entity_ids), claims.c.object_id.in_(entity_ids)))
    if filters.since is not None:
        query = query.where(documents.c.published >= filters.since)
    found = []
    for row in conn.execute(query):
        (claim_id, doc_key, subject, relation, obj, polarity, modality, speaker, evidence, start, end, cue,
         source_key) = row
        key, _symmetric = link_key_of(config, subject, relation, obj)
        if key in wanted:
            found.append(Claim(claim_id, doc_key, subject, relation, obj, polarity, modality, speaker,
                               evidence, start, end, cue, source_key, key))
    return found


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


def _documents(conn: Connection, keys: Sequence[str]) -> list[Document]:
    origin = documents.alias("origin")
    copied = documents.alias("copied")
    query = (
        select(documents.c.id, documents.c.doc_key, documents.c.title, documents.c.url, documents.c.outlet,
               documents.c.author, documents.c.published, documents.c.language, documents.c.ingested_at,
               copied.c.doc_key, origin.c.doc_key, documents.c.text)
        .select_from(documents.outerjoin(document_copies, document_copies.c.document_id == documents.c.id)
                     .outerjoin(copied, copied.c.id == document_copies.c.copy_of)
                     .outerjoin(origin, origin.c.id == document_copies.c.story_id))
    )
    found = []
    for part in _chunks(keys):
        for row in conn.execute(query.where(documents.c.doc_key.in_(part))):
            (doc_id, key, title, url, outlet, author, published, language, ingested, copy_of, story,
             text) = row
            found.append(Document(doc_id, key, title, url, outlet, author, published, language, iso(ingested),
                                  copy_of, story or key, text))
    return sorted(found, key=lambda doc: doc.id)


def iso(value: datetime | str | None) -> str:
    """A stored timestamp as ISO 8601 in UTC (SQLite hands them back naive)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _entities(conn: Connection, ids: Sequence[str]) -> dict[str, Entity]:
    from claimgraph.resolve.kb import load_kb

    kb = load_kb()
    found: dict[str, Entity] = {}
    for part in _chunks(ids):
        query = select(entities.c.id, entities.c.name, entities.c.type, entities.c.country,
                       entities.c.wikidata, entities.c.provisional, entities.c.created_at) \
            .where(entities.c.id.in_(part))
        for entity_id, name, type_, country, wikidata, provisional, created in conn.execute(query):
            actor = kb.get(entity_id)
            found[entity_id] = Entity(
                entity_id, name, type_, country, wikidata or (actor.wikidata if actor else None),
                bool(provisional), designations=list(actor.designations) if actor else [],
                note=actor.note if actor else None, created_at=iso(created))
        names = select(aliases.c.entity_id, aliases.c.alias).where(aliases.c.entity_id.in_(part))
        for entity_id, alias in conn.execute(names.order_by(aliases.c.entity_id, aliases.c.normalised)):
            if alias != found[entity_id].name:
                found[entity_id].aliases.append(alias)
    return dict(sorted(found.items()))


def _mentions(conn: Connection, docs: Sequence[Document], ids: set[str]) -> list[Mention]:
    keys = {doc.id: doc.key for doc in docs}
    found = []
    for part in _chunks(sorted(keys)):
        query = (select(mentions.c.document_id, mentions.c.entity_id, mentions.c.text,
                        mentions.c.start_offset, mentions.c.end_offset)
                 .where(mentions.c.document_id.in_(part))
                 .order_by(mentions.c.document_id, mentions.c.start_offset, mentions.c.id))
        for doc_id, entity_id, text, start, end in conn.execute(query):
            if entity_id in ids:
                found.append(Mention(keys[doc_id], entity_id, text, start, end))
    return found
