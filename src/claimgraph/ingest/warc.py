"""WARC files (warcio): every HTML or plain-text response or resource record is one article.

Common Crawl News, like most crawlers, writes `.warc.gz` files with one gzip member per record, so
a record can be read without the ones before it. That is what lets a broken record fail alone: when
warcio cannot read a record (bad headers, a corrupt gzip member), the reader looks for the start of
the next record (the next gzip member, or the next `WARC/` line of an uncompressed file) and goes on.

Records that are not articles pass silently, as files of unknown kinds do in a folder: requests,
revisits, metadata, warcinfo, responses other than 2xx, and payloads that are not HTML or text.
The pages are cleaned by the same code as every other HTML input (ingest/html.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from claimgraph.errors import Code, IngestError
from claimgraph.ingest.dates import iso_date
from claimgraph.ingest.html import article_from_html, decode_markup
from claimgraph.ingest.options import Options
from claimgraph.ingest.outcome import Failure, Outcome, article, guarded
from claimgraph.ingest.text import check_content, normalise_newlines
from claimgraph.model import Article

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
ARTICLE_RECORDS = frozenset({"response", "resource"})
GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_LINE = b"\nWARC/1."  # a record's first line, after the blank lines that end the one before
SCAN_CHUNK = 1 << 16
DETAIL_CHARS = 120


@dataclass(frozen=True)
class WarcPage:
    """One record's payload worth reading, with what the record says about it."""

    source: str  # "file.warc.gz#OFFSET": the record's byte offset in the file, as WARC indexes give it
    doc_id: str
    url: str | None
    date: str | None  # WARC-Date: when it was crawled, the date of last resort
    media_type: str
    charset: str | None
    body: bytes


def iter_warc(path: Path, options: Options) -> Iterator[Outcome]:
    """Articles and per-record Failures of a WARC file, gzipped or not."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; the generator may pause for long
    except OSError as error:
        raise IngestError(Code.NOT_FOUND, f"cannot read file: {error.strerror or error}") from error
    with handle:
        for item in iter_pages(handle, str(path), options.max_bytes):
            if isinstance(item, Failure):
                yield item
            else:
                yield from guarded(item.source, page_items(item), Code.BAD_WARC)


def page_items(page: WarcPage) -> Iterator[Outcome]:
    yield page_article(page)


def page_article(page: WarcPage) -> Article:
    """The page as an Article: HTML cleaned as any HTML input, text decoded by charset or detection."""
    check_content(page.body)
    if page.media_type in HTML_TYPES:
        found = article_from_html(page.body, source=page.source, doc_id=page.doc_id, url=page.url,
                                  charset=page.charset)
    else:
        text = normalise_newlines(decode_markup(page.body, page.charset))
        if not text.strip():
            raise IngestError(Code.EMPTY, "record has only whitespace")
        found = article(text, page.source, doc_id=page.doc_id, url=page.url)
    return found if found.published or not page.date else replace(found, published=page.date)


def iter_pages(handle: IO[bytes], source: str, max_bytes: int) -> Iterator[WarcPage | Failure]:
    """The article records of a seekable WARC stream; a record that cannot be read is a Failure."""
    start = handle.tell()
    gzipped = handle.read(2) == GZIP_MAGIC[:2]
    position: int | None = start
    seen = False
    while position is not None:
        handle.seek(position)
        iterator = ArchiveIterator(handle)
        try:
            for record in iterator:
                seen = True
                page = read_record(record, f"{source}#{iterator.offset}", max_bytes)
                if page is not None:
                    yield page
            position = None
        except Exception as error:  # noqa: BLE001 - warcio and zlib raise many kinds; one record fails
            seen = True
            broken = iterator.offset  # the start of the record being read
            yield Failure(f"{source}#{broken}", IngestError(Code.BAD_WARC, unreadable(error)))
            position = next_record_start(handle, broken + 1, gzipped)
    if not seen:
        yield Failure(source, IngestError(Code.EMPTY, "file has no WARC records"))


def unreadable(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    detail = lines[0].removeprefix("ERROR: ") if lines else type(error).__name__
    # warcio quotes the line it could not parse, which may be compressed bytes
    printable = "".join(char if char.isprintable() else "?" for char in detail)
    return f"unreadable WARC record: {printable[:DETAIL_CHARS]}"


def next_record_start(handle: IO[bytes], offset: int, gzipped: bool) -> int | None:
    """Where the next record may start at or after `offset`: a gzip member, or a `WARC/1.` line."""
    marker, skip = (GZIP_MAGIC, 0) if gzipped else (WARC_LINE, 1)
    handle.seek(offset)
    carried = b""
    base = offset
    while chunk := handle.read(SCAN_CHUNK):
        window = carried + chunk
        found = window.find(marker)
        if found >= 0:
            return base + found + skip
        # keep a marker's length minus one: a marker may straddle two chunks
        carried = window[-(len(marker) - 1):]
        base += len(window) - len(carried)
    return None


def read_record(record: Any, source: str, max_bytes: int) -> WarcPage | Failure | None:
    """The record's page, a Failure when it is too large, None when it holds no article."""
    media_type, charset = record_content_type(record)
    if media_type not in HTML_TYPES | TEXT_TYPES:
        return None
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        reason = f"record is over the limit of {max_bytes:,} bytes"
        return Failure(source, IngestError(Code.TOO_LARGE, reason))
    headers = record.rec_headers
    return WarcPage(source=source, doc_id=record_doc_id(headers.get_header("WARC-Record-ID")),
                    url=headers.get_header("WARC-Target-URI") or None,
                    date=iso_date(headers.get_header("WARC-Date")), media_type=media_type,
                    charset=charset, body=body)


def record_content_type(record: Any) -> tuple[str, str | None]:
    """(media type, charset) of an article record's payload; ("", None) for records that hold none."""
    if record.rec_type not in ARTICLE_RECORDS:
        return "", None
    if record.rec_type == "resource":
        return parse_content_type(record.rec_headers.get_header("Content-Type"))
    http = record.http_headers
    if http is None or not str(http.get_statuscode() or "").startswith("2"):
        return "", None  # redirects, errors and non-HTTP responses (dns:) are no articles
    # Common Crawl adds the type it detected; it helps when the server sent none
    detected = record.rec_headers.get_header("WARC-Identified-Payload-Type")
    declared = http.get_header("Content-Type") or detected
    return parse_content_type(declared)


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """("text/html", "utf-8") from 'text/html; charset="UTF-8"'."""
    if not value:
        return "", None
    media_type, *params = value.split(";")
    charset = None
    for param in params:
        name, _, raw = param.partition("=")
        if name.strip().lower() == "charset":
            charset = raw.strip().strip("\"'") or None
    return media_type.strip().lower(), charset


def record_doc_id(record_id: str | None) -> str:
    """"<urn:uuid:1a2b...>" -> "1a2b..."; "" lets the Article take its text hash."""
    if not record_id:
        return ""
    return record_id.strip().strip("<>").removeprefix("urn:uuid:")
