"""The `Store`: writes documents with their extraction, reads the graph back."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import BigInteger, Connection, Engine, and_, cast, func, or_, select, union_all
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from claimgraph.errors import Code, StoreError
from claimgraph.model import Article, Extraction
from claimgraph.names import normalise_name
from claimgraph.store import migrations, rows
from claimgraph.store.contention import CURATION_KEY, CURATION_LOCK, DOCUMENT_LOCKS, lock_keys, retrying
from claimgraph.store.curation import Curation
from claimgraph.store.engine import make_engine, read_transaction, unstorable, write_transaction
from claimgraph.store.reads import Reads
from claimgraph.store.rows import Doc, Pending
from claimgraph.store.rules import Rules, write_mentions_and_claims
from claimgraph.store.schema import aliases, claims, documents, entities, mentions, redirects
from claimgraph.store.upsert import insert_ignore, upsert

log = logging.getLogger("claimgraph.store")

Result = tuple[str, int]
FAILED_ID = 0  # the id reported with "failed: ..."; no stored document has it
_CHUNK = 500  # values per IN (...): well under SQLite's bound-parameter limit


def _reason(exc: BaseException) -> str:
    """The first line of what went wrong, without SQLAlchemy's SQL and parameter dump."""
    cause = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(cause).strip() or type(cause).__name__
    return text.splitlines()[0]


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


def _lookup(conn: Connection, column: ColumnElement[Any], values: Iterable[str]) -> dict[str, int]:
    """documents.id by the given unique documents column, for the values that exist."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(values))):
        # "=" for the common single value: an IN list is re-rendered into the SQL on every call.
        where = column == chunk[0] if len(chunk) == 1 else column.in_(chunk)
        for value, doc_id in conn.execute(select(column, documents.c.id).where(where)):
            found[value] = doc_id
    return found


def _existing_entities(conn: Connection, ids: set[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(ids)):
        found.update(conn.execute(select(entities.c.id).where(entities.c.id.in_(chunk))).scalars())
    return found


def _update_entity(excluded: Any) -> dict[str, ColumnElement[Any]]:
    # Name and type are never touched: an analyst's curation outlives every later ingest.
    # Only gaps are filled, and an entity stops being provisional once any extraction knows it.
    return {
        "country": func.coalesce(entities.c.country, excluded.country),
        "wikidata": func.coalesce(entities.c.wikidata, excluded.wikidata),
        "provisional": and_(entities.c.provisional, excluded.provisional),
    }


# Merged entities keep their rows (for the audit and an unmerge) but are no longer listed or counted.
_NOT_MERGED = entities.c.id.not_in(select(redirects.c.from_id))


class Store(Curation, Reads):
    """A claim graph in a SQL database: a SQLite file or a PostgreSQL server."""

    url: str

    def __init__(self, url: str) -> None:
        self._engine = make_engine(url)
        self.url = self._engine.url.render_as_string(hide_password=True)
        # Entities and aliases this Store has committed, so re-seen ones cost no statement.
        self._known = Pending()
        try:
            migrations.ensure_schema(self._engine)
        except StoreError:
            self._engine.dispose()
            raise
        except SQLAlchemyError as exc:
            self._engine.dispose()
            raise self._open_error(exc) from exc

    def _open_error(self, exc: SQLAlchemyError) -> StoreError:
        if isinstance(exc, DatabaseError) and not isinstance(exc, OperationalError):
            # e.g. SQLite's "file is not a database"
            return StoreError(
                Code.SCHEMA_UNKNOWN,
                f"{self.url} is not a database claimgraph can read ({_reason(exc)}): use another --db path",
            )
        return StoreError(Code.STORE_WRITE, f"cannot open {self.url}: {_reason(exc)}")

    # --- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Release every connection."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def schema_version(self) -> int:
        """The schema version the database is at."""
        with read_transaction(self._engine) as conn:
            return migrations.read_version(conn) or 0

    # --- writing ---------------------------------------------------------------------------
    def has_hash(self, hash: str) -> bool:
        """Whether a document with this text hash is stored."""
        with self._engine.connect() as conn:
            found = conn.execute(select(documents.c.id).where(documents.c.hash == hash)).first()
        return found is not None

    def add_document(
        self, article: Article, extraction: Extraction | None, *, status: str = "ok",
        extractor_version: str = "",
    ) -> Result:
        """Store one document and its extraction in one transaction: ("new", id) or ("duplicate", id)."""
        try:
            doc = Doc.of(article, extraction, status)
            outcome, doc_id = self._write_retrying([doc], extractor_version)[0]
        except Exception as exc:
            raise StoreError(Code.STORE_WRITE, f"could not store {article.source}: {_reason(exc)}") from exc
        if outcome.startswith("failed: "):
            reason = outcome.removeprefix("failed: ")
            raise StoreError(Code.STORE_WRITE, f"could not store {article.source}: {reason}")
        return outcome, doc_id

    def add_documents(
        self, items: Iterable[tuple[Article, Extraction | None, str]], extractor_version: str
    ) -> list[Result]:
        """Store (article, extraction, status) items in one transaction, else one by one.

        Each result is ("new", id), ("duplicate", id) or ("failed: reason", 0).
        """
        docs = [Doc.of(article, extraction, status) for article, extraction, status in items]
        if not docs:
            return []
        try:
            return self._write(docs, extractor_version)
        except Exception as exc:
            log.warning("a batch of %d documents failed (%s); storing one by one", len(docs), _reason(exc))
        return [self._write_one_reporting(doc, extractor_version) for doc in docs]

    def _write_one_reporting(self, doc: Doc, extractor_version: str) -> Result:
        try:
            return self._write_retrying([doc], extractor_version)[0]
        except Exception as exc:
            log.warning("could not store %s: %s", doc.article.source, _reason(exc))
            return f"failed: {_reason(exc)}", FAILED_ID

    def _write_retrying(self, docs: list[Doc], extractor_version: str) -> list[Result]:
        try:
            return self._write(docs, extractor_version)
        except Exception:
            if not self._known:
                raise
        # The cache may be stale (another process deleted or merged an entity): forget it, retry once.
        self._known.clear()
        return self._write(docs, extractor_version)

    def _write(self, docs: list[Doc], extractor_version: str) -> list[Result]:
        """All of `docs` in one transaction, run again when another writer got in the way (on
        PostgreSQL a document it committed meanwhile is then read back as a duplicate)."""
        return retrying(lambda: self._write_once(docs, extractor_version),
                        f"storing {len(docs)} document{'' if len(docs) == 1 else 's'}", unique=True)

    def _write_once(self, docs: list[Doc], extractor_version: str) -> list[Result]:
        """One transaction; the cache learns what it wrote only once committed."""
        pending = Pending()
        with write_transaction(self._engine) as conn:
            results = _Writer(conn, self._known, pending, extractor_version).write(docs)
        self._known.merge(pending)
        return results

    # --- reading ---------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        """For the analysis modules that read and write their own tables beside the Store's."""
        return self._engine

    def match_entities(self, name: str) -> list[str]:
        """Ids of the entities with this id, or with this name or alias (normalised)."""
        with self._engine.connect() as conn:
            return self.match_in(conn, name)

    @staticmethod
    def match_in(conn: Connection, name: str) -> list[str]:
        """match_entities inside a caller's transaction."""
        if unstorable(name):
            return []
        # An exact id names one entity, even when it also reads as another entity's alias.
        found = conn.execute(select(entities.c.id).where(entities.c.id == name.strip())).scalars().all()
        if not found:
            by_alias = select(aliases.c.entity_id).where(aliases.c.normalised == normalise_name(name))
            found = conn.execute(by_alias).scalars().all()
        # A merged entity's id and aliases stand for the entity it was merged into.
        rules = Rules.load(conn) if found else Rules()
        return sorted({rules.resolve(entity_id) for entity_id in found})

    def entities(self, type: str | None = None, limit: int | None = None,
                 offset: int = 0) -> list[dict[str, Any]]:
        """Entities (optionally of one type), most claimed first; `limit` and `offset` page them.

        claim_count counts the claims it is subject or object of (speaking one is not counted).
        """
        mention_n = (
            select(mentions.c.entity_id, func.count().label("n")).group_by(mentions.c.entity_id).subquery()
        )
        # Claims as subject, plus as object, less those where it is both (counted once): three
        # GROUP BYs that each read one index alone, where a UNION of (claim, end) rows sorts them all.
        ends = union_all(
            select(claims.c.subject_id.label("entity_id"), func.count().label("n"))
            .group_by(claims.c.subject_id),
            select(claims.c.object_id, func.count()).group_by(claims.c.object_id),
            select(claims.c.subject_id, -func.count()).where(claims.c.object_id == claims.c.subject_id)
            .group_by(claims.c.subject_id),
        ).subquery()
        total = cast(func.sum(ends.c.n), BigInteger)  # PostgreSQL sums integers as numeric
        claim_n = select(ends.c.entity_id, total.label("n")).group_by(ends.c.entity_id).subquery()
        mention_count = func.coalesce(mention_n.c.n, 0).label("mention_count")
        claim_count = func.coalesce(claim_n.c.n, 0).label("claim_count")
        query = (
            select(entities.c.id, entities.c.name, entities.c.type, entities.c.country,
                   entities.c.provisional, mention_count, claim_count)
            .outerjoin(mention_n, mention_n.c.entity_id == entities.c.id)
            .outerjoin(claim_n, claim_n.c.entity_id == entities.c.id)
            .order_by(claim_count.desc(), mention_count.desc(), entities.c.id)
        )
        if type is not None:
            query = query.where(entities.c.type == type)
        if limit is not None:
            query = query.limit(limit).offset(offset)
        with self._engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query.where(_NOT_MERGED))]

    def entity(self, key: str) -> dict[str, Any] | None:
        """One entity by id, name or alias (a merged id stands for the entity it was merged into), as
        `entity_show` gives it, with the knowledge base's designations and note; None if none or
        several are so called."""
        from claimgraph.resolve.kb import load_kb

        found = self.match_entities(key)
        if len(found) > 1:
            # An id names one entity, whatever aliases other entities share with it.
            with read_transaction(self._engine) as conn:
                if conn.execute(select(entities.c.id).where(entities.c.id == key.strip())).first():
                    found = [Rules.load(conn).resolve(key.strip())]
        if len(found) != 1:
            return None
        view = self.entity_show(found[0])
        actor = load_kb().get(view["id"])
        view["designations"] = list(actor.designations) if actor else []
        view["note"] = actor.note if actor else None
        view["wikidata"] = view.get("wikidata") or (actor.wikidata if actor else None)
        return view

    def claims(
        self, entity: str | None = None, relation: str | None = None, speaker: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Claims with their entities' names and their document, in ingestion and text order.

        `entity` (subject or object) and `speaker` take an entity id, name or alias.
        """
        with read_transaction(self._engine) as conn:
            query = claims_query()
            if entity is not None:
                ids = self.match_in(conn, entity)
                query = query.where(or_(claims.c.subject_id.in_(ids), claims.c.object_id.in_(ids)))
            if speaker is not None:
                query = query.where(claims.c.speaker_id.in_(self.match_in(conn, speaker)))
            if relation is not None:
                query = query.where(claims.c.relation == relation)
            if limit is not None:
                query = query.limit(limit)
            return [dict(row._mapping) for row in conn.execute(query)]

    def relation_counts(self) -> dict[str, int]:
        """Claims per relation, counted by the database (a summary must not load every claim)."""
        query = select(claims.c.relation, func.count()).group_by(claims.c.relation)
        with self._engine.connect() as conn:
            return {relation: int(n) for relation, n in conn.execute(query)}

    def counts(self) -> dict[str, int]:
        """How many documents (all, ok, skipped), entities, claims and mentions are stored."""
        def count(table: Any, *where: ColumnElement[bool]) -> Any:
            return select(func.count()).select_from(table).where(*where).scalar_subquery()

        query = select(
            count(documents).label("documents"),
            count(documents, documents.c.status == "ok").label("documents_ok"),
            count(documents, documents.c.status.startswith("skipped")).label("documents_skipped"),
            count(entities, _NOT_MERGED).label("entities"),
            count(claims).label("claims"),
            count(mentions).label("mentions"),
        )
        with self._engine.connect() as conn:
            return {key: int(value) for key, value in conn.execute(query).one()._mapping.items()}


def claims_query() -> Any:
    """Claims with their entities' names and their document's key, title, outlet, date and URL."""
    subject = entities.alias("subject")
    obj = entities.alias("object")
    speaker = entities.alias("speaker")
    return (
        select(
            claims.c.id, claims.c.subject_id, subject.c.name.label("subject_name"), claims.c.relation,
            claims.c.object_id, obj.c.name.label("object_name"), claims.c.polarity, claims.c.modality,
            claims.c.speaker_id, speaker.c.name.label("speaker_name"), claims.c.evidence,
            claims.c.start_offset.label("start"), claims.c.end_offset.label("end"), claims.c.cue,
            claims.c.rule, claims.c.extractor_version, claims.c.document_id,
            documents.c.doc_key, documents.c.title, documents.c.outlet, documents.c.published,
            documents.c.url,
        )
        .select_from(
            claims.join(documents, documents.c.id == claims.c.document_id)
            .join(subject, subject.c.id == claims.c.subject_id)
            .join(obj, obj.c.id == claims.c.object_id)
            .outerjoin(speaker, speaker.c.id == claims.c.speaker_id)
        )
        .order_by(claims.c.document_id, claims.c.start_offset, claims.c.id)
    )


class _Writer:
    """The statements of one write transaction."""

    def __init__(self, conn: Connection, known: Pending, pending: Pending, extractor_version: str) -> None:
        self.conn = conn
        self.known = known
        self.pending = pending
        self.version = extractor_version
        self.now = datetime.now(UTC)

    def write(self, docs: list[Doc]) -> list[Result]:
        """Documents first (for their ids), then entities, aliases, mentions, claims, each in bulk."""
        # A judgement in progress finishes first: the rules read below are then its rules.
        lock_keys(self.conn, CURATION_LOCK, [CURATION_KEY], shared=True)
        # Before looking: a writer with the same text then waits here and finds this one's committed.
        lock_keys(self.conn, DOCUMENT_LOCKS, sorted({d.hash for d in docs}))
        existing = _lookup(self.conn, documents.c.hash, [d.hash for d in docs])
        taken_keys = set(_lookup(self.conn, documents.c.doc_key, [d.article.doc_id for d in docs]))
        missing = self._missing_references(docs)
        results: list[Result] = []
        new: list[tuple[Doc, str]] = []
        for doc in docs:
            if doc.hash in existing:
                results.append(("duplicate", existing[doc.hash]))
            elif missing.get(doc.hash):
                results.append((f"failed: {missing[doc.hash]}", FAILED_ID))
            else:
                key = self._unique_key(doc, taken_keys)
                taken_keys.add(key)
                new.append((doc, key))
                existing[doc.hash] = -len(new)  # a placeholder: later copies in the batch are duplicates
                results.append(("new", -len(new)))
        ids = self._insert_documents(new)
        self._write_graph([(doc_id, doc) for doc_id, (doc, _) in zip(ids, new, strict=True)])
        return [(outcome, ids[-doc_id - 1] if doc_id < 0 else doc_id) for outcome, doc_id in results]

    def _missing_references(self, docs: list[Doc]) -> dict[str, str]:
        """Why each document that points to an entity nobody defined cannot be stored, by hash."""
        outside: dict[str, set[str]] = {}
        for doc in docs:
            own = {e.id for e in doc.entities()}
            ids = doc.referenced_ids() - own - self.known.entities.keys()
            if ids:
                outside[doc.hash] = ids
        if not outside:
            return {}
        found = _existing_entities(self.conn, set().union(*outside.values()))
        reasons = {}
        for doc_hash, ids in outside.items():
            unknown = sorted(ids - found)
            if unknown:
                reasons[doc_hash] = f"refers to entities it does not define: {', '.join(unknown)}"
        return reasons

    def _unique_key(self, doc: Doc, taken: set[str]) -> str:
        # Two files may share a name (doc_id) with different texts: keep both, tell them apart by hash.
        # `taken` already holds the batch's keys and those of the database that match a doc_id.
        key = doc.article.doc_id
        if key not in taken:
            return key
        short = f"{key}-{doc.hash[:8]}"
        if short not in taken and not _lookup(self.conn, documents.c.doc_key, [short]):
            return short
        return f"{key}-{doc.hash}"  # the hash is unique among documents, so this key is too

    def _insert_documents(self, new: list[tuple[Doc, str]]) -> list[int]:
        if not new:
            return []
        values = [rows.document_row(doc, key, self.version, self.now) for doc, key in new]
        stmt = documents.insert().returning(documents.c.id, sort_by_parameter_order=True)
        return list(self.conn.execute(stmt, values).scalars())

    def _write_graph(self, stored: list[tuple[int, Doc]]) -> None:
        docs = [doc for _, doc in stored]
        # Entities and aliases go in key order, so that writers on PostgreSQL that share keys wait for
        # each other in one order (two orders would deadlock).
        entity_values = rows.entity_rows(docs, self.known, self.pending, self.now)
        upsert(self.conn, entities, sorted(entity_values, key=lambda row: row["id"]), ["id"], _update_entity)
        # Read inside this transaction, so a judgement committed meanwhile applies to this batch.
        rules = Rules.load(self.conn)
        alias_values = rules.aliases(rows.alias_rows(docs, self.known, self.pending))
        insert_ignore(self.conn, aliases, sorted(alias_values, key=lambda row: (row["entity_id"],
                                                                                row["normalised"])),
                      ["entity_id", "normalised"])
        mention_values = [row for doc_id, doc in stored for row in rows.mention_rows(doc_id, doc)]
        claim_values = [row for doc_id, doc in stored for row in rows.claim_rows(doc_id, doc, self.version)]
        write_mentions_and_claims(self.conn, rules, mention_values, claim_values)
