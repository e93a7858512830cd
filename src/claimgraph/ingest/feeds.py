"""RSS and Atom feeds, from a file or a URL: one Article per entry."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import feedparser

from claimgraph.errors import Code, IngestError
from claimgraph.ingest.dates import struct_date
from claimgraph.ingest.fetch import fetch
from claimgraph.ingest.html import html_to_text
from claimgraph.ingest.options import Options
from claimgraph.ingest.outcome import Outcome, article, guarded
from claimgraph.ingest.pages import article_from_page
from claimgraph.ingest.text import normalise_newlines
from claimgraph.model import Article


def parse_feed(raw: bytes, headers: Mapping[str, str] | None = None) -> Any:
    # a file object, never bytes or str: feedparser would open a str that names a URL or file, or bytes
    # that happen to name a local file, and read that instead
    return feedparser.parse(io.BytesIO(raw), response_headers=dict(headers or {}))


def is_feed(parsed: Any) -> bool:
    """feedparser parses anything; a feed has a known version or at least one entry."""
    return bool(parsed.get("version") or parsed.get("entries"))


def iter_feed(raw: bytes, *, source: str, options: Options, headers: Mapping[str, str] | None = None,
              not_feed: Code = Code.BAD_FEED) -> Iterator[Outcome]:
    """Each entry as an Article or a Failure named "<source>#entry N"; `not_feed` when it is no feed."""
    parsed = parse_feed(raw, headers)
    if not is_feed(parsed):
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        raise IngestError(not_feed, f"not an RSS or Atom feed{detail}")
    outlet = clean(parsed.feed.get("title"))
    for number, entry in enumerate(parsed.entries, start=1):
        entry_source = f"{source}#entry {number}"
        yield from guarded(entry_source, entry_items(entry, entry_source, outlet, options), Code.BAD_FEED)


def entry_items(entry: Any, source: str, outlet: str | None, options: Options) -> Iterator[Outcome]:
    yield entry_article(entry, source, outlet, options)


def entry_article(entry: Any, source: str, outlet: str | None, options: Options) -> Article:
    """The entry's own content; else the page its link points to, fetched under the same rules."""
    title = clean(entry.get("title"))
    link = entry.get("link") or None
    author = clean(entry.get("author"))
    published = struct_date(entry.get("published_parsed")) or struct_date(entry.get("updated_parsed"))
    text = entry_text(entry)
    if text:
        return article(text, source, title=title, url=link, outlet=outlet, author=author, published=published)
    if not link:
        raise IngestError(Code.BAD_FEED, "entry has no content and no link")
    page = article_from_page(fetch(link, options), source)
    # the feed knows its own entry better than the page's metadata does
    return replace(page, title=title or page.title, outlet=outlet or page.outlet,
                   author=author or page.author, published=published or page.published)


def entry_text(entry: Any) -> str:
    """content:encoded or Atom content first, the summary last; HTML turned into text."""
    for part in [*entry.get("content", []), entry.get("summary_detail")]:
        if not part or not part.get("value"):
            continue
        value = str(part["value"])
        text = normalise_newlines(value) if part.get("type") == "text/plain" else html_to_text(value)
        if any(char.isalnum() for char in text):
            return text
    return ""


def clean(value: object) -> str | None:
    """Feed titles and names may carry markup or be missing."""
    if not isinstance(value, str):
        return None
    return (html_to_text(value) if "<" in value else value.strip()) or None
