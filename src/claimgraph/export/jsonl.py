"""Our own lossless format: the stored graph as JSON lines, and `claimgraph import` of it.

The first line is a header, `{"kind": "claimgraph", "format": 1, "schema": 5, "filters": {...}}`.
Every other line is one stored row, `{"kind": KIND, COLUMN: VALUE, ...}`, with the columns of the
table that KIND names (store/schema.py; docs/exports.md lists them), parents before children:

  entity, alias, document, mention, claim, judgement, redirect, blocked_alias, alias_assignment,
  row_move, copy, signature

Timestamps are ISO 8601 in UTC, the MinHash signatures base64. Rows keep their ids, so a whole
export imported into an empty database exports again byte for byte; analyst judgements (and what
undoing them needs) come along. The link cache and other derived tables are left out: they are
rebuilt on demand. A filtered export holds the selected documents, claims and entities (see
export/selection.py) and their mentions, aliases and copy rows, but no judgements: those speak of
the whole store.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any, BinaryIO

import orjson
from sqlalchemy import Column, Connection, DateTime, LargeBinary, Table, and_, func, insert, select
from sqlalchemy.exc import IntegrityError

from claimgraph.errors import ClaimgraphError, Code
from claimgraph.export.registry import Format, Source
from claimgraph.export.selection import Selection, iso
from claimgraph.store import schema
from claimgraph.store.engine import read_transaction, write_transaction
from claimgraph.store.transfer import reset_sequences

if TYPE_CHECKING:
    from claimgraph.store import Store

FORMAT_VERSION = 1
HEADER_KIND = "claimgraph"
BATCH = 2_000

# kind -> table, in the order rows are written and must be read (parents first)
KINDS: dict[str, Table] = {
    "entity": schema.entities,
    "alias": schema.aliases,
    "document": schema.documents,
    "mention": schema.mentions,
    "claim": schema.claims,
    "judgement": schema.judgements,
    "redirect": schema.redirects,
    "blocked_alias": schema.blocked_aliases,
    "alias_assignment": schema.alias_assignments,
    "row_move": schema.row_moves,
    "copy": schema.document_copies,
    "signature": schema.document_signatures,
}
# the kinds that only a whole export holds
CURATION = ("judgement", "redirect", "blocked_alias", "alias_assignment", "row_move")


# --- writing -------------------------------------------------------------------------------------
def write(source: Source, out: BinaryIO) -> None:
    filters = source.filters.as_dict()
    header = {"kind": HEADER_KIND, "format": FORMAT_VERSION, "schema": schema_version(), "filters": filters}
    out.write(orjson.dumps(header) + b"\n")
    with read_transaction(source.store.engine) as conn:
        chosen = None if source.filters.is_empty() else _Chosen.of(source.selection)
        for kind, table in KINDS.items():
            if chosen is not None and kind in CURATION:
                continue
            for row in _rows(conn, table, chosen):
                out.write(orjson.dumps({"kind": kind, **_to_json(table, row)}) + b"\n")


def schema_version() -> int:
    from claimgraph.store.migrations import CURRENT_VERSION

    return CURRENT_VERSION


@dataclass
class _Chosen:
    """The ids a filtered export keeps."""

    entities: list[str]
    documents: list[int]
    claims: list[int]

    @classmethod
    def of(cls, selection: Selection) -> _Chosen:
        return cls(sorted(selection.entities), sorted(doc.id for doc in selection.documents),
                   sorted(claim.id for claim in selection.claims))


def _rows(conn: Connection, table: Table, chosen: _Chosen | None) -> Iterator[dict[str, Any]]:
    query = select(table).order_by(*table.primary_key.columns)
    if chosen is None:
        yield from _stream(conn, query)
        return
    for where in _wheres(table, chosen):
        yield from _stream(conn, query.where(where))


def _stream(conn: Connection, query: Any) -> Iterator[dict[str, Any]]:
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    for row in result.mappings():
        yield {str(key): value for key, value in row.items()}  # names are str subclasses orjson refuses


def _wheres(table: Table, chosen: _Chosen) -> Iterator[Any]:
    """The conditions, one per chunk of ids, that keep a filtered export's rows of `table`."""
    c = table.c
    documents = set(chosen.documents)
    if table is schema.entities or table is schema.aliases:
        column = c.id if table is schema.entities else c.entity_id
        yield from (column.in_(part) for part in _parts(chosen.entities))
    elif table is schema.documents or table is schema.document_signatures:
        column = c.id if table is schema.documents else c.document_id
        yield from (column.in_(part) for part in _parts(chosen.documents))
    elif table is schema.mentions:
        yield from (and_(c.document_id.in_(part), c.entity_id.in_(chosen.entities))
                    for part in _parts(chosen.documents))
    elif table is schema.claims:
        yield from (c.id.in_(part) for part in _parts(chosen.claims))
    elif table is schema.document_copies:
        # a copy whose story's origin is not exported becomes an origin of its own in the subset
        yield from (and_(c.document_id.in_(part), c.story_id.in_(documents), c.copy_of.in_(documents))
                    for part in _parts(chosen.documents))
        yield from (and_(c.document_id.in_(part), c.story_id == c.document_id)
                    for part in _parts(chosen.documents))


def _parts(values: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _to_json(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    for column in table.columns:
        value = row[column.name]
        if isinstance(column.type, DateTime):
            row[column.name] = iso(value) if value is not None else None
        elif isinstance(column.type, LargeBinary) and value is not None:
            row[column.name] = base64.b64encode(bytes(value)).decode("ascii")
        elif column.name == "provisional":
            row[column.name] = bool(value)
    return row


FORMAT = Format(name="jsonl", extension=".jsonl", media_type="application/x-ndjson", label="JSONL",
                description="claimgraph's own JSON lines: every stored row, lossless; "
                            "`claimgraph import` reads it back",
                write=write)


# --- reading (`claimgraph import`) ---------------------------------------------------------------
@dataclass
class ImportReport:
    source: str
    target: str
    counts: dict[str, int] = field(default_factory=dict)  # kind -> rows imported
    filters: dict[str, str] = field(default_factory=dict)  # of the export

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "rows": sum(self.counts.values()),
                "kinds": self.counts, "filters": self.filters}


Progress = Callable[[int], None]  # lines read so far


def read_into(store: Store, lines: IO[bytes], name: str, progress: Progress | None = None) -> ImportReport:
    """Import an export into `store`, which must hold no graph yet. One transaction: on any bad line
    (E502, with its number) nothing is imported."""
    report = ImportReport(name, store.url)
    reader = _Reader(name)
    with write_transaction(store.engine) as conn:
        _refuse_filled(conn, store.url)
        batch: list[dict[str, Any]] = []
        current = ""
        for number, raw in enumerate(lines, start=1):
            record = reader.read(number, raw)
            if record is None:
                continue
            kind, row = record
            # rows come parents first: a batch holds one kind, and is stored before the next kind's
            # rows, which may refer to it
            if kind != current or len(batch) >= BATCH:
                _flush(conn, current, batch, report, reader, number - 1)
                batch, current = [], kind
            batch.append(row)
            if progress is not None and number % BATCH == 0:
                progress(number)
        reader.finish()
        _flush(conn, current, batch, report, reader, None)
        reset_sequences(conn)
    report.filters = reader.filters
    return report


def _refuse_filled(conn: Connection, where: str) -> None:
    holding = [kind for kind, table in KINDS.items()
               if conn.execute(select(func.count()).select_from(select(table).limit(1).subquery())).scalar()]
    if holding:
        raise ClaimgraphError(Code.IMPORT_TARGET_NOT_EMPTY,
                              f"{where} already holds a graph ({', '.join(holding)} rows): import into a new "
                              "database, e.g. --db imported.db")


def _flush(conn: Connection, kind: str, rows: list[dict[str, Any]], report: ImportReport, reader: _Reader,
           number: int | None) -> None:
    if not rows:
        return
    try:
        with conn.begin_nested():
            conn.execute(insert(KINDS[kind]), rows)
    except IntegrityError as exc:  # a key given twice, or a value the schema refuses
        where = f"up to line {number}" if number else "in the file"
        raise ClaimgraphError(Code.BAD_IMPORT, f"{reader.name}: the {kind} rows {where} break the schema "
                                               f"({exc.orig}); nothing was imported") from None
    report.counts[kind] = report.counts.get(kind, 0) + len(rows)


# which earlier kind each reference column must name, so a dangling reference is told by line
_REFERENCES: dict[str, str] = {
    "entity_id": "entity", "subject_id": "entity", "object_id": "entity", "speaker_id": "entity",
    "from_id": "entity", "to_id": "entity", "document_id": "document", "copy_of": "document",
    "judgement_id": "judgement",
}
_NOT_CHECKED = {("judgement", "entity_id"), ("judgement", "target_id"), ("row_move", "from_id"),
                ("row_move", "to_id")}  # an audit log outlives the entities it names


class _Reader:
    """Checks each line against the schema and the rows read before it; turns JSON into row values."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.header_seen = False
        self.filters: dict[str, str] = {}
        self.seen: dict[str, set[Any]] = {"entity": set(), "document": set(), "judgement": set()}
        self.order = {kind: i for i, kind in enumerate(KINDS)}
        self.last = -1

    def read(self, number: int, raw: bytes) -> tuple[str, dict[str, Any]] | None:
        if not raw.strip():
            return None
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise self._bad(number, f"not JSON ({exc})") from None
        if not isinstance(record, dict):
            raise self._bad(number, "not a JSON object")
        if not self.header_seen:
            self._header(record)
            return None
        return self._row(number, record)

    def finish(self) -> None:
        if not self.header_seen:
            raise ClaimgraphError(Code.IMPORT_VERSION, f"{self.name} is empty: no claimgraph header line")

    def _header(self, record: dict[str, Any]) -> None:
        if record.get("kind") != HEADER_KIND:
            raise ClaimgraphError(Code.IMPORT_VERSION, f"{self.name} does not start with a claimgraph header "
                                                       "line: is it the output of `claimgraph export "
                                                       "--format jsonl`?")
        if record.get("format") != FORMAT_VERSION:
            raise ClaimgraphError(Code.IMPORT_VERSION, f"{self.name} is in format {record.get('format')!r}; "
                                                       f"this claimgraph reads format {FORMAT_VERSION}")
        self.header_seen = True
        filters = record.get("filters")
        self.filters = {str(k): str(v) for k, v in filters.items()} if isinstance(filters, dict) else {}

    def _row(self, number: int, record: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        kind = record.pop("kind", None)
        if not isinstance(kind, str) or kind not in KINDS:
            raise self._bad(number, f"unknown kind {kind!r} (kinds: {', '.join(KINDS)})")
        if self.order[kind] < self.last:
            raise self._bad(number, f"a {kind} after rows of a later kind: rows must come parents first")
        self.last = self.order[kind]
        table = KINDS[kind]
        row = {}
        for column in table.columns:
            row[column.name] = self._value(number, kind, column, record.pop(column.name, None))
        if record:
            raise self._bad(number, f"{kind} has no column {sorted(record)[0]!r}")
        self._note(number, kind, row)
        return kind, row

    def _value(self, number: int, kind: str, column: Column[Any], value: Any) -> Any:
        if value is None:
            if not column.nullable and column.server_default is None and not _generated(column):
                raise self._bad(number, f"{kind} lacks {column.name!r}")
            return None
        try:
            value = _from_json(column, value)
        except (ValueError, TypeError) as exc:
            raise self._bad(number, f"{kind}.{column.name}: {exc}") from None
        target = _REFERENCES.get(column.name)
        checked = target is not None and (kind, column.name) not in _NOT_CHECKED and kind != target
        if checked and value not in self.seen[str(target)]:
            raise self._bad(number, f"{kind}.{column.name} names {target} {value!r}, which no earlier "
                                        "line gives")
        return value

    def _note(self, number: int, kind: str, row: dict[str, Any]) -> None:
        if kind in self.seen:
            if row["id"] in self.seen[kind]:
                raise self._bad(number, f"{kind} {row['id']!r} twice")
            self.seen[kind].add(row["id"])

    def _bad(self, number: int, why: str) -> ClaimgraphError:
        return ClaimgraphError(Code.BAD_IMPORT, f"{self.name}, line {number}: {why}; nothing was imported")


def _generated(column: Column[Any]) -> bool:
    return bool(column.primary_key and column.autoincrement is True)


def _from_json(column: Column[Any], value: Any) -> Any:
    kind = column.type
    if isinstance(kind, DateTime):
        if not isinstance(value, str):
            raise TypeError("a timestamp must be an ISO 8601 string")
        stamp = datetime.fromisoformat(value)
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value, validate=True)
    python = _python_type(column)
    if python is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if python is not None and not isinstance(value, python) or (python is int and isinstance(value, bool)):
        raise TypeError(f"expected {python.__name__ if python else 'a value'}, got {type(value).__name__}")
    return value


def _python_type(column: Column[Any]) -> type | None:
    try:
        return column.type.python_type
    except NotImplementedError:
        return None
