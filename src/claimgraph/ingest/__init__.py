"""Ingest: user inputs (files, folders, URLs, feeds) to Articles, or Failures that say why not.

Streaming and forgiving: items come out one by one, and one bad item never stops the rest.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from claimgraph.errors import Code
from claimgraph.ingest.files import iter_path
from claimgraph.ingest.language import detect_language
from claimgraph.ingest.options import Options
from claimgraph.ingest.outcome import Failure, Outcome, guarded
from claimgraph.ingest.urls import is_url, iter_url
from claimgraph.model import Article

__all__ = ["Article", "Failure", "Options", "Outcome", "detect_language", "iter_articles"]


def iter_articles(inputs: Sequence[str], *, allow_private: bool = False, max_bytes: int = 10_000_000,
                  timeout: float = 20.0, max_redirects: int = 5) -> Iterator[Article | Failure]:
    """Articles and Failures for the inputs, in input order; folders in sorted order.

    An input is a URL when it starts with http:// or https://, else a file or folder path.
    """
    options = Options(allow_private=allow_private, max_bytes=max_bytes, timeout=timeout,
                      max_redirects=max_redirects)
    if isinstance(inputs, str):  # a lone string is a Sequence too, of one-letter "paths"
        inputs = [inputs]
    for item in inputs:
        if is_url(item):
            yield from guarded(item, iter_url(item, options), Code.UNREACHABLE)
        else:
            yield from guarded(item, iter_path(item, options), Code.UNSUPPORTED_FILE)
