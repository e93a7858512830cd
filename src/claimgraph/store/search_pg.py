"""Full-text search on PostgreSQL: tsvector expressions with GIN indexes, behind `search.search()`.

No extra column and no trigger: each index is on the expression the queries repeat word for word, so
PostgreSQL keeps it in step with every insert, update and delete by itself (schema v5).

The text search configuration `claimgraph_search` is `simple` (lower case, no stemming, no stop
words: as FTS5's unicode61) with the `unaccent` dictionary in front when the extension can be
installed, so "Societe" finds "Société" as on SQLite. `unaccent` is a trusted extension (PostgreSQL
13+): a user who may create objects in the database may install it; where it is missing, accents are
not folded (docs/postgresql.md).

The tsquery is built from the parsed `terms()` only, each a bound parameter given to
`phraseto_tsquery` (which has no syntax); all must match (`&&`). Snippets come from `ts_headline`
with the same \\x02/\\x03 markers as FTS5's.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, text

from claimgraph.store.search_common import (
    CLOSE,
    OPEN,
    SNIPPET_WORDS,
    SearchResults,
    Snippet,
    claim_rows,
    join_phrases,
    split_marked,
)

CONFIG = "claimgraph_search"
# A tsvector holds at most 1 MB: a long text (or claim evidence: a text with no full stop is one
# sentence) with many distinct words would make the insert of its row fail. The first INDEXED_CHARS
# characters are indexed (a 100-page report; news articles are a few thousand), so any text can be
# stored; words past them are not found (docs/postgresql.md).
INDEXED_CHARS = 200_000
DOC_VECTOR = (f"(setweight(to_tsvector('{CONFIG}', coalesce(title, '')), 'A') || "
              f"setweight(to_tsvector('{CONFIG}', left(text, {INDEXED_CHARS})), 'D'))")
CLAIM_VECTOR = f"to_tsvector('{CONFIG}', left(evidence, {INDEXED_CHARS}))"
# ts_rank's weights of the D, C, B, A labels: a title word counts five times a text word, as
# bm25(documents_fts, 5.0, 1.0) weighs them on SQLite.
_WEIGHTS = "'{0.2, 0.2, 0.2, 1.0}'::float4[]"
_DOC_OPTIONS = f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords={SNIPPET_WORDS}, MinWords=12, ShortWord=0"
_CLAIM_OPTIONS = f"StartSel={OPEN}, StopSel={CLOSE}, HighlightAll=true"
# the configuration in the schema the tables are in (to_regconfig is PostgreSQL 16+)
_SCHEMA = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
_CONFIG_EXISTS = text(f"SELECT count(*) FROM pg_ts_config WHERE cfgname = '{CONFIG}' "
                      f"AND cfgnamespace = {_SCHEMA}")
_EDGE = 16  # characters of the text's start and end read to finish a headline at its edges
_WORD = re.compile(r"\w")
_WORD_TYPES = "asciiword, asciihword, hword_asciipart, word, hword, hword_part"


# --- schema v5 -------------------------------------------------------------------------------------
def create_index(conn: Connection) -> None:
    """The search configuration and the two GIN indexes (idempotent)."""
    if not conn.execute(_CONFIG_EXISTS).scalar():
        conn.exec_driver_sql(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.simple)")
        if _install_unaccent(conn):
            conn.exec_driver_sql(f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
                                 f"ALTER MAPPING FOR {_WORD_TYPES} WITH unaccent, simple")
    for name, table, vector in (("ix_documents_search", "documents", DOC_VECTOR),
                                ("ix_claims_search", "claims", f"({CLAIM_VECTOR})")):
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({vector})")


def _install_unaccent(conn: Connection) -> bool:
    """Whether the unaccent dictionary is there (installing the extension if this user may)."""
    savepoint = conn.begin_nested()  # a failed CREATE EXTENSION must not abort the migration
    try:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except Exception:  # noqa: BLE001 - not installed on the server, or not allowed: search without folding
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def folds_accents(conn: Connection) -> bool:
    """Whether this database's search folds accents (the unaccent dictionary is in its configuration)."""
    query = text("SELECT count(*) FROM pg_ts_config_map m JOIN pg_ts_dict d ON d.oid = m.mapdict "
                 "JOIN pg_ts_config c ON c.oid = m.mapcfg "
                 f"WHERE c.cfgname = '{CONFIG}' AND c.cfgnamespace = {_SCHEMA} AND d.dictname = 'unaccent'")
    return bool(conn.execute(query).scalar())


# --- queries ---------------------------------------------------------------------------------------
def search_pg(conn: Connection, query: str, parts: list[str], limit: int, offset: int) -> SearchResults:
    tsquery = " && ".join(f"phraseto_tsquery('{CONFIG}', :t{i})" for i in range(len(parts)))
    params: dict[str, Any] = {f"t{i}": part for i, part in enumerate(parts)}
    page = {**params, "limit": limit, "offset": offset}
    doc_rows = conn.execute(text(
        "SELECT p.id, p.doc_key, p.title, p.outlet, p.published, p.url, s.snip, "
        "strpos(p.body, h.plain) AS at, length(p.body) AS size, length(h.plain) AS shown, "
        "left(p.body, :edge) AS head, right(p.body, :edge) AS tail FROM ("
        "SELECT id, doc_key, title, outlet, published, url, text AS body, "
        f"ts_rank({_WEIGHTS}, {DOC_VECTOR}, {tsquery}) AS score FROM documents "
        f"WHERE {DOC_VECTOR} @@ ({tsquery}) ORDER BY score DESC, id LIMIT :limit OFFSET :offset) AS p "
        f"CROSS JOIN LATERAL (SELECT ts_headline('{CONFIG}', p.body, {tsquery}, :options) AS snip) AS s "
        f"CROSS JOIN LATERAL (SELECT replace(replace(s.snip, '{OPEN}', ''), '{CLOSE}', '') AS plain) AS h "
        "ORDER BY p.score DESC, p.id"), {**page, "options": _DOC_OPTIONS, "edge": _EDGE}).mappings().all()
    claim_snips = conn.execute(text(
        f"SELECT id, ts_headline('{CONFIG}', evidence, {tsquery}, :options) FROM claims "
        f"WHERE {CLAIM_VECTOR} @@ ({tsquery}) "
        f"ORDER BY ts_rank({CLAIM_VECTOR}, {tsquery}) DESC, id LIMIT :limit OFFSET :offset"),
        {**page, "options": _CLAIM_OPTIONS}).all()
    totals = conn.execute(text(
        f"SELECT (SELECT count(*) FROM documents WHERE {DOC_VECTOR} @@ ({tsquery})), "
        f"(SELECT count(*) FROM claims WHERE {CLAIM_VECTOR} @@ ({tsquery}))"), params).one()
    found_docs = [{**{k: row[k] for k in ("id", "doc_key", "title", "outlet", "published", "url")},
                   "snippet": join_phrases(_windowed(row), parts)} for row in doc_rows]
    snippets = {int(i): join_phrases(split_marked(snip), parts) for i, snip in claim_snips}
    return SearchResults(query, found_docs, claim_rows(conn, snippets), int(totals[0]), int(totals[1]))


def _windowed(row: Any) -> Snippet:
    """The headline's pieces, with what it leaves out before and after shown as "…" (as FTS5's
    snippet does), unless that is only a few characters of punctuation and space (ts_headline ends
    on a word: the full stop after it would be lost)."""
    pieces = split_marked(row["snip"])
    if not row["at"]:  # not found as it reads in the text: say that text is left out on both sides
        return [("…", False), *pieces, ("…", False)]
    before = int(row["at"]) - 1
    after = int(row["size"]) - before - int(row["shown"])
    if before:
        head = row["head"][:before]
        pieces.insert(0, (head if before <= _EDGE and not _WORD.search(head) else "…", False))
    if after:
        tail = row["tail"][-after:]
        pieces.append((tail if after <= _EDGE and not _WORD.search(tail) else "…", False))
    return _merged(pieces)


def _merged(pieces: Snippet) -> Snippet:
    """Adjacent pieces that are both hits or both not, as one."""
    out: Snippet = []
    for piece, is_hit in pieces:
        if out and out[-1][1] == is_hit and not is_hit:
            out[-1] = (out[-1][0] + piece, False)
        else:
            out.append((piece, is_hit))
    return out
