"""The claim graph's database: `open_store()` returns a `Store` at the current schema version."""

from __future__ import annotations

from claimgraph.store.database import FAILED_ID, Store
from claimgraph.store.engine import resolve_url
from claimgraph.store.migrations import CURRENT_VERSION

__all__ = ["CURRENT_VERSION", "FAILED_ID", "Store", "open_store"]


def open_store(url_or_path: str | None = None) -> Store:
    """Open (create, migrate) the store at a URL or SQLite path; None: $CLAIMGRAPH_DB or ./claimgraph.db."""
    return Store(resolve_url(url_or_path))
