"""Link assessment: how well supported each alleged link is, by whom, and who denies it.

INTERFACE (owned by the link-assessment engineer; the briefing engineer builds on it): the dataclasses
Evidence, Link, PairEvidence and the functions assess, pair, evidence_for keep their names and fields;
later fields and keyword arguments only ever come with defaults.

Everything is computed from the stored claims (one GROUP BY in the database, folded here). The
plain whole assessment (default rules, no roll-up, no date filter) is also kept in the `link_cache`
table with the state of the store it was computed from (claims, judgements and copy rows); a query on
a store in another state recomputes it first, so an answer is never stale, and `links --entity X`
then reads a few rows instead of folding every claim of a busy actor.

Independent sources: a claim's source is, by default, the outlet of its document's *origin* (the
document's `document_copies.story_id`; a document without a row is its own origin), falling back to the
origin's doc key when it has no outlet. So a syndicated or spun copy lands on the source it copies and
never counts as independent corroboration. `status.source` in data/analysis.yaml switches to the
speaker (falling back to the origin outlet) or the origin document.

Status (the thresholds are data/analysis.yaml's `status`):
  denied        no source affirms it, at least one denies it;
  contested     affirmed by one source and denied by another;
  corroborated  affirmed by >= min_independent_sources sources (hedged claims count unless
                hedged_counts is false) and denied by none;
  single-source everything else (one affirming source, or one source both affirming and denying).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection, and_, case, delete, func, insert, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from claimgraph.analyse.config import AnalysisConfig, load
from claimgraph.ontology import RELATIONS
from claimgraph.ontology import STATUSES as STATUSES  # part of this module's interface
from claimgraph.store.contention import LINK_CACHE_LOCK, lock_keys
from claimgraph.store.engine import read_transaction, write_transaction
from claimgraph.store.schema import claims, document_copies, documents, entities, judgements, link_cache, meta

if TYPE_CHECKING:
    from claimgraph.store import Store

# "strongest first": corroborated, then contested (it has support), then single-source, then denied
_RANK = {"corroborated": 0, "contested": 1, "single-source": 2, "denied": 3}
_CHUNK = 500


@dataclass
class Evidence:
    """One stored claim as evidence for or against a link."""

    claim_id: int
    subject: str
    relation: str
    object: str
    polarity: str  # affirmed | denied
    modality: str  # asserted | hedged
    speaker: str | None  # entity id
    speaker_name: str | None
    document: str  # doc_key
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    evidence: str
    start: int
    end: int
    source: str  # the independent source key: the origin document's outlet (copies folded)
    copy_of: str | None = None  # doc_key of the origin when this document is a copy
    subject_name: str = ""
    object_name: str = ""


@dataclass
class Link:
    """One (subject, relation, object) — or one unordered pair when relation is None."""

    subject: str
    subject_name: str
    relation: str | None
    object: str
    object_name: str
    affirmed: int = 0
    denied: int = 0
    asserted: int = 0
    hedged: int = 0
    speakers: list[str] = field(default_factory=list)  # distinct speaker ids (None excluded)
    sources_for: list[str] = field(default_factory=list)  # independent sources affirming
    sources_against: list[str] = field(default_factory=list)  # independent sources denying
    first_seen: str | None = None  # earliest published date (ISO) of its evidence
    last_seen: str | None = None
    status: str = "single-source"  # one of STATUSES
    # added: the stored relations behind it (several under a roll-up or for a pair), and whether its
    # ends are unordered (subject and object then sorted by id)
    relations: list[str] = field(default_factory=list)
    symmetric: bool = False
    unattributed: int = 0  # claims with no named speaker

    @property
    def claims(self) -> int:
        return self.affirmed + self.denied

    @property
    def hedged_share(self) -> float:
        return self.hedged / self.claims if self.claims else 0.0


@dataclass
class PairEvidence:
    """Everything stored about two actors: the links between them and their evidence, for and
    against, grouped by independent source (copies folded under their origin)."""

    a: str
    b: str
    links: list[Link]
    affirming: dict[str, list[Evidence]]  # source key -> evidence, earliest first
    denying: dict[str, list[Evidence]]
    a_name: str = ""
    b_name: str = ""
    # evidence per source, {"affirming": {source: n}, "denying": {...}}, when the lists hold a page
    # of it (pair_page); empty when they hold all of it
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


# --- SQL pieces ----------------------------------------------------------------------------------
_origin = documents.alias("origin")


def _from_clause() -> Any:
    """claims -> their document -> its copy row (if any) -> the origin document of its story."""
    origin_id = func.coalesce(document_copies.c.story_id, claims.c.document_id)
    return (
        claims.join(documents, documents.c.id == claims.c.document_id)
        .outerjoin(document_copies, document_copies.c.document_id == claims.c.document_id)
        .outerjoin(_origin, _origin.c.id == origin_id)
    )


def claims_with_origin() -> Any:
    """claims joined to their document and its story's origin (for exports that name each claim's
    independent source with `source_column`)."""
    return _from_clause()


def source_column(config: AnalysisConfig) -> ColumnElement[Any]:
    """The independent source a claim counts for, over `claims_with_origin()`."""
    return _source_expr(config)


def _source_expr(config: AnalysisConfig) -> ColumnElement[Any]:
    # An origin row deleted under its copy (story_id has no foreign key) falls back to the document.
    if config.source == "document":
        return case((_origin.c.id.is_not(None), _origin.c.doc_key), else_=documents.c.doc_key)
    outlet = case(
        (_origin.c.id.is_not(None), func.coalesce(_origin.c.outlet, _origin.c.doc_key)),
        else_=func.coalesce(documents.c.outlet, documents.c.doc_key),
    )
    if config.source == "speaker":
        return func.coalesce(claims.c.speaker_id, outlet)
    return outlet


def _copy_of_expr() -> ColumnElement[Any]:
    return case(
        (and_(_origin.c.id.is_not(None), _origin.c.id != claims.c.document_id), _origin.c.doc_key),
        else_=None,
    )


def until_bound(until: str) -> str:
    """The exclusive upper bound of dates on or before `until`: dates are ISO strings of varying
    precision, and every one that starts with `until` ("2024-05" -> "2024-05-31T10:00") sorts below
    `until` followed by a character above any ISO character."""
    return until + "\x7f"


def _where(entity_ids: Sequence[str] | None, relations: Sequence[str] | None, since: str | None,
           until: str | None = None, speaker_ids: Sequence[str] | None = None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if entity_ids is not None:
        where.append(or_(claims.c.subject_id.in_(entity_ids), claims.c.object_id.in_(entity_ids)))
    if relations is not None:
        where.append(claims.c.relation.in_(relations))
    if since is not None:
        where.append(documents.c.published >= since)
    if until is not None:
        where.append(documents.c.published < until_bound(until))
    if speaker_ids is not None:
        where.append(claims.c.speaker_id.in_(speaker_ids))
    return where


@contextmanager
def _connect(store: Store) -> Iterator[Connection]:
    # one read transaction gives every statement of a query the same snapshot
    with read_transaction(store.engine) as conn:
        yield conn


def _names(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(ids))
    found: dict[str, str] = {}
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i:i + _CHUNK]
        query = select(entities.c.id, entities.c.name).where(entities.c.id.in_(chunk))
        found.update(conn.execute(query).all())
    return found


# --- folding -------------------------------------------------------------------------------------
@dataclass
class _Acc:
    affirmed: int = 0
    denied: int = 0
    asserted: int = 0
    hedged: int = 0
    unattributed: int = 0
    speakers: set[str] = field(default_factory=set)
    sources_for: set[str] = field(default_factory=set)
    counting_for: set[str] = field(default_factory=set)  # affirming sources that count toward corroboration
    sources_against: set[str] = field(default_factory=set)
    relations: set[str] = field(default_factory=set)
    first: str | None = None
    last: str | None = None
    symmetric: bool = False

    def add(self, relation: str, source: str, polarity: str, modality: str, speaker: str | None, n: int,
            first: str | None, last: str | None, hedged_counts: bool) -> None:
        self.relations.add(relation)
        if polarity == "denied":
            self.denied += n
            self.sources_against.add(source)
        else:
            self.affirmed += n
            self.sources_for.add(source)
            if hedged_counts or modality != "hedged":
                self.counting_for.add(source)
        if modality == "hedged":
            self.hedged += n
        else:
            self.asserted += n
        if speaker is None:
            self.unattributed += n
        else:
            self.speakers.add(speaker)
        if first is not None and (self.first is None or first < self.first):
            self.first = first
        if last is not None and (self.last is None or last > self.last):
            self.last = last


def status_of(sources_for: set[str], counting_for: set[str], sources_against: set[str],
              config: AnalysisConfig) -> str:
    """The status rule of the module docstring, thresholds from `config`."""
    if sources_against and not sources_for:
        return "denied"
    if sources_against and len(sources_for | sources_against) >= 2:
        return "contested"
    if not sources_against and len(counting_for) >= config.min_sources:
        return "corroborated"
    return "single-source"


Key = tuple[str, str | None, str]


def link_key_of(config: AnalysisConfig, subject: str, relation: str, obj: str,
                roll_up: bool = False) -> tuple[tuple[str, str, str], bool]:
    """The (subject, relation, object) a claim folds into, and whether its relation is symmetric (its
    ends are then sorted by id): how a link and the claims behind it are matched, here and in exports."""
    symmetric = config.is_symmetric(relation, roll_up)
    if symmetric and obj < subject:
        subject, obj = obj, subject
    return (subject, relation, obj), symmetric


class _Folder:
    """Folds rows (subject, relation, object, source, polarity, modality, speaker, n, first, last) into
    links."""

    def __init__(self, config: AnalysisConfig, roll_up: bool = False, by_pair: bool = False) -> None:
        self.config = config
        self.roll_up = roll_up
        self.by_pair = by_pair
        self.accs: dict[Key, _Acc] = {}

    def key(self, subject: str, relation: str, obj: str) -> tuple[Key, bool]:
        if self.by_pair:
            return (min(subject, obj), None, max(subject, obj)), True
        name = self.config.family_of(relation) if self.roll_up else relation
        return link_key_of(self.config, subject, name, obj, self.roll_up)

    def add(self, row: Sequence[Any]) -> None:
        subject, relation, obj, source, polarity, modality, speaker, n, first, last = row
        key, symmetric = self.key(subject, relation, obj)
        acc = self.accs.get(key)
        if acc is None:
            acc = self.accs[key] = _Acc(symmetric=symmetric)
        acc.add(relation, source, polarity, modality, speaker, int(n), first, last, self.config.hedged_counts)

    def links(self, names: dict[str, str]) -> list[Link]:
        found: list[Link] = []
        for (subject, relation, obj), acc in self.accs.items():
            found.append(Link(
                subject=subject, subject_name=names.get(subject, subject), relation=relation, object=obj,
                object_name=names.get(obj, obj), affirmed=acc.affirmed, denied=acc.denied,
                asserted=acc.asserted, hedged=acc.hedged, speakers=sorted(acc.speakers),
                sources_for=sorted(acc.sources_for), sources_against=sorted(acc.sources_against),
                first_seen=acc.first, last_seen=acc.last,
                status=status_of(acc.sources_for, acc.counting_for, acc.sources_against, self.config),
                relations=sorted(acc.relations), symmetric=acc.symmetric,
                unattributed=acc.unattributed,
            ))
        found.sort(key=_strength)
        return found

    def ids(self) -> set[str]:
        return {end for key in self.accs for end in (key[0], key[2])}


def _strength(link: Link) -> tuple[Any, ...]:
    return (_RANK[link.status], -len(link.sources_for), -link.affirmed, link.subject, link.relation or "",
            link.object)


def _relations_for(relation: str | None, roll_up: bool, config: AnalysisConfig) -> list[str] | None:
    if relation is None:
        return None
    if roll_up or relation not in RELATIONS:
        return list(config.members(relation))
    return [relation]


# --- the interface -------------------------------------------------------------------------------
def assess(store: Store, *, entity: str | None = None, relation: str | None = None,
           status: str | None = None, since: str | None = None, roll_up: bool = False,
           by_pair: bool = False, config: AnalysisConfig | None = None, cached: bool = True,
           until: str | None = None, speaker: str | None = None) -> list[Link]:
    """Links touching `entity` (an id, name or alias), filtered; strongest first.

    `relation` is a stored relation, or (with `roll_up`, or when it names no relation) a family of
    data/analysis.yaml. `roll_up` counts each relation under its family; `by_pair` gives one link per
    unordered pair of actors over all their relations (relation None). `since` and `until` keep
    evidence published in that ISO date range (undated evidence is then left out); `speaker` keeps the
    claims of one speaker (an id, name or alias). The plain assessment is read from the link cache
    (see the module docstring) unless `cached` is false.
    """
    config_given = config is not None
    config = config or load()
    if cached and _cacheable(config_given, relation, roll_up, by_pair, since, until, speaker):
        return _from_cache(store, config, entity, relation, status)
    return _assess_live(store, config, entity=entity, relation=relation, status=status, since=since,
                        roll_up=roll_up, by_pair=by_pair, until=until, speaker=speaker)


def _cacheable(config_given: bool, relation: str | None, roll_up: bool, by_pair: bool, since: str | None,
               until: str | None, speaker: str | None) -> bool:
    """Whether a query asks for the plain assessment, which the link cache holds."""
    plain = not (config_given or roll_up or by_pair) and since is None and until is None and speaker is None
    return plain and (relation is None or relation in RELATIONS)


def links_page(store: Store, *, entity: str | None = None, relation: str | None = None,
               status: str | None = None, since: str | None = None, until: str | None = None,
               speaker: str | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Link]]:
    """(how many links, one page of them), strongest first; the filters of `assess`. From the cache,
    only the page is decoded, so a busy actor's first page costs what a quiet one's does."""
    config = load()
    if not _cacheable(False, relation, False, False, since, until, speaker):
        found = _assess_live(store, config, entity=entity, relation=relation, status=status, since=since,
                             roll_up=False, by_pair=False, until=until, speaker=speaker)
        return len(found), found[offset:offset + limit]
    _ensure_cache(store, config)
    with _connect(store) as conn:
        where = _cache_where(store, conn, entity, relation, status)
        if where is None:
            return 0, []
        total = conn.execute(select(func.count()).select_from(link_cache).where(*where)).scalar_one()
        texts = conn.execute(select(link_cache.c.link).where(*where).order_by(link_cache.c.rank)
                             .limit(limit).offset(offset)).scalars().all()
    return int(total), _cached_links(texts)


def status_counts(store: Store) -> dict[str, int]:
    """How many links of the plain assessment have each status (every status, zeros included)."""
    _ensure_cache(store, load())
    with _connect(store) as conn:
        query = select(link_cache.c.status, func.count()).group_by(link_cache.c.status)
        found = {status: int(n) for status, n in conn.execute(query)}
    return {status: found.get(status, 0) for status in STATUSES}


def most_connected(store: Store, limit: int = 10) -> list[dict[str, Any]]:
    """The actors with the most links in the plain assessment: [{id, name, type, links}], most first.
    Counted on the link cache's end indexes, so it costs what the number of links does, not claims."""
    _ensure_cache(store, load())
    # one GROUP BY per end, each reading its index in order, then summed over the few actors
    ends = union_all(
        select(link_cache.c.subject_id.label("entity_id"), func.count().label("n"))
        .group_by(link_cache.c.subject_id),
        select(link_cache.c.object_id, func.count()).group_by(link_cache.c.object_id)).subquery()
    n = func.sum(ends.c.n).label("links")
    top = (select(ends.c.entity_id, n).group_by(ends.c.entity_id)
           .order_by(n.desc(), ends.c.entity_id).limit(limit).subquery())
    query = (select(top.c.entity_id, entities.c.name, entities.c.type, top.c.links)
             .join(entities, entities.c.id == top.c.entity_id).order_by(top.c.links.desc(), top.c.entity_id))
    with _connect(store) as conn:
        return [{"id": i, "name": name, "type": kind, "links": int(links)}
                for i, name, kind, links in conn.execute(query)]


def links_among(store: Store, ids: Sequence[str], *, relation: str | None = None,
                status: str | None = None, limit: int = 50) -> list[Link]:
    """The strongest links whose both ends are among `ids` (plain assessment, from the cache)."""
    if relation is not None and relation not in RELATIONS:
        return []
    _ensure_cache(store, load())
    wanted = sorted(set(ids))[:_CHUNK]
    with _connect(store) as conn:
        where = [*(_cache_where(store, conn, None, relation, status) or []),
                 link_cache.c.subject_id.in_(wanted), link_cache.c.object_id.in_(wanted)]
        query = select(link_cache.c.link).where(*where).order_by(link_cache.c.rank).limit(limit)
        texts = conn.execute(query).scalars().all()
    return _cached_links(texts)


def entity_links(store: Store, entity_id: str, per_relation: int = 10) -> list[dict[str, Any]]:
    """An actor's links grouped by relation, largest group first: {relation, total, by_status: {status:
    n}, links: the strongest `per_relation` links}. Two statements on the link cache, whatever the
    number of links; answers are remembered (memo.py), as a hub's page asks for thousands."""
    from claimgraph.analyse.memo import remember

    return remember(store, "entity_links", (entity_id, per_relation),
                    lambda: _entity_links(store, entity_id, per_relation))


def _entity_links(store: Store, entity_id: str, per_relation: int) -> list[dict[str, Any]]:
    config = load()
    _ensure_cache(store, config)
    groups: dict[str, dict[str, Any]] = {}
    with _connect(store) as conn:
        where = _cache_where(store, conn, entity_id, None, None)
        if where is None:
            return []
        counts = select(link_cache.c.relation, link_cache.c.status, func.count()).where(*where)
        for relation, status, n in conn.execute(counts.group_by(link_cache.c.relation, link_cache.c.status)):
            group = groups.setdefault(relation, {"relation": relation, "total": 0, "by_status": {},
                                                 "links": []})
            group["total"] += int(n)
            group["by_status"][status] = int(n)
        if per_relation <= 0:
            return sorted(groups.values(), key=lambda group: (-group["total"], group["relation"]))
        # Rank the (small) id rows first; only the chosen links' JSON is read.
        place = func.row_number().over(partition_by=link_cache.c.relation, order_by=link_cache.c.rank)
        ranked = (select(link_cache.c.id, link_cache.c.relation, place.label("place"))
                  .where(*where).subquery())
        chosen = (select(ranked.c.relation, link_cache.c.link)
                  .join(link_cache, link_cache.c.id == ranked.c.id)
                  .where(ranked.c.place <= per_relation).order_by(ranked.c.relation, ranked.c.place))
        rows = conn.execute(chosen).all()
    for (relation, _), link in zip(rows, _cached_links([text for _, text in rows]), strict=True):
        groups[relation]["links"].append(link)
    return sorted(groups.values(), key=lambda group: (-group["total"], group["relation"]))


def _assess_live(store: Store, config: AnalysisConfig, *, entity: str | None, relation: str | None,
                 status: str | None, since: str | None, roll_up: bool, by_pair: bool,
                 until: str | None = None, speaker: str | None = None) -> list[Link]:
    source = _source_expr(config).label("source")
    first = func.min(documents.c.published)
    last = func.max(documents.c.published)
    group = (claims.c.subject_id, claims.c.relation, claims.c.object_id, source, claims.c.polarity,
             claims.c.modality, claims.c.speaker_id)
    folder = _Folder(config, roll_up=roll_up, by_pair=by_pair)
    with _connect(store) as conn:
        ids: list[str] | None = None
        if entity is not None:
            ids = store.match_in(conn, entity)
            if not ids:
                return []
        speaker_ids = store.match_in(conn, speaker) if speaker is not None else None
        if speaker_ids is not None and not speaker_ids:
            return []
        where = _where(ids, _relations_for(relation, roll_up, config), since, until, speaker_ids)
        query = (select(*group, func.count(), first, last).select_from(_from_clause())
                 .where(*where).group_by(*group))
        for row in conn.execute(query):
            folder.add(row)
        names = _names(conn, folder.ids())
    links = folder.links(names)
    if status is not None:
        links = [link for link in links if link.status == status]
    return links


# --- the link cache ------------------------------------------------------------------------------
_CACHE_KEY = "link_cache_state"


def _store_state(conn: Connection, config: AnalysisConfig) -> str:
    """What the assessment depends on, in a few aggregate numbers: a new claim, a judgement made or
    undone, a copy found or re-pointed, or other rules all change it."""
    parts = [
        conn.execute(_claims_state(conn)).one(),
        conn.execute(select(func.count(), func.max(judgements.c.id),
                            func.count(judgements.c.undone_at))).one(),
        conn.execute(select(func.count(), func.sum(document_copies.c.story_id))).one(),
        repr(sorted(dataclasses.asdict(config).items())),
    ]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _claims_state(conn: Connection) -> Any:
    """The claims' part of the store state. Claims are only ever deleted by a judgement (whose count
    is in the state), and SQLite has one writer at a time, so its ids grow in commit order: the
    largest id then tells every change, in a fraction of a millisecond where count(*) scans an index
    (8 ms at 100k claims). A server database hands out ids in one order and commits them in another,
    so it counts the rows too."""
    if conn.dialect.name == "sqlite":
        return select(func.max(claims.c.id))
    return select(func.count(), func.max(claims.c.id))


def store_state(store: Store, config: AnalysisConfig | None = None) -> str:
    """A digest of what every analysis depends on; it changes whenever their answers may."""
    with _connect(store) as conn:
        return _store_state(conn, config or load())


def _ensure_cache(store: Store, config: AnalysisConfig) -> None:
    """Recompute the link cache if the store has changed since it was computed."""
    with _connect(store) as conn:
        state = _store_state(conn, config)
        current = conn.execute(select(meta.c.value).where(meta.c.key == _CACHE_KEY)).scalar()
    if current != state:
        refresh_cache(store, config, state, if_stale=True)


def _cache_where(store: Store, conn: Connection, entity: str | None, relation: str | None,
                 status: str | None) -> list[ColumnElement[bool]] | None:
    """The link_cache filter; None when `entity` names no stored entity."""
    where: list[ColumnElement[bool]] = []
    if entity is not None:
        ids = store.match_in(conn, entity)
        if not ids:
            return None
        where.append(or_(link_cache.c.subject_id.in_(ids), link_cache.c.object_id.in_(ids)))
    if relation is not None:
        where.append(link_cache.c.relation == relation)
    if status is not None:
        where.append(link_cache.c.status == status)
    return where


def _from_cache(store: Store, config: AnalysisConfig, entity: str | None, relation: str | None,
                status: str | None) -> list[Link]:
    _ensure_cache(store, config)
    with _connect(store) as conn:
        where = _cache_where(store, conn, entity, relation, status)
        if where is None:
            return []
        query = select(link_cache.c.link).where(*where).order_by(link_cache.c.rank)
        texts = conn.execute(query).scalars().all()
    return _cached_links(texts)


def _cached_links(texts: Sequence[str]) -> list[Link]:
    """Links from their cached JSON, decoded in one call. A busy actor has thousands of links: the
    dataclass constructor is skipped (every field is present) and the cyclic garbage collector, which
    would otherwise run several full passes over these young objects, is paused meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        links = []
        for fields in orjson.loads("[" + ",".join(texts) + "]"):
            link = object.__new__(Link)
            link.__dict__.update(fields)
            links.append(link)
        return links
    finally:
        if enabled:
            gc.enable()


def refresh_cache(store: Store, config: AnalysisConfig | None = None, state: str | None = None,
                  if_stale: bool = False) -> int:
    """Recompute the whole plain assessment into the link cache; returns the number of links. With
    `if_stale`, a cache another process has meanwhile stored for `state` is left as it is."""
    config = config or load()
    if state is None:
        with _connect(store) as conn:
            state = _store_state(conn, config)
    links = _assess_live(store, config, entity=None, relation=None, status=None, since=None,
                         roll_up=False, by_pair=False)
    rows = [{"rank": rank, "subject_id": link.subject, "object_id": link.object, "relation": link.relation,
             "status": link.status, "link": orjson.dumps(link).decode("utf-8")}
            for rank, link in enumerate(links)]
    with write_transaction(store.engine) as conn:
        # Two processes refreshing at once on PostgreSQL: the second waits, then finds it done (its
        # DELETE would not see the first one's new rows, and the cache would hold every link twice).
        lock_keys(conn, LINK_CACHE_LOCK, [_CACHE_KEY])
        if if_stale and conn.execute(select(meta.c.value).where(meta.c.key == _CACHE_KEY)).scalar() == state:
            return len(links)
        conn.execute(delete(link_cache))
        for start in range(0, len(rows), 5_000):
            conn.execute(insert(link_cache), rows[start:start + 5_000])
        conn.execute(delete(meta).where(meta.c.key == _CACHE_KEY))
        conn.execute(insert(meta).values(key=_CACHE_KEY, value=state))
    return len(links)


def _evidence_query(config: AnalysisConfig) -> Any:
    subject = entities.alias("subject")
    obj = entities.alias("object")
    speaker = entities.alias("speaker")
    return (
        select(
            claims.c.id, claims.c.subject_id, claims.c.relation, claims.c.object_id, claims.c.polarity,
            claims.c.modality, claims.c.speaker_id, speaker.c.name, documents.c.doc_key, documents.c.title,
            documents.c.outlet, documents.c.published, documents.c.url, claims.c.evidence,
            claims.c.start_offset, claims.c.end_offset, _source_expr(config), _copy_of_expr(),
            subject.c.name, obj.c.name,
        )
        .select_from(
            _from_clause()
            .join(subject, subject.c.id == claims.c.subject_id)
            .join(obj, obj.c.id == claims.c.object_id)
            .outerjoin(speaker, speaker.c.id == claims.c.speaker_id)
        )
    )


def _evidence(row: Sequence[Any]) -> Evidence:
    (claim_id, subject, relation, obj, polarity, modality, speaker, speaker_name, doc_key, title, outlet,
     published, url, text, start, end, source, copy_of, subject_name, object_name) = row
    return Evidence(claim_id, subject, relation, obj, polarity, modality, speaker, speaker_name, doc_key,
                    title, outlet, published, url, text, start, end, source, copy_of,
                    subject_name or subject, object_name or obj)


def _earliest(item: Evidence) -> tuple[Any, ...]:
    return (item.published is None, item.published or "", item.document, item.start, item.claim_id)


def _between(a_ids: Sequence[str], b_ids: Sequence[str], both_ways: bool) -> ColumnElement[bool]:
    forward = and_(claims.c.subject_id.in_(a_ids), claims.c.object_id.in_(b_ids))
    if not both_ways:
        return forward
    return or_(forward, and_(claims.c.subject_id.in_(b_ids), claims.c.object_id.in_(a_ids)))


def evidence_for(store: Store, link: Link, *, since: str | None = None,
                 config: AnalysisConfig | None = None) -> list[Evidence]:
    """The claims behind one link, earliest first."""
    config = config or load()
    relations = link.relations or ([link.relation] if link.relation is not None else None)
    both_ways = link.relation is None or link.symmetric
    where = [_between([link.subject], [link.object], both_ways), *_where(None, relations, since)]
    with _connect(store) as conn:
        rows = conn.execute(_evidence_query(config).where(*where)).all()
    return sorted((_evidence(row) for row in rows), key=_earliest)


def _group(items: Iterable[Evidence]) -> dict[str, list[Evidence]]:
    grouped: dict[str, list[Evidence]] = {}
    for item in sorted(items, key=_earliest):
        grouped.setdefault(item.source, []).append(item)
    # sources with the most evidence first, then the earliest
    order = sorted(grouped, key=lambda key: (-len(grouped[key]), _earliest(grouped[key][0])))
    return {key: grouped[key] for key in order}


def pair(store: Store, a: str, b: str, *, since: str | None = None,
         config: AnalysisConfig | None = None, until: str | None = None) -> PairEvidence:
    """The links between two actors (either direction) and their evidence."""
    config = config or load()
    with _connect(store) as conn:
        a_ids, b_ids = store.match_in(conn, a), store.match_in(conn, b)
        rows: Sequence[Any] = []
        if a_ids and b_ids:
            where = [_between(a_ids, b_ids, True), *_where(None, None, since, until)]
            rows = conn.execute(_evidence_query(config).where(*where)).all()
        names = _names(conn, [*a_ids[:1], *b_ids[:1]])
    items = [_evidence(row) for row in rows]
    folder = _Folder(config)
    link_names: dict[str, str] = {}
    for item in items:
        folder.add((item.subject, item.relation, item.object, item.source, item.polarity, item.modality,
                    item.speaker, 1, item.published, item.published))
        link_names[item.subject], link_names[item.object] = item.subject_name, item.object_name
    a_id = a_ids[0] if a_ids else a
    b_id = b_ids[0] if b_ids else b
    return PairEvidence(
        a=a_id, b=b_id, links=folder.links(link_names),
        affirming=_group(item for item in items if item.polarity == "affirmed"),
        denying=_group(item for item in items if item.polarity == "denied"),
        a_name=names.get(a_id, a), b_name=names.get(b_id, b),
    )


def pair_page(store: Store, a: str, b: str, *, per_source: int = 3, since: str | None = None,
              until: str | None = None, config: AnalysisConfig | None = None,
              max_sources: int | None = None) -> PairEvidence:
    """`pair` for a page: the links and their statuses come from every claim, but each independent
    source lists only its earliest `per_source` items (and, with `max_sources`, only the sources with
    the most evidence on each side are listed), and `counts` gives every source's total. Two
    busy actors can share thousands of claims; this reads a few rows per source, and the links come
    from the link cache when no date range or other rules are asked for."""
    plain = config is None and since is None and until is None
    config = config or load()
    counts: dict[str, dict[str, int]] = {"affirming": {}, "denying": {}}
    with _connect(store) as conn:
        a_ids, b_ids = store.match_in(conn, a), store.match_in(conn, b)
        items: list[Evidence] = []
        folder = _Folder(config)
        if a_ids and b_ids:
            where = [_between(a_ids, b_ids, True), *_where(None, None, since, until)]
            items = _first_per_source(conn, config, where, per_source, counts, max_sources)
            if not plain:
                _fold_pair(conn, config, where, folder)
        names = _names(conn, [*a_ids[:1], *b_ids[:1], *folder.ids()])
    links = folder.links(names) if not plain else _cached_pair(store, a_ids, b_ids) if items else []
    a_id = a_ids[0] if a_ids else a
    b_id = b_ids[0] if b_ids else b
    return PairEvidence(
        a=a_id, b=b_id, links=links,
        affirming=_group_counted(items, "affirmed", counts["affirming"]),
        denying=_group_counted(items, "denied", counts["denying"]),
        a_name=names.get(a_id, a), b_name=names.get(b_id, b), counts=counts,
    )


def _cached_pair(store: Store, a_ids: Sequence[str], b_ids: Sequence[str]) -> list[Link]:
    """The cached links between an id of a and an id of b (either way)."""
    found = links_among(store, [*a_ids, *b_ids], limit=10_000)
    a_set, b_set = set(a_ids), set(b_ids)
    return [link for link in found if (link.subject in a_set and link.object in b_set)
            or (link.subject in b_set and link.object in a_set)]


def _fold_pair(conn: Connection, config: AnalysisConfig, where: list[ColumnElement[bool]],
               folder: _Folder) -> None:
    source = _source_expr(config).label("source")
    group = (claims.c.subject_id, claims.c.relation, claims.c.object_id, source, claims.c.polarity,
             claims.c.modality, claims.c.speaker_id)
    query = (select(*group, func.count(), func.min(documents.c.published), func.max(documents.c.published))
             .select_from(_from_clause()).where(*where).group_by(*group))
    for row in conn.execute(query):
        folder.add(row)


def _first_per_source(conn: Connection, config: AnalysisConfig, where: list[ColumnElement[bool]],
                      per_source: int, counts: dict[str, dict[str, int]],
                      max_sources: int | None = None) -> list[Evidence]:
    """The earliest `per_source` claims of each (polarity, source), in the order of `_earliest`, from
    the `max_sources` sources with the most claims on each side; fills `counts` with every source's
    number of claims. One window pass over the pair's claims ranks their ids (few columns, no names
    joined); only the chosen claims are then read in full."""
    source = _source_expr(config)
    partition = (claims.c.polarity, source)
    place = func.row_number().over(
        partition_by=partition,
        order_by=(documents.c.published.is_(None), documents.c.published, documents.c.doc_key,
                  claims.c.start_offset, claims.c.id))
    total = func.count().over(partition_by=partition)
    ranked = (select(claims.c.id, claims.c.polarity, source.label("source"), place.label("place"),
                     total.label("total"))
              .select_from(_from_clause()).where(*where).subquery())
    firsts: dict[tuple[str, str], list[int]] = {}
    for claim_id, polarity, key, _, n in conn.execute(select(ranked).where(ranked.c.place <= per_source)):
        counts["denying" if polarity == "denied" else "affirming"][key] = int(n)
        firsts.setdefault((polarity, key), []).append(claim_id)
    kept = _top_sources(firsts, counts, max_sources)
    items: list[Evidence] = []
    for start in range(0, len(kept), _CHUNK):
        query = _evidence_query(config).where(claims.c.id.in_(kept[start:start + _CHUNK]))
        items.extend(_evidence(row) for row in conn.execute(query))
    return items


def _top_sources(firsts: dict[tuple[str, str], list[int]], counts: dict[str, dict[str, int]],
                 max_sources: int | None) -> list[int]:
    """The claim ids of the sources kept: on each side, those with the most claims (then by name)."""
    kept: list[int] = []
    for polarity, side in (("affirmed", "affirming"), ("denied", "denying")):
        keys = sorted((key for pol, key in firsts if pol == polarity),
                      key=lambda key: (-counts[side][key], key))
        for key in keys[:max_sources]:
            kept.extend(firsts[(polarity, key)])
    return kept


def _group_counted(items: Iterable[Evidence], polarity: str,
                   counts: dict[str, int]) -> dict[str, list[Evidence]]:
    """Evidence by source: the sources with the most evidence first, then the earliest."""
    grouped: dict[str, list[Evidence]] = {}
    for item in sorted((i for i in items if i.polarity == polarity), key=_earliest):
        grouped.setdefault(item.source, []).append(item)
    order = sorted(grouped, key=lambda key: (-counts.get(key, 0), _earliest(grouped[key][0])))
    return {key: grouped[key] for key in order}
