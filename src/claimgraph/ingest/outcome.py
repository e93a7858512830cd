"""What ingest yields for each item: an Article, or a Failure that names the item and the reason."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from claimgraph.errors import Code, IngestError
from claimgraph.ingest.language import detect_language
from claimgraph.model import Article


@dataclass
class Failure:
    source: str  # path, URL, "file.jsonl:LINE" or "feed#entry N"
    error: IngestError

    def __str__(self) -> str:
        return f"{self.source}: {self.error}"


Outcome = Article | Failure


def article(text: str, source: str, *, doc_id: str = "", title: str | None = None, url: str | None = None,
            outlet: str | None = None, author: str | None = None, published: str | None = None) -> Article:
    """An Article with its language detected from the text."""
    return Article(text=text, source=source, doc_id=doc_id, title=title, url=url, outlet=outlet,
                   author=author, published=published, language=detect_language(text) or None)


def guarded(source: str, items: Iterator[Outcome], code: Code) -> Iterator[Outcome]:
    """Pass items on; turn an error that ends them into a Failure for `source`."""
    try:
        yield from items
    except IngestError as error:
        yield Failure(source, error)
    except Exception as error:  # noqa: BLE001 - a library bug on one input must not end the whole batch
        reason = f"unexpected {type(error).__name__}: {error}"
        yield Failure(source, IngestError(code, reason))
