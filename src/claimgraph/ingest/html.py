"""HTML to an Article: the main text and metadata via trafilatura, with a plain lxml fallback."""

from __future__ import annotations

import codecs
import logging
import re

import lxml.html
import trafilatura
from lxml import etree
from lxml_html_clean import Cleaner
from trafilatura.settings import Document
from trafilatura.utils import decode_file

from claimgraph.errors import Code, IngestError
from claimgraph.ingest.outcome import article
from claimgraph.ingest.text import normalise_newlines
from claimgraph.model import Article

# trafilatura and its helpers log parse trouble at ERROR; without a handler Python would print it
# on stderr. A NullHandler keeps it quiet unless the application configures logging itself.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# browsers read these labels as windows-1252, and so do the pages that declare them
WINDOWS_1252_ALIASES = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1"}
# page furniture that is never the article; dropped before the fallback reads the text
FURNITURE = ["nav", "header", "footer", "aside", "form", "button", "select", "noscript", "template", "svg"]
BLOCKS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "table",
    "blockquote", "pre", "section", "article", "dd", "dt", "dl", "figcaption", "hr", "main",
})


def usable_charset(label: str | None) -> str | None:
    """A codec name Python knows for the label, or None."""
    if not label:
        return None
    label = label.strip().lower()
    if label in WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_markup(raw: bytes, charset: str | None = None) -> str:
    """Decode with the declared charset (header, else <meta>), else UTF-8, else a detected one."""
    declared = usable_charset(charset) or usable_charset(meta_charset(raw))
    if declared:
        try:
            return raw.decode(declared).removeprefix("\ufeff")
        except UnicodeDecodeError:
            pass  # the declaration is wrong; detection below does better
    return decode_file(raw).removeprefix("\ufeff")


def meta_charset(raw: bytes) -> str | None:
    found = META_CHARSET.search(raw[:4096])
    return found.group(1).decode("ascii") if found else None


def html_to_text(markup: str) -> str:
    """Readable text of any HTML, a page or a fragment: one line per block, page furniture removed."""
    markup = XML_DECLARATION.sub("", markup)  # lxml refuses str input that declares an encoding
    if not markup.strip():
        return ""
    try:
        root = lxml.html.fromstring(markup)
        cleaner = Cleaner(scripts=True, javascript=True, comments=True, style=True, meta=True,
                          embedded=True, frames=True, forms=False, page_structure=False,
                          links=False, kill_tags=FURNITURE)
        root = cleaner.clean_html(root)
    except (etree.ParserError, ValueError):
        return ""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in BLOCKS:
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def extract(markup: str, url: str | None) -> Document | None:
    """trafilatura's main text and metadata, or None when it finds no article in the page."""
    try:
        found = trafilatura.bare_extraction(markup, url=url, with_metadata=True, include_comments=False)
    except Exception:  # noqa: BLE001 - any trafilatura failure just sends us to the fallback
        return None
    return found if isinstance(found, Document) else None


def metadata(markup: str, url: str | None) -> Document | None:
    """Metadata alone, for pages whose text came from the fallback."""
    try:
        return trafilatura.extract_metadata(markup, default_url=url)
    except Exception:  # noqa: BLE001 - metadata is optional; the text is what matters
        return None


def article_from_html(markup: bytes | str, *, source: str, doc_id: str = "", url: str | None = None,
                      charset: str | None = None) -> Article:
    """The page's main text with title, author, date, site name as outlet and URL."""
    page = markup if isinstance(markup, str) else decode_markup(markup, charset)
    found = extract(page, url)
    text = normalise_newlines(found.text or "") if found else ""
    if not text.strip():
        # trafilatura rejects fragments and very short pages; plain text of the markup still counts
        text = html_to_text(page)
    if not any(char.isalnum() for char in text):  # stray brackets or punctuation are not text
        raise IngestError(Code.NO_TEXT, "no readable text in HTML")
    meta = found or metadata(page, url) or Document()
    return article(text, source, doc_id=doc_id, title=meta.title, url=url or meta.url,
                   outlet=meta.sitename, author=meta.author, published=meta.date)
