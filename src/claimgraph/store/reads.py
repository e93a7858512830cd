"""What the web UI and the API read besides claims and entity lists: documents with their highlights
and story, one entity with its knowledge-base facts, the newest claims.

A mixin of `Store` (it uses the store's engine); every method is one read transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, func, select

from claimgraph.store.engine import read_transaction, unstorable
from claimgraph.store.schema import claims, document_copies, documents, entities, mentions

_origin = documents.alias("story_origin")

# The columns a document listing shows (no text: a list must not load every article).
_LISTED = (documents.c.id, documents.c.doc_key, documents.c.title, documents.c.url, documents.c.outlet,
           documents.c.author, documents.c.published, documents.c.language, documents.c.status)


def _listing() -> Any:
    # The claim count is a correlated subquery: one index lookup per listed document, where a
    # grouped subquery would count the claims of every stored document first.
    claim_count = (select(func.count()).where(claims.c.document_id == documents.c.id)
                   .scalar_subquery().label("claim_count"))
    return (
        select(*_LISTED, claim_count, document_copies.c.story_id, _origin.c.doc_key.label("copy_of"))
        .select_from(
            documents.outerjoin(document_copies, document_copies.c.document_id == documents.c.id)
            .outerjoin(_origin, _origin.c.id == document_copies.c.copy_of))
    )


class Reads:
    _engine: Engine

    def documents(self, *, limit: int = 50, offset: int = 0,
                  outlet: str | None = None) -> tuple[int, list[dict[str, Any]]]:
        """(how many, one page of them): stored documents, newest published first, undated ones
        last (newest stored first). The dated and the undated are two queries, so each walks an
        index in order instead of sorting every document."""
        if unstorable(outlet):
            return 0, []
        where = [documents.c.outlet == outlet] if outlet is not None else []
        dated = [*where, documents.c.published.is_not(None)]
        undated = [*where, documents.c.published.is_(None)]
        with read_transaction(self._engine) as conn:
            count = select(func.count()).select_from(documents)
            n_dated = int(conn.execute(count.where(*dated)).scalar_one())
            n_undated = int(conn.execute(count.where(*undated)).scalar_one())
            rows: list[dict[str, Any]] = []
            if offset < n_dated:
                query = (_listing().where(*dated)
                         .order_by(documents.c.published.desc(), documents.c.id.desc())
                         .limit(limit).offset(offset))
                rows = [dict(r._mapping) for r in conn.execute(query)]
            if len(rows) < limit and offset + len(rows) < n_dated + n_undated:
                query = (_listing().where(*undated).order_by(documents.c.id.desc())
                         .limit(limit - len(rows)).offset(max(0, offset - n_dated)))
                rows += [dict(r._mapping) for r in conn.execute(query)]
        return n_dated + n_undated, rows

    def document(self, key: str) -> dict[str, Any] | None:
        """One document by its key (or its numeric id) with its text, mentions, claims and story."""
        if unstorable(key):
            return None
        with read_transaction(self._engine) as conn:
            row = conn.execute(_listing().add_columns(documents.c.text, documents.c.source)
                               .where(documents.c.doc_key == key)).first()
            if row is None and _is_id(key, conn.dialect.name):
                row = conn.execute(_listing().add_columns(documents.c.text, documents.c.source)
                                   .where(documents.c.id == int(key))).first()
            if row is None:
                return None
            found = dict(row._mapping)
            found["mentions"] = _mentions(conn, found["id"])
            found["claims"] = _claims(conn, found["id"])
            found["story"] = _story(conn, found["story_id"])
        return found

    def newest_claims(self, limit: int = 10) -> list[dict[str, Any]]:
        """The claims of the most recently published documents (then the most recently stored), then
        those of undated documents. Two queries, so the dated ones walk the publication-date index."""
        from claimgraph.store.database import claims_query

        dated = (claims_query().order_by(None).where(documents.c.published.is_not(None))
                 .order_by(documents.c.published.desc(), claims.c.id.desc()).limit(limit))
        undated = (claims_query().order_by(None).where(documents.c.published.is_(None))
                   .order_by(claims.c.id.desc()))
        with read_transaction(self._engine) as conn:
            found = [dict(row._mapping) for row in conn.execute(dated)]
            if len(found) < limit:
                found += [dict(row._mapping) for row in conn.execute(undated.limit(limit - len(found)))]
        return found


def _is_id(key: str, dialect: str = "sqlite") -> bool:
    """Whether `key` reads as a document id: ASCII digits ("²".isdigit() too) within the id column's
    range (SQLite's INTEGER is 64 bits, PostgreSQL's 32)."""
    bound = 2 ** 63 if dialect == "sqlite" else 2 ** 31
    return key.isascii() and key.isdigit() and int(key) < bound


def _mentions(conn: Connection, doc_id: int) -> list[dict[str, Any]]:
    query = (
        select(mentions.c.start_offset.label("start"), mentions.c.end_offset.label("end"),
               mentions.c.entity_id, entities.c.name.label("entity_name"),
               entities.c.type.label("entity_type"), mentions.c.text)
        .join(entities, entities.c.id == mentions.c.entity_id)
        .where(mentions.c.document_id == doc_id)
        .order_by(mentions.c.start_offset, mentions.c.end_offset.desc())
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def _claims(conn: Connection, doc_id: int) -> list[dict[str, Any]]:
    from claimgraph.store.database import claims_query

    return [dict(row._mapping) for row in conn.execute(claims_query().where(claims.c.document_id == doc_id))]


def _story(conn: Connection, story_id: int | None) -> list[dict[str, Any]]:
    """Every document of the story, origin first; empty when the document stands alone."""
    if story_id is None:
        return []
    query = (
        select(documents.c.id, documents.c.doc_key, documents.c.title, documents.c.outlet,
               documents.c.published, _origin.c.doc_key.label("copy_of"), document_copies.c.similarity,
               document_copies.c.method, (document_copies.c.document_id == story_id).label("origin"))
        .join(document_copies, document_copies.c.document_id == documents.c.id)
        .outerjoin(_origin, _origin.c.id == document_copies.c.copy_of)
        .where(document_copies.c.story_id == story_id)
        # NULLS FIRST spelled out: SQLite's default for ascending order, PostgreSQL's is the opposite
        .order_by((document_copies.c.document_id != story_id), documents.c.published.nulls_first(),
                  documents.c.id)
    )
    rows = [dict(row._mapping) for row in conn.execute(query)]
    return rows if len(rows) > 1 else []
