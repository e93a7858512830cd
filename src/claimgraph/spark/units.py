"""Files as Spark reads them (bytes) to units, and units to Articles and Failures.

The work is split in two so that Spark can spread it: cutting a file into units (a JSONL file into
lines, a WARC file into records) is cheap and runs where the file was read; cleaning and parsing
the units runs after they are spread over the workers. Both halves call the readers a normal ingest
uses, so a unit yields exactly the items `claimgraph ingest` would for the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path, PurePosixPath

import orjson

from claimgraph.errors import Code, IngestError
from claimgraph.ingest.files import FALLBACK_CODES, KINDS, file_suffix, items_from_bytes
from claimgraph.ingest.jsonl import line_items, numbered_lines
from claimgraph.ingest.options import Options
from claimgraph.ingest.outcome import Failure, Outcome, guarded
from claimgraph.ingest.text import SNIFF_BYTES, looks_binary
from claimgraph.ingest.warc import WarcPage, iter_pages, page_items
from claimgraph.spark.records import Unit

FAILURE = "failure"


def kind_of(name: str) -> str | None:
    """The kind of file a path or URI names (ingest.files.KINDS), None for files not read."""
    return KINDS.get(file_suffix(Path(name)))


def failure_unit(unit: Unit, source: str, error: IngestError) -> Unit:
    meta = {"code": error.code.value, "message": error.message}
    return Unit(unit.input_no, unit.path_key, unit.position, FAILURE, source, None,
                orjson.dumps(meta).decode())


# --- cutting files ---------------------------------------------------------------------------------
def explode(file: Unit, max_bytes: int) -> Iterator[Unit]:
    """A whole-file unit as read, cut into the units a worker handles one by one."""
    kind, content = file.kind, file.payload or b""
    if kind == "jsonl":  # limits apply per line and per record, as for a normal ingest
        yield from jsonl_units(file, content, max_bytes)
    elif kind == "warc":
        yield from warc_units(file, content, max_bytes)
    elif len(content) > max_bytes:
        reason = f"file is {len(content):,} bytes; the limit is {max_bytes:,}"
        yield failure_unit(file, file.source, IngestError(Code.TOO_LARGE, reason))
    else:
        yield file


def jsonl_units(file: Unit, content: bytes, max_bytes: int) -> Iterator[Unit]:
    """One unit per non-blank line, as ingest.jsonl.iter_jsonl reads a file, from bytes in memory."""
    if looks_binary(content[:SNIFF_BYTES]):
        yield failure_unit(file, file.source, IngestError(Code.BINARY, "looks like a binary file"))
        return
    records = 0
    for number, line in numbered_lines(io.BytesIO(content), max_bytes):
        source = f"{file.source}:{number}"
        at_line = Unit(file.input_no, file.path_key, number, "jsonl", source)
        if isinstance(line, IngestError):
            records += 1
            yield failure_unit(at_line, source, line)
        elif line.strip():
            records += 1
            at_line.payload = line
            yield at_line
    if records == 0:
        yield failure_unit(file, file.source, IngestError(Code.EMPTY, "file has no JSON lines"))


def warc_units(file: Unit, content: bytes, max_bytes: int) -> Iterator[Unit]:
    """One unit per article record; the page's fields but its body go into `meta`."""
    for number, item in enumerate(iter_pages(io.BytesIO(content), file.source, max_bytes), start=1):
        record = Unit(file.input_no, file.path_key, number, "warc", file.source)
        if isinstance(item, Failure):
            yield failure_unit(record, item.source, item.error)
            continue
        fields = asdict(item)
        record.payload = fields.pop("body")
        record.source = item.source
        record.meta = orjson.dumps(fields).decode()
        yield record


# --- reading units ---------------------------------------------------------------------------------
def outcomes(unit: Unit, options: Options) -> Iterator[Outcome]:
    """The Articles and Failures of one unit, as a normal ingest yields them for the same input."""
    if unit.kind == FAILURE:
        meta = orjson.loads(unit.meta or "{}")
        yield Failure(unit.source, IngestError(Code(meta["code"]), meta["message"]))
    elif unit.kind == "jsonl":
        path = Path(unit.source.rsplit(":", 1)[0])  # only its stem is used: "b" names "b.jsonl:3" b-3
        items = line_items(unit.payload or b"", unit.position, path, unit.source)
        yield from guarded(unit.source, items, Code.BAD_RECORD)
    elif unit.kind == "warc":
        page = WarcPage(body=unit.payload or b"", **orjson.loads(unit.meta or "{}"))
        yield from guarded(unit.source, page_items(page), Code.BAD_WARC)
    else:
        stem = PurePosixPath(unit.source).stem
        items = items_from_bytes(unit.payload or b"", unit.kind, unit.source, stem, options)
        yield from guarded(unit.source, items, FALLBACK_CODES[unit.kind])
