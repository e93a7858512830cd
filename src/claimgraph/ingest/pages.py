"""A fetched web page (HTML or plain text) to an Article."""

from __future__ import annotations

from claimgraph.errors import Code, IngestError
from claimgraph.ingest.fetch import Fetched
from claimgraph.ingest.html import article_from_html, usable_charset
from claimgraph.ingest.outcome import article
from claimgraph.ingest.text import check_content, decode_utf8, normalise_newlines
from claimgraph.model import Article


def article_from_page(page: Fetched, source: str) -> Article:
    """URL pages get no doc_id: the Article derives it from the text hash."""
    if page.kind == "feed":
        raise IngestError(Code.BAD_CONTENT_TYPE, f"{page.url} is a feed, not a page")
    check_content(page.body)
    if page.kind == "text":
        return article(page_text(page), source, url=page.url)
    return article_from_html(page.body, source=source, url=page.url, charset=page.charset)


def page_text(page: Fetched) -> str:
    """Plain text in its declared charset, else strict UTF-8."""
    charset = usable_charset(page.charset)
    if charset is None:
        return decode_utf8(page.body)
    return normalise_newlines(page.body.decode(charset, errors="replace").removeprefix("\ufeff"))
