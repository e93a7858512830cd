"""Full-text search over documents (title and text) and claim evidence.

On SQLite the index is FTS5: two external-content tables that read their text from `documents` and
`claims`, kept in step by triggers, so no write path has to remember them (schema v5). On PostgreSQL it
is tsvector expressions with GIN indexes (search_pg.py). Any other database would fall back to a LIKE
scan (kept here, and tested against FTS5).

A user's query is never handed to the FTS5 parser as typed: it is cut into words and "quoted
phrases", each quoted for FTS5, and all must match. Snippets come back as (text, is_hit) pieces, so
whoever shows them escapes the text and marks the hits without parsing any markup.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, func, or_, select, text

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.store import search_pg
from claimgraph.store.engine import read_transaction
from claimgraph.store.schema import claims, documents
from claimgraph.store.search_common import CLOSE as _CLOSE
from claimgraph.store.search_common import OPEN as _OPEN
from claimgraph.store.search_common import SNIPPET_WORDS, SearchResults, Snippet, claim_rows, split_marked

if TYPE_CHECKING:
    from claimgraph.store import Store

__all__ = ["MAX_TERMS", "SearchResults", "Snippet", "create_index", "search", "snippet_of", "split_marked",
           "terms"]
MAX_TERMS = 16
_QUERY = re.compile(r'"([^"]*)"|(\w+)')
_WORD = re.compile(r"\w+")

# Created on SQLite only; `content=` makes FTS5 read the text from the table itself.
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
    "title, text, content='documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS claims_fts USING fts5("
    "evidence, content='claims', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_insert AFTER INSERT ON documents BEGIN "
    "INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_delete AFTER DELETE ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, "
    "old.text); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, "
    "old.text); INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS claims_fts_insert AFTER INSERT ON claims BEGIN "
    "INSERT INTO claims_fts(rowid, evidence) VALUES (new.id, new.evidence); END",
    "CREATE TRIGGER IF NOT EXISTS claims_fts_delete AFTER DELETE ON claims BEGIN "
    "INSERT INTO claims_fts(claims_fts, rowid, evidence) VALUES ('delete', old.id, old.evidence); END",
    "CREATE TRIGGER IF NOT EXISTS claims_fts_update AFTER UPDATE OF evidence ON claims BEGIN "
    "INSERT INTO claims_fts(claims_fts, rowid, evidence) VALUES ('delete', old.id, old.evidence); "
    "INSERT INTO claims_fts(rowid, evidence) VALUES (new.id, new.evidence); END",
    # Index what a database migrated from v4 already holds (a no-op on a new one).
    "INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')",
    "INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')",
)


def create_index(conn: Connection) -> None:
    """The full-text index of this database's dialect (schema v5)."""
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_DDL:
            conn.exec_driver_sql(statement)
    elif conn.dialect.name == "postgresql":
        search_pg.create_index(conn)


def terms(query: str) -> list[str]:
    """The words and "quoted phrases" of a query, at most MAX_TERMS."""
    found = []
    for phrase, word in _QUERY.findall(query):
        value = " ".join(_WORD.findall(phrase)) if phrase else word
        if value:
            found.append(value)
    return found[:MAX_TERMS]


def fts_query(parts: list[str]) -> str:
    """An FTS5 query that matches every part; each part is a quoted string, so nothing is syntax."""
    return " ".join('"' + part.replace('"', '""') + '"' for part in parts)


def search(store: Store, query: str, *, limit: int = 20, offset: int = 0) -> SearchResults:
    """Documents and claims whose text matches every word and phrase of `query`, best first."""
    parts = terms(query)
    if not parts:
        raise ClaimgraphError(Code.BAD_REQUEST, "the search has no words: type at least one word")
    with read_transaction(store.engine) as conn:
        runs = {"sqlite": _search_fts, "postgresql": search_pg.search_pg}
        return runs.get(conn.dialect.name, _search_like)(conn, query, parts, limit, offset)


# --- SQLite: FTS5 --------------------------------------------------------------------------------
def _search_fts(conn: Connection, query: str, parts: list[str], limit: int, offset: int) -> SearchResults:
    match = fts_query(parts)
    page = {"q": match, "limit": limit, "offset": offset, "o": _OPEN, "c": _CLOSE, "n": SNIPPET_WORDS}
    doc_rows = conn.execute(text(
        "SELECT d.id, d.doc_key, d.title, d.outlet, d.published, d.url, "
        "snippet(documents_fts, 1, :o, :c, '…', :n) AS snip FROM documents_fts "
        "JOIN documents d ON d.id = documents_fts.rowid WHERE documents_fts MATCH :q "
        "ORDER BY bm25(documents_fts, 5.0, 1.0) LIMIT :limit OFFSET :offset"), page).mappings().all()
    claim_ids = conn.execute(text(
        "SELECT rowid, highlight(claims_fts, 0, :o, :c) AS snip FROM claims_fts WHERE claims_fts MATCH :q "
        "ORDER BY rank LIMIT :limit OFFSET :offset"), page).all()
    totals = conn.execute(text(
        "SELECT (SELECT count(*) FROM documents_fts WHERE documents_fts MATCH :q), "
        "(SELECT count(*) FROM claims_fts WHERE claims_fts MATCH :q)"), {"q": match}).one()
    found_docs = [{**_plain(row), "snippet": split_marked(row["snip"])} for row in doc_rows]
    snippets = {int(rowid): split_marked(snip) for rowid, snip in claim_ids}
    return SearchResults(query, found_docs, claim_rows(conn, snippets), int(totals[0]), int(totals[1]))


def _plain(row: Any) -> dict[str, Any]:
    return {key: value for key, value in dict(row).items() if key != "snip"}


# --- other databases: a LIKE scan ------------------------------------------------------------------
def _like_all(column: Any, parts: list[str]) -> Any:
    return and_(*(func.lower(column).contains(part.lower(), autoescape=True) for part in parts))


def _search_like(conn: Connection, query: str, parts: list[str], limit: int, offset: int) -> SearchResults:
    from claimgraph.store.database import claims_query

    # as in FTS5, each part may match in the title or in the text
    doc_where = and_(*(or_(_like_all(documents.c.text, [part]), _like_all(documents.c.title, [part]))
                       for part in parts))
    doc_cols = (documents.c.id, documents.c.doc_key, documents.c.title, documents.c.outlet,
                documents.c.published, documents.c.url, documents.c.text)
    doc_rows = conn.execute(select(*doc_cols).where(doc_where).order_by(documents.c.id)
                            .limit(limit).offset(offset)).mappings().all()
    claim_where = _like_all(claims.c.evidence, parts)
    claim_found = conn.execute(claims_query().where(claim_where).limit(limit).offset(offset)).mappings().all()
    total_docs = conn.execute(select(func.count()).select_from(documents).where(doc_where)).scalar_one()
    total_claims = conn.execute(select(func.count()).select_from(claims).where(claim_where)).scalar_one()
    found_docs = [{**{k: v for k, v in row.items() if k != "text"},
                   "snippet": snippet_of(row["text"], parts)} for row in doc_rows]
    found_claims = [{**dict(row), "snippet": snippet_of(row["evidence"], parts)} for row in claim_found]
    return SearchResults(query, found_docs, found_claims, int(total_docs), int(total_claims))


def snippet_of(body: str, parts: list[str], width: int = 160) -> Snippet:
    """A window of `body` around the first hit, with every hit marked. A hit is a whole word (or
    phrase), as FTS5 marks them: "port" is no hit in "support"."""
    alternatives = "|".join(re.escape(part) for part in parts)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    first = pattern.search(body)
    start = max(0, (first.start() if first else 0) - width // 2)
    window = body[start:start + width]
    pieces: Snippet = [("…", False)] if start else []
    cursor = 0
    for hit in pattern.finditer(window):
        if hit.start() > cursor:
            pieces.append((window[cursor:hit.start()], False))
        pieces.append((hit.group(), True))
        cursor = hit.end()
    if cursor < len(window):
        pieces.append((window[cursor:], False))
    if start + width < len(body):
        pieces.append(("…", False))
    return pieces
