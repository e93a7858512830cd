"""JSON Lines: one article per line, read line by line so big files stream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from claimgraph.errors import Code, IngestError
from claimgraph.ingest.dates import iso_date
from claimgraph.ingest.html import article_from_html
from claimgraph.ingest.options import Options
from claimgraph.ingest.outcome import Failure, Outcome, article, guarded
from claimgraph.ingest.text import SNIFF_BYTES, UTF8_BOM, looks_binary, normalise_newlines
from claimgraph.model import Article

SKIP_CHUNK = 1 << 20


def iter_jsonl(path: Path, options: Options) -> Iterator[Outcome]:
    """Articles and per-line Failures ("file.jsonl:LINE"); max_bytes applies to each line, not the file."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; the generator may pause for long
    except OSError as error:
        raise IngestError(Code.NOT_FOUND, f"cannot read file: {error.strerror or error}") from error
    with handle:
        if looks_binary(handle.read(SNIFF_BYTES)):
            raise IngestError(Code.BINARY, "looks like a binary file")
        handle.seek(0)
        records = 0
        for number, line in numbered_lines(handle, options.max_bytes):
            source = f"{path}:{number}"
            if isinstance(line, IngestError):
                records += 1
                yield Failure(source, line)
            elif line.strip():
                records += 1
                yield from guarded(source, line_items(line, number, path, source), Code.BAD_RECORD)
    if records == 0:
        yield Failure(str(path), IngestError(Code.EMPTY, "file has no JSON lines"))


def numbered_lines(handle: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | IngestError]]:
    """(line number, bytes) pairs; a line longer than max_bytes comes as a TOO_LARGE error, skipped."""
    number = 0
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            skip_rest_of_line(handle)
            yield number, IngestError(Code.TOO_LARGE, f"line is over the limit of {max_bytes:,} bytes")
        else:
            yield number, line.removeprefix(UTF8_BOM) if number == 1 else line


def skip_rest_of_line(handle: IO[bytes]) -> None:
    while True:
        chunk = handle.readline(SKIP_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return


def line_items(line: bytes, number: int, path: Path, source: str) -> Iterator[Outcome]:
    yield record_article(parse_line(line, number), source, default_id=f"{path.stem}-{number}")


def parse_line(line: bytes, number: int) -> dict[str, Any]:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        reason = f"line {number}: invalid UTF-8 at byte {error.start} of the line; convert the file to UTF-8"
        raise IngestError(Code.NOT_UTF8, reason) from error
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as error:  # absurdly deep nesting raises RecursionError
        raise IngestError(Code.NOT_JSON, f"line {number} is not JSON: {error}") from error
    if not isinstance(record, dict):
        raise IngestError(Code.BAD_RECORD, f"line {number} is JSON but not an object")
    return record


def record_article(record: dict[str, Any], source: str, default_id: str) -> Article:
    """The record's text, else its HTML; the record's own metadata wins over what HTML yields."""
    doc_id = record_id(record) or default_id
    url = string(record.get("url"))
    text, html = string(record.get("text")), string(record.get("html"))
    if text:
        found = article(normalise_newlines(text), source, doc_id=doc_id, url=url)
    elif html:
        found = article_from_html(html, source=source, doc_id=doc_id, url=url)
    else:
        raise IngestError(Code.BAD_RECORD, "record has no non-empty \"text\" or \"html\" string")
    return replace(
        found,
        title=string(record.get("title")) or found.title,
        outlet=string(record.get("outlet")) or found.outlet,
        author=string(record.get("author")) or found.author,
        published=iso_date(record.get("published")) or found.published,
    )


def record_id(record: dict[str, Any]) -> str | None:
    for key in ("id", "doc"):
        value = record.get(key)
        # numbers are fine ids; bool is an int in Python but never an id
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return None


def string(value: object) -> str | None:
    """A non-blank string, else None: records in the wild carry nulls, numbers and lists."""
    return value.strip() if isinstance(value, str) and value.strip() else None
