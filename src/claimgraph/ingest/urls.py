"""A URL input: a page, a plain text or a feed, told apart by what the server sends."""

from __future__ import annotations

from collections.abc import Iterator

from claimgraph.ingest.feeds import iter_feed
from claimgraph.ingest.fetch import fetch
from claimgraph.ingest.options import Options
from claimgraph.ingest.outcome import Outcome
from claimgraph.ingest.pages import article_from_page


def is_url(value: str) -> bool:
    return value[:8].lower().startswith(("http://", "https://"))


def iter_url(url: str, options: Options) -> Iterator[Outcome]:
    page = fetch(url, options)
    if page.kind == "feed":
        content_type = f"{page.media_type}; charset={page.charset}" if page.charset else page.media_type
        # the location lets feedparser resolve relative entry links against the feed's URL
        headers = {"content-type": content_type, "content-location": page.url}
        yield from iter_feed(page.body, source=url, options=options, headers=headers)
    else:
        yield article_from_page(page, url)
