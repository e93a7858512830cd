"""Paths and folders: walk folders in a fixed order and read each file by its extension."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from claimgraph.errors import Code, IngestError
from claimgraph.ingest.feeds import iter_feed
from claimgraph.ingest.html import article_from_html
from claimgraph.ingest.jsonl import iter_jsonl
from claimgraph.ingest.options import Options
from claimgraph.ingest.outcome import Failure, Outcome, article, guarded
from claimgraph.ingest.text import check_content, plain_text, read_file
from claimgraph.ingest.warc import iter_warc

KINDS = {
    ".txt": "text", ".md": "text",
    ".html": "html", ".htm": "html",
    ".jsonl": "jsonl",
    ".xml": "xml", ".rss": "feed", ".atom": "feed",
    ".warc": "warc", ".warc.gz": "warc",
}
FALLBACK_CODES = {"text": Code.UNSUPPORTED_FILE, "html": Code.NO_TEXT, "jsonl": Code.BAD_RECORD,
                  "xml": Code.UNSUPPORTED_FILE, "feed": Code.BAD_FEED, "warc": Code.BAD_WARC}


def iter_path(name: str, options: Options) -> Iterator[Outcome]:
    """A file named by the user, or every known file under a folder."""
    path = Path(name)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        yield Failure(name, IngestError(Code.NOT_FOUND, not_found_reason(name)))
        return
    except OSError as error:
        yield Failure(name, IngestError(Code.NOT_FOUND, f"cannot read: {error.strerror or error}"))
        return
    if stat.S_ISDIR(mode):
        for item in walk(path):
            yield from iter_file(item, options) if isinstance(item, Path) else [item]
    elif not stat.S_ISREG(mode):
        yield Failure(name, IngestError(Code.UNSUPPORTED_FILE, "not a regular file"))
    elif file_suffix(path) not in KINDS:
        yield Failure(name, IngestError(Code.UNSUPPORTED_FILE, unsupported_reason(path)))
    else:
        yield from iter_file(path, options)


def file_suffix(path: Path) -> str:
    """The extension that names a file's kind: ".warc.gz" for gzipped WARC files, else the last one."""
    name = path.name.lower()
    return ".warc.gz" if name.endswith(".warc.gz") else path.suffix.lower()


def not_found_reason(name: str) -> str:
    if "://" in name:
        return "no such file or folder (only http:// and https:// URLs are fetched)"
    return "no such file or folder"


def unsupported_reason(path: Path) -> str:
    known = ", ".join(sorted(KINDS))
    return f"cannot read {path.suffix or 'files without an extension'}; known extensions: {known}"


def walk(folder: Path) -> Iterator[Path | Failure]:
    """Known files under the folder, sorted by name at each level, hidden entries skipped.

    Unknown extensions are skipped silently: folders hold images, notes and the like.
    Symbolic links to folders are not followed, so a link loop cannot trap the walk.
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        reason = f"cannot list folder: {error.strerror or error}"
        yield Failure(str(folder), IngestError(Code.NOT_FOUND, reason))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        if entry.is_dir(follow_symlinks=False):
            yield from walk(path)
        elif entry.is_file() and file_suffix(path) in KINDS:
            yield path


def iter_file(path: Path, options: Options) -> Iterator[Outcome]:
    kind = KINDS[file_suffix(path)]
    yield from guarded(str(path), read_by_kind(path, kind, options), FALLBACK_CODES[kind])


def read_by_kind(path: Path, kind: str, options: Options) -> Iterator[Outcome]:
    """Files are named by their stem (000_abc.txt is 000_abc); feed entries take the text hash."""
    source = str(path)
    if kind == "jsonl":
        yield from iter_jsonl(path, options)
        return
    if kind == "warc":  # read record by record: WARC files are often a gigabyte
        yield from iter_warc(path, options)
        return
    yield from items_from_bytes(read_file(path, options.max_bytes), kind, source, path.stem, options)


def items_from_bytes(raw: bytes, kind: str, source: str, doc_id: str, options: Options) -> Iterator[Outcome]:
    """A text, HTML or feed file's items from its bytes (the Spark engine reads the files itself)."""
    if kind == "text":
        yield article(plain_text(raw), source, doc_id=doc_id)
        return
    check_content(raw)
    if kind == "html":
        yield article_from_html(raw, source=source, doc_id=doc_id)
    else:
        # a .xml file may be any XML at all, so not being a feed makes it unsupported, not broken
        not_feed = Code.UNSUPPORTED_FILE if kind == "xml" else Code.BAD_FEED
        yield from iter_feed(raw, source=source, options=options, not_feed=not_feed)
