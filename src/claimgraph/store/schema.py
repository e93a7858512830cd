"""The tables of the claim graph, in SQLAlchemy Core.

Portable by design: only generic types; explicit lengths on strings (PostgreSQL does not need them,
but they state the intent and keep other engines open); named constraints, so that a later
migration can alter them by name on every engine.
"""

from __future__ import annotations

from sqlalchemy import (
    CHAR,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

SCHEMA_VERSION_KEY = "schema_version"

# Names derived from a convention, so PostgreSQL and SQLite get the same constraint names
# and a migration can drop or alter them by name.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only makes an autoincrementing rowid of a column declared exactly INTEGER PRIMARY KEY;
# PostgreSQL gets BIGINT for the tables that grow with every document.
_BIG_ID = BigInteger().with_variant(Integer(), "sqlite")

ENTITY_ID = 200  # slugs of long organisation names stay well below this
SHORT = 64  # relation, polarity, type, rule names
NAME = 500

meta = Table(
    "meta",
    metadata,
    Column("key", String(SHORT), primary_key=True),
    Column("value", Text, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_key", String(NAME), nullable=False, unique=True),
    Column("hash", CHAR(64), nullable=False, unique=True),
    Column("text", Text, nullable=False),
    Column("title", Text),
    Column("url", Text),
    Column("outlet", String(NAME)),
    Column("author", Text),
    Column("published", String(SHORT)),  # ISO 8601 as the source gave it; not always a full timestamp
    Column("source", Text, nullable=False),
    Column("language", String(16)),
    Column("status", String(NAME), nullable=False, server_default="ok"),
    Column("extractor_version", String(SHORT), nullable=False, server_default=""),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Index(None, "status"),
)

entities = Table(
    "entities",
    metadata,
    Column("id", String(ENTITY_ID), primary_key=True),
    Column("name", String(NAME), nullable=False),
    Column("type", String(SHORT), nullable=False),
    Column("country", String(SHORT)),
    Column("wikidata", String(SHORT)),
    Column("provisional", Boolean, nullable=False, server_default=false()),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index(None, "type"),
)

aliases = Table(
    "aliases",
    metadata,
    Column("entity_id", String(ENTITY_ID), ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("alias", String(NAME), nullable=False),
    Column("normalised", String(NAME), nullable=False),
    PrimaryKeyConstraint("entity_id", "normalised"),
    # Lookup by name goes normalised -> entity, the other way round from the primary key.
    Index(None, "normalised"),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", _BIG_ID, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("entity_id", String(ENTITY_ID), ForeignKey("entities.id"), nullable=False),
    Column("start_offset", Integer, nullable=False),
    Column("end_offset", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("rule", String(SHORT), nullable=False, server_default=""),
    Column("score", Float, nullable=False, server_default="1.0"),
    Index(None, "entity_id"),
    Index(None, "document_id"),
)

claims = Table(
    "claims",
    metadata,
    Column("id", _BIG_ID, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("subject_id", String(ENTITY_ID), ForeignKey("entities.id"), nullable=False),
    Column("relation", String(SHORT), nullable=False),
    Column("object_id", String(ENTITY_ID), ForeignKey("entities.id"), nullable=False),
    Column("polarity", String(16), nullable=False),
    Column("modality", String(16), nullable=False),
    Column("speaker_id", String(ENTITY_ID), ForeignKey("entities.id")),
    # speaker_id or "": NULLs are all distinct in a unique constraint (SQLite, PostgreSQL < 15),
    # so the claim identity needs a non-null stand-in to make re-adding the same claim a no-op.
    Column("speaker_key", String(ENTITY_ID), nullable=False, server_default=""),
    Column("evidence", Text, nullable=False),
    Column("start_offset", Integer, nullable=False),
    Column("end_offset", Integer, nullable=False),
    Column("cue", String(NAME), nullable=False, server_default=""),
    Column("rule", String(SHORT), nullable=False, server_default=""),
    Column("extractor_version", String(SHORT), nullable=False, server_default=""),
    UniqueConstraint(
        "document_id", "subject_id", "relation", "object_id", "polarity", "speaker_key", "start_offset",
        name="uq_claims_identity",
    ),
    # The values the ontology fixes; relations and types may grow, these two may not.
    CheckConstraint("polarity IN ('affirmed', 'denied')", name="polarity"),
    CheckConstraint("modality IN ('asserted', 'hedged')", name="modality"),
    Index(None, "subject_id"),
    Index(None, "object_id"),
    Index(None, "speaker_id"),
    Index(None, "relation"),
)

CLAIM_IDENTITY = (
    "document_id", "subject_id", "relation", "object_id", "polarity", "speaker_key", "start_offset",
)

V1_TABLES = (meta, documents, entities, aliases, mentions, claims)

# --- v2: analyst curation ----------------------------------------------------------------------
# Judgements are an audit log: they outlive the entities they name (an undone split deletes its
# entity), so their entity columns carry no foreign key.
judgements = Table(
    "judgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(SHORT), nullable=False),
    Column("entity_id", String(ENTITY_ID), nullable=False),
    Column("target_id", String(ENTITY_ID)),
    Column("payload", Text, nullable=False, server_default="{}"),  # JSON: old values, removed rows, counts
    Column("who", String(NAME), nullable=False),
    Column("why", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("undone_at", DateTime(timezone=True)),
    Column("undone_by", String(NAME)),
    Index(None, "entity_id"),
    Index(None, "target_id"),
)

# A merged entity keeps its row; every later write that names it is written as `to_id`.
redirects = Table(
    "redirects",
    metadata,
    Column("from_id", String(ENTITY_ID), ForeignKey("entities.id"), primary_key=True),
    Column("to_id", String(ENTITY_ID), ForeignKey("entities.id"), nullable=False),
    Column("judgement_id", Integer, ForeignKey("judgements.id"), nullable=False),
    Index(None, "to_id"),
)

# Aliases an analyst removed: a re-ingest does not add them back.
blocked_aliases = Table(
    "blocked_aliases",
    metadata,
    Column("entity_id", String(ENTITY_ID), ForeignKey("entities.id"), nullable=False),
    Column("normalised", String(NAME), nullable=False),
    Column("judgement_id", Integer, ForeignKey("judgements.id"), nullable=False),
    PrimaryKeyConstraint("entity_id", "normalised"),
)

# A surface form an analyst gave to one entity (split, alias add): later mentions that read so
# are stored as that entity, whatever the resolver said.
alias_assignments = Table(
    "alias_assignments",
    metadata,
    Column("normalised", String(NAME), primary_key=True),
    Column("entity_id", String(ENTITY_ID), ForeignKey("entities.id"), nullable=False),
    Column("judgement_id", Integer, ForeignKey("judgements.id"), nullable=False),
)

# Every entity id a judgement changed in a mention or claim row, at the judgement or in a later
# ingest that the judgement rewrote, so undoing it puts exactly those values back.
# row_column "*" marks a claim the judgement deleted (its row is kept in the payload).
row_moves = Table(
    "row_moves",
    metadata,
    Column("id", _BIG_ID, primary_key=True, autoincrement=True),
    Column("judgement_id", Integer, ForeignKey("judgements.id"), nullable=False),
    Column("row_table", String(SHORT), nullable=False),
    Column("row_id", BigInteger, nullable=False),
    Column("row_column", String(SHORT), nullable=False),
    Column("from_id", String(ENTITY_ID)),
    Column("to_id", String(ENTITY_ID)),
    Index(None, "judgement_id"),
    Index(None, "row_table", "row_id"),
)

V2_TABLES = (judgements, redirects, blocked_aliases, alias_assignments, row_moves)
DELETED = "*"

# --- v3: cross-source analysis ------------------------------------------------------------------
# Copies and stories: every analysed document gets a row; a copy (syndicated or spun) points at
# the earliest document of its story, its origin. Kept beside `documents` so no table is altered.
document_copies = Table(
    "document_copies",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", Integer, nullable=False),  # the id of the story's origin document
    Column("copy_of", Integer, ForeignKey("documents.id", ondelete="SET NULL")),  # null: an origin
    Column("similarity", Float, nullable=False, server_default="0"),
    Column("method", String(SHORT), nullable=False, server_default=""),  # how the copy was found
    Index(None, "story_id"),
    Index(None, "copy_of"),
)

# MinHash signatures, so a new document joins a story without the corpus being hashed again.
document_signatures = Table(
    "document_signatures",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)

# Link lookups ask for one ordered (subject, relation, object) or one pair of actors.
claims_link_index = Index("ix_claims_link", claims.c.subject_id, claims.c.object_id, claims.c.relation)
documents_outlet_index = Index("ix_documents_outlet", documents.c.outlet)

V3_TABLES = (document_copies, document_signatures)
V3_INDEXES = (claims_link_index, documents_outlet_index)

# --- v4: link assessment cache ------------------------------------------------------------------
# The whole assessment, folded once (analyse/links.py) and read by `links --entity` in milliseconds.
# `meta.link_cache_state` records the state of the store it was computed from; a query on a store
# in another state recomputes it first, so it is never stale.
link_cache = Table(
    "link_cache",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rank", Integer, nullable=False),  # position in the whole assessment, strongest first
    Column("subject_id", String(ENTITY_ID), nullable=False),
    Column("object_id", String(ENTITY_ID), nullable=False),
    Column("relation", String(SHORT)),
    Column("status", String(SHORT), nullable=False),
    Column("link", Text, nullable=False),  # the Link as JSON
    Index(None, "subject_id"),
    Index(None, "object_id"),
)

V4_TABLES = (link_cache,)

# --- v5: full-text search (store/search.py: FTS5 tables and triggers on SQLite, GIN indexes on
# expressions on PostgreSQL, made outside this metadata) and indexes for the web pages. The graph asks
# for the links among an actor's neighbours:
link_cache_pair_index = Index("ix_link_cache_pair", link_cache.c.subject_id, link_cache.c.object_id)
# The overview's newest claims walk documents by publication date.
documents_published_index = Index("ix_documents_published", documents.c.published)

# The overview counts links by status and lists the most contested, strongest first.
link_cache_status_index = Index("ix_link_cache_status", link_cache.c.status, link_cache.c.rank)

V5_INDEXES = (link_cache_pair_index, documents_published_index, link_cache_status_index)
